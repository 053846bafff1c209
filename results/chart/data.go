package chart

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/freightsim/freightsim/results"
)

// This file turns tables of replicates into the series a figure plots.

// maxPlotPoints is the most x values a training figure draws: a longer
// series is thinned to every k-th point (and the last) after smoothing, which
// keeps SVG files small and changes nothing visible at 16 cm.
const maxPlotPoints = 1000

// columnNames lists a table's columns for an error message.
func columnNames(t *results.Table) string {
	return strings.Join(append(append([]string(nil), t.Keys...), t.Values...), ", ")
}

// missingColumn is the error for a column a figure needs and table lacks.
func missingColumn(table string, t *results.Table, name string) error {
	return fmt.Errorf("%s table has no column %q (it has %s)", table, name, columnNames(t))
}

// keyColumn returns the index of the key column called name.
func keyColumn(t *results.Table, table, name string) (int, error) {
	if i := slices.Index(t.Keys, name); i >= 0 {
		return i, nil
	}
	return -1, missingColumn(table, t, name)
}

// valueColumn returns the index of the value column called name.
func valueColumn(t *results.Table, table, name string) (int, error) {
	if i := t.Column(name); i >= 0 {
		return i, nil
	}
	return -1, missingColumn(table, t, name)
}

// anyColumn returns the column called name, key or value, as float64s. NaN
// marks a missing value; an infinite value is an error naming its row.
func anyColumn(t *results.Table, table, name string) ([]float64, error) {
	out := make([]float64, len(t.Rows))
	if k := slices.Index(t.Keys, name); k >= 0 {
		for i, r := range t.Rows {
			out[i] = float64(r.Keys[k])
		}
		return out, nil
	}
	c, err := valueColumn(t, table, name)
	if err != nil {
		return nil, err
	}
	for i, r := range t.Rows {
		out[i] = r.Values[c]
		if math.IsInf(out[i], 0) {
			return nil, fmt.Errorf("%s table, column %q, data row %d: infinite value", table, name, i+1)
		}
	}
	return out, nil
}

// episodeGrid lays a table keyed by replicate and episode out on the sorted
// replicates and the sorted union of their episodes.
type episodeGrid struct {
	t        *results.Table
	table    string
	reps     []int64  // sorted, distinct
	episodes []int64  // sorted, distinct
	at       [][2]int // row -> (replicate index, episode index)
}

func newEpisodeGrid(t *results.Table, table string) (*episodeGrid, error) {
	rk, err := keyColumn(t, table, "replicate")
	if err != nil {
		return nil, err
	}
	ek, err := keyColumn(t, table, "episode")
	if err != nil {
		return nil, err
	}
	g := &episodeGrid{t: t, table: table}
	for _, r := range t.Rows {
		g.reps = append(g.reps, r.Keys[rk])
		g.episodes = append(g.episodes, r.Keys[ek])
	}
	slices.Sort(g.reps)
	slices.Sort(g.episodes)
	g.reps, g.episodes = slices.Compact(g.reps), slices.Compact(g.episodes)
	seen := make([]bool, len(g.reps)*len(g.episodes))
	g.at = make([][2]int, len(t.Rows))
	for i, r := range t.Rows {
		ri, _ := slices.BinarySearch(g.reps, r.Keys[rk])
		ei, _ := slices.BinarySearch(g.episodes, r.Keys[ek])
		if seen[ri*len(g.episodes)+ei] {
			return nil, fmt.Errorf("%s table: two rows for replicate %d, episode %d", table, r.Keys[rk], r.Keys[ek])
		}
		seen[ri*len(g.episodes)+ei] = true
		g.at[i] = [2]int{ri, ei}
	}
	return g, nil
}

// series returns the values of a column per replicate, laid out on the
// episodes, NaN where a replicate has no row.
func (g *episodeGrid) series(name string) ([][]float64, error) {
	col, err := anyColumn(g.t, g.table, name)
	if err != nil {
		return nil, err
	}
	return g.layout(col), nil
}

// layout lays per-row values out per replicate on the episodes.
func (g *episodeGrid) layout(col []float64) [][]float64 {
	out := make([][]float64, len(g.reps))
	for r := range out {
		out[r] = make([]float64, len(g.episodes))
		for e := range out[r] {
			out[r][e] = math.NaN()
		}
	}
	for i, v := range col {
		out[g.at[i][0]][g.at[i][1]] = v
	}
	return out
}

