package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
)

// Points and their scenarios.
//
// A grid's points are the combinations of the axes' values in row-major
// order: the first axis varies slowest, the last fastest. A random design
// draws each axis of point p uniformly and independently: a range on its
// scale (whole numbers equally likely for a key that holds whole numbers),
// a list's values equally likely. A Latin hypercube (McKay, Beckman and
// Conover 1979) cuts each axis into Samples equal strata and gives each
// stratum to exactly one point, in a random order drawn per axis, with the
// point drawn uniformly within its stratum. Every draw comes from a PCG
// stream derived from the sweep's seed, so the points depend only on the
// sweep file.

// Streams of the sampled designs: seed.Stream(sweep seed, phase, role).
const (
	phaseDesignPoint       = seed.PhaseDesign + iota // role: point index; one draw per axis, in axis order
	phaseDesignPerm                                  // role: axis index; the Latin hypercube's permutation of strata
	phaseDesignSensitivity                           // role 0: a morris or sobol design; role 1 + metric index: its bootstrap
)

// gridValues are the steps values of a range axis in a grid, from..to on
// its scale, the ends exact; whole numbers for a key that holds them.
func gridValues(ax Axis) []AxisValue {
	out := make([]AxisValue, ax.Steps)
	for i := range out {
		t := float64(i) / float64(ax.Steps-1)
		var x float64
		switch {
		case i == 0:
			x = ax.From
		case i == ax.Steps-1:
			x = ax.To
		case ax.Log:
			x = math.Exp(math.Log(ax.From) + t*(math.Log(ax.To)-math.Log(ax.From)))
		default:
			x = ax.From + t*(ax.To-ax.From)
		}
		out[i] = numValue(x, ax.Integer)
	}
	return out
}

// rangeValue is the value of a sampled range at u in [0, 1): the u-quantile
// of the uniform distribution on the range, on its scale; for a key of whole
// numbers, of the uniform distribution on the whole numbers in the range
// (on a log scale: the rounded log-uniform value).
func rangeValue(ax *Axis, u float64) AxisValue {
	lo, hi := math.Min(ax.From, ax.To), math.Max(ax.From, ax.To)
	if ax.Integer {
		lo, hi = math.Ceil(lo), math.Floor(hi)
		if !ax.Log {
			return numValue(math.Min(lo+math.Floor(u*(hi-lo+1)), hi), true)
		}
	}
	var x float64
	if ax.Log {
		x = math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
	} else {
		x = lo + u*(hi-lo)
	}
	return numValue(math.Min(math.Max(x, lo), hi), ax.Integer)
}

// numValue is a computed number as an axis value: rounded to a whole
// number, or to 12 significant digits, so that 0.1 + 2 * 0.1 is 0.3.
func numValue(x float64, integer bool) AxisValue {
	if integer {
		x = math.Round(x)
		return AxisValue{Text: strconv.FormatFloat(x, 'f', -1, 64), Num: x}
	}
	x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if x == 0 {
		x = 0 // no -0
	}
	return AxisValue{Text: strconv.FormatFloat(x, 'g', -1, 64), Num: x}
}

// plan counts the points and draws the Latin hypercube's strata.
func (sw *Spec) plan() error {
	n := sw.Samples
	if sw.sensitivityDesign() {
		var err error
		if n, err = sw.planSensitivity(); err != nil {
			return err
		}
	}
	if sw.Design == DesignGrid {
		n = 1
		for _, ax := range sw.Axes {
			n *= len(ax.Values)
			if n > maxPoints {
				return fmt.Errorf("the grid has more than %d points: use fewer values, or a random or lhs design", maxPoints)
			}
		}
	}
	if n > maxPoints {
		return fmt.Errorf("%d samples: want at most %d", n, maxPoints)
	}
	sw.episodes = make([]int32, n)
	if sw.Design == DesignLHS {
		sw.perms = make([][]int32, len(sw.Axes))
		for a := range sw.Axes {
			rng := seed.Stream(sw.Seed, phaseDesignPerm, uint64(a))
			perm := make([]int32, n)
			for i := range perm {
				perm[i] = int32(i)
			}
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			sw.perms[a] = perm
		}
	}
	return nil
}

