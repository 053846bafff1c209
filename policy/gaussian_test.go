package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// fdTol is the agreement required between the analytic gradients of the
// Gaussian policies and central finite differences (gonum's step h = 6e-6).
// The central formula's truncation error is about h²/6 times the third
// derivative, 6e-12 * |f3|, and its rounding error about eps*|f|/h ≈
// 4e-11 * |f|; at the parameters drawn here |f| and |f3| stay below about
// 100 (standardised actions within a few units, tanh layers with weights of
// order 1), so the two agree to about 1e-8 absolute. 1e-6 absolute or
// relative leaves a factor 100 for unlucky draws, while a wrong factor, sign
// or missing term is off by far more.
const fdTol = 1e-6

// gaussianCase builds a policy with random parameters away from the sigma
// floor.
type gaussianCase struct {
	name string
	make func(rng *rand.Rand) Gaussian
}

func gaussianCases() []gaussianCase {
	var cases []gaussianCase
	for _, dim := range []int{1, 3, 8} {
		for _, state := range []bool{false, true} {
			cases = append(cases, gaussianCase{
				name: caseName("linear", dim, nil, state),
				make: func(rng *rand.Rand) Gaussian {
					p := NewLinearGaussian(dim, 1, state)
					p.MinSigma = 0
					for i := range p.Theta() {
						p.Theta()[i] = 10 * (rng.Float64() - 0.5)
					}
					for i := range p.LogSigma() {
						p.LogSigma()[i] = 2 * (rng.Float64() - 0.5) / float64(dim)
					}
					return p
				},
			})
			for _, hidden := range [][]int{{5}, {4, 3}} {
				cases = append(cases, gaussianCase{
					name: caseName("mlp", dim, hidden, state),
					make: func(rng *rand.Rand) Gaussian {
						p := NewMLPGaussian(rng, dim, hidden, 1, state)
						p.MinSigma = 0
						// Randomise every parameter, the zero heads included,
						// so that each term of the gradient is exercised.
						for i := range p.Params() {
							p.Params()[i] = rng.NormFloat64()
						}
						return p
					},
				})
			}
		}
	}
	return cases
}

func caseName(kind string, dim int, hidden []int, state bool) string {
	sigma := "global-sigma"
	if state {
		sigma = "state-sigma"
	}
	if hidden == nil {
		return fmt.Sprintf("%s/dim%d/%s", kind, dim, sigma)
	}
	return fmt.Sprintf("%s/dim%d/hidden%v/%s", kind, dim, hidden, sigma)
}

func randomFeatures(rng *rand.Rand, dim int) []float64 {
	phi := make([]float64, dim)
	for i := range phi {
		phi[i] = 2*rng.Float64() - 1
	}
	return phi
}

// numGrad is the central finite-difference gradient of f(p) with respect to
// p's parameters; it leaves the parameters as they were.
func numGrad(p Gaussian, f func() float64) []float64 {
	params := p.Params()
	orig := append([]float64(nil), params...)
	g := fd.Gradient(nil, func(x []float64) float64 {
		copy(params, x)
		return f()
	}, orig, &fd.Settings{Formula: fd.Central})
	copy(params, orig)
	return g
}

