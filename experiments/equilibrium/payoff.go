package equilibrium

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
)

// The expected payoff of one quote against an opponent whose quote has a
// known distribution, where a job trades alone (capacity does not bind):
// what the exact best response maximises.
//
// A shipper bidding X against an ask Y trades when X >= Y (tie rule
// max-volume; X > Y under strict, which differs only when both are points)
// and gains its reservation R minus what it pays: X under the spread and
// pay-as-bid rules, Y + k(X - Y) under k-double. A carrier asking X
// against a bid Y trades when Y >= X and gains what it receives minus its
// cost c: X (spread), Y (pay-as-bid), X + k(Y - X) (k-double). Every payoff
// is linear in X and Y times the trade indicator, so it needs only
// P(trade), E[X; trade] and E[Y; trade], which [moments] gives in closed
// form for points and normals and by Gauss-Legendre quadrature, split at
// the kinks, where a uniform is involved.

// side is what one decision's payoff depends on besides the two quotes.
type side struct {
	carrier bool
	limit   float64 // a shipper's reservation, a carrier's cost
	rule    market.PriceRule
	strict  bool // tie rule strict: a zero spread does not trade
}

// payoff is the expected payoff of quoting from own against an opponent
// quoting from opp: the gain over not trading.
func (s side) payoff(own, opp agents.QuoteDist) float64 {
	k := s.rule.K
	if !s.carrier {
		p, ex, ey := moments(own, opp, s.strict) // X = bid, Y = ask, trade X >= Y
		switch s.rule.Kind {
		case market.KDouble:
			return s.limit*p - (1-k)*ey - k*ex
		default: // spread, pay-as-bid: the shipper pays its bid
			return s.limit*p - ex
		}
	}
	p, ey, ex := moments(opp, own, s.strict) // Y = bid, X = ask, trade Y >= X
	switch s.rule.Kind {
	case market.PayAsBid:
		return ey - s.limit*p
	case market.KDouble:
		return (1-k)*ex + k*ey - s.limit*p
	default: // spread: the carrier receives its ask
		return ex - s.limit*p
	}
}

// moments returns, for independent X ~ dx and Y ~ dy, P(X >= Y),
// E[X 1{X >= Y}] and E[Y 1{X >= Y}] (X > Y where both are points and
// strict is set).
func moments(dx, dy agents.QuoteDist, strict bool) (p, ex, ey float64) {
	ux, uy := dx.Kind == agents.UniformQuote, dy.Kind == agents.UniformQuote
	switch {
	case !ux && !uy:
		return normalMoments(dx, dy, strict)
	case ux && !uy:
		// Integrate over X = x uniform: the inner terms in Y are normal or
		// a point, with a kink at the point.
		return uniformOuter(dx, func(x float64) (float64, float64, float64) {
			q, ey := belowMoments(dy, x)
			return q, x * q, ey
		}, kinks(dy))
	case !ux && uy:
		// Integrate over Y = y uniform: the inner terms in X are upper tail moments.
		return uniformOuter(dy, func(y float64) (float64, float64, float64) {
			q, ex := aboveMoments(dx, y)
			return q, ex, y * q
		}, kinks(dx))
	default:
		// Both uniform: the inner P(Y <= x) is piecewise linear in x, kinked
		// at Y's ends; integrating over x with the splits there is exact.
		return uniformOuter(dx, func(x float64) (float64, float64, float64) {
			q, ey := belowMoments(dy, x)
			return q, x * q, ey
		}, []float64{dy.Lo, dy.Hi})
	}
}

// normalMoments handles X, Y each a point or a normal: D = X - Y is normal
// (or a point), and E[X 1{D >= 0}] = mu_X Phi(mu_D/s_D) + Cov(X,D)/s_D
// phi(mu_D/s_D), likewise for Y with Cov(Y,D) = -var Y.
func normalMoments(dx, dy agents.QuoteDist, strict bool) (p, ex, ey float64) {
	mx, my := dx.At, dy.At
	vx, vy := dx.SD*dx.SD, dy.SD*dy.SD
	sd := math.Sqrt(vx + vy)
	md := mx - my
	if sd == 0 {
		if md > 0 || (md == 0 && !strict) {
			return 1, mx, my
		}
		return 0, 0, 0
	}
	z := md / sd
	cdf, pdf := normCDF(z), normPDF(z)
	return cdf, mx*cdf + vx/sd*pdf, my*cdf - vy/sd*pdf
}

// belowMoments returns P(Y <= x) and E[Y 1{Y <= x}] for Y ~ d.
func belowMoments(d agents.QuoteDist, x float64) (float64, float64) {
	switch d.Kind {
	case agents.PointQuote:
		if d.At <= x {
			return 1, d.At
		}
		return 0, 0
	case agents.NormalQuote:
		z := (x - d.At) / d.SD
		c := normCDF(z)
		return c, d.At*c - d.SD*normPDF(z)
	}
	if x <= d.Lo {
		return 0, 0
	}
	h := math.Min(x, d.Hi)
	w := d.Hi - d.Lo
	return (h - d.Lo) / w, (h*h - d.Lo*d.Lo) / (2 * w)
}

