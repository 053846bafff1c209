package agents

import (
	"errors"
	"math"

	"github.com/freightsim/freightsim/market"
)

// Observer is told what happens at an exchange, for metrics. Its arguments
// are valid only during the call.
type Observer interface {
	// Quoted reports the quotes of a clearing: each of orders (a bid and
	// the carrier's ask for a waiting job) was quoted once for each of
	// trucks departures of one carrier. It precedes Cleared; a clearing
	// reports its quotes per departure (trucks 1), except a network hub of
	// more than market.MaxLaneClearingTrucks trucks, which reports them
	// once per carrier there with the number of its trucks.
	Quoted(orders []market.Order, trucks int)
	// Cleared follows every clearing, before rewards are paid: orders are
	// the quotes of the departing carrier (reported already by Quoted), c
	// what it took.
	Cleared(now float64, carrier, capacity int, orders []market.Order, c *market.Clearing)
	// Finished follows a job's last reward: it shipped on carrier c, or it
	// failed at carrier c's departure.
	Finished(j *Job, shipped bool, carrier int)
}

// Exchange is the marketplace of one episode: the waiting jobs, the
// shippers and carriers that price them and the broker that clears them.
// It knows no clock: the caller adds jobs with [Exchange.Arrive] and clears
// with [Exchange.Depart] at each carrier departure.
//
// A clearing runs the steps of van Heeswijk (2020): every waiting job gets a
// bid from its shipper and an ask from the departing carrier; the broker
// clears them against the carrier's capacity; rewards are paid (the shipper
// pays the price and gains the job's value when it ships, pays h*v while it
// waits and p*v when it fails; the carrier receives its price minus its
// cost); shipped jobs leave, unshipped jobs with no due left fail and leave,
// and the rest age by one clearing.
type Exchange struct {
	Shippers  []*Shipper
	Carriers  []*Carrier
	Broker    *market.Broker
	P2Running bool     // market features with quirk (a) of the P2 code (see View)
	Learning  bool     // pass finished jobs to learning strategies
	Observer  Observer // may be nil
	Solver    Solver   // how the clearings with several carriers were solved, counted
	// Candidates, when above 0 and below the number of carriers, bounds the
	// carriers that quote each job, so that the work and the memory of a
	// job do not grow with the number of carriers. The carriers are split,
	// in order of index, into segments of Candidates carriers (the last
	// may hold fewer), and each job belongs to one segment: its ID modulo
	// the number of segments. A job is quoted by, can ship with and ages
	// at the departures of its segment's carriers only; shippers quote for
	// it seeing its segment's queue. 0: every departing carrier quotes
	// every job. Neither a network's hubs nor a continuous double auction
	// use segments.
	Candidates int

	waiting   []*Job
	free      []*Job
	orders    []market.Order
	shipped   []int       // per waiting job: the carrier it ships with, or -1
	pay       []float64   // per waiting job: what its shipper pays, if it ships
	receive   []float64   // per waiting job: what its carrier receives, if it ships
	asks      [][]float64 // per departing carrier, per waiting job
	bids      []float64
	volumes   []int
	caps      []int
	one       [1]int
	lastPrice float64 // the mean price of the episode's latest clearing with a trade
	traded    bool    // whether the episode has seen a trade
	cl        market.Clearing
	clMany    market.Clearing // one carrier's part of an assignment, told to the observer
	view      View
	nextID    int64
	learners  []Learner
	hub       hubState // clearing one hub of a network (network.go)
	segJobs   [][]*Job // per segment: its waiting jobs, at a clearing
	segCs     [][]int  // per segment: its departing carriers, at a clearing
}

// Segments is the number of segments of the market (see Candidates): 1
// when every carrier quotes every job.
func (x *Exchange) Segments() int {
	m := x.Candidates
	if m <= 0 || m >= len(x.Carriers) {
		return 1
	}
	return (len(x.Carriers) + m - 1) / m
}

