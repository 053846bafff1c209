package experiments

import (
	"fmt"
	"math"
	"testing"

	"github.com/freightsim/freightsim/experiments/equilibrium"
)

// The search in the presets' own market: capacity-driven's three shippers
// and two carriers (the same cost rate, departing together), P2's random
// jobs that can wait, the spread rule (a shipper pays its bid, a carrier
// receives its ask), here with capacities so large that they never bind
// (1000 each, demand_ratio 0) and episodes of 11 epochs. Every quote is a
// fixed linear rule on [bias, cost].
//
// Shippers bid the cost plus m, carriers ask the cost. Every job trades at
// the first clearing (bid above ask, room for all), so a shipper can only
// gain by bidding less: its best response bids a hair above the cost and
// saves m on each of its jobs, 15 arrivals an epoch on average, a third of
// them its own: m x 15 x 11 / 3 = 55 m an episode. A carrier cannot gain:
// a higher ask loses every job to the other carrier, a lower one loses
// money. So, theory: each shipper 550 at m = 10 and 0.055 at m = 0.001,
// the carriers 0, NashConv 165 m and adherence 1 - 165 m / S. Seeds 1 to
// 3; a shipper's gap and NashConv within 15 % (a shipper's jobs in an
// episode vary by about 11.6, so their mean over the measurement's fresh
// episodes by about 4 %), a carrier's gap 0.
func TestSearchInACapacityDrivenMarket(t *testing.T) {
	for _, m := range []float64{10, 0.001} {
		for seed := 1; seed <= 3; seed++ {
			sets := []string{"training.episodes=0", "training.horizon=10", "equilibrium.horizon=10", fmt.Sprintf("seed=%d", seed),
				"demand_ratio=0", "carriers[0].capacity=1000", "carriers[1].capacity=1000",
				"carriers[0].strategy={kind: linear, features: [bias, cost], weights: [0, 100]}",
				"carriers[1].strategy={kind: linear, features: [bias, cost], weights: [0, 100]}"}
			for i := range 3 {
				sets = append(sets, fmt.Sprintf("shippers[%d].strategy={kind: linear, features: [bias, cost], weights: [%v, 100]}", i, m))
			}
			_, r := replicateOf(t, "capacity-driven", sets...)
			res := measure(r)
			if len(res.Roles) != 5 {
				t.Fatalf("%d roles, want 5", len(res.Roles))
			}
			for _, role := range res.Roles {
				if role.Method != equilibrium.MethodSearch {
					t.Errorf("m = %v: %s measured by %s, want a search (two carriers compete)", m, role.Label, role.Method)
				}
				want, tol := 55*m, 0.15*55*m
				if role.Carrier {
					want, tol = 0, 1e-9
				}
				if math.Abs(role.Gap-want) > tol {
					t.Errorf("m = %v, seed %d: %s gains %.4g an episode by its best response (%v), theory %v (tolerance %.3g)",
						m, seed, role.Label, role.Gap, role.Units, want, tol)
				}
			}
			if want := 1 - 3*55*m/res.Surplus; math.Abs(res.Adherence-want) > 0.15*3*55*m/res.Surplus {
				t.Errorf("m = %v, seed %d: adherence %v, theory 1 - 165 m / S = %v", m, seed, res.Adherence, want)
			}
			if seed == 1 && testing.Verbose() {
				t.Logf("m = %v: gaps %.4g / %.4g / %.4g / %.4g / %.4g an episode, adherence %.6f", m,
					res.Roles[0].Gap, res.Roles[1].Gap, res.Roles[2].Gap, res.Roles[3].Gap, res.Roles[4].Gap, res.Adherence)
			}
		}
	}
}

// TestDefaultLearnerBidsTheAskWhereCapacityIsAmple: the market of
// TestSearchInACapacityDrivenMarket, carriers asking their cost, room for
// every job; the three shippers learn (the default learner on the preset's
// five features, started at zero, 2000 episodes of 11 epochs). Each faces a
// fixed problem (the carriers do not move, and no job takes another's
// room), whose best response as a deterministic quote bids a hair above
// the cost. A learner quoting with noise keeps a margin above it (sigma
// stops at its floor, 1.25), the same for every job. Seeds 1 to 3, 2
// replicates each: the learned rule (LearnedRule) weighs the cost within
// 0.02 of 1 and the reservation within 0.02 of 0, the price within 20 % of
// the cost, adherence at least 0.96 (what is left is the margin).
func TestDefaultLearnerBidsTheAskWhereCapacityIsAmple(t *testing.T) {
	for seed := 1; seed <= 3; seed++ {
		sets := []string{"replicates=2", "training.horizon=10", "equilibrium.horizon=10", "equilibrium.enabled=true", fmt.Sprintf("seed=%d", seed),
			"demand_ratio=0", "carriers[0].capacity=1000", "carriers[1].capacity=1000",
			"carriers[0].strategy={kind: linear, features: [bias, cost], weights: [0, 100]}",
			"carriers[1].strategy={kind: linear, features: [bias, cost], weights: [0, 100]}"}
		for i := range 3 {
			sets = append(sets, fmt.Sprintf("shippers[%d].strategy.learner=natural", i), fmt.Sprintf("shippers[%d].strategy.start=zero", i))
		}
		res := runResult(t, "capacity-driven", Options{Workers: 2}, sets...)
		names, u, ok := LearnedRule(&res.Scenario, res.Summary, false)
		if !ok {
			t.Fatal("no learned rule")
		}
		w := map[string]float64{}
		for i, n := range names {
			w[n] = u[i]
		}
		m := res.Summary.Metrics
		t.Logf("seed %d: bid = %s; price_per_cost %.4f, ne_adherence %.4f", seed, RuleText(names, u), m["price_per_cost"].Mean, m["ne_adherence"].Mean)
		if math.Abs(w["cost"]-1) > 0.02 || math.Abs(w["reservation"]) > 0.02 {
			t.Errorf("seed %d: the learned rule weighs the cost %.4f and the reservation %.4f, want 1 and 0 within 0.02", seed, w["cost"], w["reservation"])
		}
		if p := m["price_per_cost"].Mean; p < 1 || p > 1.2 {
			t.Errorf("seed %d: price_per_cost %.4f, want 1 to 1.2", seed, p)
		}
		if a := m["ne_adherence"].Mean; a < 0.96 {
			t.Errorf("seed %d: ne_adherence %.4f, want at least 0.96", seed, a)
		}
	}
}
