package policy

import (
	"fmt"
	"math"
)

// LinearGaussian is a [Gaussian] policy with a linear mean and a log-linear
// standard deviation:
//
//	mu    = theta . phi
//	sigma = max(MinSigma, exp(s))   s = c        (StateSigma false: one global parameter)
//	                                s = w . phi  (StateSigma true: state-dependent sigma)
//
// Its parameters are laid out as Params() = (theta..., c) or (theta..., w...).
//
// Where the floor MinSigma is active sigma does not depend on the log-sigma
// parameters, so AddGradLogProb and AddGradEntropy give them zero gradient
// there. That is the exact derivative of the clamped density (everywhere but
// at the kink itself), and it is fine for learning: the floor exists only to
// stop sigma collapsing. The consequence to know: a global log-sigma that
// falls below log(MinSigma) gets no more gradient and stays there (a
// state-dependent one still moves through states off the floor), so set the
// floor at the smallest spread you want the agent to keep.
//
// Unlike [Linear], sigma is parametrised by its logarithm, so gradient steps
// can never make it negative, and the gradient is with respect to log sigma.
//
// A LinearGaussian keeps no scratch memory, but like every Gaussian it is
// not safe for concurrent use while it is being trained.
type LinearGaussian struct {
	MinSigma float64 // floor of sigma (>= 0)

	dim        int
	stateSigma bool
	params     []float64
}

// NewLinearGaussian returns a policy over dim features with zero mean weights
// and standard deviation sigma0 in every state, and MinSigma
// [DefaultMinSigma]. With stateSigma the log-sigma weights start at
// w = (log sigma0, 0, 0, ...): this assumes phi[0] == 1 is the bias feature,
// as in P2's features; otherwise the initial sigma is sigma0^phi[0].
// It panics if dim < 1 or sigma0 is not a positive finite number.
func NewLinearGaussian(dim int, sigma0 float64, stateSigma bool) *LinearGaussian {
	if dim < 1 {
		panic(fmt.Sprintf("policy: NewLinearGaussian with %d features", dim))
	}
	checkSigma0("NewLinearGaussian", sigma0)
	n := dim + 1
	if stateSigma {
		n = 2 * dim
	}
	p := &LinearGaussian{MinSigma: DefaultMinSigma, dim: dim, stateSigma: stateSigma, params: make([]float64, n)}
	p.params[dim] = math.Log(sigma0)
	return p
}

// Dim is the number of features.
func (p *LinearGaussian) Dim() int { return p.dim }

// StateSigma reports whether sigma depends on the features.
func (p *LinearGaussian) StateSigma() bool { return p.stateSigma }

// Params returns all parameters, mean weights first (a view, not a copy).
func (p *LinearGaussian) Params() []float64 { return p.params }

// Theta returns the mean weights (a view into Params).
func (p *LinearGaussian) Theta() []float64 { return p.params[:p.dim] }

// LogSigma returns the log-sigma parameters (a view into Params): one value
// c, or the weights w when sigma depends on the state.
func (p *LinearGaussian) LogSigma() []float64 { return p.params[p.dim:] }

// SetMeanOffset sets theta[0], the weight of the bias feature phi[0] == 1,
// to offset: the aggressiveness offset on the initial mean of MODEL section
// 5 (a shipper bids lower, a carrier asks higher).
func (p *LinearGaussian) SetMeanOffset(offset float64) { p.params[0] = offset }

// Dist returns the mean and standard deviation at phi.
func (p *LinearGaussian) Dist(phi []float64) (mu, sigma float64) {
	mu, s := p.affine(phi)
	sigma, _ = clampedSigma(s, p.MinSigma)
	return mu, sigma
}

// affine returns the mean and log sigma before the floor.
func (p *LinearGaussian) affine(phi []float64) (mu, s float64) {
	checkDim("features", len(phi), p.dim)
	theta := p.params[:p.dim]
	for i, x := range phi {
		mu += theta[i] * x
	}
	if !p.stateSigma {
		return mu, p.params[p.dim]
	}
	w := p.params[p.dim:]
	for i, x := range phi {
		s += w[i] * x
	}
	return mu, s
}

// AddGradLogProb adds scale * d/dparams log pi(a|phi) into grad and returns
// log pi(a|phi):
//
//	d/dtheta = (a - mu) * phi / sigma²
//	d/dc     = (a - mu)² / sigma² - 1          (d/dw: the same times phi)
func (p *LinearGaussian) AddGradLogProb(phi []float64, a, scale float64, grad []float64) float64 {
	checkDim("gradient", len(grad), len(p.params))
	mu, s := p.affine(phi)
	sigma, clamped := clampedSigma(s, p.MinSigma)
	logp, dMu, dS := logProbGrads(a, mu, sigma, clamped)
	gm := scale * dMu
	for i, x := range phi {
		grad[i] += gm * x
	}
	p.addLogSigmaGrad(phi, scale*dS, grad)
	return logp
}

// AddGradEntropy adds scale * d/dparams H into grad and returns
// H = 0.5*log(2*pi*e) + log sigma, whose derivative with respect to log
// sigma is 1 (0 at the floor).
func (p *LinearGaussian) AddGradEntropy(phi []float64, scale float64, grad []float64) float64 {
	checkDim("gradient", len(grad), len(p.params))
	_, s := p.affine(phi)
	sigma, clamped := clampedSigma(s, p.MinSigma)
	if !clamped && scale != 0 {
		p.addLogSigmaGrad(phi, scale, grad)
	}
	return halfLog2PiE + math.Log(sigma)
}

// AddGradDist adds gMu * d(mu)/dparams + gLogSigma * d(log sigma)/dparams
// into grad and returns the mean and standard deviation at phi. At the floor
// log sigma does not depend on the parameters and gets no gradient.
func (p *LinearGaussian) AddGradDist(phi []float64, gMu, gLogSigma float64, grad []float64) (mu, sigma float64) {
	checkDim("gradient", len(grad), len(p.params))
	mu, s := p.affine(phi)
	sigma, clamped := clampedSigma(s, p.MinSigma)
	if gMu != 0 {
		for i, x := range phi {
			grad[i] += gMu * x
		}
	}
	if !clamped && gLogSigma != 0 {
		p.addLogSigmaGrad(phi, gLogSigma, grad)
	}
	return mu, sigma
}

// LiftSigma raises a global log-sigma parameter that has fallen below
// log(MinSigma) back to it, so that gradients reach it again (below the
// floor they are zero). A state-dependent sigma is left alone.
func (p *LinearGaussian) LiftSigma() {
	if !p.stateSigma && p.MinSigma > 0 {
		c := &p.params[p.dim]
		*c = math.Max(*c, math.Log(p.MinSigma))
	}
}

// addLogSigmaGrad adds g * d(log sigma)/dparams into grad.
func (p *LinearGaussian) addLogSigmaGrad(phi []float64, g float64, grad []float64) {
	if !p.stateSigma {
		grad[p.dim] += g
		return
	}
	gw := grad[p.dim:]
	for i, x := range phi {
		gw[i] += g * x
	}
}

// sigmaFloor gives Natural's Anneal the floor of sigma.
func (p *LinearGaussian) sigmaFloor() *float64 { return &p.MinSigma }
