package market

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Hand-worked examples of the k-double auction with one price: the pooled
// quotes sorted, p = (1-k) s(B) + k s(B+1) with B buyers.
func TestUniformPriceByHand(t *testing.T) {
	for _, tc := range []struct {
		name       string
		k          float64
		bids, asks []float64
		want       float64
	}{
		// 0.2 0.4 | 0.6 0.9: s(2) = 0.4, s(3) = 0.6.
		{"2x2 midpoint", 0.5, []float64{0.9, 0.4}, []float64{0.2, 0.6}, 0.5},
		{"2x2 k=1/4", 0.25, []float64{0.9, 0.4}, []float64{0.2, 0.6}, 0.45},
		{"2x2 k=0", 0, []float64{0.9, 0.4}, []float64{0.2, 0.6}, 0.4},
		{"2x2 k=1", 1, []float64{0.9, 0.4}, []float64{0.2, 0.6}, 0.6},
		// 0.1 0.3 0.5 | 0.7 0.8 1: two trades at 0.6.
		{"3x3", 0.5, []float64{1, 0.8, 0.3}, []float64{0.1, 0.5, 0.7}, 0.6},
		// One pair: the k-double price of the pair, 0.2 + 0.5 (0.8 - 0.2).
		{"1x1", 0.5, []float64{0.8}, []float64{0.2}, 0.5},
		// No trade: the bid below the ask; 0.3 | 0.6, p between them.
		{"1x1 no trade", 0.5, []float64{0.3}, []float64{0.6}, 0.45},
		// One buyer, two sellers: 0.3 | 0.5 0.7.
		{"1x2", 0.5, []float64{0.7}, []float64{0.3, 0.5}, 0.4},
	} {
		if got := UniformPrice(tc.k, tc.bids, tc.asks); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s: UniformPrice(%v, bids %v, asks %v) = %v, want %v", tc.name, tc.k, tc.bids, tc.asks, got, tc.want)
		}
	}
}

// TestUniformBrokerByHand prices clearings of the broker under
// k-double-uniform, worked by hand.
func TestUniformBrokerByHand(t *testing.T) {
	b := &Broker{Tie: TieMaxVolume, Price: PriceRule{Kind: KDoubleUniform, K: 0.5}}
	// One carrier of capacity 2 asking 0.4 for each of three orders: it
	// takes the bids 0.9 and 0.6; the band is [max(0.4, 0.3), min(0.9, 0.6)]
	// = [0.4, 0.6], so both pay 0.5 (k-double would charge 0.65 and 0.5).
	orders := []Order{{Volume: 1, Bid: 0.9, Ask: 0.4}, {Volume: 1, Bid: 0.6, Ask: 0.4}, {Volume: 1, Bid: 0.3, Ask: 0.4}}
	c := b.Clear(orders, 2)
	if len(c.Selected) != 2 || c.Kept != 0 {
		t.Fatalf("Clear: selected %v, kept %v; want two orders and nothing kept", c.Selected, c.Kept)
	}
	for n := range c.Selected {
		if math.Abs(c.Pay[n]-0.5) > 1e-15 || c.Receive[n] != c.Pay[n] {
			t.Errorf("Clear: order %d pays %v, carrier receives %v; want 0.5 and 0.5", c.Selected[n], c.Pay[n], c.Receive[n])
		}
	}
	// Capacity 3: the carrier has room for the order it does not take (bid
	// 0.3, below its ask), so its ask 0.4 there bounds the band from above:
	// [max(0.4, 0.3), min(0.9, 0.6, 0.4)] = [0.4, 0.4], price 0.4.
	c = b.Clear(orders, 3)
	for n := range c.Selected {
		if math.Abs(c.Pay[n]-0.4) > 1e-15 {
			t.Errorf("Clear with room left: order %d pays %v, want 0.4 (the carrier's own ask bounds the band)", c.Selected[n], c.Pay[n])
		}
	}
	// One pair: the k-double price.
	c = b.Clear([]Order{{Volume: 1, Bid: 0.8, Ask: 0.2}}, 1)
	if len(c.Pay) != 1 || math.Abs(c.Pay[0]-0.5) > 1e-15 {
		t.Errorf("Clear of one pair: pays %v, want [0.5]", c.Pay)
	}
	// Two buyers (0.9, 0.4), two carriers of one unit asking 0.2 and 0.6
	// for any job: one trade, at the pooled price 0.5.
	a := b.Assign([]float64{0.9, 0.4}, [][]float64{{0.2, 0.2}, {0.6, 0.6}}, []int{1, 1}, []int{1, 1})
	if a.Carrier[0] != 0 || a.Carrier[1] != -1 || math.Abs(a.Pay[0]-0.5) > 1e-15 || a.Receive[0] != a.Pay[0] || a.Kept != 0 {
		t.Errorf("Assign 2x2: carriers %v, pays %v, receives %v, kept %v; want [0 -1], 0.5 for job 0, nothing kept", a.Carrier, a.Pay, a.Receive, a.Kept)
	}
}

