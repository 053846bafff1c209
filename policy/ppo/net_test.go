package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// fdTol is the agreement required between analytic gradients and central
// finite differences (gonum's step 6e-6): truncation about h²/6 times the
// third derivative and rounding about 1e-16*|f|/h, both below 1e-8 for the
// functions of order 1 to 10 here; 1e-6 absolute or relative leaves room
// for unlucky draws, while a missing term or factor is off by far more.
const fdTol = 1e-6

// numGrad is the central finite-difference gradient of f with respect to
// params, which it leaves as they were.
func numGrad(params []float64, f func() float64) []float64 {
	orig := append([]float64(nil), params...)
	g := fd.Gradient(nil, func(x []float64) float64 {
		copy(params, x)
		return f()
	}, orig, &fd.Settings{Formula: fd.Central})
	copy(params, orig)
	return g
}

func randomize(rng *rand.Rand, x []float64) {
	for i := range x {
		x[i] = rng.NormFloat64()
	}
}

// The network's backward pass agrees with finite differences of
// sum_r w_r out_r over a batch of rows, for one and two hidden layers,
// with and without the linear path.
func TestNetGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		dim    int
		hidden []int
		rows   int
		linear bool
	}{{1, []int{3}, 1, false}, {3, []int{5}, 4, false}, {2, []int{4, 3}, 7, false}, {1, []int{3}, 1, true}, {3, []int{5}, 4, true}, {2, []int{4, 3}, 7, true}} {
		n := size(append([]int{c.dim}, c.hidden...), c.linear)
		params, grad := make([]float64, n), make([]float64, n)
		t0 := newNet(c.dim, c.hidden, c.linear, params, grad)
		randomize(rng, params)
		x := make([]float64, c.rows*c.dim)
		w := make([]float64, c.rows)
		randomize(rng, x)
		randomize(rng, w)
		f := func() float64 {
			var s float64
			for r, o := range t0.forward(x, c.rows) {
				s += w[r] * o
			}
			return s
		}
		f()
		for i := range grad {
			grad[i] = float64(i) // backward adds
		}
		t0.backward(w)
		want := numGrad(params, f)
		for i := range n {
			if got := grad[i] - float64(i); !scalar.EqualWithinAbsOrRel(got, want[i], fdTol, fdTol) {
				t.Errorf("dim %d hidden %v rows %d: d/d param %d = %v analytically, %v by finite differences", c.dim, c.hidden, c.rows, i, got, want[i])
			}
		}
	}
}

// newTestPolicy returns a policy with every parameter random and a
// feature normalisation that is not the identity, with a state-dependent
// sigma if stateSigma.
func newTestPolicy(rng *rand.Rand, dim int, hidden []int, stateSigma bool) *Policy {
	p := NewPolicy(rng, dim, hidden, true, stateSigma, 2, 0.5, 8, 10)
	randomize(rng, p.Params())
	for range 20 {
		phi := make([]float64, dim)
		phi[0] = 1
		for i := 1; i < dim; i++ {
			phi[i] = 3 + 5*rng.Float64()
		}
		p.observe(phi)
	}
	p.refresh()
	return p
}

func logProb(p *Policy, phi []float64, a float64) float64 {
	mu, s := p.Dist(phi)
	z := (a - mu) / s
	return -0.5*z*z - math.Log(s) - halfLog2Pi
}

// Every analytic gradient of the policy agrees with finite differences:
// log pi, the entropy, and mu and log sigma apart, with sigma the same in
// every state and state-dependent.
func TestPolicyGradientsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, hidden := range [][]int{{4}, {3, 5}} {
		for trial := range 6 {
			stateSigma := trial%2 == 1
			p := newTestPolicy(rng, 3, hidden, stateSigma)
			if stateSigma {
				// sigma must differ between states for the check to see q.
				if _, s0 := p.Dist([]float64{1, 3, 3}); scalar.EqualWithinRel(s0, p.Sigma(), 1e-6) {
					t.Fatalf("state-dependent sigma %v at (1, 3, 3), %v at the mean: the same", s0, p.Sigma())
				}
			}
			phi := []float64{1, 3 + 5*rng.Float64(), 3 + 5*rng.Float64()}
			mu, sigma := p.Dist(phi)
			a := mu + 1.5*sigma*rng.NormFloat64()
			n := len(p.Params())
			check := func(what string, got func(grad []float64), f func() float64) {
				grad := make([]float64, n)
				for i := range grad {
					grad[i] = float64(i)
				}
				got(grad)
				want := numGrad(p.Params(), f)
				for i := range n {
					if g := (grad[i] - float64(i)) / 1.7; !scalar.EqualWithinAbsOrRel(g, want[i], fdTol, fdTol) {
						t.Errorf("hidden %v trial %d (state sigma %v): d %s / d param %d = %v analytically, %v by finite differences", hidden, trial, stateSigma, what, i, g, want[i])
					}
				}
			}
			check("log pi", func(g []float64) {
				if lp := p.AddGradLogProb(phi, a, 1.7, g); !scalar.EqualWithinAbsOrRel(lp, logProb(p, phi, a), 1e-12, 1e-12) {
					t.Errorf("AddGradLogProb returned %v, the density %v", lp, logProb(p, phi, a))
				}
			}, func() float64 { return logProb(p, phi, a) })
			check("H", func(g []float64) { p.AddGradEntropy(phi, 1.7, g) }, func() float64 {
				_, s := p.Dist(phi)
				return 0.5 * math.Log(2*math.Pi*math.E*s*s)
			})
			check("(mu - 2 log sigma)", func(g []float64) { p.AddGradDist(phi, 1.7, -3.4, g) }, func() float64 {
				m, s := p.Dist(phi)
				return m - 2*math.Log(s)
			})
		}
	}
}

// Sigma stays inside its bounds whatever rho an optimiser drives it to,
// and a new policy starts at sigma0 with mean 0 (or the offset) everywhere.
func TestPolicySigmaIsBounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := NewPolicy(rng, 2, []int{4}, true, false, 2, 0.5, 8, 10)
	for _, phi := range [][]float64{{1, 0}, {1, 7}} {
		if mu, s := p.Dist(phi); mu != 0 || !scalar.EqualWithinAbsOrRel(s, 2, 1e-12, 1e-12) {
			t.Errorf("new policy gives N(%v, %v²) at %v, want N(0, 2²)", mu, s, phi)
		}
	}
	p.SetMeanOffset(-3)
	if mu, _ := p.Dist([]float64{1, 4}); !scalar.EqualWithinAbs(mu, -3, 1e-12) {
		t.Errorf("mean %v after SetMeanOffset(-3)", mu)
	}
	rho := &p.Params()[len(p.Params())-1]
	for _, r := range []float64{-1e6, -50, -3, 0, 3, 50, 1e6} {
		*rho = r
		if s := p.Sigma(); !(s >= 0.5*(1-1e-12) && s <= 8*(1+1e-12)) {
			t.Errorf("rho %v: sigma %v outside [0.5, 8]", r, s)
		}
	}
}
