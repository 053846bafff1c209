package experiments

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results/chart"
)

// learnedLines runs the large-market preset at m with the overrides sets
// and returns each replicate's final learned bid and ask.
func learnedLines(t testing.TB, m int, sets ...string) (bids, asks []Line) {
	t.Helper()
	sc, res := resolveAndRun(t, "large-market", append([]string{fmt.Sprintf("market.candidates=%d", m)}, sets...))
	ev := res.Evaluations
	cols := make([]int, 4)
	for i, name := range []string{"theta_0", "theta_1", "ask_theta_0", "ask_theta_1"} {
		if cols[i] = ev.Column(name); cols[i] < 0 {
			t.Fatalf("evaluations have no column %s", name)
		}
	}
	last := map[int64]int{} // replicate: its last row
	for i, r := range ev.Rows {
		last[r.Keys[0]] = i
	}
	for rep := range int64(sc.Replicates) {
		v := ev.Rows[last[rep]].Values
		bids = append(bids, Line{v[cols[0]], v[cols[1]]})
		asks = append(asks, Line{v[cols[2]], v[cols[3]]})
	}
	return bids, asks
}

// BenchmarkLargeMarketSlopes trains the large-market preset at m = 1, 4
// and 16 (2000 episodes as in the sweep, over which sigma's floor is
// annealed; 3 replicates each, on seeds 1 and 2), measures each
// replicate's learned mean quotes on the m x m market (MarketMisreport,
// 20,000/m rounds) and fits the log-log slopes against m. It checks what
// the sweep of docs/EXPERIMENTS.md ("Large markets") shows holds:
//   - at each m the replicates' mean learned bid and ask within 0.06 of
//     the linear equilibrium's (docs/img/large-markets-equilibrium.csv) at
//     every type in [0, 1] (the sweep, 8 replicates: within 0.046; the
//     learners before the annealing and oneAsk's merged decisions: off by
//     up to 0.14 at m = 16);
//   - the inefficiency's slope within 0.5 of theory's -2;
//   - misreport's slope within 0.15 of the linear equilibrium's own over
//     these three m (-0.73). The 95 % interval of one seed's slope from 9
//     runs is about +-0.1 (measured: -0.73 on seed 1, -0.68 on seed 2), so
//     "within 0.3 of -1", which the sweep's 40 runs show (-0.74), is not a
//     check 9 runs can make; the learners before gave -0.30 and -0.28.
//
// A benchmark, not a test: it trains 18 runs of 2000 episodes (36 s on a
// 2-core machine, 200 s when it was busy), and CI runs every benchmark once (go test
// -run '^$' -bench LargeMarketSlopes -benchtime 1x ./experiments), failing
// on its errors. It reports the slopes as metrics.
func BenchmarkLargeMarketSlopes(b *testing.B) {
	for b.Loop() {
		checkLargeMarketSlopes(b)
	}
}

