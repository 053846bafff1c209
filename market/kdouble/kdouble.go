package kdouble

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Market is the m x m market: M buyers and M sellers, values and costs
// uniform on [0, 1], priced at (1-K) s(M) + K s(M+1) of the pooled quotes.
type Market struct {
	M int     // buyers, and sellers
	K float64 // the weight of s(M+1) in the price, in [0, 1]
}

// Line is a quote linear in the trader's type: Intercept + Slope * type.
type Line struct{ Intercept, Slope float64 }

// At is the line's quote for type t.
func (l Line) At(t float64) float64 { return l.Intercept + l.Slope*t }

// Table is a quote as a function of the trader's type on [0, 1], given at
// the types (i + 1/2)/n, i = 0..n-1, and interpolated linearly between
// them (constant beyond the first and the last).
type Table []float64

// At is the table's quote for type t.
func (q Table) At(t float64) float64 {
	n := len(q)
	x := t*float64(n) - 0.5
	switch {
	case x <= 0:
		return q[0]
	case x >= float64(n-1):
		return q[n-1]
	}
	i := int(x)
	f := x - float64(i)
	return q[i] + f*(q[i+1]-q[i])
}

// Tables searches the symmetric Bayesian equilibrium of the m x m
// market, quotes any function of the type, by damped best-response
// iteration on a grid, starting from [Market.Linear]: n types
// per side, quotes on a grid of step 1/4000 on [-0.5, 1.5]. Each
// iteration computes, for every type, the exact best response on the quote
// grid against the other traders' current tables (m-1 other buyers and m
// sellers for a buyer, m buyers and m-1 other sellers for a seller), and
// moves every table the share eqDamping of the way to it. It stops when no
// quote moves by more than tol, or returns the last tables with an error
// after iters iterations. It is a search, not a proof: at M = 1 and 2,
// where equilibria form a continuum, the iteration drifts along it and
// does not settle; from M = 8 it stays within a few thousandths.
//
// The expected gains are computed without sampling. Let N(x) be the number
// of the other 2M-1 quotes below x, a convolution of two binomials with
// the other sides' distribution functions of quotes, and H_j(x) = P(N(x)
// >= j), the chance that the j-th lowest other quote is below x. A buyer
// of value v bidding b trades when b is above the M-th lowest other quote
// r_M, at price (1-K) r_M + K min(b, r_{M+1}); integrating by parts,
//
//	U(v, b) = (v - b) H_M(b) + int_{-inf}^b (1-K) H_M + K H_{M+1}.
//
// A seller of cost c asking a trades when a is below r_M, at price
// (1-K) max(a, r_{M-1}) + K r_M (H_0 = 1):
//
//	U(c, a) = (X - c) - (a - c) H_M(a) - int_a^X (1-K) H_{M-1} + K H_M,
//
// X being any quote above all others. Types that trade with no quote are
// indifferent; they quote truthfully. Buyers search bids in [v - 0.6, v],
// sellers asks in [c, c + 0.6] (quoting beyond the own type is
// dominated).
func (g Market) Tables(n, iters int, tol float64) (bid, ask Table, err error) {
	if g.M < 1 || n < 2 || !(g.K >= 0 && g.K <= 1) {
		return nil, nil, fmt.Errorf("kdouble: m %d, k %v, %d types: want m >= 1, k in [0, 1], n >= 2", g.M, g.K, n)
	}
	xs, h := quoteGrid()
	nx := len(xs)
	lb, la, _, err := g.Linear(n, iters, tol)
	if err != nil {
		return nil, nil, err
	}
	bid, ask = make(Table, n), make(Table, n)
	for i := range n {
		t := (float64(i) + 0.5) / float64(n)
		bid[i], ask[i] = lb.At(t), la.At(t)
	}
	m := g.M
	hb := newSide(nx) // what a buyer faces
	hs := newSide(nx) // what a seller faces
	nb, ns := make(Table, n), make(Table, n)
	for it := range iters {
		fb, fa := cdf(bid, xs), cdf(ask, xs)
		hb.fill(m-1, m, fb, fa, g.K, m, h)
		hs.fill(m, m-1, fb, fa, g.K, m, h)
		for i := range n {
			t := (float64(i) + 0.5) / float64(n)
			nb[i] = hb.bestBid(t, xs, h)
			ns[i] = hs.bestAsk(t, xs, h)
		}
		moved := max(approach(bid, nb, eqDamping), approach(ask, ns, eqDamping))
		if moved < tol {
			return bid, ask, nil
		}
		if it == iters-1 {
			return bid, ask, fmt.Errorf("kdouble: m %d, k %v: quotes still move by %.2g after %d iterations", m, g.K, moved, iters)
		}
	}
	return nil, nil, errors.New("kdouble: no iteration")
}

