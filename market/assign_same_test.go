package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sameCase draws an instance for the comparison with the reference code,
// of one of several kinds, so that ties, zero spreads, binding and
// non-binding capacities and carriers alike or not all occur:
//
//	kind 0  randomAssignCase with continuous prices
//	kind 1  randomAssignCase with small integer prices (many ties)
//	kind 2  carriers alike: every carrier asks the same, so a job's spread
//	        is the same at every carrier and regrets tie at zero
//	kind 3  integer prices on a grid of quarters, capacities 0 to twice the
//	        fair share (some carriers cannot take anything, some everything)
//	kind 4  benchAssignCase-like: about 80 % eligible pairs, continuous
//	kind 5  non-binding capacities: every job fits at its best carrier
//	        unless two carriers are chosen by many
func sameCase(rng *rand.Rand, n, m, kind int) assignCase {
	switch kind {
	case 0, 1:
		return randomAssignCase(rng, n, m, kind == 1)
	}
	c := assignCase{
		bids:       make([]float64, n),
		asks:       make([][]float64, m),
		volumes:    make([]int, n),
		capacities: make([]int, m),
	}
	for k := range m {
		c.asks[k] = make([]float64, n)
	}
	total := 0
	for j := range n {
		c.volumes[j] = 1 + rng.IntN(10)
		total += c.volumes[j]
	}
	level := make([]float64, m)
	for k := range m {
		level[k] = 2 + rng.Float64()
	}
	for j := range n {
		v := float64(c.volumes[j])
		switch kind {
		case 2:
			c.bids[j] = float64(rng.IntN(12))
			ask := float64(rng.IntN(8))
			for k := range m {
				c.asks[k][j] = ask
			}
		case 3:
			c.bids[j] = float64(rng.IntN(40)) / 4
			for k := range m {
				c.asks[k][j] = float64(rng.IntN(32)) / 4
			}
		default:
			c.bids[j] = v * (2 + 3*rng.Float64())
			for k := range m {
				c.asks[k][j] = v * level[k] * (0.7 + 0.6*rng.Float64())
			}
		}
	}
	for k := range m {
		switch kind {
		case 3:
			c.capacities[k] = rng.IntN(2*total/m + 1)
		case 5:
			c.capacities[k] = total/2 + rng.IntN(total+1)
		default:
			c.capacities[k] = rng.IntN(total/m + 2)
		}
	}
	return c
}

// sameAssignment reports how two assignments differ, or "" if they are the
// same bit for bit: carriers, prices, loads and totals.
func sameAssignment(got, want Assignment) string {
	bits := func(x []float64) []uint64 {
		b := make([]uint64, len(x))
		for i, v := range x {
			b[i] = math.Float64bits(v)
		}
		return b
	}
	switch {
	case !slices.Equal(got.Carrier, want.Carrier):
		return fmt.Sprintf("carriers %v, want %v", got.Carrier, want.Carrier)
	case !slices.Equal(bits(got.Pay), bits(want.Pay)) || !slices.Equal(bits(got.Receive), bits(want.Receive)):
		return fmt.Sprintf("pays %v and receives %v, want %v and %v", got.Pay, got.Receive, want.Pay, want.Receive)
	case !slices.Equal(got.Load, want.Load) || got.Volume != want.Volume:
		return fmt.Sprintf("loads %v and volume %d, want %v and %d", got.Load, got.Volume, want.Load, want.Volume)
	case math.Float64bits(got.Spread) != math.Float64bits(want.Spread) || math.Float64bits(got.Kept) != math.Float64bits(want.Kept):
		return fmt.Sprintf("spread %v and kept %v, want %v and %v", got.Spread, got.Kept, want.Spread, want.Kept)
	case got.Exact != want.Exact:
		return fmt.Sprintf("exact %v, want %v", got.Exact, want.Exact)
	}
	return ""
}

