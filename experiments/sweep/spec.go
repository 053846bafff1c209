package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// Spec is a validated sweep: what [Parse] reads from a sweep file.
type Spec struct {
	Name        string
	Description string
	File        string // the sweep file, as named
	BaseName    string // the base as the file names it: a preset or a path relative to File
	Seed        uint64 // base seed: of the sampled designs, and of every point (PointSeed)
	Replicates  int    // runs per point
	Design      string // grid, random or lhs
	Samples     int    // points of a random or lhs design
	Axes        []Axis
	Metrics     []string // the aggregated metrics
	Plots       bool     // draw the figures of the aggregated metrics

	// Base is the effective base scenario: the base with set applied. Its
	// seed and replicates are replaced at each point.
	Base scenario.Config

	baseYAML []byte     // Base as YAML: base.yaml of a sweep directory
	baseTree *yaml.Node // baseYAML parsed: what the axes override at each point
	sets     []string   // set, as "key.path=value"
	columns  []string   // the run table's metric columns: every final-evaluation metric of any point
	episodes []int32    // training episodes of each point
	perms    [][]int32  // lhs: for each axis, the stratum of each point
	spec     []byte     // sweep.yaml of a sweep directory: the effective sweep
	hash     string     // identifies the sweep: see Hash
}

// Axis is one swept key.
type Axis struct {
	Key     string // key path in the scenario, e.g. carriers[0].strategy.risk
	Name    string // its column in the tables and its name in figures
	Unit    string // shown on figure axes; may be empty
	Values  []AxisValue
	Range   bool    // from, to (and steps, scale) rather than a list of values
	From    float64 // range
	To      float64
	Steps   int  // values of a range in a grid
	Log     bool // the range is on a log scale
	Integer bool // the key holds whole numbers: range values are whole
	Numeric bool // every value is a number: a number column; else a text column

	steps  []config.Step
	nodes  []*yaml.Node // the values of a list, as YAML
	fileAt []int        // the index in the file's list of each of Values
	known  bool         // the key is a key of the scenario schema
}

// AxisValue is one value of an axis.
type AxisValue struct {
	Text string  // the YAML value that is set, e.g. 0.05, learn, [bias, cost]
	Num  float64 // its number; NaN for a value that is not a number
}

// Sweep designs.
const (
	DesignGrid   = "grid"   // every combination of the axes' values
	DesignRandom = "random" // Samples points, each axis drawn independently and uniformly
	DesignLHS    = "lhs"    // Samples points of a Latin hypercube: each axis stratified into Samples equal parts
)

// fileYAML is the YAML of a sweep file.
type fileYAML struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Base        string         `yaml:"base"`
	Set         map[string]any `yaml:"set"` // read in order from the YAML tree
	Seed        *uint64        `yaml:"seed"`
	Replicates  *int           `yaml:"replicates"`
	Design      string         `yaml:"design"`
	Samples     int            `yaml:"samples"`
	Axes        []axisFile     `yaml:"axes"`
	Metrics     []string       `yaml:"metrics"`
	Plots       *bool          `yaml:"plots"`
}

type axisFile struct {
	Key    string   `yaml:"key"`
	Name   string   `yaml:"name"`
	Unit   string   `yaml:"unit"`
	Values []any    `yaml:"values"` // read as YAML from the tree
	From   *float64 `yaml:"from"`
	To     *float64 `yaml:"to"`
	Steps  int      `yaml:"steps"`
	Scale  string   `yaml:"scale"`
}

// maxPoints is the most points a sweep may have: beyond it, a grid is
// surely a mistake (and its points would not fit in an int32 index).
const maxPoints = 10_000_000

// Load reads a sweep file; see [Parse].
func Load(path string) (*Spec, error) { return LoadWith(path, nil) }

// LoadWith reads a sweep file with overrides; see [ParseWith].
func LoadWith(path string, sets []string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseWith(path, data, sets)
}

