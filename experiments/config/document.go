package config

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// OneDocument parses data, the text of file, as at most one YAML document
// that is not an alias bomb ([CheckSize]), or returns the problem; what
// names what the file holds ("scenario", "sweep") in the message about a
// second document. No document at all gives an empty node.
func OneDocument(file string, data []byte, what string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); errors.Is(err, io.EOF) {
		return &root, nil
	} else if err != nil {
		return nil, Problems{SyntaxProblem(file, err)}
	}
	if err := CheckSize(&root); err != nil {
		return nil, Problems{{File: file, Msg: err.Error()}}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		line := next.Line
		if err != nil {
			line = 0
		}
		return nil, Problems{{File: file, Line: line, Msg: "a second YAML document (after ---): a " + what + " file holds one; remove the ---, or put each " + what + " in its own file"}}
	}
	return &root, nil
}