// Segment returns the segment of job j and its carriers, lo to hi-1.
func (x *Exchange) Segment(j *Job) (s, lo, hi int) {
	g := x.Segments()
	if g == 1 {
		return 0, 0, len(x.Carriers)
	}
	s = int(j.ID % int64(g))
	return s, s * x.Candidates, min((s+1)*x.Candidates, len(x.Carriers))
}

// CarrierRecord is carrier c's record of job j: its decisions (asks) on
// the job, empty for a carrier that does not learn.
func (x *Exchange) CarrierRecord(j *Job, c int) *Record { return x.carry(j, c) }

// carry is carrier c's record of job j: j.Carry[c], or with segments the
// record of c's place in j's segment.
func (x *Exchange) carry(j *Job, c int) *Record {
	if x.Segments() > 1 {
		return &j.Carry[c%x.Candidates]
	}
	return &j.Carry[c]
}

// NewJob returns a zeroed job from the exchange's pool with the next ID
// and a record per carrier.
func (x *Exchange) NewJob() *Job {
	var j *Job
	if n := len(x.free); n > 0 {
		j = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		j = new(Job)
	}
	records := len(x.Carriers)
	if x.Segments() > 1 {
		records = x.Candidates
	}
	for len(j.Carry) < records {
		j.Carry = append(j.Carry, Record{})
	}
	j.ID = x.nextID
	x.nextID++
	return j
}

// Arrive adds a job to the waiting list and sets its reservation from its
// shipper's penalty: Reserve = Value + Penalty*Volume.
func (x *Exchange) Arrive(j *Job) {
	j.Reserve = j.Value + x.Shippers[j.Shipper].Penalty*float64(j.Volume)
	x.waiting = append(x.waiting, j)
}

// Waiting returns the waiting jobs in order of arrival (a view).
func (x *Exchange) Waiting() []*Job { return x.waiting }

// Depart clears the waiting jobs against carrier c's departure at time now.
func (x *Exchange) Depart(now float64, c int) {
	x.one[0] = c
	x.DepartAll(now, x.one[:])
}

// DepartAll clears the waiting jobs against the departures, at time now, of
// the carriers cs (at least one). Every waiting job gets one bid from its
// shipper and an ask from each departing carrier. With one carrier the
// broker clears the knapsack (Broker.Clear); with several it assigns each
// job to at most one of them (Broker.Assign: exact for small cases, a
// heuristic with a measured gap otherwise). Shippers quote seeing the first
// departing carrier in v.Carrier and the departures' total capacity in
// v.Capacity; each carrier quotes seeing itself.
//
// With segments (Candidates), each segment with a departing carrier clears
// on its own, in order of segment; the waiting list is then grouped by
// segment, each in order of arrival.
func (x *Exchange) DepartAll(now float64, cs []int) {
	if g := x.Segments(); g > 1 {
		x.departSegments(now, cs, g)
		return
	}
	x.quoteClear(now, cs)
	x.settle(cs)
}

// departSegments is DepartAll in a market of g segments.
func (x *Exchange) departSegments(now float64, cs []int, g int) {
	for len(x.segJobs) < g {
		x.segJobs = append(x.segJobs, nil)
		x.segCs = append(x.segCs, nil)
	}
	for s := range g {
		x.segJobs[s], x.segCs[s] = x.segJobs[s][:0], x.segCs[s][:0]
	}
	for _, j := range x.waiting {
		s := int(j.ID % int64(g))
		x.segJobs[s] = append(x.segJobs[s], j)
	}
	for _, c := range cs {
		s := c / x.Candidates
		x.segCs[s] = append(x.segCs[s], c)
	}
	all := x.waiting
	for s := range g {
		if len(x.segCs[s]) == 0 {
			continue
		}
		x.waiting = x.segJobs[s]
		x.quoteClear(now, x.segCs[s])
		x.settle(x.segCs[s])
		x.segJobs[s] = x.waiting
	}
	w := all[:0]
	for s := range g {
		w = append(w, x.segJobs[s]...)
		clear(x.segJobs[s][:cap(x.segJobs[s])])
	}
	clear(all[len(w):])
	x.waiting = w
}

