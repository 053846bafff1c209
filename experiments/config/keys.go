package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// KeyPaths returns the key path of every setting of schema t (a struct
// type with yaml tags), in the order of its fields, with [] for "any item of
// this list": name, training.episodes, shippers[].strategy.sigma, ... Lists
// of plain values (strategy.features) are one setting.
func KeyPaths(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				if name == "" || name == "-" || !f.IsExported() {
					continue
				}
				walk(f.Type, Join(path, name))
			}
		case t.Kind() == reflect.Slice && isComposite(t.Elem()):
			walk(t.Elem(), path+"[]")
		case t.Kind() == reflect.Map && isComposite(t.Elem()):
			walk(t.Elem(), path+".*")
		default:
			out = append(out, path)
		}
	}
	walk(t, "")
	return out
}

func isComposite(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Slice && isComposite(t.Elem()) ||
		t.Kind() == reflect.Map && isComposite(t.Elem())
}

// Diff lists the settings in which a and b differ, one line each, as
// "key.path: A -> B" in file order; nil when they are the same.
func Diff(a, b any) ([]string, error) {
	fa, err := Flatten(a)
	if err != nil {
		return nil, err
	}
	fb, err := Flatten(b)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, kv := range fa {
		seen[kv[0]] = true
		if w, ok := lookup(fb, kv[0]); !ok {
			out = append(out, fmt.Sprintf("%s: %s -> (absent)", kv[0], kv[1]))
		} else if w != kv[1] {
			out = append(out, fmt.Sprintf("%s: %s -> %s", kv[0], kv[1], w))
		}
	}
	for _, kv := range fb {
		if !seen[kv[0]] {
			out = append(out, fmt.Sprintf("%s: (absent) -> %s", kv[0], kv[1]))
		}
	}
	return out, nil
}

func lookup(kvs [][2]string, k string) (string, bool) {
	for _, kv := range kvs {
		if kv[0] == k {
			return kv[1], true
		}
	}
	return "", false
}

// Flatten lists every scalar of v's YAML form with its key path.
func Flatten(v any) ([][2]string, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	var out [][2]string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], Join(path, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			if len(n.Content) == 0 {
				out = append(out, [2]string{path, "[]"})
			}
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		default:
			out = append(out, [2]string{path, n.Value})
		}
	}
	walk(&n, "")
	return out, nil
}
