package chart

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// plotSameFloat says whether two cells hold the same value: equal, or both
// missing. The figure functions compute with results.Summarize itself, so a
// figure's data must match it exactly, not merely within a tolerance.
func plotSameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// plotCell returns row i of the value column name of t, failing if absent.
func plotCell(t *testing.T, tab *results.Table, i int, name string) float64 {
	t.Helper()
	c := tab.Column(name)
	if c < 0 {
		t.Fatalf("figure data has no column %q (it has %s)", name, columnNames(tab))
	}
	return tab.Rows[i].Values[c]
}

// checkPlotStat compares a row's <name>_mean, _ci95_low, _ci95_high and _n with
// a results.Stat.
func checkPlotStat(t *testing.T, tab *results.Table, i int, name string, want results.Stat) {
	t.Helper()
	got := results.Stat{Mean: plotCell(t, tab, i, name+"_mean"), SD: math.NaN(), CI95Low: plotCell(t, tab, i, name+"_ci95_low"), CI95High: plotCell(t, tab, i, name+"_ci95_high"), N: int(plotCell(t, tab, i, name+"_n"))}
	if !plotSameFloat(got.Mean, want.Mean) || !plotSameFloat(got.CI95Low, want.CI95Low) || !plotSameFloat(got.CI95High, want.CI95High) || got.N != want.N {
		t.Errorf("row %d, %s: mean %v CI [%v, %v] n %d, want mean %v CI [%v, %v] n %d",
			i, name, got.Mean, got.CI95Low, got.CI95High, got.N, want.Mean, want.CI95Low, want.CI95High, want.N)
	}
}

// checkPlotLabels checks that the title and axis labels hold the given words
// (units among them).
func checkPlotLabels(t *testing.T, f *Figure, title, x, y string) {
	t.Helper()
	p := f.Plot
	for _, c := range []struct{ what, got, want string }{
		{"title", p.Title.Text, title}, {"x label", p.X.Label.Text, x}, {"y label", p.Y.Label.Text, y},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%s: %s is %q, want it to contain %q", f.Name, c.what, c.got, c.want)
		}
	}
}

// checkPlotDraws draws f as SVG, which must not fail or panic.
func checkPlotDraws(t *testing.T, f *Figure) {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WriteSVG(&buf); err != nil || buf.Len() == 0 {
		t.Errorf("%s: drawing as SVG: %v (%d bytes)", f.Name, err, buf.Len())
	}
}

