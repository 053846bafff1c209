package agents

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Rule is an update rule that trains a Gaussian policy from one episode's
// decisions: policy.Natural, ppo.PPO, or any other with this method.
type Rule interface {
	Update(b *policy.Batch) (policy.Stats, error)
}

// Trained is a learning strategy with any Gaussian policy of package
// policy and any update Rule bound to that policy, such as the default
// learner policy.NewNatural or a PPO learner. Like [PGLearner], it
// records each decision with the job's remaining due as its baseline
// group, learns from every finished job and updates once per episode.
type Trained struct {
	Policy   policy.Gaussian
	Features Features
	Rule     Rule
	Risk     policy.Utility // applied to every return before the rule sees it; the zero value is risk-neutral

	batch *policy.Batch
	phi   []float64
	last  policy.Stats
}

// NewTrained returns a learner quoting from p on features f and trained by
// rule, which must update p.
func NewTrained(f Features, p policy.Gaussian, rule Rule) *Trained {
	return &Trained{Policy: p, Features: f, Rule: rule, batch: policy.NewBatch(f.Dim()), phi: make([]float64, f.Dim())}
}

// Quote samples a price and records the decision.
func (l *Trained) Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64 {
	l.Features.Fill(l.phi, j, v)
	a, mu, sigma := policy.Sample(l.Policy, rng, l.phi)
	rec.Decide(l.phi, a, mu, sigma, j.Due)
	return a
}

// Learn adds the finished record's decisions with their returns, passed
// through the risk utility, to the episode's batch, as one trajectory.
func (l *Trained) Learn(rec *Record) {
	rec.addTo(l.batch, l.Risk)
}

// Update applies the rule to the episode's batch and empties it.
func (l *Trained) Update() error {
	st, err := l.Rule.Update(l.batch)
	l.last = st
	l.batch.Reset()
	return err
}

// Discard empties the batch without learning from it.
func (l *Trained) Discard() { l.batch.Reset() }

// Stats describes the last update.
func (l *Trained) Stats() policy.Stats { return l.last }

// FeatureMap returns l's features.
func (l *Trained) FeatureMap() Features { return l.Features }

// MeanAt is the policy's mean at phi.
func (l *Trained) MeanAt(phi []float64) float64 { mu, _ := l.Policy.Dist(phi); return mu }

// SigmaAt is the policy's standard deviation at phi.
func (l *Trained) SigmaAt(phi []float64) float64 { _, s := l.Policy.Dist(phi); return s }

// Weights are the mean's weights for a linear policy (a view: setting them
// sets the policy's), nil for any other.
func (l *Trained) Weights() []float64 {
	if lg, ok := l.Policy.(*policy.LinearGaussian); ok {
		return lg.Theta()
	}
	return nil
}
