package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
)

// regressionBatch returns n decisions with features (1, x1, ..., x_{dim-1}),
// x ~ U(0, 1), and returns f(phi) plus normal noise of sd noise.
func regressionBatch(rng *rand.Rand, dim, n int, f func(phi []float64) float64, noise float64) (*Batch, []float64) {
	b := NewBatch(dim)
	phi := make([]float64, dim)
	returns := make([]float64, n)
	for i := range n {
		phi[0] = 1
		for j := 1; j < dim; j++ {
			phi[j] = rng.Float64()
		}
		returns[i] = f(phi) + noise*rng.NormFloat64()
		b.Add(phi, 0, 0, 1, returns[i], 0)
	}
	b.EndTrajectory()
	return b, returns
}

// ridgeObjective is (1/2n) sum (W . phi - G)² + (ridge/2) |W|², the loss the
// LinearCritic minimises, and ridgeGrad its gradient, both computed from the
// batch directly.
func ridgeObjective(b *Batch, returns []float64, ridge float64, w []float64) float64 {
	var j float64
	for i := range b.Len() {
		r := floats.Dot(w, b.Features(i)) - returns[i]
		j += r * r
	}
	return j/(2*float64(b.Len())) + ridge/2*floats.Dot(w, w)
}

func ridgeGrad(b *Batch, returns []float64, ridge float64, w []float64) []float64 {
	g := make([]float64, len(w))
	for i := range b.Len() {
		r := floats.Dot(w, b.Features(i)) - returns[i]
		floats.AddScaled(g, r/float64(b.Len()), b.Features(i))
	}
	floats.AddScaled(g, ridge, w)
	return g
}

// TestLinearCriticSolvesTheRidgeProblem checks the ridge objective's
// gradient against finite differences at a random W, then that the fitted W
// is its stationary point. Tolerances: the objective is a quadratic of order
// 100 here, so the central difference has no truncation error and a
// rounding error of about eps*100/h ≈ 4e-9; 1e-6 absolute or relative.
// At the solution the gradient is the residual of a 4x4 Cholesky solve of a
// well-conditioned system (ridge 0.1): about 1e-14 times the returns' scale
// of 100, so 1e-9 absolute is loose.
func TestLinearCriticSolvesTheRidgeProblem(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, ridge := range []float64{0.1, 1e-3} {
		b, returns := regressionBatch(rng, 4, 200, func(phi []float64) float64 {
			return -120 + 30*phi[1] - 10*phi[2]*phi[2] + 5*phi[3]
		}, 8)
		w := make([]float64, 4)
		for i := range w {
			w[i] = 50 * rng.NormFloat64()
		}
		got := ridgeGrad(b, returns, ridge, w)
		want := fd.Gradient(nil, func(x []float64) float64 { return ridgeObjective(b, returns, ridge, x) }, w, &fd.Settings{Formula: fd.Central})
		for i := range w {
			if !scalar.EqualWithinAbsOrRel(got[i], want[i], 1e-6, 1e-6) {
				t.Errorf("ridge %v: dJ/dW[%d] = %v analytically, %v by finite differences", ridge, i, got[i], want[i])
			}
		}

		c := NewLinearCritic(4)
		c.Ridge = ridge
		c.Fit(b, returns)
		for i, g := range ridgeGrad(b, returns, ridge, c.W) {
			if math.Abs(g) > 1e-9 {
				t.Errorf("ridge %v: the ridge objective's gradient at the fitted W %v is %v in coordinate %d, want 0", ridge, c.W, g, i)
			}
		}
		if v, want := c.Value(b.Features(0)), floats.Dot(c.W, b.Features(0)); !scalar.EqualWithinRel(v, want, 1e-14) {
			t.Errorf("Value %v, want W . phi = %v", v, want)
		}
	}
}

func TestLinearCriticRecoversALinearValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	wantW := []float64{-120, 30, -10}
	b, returns := regressionBatch(rng, 3, 100, func(phi []float64) float64 { return floats.Dot(wantW, phi) }, 0)
	c := NewLinearCritic(3)
	c.Ridge = 1e-12
	c.Fit(b, returns)
	// Noise-free data: W is exact up to the ridge's shrinkage, about
	// Ridge*|W| / (smallest eigenvalue of A/n ≈ 0.01) ≈ 1e-8.
	if !floats.EqualApprox(c.W, wantW, 1e-6) {
		t.Errorf("fitted W %v to noise-free returns of W = %v", c.W, wantW)
	}
}

// With Forget f, fitting b1 then b2 weighs b1 by f: for f = 0.5 it is the
// same as fitting b1 once and b2 twice in one batch.
func TestLinearCriticForget(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 3))
	f := func(phi []float64) float64 { return 10 * phi[1] * phi[1] }
	b1, r1 := regressionBatch(rng, 2, 30, f, 1)
	b2, r2 := regressionBatch(rng, 2, 20, f, 1)

	both := NewBatch(2)
	var rBoth []float64
	for _, part := range []struct {
		b *Batch
		r []float64
	}{{b1, r1}, {b2, r2}, {b2, r2}} {
		for i := range part.b.Len() {
			both.Add(part.b.Features(i), 0, 0, 1, part.r[i], 0)
		}
		rBoth = append(rBoth, part.r...)
	}
	want := NewLinearCritic(2)
	want.Fit(both, rBoth)

	got := NewLinearCritic(2)
	got.Forget = 0.5
	got.Fit(b1, r1)
	got.Fit(b2, r2)
	if !floats.EqualApprox(got.W, want.W, 1e-12) {
		t.Errorf("Forget 0.5, fitted on b1 then b2: W %v; want %v, the fit on b1 + 2*b2", got.W, want.W)
	}

	alone := NewLinearCritic(2)
	alone.Fit(b2, r2)
	forgetful := NewLinearCritic(2)
	forgetful.Fit(b1, r1)
	forgetful.Fit(b2, r2)
	if !floats.EqualApprox(forgetful.W, alone.W, 1e-12) {
		t.Errorf("Forget 0: W %v after b1 then b2, %v after b2 alone; want the same", forgetful.W, alone.W)
	}
}

func TestLinearCriticToleratesAnAlwaysZeroFeature(t *testing.T) {
	b := NewBatch(3)
	returns := []float64{-100, -110, -90}
	for i, x := range []float64{0.2, 0.5, 0.9} {
		b.Add([]float64{1, x, 0}, 0, 0, 1, returns[i], 0) // a market feature of a job that shares nothing
	}
	c := NewLinearCritic(3)
	c.Fit(b, returns)
	if floats.HasNaN(c.W) || math.IsInf(floats.Norm(c.W, 2), 0) || c.W[2] != 0 {
		// No data moves W[2] from 0; the ridge keeps the system solvable.
		t.Errorf("W = %v with feature 2 always 0, want finite weights and W[2] = 0", c.W)
	}
}

func TestMLPCriticLossGradientMatchesFiniteDifferences(t *testing.T) {
	for _, hidden := range [][]int{{5}, {4, 3}} {
		for _, dim := range []int{1, 4} {
			t.Run(fmt.Sprintf("dim%d/hidden%v", dim, hidden), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(11, uint64(dim)))
				c := NewMLPCritic(rng, dim, hidden)
				for i := range c.params {
					c.params[i] = rng.NormFloat64()
				}
				c.Shift, c.Scale = -50, 7 // normalised targets of order 1
				b, returns := regressionBatch(rng, dim, 25, func(phi []float64) float64 { return -50 + 10*phi[len(phi)-1] }, 5)
				grad := make([]float64, len(c.params))
				loss := c.lossGrad(b, returns, grad)
				orig := append([]float64(nil), c.params...)
				want := fd.Gradient(nil, func(x []float64) float64 {
					copy(c.params, x)
					return c.lossGrad(b, returns, make([]float64, len(x)))
				}, orig, &fd.Settings{Formula: fd.Central})
				copy(c.params, orig)
				if l := c.lossGrad(b, returns, grad); l != loss {
					t.Fatalf("lossGrad is not repeatable: %v, then %v", loss, l)
				}
				for i := range grad {
					if !scalar.EqualWithinAbsOrRel(grad[i], want[i], fdTol, fdTol) {
						t.Errorf("dL/d param %d of %d = %v analytically, %v by finite differences", i, len(grad), grad[i], want[i])
					}
				}
			})
		}
	}
}