// Parse reads the sweep file called file, with contents data: its own
// keys (unknown keys, types, ranges), the base scenario with the set
// overrides, every axis value on the base, and every point. A bad sweep
// gives a [config.Problems] error listing every problem found, each with its file,
// line and field; a problem of an axis value or a set override names the
// sweep file, its line and the scenario key, as
//
//	risk.yaml:9: axes[0].values[2]: carriers[0].strategy.risk: "high" is a string: want a number
func Parse(file string, data []byte) (*Spec, error) { return ParseWith(file, data, nil) }

// ParseWith is [Parse] with overrides of the base scenario, each
// "key.path=value" as --set gives them, applied after the sweep file's set
// (seed and replicates are the sweep's own: they cannot be set). They
// become part of the effective base, so a resume, a shard or a Slurm task
// of the sweep runs with them; a problem of one names it as "--set
// key.path=value".
func ParseWith(file string, data []byte, sets []string) (*Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, config.Problems{config.SyntaxProblem(file, err)}
	}
	var doc *yaml.Node
	if len(root.Content) > 0 && !config.IsNull(root.Content[0]) {
		doc = root.Content[0]
	} else {
		return nil, config.Problems{{File: file, Msg: "empty: a sweep names at least its base scenario, e.g. base: smart-containers-2020 (see docs/SWEEPS.md)"}}
	}
	idx := config.NewIndex(file)
	idx.Walk(doc, reflect.TypeOf(fileYAML{}), "")
	probs := idx.Problems
	var f fileYAML
	if err := doc.Decode(&f); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, append(probs, config.SyntaxProblem(file, err))
		}
		for _, msg := range te.Errors {
			probs = append(probs, idx.TypeProblem(msg))
		}
	}
	at := func(field, format string, args ...any) {
		if config.Related(field, probs) {
			return
		}
		probs = append(probs, config.Problem{File: file, Line: idx.Line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}

	sw := &Spec{File: file, Name: f.Name, Description: f.Description, BaseName: f.Base, Seed: 1, Replicates: 1,
		Design: f.Design, Samples: f.Samples, Plots: true, Metrics: f.Metrics}
	if sw.Name == "" {
		sw.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if f.Seed != nil {
		sw.Seed = *f.Seed
	}
	if f.Replicates != nil {
		sw.Replicates = *f.Replicates
		if sw.Replicates < 1 {
			at("replicates", "%d is too small: want a whole number >= 1", sw.Replicates)
		}
	}
	if f.Plots != nil {
		sw.Plots = *f.Plots
	}
	switch sw.Design {
	case "":
		sw.Design = DesignGrid
	case DesignGrid, DesignRandom, DesignLHS:
	default:
		msg := fmt.Sprintf("%q is not a design: want grid, random or lhs", sw.Design)
		if s := config.DidYouMean(sw.Design, []string{DesignGrid, DesignRandom, DesignLHS}); s != "" {
			msg = fmt.Sprintf("%q is not a design; did you mean %q? (grid, random or lhs)", sw.Design, s)
		}
		at("design", "%s", msg)
	}
	sampled := sw.Design == DesignRandom || sw.Design == DesignLHS
	switch {
	case sampled && f.Samples < 1:
		p := config.Problem{File: file, Line: idx.Line("samples"), Field: "samples",
			Msg: fmt.Sprintf("%d: a %s design wants samples >= 1, the number of points to draw", f.Samples, sw.Design)}
		if p.Line == 0 {
			p.Line = idx.Line("design")
		}
		probs = append(probs, p)
	case !sampled && f.Samples != 0 && sw.Design == DesignGrid:
		at("samples", "a grid runs every combination of the axes' values: samples is for the random and lhs designs")
	}
	if sampled && len(f.Axes) == 0 {
		at("axes", "a %s design samples the axes: want at least one axis", sw.Design)
	}
	if len(sw.Metrics) > 0 {
		seen := map[string]bool{}
		for i, m := range sw.Metrics {
			if seen[m] {
				at(fmt.Sprintf("metrics[%d]", i), "%q is listed twice", m)
			}
			seen[m] = true
		}
	}

	// The base and the set overrides, unless they did not decode.
	baseOK := !config.Related("base", probs) && !config.Related("set", probs)
	if baseOK {
		ps := sw.readBase(file, doc, idx, sets)
		probs, baseOK = append(probs, ps...), len(ps) == 0
	}
	// The axes: their own keys, then, on a good base, each value.
	var axisOK []bool
	for i, a := range f.Axes {
		p := fmt.Sprintf("axes[%d]", i)
		ax, ps := sw.readAxis(file, p, a, config.NodeAt(doc, []config.Step{{Key: "axes"}, {Index: i}}), idx, sampled)
		probs = append(probs, ps...)
		sw.Axes = append(sw.Axes, ax)
		// A bad value leaves the others to check; any other problem of
		// the axis does not.
		ok := !config.Related(p, beyondValues(p, probs))
		axisOK = append(axisOK, ok)
	}
	for i := range sw.Axes {
		if baseOK && axisOK[i] {
			probs = append(probs, sw.checkAxisValues(i, idx)...)
		}
	}
	if len(probs) > 0 {
		return nil, probs.Sorted()
	}
	if err := sw.plan(); err != nil {
		return nil, config.Problems{{File: file, Line: idx.Line("axes"), Field: "axes", Msg: err.Error()}}
	}
	probs = append(probs, sw.checkPoints()...)
	if len(probs) > 0 {
		return nil, probs
	}
	probs = append(probs, sw.resolveNames(idx)...)
	if len(probs) > 0 {
		return nil, probs
	}
	if err := sw.seal(); err != nil {
		return nil, err
	}
	return sw, nil
}

// readBase reads the base scenario and applies the set overrides.
func (sw *Spec) readBase(file string, doc *yaml.Node, idx *config.Index, extra []string) config.Problems {
	name := sw.BaseName
	if name == "" {
		name = scenario.DefaultPreset
		sw.BaseName = name
	}
	var label string
	var data []byte
	if slices.Contains(scenario.Presets(), name) {
		label = "preset " + name
		data, _ = scenario.PresetYAML(name)
	} else {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(file), path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return config.Problems{{File: file, Line: idx.Line("base"), Field: "base",
				Msg: fmt.Sprintf("%q is neither a preset (%s) nor a readable scenario file (paths are relative to the sweep file): %v", name, strings.Join(scenario.Presets(), ", "), err)}}
		}
		label, data = path, b
	}

	type entry struct {
		set  string
		key  string
		line int
	}
	var entries []entry
	var probs config.Problems
	if m := config.NodeAt(doc, []config.Step{{Key: "set"}}); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			text, err := config.NodeText(v)
			if err != nil {
				probs = append(probs, config.Problem{File: file, Line: k.Line, Field: "set." + k.Value, Msg: err.Error()})
				continue
			}
			if bad := managedKey(k.Value); bad != "" {
				probs = append(probs, config.Problem{File: file, Line: k.Line, Field: "set." + k.Value, Msg: bad})
				continue
			}
			entries = append(entries, entry{set: k.Value + "=" + text, key: k.Value, line: k.Line})
			sw.sets = append(sw.sets, k.Value+"="+text)
		}
	}
	if len(probs) > 0 {
		return probs
	}
	var flagProbs config.Problems // the overrides of --set that a sweep cannot take
	for _, a := range extra {
		key, _, _ := strings.Cut(a, "=")
		if bad := managedKey(strings.TrimSpace(key)); bad != "" {
			flagProbs = append(flagProbs, config.Problem{File: scenario.FlagName(a), Msg: bad})
			continue
		}
		sw.sets = append(sw.sets, a)
	}
	sc, err := scenario.ParseWith(label, data, sw.sets)
	ps := flagProbs
	var parsed config.Problems
	if err != nil && !config.AsProblems(err, &parsed) {
		return config.Problems{{File: file, Line: idx.Line("base"), Field: "base", Msg: err.Error()}}
	}
	ps = append(ps, parsed...)
	for _, p := range ps {
		for _, e := range entries {
			if p.File == scenario.FlagName(e.set) {
				p = config.Problem{File: file, Line: e.line, Field: "set." + e.key, Msg: scenarioMsg(p, e.key)}
				break
			}
		}
		probs = append(probs, p)
	}
	if len(probs) > 0 {
		return probs
	}
	sw.Base = sc
	b, err := yaml.Marshal(sc)
	if err != nil {
		return config.Problems{{File: file, Msg: err.Error()}}
	}
	sw.baseYAML = b
	var tree yaml.Node
	if err := yaml.Unmarshal(b, &tree); err != nil {
		return config.Problems{{File: file, Msg: err.Error()}}
	}
	sw.baseTree = &tree
	return nil
}

