package policy

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Defaults of [Natural], chosen on the bilateral k-double auction and the
// deterministic strategic-bidding market (see the package documentation).
const (
	DefaultNaturalStep = 3
	DefaultHalving     = 200
	DefaultMaxKL       = 0.05
	DefaultSigmaRate   = 1
	DefaultMemory      = 0.05
	DefaultDamping     = 1e-3
	// DefaultFloorRatio is the floor of sigma that [NewNatural] sets, as a
	// share of the initial sigma.
	DefaultFloorRatio = 1.0 / 8
)

// Natural is a natural policy gradient (Amari 1998; Kakade 2002; Peters
// and Schaal 2008) with normalised advantages, a trust region and a
// Robbins-Monro schedule, applied once per episode to any [DistGrader]
// policy. Given the policy's initial sigma in the unit of money, it needs
// no other tuning to that unit: with every price and sigma c times larger
// it learns the same quotes c times larger (advantages are normalised, steps
// measured in sigma). [NewNatural] returns the learner freightsim uses by
// default.
//
// For the D decisions of a batch, Update
//
//  1. transforms each return by Utility and subtracts a baseline: the
//     Critic's value as fitted on the earlier batches (so that the baseline
//     does not depend on the actions it judges; the critic is then fitted
//     on this batch, and on the first batch before it is used), or, with no
//     critic, the mean of the decision's Batch.Group (P2's baseline);
//  2. centres the advantages and divides them by the square root of a
//     running mean of their variance (weight Memory per batch), so the step
//     is the same whatever the unit of money;
//  3. forms the gradient g = (1/D) sum_i adv_i grad log pi(a_i|phi_i) and
//     the Fisher information of the policy at the batch's states,
//     F_mu = (1/D) sum_i J_mu J_mu^T / sigma_i² for the mean and
//     F_s = (1/D) sum_i 2 J_s J_s^T for log sigma, J_mu and J_s being the
//     gradients of the mean and of log sigma at phi_i (the expectation over
//     actions, not the outer product of sampled scores), each kept as a
//     running mean (weight Memory) so that the metric does not depend on
//     the batch's own noise;
//  4. solves M d = g for the metric M = F_mu + F_s/SigmaRate, damped by
//     Damping on its diagonal: by default M is the diagonal of that matrix
//     (each parameter is scaled by its own Fisher information), with Full
//     the whole of it by Cholesky (the exact natural gradient);
//  5. steps params += s * d with s = Step/(1 + t/Halving) at the t-th update
//     (a Robbins-Monro schedule: early steps large, late ones small, so
//     that the policy stops wandering), shortened so that the step's KL
//     divergence over the batch's states, s²/2 d^T F d with the batch's
//     full Fisher information F, stays below MaxKL (the trust region of
//     Schulman et al. 2015);
//  6. lifts a global log sigma that has fallen below the policy's floor
//     back to it (see LinearGaussian.LiftSigma), so that sigma can grow
//     again; with Anneal that floor starts higher and falls linearly to
//     the policy's own over the first Anneal.Updates updates.
//
// Why it converges where P2's rule and Adam stall: their steps are in the
// units of the parameters, so they shrink with sigma² (P2) or move log
// sigma at a fixed pace whatever the evidence (Adam). The natural gradient
// measures a step by how much it changes the distribution of prices: the
// mean moves by a fraction of sigma per step and log sigma by a fraction
// of one, in every market and every unit. Sigma shrinks at a rate set by
// the payoff's curvature, fast at first; the floor (the policy's MinSigma)
// keeps it at a level where the payoff's slope can still be measured
// within an episode's noise.
//
// With normalised advantages d is the regression of the advantages on the
// scores (compatible function approximation), so d^T F d is the share of
// their variance that the policy's own randomness explains.
//
// Natural keeps buffers between updates and does not allocate in steady
// state (given a critic that does not); it is not safe for concurrent use.
type Natural struct {
	Policy    DistGrader
	Step      float64 // natural step at the first update; 0 means DefaultNaturalStep
	Halving   float64 // updates after which the step has halved; 0 means DefaultHalving, +Inf a constant step
	MaxKL     float64 // largest KL divergence of one step; 0 means DefaultMaxKL
	SigmaRate float64 // how fast log sigma moves relative to the mean; 0 means DefaultSigmaRate
	Memory    float64 // weight of a new batch in the running Fisher and advantage variance; 0 means DefaultMemory
	Damping   float64 // relative damping of the metric's diagonal; 0 means DefaultDamping
	Full      bool    // use the full Fisher matrix instead of its diagonal
	Critic    Critic  // the baseline; nil: the mean return of each Batch.Group
	Utility   Utility // risk transform applied to returns before anything else
	Anneal    Anneal  // a higher floor of sigma early in training; zero: none

	floor float64 // the policy's own floor, read at the first update

	util, adv  []float64
	groupMean  []float64
	groupCount []int
	grad, dir  []float64
	jmu, js    []float64
	bm, bs     []float64 // this batch's Fisher of the mean and of log sigma
	jm, jsAll  []float64 // per decision: J_mu/sigma and J_s, for the step's KL
	fm, fs     []float64 // their running means (p x p upper triangles, or diagonals)
	metric     []float64 // the damped metric, then its Cholesky factor
	advVar     float64   // running variance of the advantages
	fitted     bool      // the critic has seen a batch
	updates    int
}