// quoteClear is DepartAll but for the settlement: the waiting jobs are
// quoted and cleared, x.shipped, x.pay and x.receive say the outcome.
func (x *Exchange) quoteClear(now float64, cs []int) {
	if len(cs) == 0 {
		panic("agents: DepartAll with no carrier")
	}
	v := &x.view
	v.Observe(x.waiting, x.P2Running)
	v.Now, v.Carrier, v.Capacity = now, x.Carriers[cs[0]], 0
	for _, c := range cs {
		v.Capacity += x.Carriers[c].Capacity
	}
	n := len(x.waiting)
	x.shipped = resizeInts(x.shipped, n, -1)
	x.pay = resizeFloats(x.pay, n)
	x.receive = resizeFloats(x.receive, n)
	for _, j := range x.waiting {
		sh := x.Shippers[j.Shipper]
		j.Bid = bidFor(sh, j, v)
	}
	if len(x.asks) < len(cs) {
		x.asks = append(x.asks, make([][]float64, len(cs)-len(x.asks))...)
	}
	x.orders = x.orders[:0]
	for k, c := range cs {
		car := x.Carriers[c]
		v.Carrier, v.Capacity = car, car.Capacity
		asks := x.asks[k][:0]
		for _, j := range x.waiting {
			j.Ask = car.Strategy.Quote(car.Rand, j, v, x.carry(j, c))
			asks = append(asks, j.Ask)
			if len(cs) == 1 {
				x.orders = append(x.orders, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: j.Ask})
			}
		}
		x.asks[k] = asks
	}
	if len(cs) == 1 {
		x.clearOne(now, cs[0])
	} else {
		x.clearMany(now, cs)
	}
	x.watch(cs, nil)
}

// settle pays the rewards of a clearing (x.shipped, x.pay, x.receive per
// waiting job) and removes the jobs that shipped or failed; the rest age.
func (x *Exchange) settle(cs []int) {
	keep := x.waiting[:0]
	for i, j := range x.waiting {
		sh := x.Shippers[j.Shipper]
		switch c := x.shipped[i]; {
		case c >= 0:
			car := x.Carriers[c]
			r := j.Value - x.pay[i]
			j.Ship.Pay(r)
			sh.Reward += r
			rc := x.receive[i] - car.Cost(j)
			x.carry(j, c).Pay(rc)
			car.Reward += rc
			x.finish(j, true, c)
		case j.Due == 0:
			r := -sh.Penalty * float64(j.Volume)
			j.Ship.Pay(r)
			sh.Reward += r
			x.finish(j, false, cs[0])
		default:
			r := -sh.HoldingCost * float64(j.Volume)
			j.Ship.Pay(r)
			sh.Reward += r
			j.Due--
			keep = append(keep, j)
		}
	}
	clear(x.waiting[len(keep):])
	x.waiting = keep
}

// Solver counts how the assignments of clearings with several carriers were
// solved: proved optimal, stopped at the exact search's node budget with the
// heuristic's answer, by the heuristic alone (too many jobs for the search),
// or by the heuristic for large markets (package market's Assign). Clearings with one carrier are exact knapsacks and are
// not counted.
type Solver struct {
	Assignments int `json:"clearings"`              // clearings with several carriers
	Proved      int `json:"proved_optimal"`         // optimal: proved by the search, or by construction
	Stopped     int `json:"stopped_at_node_budget"` // the exact search stopped at its node budget: the heuristic's answer
	Large       int `json:"large_market_heuristic"` // too large for the search: the heuristic for large markets
	Heuristic   int `json:"heuristic_not_searched"` // more jobs than the exact search takes (market.AssignExactJobs): the heuristic's answer
}

func (s *Solver) count(a market.Assignment) {
	s.Assignments++
	switch {
	case a.Large:
		s.Large++
	case a.Search == market.SearchStopped:
		s.Stopped++
	case a.Exact:
		s.Proved++
	default:
		s.Heuristic++
	}
}

// Add adds o's counts to s.
func (s *Solver) Add(o Solver) {
	s.Assignments += o.Assignments
	s.Proved += o.Proved
	s.Stopped += o.Stopped
	s.Large += o.Large
	s.Heuristic += o.Heuristic
}