// SmoothingWindow is the moving-average window, in episodes, of the training
// figures ([BidAsk], [Shares]) for a run of n training episodes: n/50, at
// least 1 (20 episodes for a run of 1000). It keeps 50 windows across any
// run, enough to show the shape of learning while averaging away the
// episode-to-episode noise of a single replicate.
func SmoothingWindow(n int) int {
	return max(1, n/50)
}

// movingAverage is the trailing moving average of xs over w points at the
// indices idx: point i is the mean of the finite values among
// xs[i-w+1..i] (fewer at the start), NaN when there is none. Each window is
// summed afresh, in order, so that the result is exactly that mean, with no
// rounding carried over from a running sum.
func movingAverage(xs []float64, w int, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		var sum float64
		var n int
		for _, x := range xs[max(0, i-w+1) : i+1] {
			if isFinite(x) {
				sum += x
				n++
			}
		}
		out[k] = math.NaN()
		if n > 0 {
			out[k] = sum / float64(n)
		}
	}
	return out
}

// thinned returns the indices to draw of n points: all of them, or every
// k-th and the last when there are more than maxPlotPoints.
func thinned(n int) []int {
	k := (n + maxPlotPoints - 1) / maxPlotPoints
	idx := make([]int, 0, min(n, maxPlotPoints+1))
	for i := 0; i < n; i += max(k, 1) {
		idx = append(idx, i)
	}
	if n > 0 && idx[len(idx)-1] != n-1 {
		idx = append(idx, n-1)
	}
	return idx
}

// summary is a series summarised over replicates at each x.
type seriesSummary struct {
	name         string
	mean, lo, hi []float64
	n            []float64 // replicates behind each point
	maxN, minN   int       // the most and fewest replicates behind a point that has any
	finite       bool      // some point has a mean
	hasBand      bool      // some point has a confidence interval
}

// summarize summarises per-replicate series ([replicate][x]) at each of the
// x indices idx with [results.Summarize].
func summarize(name string, perRep [][]float64, idx []int) *seriesSummary {
	s := &seriesSummary{name: name, minN: math.MaxInt}
	xs := make([]float64, len(perRep))
	for _, e := range idx {
		for r := range perRep {
			xs[r] = perRep[r][e]
		}
		st := results.SummarizeMetric(name, xs)
		s.mean = append(s.mean, st.Mean)
		s.lo = append(s.lo, st.CI95Low)
		s.hi = append(s.hi, st.CI95High)
		s.n = append(s.n, float64(st.N))
		if st.N > 0 {
			s.finite = true
			s.maxN, s.minN = max(s.maxN, st.N), min(s.minN, st.N)
		}
		if isFinite(st.CI95Low) {
			s.hasBand = true
		}
	}
	if !s.finite {
		s.minN = 0
	}
	return s
}

// summaryTable is the data of a figure of summaries against x: key column
// xName, then for each series <name>_mean, <name>_ci95_low,
// <name>_ci95_high and <name>_n (the replicates behind the point).
func summaryTable(xName string, xs []int64, series []*seriesSummary) *results.Table {
	t := &results.Table{Keys: []string{xName}}
	for _, s := range series {
		t.Values = append(t.Values, s.name+"_mean", s.name+"_ci95_low", s.name+"_ci95_high", s.name+"_n")
		t.Counts = append(t.Counts, s.name+"_n")
	}
	for i, x := range xs {
		vals := make([]float64, 0, len(t.Values))
		for _, s := range series {
			vals = append(vals, s.mean[i], s.lo[i], s.hi[i], s.n[i])
		}
		t.Append([]int64{x}, vals)
	}
	return t
}

// plural is "1 replicate", "2 replicates".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// replicatesPhrase says how many replicates stand behind the series, for a
// legend or title: "mean of 4 replicates, 95 % CI", or that there is no band.
func replicatesPhrase(ss ...*seriesSummary) string {
	lo, hi := math.MaxInt, 0
	for _, s := range ss {
		if s.finite {
			lo, hi = min(lo, s.minN), max(hi, s.maxN)
		}
	}
	switch {
	case hi <= 1:
		return "1 replicate, no confidence band"
	case lo == hi:
		return fmt.Sprintf("mean of %d replicates, 95 %% CI", hi)
	default:
		return fmt.Sprintf("mean of %d–%d replicates, 95 %% CI", lo, hi)
	}
}
