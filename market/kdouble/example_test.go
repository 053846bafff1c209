package kdouble_test

import (
	"fmt"

	"github.com/freightsim/freightsim/market/kdouble"
)

// The symmetric linear equilibrium of the 4 x 4 market at k = 1/2: each
// side's line has slope 0.887, against 2/3 in bilateral trading (m = 1):
// with more traders, each quote is less likely to set the price, and
// traders shade less.
func ExampleMarket_Linear() {
	for _, m := range []int{1, 4} {
		bid, ask, _, err := kdouble.Market{M: m, K: 0.5}.Linear(400, 200, 1e-5)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("m = %d: bid = %.3f v + %.3f, ask = %.3f c + %.3f\n", m, bid.Slope, bid.Intercept, ask.Slope, ask.Intercept)
	}
	// Output:
	// m = 1: bid = 0.667 v + 0.083, ask = 0.667 c + 0.250
	// m = 4: bid = 0.887 v + 0.008, ask = 0.887 c + 0.105
}