func TestLearningCurveData(t *testing.T) {
	ev := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"avg_bidding_cost", "theta_0"}}
	ev.Append([]int64{0, 0}, []float64{-110, 1})
	ev.Append([]int64{1, 0}, []float64{-120, 1})
	ev.Append([]int64{2, 0}, []float64{-100, 1})
	ev.Append([]int64{0, 100}, []float64{-50, 1})
	ev.Append([]int64{1, 100}, []float64{math.NaN(), 1}) // a missing value is skipped
	ev.Append([]int64{2, 100}, []float64{-54, 1})
	m := results.Metric{Name: "avg_bidding_cost", Unit: "money per decision"}
	f, err := LearningCurve(ev, m, &Reference{Value: -48.3, Label: "P2"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "learning_avg_bidding_cost" {
		t.Errorf("name %q, want learning_avg_bidding_cost", f.Name)
	}
	if len(f.Data.Rows) != 2 || f.Data.Rows[0].Keys[0] != 0 || f.Data.Rows[1].Keys[0] != 100 {
		t.Fatalf("data rows %+v, want episodes 0 and 100", f.Data.Rows)
	}
	checkPlotStat(t, f.Data, 0, m.Name, results.Summarize([]float64{-110, -120, -100}))
	checkPlotStat(t, f.Data, 1, m.Name, results.Summarize([]float64{-50, -54}))
	if r := plotCell(t, f.Data, 1, "reference"); r != -48.3 {
		t.Errorf("reference column %v, want -48.3", r)
	}
	checkPlotLabels(t, f, "Average bidding cost during training", "training episodes", "average bidding cost (money per decision)")
	checkPlotDraws(t, f)

	// One replicate: the mean alone, no interval.
	one := &results.Table{Keys: ev.Keys, Values: ev.Values}
	one.Append([]int64{0, 0}, []float64{-110, 1})
	one.Append([]int64{0, 100}, []float64{-50, 1})
	f, err = LearningCurve(one, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPlotStat(t, f.Data, 1, m.Name, results.Summarize([]float64{-50}))
	if f.Data.Column("reference") >= 0 {
		t.Error("a reference column without a reference")
	}
	checkPlotDraws(t, f)
}

func TestPlotMovingAverage(t *testing.T) {
	nan := math.NaN()
	got := movingAverage([]float64{1, 3, nan, 5, nan, nan, 7}, 2, upTo(7))
	// Trailing windows of 2: {1}, {1,3}, {3,NaN}, {NaN,5}, {5,NaN}, {NaN,NaN}, {NaN,7}.
	want := []float64{1, 2, 3, 5, 5, nan, 7}
	for i := range want {
		if !plotSameFloat(got[i], want[i]) {
			t.Errorf("moving average %v, want %v", got, want)
			break
		}
	}
	if got := movingAverage([]float64{1, 2, 3, 4, 5}, 3, []int{0, 4}); got[0] != 1 || got[1] != 4 {
		t.Errorf("moving average at 0 and 4: %v, want 1 and 4", got)
	}
	if w := SmoothingWindow(1000); w != 20 {
		t.Errorf("window for 1000 episodes %d, want 20", w)
	}
	if w := SmoothingWindow(10); w != 1 {
		t.Errorf("window for 10 episodes %d, want 1 (no smoothing)", w)
	}
}

func TestBidAskData(t *testing.T) {
	// 100 episodes: window 2. Replicate 0 bids e, replicate 1 bids e+2; the
	// smoothed bids at e >= 1 are e-0.5 and e+1.5.
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"mean_bid", "mean_ask"}}
	for r := range int64(2) {
		for e := range int64(100) {
			ep.Append([]int64{r, e}, []float64{float64(e + 2*r), 30})
		}
	}
	f, err := BidAsk(ep, &Band{Low: 28, High: 32})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Data.Rows) != 100 {
		t.Fatalf("%d rows, want 100", len(f.Data.Rows))
	}
	checkPlotStat(t, f.Data, 0, "mean_bid", results.Summarize([]float64{0, 2}))
	checkPlotStat(t, f.Data, 10, "mean_bid", results.Summarize([]float64{9.5, 11.5}))
	checkPlotStat(t, f.Data, 10, "mean_ask", results.Summarize([]float64{30, 30}))
	if f.Data.Column("mean_price_mean") >= 0 {
		t.Error("mean_price plotted though episodes have no such column")
	}
	if lo, hi := plotCell(t, f.Data, 5, "band_low"), plotCell(t, f.Data, 5, "band_high"); lo != 28 || hi != 32 {
		t.Errorf("band columns %v, %v, want 28, 32", lo, hi)
	}
	checkPlotLabels(t, f, "Bids, asks", "moving average over 2 episodes", "(money)")
	checkPlotDraws(t, f)
	if _, err := BidAsk(ep, &Band{Low: 3, High: 1}); err == nil {
		t.Error("a band with low > high was accepted")
	}
}

// SigmaCurve summarises each episode's sigma over replicates, unsmoothed,
// and skips episodes without one.
func TestSigmaCurveData(t *testing.T) {
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"mean_bid", "sigma"}}
	ep.Append([]int64{0, 0}, []float64{1, 0.2})
	ep.Append([]int64{1, 0}, []float64{1, 0.3})
	ep.Append([]int64{0, 1}, []float64{1, 0.1})
	ep.Append([]int64{1, 1}, []float64{1, math.NaN()})
	f, err := SigmaCurve(ep)
	if err != nil {
		t.Fatal(err)
	}
	checkPlotStat(t, f.Data, 0, "sigma", results.Summarize([]float64{0.2, 0.3}))
	checkPlotStat(t, f.Data, 1, "sigma", results.Summarize([]float64{0.1}))
	checkPlotLabels(t, f, "Spread of the shipper's bids", "training episode", "(money)")
	checkPlotDraws(t, f)
	none := &results.Table{Keys: ep.Keys, Values: ep.Values}
	none.Append([]int64{0, 0}, []float64{1, math.NaN()})
	if _, err := SigmaCurve(none); err == nil || !strings.Contains(err.Error(), "sigma") {
		t.Errorf("no sigma at all: %v, want an error naming the column", err)
	}
}

