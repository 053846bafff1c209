package seed_test

import (
	"fmt"

	"github.com/freightsim/freightsim/experiments/seed"
)

// The same path gives the same stream; another role, another stream.
func ExampleStream() {
	rep := seed.Replicate(1, 0)
	a := seed.Stream(rep, seed.PhaseTrain, seed.RoleJobs)
	b := seed.Stream(rep, seed.PhaseTrain, seed.RoleJobs)
	c := seed.Stream(rep, seed.PhaseTrain, seed.RoleShipper+0)
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	fmt.Println(x == y, x == z)
	fmt.Println(seed.Run(1, 3, 2) == seed.Replicate(seed.Point(1, 3), 2))
	// Output:
	// true false
	// true
}
