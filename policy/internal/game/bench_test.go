package game

import (
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

// BenchmarkBilateralEpisode times one training episode of the bilateral
// market (50 rounds: both sides quote, then both update) for each learner,
// so that learners compare in cost per episode: P2's rule (policy.Reinforce
// on policy.Linear) against the default learner (policy.Natural) and its
// full-Fisher variant, and PPO with its default configuration (two
// hidden layers of 32 units, 10 epochs per episode).
func BenchmarkBilateralEpisode(b *testing.B) {
	for _, c := range []struct {
		name string
		make func() Agent
	}{
		{"p2", func() Agent {
			return &P2{Policy: policy.NewLinear(2, 0.2), Rule: policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, MinSigma: 0.005}}
		}},
		{"natural", func() Agent { n := policy.NewNatural(2, 0.2); return &Gaussian{Policy: n.Policy, Rule: n} }},
		{"natural-full", func() Agent {
			n := policy.NewNatural(2, 0.2)
			n.Full = true
			return &Gaussian{Policy: n.Policy, Rule: n}
		}},
		{"ppo", func() Agent {
			o := ppo.New(rand.New(rand.NewPCG(1, 1)), 2, ppo.Config{Sigma0: 0.2})
			return &Gaussian{Policy: o.Policy, Rule: o}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchBilateral(b, c.make)
		})
	}
}

func benchBilateral(b *testing.B, make func() Agent) {
	r := Bilateral{K: 0.5, Rounds: 50}.Start(1, make(), make())
	// Warm up past the first updates, whose buffers are new.
	for range 20 {
		if err := r.Episode(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Episode(); err != nil {
			b.Fatal(err)
		}
	}
}