// TestMLPCriticLearnsANonlinearValue fits -100 + 20 sin(3x), x in [0, 1),
// from returns with noise of sd 3. Its standard deviation over x is about
// 5.8, the error of a critic that learned only the mean. After 300 fits
// (3000 Adam steps) the root-mean-square error on a grid is 0.5 to 0.9 for
// these seeds; 2 leaves room.
func TestMLPCriticLearnsANonlinearValue(t *testing.T) {
	f := func(phi []float64) float64 { return -100 + 20*math.Sin(3*phi[1]) }
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 17))
		c := NewMLPCritic(rng, 2, []int{16})
		for range 300 {
			b, returns := regressionBatch(rng, 2, 100, f, 3)
			c.Fit(b, returns)
		}
		var sse float64
		const n = 101
		for i := range n {
			phi := []float64{1, float64(i) / (n - 1)}
			d := c.Value(phi) - f(phi)
			sse += d * d
		}
		if rmse := math.Sqrt(sse / n); rmse > 2 {
			t.Errorf("seed %d: root-mean-square error %v of the fitted value, want below 2", seed, rmse)
		}
	}
}

// The first batch sets the normalisation, so that the untrained network
// (zero head) predicts the batch's mean return; later PopArt rescaling must
// leave the value unchanged when the normalisation moves. Both are exact up
// to a few ulps of the values (|V| ~ 100), so 1e-12 relative.
func TestMLPCriticNormalisation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 17))
	c := NewMLPCritic(rng, 2, []int{6})
	c.normalise([]float64{-90, -100, -140})
	if v := c.Value([]float64{1, 0.3}); !scalar.EqualWithinRel(v, -110, 1e-12) {
		t.Errorf("untrained critic normalised on returns of mean -110 predicts %v, want -110", v)
	}
	if want := math.Sqrt((400 + 100 + 900) / 3.0); !scalar.EqualWithinRel(c.Scale, want, 1e-12) {
		t.Errorf("Scale %v after the first batch, want its population sd %v", c.Scale, want)
	}
	c = NewMLPCritic(rng, 2, []int{6})
	b, returns := regressionBatch(rng, 2, 50, func(phi []float64) float64 { return -100 + 10*phi[1] }, 3)
	c.Fit(b, returns)
	phis := [][]float64{{1, 0}, {1, 0.4}, {1, 1}}
	before := make([]float64, len(phis))
	for i, phi := range phis {
		before[i] = c.Value(phi)
	}
	c.Rate = 0.5
	c.normalise([]float64{-3, 1, 40})
	for i, phi := range phis {
		if v := c.Value(phi); !scalar.EqualWithinRel(v, before[i], 1e-12) {
			t.Errorf("value at %v changed from %v to %v when Shift and Scale moved to %v and %v", phi, before[i], v, c.Shift, c.Scale)
		}
	}
}

func TestCriticFitDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	b, returns := regressionBatch(rng, 8, 200, func(phi []float64) float64 { return floats.Sum(phi) }, 1)
	for _, c := range []Critic{NewLinearCritic(8), NewMLPCritic(rng, 8, []int{16, 16})} {
		c.Fit(b, returns)
		if n := testing.AllocsPerRun(20, func() { c.Fit(b, returns) }); n != 0 {
			t.Errorf("%T.Fit allocates %v times per call, want 0", c, n)
		}
	}
}