// Point returns the value of each axis at point p, in axis order.
func (sw *Spec) Point(p int) []AxisValue {
	out := make([]AxisValue, len(sw.Axes))
	switch sw.Design {
	case DesignGrid:
		rest := p
		for a := len(sw.Axes) - 1; a >= 0; a-- {
			n := len(sw.Axes[a].Values)
			out[a] = sw.Axes[a].Values[rest%n]
			rest /= n
		}
	case DesignMorris, DesignSobol:
		x := sw.sens.Run(p).X
		for a := range sw.Axes {
			out[a] = sw.Axes[a].at(x[a])
		}
	default:
		rng := seed.Stream(sw.Seed, phaseDesignPoint, uint64(p))
		n := float64(sw.Points())
		for a := range sw.Axes {
			u := rng.Float64()
			if sw.Design == DesignLHS {
				u = (float64(sw.perms[a][p]) + u) / n
			}
			out[a] = sw.Axes[a].at(u)
		}
	}
	return out
}

// at is the value at u in [0, 1) of a sampled axis.
func (ax *Axis) at(u float64) AxisValue {
	if ax.Range {
		return rangeValue(ax, u)
	}
	return ax.Values[min(int(u*float64(len(ax.Values))), len(ax.Values)-1)]
}

// Index is the position of v in the axis's list of values, or -1: how a
// text value is coded in figures.
func (ax *Axis) Index(v AxisValue) int {
	for i, w := range ax.Values {
		if w.Text == v.Text {
			return i
		}
	}
	return -1
}

// describe writes a point's values as name=value, ...
func (sw *Spec) describe(vals []AxisValue) string {
	parts := make([]string, len(vals))
	for a, v := range vals {
		name := sw.Axes[a].Name
		if name == "" {
			name = sw.Axes[a].Key
		}
		parts[a] = name + "=" + v.Text
	}
	return strings.Join(parts, ", ")
}

// PointSeed is the seed of point p: seed.Point(Seed, p), every point its
// own; in a morris or sobol design, seed.Point(Seed, 0) at every point
// (common random numbers: replicate r of every point draws the same random
// numbers, so that the differences between points, which the indices
// measure, are the axes' effects and not the noise of other draws).
func (sw *Spec) PointSeed(p int) uint64 {
	if sw.sens != nil {
		return seed.Point(sw.Seed, 0)
	}
	return seed.Point(sw.Seed, p)
}

// PointScenario is the scenario of point p: the effective base with each
// axis's key set to its value at p, its seed PointSeed(p) and the
// sweep's replicates. `freightsim run` on it runs the point's replicates.
func (sw *Spec) PointScenario(p int) (scenario.Config, error) {
	if p < 0 || p >= sw.Points() {
		return scenario.Config{}, fmt.Errorf("no point %d: the sweep has points 0..%d", p, sw.Points()-1)
	}
	sc, err := sw.build(sw.allAxes(), sw.Point(p))
	if err != nil {
		return sc, fmt.Errorf("point %d (%s): %w", p, sw.describe(sw.Point(p)), err)
	}
	sc.Seed, sc.Replicates = sw.PointSeed(p), sw.Replicates
	return sc, nil
}

func (sw *Spec) allAxes() []int {
	out := make([]int, len(sw.Axes))
	for i := range out {
		out[i] = i
	}
	return out
}

// build sets axes[k] to vals[k] on the effective base with the override
// machinery of --set, and checks the result as [Parse] does: unknown keys,
// types, validation. It works on the parsed base, not its text, so it is
// fast; [Spec.explain] gives the located problems of a point it rejects.
func (sw *Spec) build(axes []int, vals []AxisValue) (scenario.Config, error) {
	doc := config.CopyNode(sw.baseTree)
	root := doc.Content[0]
	for k, a := range axes {
		o, err := config.ParseOverride(sw.Axes[a].Key + "=" + vals[k].Text)
		if err != nil {
			return scenario.Config{}, err
		}
		each, err := o.Expand(root, sw.baseTree)
		if err != nil {
			return scenario.Config{}, err
		}
		for _, c := range each {
			c.Value = config.CopyNode(c.Value)
			if err := c.Apply(root, sw.baseTree); err != nil {
				return scenario.Config{}, err
			}
		}
	}
	idx := config.NewIndex("")
	idx.Walk(root, reflect.TypeOf(scenario.Config{}), "")
	if len(idx.Problems) > 0 {
		return scenario.Config{}, idx.Problems
	}
	sc, err := scenario.Decode(doc)
	if err != nil {
		return scenario.Config{}, err
	}
	if ps := sc.Validate(); len(ps) > 0 {
		return scenario.Config{}, ps
	}
	return sc, nil
}

