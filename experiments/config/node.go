package config

import (
	"fmt"
	"math"
	"strings"

	"gopkg.in/yaml.v3"
)

// NodeAt returns the node at steps under n (a document or its root
// mapping), following aliases, or nil.
func NodeAt(n *yaml.Node, steps []Step) *yaml.Node {
	for _, s := range steps {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		n = child(n, s)
	}
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// child returns the node of n at step s, or nil.
func child(n *yaml.Node, s Step) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	switch {
	case s.Key != "" && n.Kind == yaml.MappingNode:
		if k := valueOf(n, s.Key); k >= 0 {
			return n.Content[k]
		}
	case s.Key == "" && n.Kind == yaml.SequenceNode && s.Index < len(n.Content):
		return n.Content[s.Index]
	}
	return nil
}

// valueOf returns the index in m.Content of the value of key, or -1.
func valueOf(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i + 1
		}
	}
	return -1
}

// IsNull reports whether n is absent or null.
func IsNull(n *yaml.Node) bool {
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// deref replaces an alias by a copy of what it points to, so that an
// override changes only the place it names.
func deref(n *yaml.Node) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		*n = *CopyNode(n.Alias)
		clearAnchors(n)
	}
}

// detach gives n, a node about to be changed by an override, to the place
// it stands alone: when n has an anchor, every alias of it in root becomes
// a copy of it (without anchors), and n loses its anchor. An override that
// goes through n then changes only the place it names, and the aliases keep
// the file's value (shippers[0] of a preset whose other shippers are
// *shipper).
func detach(root, n *yaml.Node) {
	if n.Anchor == "" {
		return
	}
	var walk func(*yaml.Node)
	walk = func(m *yaml.Node) {
		if m.Kind == yaml.AliasNode {
			if m.Alias == n {
				*m = *CopyNode(n)
				clearAnchors(m)
			}
			return
		}
		for _, k := range m.Content {
			walk(k)
		}
	}
	walk(root)
	n.Anchor = ""
}

// clearAnchors removes the anchors of n and of everything under it.
func clearAnchors(n *yaml.Node) {
	n.Anchor = ""
	for _, k := range n.Content {
		clearAnchors(k)
	}
}

// CopyNode is a deep copy of n.
func CopyNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = CopyNode(k)
	}
	return &c
}

// ClearPositions zeroes the line and column of n and everything under it.
func ClearPositions(n *yaml.Node) {
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		ClearPositions(c)
	}
}

// BlockStyle writes every mapping and list in block style, one key a line,
// so that each line of the rewritten text names one field.
func BlockStyle(n *yaml.Node) {
	// An empty list or mapping has no block form: it stays [] or {}.
	if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0 {
		n.Style &^= yaml.FlowStyle
	}
	for _, c := range n.Content {
		BlockStyle(c)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "not a mapping"
}

// LineFields maps each line of a YAML text to the field path of the first
// key or list item on it.
func LineFields(data []byte) map[int]string {
	out := map[int]string{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	walkFields(doc.Content[0], "", func(path string, line int) {
		if _, ok := out[line]; !ok {
			out[line] = path
		}
	})
	return out
}

// FieldLines maps the field path of every key and list item under n to its
// line, known keys or not.
func FieldLines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	walkFields(n, "", func(path string, line int) { out[path] = line })
	return out
}

// LineOf returns the line of field, or of its closest ancestor, or 0.
func LineOf(lines map[string]int, field string) int {
	for field != "" {
		if l, ok := lines[field]; ok {
			return l
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return 0
}

// walkFields calls visit with the path and line of every mapping key and
// list item under n.
func walkFields(n *yaml.Node, path string, visit func(path string, line int)) {
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias != nil {
			walkFields(n.Alias, path, visit)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := Join(path, n.Content[i].Value)
			visit(p, n.Content[i].Line)
			walkFields(n.Content[i+1], p, visit)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			visit(p, c.Line)
			walkFields(c, p, visit)
		}
	}
}

// NodeText writes a YAML value on one line, as a --set value: flow style.
func NodeText(n *yaml.Node) (string, error) {
	c := CopyNode(n)
	ClearPositions(c)
	var flow func(*yaml.Node)
	flow = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			n.Style |= yaml.FlowStyle
		}
		n.HeadComment, n.LineComment, n.FootComment = "", "", ""
		for _, k := range n.Content {
			flow(k)
		}
	}
	flow(c)
	if c.Kind == yaml.AliasNode {
		return "", fmt.Errorf("an alias: write the value itself")
	}
	b, err := yaml.Marshal(c)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		return "", fmt.Errorf("a value that does not fit on one line: write it in flow style, e.g. [a, b] or {min: 1, max: 5}")
	}
	if s == "" {
		s = `""`
	}
	return s, nil
}

// MaxNodes bounds the nodes of a YAML document with its aliases expanded:
// a few aliases nesting each other ("billion laughs") would otherwise make
// a walk of the document take gigabytes and hours.
const MaxNodes = 1_000_000

// CheckSize returns an error if n, with every alias expanded, has more
// than MaxNodes nodes. It counts without expanding, each node once.
func CheckSize(n *yaml.Node) error {
	memo := map[*yaml.Node]float64{}
	var size func(*yaml.Node, int) float64
	size = func(n *yaml.Node, depth int) float64 {
		if n == nil {
			return 0
		}
		if s, ok := memo[n]; ok {
			return s
		}
		if depth > 10_000 {
			return math.Inf(1) // an alias cycle, or nesting no scenario has
		}
		memo[n] = math.Inf(1) // a cycle through n is infinite
		s := 1.0
		if n.Kind == yaml.AliasNode {
			s += size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			s += size(c, depth+1)
		}
		memo[n] = s
		return s
	}
	if s := size(n, 0); s > MaxNodes {
		return fmt.Errorf("the document expands its aliases to %.3g values: want at most %d (aliases that nest each other multiply)", s, MaxNodes)
	}
	return nil
}
