package agents_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
)

// A planner prices every job at its cost plus 25 %.
func ExampleMarkup() {
	carrier := &agents.Carrier{CostRate: 0.1, Capacity: 80}
	v := &agents.View{Carrier: carrier, Capacity: 80}
	j := &agents.Job{Volume: 4, Distance: 50, Due: 2, Value: 20, Reserve: 100}

	ask := agents.Markup{Carrier: true, Rate: 0.25}
	if err := ask.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cost %.2f, ask %.2f\n", carrier.Cost(j), ask.Quote(nil, j, v, nil))

	bad := agents.Markup{Rate: -0.1}
	fmt.Println(bad.Validate())
	// Output:
	// cost 20.00, ask 25.00
	// markup: -0.1: want a finite number >= 0
}

// A zero-intelligence shipper bids at random between a floor and its
// reservation, never above it.
func ExampleZIC() {
	v := &agents.View{Carrier: &agents.Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80}
	j := &agents.Job{Volume: 4, Distance: 50, Due: 2, Value: 20, Reserve: 100}
	rng := rand.New(rand.NewPCG(1, 2))

	bid := agents.ZIC{Floor: 40}
	for range 3 {
		fmt.Printf("bid %.2f (reservation %.2f)\n", bid.Quote(rng, j, v, nil), j.Reserve)
	}
	// Output:
	// bid 80.59 (reservation 100.00)
	// bid 67.68 (reservation 100.00)
	// bid 70.51 (reservation 100.00)
}

// A ZIP carrier whose asks keep trading above them raises its margin.
func ExampleZIP() {
	p := agents.CliffZIP()
	p.Carrier = true
	z, err := agents.NewZIP(p, rand.New(rand.NewPCG(1, 3)))
	if err != nil {
		fmt.Println(err)
		return
	}
	v := &agents.View{Carrier: &agents.Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80}
	j := &agents.Job{Volume: 4, Distance: 50, Due: 2, Reserve: 100}
	cost := v.Carrier.Cost(j)
	for clearing := range 3 {
		ask := z.Quote(nil, j, v, nil)
		fmt.Printf("clearing %d: margin %.3f, ask %.2f\n", clearing, z.Margin(), ask)
		// The exchange reports the outcome: it traded, 2 above the ask.
		z.Watch(agents.Outcome{Carrier: true, Quote: ask, Limit: cost, Traded: true, Price: ask + 2})
	}
	// Output:
	// clearing 0: margin 0.241, ask 24.83
	// clearing 1: margin 0.289, ask 25.78
	// clearing 2: margin 0.345, ask 26.90
}