// managedKey says why a key may not be set by a sweep, or "".
func managedKey(path string) string {
	switch path {
	case "seed":
		return "the sweep derives each point's seed from its own seed: set seed: at the top of the sweep file"
	case "replicates":
		return "every point runs the sweep's replicates: set replicates: at the top of the sweep file"
	}
	return ""
}

// scenarioMsg is a problem of a scenario key, told from an override of key.
func scenarioMsg(p config.Problem, key string) string {
	if p.Field == "" || p.Field == key {
		return p.Msg
	}
	return p.Field + ": " + p.Msg
}

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// beyondValues is probs without the problems of single values of axis p.
func beyondValues(p string, probs config.Problems) config.Problems {
	var out config.Problems
	for _, q := range probs {
		if !strings.HasPrefix(q.Field, p+".values[") {
			out = append(out, q)
		}
	}
	return out
}

// readAxis checks one axis's own keys; n is its node in the file.
func (sw *Spec) readAxis(file, p string, a axisFile, n *yaml.Node, idx *config.Index, sampled bool) (Axis, config.Problems) {
	var probs config.Problems
	at := func(field, format string, args ...any) {
		f := p + "." + field
		if field == "" {
			f = p
		}
		probs = append(probs, config.Problem{File: file, Line: idx.Line(f), Field: f, Msg: fmt.Sprintf(format, args...)})
	}
	ax := Axis{Key: a.Key, Name: a.Name, Unit: a.Unit}
	if a.Key == "" {
		at("key", "missing: want the scenario key this axis sets, e.g. carriers[0].capacity")
		return ax, probs
	}
	steps, err := config.ParsePath(a.Key)
	if err != nil {
		at("key", "%v", err)
		return ax, probs
	}
	ax.steps = steps
	if bad := managedKey(a.Key); bad != "" {
		at("key", "%s", bad)
	}
	if ax.Name != "" && !namePattern.MatchString(ax.Name) {
		at("name", "%q: want a column name: a letter, then letters, digits or _", ax.Name)
	}
	kind, known := config.KindAt(reflect.TypeOf(scenario.Config{}), steps)
	ax.known = known
	ax.Integer = known && (kind >= reflect.Int && kind <= reflect.Uint64)
	numericKey := known && (ax.Integer || kind == reflect.Float64 || kind == reflect.Float32)

	hasRange := a.From != nil || a.To != nil || a.Steps != 0 || a.Scale != ""
	switch {
	case len(a.Values) > 0 && hasRange:
		at("", "give either values or a range (from, to), not both")
	case len(a.Values) == 0 && !hasRange:
		at("", "no values: want values: [...] or a range from:, to:")
	case len(a.Values) > 0:
		vs := config.NodeAt(n, []config.Step{{Key: "values"}})
		ax.Numeric = true
		seen := map[string]int{}
		for j, v := range vs.Content {
			text, err := config.NodeText(v)
			f := fmt.Sprintf("values[%d]", j)
			if err != nil {
				at(f, "%v", err)
				continue
			}
			av := AxisValue{Text: text, Num: math.NaN()}
			if v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") {
				var x float64
				if err := v.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					at(f, "%s is not a finite number", text)
					continue
				}
				av.Num = x
			} else {
				ax.Numeric = false
			}
			ax.Values = append(ax.Values, av)
			ax.nodes = append(ax.nodes, v)
			ax.fileAt = append(ax.fileAt, j)
		}
		// Repeated values: the same point twice.
		keyOf := func(v AxisValue) string {
			if ax.Numeric {
				return fmt.Sprint(v.Num)
			}
			return v.Text
		}
		for j, v := range ax.Values {
			if k, dup := seen[keyOf(v)]; dup {
				at(fmt.Sprintf("values[%d]", j), "%s repeats values[%d]: each value once", v.Text, k)
			}
			seen[keyOf(v)] = j
		}
	default:
		ax.Range, ax.Numeric = true, true
		if known && !numericKey {
			at("", "%s is not a number: a range needs a numeric key; list its values instead", a.Key)
			return ax, probs
		}
		if a.From == nil || a.To == nil {
			at("", "a range wants both from: and to:")
			return ax, probs
		}
		ax.From, ax.To, ax.Steps = *a.From, *a.To, a.Steps
		for _, e := range []struct {
			f string
			v float64
		}{{"from", ax.From}, {"to", ax.To}} {
			if math.IsNaN(e.v) || math.IsInf(e.v, 0) {
				at(e.f, "%v is not a finite number", e.v)
			}
		}
		switch a.Scale {
		case "", "linear":
		case "log":
			ax.Log = true
			if ax.From <= 0 || ax.To <= 0 {
				at("scale", "a log scale wants from and to > 0, got %v and %v", ax.From, ax.To)
			}
		default:
			at("scale", "%q: want linear or log", a.Scale)
		}
		switch {
		case sampled && a.Steps != 0:
			at("steps", "a %s design samples the range: steps is for a grid", sw.Design)
		case !sampled && a.Steps < 2:
			at("steps", "%d: a grid range wants steps >= 2, the number of values from..to (for one value, write values: [x])", a.Steps)
		}
		if len(probs) > 0 {
			return ax, probs
		}
		if ax.Integer {
			lo, hi := math.Min(ax.From, ax.To), math.Max(ax.From, ax.To)
			if math.Ceil(lo) > math.Floor(hi) {
				at("", "%s holds whole numbers and [%v, %v] holds none", a.Key, lo, hi)
				return ax, probs
			}
		}
		if !sampled {
			ax.Values = gridValues(ax)
			for j := 1; j < len(ax.Values); j++ {
				if ax.Values[j].Num == ax.Values[j-1].Num {
					at("steps", "%d steps from %v to %v repeat the whole number %s: %s holds whole numbers; use fewer steps",
						ax.Steps, ax.From, ax.To, ax.Values[j].Text, a.Key)
					break
				}
			}
		}
	}
	return ax, probs
}

