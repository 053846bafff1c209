package policy

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestUtilityNeutralIsIdentity(t *testing.T) {
	for _, x := range []float64{0, -120, 1e-300, -1e300, 3.5, math.MaxFloat64} {
		if u := (Utility{}).Apply(x); u != x {
			t.Errorf("neutral utility of %v is %v, want %v", x, u, x)
		}
	}
}

// Known values, (1 - exp(-lambda*x))/lambda worked with exp; 1e-14 relative
// allows for exp and expm1 rounding differently.
func TestUtilityKnownValues(t *testing.T) {
	for _, c := range []struct {
		lambda, x, want float64
	}{
		{1, 1, 0.6321205588285577},        // 1 - 1/e
		{2, -1, -3.194528049465325},       // (1 - e²)/2
		{0.01, -120, -232.01169227365472}, // a shipper's failed job, risk-averse: worse than -120
		{-0.01, -120, -69.88057880877977}, // risk-seeking: not as bad
		{1, 0, 0},
	} {
		u := Utility{Lambda: c.lambda}.Apply(c.x)
		if !scalar.EqualWithinAbsOrRel(u, c.want, 1e-14, 1e-14) {
			t.Errorf("lambda %v: u(%v) = %v, want %v", c.lambda, c.x, u, c.want)
		}
	}
}

// lambdas are the sizes of risk attitude the shape tests cover, over five
// orders of magnitude; each is tried with both signs.
func lambdas() []float64 { return []float64{1e-4, 1e-2, 0.05, 1, 10} }

// unclipped returns a range of x over which |lambda*x| <= 20: exp is far
// from overflow and u's curvature is far above rounding.
func unclipped(lambda float64) (lo, hi float64) {
	r := math.Min(20/math.Abs(lambda), 1000)
	return -r, r
}

func TestUtilityIsConcaveForAversionConvexForSeeking(t *testing.T) {
	for _, l := range lambdas() {
		for _, sign := range []float64{1, -1} {
			u := Utility{Lambda: sign * l}
			lo, hi := unclipped(l)
			const n = 40
			for i := range n {
				x := lo + (hi-lo)*float64(i)/n
				y := x + (hi-lo)/n*float64(1+i%3)
				mid := u.Apply((x + y) / 2)
				chord := (u.Apply(x) + u.Apply(y)) / 2
				if sign > 0 && !(mid > chord) {
					t.Errorf("lambda %v (risk-averse): u at the midpoint of %v and %v is %v, not above the chord %v: not concave", u.Lambda, x, y, mid, chord)
				}
				if sign < 0 && !(mid < chord) {
					t.Errorf("lambda %v (risk-seeking): u at the midpoint of %v and %v is %v, not below the chord %v: not convex", u.Lambda, x, y, mid, chord)
				}
			}
		}
	}
}

func TestUtilityIsMonotone(t *testing.T) {
	for _, l := range lambdas() {
		for _, lambda := range []float64{l, -l} {
			u := Utility{Lambda: lambda}
			lo, hi := unclipped(l)
			prev := math.Inf(-1)
			for i := range 20001 {
				x := -2000 + 0.2*float64(i)
				v := u.Apply(x)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("lambda %v: u(%v) = %v, want a finite number", lambda, x, v)
				}
				if v < prev || (x > lo && x <= hi && v == prev) {
					t.Fatalf("lambda %v: u(%v) = %v after %v at x - 0.2, want increasing (strictly where |lambda*x| <= 20)", lambda, x, v, prev)
				}
				prev = v
			}
		}
	}
}

// As lambda -> 0, u(x) = x - lambda*x²/2 + O(lambda² x³): the gap to x must
// be at most |lambda|*x²/2 (times 1 + |lambda*x| for the later terms) plus rounding,
// and on the side of x that the attitude says: u <= x when risk-averse.
func TestUtilityIsContinuousAtNeutral(t *testing.T) {
	for _, x := range []float64{-120, -1, 0.5, 300} {
		for _, l := range []float64{1e-4, 1e-6, 1e-9, 1e-12, 1e-200, 5e-324} {
			for _, lambda := range []float64{l, -l} {
				u := Utility{Lambda: lambda}.Apply(x)
				gap := u - x
				if bound := (1+math.Abs(lambda*x))*math.Abs(lambda)*x*x/2 + 4e-16*math.Abs(x); math.Abs(gap) > bound {
					t.Errorf("lambda %v: u(%v) = %v, %v from x, want within %v", lambda, x, u, gap, bound)
				}
				if lambda > 0 && gap > 0 || lambda < 0 && gap < 0 {
					t.Errorf("lambda %v: u(%v) = %v is on the wrong side of x", lambda, x, u)
				}
			}
		}
	}
}

// Around |lambda*x| = 1e-5 Apply switches from the series to expm1; both
// sides must agree with expm1 (accurate there) to 1e-15 relative.
func TestUtilitySeriesMeetsExpm1(t *testing.T) {
	for _, lambda := range []float64{1, -3} {
		for i := range 101 {
			x := (0.5e-5 + 1e-7*float64(i)) / math.Abs(lambda)
			for _, s := range []float64{x, -x} {
				want := -math.Expm1(-lambda*s) / lambda
				if u := (Utility{Lambda: lambda}).Apply(s); !scalar.EqualWithinRel(u, want, 1e-15) {
					t.Errorf("lambda %v: u(%v) = %v, expm1 gives %v", lambda, s, u, want)
				}
			}
		}
	}
}

func TestUtilityOverflowIsClipped(t *testing.T) {
	for _, c := range []struct {
		lambda, x float64
		want      float64
	}{
		// Beyond x = -700/lambda the exponent is clipped: all such losses weigh the same.
		{1, -1000, -math.Expm1(700)},
		{1, -1e308, -math.Expm1(700)},
		{-1, 1e6, math.Expm1(700)},
		// The clipped value over a tiny lambda is beyond the float range: held at its edge.
		{1e-300, -1e308, -math.MaxFloat64},
		{-1e-300, 1e308, math.MaxFloat64},
		// Large gains of a risk-averse agent tend to 1/lambda without any clipping.
		{2, 1e6, 0.5},
	} {
		u := Utility{Lambda: c.lambda}.Apply(c.x)
		if !scalar.EqualWithinRel(u, c.want, 1e-15) {
			t.Errorf("lambda %v: u(%v) = %v, want %v", c.lambda, c.x, u, c.want)
		}
	}
	if u := (Utility{Lambda: 1}).Apply(math.NaN()); !math.IsNaN(u) {
		t.Errorf("u(NaN) = %v, want NaN", u)
	}
}
