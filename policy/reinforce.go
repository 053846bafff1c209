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
	return r.update(p, b.Trajectories, decisions{b.Dim(), b.Phi, b.Action, b.Mean, b.Sigma, b.Return, b.Group, nil})
}

// UpdateRows is Update from decisions read where they were written: the
// same update, bit for bit, as from a Batch holding rows.Order's rows in
// that order. It panics if the slices are not parallel, or (an index out
// of range) if a row is outside them or a group negative, which its
// caller checks where the rows enter.
func (r *Reinforce) UpdateRows(p *Linear, rows *Rows) error {
	dim, n := p.Dim(), len(rows.Action)
	if len(rows.Phi) != n*dim || len(rows.Mean) != n || len(rows.Sigma) != n || len(rows.Return) != n || len(rows.Group) != n {
		panic(fmt.Sprintf("policy: UpdateRows with %d actions, %d features (want %d per action), %d means, %d sigmas, %d returns and %d groups",
			n, len(rows.Phi), dim, len(rows.Mean), len(rows.Sigma), len(rows.Return), len(rows.Group)))
	}
	return r.update(p, rows.Trajectories, decisions{dim, rows.Phi, rows.Action, rows.Mean, rows.Sigma, rows.Return, rows.Group, rows.Order})
}

// Rows are an episode's decisions left where their producer wrote them,
// in parallel slices, rather than copied into a [Batch]: row i has the
// features Phi[i*dim:(i+1)*dim], the action, the mean and standard
// deviation it was drawn from, its return and its baseline group (>= 0).
// Order lists the rows the update visits, in the order a Batch would hold
// them (trajectory by trajectory); Trajectories counts the trajectories.
type Rows struct {
	Phi                         []float64
	Action, Mean, Sigma, Return []float64
	Group                       []int
	Order                       []int
	Trajectories                int
}

// decisions are the update's decisions: those of a Batch (order nil,
// decision k in row k) or of Rows (decision k in row order[k]).
type decisions struct {
	dim                           int
	phi, action, mean, sigma, ret []float64
	group, order                  []int
}

// len is the number of decisions.
func (d *decisions) len() int {
	if d.order != nil {
		return len(d.order)
	}
	return len(d.action)
}

// row is decision k's row.
func (d *decisions) row(k int) int {
	if d.order != nil {
		return d.order[k]
	}
	return k
}

func (r *Reinforce) update(p *Linear, trajectories int, d decisions) error {
	if trajectories == 0 || d.len() == 0 {
		return nil
	}
	r.baseline.fit(&d, r.Compat)
	invN := 1 / float64(trajectories)
	if r.Compat {
		r.updateSequential(p, &d, invN)
	} else {
		r.updateBatch(p, &d, invN)
	}
	return check(p)
}

// updateSequential is the P2 code's loop: sigma moves after every decision.
// Each decision's advantage is [Baseline.Advantage], written out here with
// the same operations in the same order.
func (r *Reinforce) updateSequential(p *Linear, d *decisions, invN float64) {
	dim := d.dim
	theta := p.Theta[:dim]
	mean, scale := r.baseline.Mean, r.baseline.Scale
	ret, action, mu, sds, group := d.ret, d.action, d.mean[:len(d.action)], d.sigma[:len(d.action)], d.group[:len(d.action)]
	sigma := p.Sigma
	for k := range d.len() {
		i := d.row(k)
		g := group[i]
		adv := (ret[i] - mean[g]) / scale[g]
		dd := action[i] - mu[i]
		sd := sds[i]
		s2 := sigma * sigma
		c := invN * r.AlphaMu * s2 * dd / (sd * sd) * adv
		phi := d.phi[i*dim : (i+1)*dim]
		theta := theta[:len(phi)]
		for f, x := range phi {
			theta[f] += c * x
		}
		sigma += invN * r.AlphaSigma * s2 * adv * (dd*dd - s2) / (s2 * sigma)
	}
	p.Sigma = sigma
}

// updateBatch computes every step with the episode's sigma and applies them together.
func (r *Reinforce) updateBatch(p *Linear, d *decisions, invN float64) {
	r.step = resize(r.step, p.Dim())
	s2 := p.Sigma * p.Sigma
	var dSigma float64
	for k := range d.len() {
		i := d.row(k)
		g := d.group[i]
		adv := (d.ret[i] - r.baseline.Mean[g]) / r.baseline.Scale[g]
		dd := d.action[i] - d.mean[i]
		sd := d.sigma[i]
		c := s2 * dd / (sd * sd) * adv
		for f, x := range d.phi[i*d.dim : (i+1)*d.dim] {
			r.step[f] += c * x
		}
		dSigma += s2 * adv * (dd*dd - sd*sd) / (sd * sd * sd)
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