func TestGaussianGradientsMatchFiniteDifferences(t *testing.T) {
	for _, c := range gaussianCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 5))
			for trial := range 10 {
				p := c.make(rng)
				phi := randomFeatures(rng, p.Dim())
				mu, sigma := p.Dist(phi)
				a := mu + 2*sigma*rng.NormFloat64()
				const scale = 1.7 // the Add methods must scale and add, not overwrite
				n := len(p.Params())

				grad := make([]float64, n)
				for i := range grad {
					grad[i] = float64(i)
				}
				logp := p.AddGradLogProb(phi, a, scale, grad)
				if want := LogProb(p, phi, a); !scalar.EqualWithinAbsOrRel(logp, want, 1e-12, 1e-12) {
					t.Errorf("trial %d: AddGradLogProb returned log pi %v, the density gives %v", trial, logp, want)
				}
				want := numGrad(p, func() float64 { return LogProb(p, phi, a) })
				for i := range n {
					got := (grad[i] - float64(i)) / scale
					if !scalar.EqualWithinAbsOrRel(got, want[i], fdTol, fdTol) {
						t.Errorf("trial %d: d log pi / d param %d of %d = %v analytically, %v by finite differences", trial, i, n, got, want[i])
					}
				}

				clear(grad)
				h := p.AddGradEntropy(phi, scale, grad)
				entropy := func() float64 {
					_, s := p.Dist(phi)
					return 0.5 * math.Log(2*math.Pi*math.E*s*s)
				}
				if want := entropy(); !scalar.EqualWithinAbsOrRel(h, want, 1e-12, 1e-12) {
					t.Errorf("trial %d: AddGradEntropy returned H %v, 0.5*log(2*pi*e*sigma²) is %v", trial, h, want)
				}
				want = numGrad(p, entropy)
				for i := range n {
					if got := grad[i] / scale; !scalar.EqualWithinAbsOrRel(got, want[i], fdTol, fdTol) {
						t.Errorf("trial %d: dH / d param %d of %d = %v analytically, %v by finite differences", trial, i, n, got, want[i])
					}
				}
			}
		})
	}
}

// At the floor sigma does not depend on the log-sigma parameters: their
// analytic gradient must be exactly zero, and finite differences agree.
func TestGaussianFloorStopsTheSigmaGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	lin := NewLinearGaussian(2, 0.1, false)
	lin.MinSigma = 1
	mlp := NewMLPGaussian(rng, 2, []int{3}, 0.1, true)
	mlp.MinSigma = 1
	for _, c := range []struct {
		name  string
		p     Gaussian
		sigma []int // indices of the log-sigma parameters
	}{
		{"linear", lin, []int{2}},
		{"mlp state sigma", mlp, []int{len(mlp.Params()) - 4, len(mlp.Params()) - 3, len(mlp.Params()) - 2, len(mlp.Params()) - 1}},
	} {
		phi := []float64{1, 0.3}
		if _, s := c.p.Dist(phi); s != 1 {
			t.Fatalf("%s: sigma %v with exp(log sigma) = 0.1 below the floor 1, want the floor", c.name, s)
		}
		grad := make([]float64, len(c.p.Params()))
		c.p.AddGradLogProb(phi, 2.5, 1, grad)
		c.p.AddGradEntropy(phi, 1, grad)
		want := numGrad(c.p, func() float64 { return LogProb(c.p, phi, 2.5) })
		for _, i := range c.sigma {
			if grad[i] != 0 || math.Abs(want[i]) > fdTol {
				t.Errorf("%s: gradient of log-sigma parameter %d at the floor is %v (finite differences %v), want 0", c.name, i, grad[i], want[i])
			}
		}
	}
}

func TestSampleMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	lin := NewLinearGaussian(2, 3, true)
	copy(lin.Params(), []float64{2, -1, math.Log(3), 0.4})
	mlp := NewMLPGaussian(rng, 2, []int{4}, 2, true)
	mlp.SetMeanOffset(-5)
	for _, c := range []struct {
		name string
		p    Gaussian
	}{{"linear state sigma", lin}, {"mlp state sigma", mlp}} {
		phi := []float64{1, 0.5}
		mu, sigma := c.p.Dist(phi)
		const n = 100000
		var sum, sumSq float64
		for range n {
			a, m, s := Sample(c.p, rng, phi)
			if m != mu || s != sigma {
				t.Fatalf("%s: Sample reported N(%v, %v²), Dist gives N(%v, %v²)", c.name, m, s, mu, sigma)
			}
			sum += a
			sumSq += a * a
		}
		mean := sum / n
		sd := math.Sqrt(sumSq/n - mean*mean)
		// Standard errors: sigma/sqrt(n) for the mean, about
		// sigma/sqrt(2n) for the standard deviation of a normal sample.
		// Five of them: a correct sampler fails with probability below 1e-6.
		if se := sigma / math.Sqrt(n); math.Abs(mean-mu) > 5*se {
			t.Errorf("%s: sample mean %v, want %v within 5 standard errors (%v)", c.name, mean, mu, 5*se)
		}
		if se := sigma / math.Sqrt(2*n); math.Abs(sd-sigma) > 5*se {
			t.Errorf("%s: sample standard deviation %v, want %v within 5 standard errors (%v)", c.name, sd, sigma, 5*se)
		}
	}
}

