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

// LearnRows is Learn for a caller that keeps the decisions of many jobs
// in rows of parallel slices rather than in Records: row r holds a
// decision's features phi[r*Dim:(r+1)*Dim], the action, mean and sigma it
// drew, the reward that followed it until the next decision of its job,
// and its group (the job's remaining due, >= 0). Job t, the t-th to
// finish, has its decisions in rows from[t] to from[t]+count[t]-1, in
// order. It panics if the slices are not parallel, a job's rows fall
// outside them or a group is negative.
func (g *Gaussian) LearnRows(phi, action, mean, sigma, reward []float64, group, from, count []int) {
	rows := len(action)
	if len(phi) != rows*len(g.Policy.Theta) || len(mean) != rows || len(sigma) != rows || len(reward) != rows || len(group) != rows || len(from) != len(count) {
		panic(fmt.Sprintf("agents: Gaussian.LearnRows with %d actions, %d features (want %d per action), %d means, %d sigmas, %d rewards, %d groups, %d jobs' first rows and %d counts",
			rows, len(phi), len(g.Policy.Theta), len(mean), len(sigma), len(reward), len(group), len(from), len(count)))
	}
	for t, f := range from {
		if f < 0 || count[t] < 0 || f+count[t] > rows {
			panic(fmt.Sprintf("agents: Gaussian.LearnRows: job %d has rows %d to %d of %d", t, f, f+count[t]-1, rows))
		}
		for _, k := range group[f : f+count[t]] {
			if k < 0 {
				panic(fmt.Sprintf("agents: Gaussian.LearnRows: job %d has group %d, want >= 0", t, k))
			}
		}
	}
	addTrajectories(g.batch, g.Risk, phi, action, mean, sigma, reward, group, from, count)
}

// Update applies the episode's REINFORCE update and empties the batch.
func (g *Gaussian) Update() error {
	err := g.Rule.Update(g.Policy, g.batch)
	g.batch.Reset()
	return err
}

// Discard empties the batch without learning from it.
func (g *Gaussian) Discard() { g.batch.Reset() }
