package policy

import (
	"math"
	"math/rand/v2"
)

// MLPCritic is a neural value estimate: hidden tanh layers on the features
// and a linear head, V(phi) = Shift + Scale*(u . h + m). Fit takes Steps
// full-batch steps of Opt on the mean squared error in normalised units
//
//	L = 1/(2D) sum_i (u . h_i + m - (G_i - Shift)/Scale)²
//
// Shift and Scale track the mean and standard deviation of the returns
// (PopArt, van Hasselt et al. 2016): the first batch sets them, and each
// later one moves running first and second moments by the weight Rate,
// while u and m are rescaled so that V is unchanged by the move. The network
// so always learns values of order 1, where its initial weights and the
// optimiser's step sizes make sense, whether returns are in the hundreds (a
// shipper's) or shrink towards 0 as a policy converges (a bandit's).
//
// It reuses its buffers and does not allocate after the first Fit; it is not
// safe for concurrent use.
type MLPCritic struct {
	Opt   Optimizer // the step on the negated loss gradient; NewMLPCritic sets Adam with LR 0.01
	Steps int       // steps per Fit; NewMLPCritic sets 10 (0 also means 1)
	Rate  float64   // weight of each new batch in the running moments; NewMLPCritic sets 0.1; 0 freezes them after the first batch

	Shift, Scale float64 // target normalisation (read-only)

	trunk  trunk
	params []float64 // hidden layers, u, m
	head   int
	grad   []float64
	fitted bool
	mom1   float64 // running mean of returns
	mom2   float64 // running mean of squared returns
}

// NewMLPCritic returns a critic over dim features with the given hidden
// layer widths, hidden weights drawn Glorot-uniform from rng and a zero
// head (so it predicts the first batch's mean return until trained).
func NewMLPCritic(rng *rand.Rand, dim int, hidden []int) *MLPCritic {
	t := newTrunk("NewMLPCritic", dim, hidden)
	c := &MLPCritic{
		Opt:    &Adam{LR: 0.01},
		Steps:  10,
		Rate:   0.1,
		Scale:  1,
		trunk:  t,
		head:   t.n,
		params: make([]float64, t.n+t.width()+1),
		grad:   make([]float64, t.n+t.width()+1),
	}
	t.glorot(rng, c.params)
	return c
}

// Params returns the network's parameters (a view, not a copy).
func (c *MLPCritic) Params() []float64 { return c.params }

// Value is the estimated return at phi.
func (c *MLPCritic) Value(phi []float64) float64 { return c.Shift + c.Scale*c.net(phi) }

// net is u . h + m, in normalised units.
func (c *MLPCritic) net(phi []float64) float64 {
	h := c.trunk.forward(c.params, phi)
	u := c.params[c.head : c.head+len(h)]
	v := c.params[c.head+len(h)]
	for j, x := range h {
		v += u[j] * x
	}
	return v
}

// Fit takes Steps optimiser steps on the batch. An empty batch changes nothing.
func (c *MLPCritic) Fit(b *Batch, returns []float64) {
	checkDim("batch features", b.Dim(), c.trunk.sizes[0])
	checkDim("returns", len(returns), b.Len())
	if b.Len() == 0 {
		return
	}
	c.normalise(returns)
	steps := max(c.Steps, 1)
	for range steps {
		c.lossGrad(b, returns, c.grad)
		for i := range c.grad {
			c.grad[i] = -c.grad[i]
		}
		c.Opt.Step(c.params, c.grad)
	}
}

// normalise moves Shift and Scale towards the moments of returns and
// rescales the head so that Value is unchanged.
func (c *MLPCritic) normalise(returns []float64) {
	var m1, m2 float64
	for _, g := range returns {
		m1 += g
		m2 += g * g
	}
	m1 /= float64(len(returns))
	m2 /= float64(len(returns))
	first := !c.fitted
	if first {
		c.mom1, c.mom2, c.fitted = m1, m2, true
	} else {
		c.mom1 += c.Rate * (m1 - c.mom1)
		c.mom2 += c.Rate * (m2 - c.mom2)
	}
	shift := c.mom1
	scale := math.Sqrt(math.Max(c.mom2-c.mom1*c.mom1, 0))
	if !(scale > 1e-12*math.Max(1, math.Abs(shift))) {
		// No spread to measure (yet): keep the unit the network learns in.
		scale = c.Scale
	}
	if first {
		// The untrained network predicts 0 in normalised units: the mean.
		c.Shift, c.Scale = shift, scale
		return
	}
	w := c.trunk.width()
	u := c.params[c.head : c.head+w]
	for j := range u {
		u[j] *= c.Scale / scale
	}
	m := &c.params[c.head+w]
	*m = (c.Scale**m + c.Shift - shift) / scale
	c.Shift, c.Scale = shift, scale
}

// lossGrad writes dL/dparams into grad and returns L (see [MLPCritic]).
func (c *MLPCritic) lossGrad(b *Batch, returns []float64, grad []float64) float64 {
	clear(grad)
	w := c.trunk.width()
	invD := 1 / float64(b.Len())
	var loss float64
	for i := range b.Len() {
		r := c.net(b.Features(i)) - (returns[i]-c.Shift)/c.Scale
		loss += 0.5 * r * r * invD
		g := r * invD
		h := c.trunk.act[len(c.trunk.act)-1]
		u := c.params[c.head : c.head+w]
		gu := grad[c.head : c.head+w]
		dh := c.trunk.lastGrad()
		for j, x := range h {
			gu[j] += g * x
			dh[j] = g * u[j]
		}
		grad[c.head+w] += g
		c.trunk.backward(c.params, grad)
	}
	return loss
}
