package equilibrium_test

import (
	"fmt"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// The theory of P1's deterministic market: every job worth shipping trades
// at any p between its cost and its reservation, in every equilibrium.
func ExampleNewTheory() {
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		panic(err)
	}
	th := equilibrium.NewTheory(&sc)
	for _, j := range th.ClosedForm {
		fmt.Printf("cost %3.0f reservation %3.0f trades %v\n", j.Cost, j.Reservation, j.Trades)
	}
	fmt.Printf("efficient surplus per clearing %.0f\n", th.Surplus.Mean)
	// Output:
	// cost  50 reservation 120 trades true
	// cost  60 reservation 150 trades true
	// cost  50 reservation  90 trades true
	// cost 120 reservation 100 trades false
	// efficient surplus per clearing 200
}
