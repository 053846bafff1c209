package sweep

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// Spec is a validated sweep: what [Parse] reads from a sweep file.
type Spec struct {
	Name        string
	Description string
	File        string // the sweep file, as named
	BaseName    string // the base as the file names it: a preset or a path relative to File
	Seed        uint64 // base seed: of the sampled designs, and of every point (PointSeed)
	Replicates  int    // runs per point
	Design      string // grid, random, lhs, morris or sobol
	Samples     int    // points of a random or lhs design; trajectories of morris; base samples of sobol
	Levels      int    // grid levels of a morris design
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
	sens     sensDesign // morris, sobol: the design whose runs are the points
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
	DesignMorris = "morris" // Samples Morris trajectories of len(Axes)+1 points: elementary effects (sensitivity.go)
	DesignSobol  = "sobol"  // Saltelli's design of Samples base samples, len(Axes)+2 points each: Sobol' indices
)

// designs are the designs, as a sweep file names them.
var designs = []string{DesignGrid, DesignRandom, DesignLHS, DesignMorris, DesignSobol}

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
	Levels      int            `yaml:"levels"`
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
	root, err := config.OneDocument(file, data, "sweep")
	if err != nil {
		return nil, err
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
		Design: f.Design, Samples: f.Samples, Levels: f.Levels, Plots: true, Metrics: f.Metrics}
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
		} else if sw.Replicates > scenario.MaxReplicates {
			at("replicates", "%d is too large: want at most %d", sw.Replicates, scenario.MaxReplicates)
		}
	}
	if f.Plots != nil {
		sw.Plots = *f.Plots
	}
	switch sw.Design {
	case "":
		sw.Design = DesignGrid
	case DesignGrid, DesignRandom, DesignLHS, DesignMorris, DesignSobol:
	default:
		msg := fmt.Sprintf("%q is not a design: want grid, random, lhs, morris or sobol", sw.Design)
		if s := config.DidYouMean(sw.Design, designs); s != "" {
			msg = fmt.Sprintf("%q is not a design; did you mean %q? (grid, random, lhs, morris or sobol)", sw.Design, s)
		}
		at("design", "%s", msg)
	}
	sampled := slices.Contains(designs[1:], sw.Design) // every design but grid
	switch {
	case sampled && f.Samples < 1:
		what := "the number of points to draw"
		switch sw.Design {
		case DesignMorris:
			what = "the number of trajectories, of one point more than the axes each"
		case DesignSobol:
			what = "the number of base samples, of two points more than the axes each"
		}
		p := config.Problem{File: file, Line: idx.Line("samples"), Field: "samples",
			Msg: fmt.Sprintf("%d: a %s design wants samples >= 1, %s", f.Samples, sw.Design, what)}
		if p.Line == 0 {
			p.Line = idx.Line("design")
		}
		probs = append(probs, p)
	case !sampled && f.Samples != 0 && sw.Design == DesignGrid:
		at("samples", "a grid runs every combination of the axes' values: samples is for the random and lhs designs")
	}
	if f.Levels != 0 && sw.Design != DesignMorris {
		at("levels", "levels are the grid of a morris design, not of a %s design", sw.Design)
	} else if sw.Design == DesignMorris && (f.Levels < 0 || f.Levels%2 != 0) {
		at("levels", "%d: want an even number of levels >= 2 (default 4)", f.Levels)
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
		if len(ps) == 0 && sw.sensitivityDesign() && !ax.Range {
			probs = append(probs, config.Problem{File: file, Line: idx.Line(p), Field: p,
				Msg: fmt.Sprintf("a %s design varies each axis over a range: want from: and to: rather than values", sw.Design)})
		}
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
				Msg: fmt.Sprintf("%q is neither a preset (%s) nor a readable scenario file (paths are relative to the sweep file): %v%s", name, strings.Join(scenario.Presets(), ", "), err, scenario.PresetHint(name))}}
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