// explain returns the problems of setting axes[k] to vals[k] on the base,
// located by [ParseWith]: those of an axis value name its key; the others
// (a combination the base does not allow) the scenario field.
func (sw *Spec) explain(axes []int, vals []AxisValue) config.Problems {
	sets := make([]string, len(axes))
	for k, a := range axes {
		sets[k] = sw.Axes[a].Key + "=" + vals[k].Text
	}
	_, err := scenario.ParseWith("base", sw.baseYAML, sets)
	var ps config.Problems
	if err == nil {
		// build and scenario.ParseWith disagree: a bug, but say what build saw.
		_, err = sw.build(axes, vals)
		return config.Problems{{Msg: fmt.Sprint(err)}}
	}
	if !config.AsProblems(err, &ps) {
		return config.Problems{{Msg: err.Error()}}
	}
	return ps
}

// maxPointProblems is how many rejected points are described.
const maxPointProblems = 10

// checkPoints builds every point's scenario: it reports those that are not
// valid, and records each point's training episodes and the union of the
// points' metric columns.
func (sw *Spec) checkPoints() config.Problems {
	var probs config.Problems
	bad := 0
	seen := map[string]bool{}
	axes := sw.allAxes()
	for p := range sw.Points() {
		vals := sw.Point(p)
		sc, err := sw.build(axes, vals)
		if err != nil {
			bad++
			if bad <= maxPointProblems {
				for _, q := range sw.explain(axes, vals) {
					probs = append(probs, config.Problem{File: sw.File, Field: fmt.Sprintf("point %d (%s)", p, sw.describe(vals)), Msg: scenarioMsg(q, "")})
				}
			}
			continue
		}
		sw.episodes[p] = int32(sc.Training.Episodes)
		for _, c := range experiments.MetricNames(sc) {
			if !seen[c] {
				seen[c] = true
				sw.columns = append(sw.columns, c)
			}
		}
	}
	if bad > maxPointProblems {
		probs = append(probs, config.Problem{File: sw.File, Msg: fmt.Sprintf("and %d more points of %d are not valid scenarios", bad-maxPointProblems, sw.Points())})
	}
	return probs
}

// Episodes is the number of training episodes of point p.
func (sw *Spec) Episodes(p int) int { return int(sw.episodes[p]) }

// pointColumns are the columns of points.csv.
func (sw *Spec) pointColumns() []column {
	cols := []column{{"point", colInt}, {"seed", colSeed}}
	return append(cols, sw.axisColumns()...)
}

func (sw *Spec) axisColumns() []column {
	var cols []column
	for _, ax := range sw.Axes {
		k := colText
		switch {
		case ax.Numeric && ax.Integer:
			k = colInt
		case ax.Numeric:
			k = colFloat
		}
		cols = append(cols, column{ax.Name, k})
	}
	return cols
}

// axisCells appends the cells of a point's axis values.
func (sw *Spec) axisCells(row []cell, vals []AxisValue) []cell {
	for a, v := range vals {
		if ax := &sw.Axes[a]; ax.Numeric && ax.Integer {
			row = append(row, cell{i: int64(v.Num)})
		} else if ax.Numeric {
			row = append(row, cell{f: v.Num})
		} else {
			row = append(row, cell{s: v.Text})
		}
	}
	return row
}

// WritePoints writes points.csv (or, with parquet, points.parquet): one row
// per point, its index, its seed and the value of each axis.
func (sw *Spec) WritePoints(w io.Writer, parquet bool) error {
	tw, err := newTableWriter(w, sw.pointColumns(), parquet)
	if err != nil {
		return err
	}
	row := make([]cell, 0, 2+len(sw.Axes))
	for p := range sw.Points() {
		row = append(row[:0], cell{i: int64(p)}, cell{u: sw.PointSeed(p)})
		if err := tw.write(sw.axisCells(row, sw.Point(p))); err != nil {
			return err
		}
	}
	return tw.close()
}

// sha is a SHA-256 being computed.
type sha struct{ hash.Hash }

func newHash() sha        { return sha{sha256.New()} }
func (h sha) sum() string { return hex.EncodeToString(h.Sum(nil)) }
