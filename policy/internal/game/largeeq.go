package game

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/freightsim/freightsim/policy"
	"gonum.org/v1/gonum/optimize"
)

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

// Quote returns the table's quote at phi = (1, type), without noise: a
// Table is an [Agent] that does not learn.
func (q Table) Quote(_ *rand.Rand, phi []float64) (a, mu, sigma float64) {
	a = q.At(phi[1])
	return a, a, 0
}

// Update does nothing: a table does not learn.
func (Table) Update(*policy.Batch) error { return nil }

// Mean is the table's quote at phi = (1, type).
func (q Table) Mean(phi []float64) float64 { return q.At(phi[1]) }

// Equilibrium searches the symmetric Bayesian equilibrium of the m x m
// market, quotes any function of the type, by damped best-response
// iteration on a grid, starting from [Large.LinearEquilibrium]: n types
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
func (g Large) Equilibrium(n, iters int, tol float64) (bid, ask Table, err error) {
	if g.M < 1 || n < 2 || g.K < 0 || g.K > 1 {
		return nil, nil, fmt.Errorf("large equilibrium: M %d, K %v, %d types: want M >= 1, K in [0, 1], n >= 2", g.M, g.K, n)
	}
	xs, h := quoteGrid()
	nx := len(xs)
	lb, la, err := g.LinearEquilibrium(n, iters, tol)
	if err != nil {
		return nil, nil, err
	}
	bid, ask = make(Table, n), make(Table, n)
	for i := range n {
		t := (float64(i) + 0.5) / float64(n)
		bid[i], ask[i] = lb[0]+lb[1]*t, la[0]+la[1]*t
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
			return bid, ask, fmt.Errorf("large equilibrium, M %d: quotes still move by %.2g after %d iterations", m, moved, iters)
		}
	}
	return nil, nil, errors.New("large equilibrium: no iteration")
}

// eqDamping is the share of the way to the best response a table moves
// per iteration.
const eqDamping = 0.1

// side is what one trader faces: on the quote grid, H_M (the chance that
// it is above the M-th lowest of the others' quotes) and the integral of
// the price's weight (1-K) H_{M-1} + K H_M (seller) or (1-K) H_M + K
// H_{M+1} (buyer) from the grid's start.
type side struct {
	hm, integral []float64
	pmf, tmp     []float64
}

func newSide(nx int) *side {
	return &side{hm: make([]float64, nx), integral: make([]float64, nx)}
}

// fill computes the side's tables when the others are nb buyers, whose
// quotes are below x with chance fb[j], and na sellers (fa[j]).
func (s *side) fill(nb, na int, fb, fa []float64, k float64, m int, h float64) {
	buyer := nb == m-1
	var prev float64
	for j := range fb {
		s.pmf = binomial(s.pmf, nb, fb[j])
		s.tmp = binomial(s.tmp, na, fa[j])
		pmf := convolve(s.pmf, s.tmp)
		// tail[j] = P(N >= j)
		at := func(c int) float64 {
			if c <= 0 {
				return 1
			}
			var p float64
			for i := c; i < len(pmf); i++ {
				p += pmf[i]
			}
			return p
		}
		s.hm[j] = at(m)
		var w float64
		if buyer {
			w = (1-k)*at(m) + k*at(m+1)
		} else {
			w = (1-k)*at(m-1) + k*at(m)
		}
		if j == 0 {
			s.integral[0] = 0
		} else {
			s.integral[j] = s.integral[j-1] + 0.5*h*(prev+w)
		}
		prev = w
	}
}

// bestBid is a buyer's best bid at value v: the grid's maximiser of
// U(v, b) over b in [v - 0.6, v], v itself when nothing beats it.
func (s *side) bestBid(v float64, xs []float64, h float64) float64 {
	u := func(j int) float64 { return (v-xs[j])*s.hm[j] + s.integral[j] }
	top := int((v - xs[0]) / h)
	best, bu := top, u(top)
	for j := max(0, top-int(0.6/h)); j < top; j++ {
		if x := u(j); x > bu+1e-12 {
			best, bu = j, x
		}
	}
	return xs[best]
}

// bestAsk is a seller's best ask at cost c over [c, c + 0.6]: U(c, a) up
// to terms free of a is -(a - c) H_M(a) + int_{start}^a of the weight.
func (s *side) bestAsk(c float64, xs []float64, h float64) float64 {
	u := func(j int) float64 { return -(xs[j]-c)*s.hm[j] + s.integral[j] }
	bottom := int(math.Ceil((c - xs[0]) / h))
	best, bu := bottom, u(bottom)
	for j := bottom + 1; j <= min(len(xs)-1, bottom+int(0.6/h)); j++ {
		if x := u(j); x > bu+1e-12 {
			best, bu = j, x
		}
	}
	return xs[best]
}

