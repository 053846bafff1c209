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

// A continuous double auction: shippers bid for capacity, carriers ask, and
// every incoming order trades at once with the best resting orders of the
// other side, at the resting order's price per unit.
func ExampleBook() {
	b := market.NewBook()
	b.Submit(market.BookOrder{ID: 1, Owner: 100, Side: market.Sell, Qty: 5, Price: 12})
	b.Submit(market.BookOrder{ID: 2, Owner: 101, Side: market.Sell, Qty: 5, Price: 10})
	b.Submit(market.BookOrder{ID: 3, Owner: 200, Side: market.Buy, Qty: 4, Price: 9})
	// A shipper wants 8 units at up to 12.5: it takes the cheaper ask first.
	for _, f := range b.Submit(market.BookOrder{ID: 4, Owner: 201, Side: market.Buy, Qty: 8, Price: 12.5}) {
		fmt.Printf("order %d buys %d units from order %d at %v\n", f.Buy, f.Qty, f.Sell, f.Price)
	}
	bid, bidQty, _ := b.BestBid()
	ask, askQty, _ := b.BestAsk()
	fmt.Printf("best bid %v x %d, best ask %v x %d, %d orders resting\n", bid, bidQty, ask, askQty, b.Len())
	// Output:
	// order 4 buys 5 units from order 2 at 10
	// order 4 buys 3 units from order 1 at 12
	// best bid 9 x 4, best ask 12 x 2, 2 orders resting
}

// The competitive equilibrium of a small market: three jobs (value per
// volume unit) and two carriers (cost per unit and capacity). All eight
// units of capacity are sold, the 3-per-unit job does not ship, and any price
// from 6 (the dearer carrier's cost) to 7 (the marginal job's value) clears
// the market.
func ExampleCompetitiveEquilibrium() {
	demand := []market.Step{
		{Price: 60.0 / 6, Qty: 6}, // a job of value 60 and volume 6
		{Price: 14.0 / 2, Qty: 2},
		{Price: 15.0 / 5, Qty: 5},
	}
	supply := []market.Step{
		{Price: 4, Qty: 5}, // a carrier with cost 4 per unit and capacity 5
		{Price: 6, Qty: 3},
	}
	e := market.CompetitiveEquilibrium(demand, supply)
	fmt.Printf("quantity %d, prices [%v, %v], surplus %v\n", e.Quantity, e.Low, e.High, e.Surplus)
	// Output:
	// quantity 8, prices [6, 7], surplus 36
}

// Two carriers depart at once. Every job is worth more with carrier 1, which
// has room for job 0 alone or for jobs 1 and 2. Jobs 1 and 2 gain 9 there
// over carrier 0 (18 against 9), job 0 only 5 (20 against 15), so job 0 goes
// to carrier 0. Under k-double with k = 0.5 each job trades halfway between bid
// and ask.
func ExampleBroker_Assign() {
	bids := []float64{50, 30, 28}
	asks := [][]float64{
		{35, 25, 24}, // carrier 0's asks for jobs 0, 1, 2
		{30, 20, 20}, // carrier 1's
	}
	volumes := []int{6, 3, 3}
	capacities := []int{6, 6}
	b := market.Broker{Tie: market.TieMaxVolume, Price: market.PriceRule{Kind: market.KDouble, K: 0.5}}
	a := b.Assign(bids, asks, volumes, capacities)
	for j, c := range a.Carrier {
		fmt.Printf("job %d: carrier %d, price %v\n", j, c, a.Pay[j])
	}
	fmt.Printf("loads %v, spread %v, exact %v\n", a.Load, a.Spread, a.Exact)
	// Output:
	// job 0: carrier 0, price 42.5
	// job 1: carrier 1, price 25
	// job 2: carrier 1, price 24
	// loads [6 6], spread 33, exact true
}

// Two trucks at a hub, each carrying jobs of one destination. Jobs 0 and
// 1 go to hub 7, job 2 to hub 9. Each truck holds 4 units: the first takes
// jobs 0 and 1 (spread 10 + 6) to hub 7, the second job 2 (spread 12) to
// hub 9; two trucks to hub 7 would leave job 2 behind.
func ExampleBroker_AssignLanes() {
	bids := []float64{30, 20, 40}
	asks := [][]float64{
		{20, 14, 28}, // truck 0's asks for jobs 0, 1, 2
		{20, 14, 28}, // truck 1's
	}
	volumes := []int{2, 2, 3}
	dests := []int{7, 7, 9}
	capacities := []int{4, 4}
	b := market.Broker{Tie: market.TieMaxVolume, Price: market.PriceRule{Kind: market.Spread}}
	a := b.AssignLanes(bids, asks, volumes, dests, capacities)
	for j, t := range a.Carrier {
		fmt.Printf("job %d: truck %d to hub %d\n", j, t, a.Dest[t])
	}
	fmt.Printf("loads %v, spread %v\n", a.Load, a.Spread)
	// Output:
	// job 0: truck 0 to hub 7
	// job 1: truck 0 to hub 7
	// job 2: truck 1 to hub 9
	// loads [4 3], spread 28
}
