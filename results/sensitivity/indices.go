package sensitivity

import (
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/freightsim/freightsim/results"
)

// Kind says which sensitivity index a row holds.
type Kind int

// The kinds of index, with their names in tables.
const (
	Mu     Kind = iota // "mu": mean elementary effect (Morris)
	MuStar             // "mu_star": mean absolute elementary effect (Campolongo et al. 2007)
	Sigma              // "sigma": standard deviation of the elementary effects (Morris)
	First              // "S1": first-order Sobol' index (Saltelli et al. 2010)
	Total              // "ST": total Sobol' index (Jansen 1999)
	Second             // "S2": second-order Sobol' index of a pair (Saltelli 2002)
)

// String returns the kind's name in tables: mu, mu_star, sigma, S1, ST or S2.
func (k Kind) String() string {
	switch k {
	case Mu:
		return "mu"
	case MuStar:
		return "mu_star"
	case Sigma:
		return "sigma"
	case First:
		return "S1"
	case Total:
		return "ST"
	case Second:
		return "S2"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Index is one estimated index: one row of a tidy table.
type Index struct {
	Factor int     // position of the factor in the design's list
	Other  int     // S2: position of the pair's second factor; -1 otherwise
	Kind   Kind    // which index
	Value  float64 // the estimate; NaN where undefined
	Low    float64 // the confidence interval; NaN where there is none
	High   float64
	N      int // trajectories (Morris) or base samples (Sobol) the estimate used
}

// Indices is the result of an analysis, one row per factor and kind (per
// pair for S2), factors in the design's order.
type Indices struct {
	Factors   []string // the design's factor names
	Level     float64  // confidence level of the intervals
	Resamples int      // bootstrap resamples behind them
	Rows      []Index
	Dropped   []int // groups left out because one of their runs failed (NaN), in increasing order
}

// Get returns the row of the given factor and kind (S2 rows are found with
// Pair), and whether there is one.
func (ix *Indices) Get(factor int, k Kind) (Index, bool) {
	i := slices.IndexFunc(ix.Rows, func(r Index) bool { return r.Factor == factor && r.Kind == k && r.Other < 0 })
	if i < 0 {
		return Index{}, false
	}
	return ix.Rows[i], true
}

// Pair returns the S2 row of factors a and b, and whether there is one.
func (ix *Indices) Pair(a, b int) (Index, bool) {
	a, b = min(a, b), max(a, b)
	i := slices.IndexFunc(ix.Rows, func(r Index) bool { return r.Kind == Second && r.Factor == a && r.Other == b })
	if i < 0 {
		return Index{}, false
	}
	return ix.Rows[i], true
}

// Table returns the rows as a results.Table with integer key columns factor
// (position in Factors), other (the pair's second factor for S2, -1
// otherwise), kind (the Kind's number) and n, and float value columns value,
// ci_low and ci_high, NaN (null) where undefined.
func (ix *Indices) Table() *results.Table {
	t := &results.Table{Keys: []string{"factor", "other", "kind", "n"}, Values: []string{"value", "ci_low", "ci_high"}}
	for _, r := range ix.Rows {
		t.Append([]int64{int64(r.Factor), int64(r.Other), int64(r.Kind), int64(r.N)}, []float64{r.Value, r.Low, r.High})
	}
	return t
}

// WriteCSV writes the rows as CSV with the columns factor, other, index,
// value, ci_low, ci_high and n: factors by name, the index by its Kind's
// name, an empty field where a value is undefined (no second factor, NaN),
// floats as results.FormatCell writes them.
func (ix *Indices) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"factor", "other", "index", "value", "ci_low", "ci_high", "n"}); err != nil {
		return err
	}
	for _, r := range ix.Rows {
		other := ""
		if r.Other >= 0 {
			other = ix.Factors[r.Other]
		}
		rec := []string{ix.Factors[r.Factor], other, r.Kind.String(),
			results.FormatCell(r.Value), results.FormatCell(r.Low), results.FormatCell(r.High), strconv.Itoa(r.N)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// interval returns the normal-approximation bootstrap interval that SALib
// reports: value ± z sd, with z the standard normal quantile of
// (1+level)/2 and sd the sample standard deviation of the resampled
// estimates. It is NaN when value is, when fewer than two samples were
// resampled, or when a resample's estimate is undefined.
func interval(value float64, resampled []float64, n int, level float64) (low, high float64) {
	if math.IsNaN(value) || n < 2 || slices.ContainsFunc(resampled, math.IsNaN) {
		return math.NaN(), math.NaN()
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	half := z * stat.StdDev(resampled, nil)
	return value - half, value + half
}
