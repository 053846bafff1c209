package agents

import (
	"math"
	"math/rand/v2"
	"slices"

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
//
// A carrier that learns (a Learner strategy) learns from its asks as from
// its asks at a knapsack's clearing, one decision per job: an ask (a
// decision of the policy, on the features of a job of the lane it asks on)
// waits, per seller and lane, until it trades or is replaced or the round
// settles. Each job it sells to takes the decision into its carrier record
// (Job.Carry), whose return is what carrying the job earned the carrier
// (price minus cost, and on a network with empty_returns cargo what the
// truck's next move costs or saves), as a traded ask's at a clearing; an
// ask that never traded is learned with return 0, as an ask for a job that
// shipped with another carrier or not at all. Fixed strategies quote as
// before, their decisions (none) in the record of a job of the lane.
//
// On a freight network (OpenHubs, SettleHubs) every hub has its own order
// books, one per lane leaving it (its jobs for one destination), and the
// sellers are the trucks present at the hub when the round opens, each with
// its own capacity. A truck that has not traded asks on every lane of its
// hub that has jobs, in the order of the destinations, at one unit price
// per lane (its carrier prices a job of the lane); its first trade commits
// it to that lane's destination and withdraws its asks on the others, so a
// truck carries jobs of one destination, within its capacity. A bid rests
// and trades on its job's lane only. A round's quotes are drawn among the
// traders of all hubs, as on one hub; with one hub, one lane and one truck
// per carrier it is the one-hub auction, draw for draw.
type CDA struct {
	Book market.Book

	x       *Exchange
	left    []int   // per seller (a carrier; on a network, a truck): capacity not yet sold this round
	askID   []int64 // per carrier: its resting ask, 0 if none (one hub)
	nextID  int64
	orders  []market.Order
	cl      market.Clearing
	bidders activeSet // the waiting jobs that may quote: those that have not traded
	sellers activeSet // the sellers that may quote: those with capacity left
	all     []int     // every carrier, for watching
	// shouting: some trader watches every shout (ZIP); lastQuote is the
	// quote just made.
	shouting  bool
	lastQuote float64
	first     []*Job // scratch of shout: per shipper, the job it shouts for

	net  bool    // the round is on a network (OpenHubs)
	hubs cdaHubs // the network's books and trucks

	// Learning carriers' asks: scratch takes a quote's decision, pend
	// holds each seller's latest decision per lane until it trades or is
	// replaced, lost the decisions that never traded, per carrier.
	scratch Record
	pend    [][]pendingAsk
	lost    []Record
}

// pendingAsk is a learning carrier's latest ask of a seller on the lane to
// dest (0 on one hub): its decision, and whether it traded.
type pendingAsk struct {
	dest   int
	rec    Record
	traded bool
}

// cdaHubs is a round of a continuous double auction on a network.
type cdaHubs struct {
	n       int            // hubs
	trucks  [][]Truck      // per hub: the trucks present (the caller's)
	first   []int          // per hub: the seller index of its first truck; one more entry, the sellers
	hubOf   []int          // per seller: its hub
	dest    []int          // per seller: the destination it is committed to, -1 before its first trade
	asks    [][]laneAsk    // per seller: its resting asks
	books   []*market.Book // per lane h*n+d; nil until used
	jobs    [][]*Job       // per lane h*n+d: its waiting jobs, in order of arrival
	lanes   []int          // the lanes with jobs this round, ascending
	hubJobs [][]*Job       // per hub: its waiting jobs
	dests   [][]int        // per hub: the destinations of its jobs, ascending
	unsold  []int          // scratch: per carrier, capacity unsold at a hub
}

// laneAsk is a truck's resting ask on the lane to dest.
type laneAsk struct {
	dest int
	id   int64
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
	c.net = false
	c.left = c.left[:0]
	c.askID = c.askID[:0]
	for _, car := range x.Carriers {
		c.left = append(c.left, car.Capacity)
		c.askID = append(c.askID, 0)
	}
	c.open()
}

// open is what every round's opening does: it marks the watching
// strategies and readies the waiting jobs.
func (c *CDA) open() {
	x := c.x
	c.all = c.all[:0]
	c.shouting = false
	for i, car := range x.Carriers {
		c.all = append(c.all, i)
		c.shouting = c.mark(car.Strategy) || c.shouting
	}
	for _, sh := range x.Shippers {
		c.shouting = c.mark(sh.Strategy) || c.shouting
	}
	for s := range c.pend {
		c.pend[s] = c.pend[s][:0] // a round left unsettled teaches nothing
	}
	for ci := range c.lost {
		c.lost[ci].Reset()
	}
	c.bidders.reset(len(x.waiting))
	for i, j := range x.waiting {
		j.tradedWith, j.orderID = -1, 0
		c.bidders.add(i, 1)
	}
	c.sellers.reset(len(c.left))
	for s, l := range c.left {
		if l > 0 {
			c.sellers.add(s, 1)
		}
	}
}

// OpenHubs starts a round on a network of len(trucks) hubs: empty books,
// and for sale the capacity of the trucks present at each hub h, trucks[h]
// (kept until SettleHubs). Jobs trade at the hub where they wait
// (Job.From), for their destination (Job.To).
func (c *CDA) OpenHubs(trucks [][]Truck) {
	x, hb := c.x, &c.hubs
	c.net = true
	n := len(trucks)
	if hb.n != n {
		*hb = cdaHubs{n: n, books: make([]*market.Book, n*n), jobs: make([][]*Job, n*n), hubJobs: make([][]*Job, n), dests: make([][]int, n)}
	}
	hb.trucks = trucks
	c.left, hb.first, hb.hubOf, hb.dest = c.left[:0], hb.first[:0], hb.hubOf[:0], hb.dest[:0]
	for h, ts := range trucks {
		hb.first = append(hb.first, len(c.left))
		for _, t := range ts {
			c.left = append(c.left, t.Capacity)
			hb.hubOf = append(hb.hubOf, h)
			hb.dest = append(hb.dest, -1)
		}
	}
	hb.first = append(hb.first, len(c.left))
	for len(hb.asks) < len(c.left) {
		hb.asks = append(hb.asks, nil)
	}
	for s := range c.left {
		hb.asks[s] = hb.asks[s][:0]
	}
	for _, l := range hb.lanes {
		hb.books[l].Reset()
		hb.jobs[l] = hb.jobs[l][:0]
	}
	for h := range n {
		hb.hubJobs[h], hb.dests[h] = hb.hubJobs[h][:0], hb.dests[h][:0]
	}
	hb.lanes = hb.lanes[:0]
	for _, j := range x.waiting {
		l := j.From*n + j.To
		if len(hb.jobs[l]) == 0 {
			hb.lanes = append(hb.lanes, l)
		}
		hb.jobs[l] = append(hb.jobs[l], j)
		hb.hubJobs[j.From] = append(hb.hubJobs[j.From], j)
	}
	slices.Sort(hb.lanes)
	for _, l := range hb.lanes {
		if hb.books[l] == nil {
			hb.books[l] = &market.Book{}
		}
		hb.books[l].Price = c.Book.Price
		hb.dests[l/n] = append(hb.dests[l/n], l%n)
	}
	c.open()
}

// Traders is how many traders may quote now.
func (c *CDA) Traders() int { return c.bidders.count + c.sellers.count }

// Quote lets one trader, chosen uniformly by rng, quote at time now, and
// trades whatever crosses. It reports whether anyone could quote.
func (c *CDA) Quote(now float64, rng *rand.Rand) bool {
	x := c.x
	n := c.Traders()
	if n == 0 || len(x.waiting) == 0 {
		return false
	}
	v := &x.view
	if !c.net {
		v.Observe(x.waiting, x.P2Running)
	}
	v.Now = now
	k := rng.IntN(n)
	if c.net {
		defer func() { v.Hub, v.Net = 0, nil }()
	}
	if nb := c.bidders.count; k < nb {
		c.bid(c.bidders.kth(k))
	} else if c.net {
		c.askLanes(c.sellers.kth(k - nb))
	} else {
		c.ask(c.sellers.kth(k - nb))
	}
	return true
}

// bid lets waiting job i's shipper quote.
func (c *CDA) bid(i int) {
	x, v := c.x, &c.x.view
	j := x.waiting[i]
	sh := x.Shippers[j.Shipper]
	book := &c.Book
	if c.net {
		hb := &c.hubs
		h := j.From
		c.seeHub(h)
		v.Carrier, v.Capacity = x.Carriers[0], 0
		if ts := hb.trucks[h]; len(ts) > 0 {
			v.Carrier = x.Carriers[ts[0].Carrier]
		}
		for s := hb.first[h]; s < hb.first[h+1]; s++ {
			v.Capacity += c.left[s]
		}
		book = hb.books[h*hb.n+j.To]
	} else {
		v.Carrier, v.Capacity = x.Carriers[0], c.leftTotal()
	}
	j.Bid = bidFor(sh, j, v)
	c.lastQuote = j.Bid
	if j.orderID != 0 {
		book.Cancel(j.orderID)
	}
	c.nextID++
	j.orderID = c.nextID
	fills := book.Submit(market.BookOrder{ID: j.orderID, Owner: -1 - i, Side: market.Buy, Qty: 1, Price: bookPrice(j.Bid)})
	c.trade(fills)
	c.shouted(false, fills, j.From, j.To)
}

// ask lets carrier ci ask for its capacity left (one hub).
func (c *CDA) ask(ci int) {
	x, v := c.x, &c.x.view
	car := x.Carriers[ci]
	v.Carrier, v.Capacity = car, c.left[ci]
	rep := x.waiting[0] // every job costs the carrier the same: any one stands for a unit
	ask := c.quoteAsk(ci, ci, rep, 0)
	if c.askID[ci] != 0 {
		c.Book.Cancel(c.askID[ci])
	}
	c.nextID++
	c.askID[ci] = c.nextID
	car.ask = ask
	c.lastQuote = ask
	fills := c.Book.Submit(market.BookOrder{ID: c.askID[ci], Owner: ci, Side: market.Sell, Qty: c.left[ci], Price: bookPrice(ask)})
	c.trade(fills)
	c.shouted(true, fills, 0, 0)
}

// askLanes lets truck s of a network ask for its capacity left: on the
// lane it is committed to, or on each lane of its hub with jobs until one
// trades.
func (c *CDA) askLanes(s int) {
	hb := &c.hubs
	h := hb.hubOf[s]
	c.seeHub(h)
	if d := hb.dest[s]; d >= 0 {
		c.askLane(s, d)
		return
	}
	for _, d := range hb.dests[h] {
		if c.askLane(s, d) > 0 {
			return
		}
	}
}

// askLane lets truck s ask on the lane from its hub to d, at its carrier's
// price for a job of that lane, and returns the number of fills.
func (c *CDA) askLane(s, d int) int {
	x, v, hb := c.x, &c.x.view, &c.hubs
	h := hb.hubOf[s]
	ci := hb.trucks[h][s-hb.first[h]].Carrier
	car := x.Carriers[ci]
	v.Carrier, v.Capacity = car, c.left[s]
	l := h*hb.n + d
	rep := hb.jobs[l][0] // every job of a lane costs the carrier the same
	ask := c.quoteAsk(s, ci, rep, d)
	k := slices.IndexFunc(hb.asks[s], func(a laneAsk) bool { return a.dest == d })
	if k >= 0 {
		hb.books[l].Cancel(hb.asks[s][k].id)
	} else {
		k = len(hb.asks[s])
		hb.asks[s] = append(hb.asks[s], laneAsk{dest: d})
	}
	c.nextID++
	hb.asks[s][k].id = c.nextID
	car.ask = ask
	c.lastQuote = ask
	fills := hb.books[l].Submit(market.BookOrder{ID: c.nextID, Owner: s, Side: market.Sell, Qty: c.left[s], Price: bookPrice(ask)})
	c.trade(fills)
	c.shouted(true, fills, h, d)
	return len(fills)
}

// quoteAsk returns carrier ci's ask for seller s (the carrier itself on
// one hub, a truck on a network) on the lane to dest (0 on one hub), for a
// unit priced as job rep. A learning carrier's decision waits in pend, and
// the one it replaces, if it never traded, is lost.
func (c *CDA) quoteAsk(s, ci int, rep *Job, dest int) float64 {
	x := c.x
	car := x.Carriers[ci]
	if _, ok := car.Strategy.(Learner); !ok {
		return car.Strategy.Quote(car.Rand, rep, &x.view, &rep.Carry[ci])
	}
	c.scratch.Reset()
	ask := car.Strategy.Quote(car.Rand, rep, &x.view, &c.scratch)
	for len(c.pend) <= s {
		c.pend = append(c.pend, nil)
	}
	k := slices.IndexFunc(c.pend[s], func(p pendingAsk) bool { return p.dest == dest })
	if k < 0 {
		k = len(c.pend[s])
		c.pend[s] = append(c.pend[s], pendingAsk{dest: dest})
	} else {
		c.lose(ci, &c.pend[s][k])
	}
	p := &c.pend[s][k]
	p.rec, c.scratch = c.scratch, p.rec
	p.traded = false
	return ask
}

// sold gives job j, sold by seller s of carrier ci, the decision of the
// seller's ask on j's lane, if its carrier learns.
func (c *CDA) sold(s, ci int, j *Job) {
	if s >= len(c.pend) {
		return
	}
	dest := 0
	if c.net {
		dest = j.To
	}
	for k := range c.pend[s] {
		if p := &c.pend[s][k]; p.dest == dest {
			p.traded = true
			copyDecisions(&j.Carry[ci], &p.rec)
		}
	}
}

// lose moves a pending ask that never traded to carrier ci's lost asks.
func (c *CDA) lose(ci int, p *pendingAsk) {
	if p.traded {
		return
	}
	for len(c.lost) <= ci {
		c.lost = append(c.lost, Record{})
	}
	copyDecisions(&c.lost[ci], &p.rec)
}

// learnLost ends a round's learning asks: those that never traded are
// learned with return 0 by their carriers, when learning.
func (c *CDA) learnLost(sellerCarrier func(s int) int) {
	x := c.x
	for s, ps := range c.pend {
		for k := range ps {
			c.lose(sellerCarrier(s), &ps[k])
		}
		c.pend[s] = ps[:0]
	}
	for ci := range c.lost {
		if l, ok := x.Carriers[ci].Strategy.(Learner); ok && x.Learning && c.lost[ci].Len() > 0 {
			l.Learn(&c.lost[ci])
		}
		c.lost[ci].Reset()
	}
}

// copyDecisions appends the decisions of src to dst.
func copyDecisions(dst, src *Record) {
	for i := range src.Len() {
		dst.Decide(src.Features(i), src.Action[i], src.Mean[i], src.Sigma[i], src.Group[i])
	}
}

// seeHub sets the view of a quote at hub h of a network.
func (c *CDA) seeHub(h int) {
	x, v := c.x, &c.x.view
	v.Observe(c.hubs.hubJobs[h], x.P2Running)
	v.Hub, v.Net = h, x.hub.net
}

// trade records fills: each bought job trades with its seller, whose
// capacity left shrinks; on a network the seller, a truck, is committed to
// the job's destination.
func (c *CDA) trade(fills []market.Fill) {
	x := c.x
	for _, f := range fills {
		j := x.waiting[-1-f.BuyOwner]
		s := f.SellOwner
		j.tradedWith, j.price, j.orderID = s, f.Price, 0
		c.bidders.add(-1-f.BuyOwner, -1)
		if c.net {
			h := c.hubs.hubOf[s]
			c.sold(s, c.hubs.trucks[h][s-c.hubs.first[h]].Carrier, j)
		} else {
			c.sold(s, s, j)
		}
		c.left[s] -= f.Qty
		if c.left[s] == 0 {
			c.sellers.add(s, -1)
		}
		if c.net {
			c.commit(s, j.To)
		} else if c.left[s] == 0 {
			c.askID[s] = 0
		}
	}
}

// commit binds truck s to destination d: its asks on other lanes are
// withdrawn.
func (c *CDA) commit(s, d int) {
	hb := &c.hubs
	if hb.dest[s] == d {
		return
	}
	hb.dest[s] = d
	h := hb.hubOf[s]
	keep := hb.asks[s][:0]
	for _, a := range hb.asks[s] {
		if a.dest == d {
			keep = append(keep, a)
		} else {
			hb.books[h*hb.n+a.dest].Cancel(a.id)
		}
	}
	hb.asks[s] = keep
}

// shouted tells the watching traders of a quote (an ask if ask) on the
// lane from hub h to d (on a network) and of its fills.
func (c *CDA) shouted(ask bool, fills []market.Fill, h, d int) {
	if !c.shouting {
		return
	}
	if len(fills) == 0 {
		c.shout(Shout{Ask: ask, Price: c.lastQuote, From: h, To: d}, h, d)
	}
	for _, f := range fills {
		c.shout(Shout{Ask: ask, Price: f.Price, Traded: true, From: h, To: d}, h, d)
	}
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
// job, inactive); a carrier for a unit of its capacity. On a network the
// shout is on the lane from hub h to d: a shipper hears of it for its jobs
// of that lane, a carrier with the cost of a job of the lane, active if one
// of its trucks at h may still sell on the lane.
func (c *CDA) shout(s Shout, h, d int) {
	x := c.x
	jobs := x.waiting
	if c.net {
		jobs = c.hubs.jobs[h*c.hubs.n+d]
	}
	// Each shipper's first job that has not traded, else its first job: one
	// pass over the waiting jobs.
	c.first = c.first[:0]
	for range x.Shippers {
		c.first = append(c.first, nil)
	}
	for _, j := range jobs {
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
	if len(jobs) == 0 {
		return
	}
	for ci, car := range x.Carriers {
		if w, ok := car.Strategy.(ShoutWatcher); ok {
			w.Shout(car.Rand, s, car.Cost(jobs[0]), c.active(ci, h, d))
		}
	}
}

// active reports whether carrier ci may still sell: capacity left (one
// hub), or a truck at hub h with capacity left that may take the lane to d.
func (c *CDA) active(ci, h, d int) bool {
	if !c.net {
		return c.left[ci] > 0
	}
	hb := &c.hubs
	for k, t := range hb.trucks[h] {
		s := hb.first[h] + k
		if t.Carrier == ci && c.left[s] > 0 && (hb.dest[s] < 0 || hb.dest[s] == d) {
			return true
		}
	}
	return false
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
	c.learnLost(func(s int) int { return s })
	for ci, car := range x.Carriers {
		c.report(now, ci, car.Capacity, func(i int) bool { return x.shipped[i] == ci })
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
	c.forget()
}

// forget ends an evaluation round: the watching strategies forget what
// they adapted in it.
func (c *CDA) forget() {
	x := c.x
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

// SettleHubs ends a network's round (OpenHubs) at time now and returns in
// loads[h] (reused) what each truck of hub h took, as Exchange.DepartHubs
// does: at each hub, the jobs that traded ship on their truck at their
// trade price, the others wait or fail; the observer hears of each truck
// as of a carrier's clearing; a hub's carriers that watch hear of their
// trades and of their unsold units.
func (c *CDA) SettleHubs(now float64, loads [][]Load) [][]Load {
	hb := &c.hubs
	c.learnLost(func(s int) int { h := hb.hubOf[s]; return hb.trucks[h][s-hb.first[h]].Carrier })
	loads = c.x.forHubs(c.hubs.trucks, loads, func(h int, ts []Truck, ls []Load) []Load { return c.settleHub(now, h, ts, ls) })
	c.forget()
	return loads
}

// settleHub settles hub h, whose jobs are x.waiting, and its trucks.
func (c *CDA) settleHub(now float64, h int, trucks []Truck, loads []Load) []Load {
	x, hb := c.x, &c.hubs
	x.view.Hub, x.view.Net = h, x.hub.net
	defer func() { x.view.Hub, x.view.Net = 0, nil }()
	n := len(x.waiting)
	x.shipped = resizeInts(x.shipped, n, -1)
	x.pay = resizeFloats(x.pay, n)
	x.receive = resizeFloats(x.receive, n)
	if len(trucks) == 0 {
		x.settle(x.hub.none[:])
		return loads
	}
	first := hb.first[h]
	for i, j := range x.waiting {
		if j.tradedWith >= 0 {
			k := j.tradedWith - first
			car := x.Carriers[trucks[k].Carrier]
			x.shipped[i], x.pay[i], x.receive[i] = car.Index, j.price, j.price
			loads[k].add(j, j.price, j.price, car.Cost(j))
			j.truck = k
		}
	}
	for k, t := range trucks {
		c.report(now, t.Carrier, t.Capacity, func(i int) bool { return x.shipped[i] >= 0 && x.waiting[i].truck == k })
	}
	cs := x.hub.hubCarriers
	for len(x.asks) < len(cs) {
		x.asks = append(x.asks, nil)
	}
	hb.unsold = resizeInts(hb.unsold, len(x.Carriers), 0)
	for k, ci := range cs {
		row := x.asks[k][:0]
		for range n {
			row = append(row, x.Carriers[ci].ask)
		}
		x.asks[k] = row
	}
	for k, t := range trucks {
		hb.unsold[t.Carrier] += c.left[first+k]
	}
	x.watch(cs, hb.unsold)
	x.settleHub(trucks, loads)
	return loads
}

// report tells the observer what carrier ci's departure of capacity
// capacity took (the waiting jobs i for which took(i)) and charges its
// fixed cost if it took anything.
func (c *CDA) report(now float64, ci, capacity int, took func(i int) bool) {
	x := c.x
	car := x.Carriers[ci]
	cl := market.Clearing{Selected: c.cl.Selected[:0], Pay: c.cl.Pay[:0], Receive: c.cl.Receive[:0]}
	c.orders = c.orders[:0]
	for i, j := range x.waiting {
		c.orders = append(c.orders, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: car.ask})
		if took(i) {
			cl.Selected = append(cl.Selected, i)
			cl.Pay = append(cl.Pay, x.pay[i])
			cl.Receive = append(cl.Receive, x.receive[i])
			cl.Volume += j.Volume
			cl.Spread += j.Bid - car.ask
		}
	}
	c.cl.Selected, c.cl.Pay, c.cl.Receive = cl.Selected, cl.Pay, cl.Receive
	if x.Observer != nil {
		x.Observer.Quoted(c.orders, 1)
		x.Observer.Cleared(now, ci, capacity, c.orders, &cl)
	}
	if cl.Volume > 0 {
		car.Reward -= car.FixedCost
	}
}

// activeSet is a set of the indices 0..n-1 that finds its k-th smallest
// member in O(log n): a Fenwick tree of 0/1 counts. A quote draws its
// trader among those that may quote without listing them, so that a round
// costs O(log n) per quote, not O(n), for n traders.
type activeSet struct {
	tree  []int // 1-based Fenwick tree
	count int   // members
	top   int   // the largest power of two <= n
}

// reset empties the set over indices 0..n-1.
func (a *activeSet) reset(n int) {
	a.tree = resizeInts(a.tree, n+1, 0)
	a.count, a.top = 0, 1
	for a.top*2 <= n {
		a.top *= 2
	}
}

// add adds d (1: insert, -1: remove) to index i's count.
func (a *activeSet) add(i, d int) {
	a.count += d
	for i++; i < len(a.tree); i += i & -i {
		a.tree[i] += d
	}
}

// kth returns the k-th smallest member, k from 0 (k < count).
func (a *activeSet) kth(k int) int {
	pos := 0
	for step := a.top; step > 0; step /= 2 {
		if next := pos + step; next < len(a.tree) && a.tree[next] <= k {
			pos = next
			k -= a.tree[next]
		}
	}
	return pos // the 1-based position pos+1, as a 0-based index
}