func TestNewGaussiansStartAtSigma0AndOffset(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		name string
		p    interface {
			Gaussian
			SetMeanOffset(float64)
		}
	}{
		{"linear global", NewLinearGaussian(3, 10, false)},
		{"linear state", NewLinearGaussian(3, 10, true)},
		{"mlp global", NewMLPGaussian(rng, 3, []int{8}, 10, false)},
		{"mlp state", NewMLPGaussian(rng, 3, []int{8, 4}, 10, true)},
	} {
		c.p.SetMeanOffset(-7)
		for _, phi := range [][]float64{{1, 0, 0}, {1, 0.3, 0.9}, {1, 1, -1}} {
			mu, sigma := c.p.Dist(phi)
			if !scalar.EqualWithinAbs(mu, -7, 1e-12) || !scalar.EqualWithinAbsOrRel(sigma, 10, 1e-12, 1e-12) {
				t.Errorf("%s: new policy with offset -7 and sigma0 10 gives N(%v, %v²) at %v, want N(-7, 10²) in every state (bias feature phi[0] = 1)", c.name, mu, sigma, phi)
			}
		}
	}
}

func TestMLPGaussianIsReproducible(t *testing.T) {
	a := NewMLPGaussian(rand.New(rand.NewPCG(5, 6)), 4, []int{6, 6}, 1, true)
	b := NewMLPGaussian(rand.New(rand.NewPCG(5, 6)), 4, []int{6, 6}, 1, true)
	c := NewMLPGaussian(rand.New(rand.NewPCG(5, 7)), 4, []int{6, 6}, 1, true)
	same := true
	for i := range a.Params() {
		if a.Params()[i] != b.Params()[i] {
			t.Fatalf("two policies from the same seed differ at parameter %d: %v and %v", i, a.Params()[i], b.Params()[i])
		}
		same = same && a.Params()[i] == c.Params()[i]
	}
	if same {
		t.Errorf("policies from different seeds have the same parameters")
	}
	// Glorot bound of the first layer: sqrt(6/(4+6)).
	r := math.Sqrt(0.6)
	for i, w := range a.Params()[:24] {
		if math.Abs(w) > r || w == 0 {
			t.Errorf("first-layer weight %d is %v, want a nonzero draw from U(-%v, %v)", i, w, r, r)
		}
	}
}