// NewNatural returns the default learner of freightsim: a linear Gaussian
// policy over dim features with standard deviation sigma0, floored at
// sigma0*DefaultFloorRatio, trained by a Natural rule with a
// [LinearCritic] baseline and every other setting at its default.
func NewNatural(dim int, sigma0 float64) *Natural {
	p := NewLinearGaussian(dim, sigma0, false)
	p.MinSigma = sigma0 * DefaultFloorRatio
	return &Natural{Policy: p, Critic: NewLinearCritic(dim)}
}

// Validate reports a missing policy or a coefficient out of its range.
func (n *Natural) Validate() error {
	if n.Policy == nil {
		return errors.New("natural gradient without a policy")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"step", n.Step}, {"max_kl", n.MaxKL}, {"damping", n.Damping}, {"sigma_rate", n.SigmaRate}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%s is %v: want a finite number >= 0", f.name, f.v)
		}
	}
	if math.IsNaN(n.Halving) || n.Halving < 0 {
		return fmt.Errorf("halving is %v: want a number >= 0 (+Inf for a constant step)", n.Halving)
	}
	if a := n.Anneal; math.IsNaN(a.Sigma) || math.IsInf(a.Sigma, 0) || a.Sigma < 0 || math.IsNaN(a.Updates) || math.IsInf(a.Updates, 0) || a.Updates < 0 {
		return fmt.Errorf("anneal is %+v: want a finite sigma >= 0 and a finite number of updates >= 0", a)
	}
	if math.IsNaN(n.Memory) || n.Memory < 0 || n.Memory > 1 {
		return fmt.Errorf("memory is %v: want a number in [0, 1]", n.Memory)
	}
	if l := n.Utility.Lambda; math.IsNaN(l) || math.IsInf(l, 0) {
		return fmt.Errorf("utility lambda is %v: want a finite number", l)
	}
	return nil
}

