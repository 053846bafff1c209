package agents

import (
	"math/rand/v2"
	"slices"

	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
)

// Net is what the agents may see of a freight network at a clearing: per
// hub, what waits and what is expected; per carrier, where its trucks are.
// The caller (who moves the trucks) keeps it up to date; a one-hub market
// has none.
type Net struct {
	Waiting  []int       // per hub: volume waiting there now
	Outbound []float64   // per hub: expected volume arising there per epoch, over the largest hub's (in [0,1])
	Backhaul [][]float64 // [from][to]: (expected volume to->from - from->to) / their sum, in [-1,1]; > 0 on a back-haul lane
	Fleet    [][]int     // [carrier][hub]: its trucks at the hub or on their way to it
	Trucks   []int       // per carrier: its trucks
}

// hubState is an exchange's state for clearing one hub of a network.
type hubState struct {
	net         *Net
	buckets     [][]*Job // per hub: the jobs waiting there
	hubCarriers []int    // the carriers with a truck at the hub
	none        [1]int   // the carrier failures are reported at when no truck is there
	dests       []int
	truckAsks   [][]float64
	orders      [][]market.Order // per carrier at the hub (hubCarriers): its quotes
	first       []int            // per truck of the hub's clearing: where its jobs start in took (and one past the last)
	took        []int            // the jobs each truck took, truck by truck
	fill        []int            // scratch for took

	holdCargo bool     // keep shipped jobs for their carrier's learning until the truck leaves again (HoldCargo)
	cargo     [][]*Job // per truck of the hub's clearing: the jobs it took, held
}

// HoldCargo makes the exchange keep each shipped job's carrier record open
// until the caller releases it with [Exchange.Release]: the shipper learns
// and the observer hears of the job when it ships, as always, and the other
// carriers learn from their quotes; the carrier that carries it learns
// when the job is released, after the caller has paid its record what the
// truck's next move costs or saves (see Load.Cargo). A network uses it to
// charge a truck's empty return to the loads that brought it there and to
// credit a load that takes the truck on instead.
func (x *Exchange) HoldCargo(on bool) { x.hub.holdCargo = on }

// hold is finish for a shipped job whose carrier record stays open.
func (x *Exchange) hold(j *Job, c int) {
	if x.Learning {
		if l, ok := x.Shippers[j.Shipper].Strategy.(Learner); ok {
			l.Learn(&j.Ship)
		}
		for k, car := range x.Carriers {
			if l, ok := car.Strategy.(Learner); ok && k != c {
				l.Learn(&j.Carry[k])
			}
		}
	}
	if x.Observer != nil {
		x.Observer.Finished(j, true, c)
	}
	for len(x.hub.cargo) <= j.truck {
		x.hub.cargo = append(x.hub.cargo, nil)
	}
	x.hub.cargo[j.truck] = append(x.hub.cargo[j.truck], j)
}

// Release closes the carrier record of a held job (see HoldCargo): carrier
// c learns from it when learning, and the job returns to the pool.
func (x *Exchange) Release(j *Job, c int) {
	if x.Learning {
		if l, ok := x.Carriers[c].Strategy.(Learner); ok {
			l.Learn(&j.Carry[c])
		}
	}
	x.recycle(j)
}

// SetNet gives the exchange the network view its strategies see (View.Net).
func (x *Exchange) SetNet(n *Net) { x.hub.net = n }

// Truck is one truck at a hub's clearing: its carrier and its capacity.
type Truck struct {
	Carrier  int
	Capacity int
}

// Load is what a truck took at a hub's clearing.
type Load struct {
	Dest    int     // the destination of its jobs, -1 if it took none
	Volume  int     // volume loaded
	Jobs    int     // jobs loaded
	Pay     float64 // what their shippers pay
	Receive float64 // what its carrier receives
	Cost    float64 // its carrier's cost of carrying them

	// Cargo holds the jobs, with their carrier records open, when the
	// exchange holds cargo (HoldCargo); the caller releases them
	// (Release). Its buffer is reused by the next DepartHubs with the same
	// loads: copy it to keep it.
	Cargo []*Job
}

