package agents

import (
	"errors"

	"github.com/freightsim/freightsim/market"
)

// Observer is told what happens at an exchange, for metrics. Its arguments
// are valid only during the call.
type Observer interface {
	// Cleared follows every clearing, before rewards are paid.
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

	waiting  []*Job
	free     []*Job
	orders   []market.Order
	shipped  []int // per waiting job: -1, or its index in the clearing
	cl       market.Clearing
	view     View
	nextID   int64
	learners []Learner
}

// NewJob returns a zeroed job from the exchange's pool with the next ID.
func (x *Exchange) NewJob() *Job {
	var j *Job
	if n := len(x.free); n > 0 {
		j = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		j = new(Job)
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
	car := x.Carriers[c]
	v := &x.view
	v.Observe(x.waiting, x.P2Running)
	v.Now, v.Carrier, v.Capacity = now, car, car.Capacity

	x.orders = x.orders[:0]
	x.shipped = x.shipped[:0]
	for _, j := range x.waiting {
		sh := x.Shippers[j.Shipper]
		j.Bid = sh.Strategy.Quote(sh.Rand, j, v, &j.Ship)
	}
	for _, j := range x.waiting {
		j.Ask = car.Strategy.Quote(car.Rand, j, v, &j.Carry)
		x.orders = append(x.orders, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: j.Ask})
		x.shipped = append(x.shipped, -1)
	}
	x.cl = x.Broker.Clear(x.orders, car.Capacity)
	cl := &x.cl
	for k, i := range cl.Selected {
		x.shipped[i] = k
	}
	if x.Observer != nil {
		x.Observer.Cleared(now, c, car.Capacity, x.orders, cl)
	}
	if cl.Volume > 0 {
		car.Reward -= car.FixedCost
	}

	keep := x.waiting[:0]
	for i, j := range x.waiting {
		sh := x.Shippers[j.Shipper]
		switch k := x.shipped[i]; {
		case k >= 0:
			r := j.Value - cl.Pay[k]
			j.Ship.Pay(r)
			sh.Reward += r
			rc := cl.Receive[k] - car.Cost(j)
			j.Carry.Pay(rc)
			car.Reward += rc
			x.finish(j, true, c)
		case j.Due == 0:
			r := -sh.Penalty * float64(j.Volume)
			j.Ship.Pay(r)
			sh.Reward += r
			x.finish(j, false, c)
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

// finish hands a job's records to the learners and the observer and returns it to the pool.
func (x *Exchange) finish(j *Job, shipped bool, c int) {
	if x.Learning {
		if l, ok := x.Shippers[j.Shipper].Strategy.(Learner); ok {
			l.Learn(&j.Ship)
		}
		if l, ok := x.Carriers[c].Strategy.(Learner); ok {
			l.Learn(&j.Carry)
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
	add := func(s Strategy) {
		l, ok := s.(Learner)
		if !ok {
			return
		}
		for _, seen := range x.learners {
			if seen == l {
				return
			}
		}
		x.learners = append(x.learners, l)
	}
	for _, s := range x.Shippers {
		add(s.Strategy)
		s.Reward = 0
	}
	for _, c := range x.Carriers {
		add(c.Strategy)
		c.Reward = 0
	}
	var errs []error
	for _, l := range x.learners {
		if x.Learning {
			errs = append(errs, l.Update())
		} else if d, ok := l.(interface{ Discard() }); ok {
			d.Discard()
		}
	}
	x.Abandon()
	x.nextID = 0
	return errors.Join(errs...)
}
