package market

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// best is a clearing's objective: total spread (summed in ascending order of
// index, as the package documents), total volume, and the selection as a
// bitmask (bit i = order i), which the documented tie rule minimises last.
type best struct {
	spread float64
	volume int
	mask   uint64
}

// better reports whether (s, v) beats (bs, bv) under tie: the spread first,
// then the volume in the direction the rule prefers.
func better(tie Tie, s float64, v int, bs float64, bv int) bool {
	if s != bs {
		return s > bs
	}
	if tie == TieMaxVolume {
		return v > bv
	}
	return v < bv
}

func eligible(tie Tie, o Order) bool {
	s := o.Bid - o.Ask
	return s > 0 || (s == 0 && tie == TieMaxVolume)
}

// bruteForce enumerates every subset of eligible orders in ascending mask
// order and keeps the first of the best, which is the smallest mask among the
// optimal selections. The empty selection is always feasible.
func bruteForce(orders []Order, capacity int, tie Tie) best {
	n := len(orders)
	var b best
	for mask := uint64(1); mask < 1<<n; mask++ {
		var s float64
		v := 0
		ok := true
		for i := range n {
			if mask&(1<<i) == 0 {
				continue
			}
			if !eligible(tie, orders[i]) {
				ok = false
				break
			}
			s += orders[i].Bid - orders[i].Ask
			v += orders[i].Volume
		}
		if ok && v <= capacity && better(tie, s, v, b.spread, b.volume) {
			b = best{spread: s, volume: v, mask: mask}
		}
	}
	return b
}

func maskOf(sel []int) uint64 {
	var m uint64
	for _, i := range sel {
		m |= 1 << i
	}
	return m
}

// checkClearing verifies feasibility, eligibility, ascending order, and that
// Volume and Spread match the selection.
func checkClearing(t *testing.T, what string, orders []Order, capacity int, tie Tie, c Clearing) {
	t.Helper()
	if !slices.IsSorted(c.Selected) {
		t.Errorf("%s: Selected %v is not in ascending order", what, c.Selected)
	}
	var s float64
	v := 0
	for k, i := range c.Selected {
		if k > 0 && c.Selected[k-1] == i {
			t.Errorf("%s: order %d selected twice in %v", what, i, c.Selected)
		}
		if i < 0 || i >= len(orders) {
			t.Fatalf("%s: selected index %d is outside the %d orders", what, i, len(orders))
		}
		if !eligible(tie, orders[i]) {
			t.Errorf("%s: order %d %+v (spread %v) was selected but is not eligible under tie rule %v",
				what, i, orders[i], orders[i].Bid-orders[i].Ask, tie)
		}
		s += orders[i].Bid - orders[i].Ask
		v += orders[i].Volume
	}
	if v > capacity {
		t.Errorf("%s: selected volume %d exceeds capacity %d (selection %v)", what, v, capacity, c.Selected)
	}
	if v != c.Volume || s != c.Spread {
		t.Errorf("%s: Clearing reports volume %d and spread %v, but its selection %v has volume %d and spread %v",
			what, c.Volume, c.Spread, c.Selected, v, s)
	}
}

// randomCase draws up to 12 orders. With integer set, bids and asks are small
// integers (so every sum is exact and ties, including zero spreads, are
// frequent); otherwise they are continuous, with some negative spreads.
// Capacities cover 0, below every volume, oversized orders, binding and
// non-binding.
func randomCase(rng *rand.Rand, integer bool) ([]Order, int) {
	n := rng.IntN(13)
	maxVol := 1 + rng.IntN(12)
	orders := make([]Order, n)
	total, minVol := 0, 1<<30
	for i := range orders {
		o := Order{Volume: 1 + rng.IntN(maxVol)}
		if integer {
			o.Ask = float64(rng.IntN(4))
			o.Bid = o.Ask + float64(rng.IntN(5)-1) // spread in -1..3, often 0
		} else {
			o.Ask = 10 + 40*rng.Float64()
			o.Bid = o.Ask + 20*rng.Float64() - 5
		}
		orders[i] = o
		total += o.Volume
		minVol = min(minVol, o.Volume)
	}
	var capacity int
	switch rng.IntN(6) {
	case 0:
		capacity = 0
	case 1:
		capacity = max(0, minVol-1) // smaller than every order
	case 2:
		capacity = total + rng.IntN(5) // everything fits
	case 3:
		capacity = 1 + rng.IntN(maxVol) // some orders are oversized
	default:
		capacity = rng.IntN(total + 1)
	}
	return orders, capacity
}

