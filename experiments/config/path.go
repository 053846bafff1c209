package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Step is one key, or one list index, of a key path.
type Step struct {
	Key   string
	Index int  // when Key == ""
	All   bool // [*]: every item of the list (Index unused)
}

// ParsePath splits "carriers[0].strategy.sigma" into its steps.
func ParsePath(path string) ([]Step, error) {
	bad := fmt.Errorf("%q is not a key path: want keys separated by dots, with [i] after a list, e.g. shippers[0].penalty", path)
	if path == "" {
		return nil, fmt.Errorf("no key before '=': want key.path=value, e.g. carriers[0].capacity=40")
	}
	var steps []Step
	for i := 0; i < len(path); {
		j := i
		for j < len(path) && !strings.ContainsRune(".[]", rune(path[j])) {
			j++
		}
		if j == i {
			return nil, bad
		}
		steps = append(steps, Step{Key: path[i:j]})
		for i = j; i < len(path) && path[i] == '['; {
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, bad
			}
			if path[i+1:i+end] == "*" {
				steps = append(steps, Step{All: true})
				i += end + 1
				continue
			}
			n, err := strconv.Atoi(path[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%q: list index %q is not a whole number >= 0 or *", path, path[i+1:i+end])
			}
			steps = append(steps, Step{Index: n})
			i += end + 1
		}
		if i < len(path) {
			if path[i] != '.' || i == len(path)-1 {
				return nil, bad
			}
			i++
		}
	}
	return steps, nil
}

// Canonical writes steps as problems name fields: a.b[0].c.
func Canonical(steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.All {
			b.WriteString("[*]")
			continue
		}
		if s.Key == "" {
			fmt.Fprintf(&b, "[%d]", s.Index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Key)
	}
	return b.String()
}

// KindAt is the Go kind of the setting of schema t (a struct type with yaml
// tags) at steps, if the path names one; String for a type that reads
// itself from text (an [Enum]).
func KindAt(t reflect.Type, steps []Step) (reflect.Kind, bool) {
	for _, s := range steps {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if s.Key == "" {
			if t.Kind() != reflect.Slice {
				return 0, false
			}
			t = t.Elem()
			continue
		}
		if t.Kind() != reflect.Struct {
			return 0, false
		}
		f, ok := Fields(t)[s.Key]
		if !ok {
			return 0, false
		}
		t = f.Type
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return reflect.String, true // an enum or another type written as text
	}
	return t.Kind(), true
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// LastKey is the last key of a path: risk for carriers[0].strategy.risk.
func LastKey(steps []Step) string {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Key != "" {
			return steps[i].Key
		}
	}
	return ""
}

// ColumnName is a path as a column name: carriers_0_strategy_risk for
// carriers[0].strategy.risk, shippers_strategy_kind for shippers[*].strategy.kind.
func ColumnName(steps []Step) string {
	var parts []string
	for _, s := range steps {
		switch {
		case s.All:
		case s.Key == "":
			parts = append(parts, fmt.Sprint(s.Index))
		default:
			parts = append(parts, s.Key)
		}
	}
	return strings.Join(parts, "_")
}
