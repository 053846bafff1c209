package chart

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/results"
)

var update = flag.Bool("update", false, "rewrite the golden figure data in testdata/plots")

// writePlotRunDir writes a small run directory: reps replicates, evaluations at
// episodes 0, 50 and 100, 101 training episodes, and, when trades is set,
// trades of the evaluations at episodes 0 and 100. The numbers follow
// simple formulas, so the figures' data can be checked by hand.
func writePlotRunDir(t testing.TB, dir string, reps int, trades bool) {
	t.Helper()
	ev := &results.Table{Keys: []string{"replicate", "episode"},
		Values: []string{"avg_bidding_cost", "utilization", "sigma_carrier", "theta_0", "theta_1"}}
	ep := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"shipper_reward", "carrier_reward",
		"mean_bid", "mean_ask", "mean_price", "ship_share", "utilization", "sigma"}}
	tk, _ := results.TradeColumns()
	tr := &results.Table{Keys: tk, Values: []string{"volume", "distance", "bid", "ask", "pay", "receive", "cost"}}
	nan := math.NaN()
	for r := range reps {
		fr := float64(r)
		for _, e := range []int64{0, 50, 100} {
			fe := float64(e)
			cost := -110 + 0.6*fe + 2*fr
			if r == 1 && e == 50 {
				cost = nan // a replicate that did not report
			}
			ev.Append([]int64{int64(r), e}, []float64{cost, 0.1 + 0.002*fe + 0.01*fr, nan, fr, -fr})
		}
		for e := range int64(101) {
			fe := float64(e)
			wave := math.Sin(fe*0.7 + fr)
			ep.Append([]int64{int64(r), e}, []float64{
				100 + 10*wave, 50 + fe + fr, // rewards: a positive share
				30 + 20*math.Exp(-fe/20) + fr + wave, 28 + 5*math.Exp(-fe/30) - fr, 32 + fr + 0.5*wave, // bid, ask, price
				0.3 + 0.1*wave, 0.2 + 0.001*fe + 0.01*fr, 10 * math.Exp(-fe/50), // ship share, utilization, sigma
			})
		}
		if trades {
			for _, e := range []int64{0, 100} {
				for job := range int64(12) {
					cost := float64(job%5) * 2 // one in five costs nothing
					pay := 10 + float64(job) + fr + float64(e)/50
					tr.Append([]int64{int64(r), e, 0, job / 3, job, 0}, []float64{3, 20, pay + 1, pay - 1, pay, pay, cost})
				}
			}
		}
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(results.WriteCSVFile(filepath.Join(dir, "evaluations.csv"), ev))
	must(results.WriteCSVFile(filepath.Join(dir, "episodes.csv"), ep))
	if trades {
		must(results.WriteCSVFile(filepath.Join(dir, "trades.csv"), tr))
	}
	must(results.WriteJSON(filepath.Join(dir, "summary.json"), results.Summary{Scenario: "tiny", Replicates: reps, Episode: 100}))
}

func plotNames(figs []*Figure) []string {
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	return names
}