// DepartHubs clears every hub of a network at time now: the jobs waiting
// at hub h (Job.From == h) against the trucks present there, trucks[h], and
// returns in loads[h] (reused) what each of them took. A truck carries jobs
// of one destination (Job.To) within its capacity; the broker maximises the
// total spread (market's Broker.AssignLanes). Each hub's jobs are priced,
// paid and aged as at a one-hub departure (DepartAll); a hub with jobs but
// no truck only ages them (holding costs, failures); a hub with neither is
// skipped. When a hub's trucks are of different carriers and its jobs share
// one destination its clearing is exactly DepartAll's, so a one-hub market
// written as a network gives the same results. Hubs clear in index order;
// the jobs waiting afterwards are listed hub by hub, each hub's in order of
// arrival. The work is linear in the jobs and trucks, plus each hub's
// clearing.
func (x *Exchange) DepartHubs(now float64, trucks [][]Truck, loads [][]Load) [][]Load {
	return x.forHubs(trucks, loads, func(h int, ts []Truck, ls []Load) []Load { return x.departHub(now, h, ts, ls) })
}

// forHubs calls each for every hub h with jobs or trucks, x.waiting being
// the jobs waiting at h (Job.From == h) and loads[h] a Load per truck
// (reused; Dest -1), and puts the jobs still waiting afterwards back in
// x.waiting, hub by hub, each hub's in order of arrival. each settles the
// hub's jobs.
func (x *Exchange) forHubs(trucks [][]Truck, loads [][]Load, each func(h int, trucks []Truck, loads []Load) []Load) [][]Load {
	hs := &x.hub
	nh := len(trucks)
	for len(hs.buckets) < nh {
		hs.buckets = append(hs.buckets, nil)
	}
	for h := range nh {
		hs.buckets[h] = hs.buckets[h][:0]
	}
	for _, j := range x.waiting {
		hs.buckets[j.From] = append(hs.buckets[j.From], j)
	}
	all := x.waiting[:0]
	for len(loads) < nh {
		loads = append(loads, nil)
	}
	for h := range nh {
		loads[h] = loads[h][:0]
		if len(trucks[h]) == 0 && len(hs.buckets[h]) == 0 {
			continue
		}
		x.waiting = hs.buckets[h]
		loads[h] = each(h, trucks[h], x.hub.prepare(trucks[h], loads[h]))
		hs.buckets[h] = x.waiting
	}
	for h := range nh {
		all = append(all, hs.buckets[h]...)
	}
	clear(all[len(all):cap(all)])
	x.waiting = all
	return loads
}

// prepare readies a hub's clearing: a Load per truck with no destination
// (keeping the cargo buffers of loads), and the carriers with a truck
// there, in order of their first truck.
func (hs *hubState) prepare(trucks []Truck, loads []Load) []Load {
	for k := range trucks {
		if k < cap(loads) {
			loads = loads[:k+1]
			loads[k] = Load{Dest: -1, Cargo: loads[k].Cargo[:0]} // keep the cargo buffer
		} else {
			loads = append(loads, Load{Dest: -1})
		}
	}
	hs.hubCarriers = hs.hubCarriers[:0]
	for _, t := range trucks {
		if !slices.Contains(hs.hubCarriers, t.Carrier) {
			hs.hubCarriers = append(hs.hubCarriers, t.Carrier)
		}
	}
	return loads
}

// departHub clears hub h, whose jobs are x.waiting, against trucks.
func (x *Exchange) departHub(now float64, h int, trucks []Truck, loads []Load) []Load {
	x.view.Hub, x.view.Net = h, x.hub.net
	defer func() { x.view.Hub, x.view.Net = 0, nil }()
	switch {
	case len(trucks) == 0:
		x.shipped = resizeInts(x.shipped, len(x.waiting), -1)
		x.settle(x.hub.none[:])
	case len(x.hub.hubCarriers) == len(trucks) && oneDestination(x.waiting):
		x.quoteClear(now, x.hub.hubCarriers)
		for i, j := range x.waiting {
			if c := x.shipped[i]; c >= 0 {
				k := slices.IndexFunc(trucks, func(t Truck) bool { return t.Carrier == c })
				loads[k].add(j, x.pay[i], x.receive[i], x.Carriers[c].Cost(j))
				j.truck = k
			}
		}
		x.settleHub(trucks, loads)
	default:
		x.clearLanes(now, trucks, loads)
		x.settleHub(trucks, loads)
	}
	return loads
}

// settleHub settles a hub's clearing and hands the held cargo to loads.
func (x *Exchange) settleHub(trucks []Truck, loads []Load) {
	for k := range min(len(trucks), len(x.hub.cargo)) {
		x.hub.cargo[k] = x.hub.cargo[k][:0]
	}
	x.settle(x.hub.hubCarriers)
	for k := range loads {
		if x.hub.holdCargo && k < len(x.hub.cargo) {
			loads[k].Cargo = append(loads[k].Cargo[:0], x.hub.cargo[k]...)
		}
	}
}