// checkAxisValues checks each value of axis i on the base alone, so that a
// bad value is reported once, at its line, whatever the design.
func (sw *Spec) checkAxisValues(i int, idx *config.Index) config.Problems {
	ax := &sw.Axes[i]
	p := fmt.Sprintf("axes[%d]", i)
	var probs config.Problems
	check := func(field string, v AxisValue) {
		if _, err := sw.build([]int{i}, []AxisValue{v}); err == nil {
			return
		}
		f := p + "." + field
		for _, q := range sw.explain([]int{i}, []AxisValue{v}) {
			q.File, q.Line, q.Field, q.Msg = sw.File, idx.Line(f), f, scenarioMsg(q, "")
			probs = append(probs, q)
		}
	}
	if !ax.known && len(ax.Values) > 0 {
		// The key is not one of the schema's: if the first value fails, say
		// why once, at the key, rather than once per value.
		if _, err := sw.build([]int{i}, []AxisValue{ax.Values[0]}); err != nil {
			f := p + ".key"
			for _, q := range sw.explain([]int{i}, []AxisValue{ax.Values[0]}) {
				q.File, q.Line, q.Field, q.Msg = sw.File, idx.Line(f), f, scenarioMsg(q, "")
				probs = append(probs, q)
			}
			return probs
		}
	}
	switch {
	case !ax.Range:
		for j, v := range ax.Values {
			check(fmt.Sprintf("values[%d]", ax.fileAt[j]), v)
		}
	case ax.Values != nil: // a grid range
		for _, v := range ax.Values {
			check("", v)
		}
	default: // a sampled range: its ends
		check("from", rangeValue(ax, 0))
		check("to", rangeValue(ax, math.Nextafter(1, 0)))
	}
	return probs
}

