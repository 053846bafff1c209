package config

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Override is one parsed "key.path=value", as --set gives it.
type Override struct {
	Text  string // the assignment as written
	Path  string // the key path as written
	Steps []Step
	Value *yaml.Node
}

// ParseOverride parses "key.path=value": a dotted path of keys with list
// indices (shippers[0].penalty, jobs.volume.max, [*] for every item of a
// list) and a YAML value (30, 0.5, true, .nan, pay-as-bid, "a string",
// {min: 1, max: 3}, [p2]). An empty value is the empty string.
func ParseOverride(a string) (Override, error) {
	path, val, ok := strings.Cut(a, "=")
	if !ok {
		return Override{}, fmt.Errorf("want key.path=value, e.g. carriers[0].capacity=40")
	}
	path = strings.TrimSpace(path)
	steps, err := ParsePath(path)
	if err != nil {
		return Override{}, err
	}
	o := Override{Text: a, Path: path, Steps: steps}
	if val == "" {
		o.Value = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "", Style: yaml.DoubleQuotedStyle}
		return o, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(val), &doc); err != nil {
		return Override{}, fmt.Errorf("%q is not a YAML value: %s", val, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return Override{}, fmt.Errorf("%q is not a YAML value", val)
	}
	o.Value = doc.Content[0]
	ClearPositions(o.Value)
	return o, nil
}

// Expand returns the override once for every item that a wildcard index
// [*] of its path stands for, in list order: shippers[*].penalty on a
// scenario of two shippers is shippers[0].penalty and shippers[1].penalty.
// The items are those of the list in root when it is there (with any item
// an earlier override added), else of the effective scenario eff. An
// override without a wildcard is returned as it is.
func (o Override) Expand(root, eff *yaml.Node) ([]Override, error) {
	w := slices.IndexFunc(o.Steps, func(s Step) bool { return s.All })
	if w < 0 {
		return []Override{o}, nil
	}
	prefix := o.Steps[:w]
	list := NodeAt(root, prefix)
	if list == nil {
		list = NodeAt(eff, prefix)
	}
	at := Canonical(prefix)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s is not a list: [*] stands for every item of a list", pathOr(at))
	}
	if len(list.Content) == 0 {
		return nil, fmt.Errorf("%s is empty: [*] sets nothing", at)
	}
	var out []Override
	for i := range list.Content {
		c := o
		c.Steps = slices.Clone(o.Steps)
		c.Steps[w] = Step{Index: i}
		each, err := c.Expand(root, eff)
		if err != nil {
			return nil, err
		}
		out = append(out, each...)
	}
	return out, nil
}

// Apply sets the value at the override's path in the mapping root. eff is
// the effective scenario of the file, from which a list the file omits is
// copied before an item of it is changed.
func (o Override) Apply(root, eff *yaml.Node) error {
	cur := root
	at := ""
	for i, s := range o.Steps {
		last := i == len(o.Steps)-1
		deref(cur)
		if s.Key != "" {
			here := Join(at, s.Key)
			if IsNull(cur) {
				*cur = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			if cur.Kind == yaml.SequenceNode {
				return fmt.Errorf("%s is a list, not a mapping with key %q: write %s[i] to address its item i", pathOr(at), s.Key, at)
			}
			if cur.Kind != yaml.MappingNode {
				return fmt.Errorf("%s is %s, not a mapping with key %q", pathOr(at), kindName(cur), s.Key)
			}
			eff = child(eff, s)
			k := valueOf(cur, s.Key)
			if k < 0 {
				var next *yaml.Node
				switch {
				case last:
					next = o.Value
				case o.Steps[i+1].Key == "" && eff != nil && eff.Kind == yaml.SequenceNode:
					next = CopyNode(eff)
				case o.Steps[i+1].Key == "":
					next = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
				default:
					next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				}
				cur.Content = append(cur.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.Key}, next)
				k = len(cur.Content) - 1
			} else if last {
				cur.Content[k] = o.Value
			} else {
				detach(root, cur.Content[k])
			}
			cur, at = cur.Content[k], here
			continue
		}
		here := fmt.Sprintf("%s[%d]", at, s.Index)
		if IsNull(cur) {
			*cur = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		}
		if cur.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s is %s, not a list", pathOr(at), kindName(cur))
		}
		eff = child(eff, s)
		switch n := len(cur.Content); {
		case s.Index > n:
			return fmt.Errorf("%s has %d item(s): the index of a new one is [%d]", at, n, n)
		case s.Index == n && last:
			cur.Content = append(cur.Content, o.Value)
		case s.Index == n:
			cur.Content = append(cur.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		case last:
			cur.Content[s.Index] = o.Value
		default:
			detach(root, cur.Content[s.Index])
		}
		cur, at = cur.Content[s.Index], here
	}
	return nil
}

func pathOr(p string) string {
	if p == "" {
		return "the scenario"
	}
	return p
}

// LastOverride returns the last override whose path is, contains or lies
// within field.
func LastOverride(os []Override, field string) (Override, bool) {
	if field == "" {
		return Override{}, false
	}
	for i := len(os) - 1; i >= 0; i-- {
		p := Canonical(os[i].Steps)
		if within(field, p) || within(p, field) {
			return os[i], true
		}
	}
	return Override{}, false
}

func within(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(a, b+"[")
}
