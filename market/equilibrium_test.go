package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCompetitiveEquilibriumCases pins textbook configurations of step
// curves, worked by hand from the unit expansion.
func TestCompetitiveEquilibriumCases(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name           string
		demand, supply []Step
		want           Equilibrium
	}{
		// d: 12 x5, 8 x10; s: 5 x3, 8 x20. Units 6..15 have d = s = 8.
		{"crossing on a flat: price pinned, largest quantity",
			[]Step{{12, 5}, {8, 10}}, []Step{{5, 3}, {8, 20}},
			Equilibrium{Quantity: 15, Low: 8, High: 8, Surplus: 3*7 + 2*4}},
		// d: 20 x8, 9 x2; s: 5 x8, 15 x10. Both curves are vertical at Q = 8.
		{"crossing on a vertical segment: quantity pinned, price band",
			[]Step{{9, 2}, {20, 8}}, []Step{{15, 10}, {5, 8}},
			Equilibrium{Quantity: 8, Low: 9, High: 15, Surplus: 8 * 15}},
		{"no trade: highest value below lowest cost",
			[]Step{{4, 5}}, []Step{{6, 5}},
			Equilibrium{Quantity: 0, Low: 4, High: 6}},
		{"everything trades: supply ends where demand ends",
			[]Step{{10, 5}}, []Step{{2, 5}},
			Equilibrium{Quantity: 5, Low: 2, High: 10, Surplus: 40}},
		{"all demand trades, supply left over",
			[]Step{{10, 3}, {8, 2}}, []Step{{2, 4}, {3, 3}},
			Equilibrium{Quantity: 5, Low: 3, High: 3, Surplus: 3*8 + 1*6 + 1*5}},
		{"all supply trades, demand left over",
			[]Step{{10, 9}}, []Step{{2, 4}},
			Equilibrium{Quantity: 4, Low: 10, High: 10, Surplus: 32}},
		{"zero-surplus units trade", []Step{{5, 2}}, []Step{{5, 3}},
			Equilibrium{Quantity: 2, Low: 5, High: 5}},
		{"no demand", nil, []Step{{3, 2}}, Equilibrium{Low: -inf, High: 3}},
		{"no supply", []Step{{3, 2}}, nil, Equilibrium{Low: 3, High: inf}},
		{"nothing at all", nil, nil, Equilibrium{Low: -inf, High: inf}},
		{"empty steps are ignored", []Step{{9, 0}, {7, 1}}, []Step{{1, 0}, {2, 1}},
			Equilibrium{Quantity: 1, Low: 2, High: 7, Surplus: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CompetitiveEquilibrium(tc.demand, tc.supply)
			if got != tc.want {
				t.Errorf("demand %v, supply %v: got %+v, want %+v", tc.demand, tc.supply, got, tc.want)
			}
		})
	}
}

// units expands steps into unit prices, descending for demand and ascending
// for supply.
func units(steps []Step, demand bool) []float64 {
	var u []float64
	for _, s := range steps {
		for range s.Qty {
			u = append(u, s.Price)
		}
	}
	for i := 1; i < len(u); i++ { // insertion sort: obviously right
		for k := i; k > 0 && (demand && u[k] > u[k-1] || !demand && u[k] < u[k-1]); k-- {
			u[k], u[k-1] = u[k-1], u[k]
		}
	}
	return u
}

// count returns the units of steps whose price satisfies keep.
func count(steps []Step, keep func(float64) bool) int {
	n := 0
	for _, s := range steps {
		if keep(s.Price) {
			n += s.Qty
		}
	}
	return n
}

// clears reports whether Q units can trade at price p with every trader
// content: D>(p) <= Q <= D>=(p) and S<(p) <= Q <= S<=(p).
func clears(demand, supply []Step, p float64, q int) bool {
	dStrict := count(demand, func(x float64) bool { return x > p })
	dWeak := count(demand, func(x float64) bool { return x >= p })
	sStrict := count(supply, func(x float64) bool { return x < p })
	sWeak := count(supply, func(x float64) bool { return x <= p })
	return dStrict <= q && q <= dWeak && sStrict <= q && q <= sWeak
}

