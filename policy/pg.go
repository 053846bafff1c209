package policy

import (
	"errors"
	"fmt"
	"math"
)

// BaselineKind says what [PG] subtracts from the returns.
type BaselineKind int

const (
	BaselineNone   BaselineKind = iota // nothing: plain REINFORCE
	BaselineGroup                      // the mean return of the decision's Batch.Group, as in P2
	BaselineCritic                     // a learned value estimate, PG.Critic (actor-critic)
)

// String returns "none", "group" or "critic".
func (k BaselineKind) String() string {
	switch k {
	case BaselineNone:
		return "none"
	case BaselineGroup:
		return "group"
	case BaselineCritic:
		return "critic"
	}
	return fmt.Sprintf("BaselineKind(%d)", int(k))
}

// MarshalText encodes k as its name.
func (k BaselineKind) MarshalText() ([]byte, error) {
	if k < BaselineNone || k > BaselineCritic {
		return nil, fmt.Errorf("unknown baseline kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes "none", "group" or "critic", so configuration files
// can name the baseline.
func (k *BaselineKind) UnmarshalText(text []byte) error {
	for c := BaselineNone; c <= BaselineCritic; c++ {
		if string(text) == c.String() {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("unknown baseline %q: want none, group or critic", text)
}

// PG is a general policy-gradient update for any [Gaussian] policy, applied
// once per episode: REINFORCE (Williams 1992) with an optional group or
// learned baseline, the latter making it an actor-critic (Sutton et al.
// 2000; Konda and Tsitsiklis 2000). [Reinforce] remains the exact P2 rule.
//
// For the D decisions of a batch with N completed trajectories, Update
//
//  1. transforms each return G_i by Utility (risk attitude), giving U_i;
//  2. computes advantages adv_i = U_i - baseline_i, where the baseline is 0,
//     the mean of U over the decision's group, or Critic.Value(phi_i) after
//     Critic.Fit on (phi, U) — the critic is fitted on the batch first, as
//     P2's group means are, so that a new critic gives centred advantages
//     from the first episode (the bias of a baseline that sees the batch is
//     of order the critic's number of parameters over D);
//  3. with Normalize, divides the advantages by their population standard
//     deviation over the batch (1 where it is 0), without centring them;
//  4. forms the ascent direction
//     grad = (1/N) sum_i adv_i * grad log pi(a_i|phi_i) + (Entropy/D) sum_i grad H(phi_i)
//     with the policy's current parameters, which are those the actions
//     were drawn with when there is one update per episode (Batch.Mean and
//     Batch.Sigma are not used);
//  5. clips grad to Euclidean norm ClipNorm, if set, and takes one Opt step.
//
// The score term is divided by N, the number of trajectories, as in P2: it
// estimates the gradient of the expected return of one job's life, however
// many decisions that life took. The entropy term is a mean per decision, so
// Entropy weighs the average spread of the prices quoted, in units of
// return (of utility) per nat; with Normalize the advantages have unit
// spread instead, so useful coefficients are far below 1 (an Entropy of 1
// or more can outweigh the score and make sigma grow without bound).
//
// PG keeps buffers between updates and does not allocate in steady state
// (given a policy, optimiser and critic that do not); it is not safe for
// concurrent use.
type PG struct {
	Policy    Gaussian
	Opt       Optimizer
	Baseline  BaselineKind // BaselineNone, BaselineGroup or BaselineCritic
	Critic    Critic       // used with BaselineCritic
	Normalize bool         // divide advantages by their standard deviation
	Entropy   float64      // entropy bonus coefficient beta >= 0
	ClipNorm  float64      // global gradient-norm clip, 0 = none
	Utility   Utility      // risk transform applied to returns before anything else

	grad, util, adv []float64
	groupMean       []float64
	groupCount      []int
}

// Stats describes one update.
type Stats struct {
	Decisions, Trajectories int
	MeanReturn              float64 // mean return per decision, before the utility
	MeanAdvantage           float64 // mean advantage per decision, after baseline and normalisation
	GradNorm                float64 // norm of the ascent direction before clipping
	Entropy                 float64 // mean policy entropy per decision, before the step
}

// Validate reports a missing part or a coefficient that is not a finite
// number >= 0 (or, for the utility, not finite).
func (pg *PG) Validate() error {
	switch {
	case pg.Policy == nil:
		return errors.New("policy gradient without a policy")
	case pg.Opt == nil:
		return errors.New("policy gradient without an optimiser")
	case pg.Baseline < BaselineNone || pg.Baseline > BaselineCritic:
		return fmt.Errorf("unknown baseline kind %d", int(pg.Baseline))
	case pg.Baseline == BaselineCritic && pg.Critic == nil:
		return errors.New("baseline critic without a critic")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"entropy", pg.Entropy}, {"clip_norm", pg.ClipNorm}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%s is %v: want a finite number >= 0", f.name, f.v)
		}
	}
	if l := pg.Utility.Lambda; math.IsNaN(l) || math.IsInf(l, 0) {
		return fmt.Errorf("utility lambda is %v: want a finite number", l)
	}
	return nil
}

// Update applies one update to pg.Policy from the decisions in b (see
// [PG]). A batch with no decision or no completed trajectory changes
// nothing. A NaN or infinite return, action or feature is rejected before
// anything changes (the critic included), as is a non-finite gradient
// (then only the critic has moved); a step that leaves a parameter
// non-finite is reported. All of these errors wrap [ErrDiverged]. Update
// panics on a programmer error: see [PG.Validate].
func (pg *PG) Update(b *Batch) (Stats, error) {
	if err := pg.Validate(); err != nil {
		panic("policy: PG.Update: " + err.Error())
	}
	p := pg.Policy
	checkDim("batch features", b.Dim(), p.Dim())
	D := b.Len()
	st := Stats{Decisions: D, Trajectories: b.Trajectories}
	if D == 0 || b.Trajectories == 0 {
		return st, nil
	}
	if err := checkBatch(b); err != nil {
		return st, err
	}

	pg.util = grow(pg.util, D)
	pg.adv = grow(pg.adv, D)
	for i, r := range b.Return {
		st.MeanReturn += r
		pg.util[i] = pg.Utility.Apply(r)
	}
	st.MeanReturn /= float64(D)
	pg.advantages(b)

	params := p.Params()
	pg.grad = resize(pg.grad, len(params))
	invN := 1 / float64(b.Trajectories)
	beta := pg.Entropy / float64(D)
	for i := range D {
		phi := b.Features(i)
		st.MeanAdvantage += pg.adv[i]
		p.AddGradLogProb(phi, b.Action[i], pg.adv[i]*invN, pg.grad)
		st.Entropy += p.AddGradEntropy(phi, beta, pg.grad) // beta = 0 just measures
	}
	st.MeanAdvantage /= float64(D)
	st.Entropy /= float64(D)
	for j, g := range pg.grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return st, fmt.Errorf("gradient %d is %v before the step: %w", j, g, ErrDiverged)
		}
	}
	st.GradNorm = ClipNorm(pg.grad, pg.ClipNorm)
	pg.Opt.Step(params, pg.grad)
	for j, w := range params {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return st, fmt.Errorf("parameter %d is %v after the step: %w", j, w, ErrDiverged)
		}
	}
	return st, nil
}

