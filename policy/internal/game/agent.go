package game

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Agent is a learner as the markets here drive it.
type Agent interface {
	// Quote draws a price at features phi and returns it with the mean and
	// standard deviation it was drawn from (what a policy.Batch records).
	Quote(rng *rand.Rand, phi []float64) (a, mu, sigma float64)
	// Update learns from one episode's decisions.
	Update(b *policy.Batch) error
	// Mean is the mean price at phi.
	Mean(phi []float64) float64
}

// Rule is an update rule of package policy for a [policy.Gaussian]:
// policy.PG, policy.Natural, or any other with this method.
type Rule interface {
	Update(b *policy.Batch) (policy.Stats, error)
}

// Gaussian is an [Agent] quoting from a Gaussian policy trained by a rule
// (the rule must be bound to the same policy).
type Gaussian struct {
	Policy policy.Gaussian
	Rule   Rule
	Last   policy.Stats // of the last update
}

// Quote samples the policy.
func (g *Gaussian) Quote(rng *rand.Rand, phi []float64) (a, mu, sigma float64) {
	return policy.Sample(g.Policy, rng, phi)
}

// Update applies the rule.
func (g *Gaussian) Update(b *policy.Batch) error {
	st, err := g.Rule.Update(b)
	g.Last = st
	return err
}

// Mean is the policy's mean at phi.
func (g *Gaussian) Mean(phi []float64) float64 { mu, _ := g.Policy.Dist(phi); return mu }

// P2 is an [Agent] with P2's linear policy and REINFORCE rule, as
// agents.Gaussian drives them (risk-neutral).
type P2 struct {
	Policy *policy.Linear
	Rule   policy.Reinforce
}

// Quote samples the policy.
func (p *P2) Quote(rng *rand.Rand, phi []float64) (a, mu, sigma float64) {
	a, mu = p.Policy.Sample(rng, phi)
	return a, mu, p.Policy.Sigma
}

// Update applies P2's rule.
func (p *P2) Update(b *policy.Batch) error { return p.Rule.Update(p.Policy, b) }

// Mean is theta . phi.
func (p *P2) Mean(phi []float64) float64 { return p.Policy.Mean(phi) }
