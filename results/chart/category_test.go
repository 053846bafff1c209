package chart

import (
	"math"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/results"
)

// TestMetricByCategory: a grid of two text axes is drawn as points with
// intervals, the first axis's values as ticks, the second's in the legend;
// the data are the table's, sorted by group then axis.
func TestMetricByCategory(t *testing.T) {
	agg := &results.Table{Values: []string{"buyers", "sellers", "efficiency_mean", "efficiency_ci95_low", "efficiency_ci95_high"}}
	for b := range 3 {
		for s := range 2 {
			m := 0.5 + 0.1*float64(b) + 0.01*float64(s)
			agg.Append(nil, []float64{float64(b), float64(s), m, m - 0.05, m + 0.05})
		}
	}
	agg.Rows[5].Values[3], agg.Rows[5].Values[4] = math.NaN(), math.NaN() // one replicate: no bar
	f, err := MetricByCategory(agg, results.Metric{Name: "buyers"}, []string{"zi-c", "zip", "learn"},
		results.Metric{Name: "efficiency", Unit: "fraction"}, "sellers", []string{"zi-c", "truthful"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "sweep_efficiency_vs_buyers_by_sellers" || len(f.Data.Rows) != 6 {
		t.Fatalf("name %s, %d rows; want sweep_efficiency_vs_buyers_by_sellers, 6", f.Name, len(f.Data.Rows))
	}
	if g, x, m := f.Data.Rows[1].Values[0], f.Data.Rows[1].Values[1], f.Data.Rows[1].Values[2]; g != 0 || x != 1 || math.Abs(m-0.6) > 1e-12 {
		t.Errorf("row 1: sellers %v, buyers %v, mean %v; want 0, 1, 0.6 (sorted by group, then axis)", g, x, m)
	}
	text := plotText(f)
	for _, want := range []string{"zi-c", "zip", "learn", "carriers' strategy: truthful", "Allocative efficiency by shippers' strategy and carriers' strategy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the figure's text %q lacks %q", text, want)
		}
	}
	checkPlotDraws(t, f)
	if _, err := MetricByCategory(agg, results.Metric{Name: "buyers"}, []string{"zi-c", "zip"},
		results.Metric{Name: "efficiency"}, "sellers", []string{"zi-c", "truthful"}); err == nil {
		t.Error("an index past the axis's values was accepted")
	}
}

// TestTrimTails: a few trades far out leave the bins to the bulk, and are
// counted; a sample with no such tail is binned whole.
func TestTrimTails(t *testing.T) {
	var xs []float64
	for i := range 1000 {
		xs = append(xs, 1+float64(i)/1000) // 1 to 2
	}
	xs = append(xs, 40, 41, 42) // three trades at 40 times cost
	shown, out := trimTails(xs)
	if out == 0 || out > 10 || shown[len(shown)-1] > 2 {
		t.Errorf("left out %d, largest shown %v; want the 3 far trades (and at most a few of the bulk's edge) out, all shown ≤ 2", out, shown[len(shown)-1])
	}
	if len(shown)+out != len(xs) {
		t.Errorf("%d shown + %d out ≠ %d", len(shown), out, len(xs))
	}
	even := xs[:1000]
	if shown, out := trimTails(even); out != 0 || len(shown) != 1000 {
		t.Errorf("a uniform sample lost %d values", out)
	}
}

// TestMetricVsAxisPoints: a sampled design's points are drawn unjoined,
// sorted by the axis, with the data of MetricVsAxis.
func TestMetricVsAxisPoints(t *testing.T) {
	agg := &results.Table{Values: []string{"sharing", "efficiency_mean", "efficiency_ci95_low", "efficiency_ci95_high"}}
	for _, x := range []float64{0.7, 0.1, 0.4} {
		agg.Append(nil, []float64{x, x, x - 0.1, x + 0.1})
	}
	f, err := MetricVsAxisPoints(agg, results.Metric{Name: "sharing"}, results.Metric{Name: "efficiency", Unit: "fraction"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "sweep_efficiency_vs_sharing" || len(f.Data.Rows) != 3 || f.Data.Rows[0].Values[0] != 0.1 || f.Data.Rows[2].Values[0] != 0.7 {
		t.Errorf("name %s, data %v: want sweep_efficiency_vs_sharing sorted by sharing", f.Name, f.Data.Rows)
	}
	checkPlotDraws(t, f)
}
