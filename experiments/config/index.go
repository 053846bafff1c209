package config

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// SyntaxProblem is a YAML syntax error of file as a located problem.
func SyntaxProblem(file string, err error) Problem {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{File: file, Line: n, Msg: "not valid YAML: " + m[2]}
	}
	return Problem{File: file, Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// Related reports whether field is, contains or lies within a field that
// already has a problem.
func Related(field string, probs Problems) bool {
	within := func(a, b string) bool {
		return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(a, b+"[")
	}
	for _, p := range probs {
		if p.Field != "" && (within(field, p.Field) || within(p.Field, field)) {
			return true
		}
	}
	return false
}

// Index maps the field paths of a YAML document to their lines, and
// collects the unknown keys it meets while walking the document against a
// schema (Problems).
type Index struct {
	file     string
	lines    map[string]int // field path -> line of its key
	byLine   map[int]string // line -> field path of the key on it
	scalars  map[int][]at   // line -> the keys with a scalar value on it, in order (a flow mapping has several)
	misfits  map[int]string // line -> field path of a list or mapping where the schema wants something else
	Problems Problems       // unknown keys met by Walk
}

// at is a field with a scalar value.
type at struct{ path, value string }

// NewIndex is an empty index of the document in file.
func NewIndex(file string) *Index {
	return &Index{file: file, lines: map[string]int{}, byLine: map[int]string{}, scalars: map[int][]at{}, misfits: map[int]string{}}
}

// Walk checks every mapping key of n against the yaml fields of type t and
// records where each field is.
func (x *Index) Walk(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.AliasNode:
		x.Walk(n.Alias, t, path)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := Fields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := Join(path, k.Value)
			f, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("unknown key %q", k.Value)
				if s := DidYouMean(k.Value, keys(fields)); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					msg += "; allowed here: " + strings.Join(keys(fields), ", ")
				}
				x.Problems = append(x.Problems, Problem{File: x.file, Line: k.Line, Field: p, Msg: msg})
				continue
			}
			x.lines[p] = k.Line
			x.byLine[k.Line] = p
			if v.Kind == yaml.ScalarNode {
				x.scalars[v.Line] = append(x.scalars[v.Line], at{p, v.Value})
			}
			x.Walk(v, f.Type, p)
		}
	case n.Kind == yaml.ScalarNode && t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if msg := wholeNumber(n, t.Kind()); msg != "" {
			x.Problems = append(x.Problems, Problem{File: x.file, Line: n.Line, Field: path, Msg: msg})
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			x.lines[p] = item.Line
			if _, taken := x.byLine[item.Line]; !taken {
				x.byLine[item.Line] = p
			}
			x.Walk(item, t.Elem(), p)
		}
	case n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode:
		if _, taken := x.misfits[n.Line]; !taken {
			x.misfits[n.Line] = path
		}
	}
}

// wholeNumber says what is wrong with the scalar n as a whole number of
// kind k, or "": yaml.v3 would truncate 80.5 to 80 and wrap a number
// beyond the type's range. Values of another type are left to the decoder.
func wholeNumber(n *yaml.Node, k reflect.Kind) string {
	tag := n.ShortTag()
	if tag != "!!float" && tag != "!!int" {
		return ""
	}
	lo, hi := "-9223372036854775808", "9223372036854775807"
	var ok bool
	if k >= reflect.Uint {
		lo, hi = "0", "18446744073709551615"
		_, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		ok = err == nil && tag == "!!int"
	} else {
		_, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		ok = err == nil && tag == "!!int"
	}
	if ok || tag == "!!int" { // an !!int out of range: the decoder says so
		return ""
	}
	if integerLiteral.MatchString(n.Value) {
		return fmt.Sprintf("%s is out of range: want a whole number in [%s, %s]", n.Value, lo, hi)
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return "" // the decoder says it is not a whole number
	}
	inRange := math.Abs(f) <= 1<<63 // as the decoder checks, before it converts
	if k >= reflect.Uint {
		inRange = f >= 0 && f <= 1<<64
	}
	switch {
	case !inRange:
		return "" // the decoder says it is out of range
	case f != math.Trunc(f):
		return fmt.Sprintf("%s is not a whole number: want a whole number", n.Value)
	case math.Abs(f) > 1<<53:
		return fmt.Sprintf("%s is not exact beyond 2^53 in this notation: write the whole number's digits, in [%s, %s]", n.Value, lo, hi)
	}
	return "" // 1e3: a whole number
}

var integerLiteral = regexp.MustCompile(`^[-+]?[0-9_]+$`)

// Line returns the line of field path p, or of its closest ancestor in the file.
func (x *Index) Line(p string) int { return LineOf(x.lines, p) }

var (
	typeRE = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (.*)$")
	kindRE = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+) into (.*)$`)
)

// fieldWith is the field on line n whose value is value (as yaml.v3 quotes
// it: cut to 7 characters and "..." when long), the key of the line when
// none is: a flow mapping {capacity: many, cost_rate: 0.1} has two.
func (x *Index) fieldWith(n int, value string) string {
	for _, a := range x.scalars[n] {
		if a.value == value || strings.HasSuffix(value, "...") && strings.HasPrefix(a.value, strings.TrimSuffix(value, "...")) {
			return a.path
		}
	}
	return x.byLine[n]
}

// TypeProblem turns a message of a yaml.TypeError into a located problem.
func (x *Index) TypeProblem(msg string) Problem {
	if m := typeRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{File: x.file, Line: n, Field: x.fieldWith(n, m[3]),
			Msg: fmt.Sprintf("%q is a %s: want %s", m[3], yamlKind(m[2]), goKind(m[4]))}
	}
	if m := kindRE.FindStringSubmatch(msg); m != nil { // a list or mapping: yaml.v3 gives no value
		n, _ := strconv.Atoi(m[1])
		f, ok := x.misfits[n]
		if !ok {
			f = x.byLine[n]
		}
		return Problem{File: x.file, Line: n, Field: f,
			Msg: fmt.Sprintf("a %s: want %s", yamlKind(m[2]), goKind(m[3]))}
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		f, ok := x.misfits[n]
		if !ok {
			f = x.byLine[n]
		}
		return Problem{File: x.file, Line: n, Field: f, Msg: m[2]}
	}
	return Problem{File: x.file, Msg: msg}
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "string"
	case "int", "float":
		return "number"
	case "bool":
		return "boolean"
	case "map":
		return "mapping"
	case "seq":
		return "list"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case strings.HasPrefix(t, "uint"):
		return "a whole number >= 0"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return "a mapping of its fields"
}

// Fields maps the yaml names of struct type t to its fields.
func Fields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f
	}
	return out
}

func keys(m map[string]reflect.StructField) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Join appends key to the field path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