// resolveNames gives each axis its column name and checks that the names of
// the tables' columns are distinct, and that the metrics asked for exist.
func (sw *Spec) resolveNames(idx *config.Index) config.Problems {
	var probs config.Problems
	reserved := map[string]string{}
	for _, c := range []string{"point", "replicate", "seed", "status", "error", "replicates_ok", "replicates_failed"} {
		reserved[c] = "a column of the sweep's tables"
	}
	for _, m := range sw.columns {
		reserved[m] = "a metric"
		for _, s := range statSuffixes() {
			reserved[m+s] = "a column of the aggregated table"
		}
	}
	last := map[string]int{}
	for _, ax := range sw.Axes {
		last[config.LastKey(ax.steps)]++
	}
	used := map[string]int{}
	for i := range sw.Axes {
		ax := &sw.Axes[i]
		explicit := ax.Name != ""
		if !explicit {
			ax.Name = config.LastKey(ax.steps)
			if last[ax.Name] > 1 || reserved[ax.Name] != "" || !namePattern.MatchString(ax.Name) {
				ax.Name = config.ColumnName(ax.steps)
			}
		}
		f := fmt.Sprintf("axes[%d].name", i)
		if !explicit {
			f = fmt.Sprintf("axes[%d].key", i)
		}
		if why := reserved[ax.Name]; why != "" {
			probs = append(probs, config.Problem{File: sw.File, Line: idx.Line(f), Field: f,
				Msg: fmt.Sprintf("the axis name %q is %s: give the axis a name of its own (name: ...)", ax.Name, why)})
		}
		if j, dup := used[ax.Name]; dup {
			probs = append(probs, config.Problem{File: sw.File, Line: idx.Line(f), Field: f,
				Msg: fmt.Sprintf("the axis name %q is also axes[%d]'s: give one of them a name of its own (name: ...)", ax.Name, j)})
		}
		used[ax.Name] = i
	}
	if len(sw.Metrics) == 0 {
		sw.Metrics = slices.Clone(sw.columns)
	}
	for i, m := range sw.Metrics {
		if slices.Contains(sw.columns, m) {
			continue
		}
		f := fmt.Sprintf("metrics[%d]", i)
		msg := fmt.Sprintf("%q is not a metric of this sweep's final evaluation", m)
		if s := config.DidYouMean(m, sw.columns); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += ": want one of " + strings.Join(sw.columns, ", ")
		}
		probs = append(probs, config.Problem{File: sw.File, Line: idx.Line(f), Field: f, Msg: msg})
	}
	return probs
}

