package agents

import (
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Described is a learning strategy that can say what it has learned: its
// features, and the mean and standard deviation of its price at a feature
// vector. Reports and the equilibrium measurement use it.
type Described interface {
	Learner
	FeatureMap() Features
	MeanAt(phi []float64) float64
	SigmaAt(phi []float64) float64
	// Weights are the mean's weights when it is linear in the features
	// (theta . phi), nil otherwise.
	Weights() []float64
}

// FeatureMap returns g's features.
func (g *Gaussian) FeatureMap() Features { return g.Features }

// MeanAt is theta . phi.
func (g *Gaussian) MeanAt(phi []float64) float64 { return g.Policy.Mean(phi) }

// SigmaAt is the policy's one standard deviation.
func (g *Gaussian) SigmaAt([]float64) float64 { return g.Policy.Sigma }

// Weights is theta.
func (g *Gaussian) Weights() []float64 { return g.Policy.Theta }

// PGLearner is a learning strategy with any Gaussian policy of package
// policy (linear with a global or state-dependent sigma, or an MLP),
// trained by policy gradient (package policy's PG: REINFORCE or
// actor-critic, Adam or SGD, clipping, an entropy bonus and the risk
// utility). Decisions are grouped by the job's remaining due, for a group
// baseline.
type PGLearner struct {
	Policy   policy.Gaussian
	Features Features
	Rule     policy.PG

	batch *policy.Batch
	phi   []float64
	last  policy.Stats
}

// NewPGLearner returns a learner; rule.Policy is set to p.
func NewPGLearner(f Features, p policy.Gaussian, rule policy.PG) *PGLearner {
	rule.Policy = p
	return &PGLearner{Policy: p, Features: f, Rule: rule, batch: policy.NewBatch(f.Dim()), phi: make([]float64, f.Dim())}
}

// Quote samples a price and records the decision.
func (l *PGLearner) Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64 {
	l.Features.Fill(l.phi, j, v)
	a, mu, sigma := policy.Sample(l.Policy, rng, l.phi)
	rec.Decide(l.phi, a, mu, sigma, j.Due)
	return a
}

// Learn adds the finished record's decisions with their returns to the
// episode's batch; the rule applies the risk utility.
func (l *PGLearner) Learn(rec *Record) {
	rec.addTo(l.batch, policy.Utility{})
}

// Update applies the episode's policy-gradient step and empties the batch.
func (l *PGLearner) Update() error {
	st, err := l.Rule.Update(l.batch)
	l.last = st
	l.batch.Reset()
	return err
}

// Discard empties the batch without learning from it.
func (l *PGLearner) Discard() { l.batch.Reset() }

// FeatureMap returns l's features.
func (l *PGLearner) FeatureMap() Features { return l.Features }

// MeanAt is the policy's mean at phi.
func (l *PGLearner) MeanAt(phi []float64) float64 { mu, _ := l.Policy.Dist(phi); return mu }

// SigmaAt is the policy's standard deviation at phi.
func (l *PGLearner) SigmaAt(phi []float64) float64 { _, s := l.Policy.Dist(phi); return s }

// Weights are the mean's weights for a linear policy, nil for an MLP.
func (l *PGLearner) Weights() []float64 {
	if lg, ok := l.Policy.(*policy.LinearGaussian); ok {
		return lg.Theta()
	}
	return nil
}

// Gaussian is a learning strategy: it quotes from a linear-Gaussian policy
// on its features and learns by REINFORCE with a baseline per remaining due,
// as in van Heeswijk (2020). All jobs that use one Gaussian share its policy
// and pool their experience into one update per episode: the paper's
// semi-cooperative learning.
type Gaussian struct {
	Policy   *policy.Linear
	Features Features
	Rule     policy.Reinforce
	Risk     policy.Utility // applied to every return before learning; the zero value is risk-neutral

	batch *policy.Batch
	rows  policy.Rows // the episode's decisions by LearnRows, read in place; Order nil when none
}

// NewGaussian returns a learner with a zero-weight policy of standard deviation sigma.
func NewGaussian(f Features, sigma float64, rule policy.Reinforce) *Gaussian {
	return &Gaussian{
		Policy:   policy.NewLinear(f.Dim(), sigma),
		Features: f,
		Rule:     rule,
		batch:    policy.NewBatch(f.Dim()),
	}
}

// Quote samples a price and records the decision, grouped by the job's
// remaining due. The features are written straight into the record.
func (g *Gaussian) Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64 {
	p := g.Policy
	phi := rec.slot(len(p.Theta))
	if f, ok := g.Features.(P2Features); ok {
		f.Fill(phi, j, v) // the concrete call: no interface dispatch on the hot path
	} else {
		g.Features.Fill(phi, j, v)
	}
	a, mu := p.Sample(rng, phi)
	rec.decided(a, mu, p.Sigma, j.Due)
	return a
}

// Learn adds the finished record's decisions, with their returns passed
// through the risk utility, to the episode's batch.
func (g *Gaussian) Learn(rec *Record) {
	rec.addTo(g.batch, g.Risk)
}

// LearnRows is Learn for a caller that keeps the decisions of a whole
// episode's jobs in rows of parallel slices rather than in Records: row r
// holds a decision's features phi[r*Dim:(r+1)*Dim], the action, mean and
// sigma it drew, the reward that followed it until the next decision of
// its job, and its group (the job's remaining due, >= 0). Job t, the t-th
// to finish, has its decisions in rows[ends[t-1]:ends[t]] (from rows[0]
// for the first), in order; the jobs' rows may be interleaved.
//
// The rows are not copied: reward becomes the returns, through the risk
// utility, in place, and the slices are read by Update; the caller leaves
// them untouched until then. LearnRows takes the episode's jobs at once:
// it panics when called twice in an episode or after Learn, or when the
// slices are not parallel, ends do not cut rows, a row falls outside them
// or a group is negative.
func (g *Gaussian) LearnRows(phi, action, mean, sigma, reward []float64, group, rows, ends []int) {
	n := len(action)
	if len(phi) != n*len(g.Policy.Theta) || len(mean) != n || len(sigma) != n || len(reward) != n || len(group) != n {
		panic(fmt.Sprintf("agents: Gaussian.LearnRows with %d actions, %d features (want %d per action), %d means, %d sigmas, %d rewards and %d groups",
			n, len(phi), len(g.Policy.Theta), len(mean), len(sigma), len(reward), len(group)))
	}
	if g.batch.Len() > 0 || g.rows.Order != nil {
		panic("agents: Gaussian.LearnRows called twice in an episode, or after Learn")
	}
	// The rows checked, and the returns summed as addTrajectories sums
	// them (from a job's last decision back), in one pass.
	trajectories, start := 0, 0
	for t, end := range ends {
		if end < start || end > len(rows) {
			panic(fmt.Sprintf("agents: Gaussian.LearnRows: job %d ends at %d, after %d, of %d rows", t, end, start, len(rows)))
		}
		if end == start {
			continue
		}
		trajectories++
		next := -1
		for i := end - 1; i >= start; i-- {
			r := rows[i]
			if uint(r) >= uint(n) || group[r] < 0 {
				panic(fmt.Sprintf("agents: Gaussian.LearnRows: row %d of %d (group %d, want >= 0)", r, n, group[min(max(r, 0), max(n-1, 0))]))
			}
			if next >= 0 {
				reward[r] += reward[next]
			}
			next = r
		}
		if g.Risk.Lambda != 0 {
			for _, r := range rows[start:end] {
				reward[r] = g.Risk.Apply(reward[r])
			}
		}
		start = end
	}
	if start != len(rows) {
		panic(fmt.Sprintf("agents: Gaussian.LearnRows: the jobs end at %d of %d rows", start, len(rows)))
	}
	g.rows = policy.Rows{Phi: phi, Action: action, Mean: mean, Sigma: sigma, Return: reward, Group: group, Order: rows[:len(rows):len(rows)], Trajectories: trajectories}
}

// Update applies the episode's REINFORCE update and empties the batch.
func (g *Gaussian) Update() error {
	var err error
	if g.rows.Order != nil {
		err = g.Rule.UpdateRows(g.Policy, &g.rows)
	} else {
		err = g.Rule.Update(g.Policy, g.batch)
	}
	g.Discard()
	return err
}

// Discard empties the batch without learning from it.
func (g *Gaussian) Discard() { g.batch.Reset(); g.rows = policy.Rows{} }