// Linear computes the symmetric equilibrium of the m x m market among
// linear quotes (bid = b0 + b1 v, ask = a0 + a1 c: the strategies a linear
// policy in (1, type) can take), by damped iteration of each side's best
// line against the current lines: the line that maximises the side's
// expected gain averaged over its types (n of them, as in [Market.Tables]),
// found by Nelder-Mead from the current line. It stops when no coefficient
// moves by more than tol, and returns the largest move of the last
// iteration; after iters iterations it returns the last lines with that
// move and an error.
func (g Market) Linear(n, iters int, tol float64) (bid, ask Line, moved float64, err error) {
	if g.M < 1 || n < 2 || !(g.K >= 0 && g.K <= 1) || iters < 1 {
		return bid, ask, math.NaN(), fmt.Errorf("kdouble: m %d, k %v, %d types, %d iterations: want m >= 1, k in [0, 1], n >= 2, iterations >= 1", g.M, g.K, n, iters)
	}
	xs, h := quoteGrid()
	nx := len(xs)
	m := g.M
	b, a := [2]float64{0, 1}, [2]float64{0, 1}
	hb, hs := newSide(nx), newSide(nx)
	tb, ta := make(Table, n), make(Table, n)
	best := func(s *side, buyer bool, start [2]float64) ([2]float64, error) {
		f := func(p []float64) float64 {
			var u float64
			for i := range n {
				t := (float64(i) + 0.5) / float64(n)
				x := min(max(p[0]+p[1]*t, xs[0]), xs[nx-1])
				u += s.payoff(buyer, t, x, xs, h)
			}
			return -u / float64(n)
		}
		res, err := optimize.Minimize(optimize.Problem{Func: f}, start[:], &optimize.Settings{FuncEvaluations: 4000}, &optimize.NelderMead{})
		if err != nil && res == nil {
			return start, err
		}
		return [2]float64{res.X[0], res.X[1]}, nil
	}
	for it := range iters {
		for i := range n {
			t := (float64(i) + 0.5) / float64(n)
			tb[i], ta[i] = b[0]+b[1]*t, a[0]+a[1]*t
		}
		fb, fa := cdf(tb, xs), cdf(ta, xs)
		hb.fill(m-1, m, fb, fa, g.K, m, h)
		hs.fill(m, m-1, fb, fa, g.K, m, h)
		nb, e := best(hb, true, b)
		if e != nil {
			return Line{b[0], b[1]}, Line{a[0], a[1]}, math.NaN(), fmt.Errorf("kdouble: m %d, k %v, buyers: %w", m, g.K, e)
		}
		na, e := best(hs, false, a)
		if e != nil {
			return Line{b[0], b[1]}, Line{a[0], a[1]}, math.NaN(), fmt.Errorf("kdouble: m %d, k %v, sellers: %w", m, g.K, e)
		}
		moved = max(approach(b[:], nb[:], 0.5), approach(a[:], na[:], 0.5))
		if moved < tol {
			break
		}
		if it == iters-1 {
			err = fmt.Errorf("kdouble: m %d, k %v: coefficients still move by %.2g after %d iterations", m, g.K, moved, iters)
		}
	}
	return Line{b[0], b[1]}, Line{a[0], a[1]}, moved, err
}
