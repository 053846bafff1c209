package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/sensitivity"
)

// Sensitivity designs. With design: morris or design: sobol, the points of
// a sweep are the runs of a design of package sensitivity over its axes,
// which are ranges: point p is run p of the design, each axis at the
// quantile of its range (on its scale, whole numbers for a key that holds
// them) that the run's value in [0, 1] gives. They are points like any
// other: journalled, resumed, sharded and merged alike. Once every run is
// in, Finish gives each point the mean of each aggregated metric over its
// successful replicates (NaN when none succeeded: a failed run to the
// analysis) and writes the indices of each metric. Every point runs with
// the same seed (Spec.PointSeed: common random numbers), so that a key the
// model does not read has indices of exactly 0 rather than the noise of
// other draws; the indices are those of the mean over the replicates of
// these draws.
//
//
//	sensitivity.csv  one row per metric, axis and index: metric, factor (the
//	                 axis's name), index (mu, mu_star, sigma for morris; S1,
//	                 ST for sobol), value, ci_low, ci_high (the bootstrap
//	                 interval, 95 %, 1000 resamples) and n (the trajectories
//	                 or base samples the estimate rests on)
//
// and, with plots, a bar chart of them per metric (plots.go). Morris
// effects are measured on [0, 1]: mu* is the mean absolute change of the
// metric when an axis moves by Δ = p/(2(p-1)) of its range, divided by Δ,
// so about the change over the whole range for a linear effect. The design
// is drawn from seed.Stream(seed, phaseDesignSensitivity, 0) and the
// bootstrap of metric m from role 1+m: the indices depend on the sweep file
// alone.

// sensDesign is a design of package sensitivity.
type sensDesign interface {
	Len() int
	Run(i int) sensitivity.Run
	Analyze(y []float64, b sensitivity.Bootstrap, rng *rand.Rand) (*sensitivity.Indices, error)
}

// sensitivityDesign reports whether the sweep's design is morris or sobol.
func (sw *Spec) sensitivityDesign() bool {
	return sw.Design == DesignMorris || sw.Design == DesignSobol
}

// planSensitivity draws the design and returns its number of runs.
func (sw *Spec) planSensitivity() (int, error) {
	names := make([]string, len(sw.Axes))
	for a, ax := range sw.Axes {
		names[a] = ax.Key
	}
	rng := seed.Stream(sw.Seed, phaseDesignSensitivity, 0)
	var err error
	switch sw.Design {
	case DesignMorris:
		sw.sens, err = sensitivity.NewMorris(names, sw.Samples, sensitivity.MorrisOptions{Levels: sw.Levels}, rng)
	case DesignSobol:
		sw.sens, err = sensitivity.NewSobol(names, sw.Samples, sensitivity.SobolOptions{}, rng)
	}
	if err != nil {
		return 0, err
	}
	if n := sw.sens.Len(); n > maxPoints {
		return 0, fmt.Errorf("%d samples make %d points: want at most %d", sw.Samples, n, maxPoints)
	}
	return sw.sens.Len(), nil
}

// sensitivityColumns are the columns of sensitivity.csv.
func sensitivityColumns() []column {
	return []column{{"metric", colText}, {"factor", colText}, {"index", colText},
		{"value", colFloat}, {"ci_low", colFloat}, {"ci_high", colFloat}, {"n", colInt}}
}

// sensitivityResult is the analysis of one aggregated metric.
type sensitivityResult struct {
	metric  string
	indices *sensitivity.Indices
}

// analyze computes the indices of each aggregated metric from the means of
// the figures' table t (point, axes, then each metric's mean and interval).
// A metric without a value at any point is left out.
func (sw *Spec) analyze(t *results.Table) ([]sensitivityResult, []string, error) {
	var out []sensitivityResult
	var skipped []string
	for m, name := range sw.Metrics {
		c := t.Column(name + "_mean")
		y := make([]float64, len(t.Rows))
		any := false
		for p, r := range t.Rows {
			y[p] = r.Values[c]
			any = any || !math.IsNaN(y[p])
		}
		if !any {
			skipped = append(skipped, fmt.Sprintf("sensitivity of %s: no value at any point", name))
			continue
		}
		ix, err := sw.sens.Analyze(y, sensitivity.Bootstrap{}, seed.Stream(sw.Seed, phaseDesignSensitivity, uint64(1+m)))
		if err != nil {
			return nil, nil, fmt.Errorf("sensitivity of %s: %w", name, err)
		}
		for a, ax := range sw.Axes {
			ix.Factors[a] = ax.Name
		}
		out = append(out, sensitivityResult{name, ix})
	}
	return out, skipped, nil
}

// sensitivityRows emits the rows of sensitivity.csv.
func (sw *Spec) sensitivityRows(res []sensitivityResult) func(emit func([]cell) error) error {
	return func(emit func([]cell) error) error {
		for _, r := range res {
			for _, x := range r.indices.Rows {
				row := []cell{{s: r.metric}, {s: r.indices.Factors[x.Factor]}, {s: x.Kind.String()},
					{f: x.Value}, {f: x.Low}, {f: x.High}, {i: int64(x.N)}}
				if err := emit(row); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// writeSensitivity writes sensitivity.csv and .parquet in the formats f
// from the means of the figures' table t, and removes those of other
// formats (and of a sweep of another design); it returns the analysis, and
// adds what it wrote to out.
func (sw *Spec) writeSensitivity(dir string, f experiments.Formats, t *results.Table, out *Finished) ([]sensitivityResult, error) {
	var sens []sensitivityResult
	for _, ext := range []struct {
		ext string
		on  bool
	}{{".csv", f.CSV}, {".parquet", f.Parquet}} {
		path := filepath.Join(dir, "sensitivity"+ext.ext)
		if sw.sens == nil || !ext.on {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			continue
		}
		if sens == nil {
			res, skipped, err := sw.analyze(t)
			if err != nil {
				return nil, err
			}
			sens = res
			out.Skipped = append(out.Skipped, skipped...)
		}
		if err := writeTable(path, sensitivityColumns(), ext.ext == ".parquet", sw.sensitivityRows(sens)); err != nil {
			return nil, err
		}
		out.Files = append(out.Files, "sensitivity"+ext.ext)
	}
	return sens, nil
}
