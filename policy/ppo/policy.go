package ppo

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Policy is a Gaussian pricing policy whose mean is a neural network of the
// normalised features, in units of a price scale:
//
//	x     = (phi - m) / s                       (running feature statistics)
//	mu    = Scale * (net(x) + s . x)            (tanh hidden layers, linear output; s . x only with the linear path)
//	sigma = Scale * exp(lo + (hi-lo)*sigmoid(rho (+ q . x)))   (q . x only with a state-dependent sigma)
//
// with lo = log(MinSigma/Scale) and hi = log(MaxSigma/Scale): sigma is
// bounded in [MinSigma, MaxSigma] by construction, so no optimiser can
// collapse it, and its gradient fades smoothly, without a kink, near the
// bounds. Working in units of Scale makes the network's weights and the
// optimiser's steps of order 1 whatever the unit of money.
//
// m and s are the mean and standard deviation of every feature vector the
// policy has learned from (Welford's algorithm), folded in by [PPO] after
// each update, so that the policy does not change under a batch while it
// learns from it; a feature that has not varied (the bias) is centred but
// not scaled.
//
// With a state-dependent sigma the logit of sigma has a linear head q on
// the normalised features besides rho (q starts at 0, so the policy starts
// at sigma0 everywhere): sigma can widen in the states whose quotes have
// stopped paying off or costing anything, where only an entropy bonus
// moves it, and narrow where noise costs ([Config].StateSigma).
//
// Params() holds the network's parameters (hidden layers, each W row-major
// then b; then the output weights and bias; then s), then q (with a
// state-dependent sigma), and last rho. Policy implements
// policy.Gaussian and policy.DistGrader. It keeps buffers, so it is not
// safe for concurrent use.
type Policy struct {
	Scale              float64 // price scale (money units per network output unit)
	MinSigma, MaxSigma float64 // bounds of sigma, in money units

	net    *net
	q      []float64 // the linear head of sigma's logit on the normalised features (a view; nil: sigma is the same in every state)
	params []float64
	grad   []float64 // the net's own gradient buffer
	x      []float64 // one normalised feature row
	one    [1]float64

	count     float64
	mean, m2  []float64 // running feature statistics
	shift, sd []float64 // the normalisation in use
}

// NewPolicy returns a policy over dim features with the given hidden
// widths, with the linear path s if linear, a state-dependent sigma (the
// head q) if stateSigma, initial standard deviation
// sigma0 (the mean starts at 0 in every state: hidden weights
// Glorot-uniform from rng, output layer and s zero), sigma
// bounded in [minSigma, maxSigma], and price scale scale. It panics on a
// bad size or if 0 < minSigma < sigma0 < maxSigma and scale > 0 do not hold.
func NewPolicy(rng *rand.Rand, dim int, hidden []int, linear, stateSigma bool, sigma0, minSigma, maxSigma, scale float64) *Policy {
	if !(0 < minSigma && minSigma < sigma0 && sigma0 < maxSigma && !math.IsInf(maxSigma, 0)) || !(scale > 0) || math.IsInf(scale, 0) {
		panic(fmt.Sprintf("ppo: NewPolicy with sigma0 %v in [%v, %v] and scale %v", sigma0, minSigma, maxSigma, scale))
	}
	n := size(append([]int{dim}, hidden...), linear)
	nq := 0
	if stateSigma {
		nq = dim
	}
	p := &Policy{
		Scale: scale, MinSigma: minSigma, MaxSigma: maxSigma,
		params: make([]float64, n+nq+1), grad: make([]float64, n+nq+1),
		x:    make([]float64, dim),
		mean: make([]float64, dim), m2: make([]float64, dim),
		shift: make([]float64, dim), sd: make([]float64, dim),
	}
	p.net = newNet(dim, hidden, linear, p.params, p.grad)
	p.net.init(rng)
	if stateSigma {
		p.q = p.params[n : n+nq]
	}
	for i := range p.sd {
		p.sd[i] = 1
	}
	// sigmoid(rho) = (log sigma0 - lo)/(hi - lo).
	lo, hi := p.bounds()
	f := (math.Log(sigma0/scale) - lo) / (hi - lo)
	p.params[n+nq] = math.Log(f / (1 - f))
	return p
}

// Dim is the number of features.
func (p *Policy) Dim() int { return len(p.x) }

// Params returns all parameters, rho last (a view).
func (p *Policy) Params() []float64 { return p.params }

// SetMeanOffset sets the network's output bias so that the initial mean
// price is offset (an aggressiveness offset, MODEL section 5).
func (p *Policy) SetMeanOffset(offset float64) { p.net.c[0] = offset / p.Scale }

// bounds returns lo and hi of log(sigma/Scale).
func (p *Policy) bounds() (lo, hi float64) {
	return math.Log(p.MinSigma / p.Scale), math.Log(p.MaxSigma / p.Scale)
}

// sigmaStart is the index of sigma's first parameter in Params (q's, or
// rho's without a state-dependent sigma).
func (p *Policy) sigmaStart() int { return len(p.params) - 1 - len(p.q) }