func checkLargeMarketSlopes(t testing.TB) {
	eq := equilibriumLines(t)
	var ems, emis, eineff []float64
	for _, m := range []int{1, 4, 16} {
		x, y, _, err := MarketMisreport(m, eq[m][0], eq[m][1], 20000*16/m, rand.New(rand.NewPCG(1, uint64(m))))
		if err != nil {
			t.Fatal(err)
		}
		ems, emis, eineff = append(ems, float64(m)), append(emis, x), append(eineff, y)
	}
	efm, _ := fitSlopes(t, ems, emis, eineff)
	for _, seed := range []string{"1", "2"} {
		var ms, mis, ineff []float64
		for _, m := range []int{1, 4, 16} {
			bids, asks := learnedLines(t, m, "seed="+seed, "replicates=3", "training.episodes=2000", "evaluation.every=2000")
			var mb, ma Line
			for r := range bids {
				x, y, _, err := MarketMisreport(m, bids[r], asks[r], 20000/m, rand.New(rand.NewPCG(uint64(m), uint64(r))))
				if err != nil {
					t.Fatal(err)
				}
				ms, mis, ineff = append(ms, float64(m)), append(mis, x), append(ineff, y)
				n := float64(len(bids))
				mb = Line{mb.Intercept + bids[r].Intercept/n, mb.Slope + bids[r].Slope/n}
				ma = Line{ma.Intercept + asks[r].Intercept/n, ma.Slope + asks[r].Slope/n}
			}
			for _, c := range []struct {
				side      string
				got, want Line
			}{{"bid", mb, eq[m][0]}, {"ask", ma, eq[m][1]}} {
				// The largest gap over types in [0, 1] is at 0 or 1.
				gap := max(math.Abs(c.got.At(0)-c.want.At(0)), math.Abs(c.got.At(1)-c.want.At(1)))
				t.Logf("seed %s, m %d: mean learned %s %.3f + %.3f x, equilibrium %.3f + %.3f x, largest gap %.3f", seed, m, c.side, c.got.Intercept, c.got.Slope, c.want.Intercept, c.want.Slope, gap)
				if gap > 0.06 {
					t.Errorf("seed %s, m %d: mean learned %s %.3f + %.3f x is %.3f from the equilibrium's %.3f + %.3f x at a type in [0, 1], want within 0.06", seed, m, c.side, c.got.Intercept, c.got.Slope, gap, c.want.Intercept, c.want.Slope)
				}
			}
		}
		fm, fi := fitSlopes(t, ms, mis, ineff)
		t.Logf("seed %s: misreport %.3f, slope %.3f [%.3f, %.3f]; inefficiency %.4f, slope %.3f [%.3f, %.3f]", seed, mis, fm.Slope, fm.Low, fm.High, ineff, fi.Slope, fi.Low, fi.High)
		if math.Abs(fi.Slope+2) > 0.5 {
			t.Errorf("seed %s: inefficiency slope %.3f, want within 0.5 of -2", seed, fi.Slope)
		}
		if math.Abs(fm.Slope-efm.Slope) > 0.15 {
			t.Errorf("seed %s: misreport slope %.3f [%.3f, %.3f], want within 0.15 of the linear equilibrium's %.3f", seed, fm.Slope, fm.Low, fm.High, efm.Slope)
		}
		if b, ok := t.(*testing.B); ok {
			b.ReportMetric(fm.Slope, "misreport-slope-seed"+seed)
			b.ReportMetric(fi.Slope, "inefficiency-slope-seed"+seed)
		}
	}
}

// equilibriumLines reads the linear equilibrium's bid and ask per m from
// docs/img/large-markets-equilibrium.csv.
func equilibriumLines(t testing.TB) map[int][2]Line {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "img", "large-markets-equilibrium.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	eq := map[int][2]Line{}
	for _, row := range rows[1:] {
		var v [5]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(row[i], 64); err != nil {
				t.Fatal(err)
			}
		}
		eq[int(v[0])] = [2]Line{{v[1], v[2]}, {v[3], v[4]}}
	}
	return eq
}

