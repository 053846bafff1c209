package game

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/freightsim/freightsim/policy"
)

// Large is the m x m market of Rustichini, Satterthwaite and Williams
// (1994): each round M buyers with one unit each, values uniform on
// [0, 1], and M sellers with one unit each, costs uniform on [0, 1], quote
// at once; the k-double auction sorts the 2M quotes s(1) <= ... <= s(2M),
// trades at the one price p = (1-K) s(M) + K s(M+1), the buyers whose bids
// are among the M highest quotes buy and the sellers whose asks are among
// the M lowest sell (as many of each). At M = 1 it is [Bilateral].
//
// All buyers share one policy and all sellers another, each decision
// learned from with the trader's own gain (symmetric self-play: the
// update is the sum of each trader's own policy gradient, so a fixed point
// is a symmetric equilibrium, not the best of a side acting as one). Theory:
// in equilibrium the misreport |bid - value| and |ask - cost| shrinks like
// 1/M and the inefficiency like 1/M².
type Large struct {
	M      int     // buyers, and sellers
	K      float64 // weight of s(M+1) in the price
	Rounds int     // rounds per episode
}

// quote is one trader's quote in a round.
type quote struct {
	price, typ float64
	buyer      bool
	who        int // the trader's index: buyers 0..M-1, sellers M..2M-1
}

// clear returns the price of the round's quotes (sorted in place) and
// whether the quote at each sorted position trades.
func (g Large) clear(q []quote) float64 {
	slices.SortStableFunc(q, func(a, b quote) int { return cmp.Compare(a.price, b.price) })
	return (1-g.K)*q[g.M-1].price + g.K*q[g.M].price
}

// trades reports whether the quote at sorted position i trades.
func (g Large) trades(q []quote, i int) bool {
	if q[i].buyer {
		return i >= g.M
	}
	return i < g.M
}

// Train plays episodes with streams derived from seed, each followed by
// both sides' updates.
func (g Large) Train(seed uint64, buyers, sellers Agent, episodes int) error {
	nature := rand.New(rand.NewPCG(seed, roleNature))
	rb := rand.New(rand.NewPCG(seed, roleBuyer))
	rs := rand.New(rand.NewPCG(seed, roleSeller))
	bb, bs := policy.NewBatch(2), policy.NewBatch(2)
	q := make([]quote, 2*g.M)
	mu, sigma, typ, price, gain := make([]float64, 2*g.M), make([]float64, 2*g.M), make([]float64, 2*g.M), make([]float64, 2*g.M), make([]float64, 2*g.M)
	phi := []float64{1, 0}
	for ep := range episodes {
		bb.Reset()
		bs.Reset()
		for range g.Rounds {
			for i := range q {
				typ[i] = nature.Float64()
				phi[1] = typ[i]
				if i < g.M {
					price[i], mu[i], sigma[i] = buyers.Quote(rb, phi)
				} else {
					price[i], mu[i], sigma[i] = sellers.Quote(rs, phi)
				}
				q[i] = quote{price: price[i], typ: typ[i], buyer: i < g.M, who: i}
				gain[i] = 0
			}
			p := g.clear(q)
			for i, x := range q {
				switch {
				case !g.trades(q, i):
				case x.buyer:
					gain[x.who] = x.typ - p
				default:
					gain[x.who] = p - x.typ
				}
			}
			for i := range q {
				phi[1] = typ[i]
				b := bb
				if i >= g.M {
					b = bs
				}
				b.Add(phi, price[i], mu[i], sigma[i], gain[i], 0)
				b.EndTrajectory()
			}
		}
		if err := buyers.Update(bb); err != nil {
			return fmt.Errorf("episode %d, buyers: %w", ep, err)
		}
		if err := sellers.Update(bs); err != nil {
			return fmt.Errorf("episode %d, sellers: %w", ep, err)
		}
	}
	return nil
}

// Measure plays rounds rounds with the mean quotes (no noise, no
// learning) and returns the misreport, the mean over the traders of
// |mean quote - type|, and the inefficiency, 1 - realised gains / the
// first-best gains.
func (g Large) Measure(seed uint64, buyers, sellers Agent, rounds int) (misreport, inefficiency float64) {
	nature := rand.New(rand.NewPCG(seed, 99))
	q := make([]quote, 2*g.M)
	vals, costs := make([]float64, g.M), make([]float64, g.M)
	phi := []float64{1, 0}
	var mis float64
	var traders int
	var got, best float64
	for range rounds {
		for i := range q {
			t := nature.Float64()
			phi[1] = t
			if i < g.M {
				q[i] = quote{price: buyers.Mean(phi), typ: t, buyer: true}
				vals[i] = t
			} else {
				q[i] = quote{price: sellers.Mean(phi), typ: t}
				costs[i-g.M] = t
			}
		}
		g.clear(q)
		for i, x := range q {
			if g.trades(q, i) {
				traders++
				mis += math.Abs(x.price - x.typ)
				if x.buyer {
					got += x.typ
				} else {
					got -= x.typ
				}
			}
		}
		slices.Sort(vals)
		slices.Sort(costs)
		for i := range g.M {
			if d := vals[g.M-1-i] - costs[i]; d > 0 {
				best += d
			}
		}
	}
	if traders > 0 {
		mis /= float64(traders)
	}
	return mis, 1 - got/best
}
