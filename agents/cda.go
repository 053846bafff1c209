package agents

import (
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/market"
)

// CDA is trading by continuous double auction (Smith 1962; Gode and Sunder
// 1993) on an Exchange, as an alternative to clearing knapsacks at
// departures. It trades units of capacity: every job has volume 1 and one
// distance, so a unit of a carrier's capacity costs it the same whichever
// job fills it. A round is one epoch: it opens after the arrivals, traders
// chosen at random quote one after another (each quote replaces the
// trader's previous one and trades at once if it crosses, at the resting
// order's price or the midpoint), and it settles at the departure: jobs that
// traded ship with their carrier at the trade price, the others wait or fail
// as at a clearing.
//
// A trader is a waiting job that has not traded (its shipper quotes its bid)
// or a carrier with capacity left (it asks for all of it at one unit price).
// Carriers quote with fixed strategies: an ask for anonymous capacity is not
// a decision about any one job, so there is nothing a carrier's learning
// could attribute rewards to.
type CDA struct {
	Book market.Book

	x        *Exchange
	left     []int   // per carrier: capacity not yet sold this round
	askID    []int64 // per carrier: its resting ask, 0 if none
	nextID   int64
	orders   []market.Order
	cl       market.Clearing
	bidders  []int // scratch: waiting jobs that may quote
	carriers []int // scratch: carriers that may quote
	all      []int // every carrier, for watching
	// shouting: some trader watches every shout (ZIP); lastQuote is the
	// quote just made.
	shouting  bool
	lastQuote float64
	first     []*Job // scratch of shout: per shipper, the job it shouts for
}

// NewCDA returns a continuous double auction on x.
func NewCDA(x *Exchange, price market.TradePrice) *CDA {
	c := &CDA{x: x}
	c.Book.Price = price
	return c
}

// Open starts a round: an empty book, every carrier's capacity for sale.
func (c *CDA) Open() {
	x := c.x
	c.Book.Reset()
	c.left = c.left[:0]
	c.askID = c.askID[:0]
	c.all = c.all[:0]
	c.shouting = false
	for i, car := range x.Carriers {
		c.left = append(c.left, car.Capacity)
		c.askID = append(c.askID, 0)
		c.all = append(c.all, i)
		c.shouting = c.mark(car.Strategy) || c.shouting
	}
	for _, sh := range x.Shippers {
		c.shouting = c.mark(sh.Strategy) || c.shouting
	}
	for _, j := range x.waiting {
		j.tradedWith, j.orderID = -1, 0
	}
}

// Traders is how many traders may quote now.
func (c *CDA) Traders() int {
	n := 0
	for _, j := range c.x.waiting {
		if j.tradedWith < 0 {
			n++
		}
	}
	for _, l := range c.left {
		if l > 0 {
			n++
		}
	}
	return n
}

// Quote lets one trader, chosen uniformly by rng, quote at time now, and
// trades whatever crosses. It reports whether anyone could quote.
func (c *CDA) Quote(now float64, rng *rand.Rand) bool {
	x := c.x
	c.bidders, c.carriers = c.bidders[:0], c.carriers[:0]
	for i, j := range x.waiting {
		if j.tradedWith < 0 {
			c.bidders = append(c.bidders, i)
		}
	}
	for i, l := range c.left {
		if l > 0 {
			c.carriers = append(c.carriers, i)
		}
	}
	n := len(c.bidders) + len(c.carriers)
	if n == 0 || len(x.waiting) == 0 {
		return false
	}
	v := &x.view
	v.Observe(x.waiting, x.P2Running)
	v.Now = now
	k := rng.IntN(n)
	var fills []market.Fill
	if k < len(c.bidders) {
		j := x.waiting[c.bidders[k]]
		sh := x.Shippers[j.Shipper]
		v.Carrier, v.Capacity = x.Carriers[0], c.leftTotal()
		j.Bid = sh.Strategy.Quote(sh.Rand, j, v, &j.Ship)
		c.lastQuote = j.Bid
		if j.orderID != 0 {
			c.Book.Cancel(j.orderID)
		}
		c.nextID++
		j.orderID = c.nextID
		fills = c.Book.Submit(market.BookOrder{ID: j.orderID, Owner: -1 - c.bidders[k], Side: market.Buy, Qty: 1, Price: bookPrice(j.Bid)})
	} else {
		ci := c.carriers[k-len(c.bidders)]
		car := x.Carriers[ci]
		v.Carrier, v.Capacity = car, c.left[ci]
		rep := x.waiting[0] // every job costs the carrier the same: any one stands for a unit
		ask := car.Strategy.Quote(car.Rand, rep, v, &rep.Carry[ci])
		if c.askID[ci] != 0 {
			c.Book.Cancel(c.askID[ci])
		}
		c.nextID++
		c.askID[ci] = c.nextID
		car.ask = ask
		c.lastQuote = ask
		fills = c.Book.Submit(market.BookOrder{ID: c.askID[ci], Owner: ci, Side: market.Sell, Qty: c.left[ci], Price: bookPrice(ask)})
	}
	for _, f := range fills {
		j := x.waiting[-1-f.BuyOwner]
		j.tradedWith, j.price, j.orderID = f.SellOwner, f.Price, 0
		c.left[f.SellOwner] -= f.Qty
		if c.left[f.SellOwner] == 0 {
			c.askID[f.SellOwner] = 0
		}
	}
	if c.shouting {
		ask := k >= len(c.bidders)
		if len(fills) == 0 {
			c.shout(Shout{Ask: ask, Price: c.lastQuote})
		}
		for _, f := range fills {
			c.shout(Shout{Ask: ask, Price: f.Price, Traded: true})
		}
	}
	return true
}