// advantages fills pg.adv from pg.util.
func (pg *PG) advantages(b *Batch) {
	switch pg.Baseline {
	case BaselineNone:
		copy(pg.adv, pg.util)
	case BaselineGroup:
		pg.groupMean, pg.groupCount = groupMeans(b.Group, pg.util, nil, pg.groupMean, pg.groupCount)
		for i, g := range b.Group {
			pg.adv[i] = pg.util[i] - pg.groupMean[g]
		}
	case BaselineCritic:
		pg.Critic.Fit(b, pg.util)
		for i, u := range pg.util {
			pg.adv[i] = u - pg.Critic.Value(b.Features(i))
		}
	}
	if pg.Normalize {
		var m, ss float64
		for _, a := range pg.adv {
			m += a
		}
		m /= float64(len(pg.adv))
		for _, a := range pg.adv {
			ss += (a - m) * (a - m)
		}
		sd := math.Sqrt(ss / float64(len(pg.adv)))
		if sd == 0 {
			sd = 1
		}
		for i := range pg.adv {
			pg.adv[i] /= sd
		}
	}
}

// checkBatch reports a NaN or infinite return, action or feature, wrapping
// [ErrDiverged].
func checkBatch(b *Batch) error {
	for i := range b.Len() {
		if r := b.Return[i]; math.IsNaN(r) || math.IsInf(r, 0) {
			return fmt.Errorf("return of decision %d is %v: %w", i, r, ErrDiverged)
		}
		if a := b.Action[i]; math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("action of decision %d is %v: %w", i, a, ErrDiverged)
		}
		for f, x := range b.Features(i) {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("feature %d of decision %d is %v: %w", f, i, x, ErrDiverged)
			}
		}
	}
	return nil
}

// grow returns s with length n, reusing its memory; the contents are not cleared.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
