package agents_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
)

// Two trucks at hub 0 of a three-hub network trade by continuous double
// auction: the jobs for hub 1 (100 km, a unit's cost 10) trade, the one
// for hub 2 (300 km, cost 30, above its shipper's reservation of 20) does
// not; each truck carries jobs of one destination within its capacity,
// at the midpoint of bid and ask, (20 + 10) / 2 a unit.
func ExampleCDA_OpenHubs() {
	x := &agents.Exchange{
		Shippers: []*agents.Shipper{{Penalty: 20, Strategy: agents.TruthfulBid{}}},
		Carriers: []*agents.Carrier{{Capacity: 2, CostRate: 0.1, Strategy: agents.TruthfulAsk{}}},
	}
	for _, to := range []int{1, 2, 1, 1} {
		j := x.NewJob()
		j.Volume, j.Distance, j.Due, j.From, j.To = 1, []float64{0, 100, 300}[to], 1, 0, to
		x.Arrive(j)
	}
	cda := agents.NewCDA(x, market.MidpointPrice)
	trucks := [][]agents.Truck{{{Carrier: 0, Capacity: 2}, {Carrier: 0, Capacity: 1}}, nil, nil}
	cda.OpenHubs(trucks)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		cda.Quote(0.25, rng)
	}
	loads := cda.SettleHubs(0.5, nil)
	for k, l := range loads[0] {
		fmt.Printf("truck %d: to hub %d, %d jobs, paid %.0f for a cost of %.0f\n", k, l.Dest, l.Jobs, l.Pay, l.Cost)
	}
	fmt.Println("still waiting:", len(x.Waiting()))
	// Output:
	// truck 0: to hub 1, 2 jobs, paid 30 for a cost of 20
	// truck 1: to hub 1, 1 jobs, paid 15 for a cost of 10
	// still waiting: 1
}
