package experiments

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestMetricsOnBilateralProfiles: the run's metrics on profiles whose
// outcome theory gives in closed form, the bilateral preset (k = 1/2) with
// both sides quoting fixed linear rules, over 400,000 rounds (four
// evaluation episodes) on seeds 1 to 3.
//
//   - Chatterjee and Samuelson's equilibrium (bid 2/3 v + 1/12, ask 2/3 c +
//     1/4): trade when v >= c + 1/4, in 9/32 of rounds (ship_share, and
//     utilization: one unit of capacity a round), at price (v + c)/3 + 1/6,
//     whose mean over trades is 1/2 (the game is symmetric under v -> 1 -
//     c); the gains, 9/64 a round, are 27/32 of the first best's 1/6
//     (efficiency), split evenly (shipper_share 1/2, Jain's index over the
//     two traders 1). Tolerances: four standard errors of the mean over the
//     rounds, from the closed form's variances or bounds on them.
//   - Both truthful: every efficient trade happens, so efficiency is 1 and
//     each trade's gain is split in two halves, exactly; trade in half the
//     rounds, at mean price 1/2.
//   - No trade (bids 0, asks 1): nothing ships, nothing is gained, and the
//     shares of gains are undefined (NaN).
//   - At k = 0 (the ask sets the price) a carrier asking its cost plus 20 %
//     against a truthful shipper: every price is 1.2 times its cost
//     (price_per_cost 1.2, price_volatility 0, to rounding), trade in 5/12 of
//     rounds at mean price 1/3, efficiency 35/36, the shipper's share 6/7.
func TestMetricsOnBilateralProfiles(t *testing.T) {
	const n = 400_000
	p := 9.0 / 32
	se := func(variance float64) float64 { return 4 * math.Sqrt(variance/n) }
	type want struct {
		metric    string
		want, tol float64
	}
	for _, c := range []struct {
		name     string
		bid, ask [2]float64 // intercept, slope
		sets     []string   // instead of the linear rules, or besides
		ladder   []want
	}{
		{"Chatterjee and Samuelson's equilibrium", [2]float64{1.0 / 12, 2.0 / 3}, [2]float64{0.25, 2.0 / 3}, nil, []want{
			{"ship_share", p, se(p * (1 - p))},
			{"utilization", p, se(p * (1 - p))},
			// Over the p*n trades: the price's standard deviation is below 0.15.
			{"mean_price", 0.5, se(0.15*0.15) / math.Sqrt(p)},
			// Realised gains over the first best: with d = v - c and e = 27/32,
			// a round adds (1-e) d on a trade and -e d on an efficient round
			// without one, of variance (1-e)² E[d² 1{d >= 1/4}] + e² E[d²
			// 1{0 < d < 1/4}] = 0.00494, over the first best's mean 1/6.
			{"efficiency", 27.0 / 32, se(0.005) / (1.0 / 6)},
			// The shipper's gain less the carrier's on a trade is (v + c - 1)/3,
			// at most 1/3 in size: variance below p/9, over twice the gains, 9/64.
			{"shipper_share", 0.5, se(p/9) / (2 * 9.0 / 64)},
			{"jain", 1, 0.001},
		}},
		{"both truthful", [2]float64{0, 1}, [2]float64{0, 1}, nil, []want{
			{"ship_share", 0.5, se(0.25)},
			{"mean_price", 0.5, se(0.25*0.25) / math.Sqrt(0.5)},
			{"efficiency", 1, 1e-12},
			{"shipper_share", 0.5, 1e-12},
			{"jain", 1, 1e-12},
		}},
		{"no trade", [2]float64{0, 0}, [2]float64{1, 0}, nil, []want{
			{"ship_share", 0, 0},
			{"utilization", 0, 0},
			{"efficiency", 0, 0},
			{"shipper_share", math.NaN(), 0},
			{"mean_price", math.NaN(), 0},
		}},
		{"the ask sets the price (k = 0), marked up 20 %, the bid truthful", [2]float64{0, 1}, [2]float64{0, 1},
			[]string{"market.k=0", "carriers[0].strategy={kind: markup, markup: 0.2}", "shippers[0].strategy={kind: truthful}"}, []want{
				{"price_per_cost", 1.2, 1e-9}, // to the rounding of a sum of 10^5 ratios
				{"price_volatility", 0, 1e-9},
				// Trade when v >= 1.2 c: in 5/12 of rounds, at mean price 1/3.
				{"ship_share", 5.0 / 12, se(0.25)},
				{"mean_price", 1.0 / 3, se(0.25) / math.Sqrt(5.0/12)},
				// Gains 35/216 a round, 35/36 of the first best; a round adds
				// (1-e) d on a trade and -e d when c < v < 1.2 c (d < 0.2, in
				// 1/12 of rounds): variance below 0.0035.
				{"efficiency", 35.0 / 36, se(0.0035) / (1.0 / 6)},
				// The shipper keeps v - 1.2 c, 5/36 a round, of 35/216: 6/7; a
				// round adds (B - 6 S)/7, at most 2/7 in size, on a trade.
				{"shipper_share", 6.0 / 7, se(5.0/12*4.0/49) / (35.0 / 216)},
			}},
	} {
		for seed := 1; seed <= 3; seed++ {
			sets := []string{"training.episodes=0", "equilibrium.enabled=false",
				fmt.Sprintf("seed=%d", seed), "evaluation.horizon=99999", "evaluation.episodes=4",
				fmt.Sprintf("shippers[0].strategy={kind: linear, features: [bias, value], weights: [%v, %v]}", c.bid[0], c.bid[1]),
				fmt.Sprintf("carriers[0].strategy={kind: linear, features: [bias, cost], weights: [%v, %v]}", c.ask[0], c.ask[1])}
			sc, err := scenario.ResolveWith("bilateral", append(sets, c.sets...))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), sc, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.ladder {
				got := res.Summary.Metrics[w.metric].Mean
				if math.IsNaN(w.want) {
					if !math.IsNaN(got) {
						t.Errorf("%s, seed %d: %s %v, want NaN (undefined)", c.name, seed, w.metric, got)
					}
					continue
				}
				if !(math.Abs(got-w.want) <= w.tol) {
					t.Errorf("%s, seed %d: %s %.17g, want %.17g within %.3g", c.name, seed, w.metric, got, w.want, w.tol)
				}
			}
		}
	}
}