func (l *Load) add(j *Job, pay, receive, cost float64) {
	l.Dest = j.To
	l.Volume += j.Volume
	l.Jobs++
	l.Pay += pay
	l.Receive += receive
	l.Cost += cost
}

// oneDestination reports whether the jobs share one destination.
func oneDestination(jobs []*Job) bool {
	for _, j := range jobs {
		if j.To != jobs[0].To {
			return false
		}
	}
	return true
}

// clearLanes quotes the hub's jobs (one bid each, one ask per job from
// each carrier present) and assigns them to the trucks, one destination
// per truck; it fills x.shipped, x.pay, x.receive and loads, tells the
// observer what each truck carried, charges fixed costs and lets the
// watchers learn.
func (x *Exchange) clearLanes(now float64, trucks []Truck, loads []Load) {
	v := &x.view
	v.Observe(x.waiting, x.P2Running)
	v.Now, v.Carrier, v.Capacity = now, x.Carriers[trucks[0].Carrier], 0
	for _, t := range trucks {
		v.Capacity += t.Capacity
	}
	n := len(x.waiting)
	x.shipped = resizeInts(x.shipped, n, -1)
	x.pay = resizeFloats(x.pay, n)
	x.receive = resizeFloats(x.receive, n)
	for _, j := range x.waiting {
		sh := x.Shippers[j.Shipper]
		j.Bid = bidFor(sh, j, v)
	}
	cs := x.hub.hubCarriers
	if len(x.asks) < len(cs) {
		x.asks = append(x.asks, make([][]float64, len(cs)-len(x.asks))...)
	}
	for k, c := range cs {
		car := x.Carriers[c]
		v.Carrier, v.Capacity = car, 0
		for _, t := range trucks {
			if t.Carrier == c {
				v.Capacity += t.Capacity
			}
		}
		asks := x.asks[k][:0]
		for _, j := range x.waiting {
			j.Ask = car.Strategy.Quote(car.Rand, j, v, &j.Carry[c])
			asks = append(asks, j.Ask)
		}
		x.asks[k] = asks
	}
	x.bids, x.volumes, x.caps, x.hub.dests = x.bids[:0], x.volumes[:0], x.caps[:0], x.hub.dests[:0]
	for _, j := range x.waiting {
		x.bids = append(x.bids, j.Bid)
		x.volumes = append(x.volumes, j.Volume)
		x.hub.dests = append(x.hub.dests, j.To)
	}
	x.hub.truckAsks = x.hub.truckAsks[:0]
	for _, t := range trucks {
		x.caps = append(x.caps, t.Capacity)
		x.hub.truckAsks = append(x.hub.truckAsks, x.asks[slices.Index(cs, t.Carrier)])
	}
	a := x.Broker.AssignLanes(x.bids, x.hub.truckAsks, x.volumes, x.hub.dests, x.caps)
	for i, k := range a.Carrier {
		if k >= 0 {
			c := trucks[k].Carrier
			x.shipped[i], x.pay[i], x.receive[i] = c, a.Pay[i], a.Receive[i]
			loads[k].add(x.waiting[i], a.Pay[i], a.Receive[i], x.Carriers[c].Cost(x.waiting[i]))
			x.waiting[i].truck = k
		}
	}
	// Each carrier's quotes, listed once; each truck's jobs, bucketed in
	// one pass (in increasing job index, the order of a truck's clearing).
	hs := &x.hub
	for len(hs.orders) < len(cs) {
		hs.orders = append(hs.orders, nil)
	}
	for k := range cs {
		os := hs.orders[k][:0]
		for i, j := range x.waiting {
			os = append(os, market.Order{Volume: j.Volume, Bid: j.Bid, Ask: x.asks[k][i]})
		}
		hs.orders[k] = os
	}
	m := len(trucks)
	hs.first = resizeInts(hs.first, m+1, 0)
	clear(hs.first)
	for _, k := range a.Carrier {
		if k >= 0 {
			hs.first[k+1]++
		}
	}
	for k := range m {
		hs.first[k+1] += hs.first[k]
	}
	hs.took = resizeInts(hs.took, hs.first[m], 0)
	hs.fill = append(hs.fill[:0], hs.first[:m]...)
	for i, k := range a.Carrier {
		if k >= 0 {
			hs.took[hs.fill[k]] = i
			hs.fill[k]++
		}
	}
	bulk := m > market.MaxLaneClearingTrucks
	if bulk && x.Observer != nil {
		for k, c := range cs {
			n := 0
			for _, t := range trucks {
				if t.Carrier == c {
					n++
				}
			}
			x.Observer.Quoted(hs.orders[k], n)
		}
	}
	for k, t := range trucks {
		car := x.Carriers[t.Carrier]
		orders := hs.orders[slices.Index(cs, t.Carrier)]
		cl := market.Clearing{Selected: x.cl.Selected[:0], Pay: x.cl.Pay[:0], Receive: x.cl.Receive[:0]}
		for _, i := range hs.took[hs.first[k]:hs.first[k+1]] {
			o := orders[i]
			cl.Selected = append(cl.Selected, i)
			cl.Pay = append(cl.Pay, a.Pay[i])
			cl.Receive = append(cl.Receive, a.Receive[i])
			cl.Volume += o.Volume
			cl.Spread += o.Bid - o.Ask
			cl.Kept += a.Pay[i] - a.Receive[i]
		}
		x.cl.Selected, x.cl.Pay, x.cl.Receive = cl.Selected, cl.Pay, cl.Receive
		if x.Observer != nil {
			if !bulk {
				x.Observer.Quoted(orders, 1)
			}
			x.Observer.Cleared(now, t.Carrier, t.Capacity, orders, &cl)
		}
		if cl.Volume > 0 {
			car.Reward -= car.FixedCost
		}
	}
	x.watch(cs, nil)
}

