package scenario

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/freightsim/freightsim/experiments/config"
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
func ResolveWith(nameOrFile string, sets []string) (Config, error) {
	label, data, err := source(nameOrFile)
	if err != nil {
		return Config{}, err
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
func ParseWith(file string, data []byte, sets []string) (Config, error) {
	if len(sets) == 0 {
		return Parse(file, data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Parse(file, data) // reports the syntax error with its line
	}
	if _, err := config.OneDocument(file, data, "scenario"); err != nil {
		return Default(), err // a second document, or aliases that expand without bound
	}
	base, baseErr := Parse(file, data) // the file's effective scenario: where a list the file omits comes from
	var baseProbs config.Problems
	config.AsProblems(baseErr, &baseProbs)
	var eff yaml.Node
	if err := eff.Encode(base); err != nil {
		return Config{}, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := doc.Content[0]
	if config.IsNull(root) {
		*root = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	// Where each key of the file is, before the overrides change the tree.
	orig := config.FieldLines(root)

	var setProbs config.Problems
	var applied []config.Override
	for _, a := range sets {
		o, err := config.ParseOverride(a)
		var each []config.Override
		if err == nil {
			each, err = o.Expand(root, &eff)
		}
		for _, c := range each {
			if err = c.Apply(root, &eff); err != nil {
				break
			}
			applied = append(applied, c)
		}
		if err != nil {
			setProbs = append(setProbs, config.Problem{File: FlagName(a), Msg: err.Error()})
		}
	}

	config.BlockStyle(root)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return Config{}, fmt.Errorf("applying --set: %w", err)
	}
	sc, err := Parse(file, out)
	var ps config.Problems
	if err != nil && !config.AsProblems(err, &ps) {
		return sc, err
	}
	// Parse saw the rewritten text: give each problem back its origin, the
	// file's line or the override that set the field.
	lines := config.LineFields(out)
	var fileProbs config.Problems
	for _, p := range ps {
		if p.Field == "" && p.Line > 0 {
			p.Field = lines[p.Line]
		}
		if o, ok := config.LastOverride(applied, p.Field); ok {
			p.File, p.Line = FlagName(o.Text), 0
			setProbs = append(setProbs, p)
			continue
		}
		p.File, p.Line = file, config.LineOf(orig, p.Field)
		if len(applied) > 0 && !hasProblem(baseProbs, p) {
			// The file alone is valid here: the overrides made the
			// combination wrong (jobs.due.min=9 over a file's max 5).
			if p.Line > 0 {
				p.Msg += fmt.Sprintf(" (with %s:%d)", file, p.Line)
			} else {
				p.Msg += " (with the default)"
			}
			p.File, p.Line = overrideNames(sets), 0
			setProbs = append(setProbs, p)
			continue
		}
		fileProbs = append(fileProbs, p)
	}
	if len(fileProbs)+len(setProbs) > 0 {
		sort.SliceStable(fileProbs, func(i, j int) bool { return fileProbs[i].Line < fileProbs[j].Line })
		sort.SliceStable(setProbs, func(i, j int) bool { return flagIndex(sets, setProbs[i].File) < flagIndex(sets, setProbs[j].File) })
		return sc, append(fileProbs, setProbs...)
	}
	return sc, nil
}

// hasProblem reports whether ps has a problem of p's field with p's message.
func hasProblem(ps config.Problems, p config.Problem) bool {
	for _, q := range ps {
		if q.Field == p.Field && q.Msg == p.Msg {
			return true
		}
	}
	return false
}

// overrideNames locates a problem that the overrides sets made together
// with the file: "--set a=1" or "--set a=1 --set b=2".
func overrideNames(sets []string) string {
	names := make([]string, len(sets))
	for i, a := range sets {
		names[i] = FlagName(a)
	}
	return strings.Join(names, " ")
}

// FlagName is how problems of the override assignment are located: "--set key.path=value".
func FlagName(assignment string) string { return "--set " + assignment }

func flagIndex(sets []string, name string) int {
	for i, a := range sets {
		if FlagName(a) == name {
			return i
		}
	}
	return len(sets)
}

// KeyPaths returns the key path of every setting of a scenario, in the
// order of the Config struct, with [] for "any item of this list":
// name, training.episodes, shippers[].strategy.sigma, ... Lists of plain
// values (strategy.features) are one setting.
func KeyPaths() []string { return config.KeyPaths(reflect.TypeOf(Config{})) }

// Diff lists the settings in which a and b differ, one line each, as
// "key.path: A -> B" in file order; nil when they are the same scenario.
func Diff(a, b Config) ([]string, error) { return config.Diff(a, b) }
