package sweep

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
	"gopkg.in/yaml.v3"
)

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
		case !sampled && a.Steps > scenario.MaxSweepSteps:
			at("steps", "%d is too many: want at most %d values from..to", a.Steps, scenario.MaxSweepSteps)
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