// clearOne clears the knapsack of one departing carrier c, on x.orders.
func (x *Exchange) clearOne(now float64, c int) {
	car := x.Carriers[c]
	x.cl = x.Broker.Clear(x.orders, car.Capacity)
	for k, i := range x.cl.Selected {
		x.shipped[i], x.pay[i], x.receive[i] = c, x.cl.Pay[k], x.cl.Receive[k]
	}
	if x.Observer != nil {
		x.Observer.Quoted(x.orders, 1)
		x.Observer.Cleared(now, c, car.Capacity, x.orders, &x.cl)
	}
	if x.cl.Volume > 0 {
		car.Reward -= car.FixedCost
	}
}

// clearMany assigns the waiting jobs to the departing carriers cs and
// tells the observer, carrier by carrier, what each carried.
func (x *Exchange) clearMany(now float64, cs []int) {
	x.bids, x.volumes, x.caps = x.bids[:0], x.volumes[:0], x.caps[:0]
	for _, j := range x.waiting {
		x.bids = append(x.bids, j.Bid)
		x.volumes = append(x.volumes, j.Volume)
	}
	for _, c := range cs {
		x.caps = append(x.caps, x.Carriers[c].Capacity)
	}
	a := x.Broker.Assign(x.bids, x.asks[:len(cs)], x.volumes, x.caps)
	x.Solver.count(a)
	for i, k := range a.Carrier {
		if k >= 0 {
			x.shipped[i], x.pay[i], x.receive[i] = cs[k], a.Pay[i], a.Receive[i]
		}
	}
	for k, c := range cs {
		car := x.Carriers[c]
		cl := &x.clMany // a field, not a local that the observer's call would move to the heap
		*cl = market.Clearing{Selected: cl.Selected[:0], Pay: cl.Pay[:0], Receive: cl.Receive[:0]}
		x.orders = x.orders[:0]
		for i, j := range x.waiting {
			x.orders = append(x.orders, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: x.asks[k][i]})
			if a.Carrier[i] == k {
				cl.Selected = append(cl.Selected, i)
				cl.Pay = append(cl.Pay, a.Pay[i])
				cl.Receive = append(cl.Receive, a.Receive[i])
				cl.Volume += j.Volume
				cl.Spread += j.Bid - x.asks[k][i]
				cl.Kept += a.Pay[i] - a.Receive[i]
			}
		}
		if x.Observer != nil {
			x.Observer.Quoted(x.orders, 1)
			x.Observer.Cleared(now, c, car.Capacity, x.orders, cl)
		}
		if cl.Volume > 0 {
			car.Reward -= car.FixedCost
		}
	}
}

// watch tells every watching strategy what became of its quotes, while
// learning: evaluation episodes do not change what a strategy has adapted.
// A shipper hears of each of its jobs' bids. A carrier hears of each job
// it was asked to price at a clearing (unsold nil); in a continuous double
// auction, where it sells units of capacity rather than pricing jobs, of
// each unit: one outcome per job it carries, and one untraded outcome per
// unit it did not sell (unsold, by carrier).
func (x *Exchange) watch(cs []int, unsold []int) {
	if !x.Learning {
		return
	}
	watching := false
	for _, sh := range x.Shippers {
		_, ok := sh.Strategy.(Watcher)
		watching = watching || ok
	}
	for _, c := range cs {
		_, ok := x.Carriers[c].Strategy.(Watcher)
		watching = watching || ok
	}
	if !watching {
		return
	}
	var sum float64
	var trades int
	for i := range x.waiting {
		if x.shipped[i] >= 0 {
			sum += x.pay[i]
			trades++
		}
	}
	if trades > 0 {
		x.lastPrice, x.traded = sum/float64(trades), true
	}
	last := math.NaN()
	if x.traded {
		last = x.lastPrice
	}
	// In a continuous double auction a strategy that watches every shout
	// has learned already.
	shouted := func(s Watcher) bool {
		_, ok := s.(ShoutWatcher)
		return ok && unsold != nil
	}
	for i, j := range x.waiting {
		if w, ok := x.Shippers[j.Shipper].Strategy.(Watcher); ok && !shouted(w) {
			w.Watch(Outcome{Quote: j.Bid, Limit: j.Reserve, Traded: x.shipped[i] >= 0, Price: x.pay[i], Last: last, From: j.From, To: j.To})
		}
	}
	for k, c := range cs {
		car := x.Carriers[c]
		w, ok := car.Strategy.(Watcher)
		if !ok || shouted(w) {
			continue
		}
		for i, j := range x.waiting {
			traded := x.shipped[i] == c
			if unsold != nil && !traded {
				continue
			}
			price := 0.0
			if traded {
				price = x.receive[i]
			}
			w.Watch(Outcome{Carrier: true, Quote: x.asks[k][i], Limit: car.Cost(j), Traded: traded, Price: price, Last: last, From: j.From, To: j.To})
		}
		if unsold != nil && len(x.waiting) > 0 {
			for range unsold[c] {
				w.Watch(Outcome{Carrier: true, Quote: car.ask, Limit: car.Cost(x.waiting[0]), Last: last, From: x.waiting[0].From, To: x.waiting[0].To})
			}
		}
	}
}

