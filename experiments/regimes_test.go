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