func TestSharesData(t *testing.T) {
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"shipper_reward", "carrier_reward", "utilization"}}
	ep.Append([]int64{0, 0}, []float64{30, 10, 0.5})
	ep.Append([]int64{1, 0}, []float64{10, 10, 0.7})
	ep.Append([]int64{0, 1}, []float64{-30, 40, 0.4}) // a negative part: no share
	ep.Append([]int64{1, 1}, []float64{0, 0, 0.6})    // no sum: no share
	f, err := Shares(ep)
	if err != nil {
		t.Fatal(err)
	}
	checkPlotStat(t, f.Data, 0, "shipper_reward_share", results.Summarize([]float64{0.75, 0.5}))
	checkPlotStat(t, f.Data, 1, "shipper_reward_share", results.Summarize(nil))
	// A share's interval is clipped to [0, 1] (results.SummarizeMetric).
	checkPlotStat(t, f.Data, 1, "utilization", results.Summarize([]float64{0.4, 0.6}).Within(0, 1))
	if lo, hi := plotCell(t, f.Data, 1, "utilization_ci95_low"), plotCell(t, f.Data, 1, "utilization_ci95_high"); lo != 0 || hi != 1 {
		t.Errorf("utilization's band [%v, %v] at 0.4 and 0.6, want it clipped to [0, 1]", lo, hi)
	}
	checkPlotLabels(t, f, "Utilisation and shippers' reward share", "training episodes", "(fraction)")
	checkPlotDraws(t, f)

	// Costs as rewards (P2): the share is left out, and the title names only
	// what is drawn.
	p2 := &results.Table{Keys: ep.Keys, Values: ep.Values}
	p2.Append([]int64{0, 0}, []float64{-500, 20, 0.3})
	f, err = Shares(p2)
	if err != nil {
		t.Fatal(err)
	}
	if f.Data.Column("shipper_reward_share_mean") >= 0 {
		t.Error("a reward share of negative rewards was plotted")
	}
	if !strings.HasPrefix(f.Plot.Title.Text, "Utilisation during training") || strings.Contains(plotText(f), "share") {
		t.Errorf("title %q, text %q: want a title of utilisation alone and no word of a share", f.Plot.Title.Text, plotText(f))
	}
}

func TestPriceDistributionData(t *testing.T) {
	tr := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"pay", "cost"}}
	for i := range 8 {
		tr.Append([]int64{int64(i % 2), 100}, []float64{float64(i + 1), 2})
		tr.Append([]int64{0, 0}, []float64{1000, 2}) // an earlier evaluation: not counted
	}
	tr.Append([]int64{0, 100}, []float64{math.NaN(), 2}) // missing: skipped
	f, err := PriceDistribution(tr, "pay", "", "money")
	if err != nil {
		t.Fatal(err)
	}
	// Values 1..8: empirical quartiles 2 and 6, Freedman–Diaconis width
	// 2*4/cbrt(8) = 4, so ceil(7/4) = 2 bins of width 3.5.
	want := [][]float64{{1, 4.5, 4, 0.5}, {4.5, 8, 4, 0.5}}
	if len(f.Data.Rows) != len(want) {
		t.Fatalf("%d bins %+v, want %v", len(f.Data.Rows), f.Data.Rows, want)
	}
	for i, w := range want {
		for j, v := range f.Data.Rows[i].Values {
			if v != w[j] {
				t.Errorf("bin %d: %v, want %v (low, high, count, share)", i, f.Data.Rows[i].Values, w)
				break
			}
		}
	}
	checkPlotLabels(t, f, "after 100 training episodes", "price paid (money)", "share of trades")
	checkPlotDraws(t, f)

	// Per unit of cost, skipping a non-positive cost.
	tr.Append([]int64{1, 100}, []float64{5, 0})
	f, err = PriceDistribution(tr, "pay", "cost", "price / cost")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "price_distribution_pay_per_cost" {
		t.Errorf("name %q", f.Name)
	}
	var n float64
	for i := range f.Data.Rows {
		n += plotCell(t, f.Data, i, "count")
	}
	if n != 8 || plotCell(t, f.Data, 0, "low") != 0.5 {
		t.Errorf("%v trades from %v, want 8 from 0.5 (pay/cost, zero cost skipped)", n, plotCell(t, f.Data, 0, "low"))
	}

	// Equal values: one bin of width 1.
	if got := histogramBins([]float64{3, 3, 3}); len(got) != 1 || got[0] != (histBin{2.5, 3.5, 3}) {
		t.Errorf("bins of equal values %+v, want one [2.5, 3.5] of 3", got)
	}
}

