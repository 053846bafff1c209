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

// A linear-Gaussian policy learns, with Adam and a baseline per group, the
// price that is best in each state of a contextual bandit: 2 + 3x.
func ExamplePG() {
	rng := rand.New(rand.NewPCG(1, 2))
	p := policy.NewLinearGaussian(2, 2, false) // features (1, x): phi[0] is the bias
	p.MinSigma = 0.05                          // keep exploring a little
	pg := policy.PG{Policy: p, Opt: &policy.Adam{LR: 0.02}, Baseline: policy.BaselineGroup, Normalize: true}
	b := policy.NewBatch(2)
	for range 2000 {
		b.Reset()
		for range 50 {
			x := rng.Float64()
			phi := []float64{1, x}
			a, mu, sigma := policy.Sample(p, rng, phi)
			miss := a - (2 + 3*x)
			b.Add(phi, a, mu, sigma, -miss*miss, 0)
			b.EndTrajectory()
		}
		if _, err := pg.Update(b); err != nil {
			fmt.Println(err)
			return
		}
	}
	at0, _ := p.Dist([]float64{1, 0})
	at1, sigma := p.Dist([]float64{1, 1})
	fmt.Printf("price at x=0: %.1f, at x=1: %.1f, sigma %.2f\n", at0, at1, sigma)
	// Output:
	// price at x=0: 2.0, at x=1: 5.0, sigma 0.05
}

// The default learner on the same bandit, quoted in cents: it needs no
// step size chosen for the unit of money, and sigma stops at its floor,
// 1/8 of the initial 200 cents. The best prices are 200 and 500 cents;
// what is left is the wandering of a noisy gradient (about 2 %).
func ExampleNewNatural() {
	rng := rand.New(rand.NewPCG(1, 2))
	n := policy.NewNatural(2, 200) // features (1, x); sigma0 200 cents
	b := policy.NewBatch(2)
	for range 2000 {
		b.Reset()
		for range 50 {
			x := rng.Float64()
			phi := []float64{1, x}
			a, mu, sigma := policy.Sample(n.Policy, rng, phi)
			miss := a - 100*(2+3*x)
			b.Add(phi, a, mu, sigma, -miss*miss, 0)
			b.EndTrajectory()
		}
		if _, err := n.Update(b); err != nil {
			fmt.Println(err)
			return
		}
	}
	at0, _ := n.Policy.Dist([]float64{1, 0})
	at1, sigma := n.Policy.Dist([]float64{1, 1})
	fmt.Printf("price at x=0: %.0f cents, at x=1: %.0f cents, sigma %.0f cents\n", at0, at1, sigma)
	// Output:
	// price at x=0: 201 cents, at x=1: 510 cents, sigma 25 cents
}