// TestClearMatchesBruteForce compares the DP with enumeration of all subsets
// on many small random cases, under both tie rules.
func TestClearMatchesBruteForce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		integer bool
		cases   int
	}{
		{"continuous prices", false, 3000},
		{"small integer prices, many ties", true, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2024, 7))
			brokers := map[Tie]*Broker{TieStrict: {Tie: TieStrict}, TieMaxVolume: {Tie: TieMaxVolume}}
			for k := range tc.cases {
				orders, capacity := randomCase(rng, tc.integer)
				for _, tie := range []Tie{TieStrict, TieMaxVolume} {
					what := fmt.Sprintf("case %d, tie %v, capacity %d, orders %+v", k, tie, capacity, orders)
					c := brokers[tie].Clear(orders, capacity)
					checkClearing(t, what, orders, capacity, tie, c)
					want := bruteForce(orders, capacity, tie)
					got := best{spread: c.Spread, volume: c.Volume, mask: maskOf(c.Selected)}
					if got.spread != want.spread || got.volume != want.volume {
						t.Fatalf("%s: DP found spread %v with volume %d, but the best subset by enumeration has spread %v with volume %d (mask %b)",
							what, got.spread, got.volume, want.spread, want.volume, want.mask)
					}
					if got.mask != want.mask {
						t.Fatalf("%s: DP and enumeration agree on spread %v and volume %d but chose different orders: DP %b, enumeration %b; the documented tie rule picks the smallest mask",
							what, got.spread, got.volume, got.mask, want.mask)
					}
					// Determinism: a fresh broker gives the same selection.
					again := (&Broker{Tie: tie}).Clear(orders, capacity)
					if !slices.Equal(again.Selected, c.Selected) {
						t.Fatalf("%s: a fresh broker selected %v, the reused one %v", what, again.Selected, c.Selected)
					}
				}
			}
		})
	}
}

// naiveDP is a textbook 0-1 knapsack over the full (item, capacity) table,
// with no shortcuts, gcd reduction or pruning, and the same lexicographic
// objective and tie rule. It checks the optimised solver at sizes too large
// for enumeration.
func naiveDP(orders []Order, capacity int, tie Tie) []int {
	n := len(orders)
	type c struct {
		s float64
		t int
	}
	sign := -1
	if tie == TieMaxVolume {
		sign = 1
	}
	dp := make([][]c, n+1)
	dp[0] = make([]c, capacity+1)
	for i, o := range orders {
		prev := dp[i]
		cur := slices.Clone(prev)
		if eligible(tie, o) {
			for w := o.Volume; w <= capacity; w++ {
				cand := c{prev[w-o.Volume].s + (o.Bid - o.Ask), prev[w-o.Volume].t + sign*o.Volume}
				if cand.s > cur[w].s || (cand.s == cur[w].s && cand.t > cur[w].t) {
					cur[w] = cand
				}
			}
		}
		dp[i+1] = cur
	}
	var sel []int
	w := capacity
	for i := n - 1; i >= 0; i-- {
		if dp[i+1][w] != dp[i][w] { // taking order i was strictly better
			sel = append(sel, i)
			w -= orders[i].Volume
		}
	}
	slices.Reverse(sel)
	return sel
}

// TestClearMatchesNaiveDP checks the pruned, gcd-reduced solver against the
// textbook table on medium sizes where capacity binds.
func TestClearMatchesNaiveDP(t *testing.T) {
	rng := rand.New(rand.NewPCG(99, 3))
	for k := range 60 {
		n := 20 + rng.IntN(180)
		step := 1 + rng.IntN(3) // volumes multiples of step exercise the gcd reduction
		orders := make([]Order, n)
		total := 0
		for i := range orders {
			orders[i].Volume = step * (1 + rng.IntN(30))
			if k%2 == 0 {
				orders[i].Ask = float64(rng.IntN(10))
				orders[i].Bid = orders[i].Ask + float64(rng.IntN(6)-1)
			} else {
				orders[i].Ask = 10 * rng.Float64()
				orders[i].Bid = orders[i].Ask + 6*rng.Float64() - 1
			}
			total += orders[i].Volume
		}
		capacity := rng.IntN(total / 2)
		for _, tie := range []Tie{TieStrict, TieMaxVolume} {
			c := (&Broker{Tie: tie}).Clear(orders, capacity)
			want := naiveDP(orders, capacity, tie)
			if !slices.Equal(c.Selected, want) {
				t.Fatalf("case %d (n=%d, capacity %d, tie %v): solver selected %v, textbook DP %v",
					k, n, capacity, tie, c.Selected, want)
			}
		}
	}
}