func TestMetricVsAxisData(t *testing.T) {
	agg := &results.Table{Keys: []string{"capacity"}, Values: []string{"k", "efficiency_mean", "efficiency_ci95_low", "efficiency_ci95_high", "efficiency_n"}}
	agg.Append([]int64{80}, []float64{0.5, 0.9, 0.85, 0.95, 4})
	agg.Append([]int64{40}, []float64{0.5, 0.7, math.NaN(), math.NaN(), 1})
	agg.Append([]int64{40}, []float64{0, 0.6, 0.5, 0.7, 4})
	agg.Append([]int64{80}, []float64{0, 0.8, 0.75, 0.85, 4})
	f, err := MetricVsAxis(agg, results.Metric{Name: "k", Unit: "share"}, results.Metric{Name: "efficiency", Unit: "fraction"}, "capacity")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Data.Values, ","); got != "capacity,k,efficiency_mean,efficiency_ci95_low,efficiency_ci95_high" {
		t.Errorf("columns %s", got)
	}
	want := [][]float64{{40, 0, 0.6, 0.5, 0.7}, {40, 0.5, 0.7, math.NaN(), math.NaN()}, {80, 0, 0.8, 0.75, 0.85}, {80, 0.5, 0.9, 0.85, 0.95}}
	for i, w := range want {
		for j := range w {
			if !plotSameFloat(f.Data.Rows[i].Values[j], w[j]) {
				t.Errorf("row %d: %v, want %v (sorted by group, then axis)", i, f.Data.Rows[i].Values, w)
				break
			}
		}
	}
	if f.Name != "sweep_efficiency_vs_k_by_capacity" {
		t.Errorf("name %q", f.Name)
	}
	checkPlotLabels(t, f, "efficiency against k", "k (share)", "efficiency (fraction)")
	if !strings.Contains(plotText(f), "capacity = 40") {
		t.Errorf("legend %q does not name the groups", plotText(f))
	}
	checkPlotDraws(t, f)

	agg.Append([]int64{80}, []float64{0, 0.8, 0.75, 0.85, 4})
	if _, err := MetricVsAxis(agg, results.Metric{Name: "k"}, results.Metric{Name: "efficiency"}, "capacity"); err == nil || !strings.Contains(err.Error(), "two rows") {
		t.Errorf("duplicate point: error %v, want one about two rows", err)
	}
}

func TestHeatMapData(t *testing.T) {
	agg := &results.Table{Values: []string{"k", "capacity", "efficiency_mean"}}
	agg.Append(nil, []float64{0.5, 80, 0.9})
	agg.Append(nil, []float64{0, 80, 0.8})
	agg.Append(nil, []float64{0, 40, 0.6}) // (0.5, 40) has no row
	f, err := HeatMap(agg, results.Metric{Name: "k", Unit: "share"}, results.Metric{Name: "capacity", Unit: "volume"}, results.Metric{Name: "efficiency", Unit: "fraction"})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 40, 0.6}, {0.5, 40, math.NaN()}, {0, 80, 0.8}, {0.5, 80, 0.9}}
	if len(f.Data.Rows) != len(want) {
		t.Fatalf("%d cells, want %d", len(f.Data.Rows), len(want))
	}
	for i, w := range want {
		for j := range w {
			if !plotSameFloat(f.Data.Rows[i].Values[j], w[j]) {
				t.Errorf("cell %d: %v, want %v (sorted by y, then x; missing empty)", i, f.Data.Rows[i].Values, w)
				break
			}
		}
	}
	checkPlotLabels(t, f, "Allocative efficiency over k and truck capacity", "k (share)", "truck capacity (volume)")
	checkPlotDraws(t, f)

	// One value everywhere: still a colour scale.
	flat := &results.Table{Values: agg.Values}
	flat.Append(nil, []float64{0, 0, 1})
	if f, err := HeatMap(flat, results.Metric{Name: "k"}, results.Metric{Name: "capacity"}, results.Metric{Name: "efficiency"}); err != nil {
		t.Error(err)
	} else {
		checkPlotDraws(t, f)
	}
}

