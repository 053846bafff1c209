package experiments

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Line is a quote linear in the trader's type: price = Intercept + Slope *
// type (a learned bid in the value, or ask in the cost).
type Line struct{ Intercept, Slope float64 }

// At is the line's quote for type t.
func (l Line) At(t float64) float64 { return l.Intercept + l.Slope*t }

// MarketMisreport measures a profile of linear quotes on the m x m market
// of Rustichini, Satterthwaite and Williams (1994): each of rounds rounds,
// m buyers with values and m sellers with costs uniform on [0, 1] (drawn
// from rng) quote bid.At(value) and ask.At(cost), and the k-double auction
// with one price (market.UniformPrice) clears them: the buyers whose bids
// are among the m highest of the 2m pooled quotes buy from the sellers
// whose asks are among the m lowest, as many of each (which traders trade
// does not depend on k; the price does, and is not needed here). It returns the misreport, the mean over the traders (buyers
// and sellers who trade) of |quote - type|, and the inefficiency, 1 - the
// realised gains from trade / the first best (the largest gains any
// matching of the round's buyers and sellers could realise). Truthful
// quotes give 0 and 0; quotes shaded by x on both sides (bid = value - x,
// ask = cost + x) a misreport of exactly x. Learned profiles are measured
// on their mean quotes: the noise a learner explores with is not part of
// its strategy.
func MarketMisreport(m int, bid, ask Line, rounds int, rng *rand.Rand) (misreport, inefficiency float64, err error) {
	if m < 1 || rounds < 1 {
		return 0, 0, fmt.Errorf("market misreport: m %d and %d rounds, want both >= 1", m, rounds)
	}
	type quote struct {
		price, typ float64
		buyer      bool
	}
	q := make([]quote, 2*m)
	vals, costs := make([]float64, m), make([]float64, m)
	var mis, got, best float64
	traders := 0
	for range rounds {
		for i := range m {
			vals[i], costs[i] = rng.Float64(), rng.Float64()
			q[i] = quote{bid.At(vals[i]), vals[i], true}
			q[m+i] = quote{ask.At(costs[i]), costs[i], false}
		}
		// Sellers first among equal quotes, so that a bid equal to an ask
		// at the price does not trade past its match.
		slices.SortStableFunc(q, func(a, b quote) int {
			if a.price != b.price {
				return cmp.Compare(a.price, b.price)
			}
			if a.buyer == b.buyer {
				return 0
			}
			if a.buyer {
				return 1
			}
			return -1
		})
		for i, x := range q {
			trades := (x.buyer && i >= m) || (!x.buyer && i < m)
			if !trades {
				continue
			}
			traders++
			mis += math.Abs(x.price - x.typ)
			if x.buyer {
				got += x.typ
			} else {
				got -= x.typ
			}
		}
		slices.Sort(vals)
		slices.Sort(costs)
		for i := range m {
			best += max(0, vals[m-1-i]-costs[i])
		}
	}
	if traders > 0 {
		mis /= float64(traders)
	}
	if best <= 0 {
		return mis, 0, nil
	}
	return mis, 1 - got/best, nil
}

// PowerFit is the least-squares fit of log y = Intercept + Slope log x,
// with the 95 % confidence interval of the slope from its standard error
// (Student's t with n - 2 degrees of freedom).
type PowerFit struct {
	Slope, Intercept float64
	Low, High        float64 // the slope's 95 % interval
	N                int     // the points fitted
}

// FitPower fits log y against log x by ordinary least squares over every
// (x, y) pair, one per replicate and point, so that the slope's interval
// reflects the spread between replicates. It needs at least three pairs,
// two distinct x, and x, y > 0.
func FitPower(x, y []float64) (PowerFit, error) {
	if len(x) != len(y) || len(x) < 3 {
		return PowerFit{}, fmt.Errorf("power fit: %d x and %d y, want as many of each and at least 3", len(x), len(y))
	}
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	for i := range x {
		if !(x[i] > 0) || !(y[i] > 0) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			return PowerFit{}, fmt.Errorf("power fit: point %d is (%v, %v), want finite x, y > 0", i, x[i], y[i])
		}
		lx[i], ly[i] = math.Log(x[i]), math.Log(y[i])
	}
	n := float64(len(x))
	var mx, my float64
	for i := range lx {
		mx += lx[i]
		my += ly[i]
	}
	mx, my = mx/n, my/n
	var sxx, sxy float64
	for i := range lx {
		sxx += (lx[i] - mx) * (lx[i] - mx)
		sxy += (lx[i] - mx) * (ly[i] - my)
	}
	if sxx == 0 {
		return PowerFit{}, fmt.Errorf("power fit: every x is %v, want two distinct values at least", x[0])
	}
	f := PowerFit{Slope: sxy / sxx, N: len(x)}
	f.Intercept = my - f.Slope*mx
	var sse float64
	for i := range lx {
		r := ly[i] - f.Intercept - f.Slope*lx[i]
		sse += r * r
	}
	se := math.Sqrt(sse / (n - 2) / sxx)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 2}.Quantile(0.975)
	f.Low, f.High = f.Slope-t*se, f.Slope+t*se
	return f, nil
}
