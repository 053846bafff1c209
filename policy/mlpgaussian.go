package policy

import (
	"math"
	"math/rand/v2"
)

// MLPGaussian is a [Gaussian] policy whose mean is a small neural network:
// hidden layers of tanh units h = tanh(W h' + b) on the features, then
//
//	mu    = u . h + m                          (linear mean head)
//	sigma = max(MinSigma, exp(s))   s = c          (StateSigma false: one global parameter)
//	                                s = v . h + c  (StateSigma true: a log-sigma head)
//
// Params() holds the hidden layers (each W row-major, then b), then u, m,
// then v (with state sigma) and c. The floor MinSigma cuts the gradient of
// the log-sigma parameters as for [LinearGaussian].
//
// Evaluation and gradients reuse buffers inside the policy and do not
// allocate; a policy is therefore not safe for concurrent use.
type MLPGaussian struct {
	MinSigma float64 // floor of sigma (>= 0)

	trunk      trunk
	stateSigma bool
	params     []float64
	head       int // start of u; m is at head+width
	sig        int // start of v (state sigma) or of c
}

// NewMLPGaussian returns a policy over dim features with the given hidden
// layer widths (one or two layers of a few dozen units are what it is meant
// for), a global or state-dependent sigma, and MinSigma [DefaultMinSigma].
//
// The hidden layers are drawn Glorot-uniform from rng, so the same seed gives
// the same policy; their biases and both heads start at zero except c = log
// sigma0. The initial policy is therefore N(0, sigma0²) in every state, like
// a new [LinearGaussian]'s; [MLPGaussian.SetMeanOffset] moves the mean.
// It panics if dim < 1, hidden is empty or has a width < 1, or sigma0 is not
// a positive finite number.
func NewMLPGaussian(rng *rand.Rand, dim int, hidden []int, sigma0 float64, stateSigma bool) *MLPGaussian {
	t := newTrunk("NewMLPGaussian", dim, hidden)
	checkSigma0("NewMLPGaussian", sigma0)
	h := t.width()
	p := &MLPGaussian{MinSigma: DefaultMinSigma, trunk: t, stateSigma: stateSigma, head: t.n, sig: t.n + h + 1}
	n := p.sig + 1
	if stateSigma {
		n += h
	}
	p.params = make([]float64, n)
	t.glorot(rng, p.params)
	p.params[n-1] = math.Log(sigma0)
	return p
}

// Dim is the number of features.
func (p *MLPGaussian) Dim() int { return p.trunk.sizes[0] }

// StateSigma reports whether sigma depends on the features.
func (p *MLPGaussian) StateSigma() bool { return p.stateSigma }

// Params returns all parameters (a view, not a copy).
func (p *MLPGaussian) Params() []float64 { return p.params }

// SetMeanOffset sets m, the bias of the mean head, to offset: the
// aggressiveness offset on the initial mean of MODEL section 5. It needs no
// bias feature.
func (p *MLPGaussian) SetMeanOffset(offset float64) { p.params[p.head+p.trunk.width()] = offset }

// Dist returns the mean and standard deviation at phi.
func (p *MLPGaussian) Dist(phi []float64) (mu, sigma float64) {
	mu, s := p.forward(phi)
	sigma, _ = clampedSigma(s, p.MinSigma)
	return mu, sigma
}

// forward returns the mean and log sigma (before the floor) at phi.
func (p *MLPGaussian) forward(phi []float64) (mu, s float64) {
	h := p.trunk.forward(p.params, phi)
	u := p.params[p.head : p.head+len(h)]
	mu = p.params[p.head+len(h)]
	for j, x := range h {
		mu += u[j] * x
	}
	if !p.stateSigma {
		return mu, p.params[p.sig]
	}
	v := p.params[p.sig : p.sig+len(h)]
	s = p.params[p.sig+len(h)]
	for j, x := range h {
		s += v[j] * x
	}
	return mu, s
}

// AddGradLogProb adds scale * d/dparams log pi(a|phi) into grad and returns
// log pi(a|phi), by one forward and one backward pass.
func (p *MLPGaussian) AddGradLogProb(phi []float64, a, scale float64, grad []float64) float64 {
	checkDim("gradient", len(grad), len(p.params))
	mu, s := p.forward(phi)
	sigma, clamped := clampedSigma(s, p.MinSigma)
	logp, dMu, dS := logProbGrads(a, mu, sigma, clamped)
	p.backward(scale*dMu, scale*dS, grad)
	return logp
}

// AddGradEntropy adds scale * d/dparams H into grad and returns
// H = 0.5*log(2*pi*e) + log sigma. With a global sigma it needs no pass
// through the network, and with scale 0 no backward pass.
func (p *MLPGaussian) AddGradEntropy(phi []float64, scale float64, grad []float64) float64 {
	checkDim("gradient", len(grad), len(p.params))
	var s float64
	if p.stateSigma {
		_, s = p.forward(phi)
	} else {
		checkDim("features", len(phi), p.Dim())
		s = p.params[p.sig]
	}
	sigma, clamped := clampedSigma(s, p.MinSigma)
	if !clamped && scale != 0 {
		p.backward(0, scale, grad)
	}
	return halfLog2PiE + math.Log(sigma)
}

// AddGradDist adds gMu * d(mu)/dparams + gLogSigma * d(log sigma)/dparams
// into grad and returns the mean and standard deviation at phi, by one
// forward and one backward pass. At the floor log sigma gets no gradient.
func (p *MLPGaussian) AddGradDist(phi []float64, gMu, gLogSigma float64, grad []float64) (mu, sigma float64) {
	checkDim("gradient", len(grad), len(p.params))
	mu, s := p.forward(phi)
	sigma, clamped := clampedSigma(s, p.MinSigma)
	if clamped {
		gLogSigma = 0
	}
	p.backward(gMu, gLogSigma, grad)
	return mu, sigma
}

// LiftSigma raises a global log-sigma parameter that has fallen below
// log(MinSigma) back to it, so that gradients reach it again. A
// state-dependent sigma is left alone.
func (p *MLPGaussian) LiftSigma() {
	if !p.stateSigma && p.MinSigma > 0 {
		c := &p.params[p.sig]
		*c = math.Max(*c, math.Log(p.MinSigma))
	}
}

// backward adds into grad gMu times the gradient of mu plus gS times the
// gradient of log sigma (before the floor), at the last forward pass.
func (p *MLPGaussian) backward(gMu, gS float64, grad []float64) {
	h := p.trunk.act[len(p.trunk.act)-1]
	w := len(h)
	if !p.stateSigma {
		grad[p.sig] += gS
		if gMu == 0 {
			return
		}
	}
	u := p.params[p.head : p.head+w]
	gu := grad[p.head : p.head+w]
	dh := p.trunk.lastGrad()
	for j, x := range h {
		gu[j] += gMu * x
		dh[j] = gMu * u[j]
	}
	grad[p.head+w] += gMu
	if p.stateSigma {
		v := p.params[p.sig : p.sig+w]
		gv := grad[p.sig : p.sig+w]
		for j, x := range h {
			gv[j] += gS * x
			dh[j] += gS * v[j]
		}
		grad[p.sig+w] += gS
	}
	p.trunk.backward(p.params, grad)
}

// sigmaFloor gives Natural's Anneal the floor of sigma.
func (p *MLPGaussian) sigmaFloor() *float64 { return &p.MinSigma }
