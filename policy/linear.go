package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Linear is a linear-Gaussian policy: an action a ~ N(theta . phi, sigma²).
type Linear struct {
	Theta []float64 // weights, one per feature
	Sigma float64   // standard deviation, shared by all states
}

// NewLinear returns a policy with dim zero weights and standard deviation sigma.
// It panics if dim < 1 or sigma is not a positive finite number.
func NewLinear(dim int, sigma float64) *Linear {
	if dim < 1 {
		panic(fmt.Sprintf("policy: NewLinear with %d features", dim))
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("policy: NewLinear with sigma %v", sigma))
	}
	return &Linear{Theta: make([]float64, dim), Sigma: sigma}
}

// Dim is the number of features the policy expects.
func (p *Linear) Dim() int { return len(p.Theta) }

// Mean is theta . phi.
func (p *Linear) Mean(phi []float64) float64 {
	if len(phi) != len(p.Theta) {
		panic(fmt.Sprintf("policy: %d features for a policy of %d", len(phi), len(p.Theta)))
	}
	var mu float64
	for i, w := range p.Theta {
		mu += w * phi[i]
	}
	return mu
}

// Sample draws an action for features phi and returns it with the mean it was
// drawn around.
func (p *Linear) Sample(rng *rand.Rand, phi []float64) (action, mean float64) {
	mu := p.Mean(phi)
	return mu + p.Sigma*rng.NormFloat64(), mu
}

// LogProb is the log density of action a under the policy at features phi.
func (p *Linear) LogProb(phi []float64, a float64) float64 {
	z := (a - p.Mean(phi)) / p.Sigma
	return -0.5*z*z - math.Log(p.Sigma) - 0.5*math.Log(2*math.Pi)
}

// GradLogProb writes the gradient of LogProb with respect to Theta into
// dTheta (length Dim) and returns its derivative with respect to Sigma:
//
//	d/dtheta = (a - mu) * phi / sigma²
//	d/dsigma = ((a - mu)² - sigma²) / sigma³
func (p *Linear) GradLogProb(phi []float64, a float64, dTheta []float64) (dSigma float64) {
	d := a - p.Mean(phi)
	s2 := p.Sigma * p.Sigma
	for i, f := range phi {
		dTheta[i] = d * f / s2
	}
	return (d*d - s2) / (s2 * p.Sigma)
}

// Clone returns a deep copy.
func (p *Linear) Clone() *Linear {
	return &Linear{Theta: append([]float64(nil), p.Theta...), Sigma: p.Sigma}
}
