package chart

import (
	"fmt"
	"math"
	"slices"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxBins bounds the number of bins of a histogram.
const maxBins = 100

// PriceDistribution plots a histogram of a column of trades.csv, such as
// pay (what the shipper paid), or of the ratio column/per when per is not
// empty, such as pay/cost, the price per unit of transport cost. unit is the
// unit of the plotted quantity. When the table has a key column episode only
// the trades of its largest value, the final evaluation, are counted,
// pooled over replicates. Missing values are skipped, and so are rows whose
// per value is not positive.
//
// The bins are of equal width, as many as the Freedman–Diaconis rule gives
// (width 2·IQR·n^(-1/3); Freedman and Diaconis, Z. Wahrscheinlichkeitstheorie
// 57, 1981), at most 100, Sturges' ceil(log2 n)+1 when the interquartile
// range is zero, and one bin of width 1 when all values are equal. The
// upper edge of the last bin is included in it.
//
// A few extreme trades (a price at 40 times cost) would squeeze every other
// into a bin or two: when the values beyond the 0.5 % and 99.5 % quantiles
// stretch the range to more than twice the span between those quantiles,
// the bins span the quantiles only, and the title says how many trades lie
// outside and how far they reach. Shares are still of all trades counted.
//
// Its data has the key column bin (0, 1, ...) and the value columns low,
// high, count and share (count / trades counted), one row per bin. Its
// name is price_distribution_<column>, or
// price_distribution_<column>_per_<per>.
func PriceDistribution(trades *results.Table, column, per, unit string) (*Figure, error) {
	vals, err := anyColumn(trades, "trades", column)
	if err != nil {
		return nil, err
	}
	var divisor []float64
	if per != "" {
		if divisor, err = anyColumn(trades, "trades", per); err != nil {
			return nil, err
		}
	}
	keep := func(int) bool { return true }
	var final int64
	ek := slices.Index(trades.Keys, "episode")
	if ek >= 0 && len(trades.Rows) > 0 {
		final = trades.Rows[0].Keys[ek]
		for _, r := range trades.Rows {
			final = max(final, r.Keys[ek])
		}
		keep = func(i int) bool { return trades.Rows[i].Keys[ek] == final }
	}
	reps := map[int64]bool{}
	rk := slices.Index(trades.Keys, "replicate")
	xs := make([]float64, 0, len(vals))
	for i, v := range vals {
		if !keep(i) {
			continue
		}
		if divisor != nil {
			if !(divisor[i] > 0) {
				continue
			}
			v /= divisor[i]
		}
		if !isFinite(v) {
			continue
		}
		xs = append(xs, v)
		if rk >= 0 {
			reps[trades.Rows[i].Keys[rk]] = true
		}
	}
	name := column
	if per != "" {
		name = column + "/" + per
	}
	words := Label(name)
	if len(xs) == 0 {
		return nil, fmt.Errorf("trades table: no value of %s to plot", name)
	}
	slices.Sort(xs)
	shown, outside := trimTails(xs)
	bins := histogramBins(shown)

	data := &results.Table{Keys: []string{"bin"}, Values: []string{"low", "high", "count", "share"}}
	h := &plotter.Histogram{
		FillColor: translucent(colorSkyBlue),
		LineStyle: draw.LineStyle{Color: colorBlue, Width: vg.Points(0.75)},
	}
	for i, b := range bins {
		share := b.count / float64(len(xs))
		data.Append([]int64{int64(i)}, []float64{b.low, b.high, b.count, share})
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: b.low, Max: b.high, Weight: share})
	}
	h.Width = bins[0].high - bins[0].low

	title := "Distribution of the " + words
	if ek >= 0 {
		title += fmt.Sprintf(" after %d training episodes", final)
	}
	detail := fmt.Sprintf("%d trades", len(xs))
	if rk >= 0 {
		detail += " of " + plural(len(reps), "replicate")
	}
	detail += fmt.Sprintf(", %d bins", len(bins))
	if outside > 0 {
		detail += fmt.Sprintf("; %d trades outside the 0.5–99.5 %% quantiles (%s to %s) not drawn", outside, shortNum(xs[0]), shortNum(xs[len(xs)-1]))
	}
	c := newChart(title+"\n"+detail, axisLabel(words, unit), "share of trades (fraction per bin)")
	c.p.Y.Padding = 0 // bars stand on the axis
	c.floor = true
	c.p.Add(h)
	fileName := "price_distribution_" + column
	if per != "" {
		fileName += "_per_" + per
	}
	return c.figure(fileName, data), nil
}

type histBin struct{ low, high, count float64 }

// trimTails returns the sorted values xs within the 0.5 % and 99.5 %
// quantiles, and how many it left out, when those beyond them stretch the
// range to more than twice the span between the quantiles; else xs whole.
func trimTails(xs []float64) ([]float64, int) {
	lo := stat.Quantile(0.005, stat.Empirical, xs, nil)
	hi := stat.Quantile(0.995, stat.Empirical, xs, nil)
	if !(hi > lo) || xs[len(xs)-1]-xs[0] <= 2*(hi-lo) {
		return xs, 0
	}
	i, _ := slices.BinarySearch(xs, lo)
	j, found := slices.BinarySearch(xs, hi)
	for found && j < len(xs) && xs[j] == hi {
		j++
	}
	return xs[i:j], len(xs) - (j - i)
}

// histogram bins sorted finite values (see PriceDistribution for the rule).
func histogramBins(xs []float64) []histBin {
	n := len(xs)
	lo, hi := xs[0], xs[n-1]
	if lo == hi {
		return []histBin{{lo - 0.5, hi + 0.5, float64(n)}}
	}
	k := int(math.Ceil(math.Log2(float64(n)))) + 1
	if iqr := stat.Quantile(0.75, stat.Empirical, xs, nil) - stat.Quantile(0.25, stat.Empirical, xs, nil); iqr > 0 {
		width := 2 * iqr / math.Cbrt(float64(n))
		k = int(math.Ceil((hi - lo) / width))
	}
	k = min(max(k, 1), maxBins)
	width := (hi - lo) / float64(k)
	bins := make([]histBin, k)
	for i := range bins {
		bins[i] = histBin{lo + float64(i)*width, lo + float64(i+1)*width, 0}
	}
	bins[k-1].high = hi // no rounding past the largest value
	for _, x := range xs {
		i := min(int((x-lo)/width), k-1)
		bins[i].count++
	}
	return bins
}
