package policy_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// A linear-Gaussian policy learns, from one episode, to bid more for a
// decision that paid off than for one that did not.
func Example() {
	p := policy.NewLinear(2, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	b := policy.NewBatch(2)
	phi := []float64{1, 0.5}
	for range 50 {
		bid, mean := p.Sample(rng, phi)
		ret := -(bid - 3) * (bid - 3) // the best bid is 3
		b.Add(phi, bid, mean, p.Sigma, ret, 0)
		b.EndTrajectory()
	}
	r := policy.Reinforce{AlphaMu: 0.5, AlphaSigma: 0.01}
	if err := r.Update(p, b); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("mean bid before 0.00, after %.2f\n", p.Mean(phi))
	// Output:
	// mean bid before 0.00, after 0.61
}