// cdf returns, at each x, the share of types whose quote in q is below x,
// the quotes taken as linear between the types (q sorted first).
func cdf(q Table, xs []float64) []float64 {
	s := slices.Clone([]float64(q))
	slices.Sort(s)
	n := len(s)
	out := make([]float64, len(xs))
	for j, x := range xs {
		i, _ := slices.BinarySearch(s, x) // s[i-1] < x <= s[i]
		switch {
		case i == 0:
			out[j] = 0
		case i == n:
			out[j] = 1
		default:
			f := 0.0
			if d := s[i] - s[i-1]; d > 0 {
				f = (x - s[i-1]) / d
			}
			out[j] = (float64(i-1) + 0.5 + f) / float64(n)
		}
	}
	return out
}

// binomial writes the pmf of Binomial(n, p) into dst.
func binomial(dst []float64, n int, p float64) []float64 {
	dst = append(dst[:0], make([]float64, n+1)...)
	dst[0] = 1
	for range n {
		for i := len(dst) - 1; i >= 0; i-- {
			v := dst[i] * (1 - p)
			if i > 0 {
				v += dst[i-1] * p
			}
			dst[i] = v
		}
	}
	return dst
}

// convolve returns the pmf of the sum of two independent counts.
func convolve(a, b []float64) []float64 {
	out := make([]float64, len(a)+len(b)-1)
	for i, x := range a {
		for j, y := range b {
			out[i+j] += x * y
		}
	}
	return out
}

// payoff is U(t, x) up to terms free of x, for a buyer (of value t) or a
// seller (of cost t) facing s, the tables interpolated linearly in x.
func (s *side) payoff(buyer bool, t, x float64, xs []float64, h float64) float64 {
	f := (x - xs[0]) / h
	j := min(max(int(f), 0), len(xs)-2)
	w := f - float64(j)
	hm := s.hm[j] + w*(s.hm[j+1]-s.hm[j])
	in := s.integral[j] + w*(s.integral[j+1]-s.integral[j])
	if buyer {
		return (t-x)*hm + in
	}
	return -(x-t)*hm + in
}

// LinearEquilibrium computes the symmetric equilibrium of the m x m market
// among linear quotes (bid = b0 + b1 v, ask = a0 + a1 c: the strategies a
// linear policy in (1, type) can take), by damped iteration of each side's
// best line against the current lines: the line that maximises the side's
// expected gain averaged over its types (n of them, as in [Large.Equilibrium]),
// found by Nelder-Mead from the current line. It stops when no coefficient
// moves by more than tol.
func (g Large) LinearEquilibrium(n, iters int, tol float64) (bid, ask [2]float64, err error) {
	if g.M < 1 || n < 2 || g.K < 0 || g.K > 1 {
		return bid, ask, fmt.Errorf("large linear equilibrium: M %d, K %v, %d types: want M >= 1, K in [0, 1], n >= 2", g.M, g.K, n)
	}
	xs, h := quoteGrid()
	nx := len(xs)
	m := g.M
	bid, ask = [2]float64{0, 1}, [2]float64{0, 1}
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
		res, err := optimize.Minimize(optimize.Problem{Func: f}, start[:], &optimize.Settings{FuncEvaluations: 4000}, &optimize.NelderMead{InitialVertices: nil})
		if err != nil && res == nil {
			return start, err
		}
		return [2]float64{res.X[0], res.X[1]}, nil
	}
	for it := range iters {
		for i := range n {
			t := (float64(i) + 0.5) / float64(n)
			tb[i], ta[i] = bid[0]+bid[1]*t, ask[0]+ask[1]*t
		}
		fb, fa := cdf(tb, xs), cdf(ta, xs)
		hb.fill(m-1, m, fb, fa, g.K, m, h)
		hs.fill(m, m-1, fb, fa, g.K, m, h)
		nb, err := best(hb, true, bid)
		if err != nil {
			return bid, ask, fmt.Errorf("large linear equilibrium, M %d, buyers: %w", m, err)
		}
		na, err := best(hs, false, ask)
		if err != nil {
			return bid, ask, fmt.Errorf("large linear equilibrium, M %d, sellers: %w", m, err)
		}
		moved := max(approach(bid[:], nb[:], 0.5), approach(ask[:], na[:], 0.5))
		if moved < tol {
			return bid, ask, nil
		}
		if it == iters-1 {
			return bid, ask, fmt.Errorf("large linear equilibrium, M %d: coefficients still move by %.2g after %d iterations", m, moved, iters)
		}
	}
	return bid, ask, errors.New("large linear equilibrium: no iteration")
}

// quoteGrid is the grid of quotes the equilibria are computed on: step h =
// 1/4000 on [-0.5, 1.5].
func quoteGrid() (xs []float64, h float64) {
	const lo, hi = -0.5, 1.5
	h = 1.0 / 4000
	xs = make([]float64, int(math.Round((hi-lo)/h))+1)
	for j := range xs {
		xs[j] = lo + float64(j)*h
	}
	return xs, h
}

// approach moves x the share w of the way to y and returns the largest
// move.
func approach(x, y []float64, w float64) float64 {
	var moved float64
	for i := range x {
		d := w * (y[i] - x[i])
		x[i] += d
		moved = max(moved, math.Abs(d))
	}
	return moved
}
