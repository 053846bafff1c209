package game_test

import (
	"fmt"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/internal/game"
)

// P2's rule and the default learner on the bilateral k-double auction at
// k = 1/2, as the preset plays it (sigma 0.2, 4000 episodes of 50 rounds),
// one replicate each: P2's rule stops with its slopes near 0.58, where its
// sigma² step has all but vanished; the natural gradient gets within 0.05
// of the closed form 2/3 v + 1/12, 2/3 c + 1/4 (a replicate scatters by
// about 0.04 around the mean of many).
func Example() {
	g := game.Bilateral{K: 0.5, Rounds: 50}
	p2 := func() game.Agent {
		return &game.P2{Policy: policy.NewLinear(2, 0.2), Rule: policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, MinSigma: 0.005}}
	}
	natural := func() game.Agent {
		n := policy.NewNatural(2, 0.2)
		return &game.Gaussian{Policy: n.Policy, Rule: n}
	}
	for _, l := range []struct {
		name string
		make func() game.Agent
	}{{"P2's rule", p2}, {"natural", natural}} {
		buyer, seller := l.make(), l.make()
		if err := g.Train(1, buyer, seller, 4000); err != nil {
			fmt.Println(err)
			return
		}
		b0, b1 := game.Line(buyer, 0, 1)
		a0, a1 := game.Line(seller, 0, 1)
		fmt.Printf("%-9s bid %.2f + %.2f v, ask %.2f + %.2f c\n", l.name, b0, b1, a0, a1)
	}
	b0, b1, a0, a1 := g.Equilibrium()
	fmt.Printf("theory    bid %.2f + %.2f v, ask %.2f + %.2f c\n", b0, b1, a0, a1)
	// Output:
	// P2's rule bid 0.15 + 0.59 v, ask 0.29 + 0.58 c
	// natural   bid 0.06 + 0.70 v, ask 0.24 + 0.71 c
	// theory    bid 0.08 + 0.67 v, ask 0.25 + 0.67 c
}