// TestPlotBadInput: a missing column, duplicate rows or an infinite value are
// errors that name the column (or row) and the table.
func TestPlotBadInput(t *testing.T) {
	ev := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"cost"}}
	ev.Append([]int64{0, 0}, []float64{1})
	noRep := &results.Table{Keys: []string{"run", "episode"}, Values: []string{"mean_bid", "mean_ask"}}
	noRep.Append([]int64{0, 0}, []float64{1, 2})
	inf := &results.Table{Keys: ev.Keys, Values: ev.Values}
	inf.Append([]int64{0, 0}, []float64{math.Inf(1)})
	dup := &results.Table{Keys: ev.Keys, Values: ev.Values}
	dup.Append([]int64{0, 0}, []float64{1})
	dup.Append([]int64{0, 0}, []float64{2})
	agg := &results.Table{Values: []string{"k", "efficiency_mean", "efficiency_ci95_high"}}
	agg.Append(nil, []float64{0, 1, 1})
	nanAxis := &results.Table{Values: []string{"k", "efficiency_mean", "efficiency_ci95_low", "efficiency_ci95_high"}}
	nanAxis.Append(nil, []float64{math.NaN(), 1, 1, 1})
	cases := []struct {
		name string
		run  func() (*Figure, error)
		want []string // in the error
	}{
		{"learning curve, no metric", func() (*Figure, error) { return LearningCurve(ev, results.Metric{Name: "avg_bidding_cost"}, nil) }, []string{"evaluations table", `"avg_bidding_cost"`}},
		{"learning curve, infinite", func() (*Figure, error) { return LearningCurve(inf, results.Metric{Name: "cost"}, nil) }, []string{"evaluations table", `"cost"`, "infinite"}},
		{"learning curve, duplicate", func() (*Figure, error) { return LearningCurve(dup, results.Metric{Name: "cost"}, nil) }, []string{"evaluations table", "replicate 0, episode 0"}},
		{"learning curve, bad reference", func() (*Figure, error) {
			return LearningCurve(ev, results.Metric{Name: "cost"}, &Reference{Value: math.NaN()})
		}, []string{"reference"}},
		{"bid-ask, no ask", func() (*Figure, error) { return BidAsk(ev, nil) }, []string{"episodes table", `"mean_bid"`}},
		{"bid-ask, no replicate", func() (*Figure, error) { return BidAsk(noRep, nil) }, []string{"episodes table", `"replicate"`}},
		{"shares, nothing", func() (*Figure, error) { return Shares(ev) }, []string{"episodes table", `"utilization"`}},
		{"price, no pay", func() (*Figure, error) { return PriceDistribution(ev, "pay", "", "money") }, []string{"trades table", `"pay"`}},
		{"price, no cost", func() (*Figure, error) { return PriceDistribution(ev, "cost", "distance", "") }, []string{"trades table", `"distance"`}},
		{"sweep, no low", func() (*Figure, error) {
			return MetricVsAxis(agg, results.Metric{Name: "k"}, results.Metric{Name: "efficiency"}, "")
		}, []string{"aggregated table", `"efficiency_ci95_low"`}},
		{"sweep, no group", func() (*Figure, error) {
			return MetricVsAxis(agg, results.Metric{Name: "k"}, results.Metric{Name: "efficiency"}, "capacity")
		}, []string{"aggregated table", `"capacity"`}},
		{"sweep, missing axis value", func() (*Figure, error) {
			return MetricVsAxis(nanAxis, results.Metric{Name: "k"}, results.Metric{Name: "efficiency"}, "")
		}, []string{"aggregated table", `"k"`, "row 1"}},
		{"heat map, no y", func() (*Figure, error) {
			return HeatMap(agg, results.Metric{Name: "k"}, results.Metric{Name: "capacity"}, results.Metric{Name: "efficiency"})
		}, []string{"aggregated table", `"capacity"`}},
	}
	for _, c := range cases {
		f, err := c.run()
		if err == nil {
			t.Errorf("%s: figure %s, want an error", c.name, f.Name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

// plotText is all the text a figure draws (title, labels, legend).
func plotText(f *Figure) string {
	var parts []string
	for _, s := range plotStrings(f) {
		parts = append(parts, s.String)
	}
	return strings.Join(parts, " | ")
}

// plotStrings draws f on a recorder and returns the strings it wrote.
func plotStrings(f *Figure) []*recorder.FillString {
	var rec recorder.Canvas
	f.Plot.Draw(draw.NewCanvas(&rec, f.Width, f.Height))
	var out []*recorder.FillString
	for _, a := range rec.Actions {
		if s, ok := a.(*recorder.FillString); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestLegendAboveData: the legend is drawn between the title and the data
// area, so it can hide no data.
func TestLegendAboveData(t *testing.T) {
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"mean_bid", "mean_ask", "mean_price"}}
	for r := range int64(3) {
		for e := range int64(60) {
			ep.Append([]int64{r, e}, []float64{40 - float64(e)/10 + float64(r), 30 + float64(r), 35})
		}
	}
	f, err := BidAsk(ep, &Band{Low: 31, High: 34})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder.Canvas
	data := f.Plot.DataCanvas(draw.NewCanvas(&rec, f.Width, f.Height))
	labels := map[string]bool{"mean bid": true, "mean ask": true, "mean price paid": true, "equilibrium [31, 34]": true}
	found := 0
	for _, s := range plotStrings(f) {
		if !labels[s.String] {
			continue
		}
		found++
		if s.Point.Y < data.Max.Y {
			t.Errorf("legend entry %q at y %v, inside the data area (top %v)", s.String, s.Point.Y, data.Max.Y)
		}
	}
	if found != len(labels) {
		t.Errorf("found %d of the %d legend entries", found, len(labels))
	}
	if f.Width != 16*vg.Centimeter || f.Height <= 10*vg.Centimeter {
		t.Errorf("size %v x %v, want 16 cm wide and taller than 10 cm for 4 entries", f.Width, f.Height)
	}
}

// TestSaveAllSameAsSave: figures saved several at once are the files saved
// one by one, byte for byte (SVG and CSV; PDF carries a date), in the order
// of the figures, in every format asked for.
func TestSaveAllSameAsSave(t *testing.T) {
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"mean_bid", "mean_ask", "utilization"}}
	for r := range int64(3) {
		for e := range int64(30) {
			ep.Append([]int64{r, e}, []float64{40 - float64(e)/10 + float64(r), 30 + float64(r), 0.5 + 0.01*float64(r)})
		}
	}
	build := func() []*Figure {
		a, err := BidAsk(ep, &Band{Low: 31, High: 34})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Shares(ep)
		if err != nil {
			t.Fatal(err)
		}
		return []*Figure{a, b}
	}
	o := Output{Formats: []string{"svg", "png", "pdf"}, Width: 8.5 * vg.Centimeter, Height: 6 * vg.Centimeter, FontSize: 8}
	one, all := t.TempDir(), t.TempDir()
	var want []string
	for _, f := range build() {
		names, err := f.Save(one, o)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, names...)
	}
	got, err := SaveAll(all, build(), o)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("SaveAll wrote %v, Save %v", got, want)
	}
	for _, name := range want {
		a, errA := os.ReadFile(filepath.Join(one, name))
		b, errB := os.ReadFile(filepath.Join(all, name))
		if errA != nil || errB != nil || len(a) == 0 {
			t.Fatalf("%s: %v, %v", name, errA, errB)
		}
		if !strings.HasSuffix(name, ".pdf") && !bytes.Equal(a, b) {
			t.Errorf("%s differs between SaveAll and Save", name)
		}
	}
	if png, _ := os.ReadFile(filepath.Join(all, "bid_ask.png")); len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Error("bid_ask.png is not a PNG file")
	}
}