// TestLargeMarketsFigure measures a sweep of docs/sweeps/large-markets.yaml
// (FREIGHTSIM_LARGE_SWEEP=its output directory) and, if given, one of
// docs/sweeps/large-markets-truthful.yaml (FREIGHTSIM_LARGE_SWEEP_TRUTHFUL),
// with the symmetric linear equilibrium of docs/img/large-markets-equilibrium.csv
// (written by TestLargeEquilibriumTable in policy/internal/game) measured
// the same way; logs the misreport and inefficiency per m with their
// fitted slopes, and draws docs/img/large-markets.png (with its data,
// large-markets.csv):
//
//	FREIGHTSIM_LARGE_SWEEP=$PWD/sweeps/large-markets FREIGHTSIM_LARGE_SWEEP_TRUTHFUL=$PWD/sweeps/large-markets-truthful go test -run TestLargeMarketsFigure -v ./experiments
func TestLargeMarketsFigure(t *testing.T) {
	dir := os.Getenv("FREIGHTSIM_LARGE_SWEEP")
	if dir == "" {
		t.Skip("set FREIGHTSIM_LARGE_SWEEP to a sweep directory of docs/sweeps/large-markets.yaml")
	}
	measure := func(dir string) LargeMarkets {
		f, err := os.Open(filepath.Join(dir, "runs.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		lm, err := MeasureLargeMarkets(f, 20000, 1)
		if err != nil {
			t.Fatal(err)
		}
		return lm
	}
	var b strings.Builder
	table := func(title string, lm LargeMarkets) {
		fmt.Fprintf(&b, "%s\nm   misreport (mean, sd)   inefficiency (mean, sd)   marginal misreport (mean, sd)   runs\n", title)
		for _, m := range []float64{1, 2, 4, 8, 16} {
			var xs, ys, zs []float64
			for i, mm := range lm.M {
				if mm == m {
					xs, ys, zs = append(xs, lm.Misreport[i]), append(ys, lm.Inefficiency[i]), append(zs, lm.Marginal[i])
				}
			}
			mx, sx := meanSD(xs)
			my, sy := meanSD(ys)
			mz, sz := meanSD(zs)
			fmt.Fprintf(&b, "%-3g %.4f %.4f   %.5f %.5f   %.4f %.4f   %d\n", m, mx, sx, my, sy, mz, sz, len(xs))
		}
		for _, f := range []struct {
			name string
			fit  PowerFit
		}{{"misreport", lm.MisreportFit}, {"inefficiency", lm.IneffFit}, {"marginal misreport", lm.MarginalFit}} {
			fmt.Fprintf(&b, "%s: slope %.3f [%.3f, %.3f] over %d runs\n", f.name, f.fit.Slope, f.fit.Low, f.fit.High, f.fit.N)
		}
	}
	lm := measure(dir)
	table("learners, zero start ("+dir+")", lm)
	series := []chart.PowerSeries{
		{Name: "misreport, learners from 0 (preset)", X: lm.M, Y: lm.Misreport, Slope: lm.MisreportFit.Slope, Intercept: lm.MisreportFit.Intercept, Low: lm.MisreportFit.Low, High: lm.MisreportFit.High, Theory: -1},
		{Name: "inefficiency, learners from 0", X: lm.M, Y: lm.Inefficiency, Slope: lm.IneffFit.Slope, Intercept: lm.IneffFit.Intercept, Low: lm.IneffFit.Low, High: lm.IneffFit.High, Theory: -2},
		{Name: "marginal misreport, learners from 0", X: lm.M, Y: lm.Marginal, Slope: lm.MarginalFit.Slope, Intercept: lm.MarginalFit.Intercept, Low: lm.MarginalFit.Low, High: lm.MarginalFit.High},
	}
	if tdir := os.Getenv("FREIGHTSIM_LARGE_SWEEP_TRUTHFUL"); tdir != "" {
		lt := measure(tdir)
		table("learners, truthful start ("+tdir+")", lt)
		f := lt.MisreportFit
		series = append(series, chart.PowerSeries{Name: "misreport, learners from truthful", X: lt.M, Y: lt.Misreport, Slope: f.Slope, Intercept: f.Intercept, Low: f.Low, High: f.High})
	}
	{
		eq := equilibriumLines(t)
		var ms, mis, ineff []float64
		for _, m := range []int{1, 2, 4, 8, 16} {
			bid, ask := eq[m][0], eq[m][1]
			x, y, z, err := MarketMisreport(m, bid, ask, 20000*16/m, rand.New(rand.NewPCG(1, uint64(m))))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "linear equilibrium, m %d: bid %.4f + %.4f v, ask %.4f + %.4f c: misreport %.4f, inefficiency %.5f, marginal misreport %.4f\n", m, bid.Intercept, bid.Slope, ask.Intercept, ask.Slope, x, y, z)
			ms, mis, ineff = append(ms, float64(m)), append(mis, x), append(ineff, y)
		}
		fm, fi := fitSlopes(t, ms, mis, ineff)
		fmt.Fprintf(&b, "linear equilibrium: misreport slope %.3f [%.3f, %.3f], inefficiency slope %.3f [%.3f, %.3f]\n", fm.Slope, fm.Low, fm.High, fi.Slope, fi.Low, fi.High)
		series = append(series, chart.PowerSeries{Name: "misreport, linear equilibrium", X: ms, Y: mis, Slope: fm.Slope, Intercept: fm.Intercept, Low: fm.Low, High: fm.High})
	}
	t.Log("\n" + b.String())
	fig, err := chart.LogLog("large-markets", "Misreport and inefficiency against m, m x m k-double auction\nlearners (8 replicates, fits with 95 % CI) and the linear equilibrium",
		"m: buyers, and sellers", "misreport, inefficiency", series)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fig.Save(filepath.Join("..", "docs", "img"), chart.Output{Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// fitSlopes fits the power laws of misreport and inefficiency against m.
func fitSlopes(t testing.TB, ms, mis, ineff []float64) (fm, fi PowerFit) {
	t.Helper()
	fm, err := FitPower(ms, mis)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err = FitPower(ms, ineff); err != nil {
		t.Fatal(err)
	}
	return fm, fi
}

// A replicate of the m x m market measures eq_distance against its linear
// equilibrium (equilibrium.Large): truthful traders at m = 4 are off each
// line by (1 - s) t - i, whose mean square over the 201 types t = i/200 is
// i² - i(1-s) + (1-s)² 401/1200.
func TestLargeMarketReplicateMeasuresTheDistance(t *testing.T) {
	sc, err := scenario.ResolveWith("large-market", []string{"shippers[0].strategy={kind: truthful}", "carriers[*].strategy={kind: truthful}"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := newReplicate(&sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := equilibrium.LargeForm(&sc)
	if !ok || l.M != 4 {
		t.Fatalf("large-market: theory %+v, want the 4 x 4 market's", l)
	}
	ms := func(line equilibrium.Line) float64 {
		a, b := -line.Intercept, 1-line.Slope
		return a*a + a*b + b*b*401/1200
	}
	want := math.Sqrt(ms(l.Bid) + ms(l.Ask))
	if got := r.closedFormDistance(); math.Abs(got-want) > 1e-9 {
		t.Errorf("truthful traders at m = 4: eq_distance %v, want %v", got, want)
	}
}

// Where no job can wait and the carriers depart together, each job has one
// clearing, and the efficient benchmark is taken clearing by clearing: in
// the m x m market truthful traders, cleared by an efficient mechanism,
// reach the first best exactly, efficiency 1 at every m. Relaxing timing
// (the benchmark of markets whose jobs can wait) let a carrier's cheap
// rounds serve other rounds' jobs there: it measured 1, 0.81, 0.67 and 0.56
// at m = 1, 2, 4 and 16 (50 rounds).
func TestTruthfulLargeMarketIsEfficient(t *testing.T) {
	for _, m := range []string{"1", "2", "4", "16"} {
		got := runPreset(t, "large-market", "market.candidates="+m, "training.episodes=0", "evaluation.horizon=49",
			"shippers[0].strategy={kind: truthful}", "carriers[*].strategy={kind: truthful}")
		if e := got["efficiency"]; math.Abs(e-1) > 1e-12 {
			t.Errorf("m %s, truthful: efficiency %v, want 1", m, e)
		}
	}
}

// The run's efficiency, with every agent on the m x m market's linear
// equilibrium (equilibrium.Large), is the equilibrium's own: 1 - the
// inefficiency that MarketMisreport measures by playing the same lines on
// the auction directly (200,000/m rounds), two measurements that share no
// code but the lines. Each run evaluates 4 episodes of 250 rounds of 16/m
// markets. Measured on seeds 1 to 3: 0.9430, 0.9451, 0.9435 against 0.9435
// at m = 2 (standard deviation over seeds 0.0011), 0.9834 to 0.9845
// against 0.9849 at m = 4, 0.9961 to 0.9962 against 0.9961 at m = 8; the
// tolerance, 0.006, is about five standard deviations at m = 2. Before the
// benchmark was taken clearing by clearing the run measured 0.67 to 0.8.
func TestLargeMarketEfficiencyAtTheEquilibrium(t *testing.T) {
	for _, m := range []int{2, 4, 8} {
		for _, seed := range []string{"1", "2", "3"} {
			sc, err := scenario.ResolveWith("large-market", []string{"market.candidates=" + strconv.Itoa(m)})
			if err != nil {
				t.Fatal(err)
			}
			l, ok := equilibrium.LargeForm(&sc)
			if !ok {
				t.Fatalf("m %d: no theory", m)
			}
			g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
			got := runPreset(t, "large-market", "seed="+seed, "market.candidates="+strconv.Itoa(m), "training.episodes=0", "evaluation.episodes=4",
				"shippers[0].strategy={kind: linear, features: [bias, value], weights: ["+g(l.Bid.Intercept)+", "+g(l.Bid.Slope)+"]}",
				"carriers[*].strategy={kind: linear, features: [bias, cost], weights: ["+g(l.Ask.Intercept)+", "+g(l.Ask.Slope)+"]}")
			_, ineff, _, err := MarketMisreport(m, Line{l.Bid.Intercept, l.Bid.Slope}, Line{l.Ask.Intercept, l.Ask.Slope}, 200000/m, rand.New(rand.NewPCG(9, uint64(m))))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("m %d, seed %s: efficiency %.4f, the auction's 1 - %.4f = %.4f", m, seed, got["efficiency"], ineff, 1-ineff)
			if d := got["efficiency"] - (1 - ineff); math.Abs(d) > 0.006 {
				t.Errorf("m %d, seed %s: efficiency %.4f at the equilibrium, the auction played directly gives %.4f", m, seed, got["efficiency"], 1-ineff)
			}
		}
	}
}
