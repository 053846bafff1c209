package agents

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

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

	batch   *policy.Batch
	phi     []float64
	returns []float64
}

// NewGaussian returns a learner with a zero-weight policy of standard deviation sigma.
func NewGaussian(f Features, sigma float64, rule policy.Reinforce) *Gaussian {
	return &Gaussian{
		Policy:   policy.NewLinear(f.Dim(), sigma),
		Features: f,
		Rule:     rule,
		batch:    policy.NewBatch(f.Dim()),
		phi:      make([]float64, f.Dim()),
	}
}

// Quote samples a price and records the decision, grouped by the job's remaining due.
func (g *Gaussian) Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64 {
	g.Features.Fill(g.phi, j, v)
	a, mu := g.Policy.Sample(rng, g.phi)
	rec.Decide(g.phi, a, mu, g.Policy.Sigma, j.Due)
	return a
}

// Learn adds the finished record's decisions, with their returns passed
// through the risk utility, to the episode's batch.
func (g *Gaussian) Learn(rec *Record) {
	if rec.Len() == 0 {
		return
	}
	g.returns = rec.Returns(g.returns)
	for i, ret := range g.returns {
		g.batch.Add(rec.Features(i), rec.Action[i], rec.Mean[i], rec.Sigma[i], g.Risk.Apply(ret), rec.Group[i])
	}
	g.batch.EndTrajectory()
}

// Update applies the episode's REINFORCE update and empties the batch.
func (g *Gaussian) Update() error {
	err := g.Rule.Update(g.Policy, g.batch)
	g.batch.Reset()
	return err
}

// Discard empties the batch without learning from it.
func (g *Gaussian) Discard() { g.batch.Reset() }
