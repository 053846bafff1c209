package ppo_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

// A PPO learner prices a contextual bandit whose best price is 2 + 3x:
// after 300 episodes of 50 decisions its network quotes near the best
// price, and sigma has shrunk from 1 towards its floor, 1/8, without
// collapsing.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	o := ppo.New(rng, 2, ppo.Config{Sigma0: 1}) // features (1, x)
	b := policy.NewBatch(2)
	for range 300 {
		b.Reset()
		for range 50 {
			x := rng.Float64()
			phi := []float64{1, x}
			a, mu, sigma := policy.Sample(o.Policy, rng, phi)
			miss := a - (2 + 3*x)
			b.Add(phi, a, mu, sigma, -miss*miss, 0)
			b.EndTrajectory()
		}
		if _, err := o.Update(b); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, x := range []float64{0, 0.5, 1} {
		mu, _ := o.Policy.Dist([]float64{1, x})
		fmt.Printf("x %.1f: price %.2f (best %.1f)\n", x, mu, 2+3*x)
	}
	fmt.Printf("sigma %.2f\n", o.Policy.Sigma())
	// Output:
	// x 0.0: price 2.01 (best 2.0)
	// x 0.5: price 3.49 (best 3.5)
	// x 1.0: price 4.89 (best 5.0)
	// sigma 0.24
}
