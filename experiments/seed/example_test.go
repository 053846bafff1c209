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

// A seed above 2^63 is written in the tables as the negative int64 of the
// same bits; Parse reads either form back to the same seed.
func ExampleParse() {
	s := uint64(18225931998598911504)
	fmt.Println(seed.Signed(s))
	a, _ := seed.Parse("18225931998598911504")
	b, _ := seed.Parse("-220812075110640112")
	fmt.Println(a == s, b == s)
	// Output:
	// -220812075110640112
	// true true
}
