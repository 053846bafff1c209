package kdouble

import (
	"math"
	"slices"
)

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
