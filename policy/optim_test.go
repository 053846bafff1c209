package policy

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
)

// TestAdamFirstTwoSteps follows Adam (LR 0.1, default betas and eps) by hand
// from params (1, -2) with gradients g1 = (0.5, -3), then g2 = (-1, 2).
//
// Step 1: m = 0.1*g1 = (0.05, -0.3), v = 0.001*g1² = (0.00025, 0.009); the
// bias corrections divide by 0.1 and 0.001, so the step is
// 0.1 * g1/(|g1| + 1e-8) = (0.1 - 2e-9, -0.1 + 3.3e-10):
// params (1.099999998, -2.0999999996667).
//
// Step 2: m = 0.9*m + 0.1*g2 = (-0.055, -0.07), v = 0.999*v + 0.001*g2² =
// (0.00124975, 0.012991); corrected by 1-0.81 = 0.19 and 1-0.998001 =
// 0.001999: mhat = (-0.2894737, -0.3684211), sqrt(vhat) = (0.7906883,
// 2.5492643); step 0.1*mhat/sqrt(vhat) = (-0.0366104, -0.0144521):
// params (1.0633896, -2.1144521).
//
// The tolerance 1e-12 is a few ulps of the arithmetic; the literals below
// carry the hand computation to 16 digits.
func TestAdamFirstTwoSteps(t *testing.T) {
	o := &Adam{LR: 0.1}
	p := []float64{1, -2}
	for i, c := range []struct {
		grad, want []float64
	}{
		{[]float64{0.5, -3}, []float64{1.099999998, -2.0999999996666667}},
		{[]float64{-1, 2}, []float64{1.0633896457594345, -2.1144520525816226}},
	} {
		o.Step(p, c.grad)
		if !floats.EqualApprox(p, c.want, 1e-12) {
			t.Errorf("Adam step %d: params %v, want %v", i+1, p, c.want)
		}
	}
}

func TestAdamExplicitBetasAndReset(t *testing.T) {
	// With Beta1 = Beta2 = 0.5 the first corrected step is LR*g/(|g|+Eps),
	// as for any betas: the bias correction undoes the first average.
	o := &Adam{LR: 1, Beta1: 0.5, Beta2: 0.5, Eps: 1}
	p := []float64{0}
	o.Step(p, []float64{3})
	if want := 3.0 / 4; !scalar.EqualWithinAbs(p[0], want, exact) {
		t.Errorf("first step with Eps 1: %v, want 3/(3+1) = %v", p[0], want)
	}
	o.Reset()
	p[0] = 0
	o.Step(p, []float64{1})
	if want := 0.5; !scalar.EqualWithinAbs(p[0], want, exact) {
		t.Errorf("first step after Reset: %v, want 1/(1+1) = %v as from a fresh Adam", p[0], want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Adam used for 1 parameter then 2 did not panic")
		}
	}()
	o.Step([]float64{0, 0}, []float64{1, 1})
}

func TestSGDAscends(t *testing.T) {
	p := []float64{1, 2}
	SGD{LR: 0.5}.Step(p, []float64{2, -4})
	if !floats.Equal(p, []float64{2, 0}) {
		t.Errorf("SGD LR 0.5 on (1, 2) with gradient (2, -4): %v, want (2, 0)", p)
	}
}

func TestClipNorm(t *testing.T) {
	for _, c := range []struct {
		grad []float64
		max  float64
		want []float64
		norm float64
	}{
		{[]float64{3, 4}, 1, []float64{0.6, 0.8}, 5},
		{[]float64{3, 4}, 5, []float64{3, 4}, 5},
		{[]float64{3, 4}, 10, []float64{3, 4}, 5},
		{[]float64{3, 4}, 0, []float64{3, 4}, 5},
		{[]float64{3, 4}, -1, []float64{3, 4}, 5},
		{[]float64{3e200, 4e200}, 1, []float64{0.6, 0.8}, 5e200}, // no overflow in the norm
		{[]float64{0, 0}, 1, []float64{0, 0}, 0},
	} {
		g := append([]float64(nil), c.grad...)
		norm := ClipNorm(g, c.max)
		if !scalar.EqualWithinRel(norm, c.norm, 1e-15) || !floats.EqualApprox(g, c.want, 1e-15) {
			t.Errorf("ClipNorm(%v, %v) = %v with norm %v, want %v with norm %v", c.grad, c.max, g, norm, c.want, c.norm)
		}
		if c.max > 0 && floats.Norm(g, 2) > c.max*(1+1e-15) {
			t.Errorf("ClipNorm(%v, %v) left a norm %v above the bound", c.grad, c.max, floats.Norm(g, 2))
		}
	}
	if n := ClipNorm([]float64{math.Inf(1)}, 1); !math.IsInf(n, 1) {
		t.Errorf("ClipNorm of an infinite gradient reported norm %v, want +Inf", n)
	}
}

func TestOptimizersDoNotAllocate(t *testing.T) {
	p, g := make([]float64, 100), make([]float64, 100)
	adam := &Adam{LR: 1e-3}
	adam.Step(p, g)
	for _, c := range []struct {
		name string
		o    Optimizer
	}{{"Adam", adam}, {"SGD", SGD{LR: 1}}} {
		if n := testing.AllocsPerRun(100, func() { c.o.Step(p, g) }); n != 0 {
			t.Errorf("%s.Step allocates %v times per call, want 0", c.name, n)
		}
	}
}
