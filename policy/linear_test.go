package policy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// gradTol is the agreement required between analytic gradients and central
// finite differences: the central formula's truncation error is O(h²) with
// gonum's default step h ≈ 6e-6, so for the smooth log density at the values
// drawn here the two agree to about 1e-7; 1e-6 relative leaves room.
const gradTol = 1e-6

func TestLinearGradLogProbMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		dim := 1 + rng.IntN(8)
		p := NewLinear(dim, 0.2+5*rng.Float64())
		phi := make([]float64, dim)
		for i := range dim {
			p.Theta[i] = 20 * (rng.Float64() - 0.5)
			phi[i] = rng.Float64()
		}
		a, _ := p.Sample(rng, phi)

		dTheta := make([]float64, dim)
		dSigma := p.GradLogProb(phi, a, dTheta)

		// Parameters x = (theta..., sigma).
		logp := func(x []float64) float64 {
			q := &Linear{Theta: x[:dim], Sigma: x[dim]}
			return q.LogProb(phi, a)
		}
		x := append(append([]float64(nil), p.Theta...), p.Sigma)
		want := fd.Gradient(nil, logp, x, &fd.Settings{Formula: fd.Central})
		for i := range dim {
			if !scalar.EqualWithinAbsOrRel(dTheta[i], want[i], gradTol, gradTol) {
				t.Errorf("trial %d: d log pi / d theta[%d] = %v analytically, %v by finite differences", trial, i, dTheta[i], want[i])
			}
		}
		if !scalar.EqualWithinAbsOrRel(dSigma, want[dim], gradTol, gradTol) {
			t.Errorf("trial %d: d log pi / d sigma = %v analytically, %v by finite differences", trial, dSigma, want[dim])
		}
	}
}

func TestLinearSampleMoments(t *testing.T) {
	// 100,000 draws: the sample mean's standard error is sigma/sqrt(n) ≈ 0.0095
	// for sigma 3; 5 standard errors is a bound that a correct sampler fails
	// with probability below 1e-6.
	p := &Linear{Theta: []float64{2, -1}, Sigma: 3}
	phi := []float64{1, 0.5}
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 100000
	var sum, sumSq float64
	for range n {
		a, mu := p.Sample(rng, phi)
		if mu != 1.5 {
			t.Fatalf("Sample reported mean %v, want theta.phi = 1.5", mu)
		}
		sum += a
		sumSq += a * a
	}
	mean := sum / n
	sd := math.Sqrt(sumSq/n - mean*mean)
	if se := 3 / math.Sqrt(n); math.Abs(mean-1.5) > 5*se {
		t.Errorf("sample mean %v, want 1.5 within %v", mean, 5*se)
	}
	if math.Abs(sd-3) > 0.05 {
		t.Errorf("sample standard deviation %v, want 3 within 0.05", sd)
	}
}

func TestNewLinearRejectsBadArguments(t *testing.T) {
	for _, c := range []struct {
		dim   int
		sigma float64
	}{{0, 1}, {3, 0}, {3, -1}, {3, math.NaN()}, {3, math.Inf(1)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewLinear(%d, %v) did not panic", c.dim, c.sigma)
				}
			}()
			NewLinear(c.dim, c.sigma)
		}()
	}
}
