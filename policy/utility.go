package policy

import "math"

// Utility is the exponential (constant absolute risk aversion) utility of
// Pratt (1964) and Arrow (1965), applied to returns before a policy-gradient
// update so that an agent learns a risk attitude:
//
//	u(x) = (1 - exp(-Lambda*x)) / Lambda
//
// Lambda > 0 is risk-averse (u concave), Lambda < 0 risk-seeking (u convex),
// and Lambda = 0 is neutral: u(x) = x, the limit as Lambda -> 0. Lambda is
// the Arrow-Pratt coefficient of absolute risk aversion (minus the second
// derivative of u over the first), in units of 1/return; u(0) = 0 and the
// slope at 0 is 1 for every Lambda, so returns near 0 keep their scale.
//
// Overflow: returns reach the hundreds (a shipper's failure costs p*v), and
// exp(-Lambda*x) overflows once -Lambda*x exceeds about 709. Apply clips the
// exponent at [MaxUtilityExponent], so u is constant beyond x =
// -MaxUtilityExponent/Lambda (for Lambda > 0, a loss that large; for
// Lambda < 0, a gain): returns further out are all worth the same, about
// -exp(700)/Lambda. Apply never returns an infinity for a finite x (a
// result beyond the float range is held at ±math.MaxFloat64), but such
// utilities swamp every other return in an update: choose Lambda so that
// |Lambda*x| stays within a few tens on the returns the agent sees.
type Utility struct {
	Lambda float64 // Arrow-Pratt coefficient of absolute risk aversion
}

// MaxUtilityExponent is the largest exponent -Lambda*x that [Utility.Apply]
// evaluates; exp(700) ≈ 1e304 is still finite.
const MaxUtilityExponent = 700

// Apply returns u(x). It is non-decreasing in x, continuous in x and in
// Lambda (including at 0), and NaN only for a NaN x or Lambda.
func (u Utility) Apply(x float64) float64 {
	l := u.Lambda
	if l == 0 {
		return x
	}
	t := l * x
	if math.Abs(t) < 1e-5 {
		// Series of expm1: u = x*(1 - t/2 + t²/6 - ...), the next term
		// t³/24 < 5e-17 relative. This also keeps u = x when l*x
		// underflows to 0 for a tiny Lambda.
		return x * (1 - t/2 + t*t/6)
	}
	e := -t
	if e > MaxUtilityExponent {
		e = MaxUtilityExponent
	}
	v := -math.Expm1(e) / l
	switch {
	case math.IsInf(v, 1):
		return math.MaxFloat64
	case math.IsInf(v, -1):
		return -math.MaxFloat64
	}
	return v
}
