package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// Known answers of MarketMisreport: truthful quotes misreport nothing and,
// the k-double auction being efficient on truthful quotes, lose nothing;
// quotes shaded by x on both sides misreport exactly x; at m = 1 Chatterjee
// and Samuelson's equilibrium at k = 1/2 (2/3 v + 1/12, 2/3 c + 1/4)
// realises 27/32 of the first best (100,000 rounds: the ratio's standard
// error is about 0.003, the tolerance 0.01 about three of them).
func TestMarketMisreportKnownAnswers(t *testing.T) {
	truthful := Line{0, 1}
	for _, m := range []int{1, 2, 5, 16} {
		mis, ineff, marg, err := MarketMisreport(m, truthful, truthful, 2000, rand.New(rand.NewPCG(1, uint64(m))))
		if err != nil || mis != 0 || math.Abs(ineff) > 1e-12 || marg != 0 {
			t.Errorf("m %d, truthful: misreport %v, inefficiency %v, marginal %v, error %v; want 0, 0, 0, nil", m, mis, ineff, marg, err)
		}
		for _, x := range []float64{0.01, 0.05, 0.2} {
			mis, ineff, marg, err := MarketMisreport(m, Line{-x, 1}, Line{x, 1}, 2000, rand.New(rand.NewPCG(2, uint64(m))))
			if err != nil || math.Abs(mis-x) > 1e-12 || !(ineff > 0) || math.Abs(marg-x) > 1e-12 {
				t.Errorf("m %d, shading %v on both sides: misreport %v, inefficiency %v, marginal %v, error %v; want %v, above 0, %v, nil", m, x, mis, ineff, marg, err, x, x)
			}
		}
	}
	_, ineff, _, err := MarketMisreport(1, Line{1.0 / 12, 2.0 / 3}, Line{0.25, 2.0 / 3}, 100000, rand.New(rand.NewPCG(3, 1)))
	if err != nil || math.Abs(ineff-5.0/32) > 0.01 {
		t.Errorf("m 1 at Chatterjee-Samuelson: inefficiency %v (error %v), want 5/32 = %v within 0.01", ineff, err, 5.0/32)
	}
	if _, _, _, err := MarketMisreport(0, truthful, truthful, 10, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("m 0: no error, want one")
	}
}

// TestFitPower checks the log-log fit on an exact power law (slope -1, an
// interval of width 0) and, on 400 noisy samples of y = 2 x^-1.5 with
// log-normal noise (sd 0.2), that the 95 % interval holds -1.5 at least
// 90 % of the time (binomial sd 1.1 %: 90 % is four below 95 %).
func TestFitPower(t *testing.T) {
	x := []float64{1, 2, 4, 8, 16}
	y := make([]float64, len(x))
	for i := range x {
		y[i] = 3 / x[i]
	}
	f, err := FitPower(x, y)
	if err != nil || math.Abs(f.Slope+1) > 1e-12 || math.Abs(f.Intercept-math.Log(3)) > 1e-12 || math.Abs(f.High-f.Low) > 1e-9 {
		t.Errorf("exact 3/x: %+v, %v; want slope -1, intercept log 3, no width", f, err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	covered := 0
	const trials = 400
	for range trials {
		var xs, ys []float64
		for _, xi := range x {
			for range 4 {
				xs = append(xs, xi)
				ys = append(ys, 2*math.Pow(xi, -1.5)*math.Exp(0.2*rng.NormFloat64()))
			}
		}
		f, err := FitPower(xs, ys)
		if err != nil {
			t.Fatal(err)
		}
		if f.Low <= -1.5 && -1.5 <= f.High {
			covered++
		}
	}
	if covered < trials*9/10 {
		t.Errorf("the 95 %% interval held the true slope in %d of %d samples, want at least 90 %%", covered, trials)
	}
	for _, bad := range [][2][]float64{{{1, 2}, {1, 2}}, {{1, 1, 1}, {1, 2, 3}}, {{1, 2, 0}, {1, 2, 3}}, {{1, 2, 3}, {1, -2, 3}}} {
		if _, err := FitPower(bad[0], bad[1]); err == nil {
			t.Errorf("FitPower(%v, %v): no error, want one", bad[0], bad[1])
		}
	}
}

// The misreport columns of evaluations.csv on the large-market preset at
// m = 4 with fixed linear quotes: truthful quotes misreport 0 on both
// sides; a bid of value - 0.1 and an ask of cost + 0.15 misreport exactly
// 0.1 and 0.15 on every unit that trades.
func TestMisreportColumns(t *testing.T) {
	for _, c := range []struct {
		shade, markup float64
	}{{0, 0}, {0.1, 0.15}} {
		sc, err := scenario.ResolveWith("large-market", []string{"training.episodes=0", "evaluation.horizon=49",
			"shippers[0].strategy.kind=linear", fmt.Sprintf("shippers[0].strategy.weights=[%v, 1]", -c.shade),
			"carriers[*].strategy.kind=linear", fmt.Sprintf("carriers[*].strategy.weights=[%v, 1]", c.markup)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), sc, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		ev := res.Evaluations
		bid, ask := ev.Column("misreport_bid"), ev.Column("misreport_ask")
		if bid < 0 || ask < 0 {
			t.Fatalf("evaluations.csv has no misreport columns: %v", ev.Values)
		}
		for _, r := range ev.Rows {
			if !(math.Abs(r.Values[bid]-c.shade) <= 1e-12) || !(math.Abs(r.Values[ask]-c.markup) <= 1e-12) {
				t.Errorf("bid value - %v, ask cost + %v: misreport_bid %v, misreport_ask %v", c.shade, c.markup, r.Values[bid], r.Values[ask])
			}
		}
	}
	// A market without random private values has no such columns.
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(MetricNames(sc), "misreport_bid") {
		t.Error("strategic-bidding-deterministic has a misreport column: its jobs have no random values")
	}
}