func statSuffixes() []string { return []string{"_mean", "_sd", "_ci95_low", "_ci95_high", "_n"} }

// Hash identifies the sweep: the SHA-256 of its effective sweep file, its
// effective base scenario and its points. Two directories hold runs of the
// same sweep exactly when their hashes are equal.
func (sw *Spec) Hash() string { return sw.hash }

// Points is the number of points.
func (sw *Spec) Points() int { return len(sw.episodes) }

// Runs is the number of runs: points times replicates.
func (sw *Spec) Runs() int { return sw.Points() * sw.Replicates }

// Columns are the metric columns of the run table: every metric of the
// final evaluation of any point, in the order of the first point that has it.
func (sw *Spec) Columns() []string { return slices.Clone(sw.columns) }

// EffectiveFile is the effective sweep file: sweep.yaml of a sweep directory, which
// names base.yaml (the effective base, [Spec.BaseYAML]) as its base.
func (sw *Spec) EffectiveFile() []byte { return slices.Clone(sw.spec) }

// BaseYAML is the effective base scenario as YAML: base.yaml.
func (sw *Spec) BaseYAML() []byte { return slices.Clone(sw.baseYAML) }

// seal writes the effective sweep file and computes the hash.
func (sw *Spec) seal() error {
	spec, err := sw.effective()
	if err != nil {
		return err
	}
	sw.spec = spec
	h := newHash()
	h.Write(spec)
	h.Write([]byte{0})
	h.Write(sw.baseYAML)
	h.Write([]byte{0})
	if err := sw.WritePoints(h, false); err != nil {
		return err
	}
	sw.hash = h.sum()
	return nil
}