// TestClearCases pins hand-worked clearings, each a rule stated in the docs.
func TestClearCases(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tie      Tie
		orders   []Order
		capacity int
		want     []int
	}{
		{"no orders", TieMaxVolume, nil, 10, nil},
		{"capacity 0 selects nothing", TieMaxVolume, []Order{{1, 5, 1}}, 0, nil},
		{"every order larger than capacity", TieMaxVolume, []Order{{5, 9, 1}, {6, 9, 1}}, 4, nil},
		{"negative spread is never taken", TieMaxVolume, []Order{{1, 1, 2}, {1, 3, 2}}, 10, []int{1}},
		{"everything eligible fits", TieStrict, []Order{{3, 5, 1}, {4, 2, 3}, {2, 7, 1}}, 9, []int{0, 2}},
		{"strict never takes a zero spread", TieStrict, []Order{{1, 4, 4}, {1, 5, 4}}, 10, []int{1}},
		{"max-volume takes a zero spread", TieMaxVolume, []Order{{1, 4, 4}, {1, 5, 4}}, 10, []int{0, 1}},
		// {0} and {1,2} both have spread 6: strict prefers volume 4, max-volume volume 6.
		{"equal spread: strict prefers less volume", TieStrict, []Order{{4, 6, 0}, {3, 3, 0}, {3, 3, 0}}, 6, []int{0}},
		{"equal spread: max-volume prefers more volume", TieMaxVolume, []Order{{4, 6, 0}, {3, 3, 0}, {3, 3, 0}}, 6, []int{1, 2}},
		// Identical orders: the earlier one wins.
		{"full tie goes to the earlier order", TieMaxVolume, []Order{{2, 3, 1}, {2, 3, 1}, {2, 3, 1}}, 4, []int{0, 1}},
		{"knapsack beats greedy by ratio", TieStrict, []Order{{6, 10, 0}, {5, 7, 0}, {5, 6, 0}}, 10, []int{1, 2}},
		{"gcd reduction", TieStrict, []Order{{20, 5, 0}, {30, 7, 0}, {40, 9, 0}}, 69, []int{0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := (&Broker{Tie: tc.tie}).Clear(tc.orders, tc.capacity)
			if !slices.Equal(c.Selected, tc.want) && !(len(c.Selected) == 0 && len(tc.want) == 0) {
				t.Errorf("tie %v, capacity %d, orders %+v: selected %v, want %v",
					tc.tie, tc.capacity, tc.orders, c.Selected, tc.want)
			}
		})
	}
}

// TestMaxSurplus checks the efficient benchmark against enumeration and
// against Clear, under both tie rules (the maximum is the same for both).
func TestMaxSurplus(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var br Broker
	for k := range 2000 {
		orders, capacity := randomCase(rng, k%2 == 0)
		values := make([]float64, len(orders))
		costs := make([]float64, len(orders))
		volumes := make([]int, len(orders))
		for i, o := range orders {
			values[i], costs[i], volumes[i] = o.Bid, o.Ask, o.Volume
		}
		got := br.MaxSurplus(values, costs, volumes, capacity)
		want := bruteForce(orders, capacity, TieStrict).spread
		if got != want {
			t.Fatalf("case %d, capacity %d, orders %+v: MaxSurplus = %v, enumeration finds %v", k, capacity, orders, got, want)
		}
		for _, tie := range []Tie{TieStrict, TieMaxVolume} {
			if s := (&Broker{Tie: tie}).Clear(orders, capacity).Spread; s != got {
				t.Fatalf("case %d, capacity %d, orders %+v: Clear with tie %v has spread %v, MaxSurplus %v; a truthful clearing must reach the benchmark",
					k, capacity, orders, tie, s, got)
			}
		}
	}
}

// TestMaxSurplusKeepsClearing checks that MaxSurplus leaves the slices of the
// broker's last Clearing alone.
func TestMaxSurplusKeepsClearing(t *testing.T) {
	var br Broker
	orders := []Order{{2, 5, 1}, {3, 6, 1}, {4, 9, 1}}
	c := br.Clear(orders, 6)
	before := slices.Clone(c.Selected)
	br.MaxSurplus([]float64{9, 9, 9, 9}, []float64{1, 1, 1, 1}, []int{1, 1, 1, 1}, 4)
	if !slices.Equal(c.Selected, before) {
		t.Errorf("Clearing.Selected changed from %v to %v after MaxSurplus", before, c.Selected)
	}
}