// Output.DPI sets the PNG's resolution: at 300 dots per inch a figure has
// twice the pixels across and down of the default 150 (16 cm: 945, 1890),
// at 100 two thirds; 0 is the default, the same bytes as WritePNG.
func TestSaveAtAResolution(t *testing.T) {
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"mean_bid", "mean_ask", "utilization"}}
	for e := range int64(30) {
		ep.Append([]int64{0, e}, []float64{40 - float64(e)/10, 30, 0.5})
	}
	size := func(dpi int) (image.Point, []byte) {
		f, err := Shares(ep)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := f.Save(dir, Output{Formats: []string{"png"}, DPI: dpi}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, f.Name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return image.Pt(cfg.Width, cfg.Height), b
	}
	def, defBytes := size(0)
	if def.X != 945 {
		t.Errorf("the default PNG is %d pixels across, want 945 (16 cm at 150 dpi)", def.X)
	}
	f, err := Shares(ep)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.WritePNG(&buf); err != nil || !bytes.Equal(buf.Bytes(), defBytes) {
		t.Errorf("Save at DPI 0 differs from WritePNG (%v)", err)
	}
	for _, c := range []struct {
		dpi  int
		want image.Point
	}{{300, image.Pt(2*def.X, 2*def.Y)}, {100, image.Pt(630, int(float64(def.Y)*2/3+0.5))}} {
		got, _ := size(c.dpi)
		if d := got.Sub(c.want); d.X < -1 || d.X > 1 || d.Y < -1 || d.Y > 1 {
			t.Errorf("at %d dpi the PNG is %v pixels, want %v (within 1)", c.dpi, got, c.want)
		}
	}
}