// TestUniformMatchesPooledAuction draws m x m markets of single-unit
// traders, one ask per seller, m up to 16, and checks that the broker's
// assignment under k-double-uniform is the pooled k-double auction: the
// same price for every trade (to 1e-12), as many trades as bids above the
// price, every trade individually rational, nothing kept, and, with
// truthful quotes, all the gains from trade the first best can realise.
func TestUniformMatchesPooledAuction(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 3))
	for trial := range 400 {
		m := 1 + rng.IntN(16)
		k := rng.Float64()
		b := &Broker{Tie: TieMaxVolume, Price: PriceRule{Kind: KDoubleUniform, K: k}}
		vals, costs := make([]float64, m), make([]float64, m)
		asks := make([][]float64, m)
		for i := range m {
			vals[i], costs[i] = rng.Float64(), rng.Float64()
			asks[i] = make([]float64, m)
			for j := range asks[i] {
				asks[i][j] = costs[i] // one ask per seller, for any unit
			}
		}
		ones := slices.Repeat([]int{1}, m)
		a := b.Assign(vals, asks, ones, ones)
		p := UniformPrice(k, vals, costs)
		trades, above, gains := 0, 0, 0.0
		for j, c := range a.Carrier {
			if vals[j] > p {
				above++
			}
			if c < 0 {
				continue
			}
			trades++
			gains += vals[j] - costs[c]
			if math.Abs(a.Pay[j]-p) > 1e-12 || a.Receive[j] != a.Pay[j] {
				t.Fatalf("trial %d (m %d, k %v): job %d pays %v, carrier receives %v, want the pooled price %v for both", trial, m, k, j, a.Pay[j], a.Receive[j], p)
			}
			if a.Pay[j] > vals[j] || a.Pay[j] < costs[c] {
				t.Fatalf("trial %d: job %d trades at %v outside [cost %v, value %v]", trial, j, a.Pay[j], costs[c], vals[j])
			}
		}
		if trades != above || a.Kept != 0 {
			t.Fatalf("trial %d (m %d): %d trades, %d bids above the price %v, kept %v; want as many trades as bids above, nothing kept", trial, m, trades, above, p, a.Kept)
		}
		sv, sc := slices.Clone(vals), slices.Clone(costs)
		slices.Sort(sv)
		slices.Sort(sc)
		best := 0.0
		for i := range m {
			best += max(0, sv[m-1-i]-sc[i])
		}
		if math.Abs(gains-best) > 1e-12 {
			t.Fatalf("trial %d (m %d): truthful quotes realise %v, the first best is %v", trial, m, gains, best)
		}
	}
}

func TestUniformValidate(t *testing.T) {
	for _, k := range []float64{-0.1, 1.1, math.NaN()} {
		if err := (PriceRule{Kind: KDoubleUniform, K: k}).Validate(); err == nil {
			t.Errorf("k-double-uniform with k = %v validates, want an error", k)
		}
	}
	if k, err := ParsePriceKind("k-double-uniform"); err != nil || k != KDoubleUniform {
		t.Errorf("ParsePriceKind(k-double-uniform) = %v, %v; want KDoubleUniform", k, err)
	}
}

// TestUnitAlikeAssign checks the sorted matching of single-unit markets
// against the exact answer computed apart: the total spread of the q
// largest bids against the q smallest asks, q as large as the tie rule
// allows, on random instances with ties (quotes on a grid of tenths).
func TestUnitAlikeAssign(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	for trial := range 500 {
		n, m := 1+rng.IntN(12), 2+rng.IntN(12)
		tie := TieStrict
		if trial%2 == 0 {
			tie = TieMaxVolume
		}
		b := &Broker{Tie: tie, Price: PriceRule{Kind: KDoubleUniform, K: 0.5}}
		bids, asks := make([]float64, n), make([][]float64, m)
		row := make([]float64, m)
		for j := range bids {
			bids[j] = float64(rng.IntN(11)) / 10
		}
		for c := range asks {
			row[c] = float64(rng.IntN(11)) / 10
			asks[c] = slices.Repeat([]float64{row[c]}, n)
		}
		a := b.Assign(bids, asks, slices.Repeat([]int{1}, n), slices.Repeat([]int{1}, m))
		sb, sa := slices.Clone(bids), slices.Clone(row)
		slices.Sort(sb)
		slices.Reverse(sb)
		slices.Sort(sa)
		want, vol := 0.0, 0
		for i := range min(n, m) {
			if d := sb[i] - sa[i]; d > 0 || (d == 0 && tie == TieMaxVolume) {
				want += d
				vol++
			} else {
				break
			}
		}
		if !a.Exact || a.Volume != vol || math.Abs(a.Spread-want) > 1e-9 {
			t.Fatalf("trial %d (%d jobs, %d carriers, %v): spread %v volume %d exact %v, want %v and %d, exact", trial, n, m, tie, a.Spread, a.Volume, a.Exact, want, vol)
		}
	}
}