// TestCompetitiveEquilibriumProperties checks the documented definition on
// random curves against the unit expansion:
//
//   - d_Q >= s_Q and d_{Q+1} < s_{Q+1} (Q is the largest efficient quantity);
//   - at Low, High and their midpoint (when finite), Q clears the market:
//     D>(p) <= Q <= D>=(p) and S<(p) <= Q <= S<=(p);
//   - just outside the band (a quarter below Low or above High, with prices on
//     a grid of halves so no other step lies in between), no quantity clears;
//   - Surplus equals the unit-by-unit sum of d_k - s_k for k <= Q. Prices are
//     multiples of 1/2 below 64 and Q <= 400, so every partial sum is a
//     multiple of 1/2 below 2^53 and both sums are exact.
func TestCompetitiveEquilibriumProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	randSteps := func() []Step {
		steps := make([]Step, rng.IntN(8))
		for i := range steps {
			steps[i] = Step{Price: float64(rng.IntN(64)) / 2, Qty: rng.IntN(25)}
		}
		return steps
	}
	for k := range 5000 {
		demand, supply := randSteps(), randSteps()
		e := CompetitiveEquilibrium(demand, supply)
		what := fmt.Sprintf("case %d, demand %v, supply %v, equilibrium %+v", k, demand, supply, e)
		d, s := units(demand, true), units(supply, false)
		at := func(u []float64, k int, beyond float64) float64 {
			if k < len(u) {
				return u[k]
			}
			return beyond
		}
		q := e.Quantity
		if q > min(len(d), len(s)) || (q > 0 && d[q-1] < s[q-1]) {
			t.Fatalf("%s: unit %d has value below its cost, or there are not %d units", what, q, q)
		}
		if at(d, q, math.Inf(-1)) >= at(s, q, math.Inf(1)) {
			t.Fatalf("%s: unit %d could also trade (value %v, cost %v): Q is not the largest", what, q+1, d[q], s[q])
		}
		if !(e.Low <= e.High) {
			t.Fatalf("%s: empty band", what)
		}
		for _, p := range []float64{e.Low, e.High, e.Low/2 + e.High/2} {
			if !math.IsInf(p, 0) && !math.IsNaN(p) && !clears(demand, supply, p, q) {
				t.Fatalf("%s: at price %v inside the band, %d units do not clear the market", what, p, q)
			}
		}
		for _, p := range []float64{e.Low - 0.25, e.High + 0.25} {
			if math.IsInf(p, 0) {
				continue
			}
			for qq := 0; qq <= len(d)+len(s); qq++ {
				if clears(demand, supply, p, qq) {
					t.Fatalf("%s: at price %v outside the band, %d units clear the market", what, p, qq)
				}
			}
		}
		var want float64
		for k := range q {
			want += d[k] - s[k]
		}
		if e.Surplus != want {
			t.Fatalf("%s: Surplus %v, the unit-by-unit sum is %v", what, e.Surplus, want)
		}
	}
}

// TestCompetitiveEquilibriumBoundsKnapsack checks the documented relation to
// indivisible jobs: with one carrier of cost k per unit and capacity C, the
// fractional Surplus is at least the knapsack's MaxSurplus. Prices are
// continuous; the tolerance 1e-9 relative covers the rounding of two sums of
// at most 15 terms (about 15 * 2^-53 each).
func TestCompetitiveEquilibriumBoundsKnapsack(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	var br Broker
	for k := range 3000 {
		n := rng.IntN(15)
		unitCost := 1 + 4*rng.Float64()
		capacity := rng.IntN(60)
		values := make([]float64, n)
		costs := make([]float64, n)
		volumes := make([]int, n)
		demand := make([]Step, n)
		for j := range n {
			volumes[j] = 1 + rng.IntN(10)
			values[j] = float64(volumes[j]) * 6 * rng.Float64()
			costs[j] = unitCost * float64(volumes[j])
			demand[j] = Step{Price: values[j] / float64(volumes[j]), Qty: volumes[j]}
		}
		e := CompetitiveEquilibrium(demand, []Step{{unitCost, capacity}})
		ms := br.MaxSurplus(values, costs, volumes, capacity)
		if e.Surplus < ms-1e-9*math.Max(1, ms) {
			t.Fatalf("case %d: fractional surplus %v is below the knapsack's %v (values %v, volumes %v, unit cost %v, capacity %d)",
				k, e.Surplus, ms, values, volumes, unitCost, capacity)
		}
	}
}

func TestCompetitiveEquilibriumPanics(t *testing.T) {
	for _, tc := range []struct {
		name           string
		demand, supply []Step
		want           string
	}{
		{"NaN demand price", []Step{{1, 1}, {math.NaN(), 1}}, nil, "demand step 1: step price NaN"},
		{"infinite supply price", nil, []Step{{math.Inf(1), 1}}, "supply step 0: step price +Inf"},
		{"negative quantity", []Step{{1, -1}}, nil, "quantity -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v; want one mentioning %q", r, tc.want)
				}
			}()
			CompetitiveEquilibrium(tc.demand, tc.supply)
		})
	}
}
