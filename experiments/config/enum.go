package config

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// An Enum is a closed set of names, one of which a setting takes: a tie
// rule, a strategy kind. Its types (in the schema's package) are small
// integers that decode from these names once, where the file is read, so
// that nothing later parses strings.
type Enum struct {
	What  string   // what a value is, for messages: "a tie rule"
	Names []string // the allowed names, in the order of the type's values
	Want  string   // the allowed names in words, where a plain list says too little; default: List
}

// Parse returns the index of name, or an error that says what is allowed
// (with a did-you-mean).
func (e Enum) Parse(name string) (int, error) {
	for i, n := range e.Names {
		if n == name {
			return i, nil
		}
	}
	msg := fmt.Sprintf("%q is not %s: want %s", name, e.What, e.List())
	if s := DidYouMean(name, e.Names); s != "" && name != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return 0, errors.New(msg)
}

// List writes the allowed names for a message: "a, b or c", or Want.
func (e Enum) List() string {
	if e.Want != "" {
		return e.Want
	}
	switch len(e.Names) {
	case 0:
		return "nothing"
	case 1:
		return e.Names[0]
	}
	return strings.Join(e.Names[:len(e.Names)-1], ", ") + " or " + e.Names[len(e.Names)-1]
}

// Name is the name of value i; it panics, as for a programmer error, when i
// is not a value of the enum.
func (e Enum) Name(i int) string { return e.Names[i] }

// Decode reads node n as one of the names, for a type's UnmarshalYAML. A
// bad value is a *yaml.TypeError located at its line, so that the decoder
// goes on and every problem of a file is reported at once.
func (e Enum) Decode(n *yaml.Node) (int, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s where %s is wanted: want %s", n.Line, kindName(n), e.What, e.List())}}
	}
	i, err := e.Parse(n.Value)
	if err != nil {
		return 0, &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	return i, nil
}
