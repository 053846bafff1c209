package experiments

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Overrides: `--set key.path=value` on the command line.
//
// An override is applied to the YAML tree of the scenario file before it is
// decoded, so the value goes through exactly the checks a value written in
// the file does: unknown keys (with a did-you-mean), wrong types, ranges,
// NaN and Inf. The order is: defaults, then the file, then the overrides in
// the order given (a later one wins), then validation. A key path addresses
// the effective scenario, defaults included: carriers[0].capacity works
// whether or not the file lists carriers, and carriers[1] adds a second
// carrier (with the defaults) to a scenario that has one.

// ResolveWith reads a scenario named on the command line, a preset name or
// the path of a YAML file (see [Resolve]), and applies the overrides sets,
// each "key.path=value" (see [ParseWith]).
func ResolveWith(nameOrFile string, sets []string) (Scenario, error) {
	label, data, err := source(nameOrFile)
	if err != nil {
		return Scenario{}, err
	}
	if len(sets) == 0 {
		return Parse(label, data)
	}
	return ParseWith(label, data, sets)
}

// ParseWith reads a scenario from the YAML data of file, like [Parse], with
// the overrides sets applied on top, each "key.path=value": a dotted path of
// keys with list indices (shippers[0].penalty, jobs.volume.max) and a YAML
// value (30, 0.5, true, .nan, pay-as-bid, "a string", {min: 1, max: 3},
// [p2]). An empty value is the empty string.
//
// Problems are reported all at once, as by [Parse]: those of the file with
// its name and line, those of an override with the flag instead, e.g.
//
//	--set carriers[0].capacity=-5: carriers[0].capacity: -5 is too small: want a whole number >= 0
func ParseWith(file string, data []byte, sets []string) (Scenario, error) {
	if len(sets) == 0 {
		return Parse(file, data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Parse(file, data) // reports the syntax error with its line
	}
	base, _ := Parse(file, data) // the file's effective scenario: where a list the file omits comes from
	var eff yaml.Node
	if err := eff.Encode(base); err != nil {
		return Scenario{}, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := doc.Content[0]
	if isNull(root) {
		*root = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	// Where each key of the file is, before the overrides change the tree.
	orig := fieldLines(root)

	var setProbs Problems
	var applied []override
	for _, a := range sets {
		o, err := parseOverride(a)
		var each []override
		if err == nil {
			each, err = o.expand(root, &eff)
		}
		for _, c := range each {
			if err = c.apply(root, &eff); err != nil {
				break
			}
			applied = append(applied, c)
		}
		if err != nil {
			setProbs = append(setProbs, Problem{File: flagName(a), Msg: err.Error()})
		}
	}

	blockStyle(root)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return Scenario{}, fmt.Errorf("applying --set: %w", err)
	}
	sc, err := Parse(file, out)
	var ps Problems
	if err != nil && !asProblems(err, &ps) {
		return sc, err
	}
	// Parse saw the rewritten text: give each problem back its origin, the
	// file's line or the override that set the field.
	lines := lineFields(out)
	var fileProbs Problems
	for _, p := range ps {
		if p.Field == "" && p.Line > 0 {
			p.Field = lines[p.Line]
		}
		if o, ok := lastOverride(applied, p.Field); ok {
			p.File, p.Line = flagName(o.text), 0
			setProbs = append(setProbs, p)
			continue
		}
		p.File, p.Line = file, lineOf(orig, p.Field)
		fileProbs = append(fileProbs, p)
	}
	if len(fileProbs)+len(setProbs) > 0 {
		sort.SliceStable(fileProbs, func(i, j int) bool { return fileProbs[i].Line < fileProbs[j].Line })
		sort.SliceStable(setProbs, func(i, j int) bool { return flagIndex(sets, setProbs[i].File) < flagIndex(sets, setProbs[j].File) })
		return sc, append(fileProbs, setProbs...)
	}
	return sc, nil
}

func asProblems(err error, ps *Problems) bool {
	p, ok := err.(Problems)
	if ok {
		*ps = p
	}
	return ok
}

func flagName(assignment string) string { return "--set " + assignment }

func flagIndex(sets []string, name string) int {
	for i, a := range sets {
		if flagName(a) == name {
			return i
		}
	}
	return len(sets)
}

// override is one parsed "key.path=value".
type override struct {
	text  string
	path  string // the key path as written
	steps []step
	value *yaml.Node
}

// step is one key, or one list index, of a key path.
type step struct {
	key   string
	index int  // when key == ""
	all   bool // [*]: every item of the list (index unused)
}

func parseOverride(a string) (override, error) {
	path, val, ok := strings.Cut(a, "=")
	if !ok {
		return override{}, fmt.Errorf("want key.path=value, e.g. carriers[0].capacity=40")
	}
	path = strings.TrimSpace(path)
	steps, err := parsePath(path)
	if err != nil {
		return override{}, err
	}
	o := override{text: a, path: path, steps: steps}
	if val == "" {
		o.value = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "", Style: yaml.DoubleQuotedStyle}
		return o, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(val), &doc); err != nil {
		return override{}, fmt.Errorf("%q is not a YAML value: %s", val, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return override{}, fmt.Errorf("%q is not a YAML value", val)
	}
	o.value = doc.Content[0]
	clearPositions(o.value)
	return o, nil
}

// parsePath splits "carriers[0].strategy.sigma" into its steps.
func parsePath(path string) ([]step, error) {
	bad := fmt.Errorf("%q is not a key path: want keys separated by dots, with [i] after a list, e.g. shippers[0].penalty", path)
	if path == "" {
		return nil, fmt.Errorf("no key before '=': want key.path=value, e.g. carriers[0].capacity=40")
	}
	var steps []step
	for i := 0; i < len(path); {
		j := i
		for j < len(path) && !strings.ContainsRune(".[]", rune(path[j])) {
			j++
		}
		if j == i {
			return nil, bad
		}
		steps = append(steps, step{key: path[i:j]})
		for i = j; i < len(path) && path[i] == '['; {
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, bad
			}
			if path[i+1:i+end] == "*" {
				steps = append(steps, step{all: true})
				i += end + 1
				continue
			}
			n, err := strconv.Atoi(path[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%q: list index %q is not a whole number >= 0 or *", path, path[i+1:i+end])
			}
			steps = append(steps, step{index: n})
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

// expand returns the override once for every item that a wildcard index
// [*] of its path stands for, in list order: shippers[*].penalty on a
// scenario of two shippers is shippers[0].penalty and shippers[1].penalty.
// The items are those of the list in root when it is there (with any item
// an earlier override added), else of the effective scenario eff. An
// override without a wildcard is returned as it is.
func (o override) expand(root, eff *yaml.Node) ([]override, error) {
	w := slices.IndexFunc(o.steps, func(s step) bool { return s.all })
	if w < 0 {
		return []override{o}, nil
	}
	prefix := o.steps[:w]
	list := nodeAt(root, prefix)
	if list == nil {
		list = nodeAt(eff, prefix)
	}
	at := canonical(prefix)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s is not a list: [*] stands for every item of a list", pathOr(at))
	}
	if len(list.Content) == 0 {
		return nil, fmt.Errorf("%s is empty: [*] sets nothing", at)
	}
	var out []override
	for i := range list.Content {
		c := o
		c.steps = slices.Clone(o.steps)
		c.steps[w] = step{index: i}
		each, err := c.expand(root, eff)
		if err != nil {
			return nil, err
		}
		out = append(out, each...)
	}
	return out, nil
}

// nodeAt returns the node at steps under n (a document or its root
// mapping), following aliases, or nil.
func nodeAt(n *yaml.Node, steps []step) *yaml.Node {
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

// apply sets the value at the override's path in the mapping root. eff is
// the effective scenario of the file, from which a list the file omits is
// copied before an item of it is changed.
func (o override) apply(root, eff *yaml.Node) error {
	cur := root
	at := ""
	for i, s := range o.steps {
		last := i == len(o.steps)-1
		deref(cur)
		if s.key != "" {
			here := join(at, s.key)
			if isNull(cur) {
				*cur = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			if cur.Kind == yaml.SequenceNode {
				return fmt.Errorf("%s is a list, not a mapping with key %q: write %s[i] to address its item i", pathOr(at), s.key, at)
			}
			if cur.Kind != yaml.MappingNode {
				return fmt.Errorf("%s is %s, not a mapping with key %q", pathOr(at), kindName(cur), s.key)
			}
			eff = child(eff, s)
			k := valueOf(cur, s.key)
			if k < 0 {
				var next *yaml.Node
				switch {
				case last:
					next = o.value
				case o.steps[i+1].key == "" && eff != nil && eff.Kind == yaml.SequenceNode:
					next = copyNode(eff)
				case o.steps[i+1].key == "":
					next = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
				default:
					next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				}
				cur.Content = append(cur.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.key}, next)
				k = len(cur.Content) - 1
			} else if last {
				cur.Content[k] = o.value
			}
			cur, at = cur.Content[k], here
			continue
		}
		here := fmt.Sprintf("%s[%d]", at, s.index)
		if isNull(cur) {
			*cur = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		}
		if cur.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s is %s, not a list", pathOr(at), kindName(cur))
		}
		eff = child(eff, s)
		switch n := len(cur.Content); {
		case s.index > n:
			return fmt.Errorf("%s has %d item(s): the index of a new one is [%d]", at, n, n)
		case s.index == n && last:
			cur.Content = append(cur.Content, o.value)
		case s.index == n:
			cur.Content = append(cur.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		case last:
			cur.Content[s.index] = o.value
		}
		cur, at = cur.Content[s.index], here
	}
	return nil
}

func pathOr(p string) string {
	if p == "" {
		return "the scenario"
	}
	return p
}

// child returns the node of n at step s, or nil.
func child(n *yaml.Node, s step) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	switch {
	case s.key != "" && n.Kind == yaml.MappingNode:
		if k := valueOf(n, s.key); k >= 0 {
			return n.Content[k]
		}
	case s.key == "" && n.Kind == yaml.SequenceNode && s.index < len(n.Content):
		return n.Content[s.index]
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

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// deref replaces an alias by a copy of what it points to, so that an
// override changes only the place it names.
func deref(n *yaml.Node) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		*n = *copyNode(n.Alias)
		n.Anchor = ""
	}
}

func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = copyNode(k)
	}
	return &c
}

func clearPositions(n *yaml.Node) {
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		clearPositions(c)
	}
}

// blockStyle writes every mapping and list in block style, one key a line,
// so that each line of the rewritten text names one field.
func blockStyle(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style &^= yaml.FlowStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
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

// lineFields maps each line of a YAML text to the field path of the first
// key or list item on it.
func lineFields(data []byte) map[int]string {
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

// fieldLines maps the field path of every key and list item under n to its
// line, known keys or not.
func fieldLines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	walkFields(n, "", func(path string, line int) { out[path] = line })
	return out
}

// lineOf returns the line of field, or of its closest ancestor, or 0.
func lineOf(lines map[string]int, field string) int {
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
			p := join(path, n.Content[i].Value)
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

// lastOverride returns the last override whose path is, contains or lies
// within field.
func lastOverride(os []override, field string) (override, bool) {
	if field == "" {
		return override{}, false
	}
	for i := len(os) - 1; i >= 0; i-- {
		p := canonical(os[i].steps)
		if within(field, p) || within(p, field) {
			return os[i], true
		}
	}
	return override{}, false
}

func within(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(a, b+"[")
}

// canonical writes steps as Parse names fields: a.b[0].c.
func canonical(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.all {
			b.WriteString("[*]")
			continue
		}
		if s.key == "" {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// KeyPaths returns the key path of every setting of a scenario, in the
// order of the Scenario struct, with [] for "any item of this list":
// name, training.episodes, shippers[].strategy.sigma, ... Lists of plain
// values (strategy.features) are one setting.
func KeyPaths() []string {
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
				walk(f.Type, join(path, name))
			}
		case t.Kind() == reflect.Slice && isComposite(t.Elem()):
			walk(t.Elem(), path+"[]")
		case t.Kind() == reflect.Map && isComposite(t.Elem()):
			walk(t.Elem(), path+".*")
		default:
			out = append(out, path)
		}
	}
	walk(reflect.TypeOf(Scenario{}), "")
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
// "key.path: A -> B" in file order; nil when they are the same scenario.
func Diff(a, b Scenario) ([]string, error) {
	fa, err := flatten(a)
	if err != nil {
		return nil, err
	}
	fb, err := flatten(b)
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

// flatten lists every scalar of sc's YAML form with its key path.
func flatten(sc Scenario) ([][2]string, error) {
	var n yaml.Node
	if err := n.Encode(sc); err != nil {
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
				walk(n.Content[i+1], join(path, n.Content[i].Value))
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
