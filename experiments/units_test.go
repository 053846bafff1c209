package experiments

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestDefaultLearnerIsFreeOfTheUnitOfMoney: the bilateral market with every
// price in cents instead of units (values and costs uniform on [0, 100],
// sigma 20 instead of 0.2) is the same market, and the default learner and
// the equilibrium measurement must see it so: every metric in money (the
// learned lines, sigma, the gaps, the distance to Chatterjee and
// Samuelson's equilibrium) is 100 times the unit market's, every ratio
// (adherence, efficiency, shares) the same, to 1e-6 relative: the natural
// gradient normalises the advantages and measures its steps in sigma, the
// features divide by the price scale. With sigma left at 0.2 the learners
// hardly move (0.2 % of the price scale; adherence 0 after the preset's
// 4000 episodes, docs/EXPERIMENTS.md) and Config.Warnings says so.
func TestDefaultLearnerIsFreeOfTheUnitOfMoney(t *testing.T) {
	const c = 100
	base := []string{"replicates=1", "training.episodes=300", "evaluation.every=300", "evaluation.horizon=199",
		"equilibrium.at_evaluations=false", "equilibrium.search_episodes=8", "equilibrium.eval_episodes=8"}
	run := func(sets ...string) map[string]float64 {
		sc, err := scenario.ResolveWith("bilateral", append(append([]string{}, base...), sets...))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), sc, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for k, s := range res.Summary.Metrics {
			out[k] = s.Mean
		}
		return out
	}
	unit := run()
	cents := run(fmt.Sprintf("jobs.value={dist: uniform, min: 0, max: %d}", c),
		fmt.Sprintf("carriers[0].cost_factor={dist: uniform, min: 0, max: %d}", c),
		fmt.Sprintf("shippers[0].strategy.sigma=%v", 0.2*c), fmt.Sprintf("carriers[0].strategy.sigma=%v", 0.2*c))
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-6*math.Abs(want) }
	money := []string{"theta_0", "theta_1", "ask_theta_0", "ask_theta_1", "sigma", "sigma_carrier", "mean_price",
		"br_gap_shipper", "br_gap_carrier", "eq_distance", "misreport_bid"}
	ratios := []string{"ne_adherence", "efficiency", "ship_share", "shipper_share"}
	for _, k := range money {
		if !near(cents[k], c*unit[k]) {
			t.Errorf("%s: %v in cents, %v in units: want %d times", k, cents[k], unit[k], c)
		}
	}
	for _, k := range ratios {
		if !near(cents[k], unit[k]) {
			t.Errorf("%s: %v in cents, %v in units: want the same", k, cents[k], unit[k])
		}
	}
	for k, u := range unit { // and nothing else changes otherwise
		if x := cents[k]; !(near(x, u) || near(x, c*u)) && !(math.IsNaN(x) && math.IsNaN(u)) {
			t.Errorf("%s: %v in cents, %v in units: neither the same nor %d times", k, x, u, c)
		}
	}
	if unit["ne_adherence"] < 0.9 {
		t.Errorf("adherence %v after 300 episodes: the check is of a market that learned, want at least 0.9", unit["ne_adherence"])
	}
}