// Update applies one update to n.Policy from the decisions in b (see
// [Natural]). A batch with no decision, no completed trajectory or
// advantages that are all equal changes nothing but the critic. Bad input
// and divergence are reported as by [PG.Update], wrapping [ErrDiverged].
// Stats.GradNorm is the norm of the natural direction d.
func (n *Natural) Update(b *Batch) (Stats, error) {
	if err := n.Validate(); err != nil {
		panic("policy: Natural.Update: " + err.Error())
	}
	p := n.Policy
	checkDim("batch features", b.Dim(), p.Dim())
	D := b.Len()
	st := Stats{Decisions: D, Trajectories: b.Trajectories}
	if D == 0 || b.Trajectories == 0 {
		return st, nil
	}
	if err := checkBatch(b); err != nil {
		return st, err
	}
	n.util = grow(n.util, D)
	for i, r := range b.Return {
		st.MeanReturn += r
		n.util[i] = n.Utility.Apply(r)
	}
	st.MeanReturn /= float64(D)
	if !n.advantages(b) {
		return st, nil
	}

	params := p.Params()
	np := len(params)
	size := np
	if n.Full {
		size = np * np
	}
	n.grad = resize(n.grad, np)
	n.dir = grow(n.dir, np)
	n.jmu = grow(n.jmu, np)
	n.js = grow(n.js, np)
	n.bm = resize(n.bm, size)
	n.bs = resize(n.bs, size)
	n.jm = grow(n.jm, D*np)
	n.jsAll = grow(n.jsAll, D*np)
	invD := 1 / float64(D)
	for i := range D {
		phi := b.Features(i)
		clear(n.jmu)
		mu, sigma := p.AddGradDist(phi, 1, 0, n.jmu)
		clear(n.js)
		p.AddGradDist(phi, 0, 1, n.js)
		z := (b.Action[i] - mu) / sigma
		adv := n.adv[i] * invD
		for j := range np {
			n.grad[j] += adv * (z/sigma*n.jmu[j] + (z*z-1)*n.js[j])
		}
		for j := range np {
			n.jm[i*np+j] = n.jmu[j] / sigma
		}
		copy(n.jsAll[i*np:(i+1)*np], n.js)
		n.addFisher(invD/(sigma*sigma), n.jmu, n.bm)
		n.addFisher(2*invD, n.js, n.bs)
		st.Entropy += halfLog2PiE + math.Log(sigma)
	}
	st.Entropy *= invD
	for j, g := range n.grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return st, fmt.Errorf("gradient %d is %v before the step: %w", j, g, ErrDiverged)
		}
	}
	if len(n.fm) != size {
		n.fm = append(n.fm[:0], n.bm...)
		n.fs = append(n.fs[:0], n.bs...)
	} else {
		w := orDefault(n.Memory, DefaultMemory)
		for j := range n.fm {
			n.fm[j] += w * (n.bm[j] - n.fm[j])
			n.fs[j] += w * (n.bs[j] - n.fs[j])
		}
	}
	st.GradNorm = n.solve(np)

	step := orDefault(n.Step, DefaultNaturalStep)
	step /= 1 + float64(n.updates)/orDefault(n.Halving, DefaultHalving)
	n.updates++
	maxKL := orDefault(n.MaxKL, DefaultMaxKL)
	if kl := 0.5 * step * step * n.klRate(D, np); kl > maxKL {
		step *= math.Sqrt(maxKL / kl)
	}
	for j, d := range n.dir {
		params[j] += step * d
	}
	n.anneal()
	if l, ok := p.(interface{ LiftSigma() }); ok {
		l.LiftSigma()
	}
	for j, w := range params {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return st, fmt.Errorf("parameter %d is %v after the step: %w", j, w, ErrDiverged)
		}
	}
	return st, nil
}

// Anneal holds the floor of sigma above the policy's own early in
// training, so that the learner explores widely while it is far from where
// it will settle and the payoff's slope is measured from more of the
// types, then narrows to the policy's floor: after the t-th update the
// floor is MinSigma + (Sigma - MinSigma) (1 - t/Updates) while t < Updates,
// MinSigma after. The mean learned at a wide sigma is the best reply to
// noisy quotes, not to the mean ones; the fall to MinSigma lets it move to
// the latter.
type Anneal struct {
	Sigma   float64 // the floor at the first update; at or below the policy's MinSigma: no annealing
	Updates float64 // updates over which the floor falls linearly to MinSigma
}

// sigmaFloorer is a policy whose floor of sigma Anneal can set.
type sigmaFloorer interface{ sigmaFloor() *float64 }

// anneal sets the policy's floor of sigma for the next episode (see
// Anneal); n.updates counts the updates done.
func (n *Natural) anneal() {
	f, ok := n.Policy.(sigmaFloorer)
	if !ok || n.Anneal.Updates <= 0 {
		return
	}
	fl := f.sigmaFloor()
	if n.updates == 1 {
		n.floor = *fl
	}
	if n.Anneal.Sigma <= n.floor {
		return
	}
	left := max(0, 1-float64(n.updates)/n.Anneal.Updates)
	*fl = n.floor + (n.Anneal.Sigma-n.floor)*left
}

// addFisher adds w * x x^T into f: its upper triangle, or its diagonal.
func (n *Natural) addFisher(w float64, x, f []float64) {
	np := len(x)
	if !n.Full {
		for j, v := range x {
			f[j] += w * v * v
		}
		return
	}
	blas64.Syr(w, blas64.Vector{N: np, Inc: 1, Data: x},
		blas64.Symmetric{Uplo: blas.Upper, N: np, Stride: np, Data: f})
}

