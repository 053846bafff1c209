package market

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// The k-double auction with one uniform price per clearing (Rustichini,
// Satterthwaite and Williams 1994, "Convergence to efficiency in a simple
// market with incomplete information", Econometrica 62(5), 1041-1063): the
// m bids and m asks of a round, each for one unit, are pooled and sorted,
// s(1) <= ... <= s(2m); every trade clears at the one price
// p = (1-k) s(m) + k s(m+1), and the buyers whose bids are at least p buy
// from the sellers whose asks are at most p, as many of each. Any price in
// [s(m), s(m+1)] equates the units demanded and supplied; k picks one. With
// one buyer and one seller it is the k-double price of a pair.
//
// In a clearing of the broker the same interval is the band of prices at
// which the chosen allocation is competitive: at or above every traded
// ask and every bid left out, at or below every traded bid and every ask
// of a carrier with room left ([uniformBand]). On single-unit traders with
// one ask per carrier and the efficient allocation, the band is exactly
// [s(m), s(m+1)] of the pooled quotes, for any numbers of buyers and
// sellers (with B buyers: [s(B), s(B+1)]).

// UniformPrice returns the price of the k-double auction with one price on
// the pooled single-unit quotes: with B = len(bids) buyers, the quotes
// sorted s(1) <= ... <= s(B+S), p = (1-k) s(B) + k s(B+1) (computed as
// [PriceRule.Prices] computes a + k(b-a)); at that price the buyers with
// bids above p and the sellers with asks below p trade (ties at p: as many
// as the other side allows). It panics when either side is empty, when k is
// outside [0,1] or a quote is not finite.
func UniformPrice(k float64, bids, asks []float64) float64 {
	if len(bids) == 0 || len(asks) == 0 {
		panic(fmt.Sprintf("market: UniformPrice with %d bids and %d asks, want at least one of each", len(bids), len(asks)))
	}
	if !(k >= 0 && k <= 1) {
		panic(fmt.Sprintf("market: UniformPrice with k = %v, want a number in [0,1]", k))
	}
	s := make([]float64, 0, len(bids)+len(asks))
	for _, q := range append(bids[:len(bids):len(bids)], asks...) {
		if math.IsNaN(q) || math.IsInf(q, 0) {
			panic(fmt.Sprintf("market: UniformPrice with quote %v, want finite quotes", q))
		}
		s = append(s, q)
	}
	slices.Sort(s)
	b := len(bids)
	return lerp(s[b-1], s[b], k)
}

// uniformBand is the band [lo, hi] of competitive prices of one clearing,
// built from its quotes: lo is the largest traded ask and bid left out, hi
// the smallest traded bid and ask of a carrier with room left.
type uniformBand struct{ lo, hi float64 }

func newUniformBand() uniformBand { return uniformBand{lo: math.Inf(-1), hi: math.Inf(1)} }

// trade adds a traded pair.
func (u *uniformBand) trade(bid, ask float64) { u.lo, u.hi = max(u.lo, ask), min(u.hi, bid) }

// unsold adds the bid of an order left out.
func (u *uniformBand) unsold(bid float64) { u.lo = max(u.lo, bid) }

// spare adds an ask of a carrier with room left for the order asked for.
func (u *uniformBand) spare(ask float64) { u.hi = min(u.hi, ask) }

// price returns the uniform price lo + k(hi - lo), or 0 when nothing
// traded (the band is then unbounded on a side and no price is paid).
// When the band is empty (lo > hi: asks differ by order, or a heuristic
// allocation is not competitive) it is the same formula between hi and
// lo; [uniformBand.pair] keeps each trade within its own quotes.
func (u uniformBand) price(k float64) float64 {
	if math.IsInf(u.lo, 0) || math.IsInf(u.hi, 0) {
		return 0
	}
	return lerp(u.lo, u.hi, k)
}

// pair returns the price of a traded pair: p clamped into [ask, bid].
func pairPrice(p, bid, ask float64) float64 { return math.Min(math.Max(p, ask), bid) }

// uniformAssign prices the trades of r, an assignment of jobs of volumes
// vol to carriers of capacities capacity, at the uniform price of its band:
// r's traded pairs, its unassigned bids, and the asks of every carrier with
// room left for jobs it does not carry that fit in that room. Each trade
// pays and receives the band's price clamped into its own [ask, bid].
func uniformAssign(k float64, bids []float64, asks [][]float64, vol, capacity []int, r *Assignment) {
	u := newUniformBand()
	for j, c := range r.Carrier {
		if c < 0 {
			u.unsold(bids[j])
		} else {
			u.trade(bids[j], asks[c][j])
		}
	}
	for c, load := range r.Load {
		room := capacity[c] - load
		for j, cj := range r.Carrier {
			if cj != c && vol[j] <= room {
				u.spare(asks[c][j])
			}
		}
	}
	p := u.price(k)
	for j, c := range r.Carrier {
		if c >= 0 {
			q := pairPrice(p, bids[j], asks[c][j])
			r.Pay[j], r.Receive[j] = q, q
		}
	}
	r.Kept = 0
}

// uniformClear prices the trades of c, a clearing of orders against one
// carrier of the given capacity, as [uniformAssign] does.
func uniformClear(k float64, orders []Order, capacity int, c *Clearing) {
	u := newUniformBand()
	in := make(map[int]bool, len(c.Selected))
	for _, i := range c.Selected {
		in[i] = true
		u.trade(orders[i].Bid, orders[i].Ask)
	}
	room := capacity - c.Volume
	for i, o := range orders {
		if in[i] {
			continue
		}
		u.unsold(o.Bid)
		if o.Volume <= room {
			u.spare(o.Ask)
		}
	}
	p := u.price(k)
	for n, i := range c.Selected {
		q := pairPrice(p, orders[i].Bid, orders[i].Ask)
		c.Pay[n], c.Receive[n] = q, q
	}
	c.Kept = 0
}

// unitAlike reports whether the loaded instance is a market of single-unit
// traders: every job of volume 1, every carrier of capacity 1 with one ask
// for every job (as the sellers of the k-double auction have). The
// efficient assignment is then found by sorting ([assigner.matchSorted]).
func (a *assigner) unitAlike() bool {
	for _, v := range a.vol {
		if v != 1 {
			return false
		}
	}
	for c, k := range a.capacity {
		if k != 1 {
			return false
		}
		for _, x := range a.asks[c] {
			if x != a.asks[c][0] {
				return false
			}
		}
	}
	return a.n > 0
}

// matchSorted assigns a market of single-unit traders (unitAlike): the
// bids in decreasing order (ties: lower job first) to the asks in
// increasing order (ties: lower carrier first), pair by pair while the
// pair is eligible. The total spread of q pairs is the sum of the q
// largest bids minus the q smallest asks, whose increments decrease, so
// stopping at the first pair that is not eligible is optimal, in spread
// and then in volume under either tie rule.
func (a *assigner) matchSorted() {
	jobs := make([]int, a.n)
	for j := range jobs {
		jobs[j] = j
	}
	slices.SortStableFunc(jobs, func(x, y int) int { return cmp.Compare(a.bids[y], a.bids[x]) })
	cars := make([]int, a.m)
	for c := range cars {
		cars[c] = c
	}
	slices.SortStableFunc(cars, func(x, y int) int { return cmp.Compare(a.asks[x][0], a.asks[y][0]) })
	for i := range min(a.n, a.m) {
		j, c := jobs[i], cars[i]
		if !a.ok[j*a.m+c] {
			break
		}
		a.cur[j] = c
		a.rem[c]--
	}
}