// TestAssignSameAsReference checks that Assign, AssignHeuristic and
// AssignExact return exactly what the code before the near-linear rewrite
// returned (assign_ref_test.go): the same carrier for every job, the same
// prices and the same sums, bit for bit, and the same Exact flag, on random
// instances of every kind of sameCase, under both tie rules, from 0 to 160
// jobs and 1 to 12 carriers, and (without -short) on four instances just
// below AssignLargePairs, the largest the small-market code still handles. One broker of each kind is reused throughout,
// so that stale buffers would show. The reference is given the node budget
// Assign now has (smaller with more than AssignExactCarriers carriers), so
// that the searches are the same.
func TestAssignSameAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	cases := 500
	if testing.Short() {
		cases = 60
	}
	prices := []PriceRule{{Kind: Spread}, {Kind: KDouble, K: 0.5}, {Kind: PayAsBid}}
	brokers := [2]*Broker{{Tie: TieStrict}, {Tie: TieMaxVolume}}
	refs := [2]*refBroker{{Tie: TieStrict, Budget: exactBudget}, {Tie: TieMaxVolume, Budget: exactBudget}}
	big := 4 // the last cases: just below AssignLargePairs, the largest the rewrite must keep
	if testing.Short() {
		big = 0
	}
	for k := range cases + big {
		var n, m int
		switch k % 4 {
		case 0: // small enough for the exact search
			n, m = rng.IntN(25), 1+rng.IntN(4)
		case 1:
			n, m = rng.IntN(60), 1+rng.IntN(6)
		case 2:
			n, m = 20+rng.IntN(100), 2+rng.IntN(11)
		default:
			n, m = 100+rng.IntN(61), 2+rng.IntN(4)
		}
		if k >= cases {
			m = 4 + 8*(k-cases)
			n = AssignLargePairs/m - rng.IntN(20)
		}
		kind := rng.IntN(6)
		c := sameCase(rng, n, m, kind)
		if k >= cases {
			// Carriers the size of a truck, so that the reference's
			// exact knapsacks stay cheap.
			for i := range c.capacities {
				c.capacities[i] = 30 + rng.IntN(30)
			}
		}
		for tie := range 2 {
			br, ref := brokers[tie], refs[tie]
			br.Price = prices[k%3]
			ref.Price = br.Price
			type pair struct {
				name string
				got  func() Assignment
				want func() Assignment
			}
			methods := []pair{
				{"Assign", func() Assignment { return br.Assign(c.bids, c.asks, c.volumes, c.capacities) },
					func() Assignment { return ref.Assign(c.bids, c.asks, c.volumes, c.capacities) }},
				{"AssignHeuristic", func() Assignment { return br.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities) },
					func() Assignment { return ref.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities) }},
			}
			if n <= 14 {
				methods = append(methods, pair{"AssignExact",
					func() Assignment { return br.AssignExact(c.bids, c.asks, c.volumes, c.capacities) },
					func() Assignment { return ref.AssignExact(c.bids, c.asks, c.volumes, c.capacities) }})
			}
			for _, p := range methods {
				got, want := p.got(), p.want()
				d := sameAssignment(got, want)
				if d == "" && got.Search != NotSearched && got.Nodes != ref.as.nodes {
					d = fmt.Sprintf("%d search nodes, want %d", got.Nodes, ref.as.nodes)
				}
				if d == "" && got.Large {
					d = "found by the large-market heuristic"
				}
				if d != "" {
					t.Fatalf("case %d (kind %d, %d jobs, %d carriers), %s, tie %v, %v: %s; instance %v",
						k, kind, n, m, p.name, br.Tie, br.Price, d, c)
				}
			}
		}
	}
}

// TestRegretSameAsReference compares the incremental regret greedy with the
// reference's rescanning one directly: the assignment and the rooms it
// leaves, by spread and by spread per unit.
// The heuristic keeps the best of four constructions, so a difference here
// could hide behind another construction in TestAssignSameAsReference.
func TestRegretSameAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	cases := 2000
	if testing.Short() {
		cases = 150
	}
	for k := range cases {
		n, m := rng.IntN(120), 1+rng.IntN(14)
		kind := rng.IntN(6)
		c := sameCase(rng, n, m, kind)
		tie := Tie(k % 2)
		br, ref := &Broker{Tie: tie}, &refBroker{Tie: tie}
		for _, perUnit := range []bool{false, true} {
			br.load("regret", c.bids, c.asks, c.volumes, c.capacities)
			ref.load("regret", c.bids, c.asks, c.volumes, c.capacities)
			br.as.regret(perUnit)
			ref.as.regret(perUnit)
			if !slices.Equal(br.as.cur[:n], ref.as.cur[:n]) || !slices.Equal(br.as.rem[:m], ref.as.rem[:m]) {
				t.Fatalf("case %d (kind %d), tie %v, per unit %v: regret assigns %v leaving rooms %v; the reference %v leaving %v; instance %v",
					k, kind, tie, perUnit, br.as.cur[:n], br.as.rem[:m], ref.as.cur[:n], ref.as.rem[:m], c)
			}
		}
	}
}