// klRate is d^T F d for the natural direction d and the Fisher information
// F of this batch's states, (1/D) sum_i (J_mu.d)²/sigma² + 2 (J_s.d)²: a
// step of size s along d changes the policy by a KL divergence of about
// s²/2 times it.
func (n *Natural) klRate(D, np int) float64 {
	var q float64
	for i := range D {
		var a, b float64
		for j, d := range n.dir {
			a += n.jm[i*np+j] * d
			b += n.jsAll[i*np+j] * d
		}
		q += a*a + 2*b*b
	}
	return q / float64(D)
}

// advantages fills n.adv with the centred advantages divided by their
// running standard deviation, and reports whether they carry any signal (a
// spread above rounding).
func (n *Natural) advantages(b *Batch) bool {
	D := b.Len()
	n.adv = grow(n.adv, D)
	if n.Critic != nil {
		if !n.fitted {
			n.Critic.Fit(b, n.util)
		}
		for i, u := range n.util {
			n.adv[i] = u - n.Critic.Value(b.Features(i))
		}
		if n.fitted {
			n.Critic.Fit(b, n.util)
		}
		n.fitted = true
	} else {
		n.groupMean, n.groupCount = groupMeans(b.Group, n.util, nil, n.groupMean, n.groupCount)
		for i, g := range b.Group {
			n.adv[i] = n.util[i] - n.groupMean[g]
		}
	}
	// Returns equal up to rounding carry nothing to learn; test them, not
	// the advantages, which a critic fitted to equal returns leaves at its
	// rounding and ridge error.
	var um, uv, top float64
	for _, u := range n.util {
		um += u
		top = math.Max(top, math.Abs(u))
	}
	um /= float64(D)
	for _, u := range n.util {
		uv += (u - um) * (u - um)
	}
	if !(uv/float64(D) > 1e-24*top*top) {
		return false
	}
	var m, v float64
	for _, a := range n.adv {
		m += a
	}
	m /= float64(D)
	for _, a := range n.adv {
		v += (a - m) * (a - m)
	}
	v /= float64(D)
	if v == 0 {
		return false
	}
	if n.advVar == 0 {
		n.advVar = v
	} else {
		n.advVar += orDefault(n.Memory, DefaultMemory) * (v - n.advVar)
	}
	sd := math.Sqrt(n.advVar)
	for i, a := range n.adv {
		n.adv[i] = (a - m) / sd
	}
	return true
}

// solve writes into n.dir the solution of M d = g, with M the damped
// metric F_mu + F_s/SigmaRate (its diagonal unless Full) and g in n.grad,
// and returns the norm of d. A parameter without Fisher information (a log
// sigma at its floor) gets d = 0.
func (n *Natural) solve(np int) float64 {
	damping := orDefault(n.Damping, DefaultDamping)
	rate := orDefault(n.SigmaRate, DefaultSigmaRate)
	n.metric = grow(n.metric, len(n.fm))
	for j := range n.fm {
		n.metric[j] = n.fm[j] + n.fs[j]/rate
	}
	diag := func(j int) *float64 {
		if n.Full {
			return &n.metric[j*np+j]
		}
		return &n.metric[j]
	}
	var top float64
	for j := range np {
		top = math.Max(top, *diag(j))
	}
	for j := range np {
		f := diag(j)
		if *f > 1e-12*top {
			*f *= 1 + damping
			continue
		}
		n.grad[j] = 0
		if n.Full {
			for k := range np {
				n.metric[j*np+k], n.metric[k*np+j] = 0, 0
			}
		}
		*f = 1
	}
	if n.Full {
		copy(n.dir, n.grad)
		u, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: np, Stride: np, Data: n.metric})
		if !ok {
			// Not positive definite: only NaN or Inf do this, and they
			// were rejected; take no step rather than a wrong one.
			clear(n.dir)
			return 0
		}
		lapack64.Potrs(u, blas64.General{Rows: np, Cols: 1, Stride: 1, Data: n.dir})
	} else {
		for j, g := range n.grad {
			n.dir[j] = g / n.metric[j]
		}
	}
	var norm float64
	for _, d := range n.dir {
		norm += d * d
	}
	return math.Sqrt(norm)
}

// orDefault is v, or def where v is 0.
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