func TestPlotRun(t *testing.T) {
	dir := t.TempDir()
	writePlotRunDir(t, dir, 3, true)
	figs, err := RunFigures(dir, Options{Refs: map[string]Reference{"avg_bidding_cost": {Value: -48.3, Label: "P2"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"learning_avg_bidding_cost", "learning_utilization", "bid_ask", "shares", "training_sigma",
		"price_distribution_pay", "price_distribution_pay_per_cost"}
	if got := plotNames(figs); !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v (no theta_*, no empty sigma_carrier)", got, want)
	}
	for _, f := range figs {
		if !strings.HasPrefix(f.Plot.Title.Text, "tiny: ") {
			t.Errorf("%s: title %q does not name the scenario", f.Name, f.Plot.Title.Text)
		}
	}
	if figs[0].Data.Column("reference") < 0 {
		t.Error("the reference of avg_bidding_cost is not in its figure")
	}
	if !strings.Contains(figs[0].Plot.Y.Label.Text, "money per decision") {
		t.Errorf("y label %q lacks the unit of results.P2Metrics", figs[0].Plot.Y.Label.Text)
	}

	// Saving twice into two directories gives the same CSV and SVG bytes.
	out := [2]string{t.TempDir(), t.TempDir()}
	for i := range out {
		figs, err := RunFigures(dir, Options{Refs: map[string]Reference{"avg_bidding_cost": {Value: -48.3, Label: "P2"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range figs {
			if _, err := f.Save(out[i], Output{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range want {
		for _, ext := range []string{".csv", ".svg", ".png"} {
			a, errA := os.ReadFile(filepath.Join(out[0], name+ext))
			b, errB := os.ReadFile(filepath.Join(out[1], name+ext))
			if errA != nil || errB != nil || len(a) == 0 {
				t.Errorf("%s%s not written: %v, %v", name, ext, errA, errB)
				continue
			}
			if ext != ".png" && !bytes.Equal(a, b) {
				t.Errorf("%s%s differs between two runs on the same input", name, ext)
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out[0], "bid_ask.svg")); !bytes.Contains(b, []byte("Arial")) {
		t.Error("SVG text names no fallback font")
	}
	if entries, _ := os.ReadDir(out[0]); len(entries) != 3*len(want) {
		t.Errorf("%d files saved, want %d (png, svg, csv per figure, no temporaries)", len(entries), 3*len(want))
	}
}

func TestPlotRunOneReplicate(t *testing.T) {
	dir := t.TempDir()
	writePlotRunDir(t, dir, 1, false)
	figs, err := RunFigures(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plotNames(figs), []string{"learning_avg_bidding_cost", "learning_utilization", "bid_ask", "shares", "training_sigma"}; !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v (no trades.csv: no price figures)", got, want)
	}
	for _, f := range figs {
		for c, name := range f.Data.Values {
			for _, r := range f.Data.Rows {
				if strings.HasSuffix(name, "_ci95_low") && !math.IsNaN(r.Values[c]) {
					t.Fatalf("%s: a confidence interval (%s) from one replicate", f.Name, name)
				}
			}
		}
		if !strings.Contains(plotText(f), "1 replicate, no confidence band") {
			t.Errorf("%s: the figure does not say it shows a single replicate", f.Name)
		}
		checkPlotDraws(t, f)
	}
}

func TestPlotRunMissingFile(t *testing.T) {
	if _, err := RunFigures(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "evaluations.csv") {
		t.Errorf("empty directory: error %v, want one naming evaluations.csv", err)
	}
}

// plotGoldenCSV writes a table as CSV with floats at 10 significant digits, so
// that float noise across platforms (fused multiply-add, libm) does not
// change it.
func plotGoldenCSV(t *results.Table) string {
	var b strings.Builder
	b.WriteString(strings.Join(append(slices.Clone(t.Keys), t.Values...), ",") + "\n")
	for _, r := range t.Rows {
		var rec []string
		for _, k := range r.Keys {
			rec = append(rec, strconv.FormatInt(k, 10))
		}
		for _, v := range r.Values {
			if math.IsNaN(v) {
				rec = append(rec, "")
			} else {
				rec = append(rec, strconv.FormatFloat(v, 'g', 10, 64))
			}
		}
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	return b.String()
}

// plotGoldenSweep is an aggregated sweep table of two parameters.
func plotGoldenSweep() *results.Table {
	agg := &results.Table{Keys: []string{"capacity"}, Values: []string{"k", "efficiency_mean", "efficiency_ci95_low", "efficiency_ci95_high"}}
	for _, c := range []int64{40, 80, 120} {
		for _, k := range []float64{0, 0.25, 0.5, 0.75, 1} {
			m := 0.6 + 0.3*math.Sin(2*k+float64(c)/80)
			agg.Append([]int64{c}, []float64{k, m, m - 0.05, m + 0.05})
		}
	}
	return agg
}

// TestPlotGoldenData compares the data of the standard figures of a small run
// and of the sweep figures with testdata/plots/*.csv. Regenerate with
// go test ./results -run TestPlotGoldenData -update, and review the diff.
func TestPlotGoldenData(t *testing.T) {
	dir := t.TempDir()
	writePlotRunDir(t, dir, 3, true)
	figs, err := RunFigures(dir, Options{Refs: map[string]Reference{"avg_bidding_cost": {Value: -48.3}}})
	if err != nil {
		t.Fatal(err)
	}
	sweep := plotGoldenSweep()
	k, eff, capa := results.Metric{Name: "k", Unit: "share of surplus"}, results.Metric{Name: "efficiency", Unit: "fraction"}, results.Metric{Name: "capacity", Unit: "volume"}
	for _, build := range []func() (*Figure, error){
		func() (*Figure, error) { return MetricVsAxis(sweep, k, eff, "capacity") },
		func() (*Figure, error) { return HeatMap(sweep, k, capa, eff) },
	} {
		f, err := build()
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, f)
	}
	for _, f := range figs {
		path := filepath.Join("testdata", "plots", f.Name+".csv")
		got := plotGoldenCSV(f.Data)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run with -update to create it)", err)
			continue
		}
		if want := string(b); got != want {
			t.Errorf("%s: data differs from %s at %s", f.Name, path, plotFirstDiff(got, want))
		}
	}
}

// plotFirstDiff describes the first line where two texts differ.
func plotFirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return "no line (only line endings differ)"
}