// logSigma returns log(sigma/Scale) and its derivative in rho at the
// normalised features 0 (the running mean of the features).
func (p *Policy) logSigma() (ls, dRho float64) {
	return p.logSigmaOf(p.params[len(p.params)-1])
}

// logSigmaOf returns log(sigma/Scale) and its derivative in the logit.
func (p *Policy) logSigmaOf(logit float64) (ls, dLogit float64) {
	lo, hi := p.bounds()
	s := 1 / (1 + math.Exp(-logit))
	return lo + (hi-lo)*s, (hi - lo) * s * (1 - s)
}

// logSigmaAt returns log(sigma/Scale) and its derivative in the logit at
// the normalised features x.
func (p *Policy) logSigmaAt(x []float64) (ls, dLogit float64) {
	logit := p.params[len(p.params)-1]
	for j, q := range p.q {
		logit += q * x[j]
	}
	return p.logSigmaOf(logit)
}

// addGradLogSigma adds g * d(log sigma)/dparams at the normalised
// features x into grad, given dLogit from logSigmaAt.
func (p *Policy) addGradLogSigma(x []float64, g, dLogit float64, grad []float64) {
	g *= dLogit
	for j := range p.q {
		grad[p.sigmaStart()+j] += g * x[j]
	}
	grad[len(grad)-1] += g
}

// Sigma is the standard deviation: the same in every state, or with a
// state-dependent sigma its value at the running mean of the features
// (normalised features 0).
func (p *Policy) Sigma() float64 { ls, _ := p.logSigma(); return p.Scale * math.Exp(ls) }

// normalise writes the normalised features of phi into dst.
func (p *Policy) normalise(dst, phi []float64) {
	if len(phi) != len(p.x) {
		panic(fmt.Sprintf("ppo: %d features for a policy of %d", len(phi), len(p.x)))
	}
	for i, v := range phi {
		dst[i] = (v - p.shift[i]) / p.sd[i]
	}
}

// Dist returns the mean and standard deviation at phi.
func (p *Policy) Dist(phi []float64) (mu, sigma float64) {
	p.normalise(p.x, phi)
	ls, _ := p.logSigmaAt(p.x)
	return p.Scale * p.net.forward(p.x, 1)[0], p.Scale * math.Exp(ls)
}

// AddGradDist adds gMu * d(mu)/dparams + gLogSigma * d(log sigma)/dparams
// at phi into grad and returns mu and sigma.
func (p *Policy) AddGradDist(phi []float64, gMu, gLogSigma float64, grad []float64) (mu, sigma float64) {
	if len(grad) != len(p.params) {
		panic(fmt.Sprintf("ppo: gradient of %d for %d parameters", len(grad), len(p.params)))
	}
	mu, sigma = p.Dist(phi)
	clear(p.grad)
	p.one[0] = gMu * p.Scale
	p.net.backward(p.one[:])
	for i, g := range p.grad {
		grad[i] += g
	}
	_, d := p.logSigmaAt(p.x)
	p.addGradLogSigma(p.x, gLogSigma, d, grad)
	return mu, sigma
}

// AddGradLogProb adds scale * d/dparams log pi(a|phi) into grad and
// returns log pi(a|phi).
func (p *Policy) AddGradLogProb(phi []float64, a, scale float64, grad []float64) float64 {
	mu, sigma := p.Dist(phi)
	z := (a - mu) / sigma
	p.AddGradDist(phi, scale*z/sigma, scale*(z*z-1), grad)
	return -0.5*z*z - math.Log(sigma) - halfLog2Pi
}

// AddGradEntropy adds scale * d/dparams H into grad and returns the
// entropy H = 0.5*log(2*pi*e) + log sigma at phi.
func (p *Policy) AddGradEntropy(phi []float64, scale float64, grad []float64) float64 {
	if len(phi) != len(p.x) || len(grad) != len(p.params) {
		panic(fmt.Sprintf("ppo: %d features and a gradient of %d for a policy of %d and %d", len(phi), len(grad), len(p.x), len(p.params)))
	}
	p.normalise(p.x, phi)
	ls, d := p.logSigmaAt(p.x)
	p.addGradLogSigma(p.x, scale, d, grad)
	return halfLog2Pi + 0.5 + math.Log(p.Scale) + ls
}

// observe folds a feature vector into the running statistics.
func (p *Policy) observe(phi []float64) {
	p.count++
	for i, v := range phi {
		d := v - p.mean[i]
		p.mean[i] += d / p.count
		p.m2[i] += d * (v - p.mean[i])
	}
}

// refresh puts the running statistics in use.
func (p *Policy) refresh() {
	for i := range p.shift {
		p.shift[i] = p.mean[i]
		sd := math.Sqrt(p.m2[i] / p.count)
		if !(sd > 1e-8*(1+math.Abs(p.mean[i]))) {
			sd = 1 // constant: centred to 0, left unscaled
		}
		p.sd[i] = sd
	}
}

const halfLog2Pi = 0.91893853320467274178032973640561763986139747363778