// mark reports whether s watches shouts and, in an evaluation round, marks
// what it has adapted, to be reset when the round settles.
func (c *CDA) mark(s Strategy) bool {
	w, ok := s.(ShoutWatcher)
	if ok && !c.x.Learning {
		w.Mark()
	}
	return ok
}

// shout tells every trader whose strategy watches shouts of s: a shipper
// once, for its first job that has not traded (or, if all have, its first
// job, inactive); a carrier for a unit of its capacity.
func (c *CDA) shout(s Shout) {
	x := c.x
	// Each shipper's first job that has not traded, else its first job: one
	// pass over the waiting jobs.
	c.first = c.first[:0]
	for range x.Shippers {
		c.first = append(c.first, nil)
	}
	for _, j := range x.waiting {
		if f := c.first[j.Shipper]; f == nil || f.tradedWith >= 0 && j.tradedWith < 0 {
			c.first[j.Shipper] = j
		}
	}
	for si, sh := range x.Shippers {
		if w, ok := sh.Strategy.(ShoutWatcher); ok && c.first[si] != nil {
			j := c.first[si]
			w.Shout(sh.Rand, s, j.Reserve, j.tradedWith < 0)
		}
	}
	if len(x.waiting) == 0 {
		return
	}
	for ci, car := range x.Carriers {
		if w, ok := car.Strategy.(ShoutWatcher); ok {
			w.Shout(car.Rand, s, car.Cost(x.waiting[0]), c.left[ci] > 0)
		}
	}
}

func (c *CDA) leftTotal() int {
	n := 0
	for _, l := range c.left {
		n += l
	}
	return n
}

// bookPrice keeps a NaN or infinite quote out of the book: such a quote cannot
// trade (a bid of -MaxFloat64, an ask of +MaxFloat64 are never crossed).
func bookPrice(p float64) float64 {
	switch {
	case math.IsNaN(p) || math.IsInf(p, -1):
		return -math.MaxFloat64
	case math.IsInf(p, 1):
		return math.MaxFloat64
	}
	return p
}

// Settle ends the round at the departure, time now: jobs that traded ship
// at their trade price (shipper pays it, carrier receives it), the others
// wait or fail; the observer and watching strategies are told, carrier by
// carrier.
func (c *CDA) Settle(now float64) {
	x := c.x
	n := len(x.waiting)
	x.shipped = resizeInts(x.shipped, n, -1)
	x.pay = resizeFloats(x.pay, n)
	x.receive = resizeFloats(x.receive, n)
	for i, j := range x.waiting {
		if j.tradedWith >= 0 {
			x.shipped[i], x.pay[i], x.receive[i] = j.tradedWith, j.price, j.price
		}
	}
	for ci, car := range x.Carriers {
		cl := market.Clearing{Selected: c.cl.Selected[:0], Pay: c.cl.Pay[:0], Receive: c.cl.Receive[:0]}
		c.orders = c.orders[:0]
		for i, j := range x.waiting {
			c.orders = append(c.orders, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: car.ask})
			if x.shipped[i] == ci {
				cl.Selected = append(cl.Selected, i)
				cl.Pay = append(cl.Pay, x.pay[i])
				cl.Receive = append(cl.Receive, x.receive[i])
				cl.Volume += j.Volume
				cl.Spread += j.Bid - car.ask
			}
		}
		c.cl.Selected, c.cl.Pay, c.cl.Receive = cl.Selected, cl.Pay, cl.Receive
		if x.Observer != nil {
			x.Observer.Cleared(now, ci, car.Capacity, c.orders, &cl)
		}
		if cl.Volume > 0 {
			car.Reward -= car.FixedCost
		}
	}
	x.asks = x.asks[:0]
	for _, car := range x.Carriers {
		row := make([]float64, n)
		for i := range row {
			row[i] = car.ask
		}
		x.asks = append(x.asks, row)
	}
	x.watch(c.all, c.left)
	x.settle(c.all)
	if c.shouting && !x.Learning {
		for _, sh := range x.Shippers {
			if w, ok := sh.Strategy.(ShoutWatcher); ok {
				w.Reset()
			}
		}
		for _, car := range x.Carriers {
			if w, ok := car.Strategy.(ShoutWatcher); ok {
				w.Reset()
			}
		}
	}
}
