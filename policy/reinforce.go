package policy

import (
	"errors"
	"fmt"
	"math"
)

// ErrDiverged reports an update that left the policy with a non-finite
// weight or a non-positive standard deviation.
var ErrDiverged = errors.New("policy diverged")

// Reinforce is the REINFORCE update with a per-group baseline of van
// Heeswijk (2020), applied once per episode to a [Linear] policy.
//
// With N the number of completed trajectories, for each decision with
// advantage adv (see [Baseline]):
//
//	theta += (AlphaMu/N)    * sigma² * (a - mu) * phi / sigma_d² * adv
//	sigma += (AlphaSigma/N) * sigma² * adv * ((a - mu)² - sigma_d²) / sigma_d³
//
// where sigma_d is the standard deviation the action was drawn with. See the
// package documentation for what Compat changes.
type Reinforce struct {
	AlphaMu    float64 // step size of the weights (P2: 0.1)
	AlphaSigma float64 // step size of the standard deviation (P2: 0.01)
	Compat     bool    // reproduce the P2 code's quirks (b) and (c)
	MinSigma   float64 // floor of sigma when Compat is off

	baseline Baseline
	step     []float64
}

// Validate reports a step size or floor that is negative or not finite.
func (r *Reinforce) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"alpha_mu", r.AlphaMu}, {"alpha_sigma", r.AlphaSigma}, {"min_sigma", r.MinSigma}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%s is %v: want a finite number >= 0", f.name, f.v)
		}
	}
	return nil
}

// Baseline returns the baseline of the last update (valid until the next).
func (r *Reinforce) Baseline() *Baseline { return &r.baseline }

// Update applies one update to p from the decisions in b. A batch with no
// completed trajectory leaves p unchanged. It returns an error wrapping
// [ErrDiverged] if p is left with a non-finite weight or a standard
// deviation that is not positive.
func (r *Reinforce) Update(p *Linear, b *Batch) error {
	if b.Dim() != p.Dim() {
		panic(fmt.Sprintf("policy: batch of %d features for a policy of %d", b.Dim(), p.Dim()))
	}
	if b.Trajectories == 0 || b.Len() == 0 {
		return nil
	}
	r.baseline.Fit(b, r.Compat)
	invN := 1 / float64(b.Trajectories)
	if r.Compat {
		r.updateSequential(p, b, invN)
	} else {
		r.updateBatch(p, b, invN)
	}
	return check(p)
}

// updateSequential is the P2 code's loop: sigma moves after every decision.
// Each decision's advantage is [Baseline.Advantage], written out here with
// the same operations in the same order.
func (r *Reinforce) updateSequential(p *Linear, b *Batch, invN float64) {
	dim := b.Dim()
	theta := p.Theta[:dim]
	mean, scale := r.baseline.Mean, r.baseline.Scale
	ret, action, mu, sds := b.Return, b.Action, b.Mean[:len(b.Action)], b.Sigma[:len(b.Action)]
	sigma := p.Sigma
	for i, g := range b.Group {
		adv := (ret[i] - mean[g]) / scale[g]
		d := action[i] - mu[i]
		sd := sds[i]
		s2 := sigma * sigma
		c := invN * r.AlphaMu * s2 * d / (sd * sd) * adv
		phi := b.Phi[i*dim : (i+1)*dim]
		theta := theta[:len(phi)]
		for f, x := range phi {
			theta[f] += c * x
		}
		sigma += invN * r.AlphaSigma * s2 * adv * (d*d - s2) / (s2 * sigma)
	}
	p.Sigma = sigma
}

// updateBatch computes every step with the episode's sigma and applies them together.
func (r *Reinforce) updateBatch(p *Linear, b *Batch, invN float64) {
	r.step = resize(r.step, p.Dim())
	s2 := p.Sigma * p.Sigma
	var dSigma float64
	for i := range b.Len() {
		adv := r.baseline.Advantage(b, i)
		d := b.Action[i] - b.Mean[i]
		sd := b.Sigma[i]
		c := s2 * d / (sd * sd) * adv
		for f, x := range b.Features(i) {
			r.step[f] += c * x
		}
		dSigma += s2 * adv * (d*d - sd*sd) / (sd * sd * sd)
	}
	for f, s := range r.step {
		p.Theta[f] += invN * r.AlphaMu * s
	}
	p.Sigma = math.Max(r.MinSigma, p.Sigma+invN*r.AlphaSigma*dSigma)
}

func check(p *Linear) error {
	if !(p.Sigma > 0) || math.IsInf(p.Sigma, 0) {
		return fmt.Errorf("sigma is %v after the update: %w", p.Sigma, ErrDiverged)
	}
	for f, w := range p.Theta {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("weight %d is %v after the update: %w", f, w, ErrDiverged)
		}
	}
	return nil
}