// Repositioner is a carrier's learned choice of where a truck without a
// load goes: it stays, or drives empty along a lane to another hub. Each
// candidate c (staying first) is described by RepositionFeatures features
// psi_c; the policy draws a utility u_c ~ N(theta . psi_c, sigma) for every
// candidate and the truck takes the largest (a random-utility choice). The
// utilities are Gaussian actions of package policy's linear policy, each
// recorded as a decision with the return that followed the choice (the
// truck's rewards from then to the end of the episode: what its loads
// earned, less its empty running), and learned by REINFORCE with a
// baseline per group, as the pricing policies are (P2's rule). The
// expected return's gradient is the sum of the utilities' scores times the
// return, since the choice is a function of the utilities.
//
// The features of a candidate: whether it moves (1) or stays (0); the
// volume it would find per unit of truck capacity, x/(1+x), the demand
// rule's score (see the network's reposition rule); the empty running
// cost, over the dearest empty move from the hub; the travel time, over
// the longest from the hub. Staying has the score of the own hub and no
// cost or time.
type Repositioner struct {
	Policy *policy.Linear
	Rule   policy.Reinforce

	batch *policy.Batch
}

// RepositionFeatures is the number of features of a repositioning candidate.
const RepositionFeatures = 4

// NewRepositioner returns a repositioner whose policy has zero weights (a
// uniform random choice) and standard deviation sigma.
func NewRepositioner(sigma float64, rule policy.Reinforce) *Repositioner {
	return &Repositioner{Policy: policy.NewLinear(RepositionFeatures, sigma), Rule: rule, batch: policy.NewBatch(RepositionFeatures)}
}

// Choose draws a utility for each candidate, whose features are
// psi[c*RepositionFeatures:(c+1)*RepositionFeatures], records each as a
// decision of rec in baseline group group, and returns the candidate of
// the largest utility (ties: the first).
func (r *Repositioner) Choose(rng *rand.Rand, psi []float64, rec *Record, group int) int {
	best, top := 0, 0.0
	for c := range len(psi) / RepositionFeatures {
		phi := psi[c*RepositionFeatures : (c+1)*RepositionFeatures]
		u, mu := r.Policy.Sample(rng, phi)
		rec.Decide(phi, u, mu, r.Policy.Sigma, group)
		if c == 0 || u > top {
			best, top = c, u
		}
	}
	return best
}

// Learn adds a truck's record of the episode to the batch: each utility
// with the return of its choice.
func (r *Repositioner) Learn(rec *Record) {
	rec.addTo(r.batch, policy.Utility{})
}

// Update applies the episode's REINFORCE update and empties the batch.
func (r *Repositioner) Update() error {
	err := r.Rule.Update(r.Policy, r.batch)
	r.batch.Reset()
	return err
}

// Discard empties the batch without learning from it.
func (r *Repositioner) Discard() { r.batch.Reset() }
