package game

import (
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

// fixedLine quotes b0 + b1*x, deterministically.
type fixedLine struct{ b0, b1 float64 }

func (f fixedLine) Quote(_ *rand.Rand, phi []float64) (a, mu, sigma float64) {
	m := f.b0 + f.b1*phi[1]
	return m, m, 0
}
func (f fixedLine) Update(*policy.Batch) error { return nil }
func (f fixedLine) Mean(phi []float64) float64 { return f.b0 + f.b1*phi[1] }

// PPO's buyer against a seller fixed at its equilibrium ask (k = 1/2)
// learns its best response, 2/3 v + 1/12, where it matters: over the
// values whose best bid can trade (v >= 1/4). Measured as the RMS distance
// of its network's mean bid from the best response there, over seeds 1..6
// after 1000 episodes of 50 rounds (about 1 s each): 0.027 to 0.079. The
// bound 0.12 leaves room, and is below what a learner that did not learn
// scores: 0.14 for a truthful bid, 0.53 for bidding 0. (Both sides learning
// for 4000 episodes is measured in the report of issue 12, not here: it
// takes minutes.)
func TestPPOLearnsTheBilateralBestResponse(t *testing.T) {
	const ppoEpisodes, ppoTol = 1000, 0.12
	g := Bilateral{K: 0.5, Rounds: 50}
	b0, b1, a0, a1 := g.Equilibrium()
	for seed := range uint64(2) {
		o := ppo.New(rand.New(rand.NewPCG(seed, 1)), 2, ppo.Config{Sigma0: 0.2})
		buyer := &Gaussian{Policy: o.Policy, Rule: o}
		if err := g.Train(seed+1, buyer, fixedLine{a0, a1}, ppoEpisodes); err != nil {
			t.Fatal(err)
		}
		x0, x1 := Line(buyer, 0.25, 1)
		d := Distance(buyer, func(v float64) float64 { return b0 + b1*v }, 0.25, 1)
		t.Logf("seed %d: bid %.3f + %.3f v over v in [1/4, 1], RMS distance %.4f, sigma %.3f", seed+1, x0, x1, d, o.Policy.Sigma())
		if d > ppoTol {
			t.Errorf("seed %d: PPO's mean bid is %.4f from the best response %.3f + %.3f v (RMS over v in [1/4, 1]), want at most %v", seed+1, d, b0, b1, ppoTol)
		}
	}
}