// effective is the sweep file that reproduces this sweep from base.yaml:
// the set overrides are in base.yaml, the metrics and names resolved.
func (sw *Spec) effective() ([]byte, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	raw := func(s string) *yaml.Node {
		var d yaml.Node
		if err := yaml.Unmarshal([]byte(s), &d); err != nil || len(d.Content) == 0 {
			return str(s)
		}
		return d.Content[0]
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) { m.Content = append(m.Content, str(k), v) }
	add("name", str(sw.Name))
	if sw.Description != "" {
		add("description", str(sw.Description))
	}
	add("base", str("base.yaml"))
	add("seed", raw(fmt.Sprint(sw.Seed)))
	add("replicates", raw(fmt.Sprint(sw.Replicates)))
	add("design", str(sw.Design))
	if sw.Design != DesignGrid {
		add("samples", raw(fmt.Sprint(sw.Samples)))
	}
	axes := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, ax := range sw.Axes {
		a := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		put := func(k string, v *yaml.Node) { a.Content = append(a.Content, str(k), v) }
		put("key", str(ax.Key))
		put("name", str(ax.Name))
		if ax.Unit != "" {
			put("unit", str(ax.Unit))
		}
		if ax.Range {
			put("from", raw(fmtNum(ax.From)))
			put("to", raw(fmtNum(ax.To)))
			if ax.Steps > 0 {
				put("steps", raw(fmt.Sprint(ax.Steps)))
			}
			put("scale", str(map[bool]string{false: "linear", true: "log"}[ax.Log]))
		} else {
			vs := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, n := range ax.nodes {
				c := config.CopyNode(n)
				config.ClearPositions(c)
				vs.Content = append(vs.Content, c)
			}
			put("values", vs)
		}
		axes.Content = append(axes.Content, a)
	}
	add("axes", axes)
	ms := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, name := range sw.Metrics {
		ms.Content = append(ms.Content, str(name))
	}
	add("metrics", ms)
	add("plots", raw(fmt.Sprint(sw.Plots)))
	var b bytes.Buffer
	b.WriteString("# the effective sweep: freightsim sweep on this file runs it again (its base is base.yaml, beside it)\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func fmtNum(x float64) string { return fmt.Sprint(x) }

// WriteEffective writes the effective sweep into dir: sweep.yaml and
// base.yaml, each atomically; see [Spec.Spec].
func (sw *Spec) WriteEffective(dir string) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{"sweep.yaml", sw.spec}, {"base.yaml", sw.baseYAMLFile()}} {
		if err := writeBytes(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// baseYAMLFile is base.yaml: the effective base with a header comment.
func (sw *Spec) baseYAMLFile() []byte {
	return append([]byte("# the effective base scenario of the sweep in this directory: its base with set applied\n"), sw.baseYAML...)
}

func writeBytes(path string, data []byte) error {
	return results.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
