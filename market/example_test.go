package market_test

import (
	"fmt"

	"github.com/freightsim/freightsim/market"
)

// A carrier with 10 volume units accepts jobs as in the smart-containers
// paper: the ask of each job is the carrier's cost, and it is paid the bid.
// Job 0 alone has the best net value (10), but jobs 1 and 2 together fit and
// are worth 13.
func ExampleP2Acceptance() {
	jobs := []market.Order{
		{Volume: 6, Bid: 40, Ask: 30},
		{Volume: 5, Bid: 30, Ask: 23},
		{Volume: 5, Bid: 26, Ask: 20},
	}
	c := market.P2Acceptance().Clear(jobs, 10)
	for i, j := range c.Selected {
		fmt.Printf("job %d: shipper pays %v, carrier receives %v\n", j, c.Pay[i], c.Receive[i])
	}
	fmt.Printf("volume %d, carrier's net value %v, broker keeps %v\n", c.Volume, c.Spread, c.Kept)
	// Output:
	// job 1: shipper pays 30, carrier receives 30
	// job 2: shipper pays 26, carrier receives 26
	// volume 10, carrier's net value 13, broker keeps 0
}

// At an equilibrium a bid can equal its ask. Order 1 has spread zero: the
// strict rule never takes it, the max-volume rule ships it because it adds
// volume at no loss of spread. Under the spread rule the broker keeps the
// spread.
func ExampleBroker_Clear() {
	orders := []market.Order{
		{Volume: 4, Bid: 50, Ask: 40}, // spread 10
		{Volume: 3, Bid: 30, Ask: 30}, // spread 0
		{Volume: 5, Bid: 20, Ask: 25}, // spread -5: never trades
	}
	for _, tie := range []market.Tie{market.TieStrict, market.TieMaxVolume} {
		b := market.Broker{Tie: tie, Price: market.PriceRule{Kind: market.Spread}}
		c := b.Clear(orders, 8)
		fmt.Printf("%-10v selected %v, volume %d, spread %v, pay %v, receive %v, kept %v\n",
			tie, c.Selected, c.Volume, c.Spread, c.Pay, c.Receive, c.Kept)
	}
	// Output:
	// strict     selected [0], volume 4, spread 10, pay [50], receive [40], kept 10
	// max-volume selected [0 1], volume 7, spread 10, pay [50 30], receive [40 30], kept 10
}

// The k-double rule splits the spread: with k = 0.25 the price sits a quarter
// of the way from the ask to the bid.
func ExamplePriceRule_Prices() {
	r := market.PriceRule{Kind: market.KDouble, K: 0.25}
	pay, receive := r.Prices(50, 30)
	fmt.Println(r, pay, receive)
	// Output:
	// k-double(k=0.25) 35 35
}

// The efficient benchmark of a clearing uses true values and costs.
func ExampleBroker_MaxSurplus() {
	var b market.Broker
	values := []float64{40, 30, 26}
	costs := []float64{30, 23, 20}
	volumes := []int{6, 5, 5}
	fmt.Println(b.MaxSurplus(values, costs, volumes, 10))
	// Output:
	// 13
}