func TestGaussianConstructorsRejectBadArguments(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"linear dim 0", func() { NewLinearGaussian(0, 1, false) }},
		{"linear sigma0 0", func() { NewLinearGaussian(2, 0, false) }},
		{"linear sigma0 NaN", func() { NewLinearGaussian(2, math.NaN(), true) }},
		{"mlp dim 0", func() { NewMLPGaussian(rng, 0, []int{3}, 1, false) }},
		{"mlp no hidden layer", func() { NewMLPGaussian(rng, 2, nil, 1, false) }},
		{"mlp empty hidden layer", func() { NewMLPGaussian(rng, 2, []int{3, 0}, 1, false) }},
		{"mlp sigma0 Inf", func() { NewMLPGaussian(rng, 2, []int{3}, math.Inf(1), false) }},
		{"wrong feature count", func() { NewLinearGaussian(2, 1, false).Dist([]float64{1}) }},
		{"wrong gradient length", func() { NewLinearGaussian(2, 1, false).AddGradLogProb([]float64{1, 1}, 0, 1, make([]float64, 2)) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: did not panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

func TestGaussianHotPathsDoNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []Gaussian{
		NewLinearGaussian(8, 1, true),
		NewMLPGaussian(rng, 8, []int{16, 16}, 1, true),
	} {
		phi := randomFeatures(rng, 8)
		grad := make([]float64, len(p.Params()))
		for _, c := range []struct {
			name string
			f    func()
		}{
			{"Sample", func() { Sample(p, rng, phi) }},
			{"AddGradLogProb", func() { p.AddGradLogProb(phi, 0.5, 1, grad) }},
			{"AddGradEntropy", func() { p.AddGradEntropy(phi, 1, grad) }},
		} {
			if n := testing.AllocsPerRun(100, c.f); n != 0 {
				t.Errorf("%T: %s allocates %v times per call, want 0", p, c.name, n)
			}
		}
	}
}

// AddGradDist gives the gradients of the mean and of log sigma apart; both
// must agree with finite differences of Dist (tolerance fdTol, as above).
func TestGaussianDistGradientsMatchFiniteDifferences(t *testing.T) {
	for _, c := range gaussianCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(4, 6))
			for trial := range 5 {
				p := c.make(rng).(DistGrader)
				phi := randomFeatures(rng, p.Dim())
				n := len(p.Params())
				for _, w := range [][2]float64{{1, 0}, {0, 1}, {0.7, -1.3}} {
					grad := make([]float64, n)
					for i := range grad {
						grad[i] = float64(i) // must add, not overwrite
					}
					mu, sigma := p.AddGradDist(phi, w[0], w[1], grad)
					if m, s := p.Dist(phi); m != mu || s != sigma {
						t.Fatalf("trial %d: AddGradDist returned N(%v, %v²), Dist gives N(%v, %v²)", trial, mu, sigma, m, s)
					}
					want := numGrad(p, func() float64 {
						m, s := p.Dist(phi)
						return w[0]*m + w[1]*math.Log(s)
					})
					for i := range n {
						if got := grad[i] - float64(i); !scalar.EqualWithinAbsOrRel(got, want[i], fdTol, fdTol) {
							t.Errorf("trial %d, weights %v: d(%v mu + %v log sigma)/d param %d = %v analytically, %v by finite differences", trial, w, w[0], w[1], i, got, want[i])
						}
					}
				}
			}
		})
	}
}

// LiftSigma puts a global log sigma that fell below the floor back on it,
// and leaves one above the floor, or a state-dependent sigma, alone.
func TestLiftSigma(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	lin := NewLinearGaussian(2, 0.01, false)
	lin.MinSigma = 0.1
	mlp := NewMLPGaussian(rng, 2, []int{3}, 0.01, false)
	mlp.MinSigma = 0.1
	for _, p := range []interface {
		Gaussian
		LiftSigma()
	}{lin, mlp} {
		s := &p.Params()[len(p.Params())-1]
		p.LiftSigma()
		if !scalar.EqualWithinAbs(*s, math.Log(0.1), 1e-15) {
			t.Errorf("%T: log sigma %v after LiftSigma with sigma 0.01 below the floor 0.1, want log 0.1", p, *s)
		}
		*s = math.Log(0.5)
		p.LiftSigma()
		if *s != math.Log(0.5) {
			t.Errorf("%T: LiftSigma moved a log sigma above the floor to %v", p, *s)
		}
	}
	state := NewLinearGaussian(2, 0.01, true)
	state.MinSigma = 0.1
	before := append([]float64(nil), state.Params()...)
	state.LiftSigma()
	for i, w := range state.Params() {
		if w != before[i] {
			t.Errorf("LiftSigma changed parameter %d of a state-dependent sigma: %v to %v", i, before[i], w)
		}
	}
}