// aboveMoments returns P(X >= y) and E[X 1{X >= y}] for X ~ d.
func aboveMoments(d agents.QuoteDist, y float64) (float64, float64) {
	switch d.Kind {
	case agents.PointQuote:
		if d.At >= y {
			return 1, d.At
		}
		return 0, 0
	case agents.NormalQuote:
		z := (y - d.At) / d.SD
		c := 1 - normCDF(z)
		return c, d.At*c + d.SD*normPDF(z)
	}
	if y >= d.Hi {
		return 0, 0
	}
	l := math.Max(y, d.Lo)
	w := d.Hi - d.Lo
	return (d.Hi - l) / w, (d.Hi*d.Hi - l*l) / (2 * w)
}

// kinks are where the inner terms of a point distribution jump.
func kinks(d agents.QuoteDist) []float64 {
	if d.Kind == agents.PointQuote {
		return []float64{d.At}
	}
	return nil
}

// legendre32 is the 32-point Gauss-Legendre rule on [-1, 1] (nodes,
// weights), computed once: 32 nodes per piece integrate the piecewise cubic
// terms of two uniforms exactly, and the smooth normal terms to about 1e-12
// relative.
var legendre32 = func() (r [2][32]float64) {
	quad.Legendre{}.FixedLocations(r[0][:], r[1][:], -1, 1)
	return r
}()

// uniformOuter integrates f (returning the three moment terms at a point
// of the uniform d) against d's density, splitting [Lo, Hi] at the kinks.
func uniformOuter(d agents.QuoteDist, f func(float64) (float64, float64, float64), at []float64) (p, ex, ey float64) {
	cuts := []float64{d.Lo}
	for _, c := range at {
		if c > d.Lo && c < d.Hi {
			cuts = append(cuts, c)
		}
	}
	cuts = append(cuts, d.Hi)
	sortFloats(cuts)
	w := d.Hi - d.Lo
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if b <= a {
			continue
		}
		half, mid := (b-a)/2, (a+b)/2
		for j, t := range legendre32[0] {
			q, e1, e2 := f(mid + half*t)
			wt := half * legendre32[1][j]
			p += wt * q
			ex += wt * e1
			ey += wt * e2
		}
	}
	return p / w, ex / w, ey / w
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
func normPDF(z float64) float64 { return math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi) }

// bestQuote maximises the payoff of a deterministic quote q against opp over
// the whole price range and returns q and the payoff. Against a point the
// answer is analytic: meet the opponent's quote (plus a hair under the
// strict tie rule) when that gains, else quote beyond it and do not trade.
// Otherwise a grid of 96 points over the opponent's support and the side's
// limit, refined by golden-section search around the best grid point (the
// payoffs here have one peak within a grid cell or none: the grid finds
// its cell, the golden section its top to about 1e-12 of the cell).
func (s side) bestQuote(opp agents.QuoteDist) (float64, float64) {
	if opp.Kind == agents.PointQuote {
		a := opp.At
		q := a
		if s.strict {
			eps := 1e-9 * (1 + math.Abs(a))
			if s.carrier {
				q = a - eps
			} else {
				q = a + eps
			}
		}
		if v := s.payoff(agents.Point(q), opp); v > 0 {
			return q, v
		}
		return s.noTrade(opp), 0
	}
	lo, hi := support(opp)
	lo, hi = math.Min(lo, s.limit), math.Max(hi, s.limit)
	span := hi - lo
	lo, hi = lo-0.05*span, hi+0.05*span
	const n = 96
	f := func(q float64) float64 { return s.payoff(agents.Point(q), opp) }
	best, bestV := s.noTrade(opp), 0.0
	step := (hi - lo) / n
	bi := -1
	for i := 0; i <= n; i++ {
		q := lo + float64(i)*step
		if v := f(q); v > bestV {
			best, bestV, bi = q, v, i
		}
	}
	if bi < 0 {
		return best, bestV
	}
	// Golden section on the bracket around the best grid point.
	a, b := math.Max(lo, best-step), math.Min(hi, best+step)
	const g = 0.6180339887498949
	c, d := b-g*(b-a), a+g*(b-a)
	fc, fd := f(c), f(d)
	for range 60 {
		if fc > fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = f(d)
		}
	}
	for _, q := range []float64{c, d} {
		if v := f(q); v > bestV {
			best, bestV = q, v
		}
	}
	return best, bestV
}

// noTrade is a quote that never trades against opp: below its support
// (a shipper) or above it (a carrier).
func (s side) noTrade(opp agents.QuoteDist) float64 {
	lo, hi := support(opp)
	span := math.Max(1, hi-lo)
	if s.carrier {
		return hi + span
	}
	return lo - span
}

// support is where opp quotes: its point, its uniform's ends, or its
// normal's mean plus or minus 9 standard deviations (outside which the
// tails weigh less than 1e-18).
func support(d agents.QuoteDist) (float64, float64) {
	switch d.Kind {
	case agents.NormalQuote:
		return d.At - 9*d.SD, d.At + 9*d.SD
	case agents.UniformQuote:
		return d.Lo, d.Hi
	}
	return d.At, d.At
}
