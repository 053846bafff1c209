package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Gaussian is a stochastic pricing policy a ~ N(mu(phi), sigma(phi)²) with
// a flat parameter vector. [LinearGaussian] and [MLPGaussian] implement it;
// [PG] trains any implementation.
//
// Implementations keep scratch buffers, so a policy is not safe for
// concurrent use: give each goroutine its own.
type Gaussian interface {
	// Dim is the number of features.
	Dim() int
	// Params returns all parameters as one slice; optimisers update it in place.
	Params() []float64
	// Dist returns the mean and standard deviation of the action at phi.
	Dist(phi []float64) (mu, sigma float64)
	// AddGradLogProb adds scale * d/dparams log pi(a|phi) into grad
	// (len(Params())) and returns log pi(a|phi).
	AddGradLogProb(phi []float64, a, scale float64, grad []float64) float64
	// AddGradEntropy adds scale * d/dparams H(pi(.|phi)) into grad and
	// returns H, the Gaussian entropy 0.5*log(2*pi*e*sigma²).
	AddGradEntropy(phi []float64, scale float64, grad []float64) float64
}

// DistGrader is a [Gaussian] policy that gives the gradients of its mean
// and of its log standard deviation apart, which the Fisher information of
// [Natural] needs. [LinearGaussian] and [MLPGaussian] implement it.
type DistGrader interface {
	Gaussian
	// AddGradDist adds gMu * d(mu)/dparams + gLogSigma * d(log sigma)/dparams
	// at phi into grad and returns mu and sigma there.
	AddGradDist(phi []float64, gMu, gLogSigma float64, grad []float64) (mu, sigma float64)
}

// DefaultMinSigma is the floor of the standard deviation that
// [NewLinearGaussian] and [NewMLPGaussian] set.
const DefaultMinSigma = 1e-3

// Sample draws an action for features phi from p and returns it with the
// mean and standard deviation it was drawn with (what a [Batch] records).
func Sample(p Gaussian, rng *rand.Rand, phi []float64) (a, mu, sigma float64) {
	mu, sigma = p.Dist(phi)
	return mu + sigma*rng.NormFloat64(), mu, sigma
}

// LogProb is the log density of action a under p at features phi.
func LogProb(p Gaussian, phi []float64, a float64) float64 {
	mu, sigma := p.Dist(phi)
	return normLogProb(a, mu, sigma)
}

// halfLog2Pi is 0.5*log(2*pi) and halfLog2PiE is 0.5*log(2*pi*e).
const (
	halfLog2Pi  = 0.91893853320467274178032973640561763986139747363778
	halfLog2PiE = halfLog2Pi + 0.5
)

func normLogProb(a, mu, sigma float64) float64 {
	z := (a - mu) / sigma
	return -0.5*z*z - math.Log(sigma) - halfLog2Pi
}

// clampedSigma returns exp(logSigma) floored at min, and whether the floor
// is active (in which case sigma does not depend on logSigma and every
// gradient through it is zero).
func clampedSigma(logSigma, min float64) (sigma float64, clamped bool) {
	sigma = math.Exp(logSigma)
	if sigma < min {
		return min, true
	}
	return sigma, false
}

// logProbGrads returns log N(a; mu, sigma²) and its derivatives with respect
// to mu and to log sigma (the latter zero when the floor is active).
func logProbGrads(a, mu, sigma float64, clamped bool) (logp, dMu, dLogSigma float64) {
	d := a - mu
	s2 := sigma * sigma
	z2 := d * d / s2
	logp = -0.5*z2 - math.Log(sigma) - halfLog2Pi
	dMu = d / s2
	if !clamped {
		dLogSigma = z2 - 1
	}
	return logp, dMu, dLogSigma
}

func checkDim(what string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("policy: %s of length %d, want %d", what, got, want))
	}
}

func checkSigma0(ctor string, sigma0 float64) {
	if !(sigma0 > 0) || math.IsInf(sigma0, 0) {
		panic(fmt.Sprintf("policy: %s with sigma0 %v", ctor, sigma0))
	}
}