func resizeInts(s []int, n, fill int) []int {
	if cap(s) < n {
		s = make([]int, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = fill
	}
	return s
}

func resizeFloats(s []float64, n int) []float64 {
	if cap(s) < n {
		s = make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// finish hands a job's records to the learners and the observer and returns it to the pool.
func (x *Exchange) finish(j *Job, shipped bool, c int) {
	if shipped && x.hub.holdCargo {
		x.hold(j, c) // network.go: the carrier learns when the truck leaves its destination
		return
	}
	if x.Learning {
		if l, ok := x.Shippers[j.Shipper].Strategy.(Learner); ok {
			l.Learn(&j.Ship)
		}
		_, lo, hi := x.Segment(j)
		for k := lo; k < hi; k++ {
			if l, ok := x.Carriers[k].Strategy.(Learner); ok {
				l.Learn(x.carry(j, k))
			}
		}
	}
	if x.Observer != nil {
		x.Observer.Finished(j, shipped, c)
	}
	x.recycle(j)
}

func (x *Exchange) recycle(j *Job) {
	j.reset()
	x.free = append(x.free, j)
}

// unwrap is the learner l wraps (see addLearner), or l.
func unwrap(l Learner) Learner {
	if u, ok := l.(interface{ Unwrap() Learner }); ok {
		return u.Unwrap()
	}
	return l
}

// Abandon drops the waiting jobs without learning from them or reporting
// them, as the P2 code does with jobs still waiting when an episode ends
// (its quirk (d)).
func (x *Exchange) Abandon() {
	for _, j := range x.waiting {
		x.recycle(j)
	}
	clear(x.waiting)
	x.waiting = x.waiting[:0]
}

// EndEpisode applies each distinct learner's update when learning (and
// discards the episode's experience otherwise), then clears the waiting list,
// the rewards and the job IDs for the next episode.
func (x *Exchange) EndEpisode() error {
	x.learners = x.learners[:0]
	for _, s := range x.Shippers {
		x.addLearner(s.Strategy)
		s.Reward = 0
	}
	for _, c := range x.Carriers {
		x.addLearner(c.Strategy)
		c.Reward = 0
	}
	var err error
	for _, l := range x.learners {
		if x.Learning {
			if e := l.Update(); e != nil {
				err = errors.Join(err, e)
			}
		} else if d, ok := l.(interface{ Discard() }); ok {
			d.Discard()
		}
	}
	x.Abandon()
	x.nextID = 0
	x.traded = false
	return err
}

// addLearner adds s to x.learners if it learns and neither it nor a
// strategy wrapping the same learner is there yet: a strategy that wraps
// a learner other agents share says which by a method Unwrap() Learner,
// and the first of them is updated.
func (x *Exchange) addLearner(s Strategy) {
	l, ok := s.(Learner)
	if !ok {
		return
	}
	for _, seen := range x.learners {
		if unwrap(seen) == unwrap(l) {
			return
		}
	}
	x.learners = append(x.learners, l)
}
