package experiments

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/sim"
)

// world runs episodes: it schedules job arrivals and carrier departures on
// the engine, and the exchange does the rest.
//
// Time is in epochs. Epoch t covers [t, t+1): its jobs arrive at time t.
// scenario.Carrier c departs at offset_c + k*period_c (by default every epoch at
// t+0.5); carriers departing at the same time clear together, and every
// clearing ages the waiting jobs by one. An episode has epochs 0..horizon:
// departures before horizon+1. When it ends, jobs still waiting are either
// dropped without learning from them (p2_compat, the P2 code's quirk (d)) or
// played out: departures go on, with no more arrivals, until every job has
// shipped or failed, so that every decision has its full return.
type world struct {
	eng   sim.Engine
	x     *agents.Exchange
	gen   agents.Generator
	fixed []agents.Job     // a fixed stream's jobs, arriving every epoch; nil for the random stream
	costs []agents.Sampler // per carrier: its private cost factor, nil when none is drawn; nil when no carrier draws
	// perRound, when not nil, says per carrier whether its cost factor is
	// drawn once per arrival round (cost_draw: round) rather than per job;
	// round holds the factors of the current round.
	perRound []bool
	round    []float64
	jobs     *rand.Rand  // the job stream of the current phase (see replicate.use)
	jobsSrc  *agents.PCG // its generator
	obs      arrivals    // told of each epoch's arrivals

	horizon int
	drain   bool

	period, offset []float64 // per carrier: its schedule
	next           []float64 // per carrier: its next departure
	count          []int64   // per carrier: departures so far
	departing      []int     // scratch: the carriers departing now

	arrive arrival
	depart departure
	net    *network // a freight network's trucks (network.go); nil in a one-hub market
	kern   *kernel  // the training episodes' single loop, when the market is one it supports; nil otherwise

	// With a continuous double auction (market.clearing cda):
	cda        *agents.CDA
	quotes     float64    // quotes per trader per round
	traders    *rand.Rand // who quotes next (the market stream of the phase)
	openRound  round
	quoteEvent quote
	settle     settlement
}

type round struct{ w *world }

// Handle opens epoch t's round: it schedules its quotes, evenly spaced over
// [t, t+0.5), about quotes per trader, and its settlement at t+0.5.
func (r round) Handle(now float64, t int64) {
	w := r.w
	if w.net != nil {
		w.net.openRound(now)
	} else {
		w.cda.Open()
	}
	k := int(math.Round(w.quotes * float64(w.cda.Traders())))
	for i := range k {
		w.eng.Schedule(now+0.5*float64(i+1)/float64(k+1), w.quoteEvent, t)
	}
	w.eng.Schedule(now+0.5, w.settle, t)
}

type quote struct{ w *world }

// Handle lets one trader quote.
func (q quote) Handle(now float64, _ int64) { q.w.cda.Quote(now, q.w.traders) }

type settlement struct{ w *world }

// Handle settles epoch t's round; after the last epoch it opens more rounds,
// without arrivals, while jobs are to be played out.
func (s settlement) Handle(now float64, t int64) {
	w := s.w
	if w.net != nil {
		w.net.settleRound(now)
	} else {
		w.cda.Settle(now)
	}
	if t >= int64(w.horizon) && w.drain && len(w.x.Waiting()) > 0 {
		w.eng.Schedule(now+0.5, w.openRound, t+1)
	}
}

type arrival struct{ w *world }

// arrivals is told of the jobs that arrive in an epoch, after they arrive.
type arrivals interface {
	Arrived(jobs []*agents.Job)
}

// Handle brings epoch t's jobs and schedules the next epoch's.
func (a arrival) Handle(now float64, t int64) {
	w := a.w
	first := len(w.x.Waiting())
	if w.net != nil {
		w.net.arrive()
	} else if w.fixed != nil {
		for i := range w.fixed {
			j := w.x.NewJob()
			id := j.ID
			j.ID, j.Volume, j.Distance, j.Due, j.Due0 = id, w.fixed[i].Volume, w.fixed[i].Distance, w.fixed[i].Due, w.fixed[i].Due0
			j.Value, j.Shipper, j.Shares = w.fixed[i].Value, w.fixed[i].Shipper, w.fixed[i].Shares
			w.x.Arrive(j)
		}
	} else {
		w.drawRound()
		for range w.gen.Arrivals.Draw(w.jobs) {
			j := w.x.NewJob()
			w.gen.Fill(w.jobs, j)
			w.drawCosts(j)
			w.x.Arrive(j)
		}
	}
	if w.obs != nil {
		w.obs.Arrived(w.x.Waiting()[first:])
	}
	if w.cda != nil {
		w.eng.Schedule(now, w.openRound, t)
	}
	if t < int64(w.horizon) {
		w.eng.Schedule(now+1, a, t+1)
	}
}

// drawCosts draws j's private cost factor for every carrier that has one
// (1 for the others), from the job stream, after the job's other draws.
func (w *world) drawCosts(j *agents.Job) {
	if w.costs == nil {
		return
	}
	for c, s := range w.costs {
		f := 1.0
		switch {
		case w.perRound != nil && w.perRound[c]:
			f = w.round[c]
		case s != nil:
			f = s.Sample(w.jobs)
		}
		j.CostFactors = append(j.CostFactors, f)
	}
}

// drawRound draws, from the job stream before the round's jobs, the cost
// factor of every carrier whose factor is drawn once per round.
func (w *world) drawRound() {
	for c, r := range w.perRound {
		if r && w.costs[c] != nil {
			w.round[c] = w.costs[c].Sample(w.jobs)
		}
	}
}

type departure struct{ w *world }

// Handle clears the departures due now and schedules the next clearing.
func (d departure) Handle(now float64, _ int64) {
	w := d.w
	w.departing = w.departing[:0]
	for c, t := range w.next {
		if t == now {
			w.departing = append(w.departing, c)
			w.count[c]++
			w.next[c] = w.offset[c] + float64(w.count[c])*w.period[c] // not accumulated: exact equality holds
		}
	}
	if w.net != nil {
		w.net.depart(now, w.departing)
	} else {
		w.x.DepartAll(now, w.departing)
	}
	w.scheduleDeparture()
}

// scheduleDeparture schedules the next clearing: at the earliest next
// departure, if it falls within the episode or jobs are still to be played out.
func (w *world) scheduleDeparture() {
	t := w.next[0]
	for _, n := range w.next[1:] {
		t = min(t, n)
	}
	if t < float64(w.horizon+1) || (w.drain && len(w.x.Waiting()) > 0) {
		w.eng.Schedule(t, w.depart, 0)
	}
}

func newWorld(x *agents.Exchange, gen agents.Generator, fixed []agents.Job, drain bool, obs arrivals, schedules []scenario.Schedule) *world {
	w := &world{x: x, gen: gen, fixed: fixed, drain: drain, obs: obs}
	for _, s := range schedules {
		w.period = append(w.period, s.Period)
		w.offset = append(w.offset, s.Offset)
	}
	w.next = make([]float64, len(schedules))
	w.count = make([]int64, len(schedules))
	w.openRound, w.quoteEvent, w.settle = round{w}, quote{w}, settlement{w}
	w.arrive = arrival{w}
	w.depart = departure{w}
	return w
}

// episode runs one episode of epochs 0..horizon with the world's job stream
// and returns the number of events handled. The caller ends it with
// x.EndEpisode.
func (w *world) episode(horizon int) uint64 {
	w.eng.Reset()
	w.horizon = horizon
	w.eng.Schedule(0, w.arrive, 0)
	if w.net != nil {
		w.net.reset()
	}
	if w.cda == nil {
		copy(w.next, w.offset)
		clear(w.count)
		w.scheduleDeparture()
	}
	w.eng.Run()
	if w.net != nil {
		w.net.finish(max(float64(horizon+1), w.eng.Now()))
	}
	return w.eng.Processed()
}

// kernel runs a training episode of the simplest market in one loop over
// arrays of jobs, with no event queue, no interface call and no observer
// call per job: one learning shipper quoting from a linear-Gaussian policy
// on P2's features, one carrier asking its cost and departing once per
// epoch, the random job stream (no fixed jobs, no private cost factors, no
// segments), a knapsack broker. That is P2's market, where a replicate
// spends nearly all its time in training episodes. newKernel chooses it
// for every market it supports, without a switch; world.episode, with the
// exchange and the observer, stays the reference that it reproduces bit for
// bit (the same draws from the same streams, the same operations in the
// same order), which TestKernelSameAsWorld and FuzzKernel check. Evaluation
// and the equilibrium measurement run on the world.
//
// A job lives in a slot of the arrays from its arrival to its end. Its
// decisions are written once, as rows of the episode's decision arrays, in
// the order they are taken; the rows of the jobs that ended, in the order
// they ended, are handed to the learner once, at the episode's end.
type kernel struct {
	w   *world
	x   *agents.Exchange
	obs *observer
	g   *agents.Gaussian
	f   agents.P2Features

	dim, per int     // features per decision; decisions per job at most (largest due + 1)
	offset   float64 // the carrier's first departure, in (0, 1); one per epoch after it

	// per slot:
	volume, due []int
	dist, value []float64
	cost        []float64 // the carrier's, its ask
	own         []float64 // features 5 and 7 (P2Features.Own), at 2s and 2s+1
	part        []float64 // the terms theta[5]*own 5 and theta[7]*own 7 of the mean, at 2s and 2s+1 (the episode's theta)
	shares      []bool
	decided     []int // decisions so far
	rowsOf      []int // per slot s and decision d < per, at s*per+d: its row
	// per decision of the episode, at its row:
	phi                         []float64 // dim features per row
	action, mean, sigma, reward []float64
	group                       []int

	free, waiting []int32        // slots: unused; waiting, in order of arrival
	rows, ends    []int          // the rows of the jobs that ended, job by job; where each job's end in rows
	orders        []market.Order // the clearing's, when the knapsack runs
	eligible      []bool         // per order: Broker.Eligible
	job           agents.Job     // the generator's draws, copied into a slot
	view          agents.View
	quotes        *agents.PCG // the shipper's stream (its Rand's generator)
	dueFeature    []float64   // per remaining due: feature 6 (P2Features.Own)
	duePart       []float64   // per remaining due: theta[6] times it (the episode's theta)
}

// newKernel returns the kernel of r's training episodes, or nil when r's
// market is not one it supports.
func newKernel(sc *scenario.Config, w *world, x *agents.Exchange, obs *observer) *kernel {
	if w.net != nil || w.cda != nil || w.fixed != nil || w.costs != nil ||
		len(x.Shippers) != 1 || len(x.Carriers) != 1 || x.Segments() != 1 || len(sc.Carriers) != 1 {
		return nil
	}
	g, ok := x.Shippers[0].Strategy.(*agents.Gaussian)
	if !ok || g.Policy == nil {
		return nil
	}
	f, ok := g.Features.(agents.P2Features)
	if !ok || len(g.Policy.Theta) != f.Dim() {
		return nil
	}
	if _, ok := x.Carriers[0].Strategy.(agents.TruthfulAsk); !ok || x.Broker.Validate() != nil {
		return nil
	}
	// One departure per epoch, at t+offset with offset in (0, 1) and a
	// multiple of 1/1024, so that offset+t is exact: between epoch t's
	// arrivals and epoch t+1's.
	s := sc.Carriers[0].Schedule
	if s.Period != 1 || !(s.Offset > 0 && s.Offset < 1) || s.Offset*1024 != math.Trunc(s.Offset*1024) {
		return nil
	}
	return &kernel{w: w, x: x, obs: obs, g: g, f: f, dim: f.Dim(), per: w.gen.Due.Max + 1, offset: s.Offset}
}

// episode is world.episode for a training episode (learning, the observer
// attached) of epochs 0..horizon; it returns the number of events the
// world's engine would have handled.
func (k *kernel) episode(horizon int) uint64 {
	k.free = append(k.free, k.waiting...) // abandoned at the end of the last episode
	k.waiting = k.waiting[:0]
	k.phi, k.action, k.mean, k.sigma, k.reward, k.group = k.phi[:0], k.action[:0], k.mean[:0], k.sigma[:0], k.reward[:0], k.group[:0]
	k.rows, k.ends = k.rows[:0], k.ends[:0]
	theta := k.g.Policy.Theta[:8]
	k.dueFeature, k.duePart = k.dueFeature[:0], k.duePart[:0]
	for d := range k.per {
		_, f, _ := k.f.Own(0, d, 0)
		k.dueFeature, k.duePart = append(k.dueFeature, f), append(k.duePart, theta[6]*f)
	}
	w := k.w
	var events uint64
	departs := k.offset < float64(horizon+1) // world.scheduleDeparture, nothing waiting yet
	for t := 0; t <= horizon || departs; t++ {
		if t <= horizon {
			k.arrive()
			events++
		}
		if !departs {
			continue
		}
		k.depart()
		events++
		departs = k.offset+float64(t+1) < float64(horizon+1) || (w.drain && len(k.waiting) > 0)
	}
	if len(k.ends) > 0 {
		k.g.LearnRows(k.phi, k.action, k.mean, k.sigma, k.reward, k.group, k.rows, k.ends)
	}
	return events
}

// arrive brings an epoch's jobs, drawn as world's arrival draws them.
func (k *kernel) arrive() {
	w := k.w
	for range w.gen.Arrivals.DrawFrom(w.jobsSrc) {
		j := &k.job
		j.Value = 0 // a pooled job's, when the generator draws none
		w.gen.FillFrom(w.jobsSrc, w.jobs, j)
		var s int32
		if n := len(k.free); n > 0 {
			s, k.free = k.free[n-1], k.free[:n-1]
		} else {
			s = int32(len(k.volume))
			k.volume, k.due, k.decided = append(k.volume, 0), append(k.due, 0), append(k.decided, 0)
			k.dist, k.value, k.shares = append(k.dist, 0), append(k.value, 0), append(k.shares, false)
			k.cost = append(k.cost, 0)
			k.own, k.part = append(k.own, 0, 0), append(k.part, 0, 0)
			k.rowsOf = append(k.rowsOf, make([]int, k.per)...)
		}
		k.volume[s], k.due[s], k.dist[s], k.value[s], k.shares[s], k.decided[s] = j.Volume, j.Due, j.Distance, j.Value, j.Shares, 0
		k.cost[s] = k.x.Carriers[0].CostOf(j.Volume, j.Distance)
		v, _, x := k.f.Own(j.Volume, 0, j.Distance)
		theta := k.g.Policy.Theta[:8]
		k.own[2*s], k.own[2*s+1] = v, x
		k.part[2*s], k.part[2*s+1] = theta[5]*v, theta[7]*x
		k.waiting = append(k.waiting, s)
	}
}

// depart is the exchange's DepartAll for the one carrier, with the
// observer's training counts: quotes, the knapsack, rewards, and the jobs
// that end noted for the learner.
func (k *kernel) depart() {
	sh, car := k.x.Shippers[0], k.x.Carriers[0]
	p2 := k.x.P2Running
	v := &k.view
	v.Begin(len(k.waiting))
	for _, s := range k.waiting {
		v.Add(k.volume[s], k.due[s], k.dist[s], k.shares[s], p2)
	}
	v.End(p2)
	p, rng, dim := k.g.Policy, k.quotes, k.dim
	theta, sigma := p.Theta[:8], p.Sigma
	// Policy.Mean sums theta[i]*phi[i] from i = 0 up; features 0-4 are the
	// same for every job that shares (and for every one that does not), so
	// their part of the sum, the same operations in the same order, is
	// taken once per clearing.
	var none [4]float64
	shared := k.f.Market(v) // what every sharing job sees
	preShared, preNone := 0.0, 0.0
	preShared += theta[0] * 1
	preNone += theta[0] * 1
	for i := range 4 {
		preShared += theta[1+i] * shared[i]
		preNone += theta[1+i] * none[i]
	}
	e := &k.obs.episode
	quotes, bids, asks := e.Quotes, e.BidSum, e.AskSum
	b, capacity := k.x.Broker, car.Capacity
	eligible, finite := 0, true               // the eligible orders' volume; every bid and ask finite
	first, n := len(k.action), len(k.waiting) // the row of the first waiting job's decision; one row each
	k.eligible = slices.Grow(k.eligible[:0], n)[:n]
	k.phi = slices.Grow(k.phi, n*dim)[:(first+n)*dim]
	k.action, k.mean, k.sigma = slices.Grow(k.action, n)[:first+n], slices.Grow(k.mean, n)[:first+n], slices.Grow(k.sigma, n)[:first+n]
	k.group, k.reward = slices.Grow(k.group, n)[:first+n], slices.Grow(k.reward, n)[:first+n]
	for i, s := range k.waiting {
		r := first + i
		phi := k.phi[r*dim : (r+1)*dim : (r+1)*dim]
		seen, mu := &none, preNone
		if k.shares[s] {
			seen, mu = &shared, preShared
		}
		vol, due, ask := k.volume[s], k.due[s], k.cost[s]
		k.f.Put(phi, seen, k.own[2*s], k.dueFeature[due], k.own[2*s+1])
		mu += k.part[2*s]
		mu += k.duePart[due]
		mu += k.part[2*s+1]
		a := mu + sigma*rng.NormFloat64() // Linear.Sample
		k.action[r], k.mean[r], k.sigma[r], k.group[r], k.reward[r] = a, mu, sigma, due, 0
		k.rowsOf[int(s)*k.per+k.decided[s]] = r
		k.decided[s]++
		quotes++
		bids += a
		asks += ask
		ok := b.Eligible(market.Order{Volume: vol, Bid: a, Ask: ask}, capacity)
		k.eligible[i] = ok
		eligible += vol * b2i(ok) // no branch: it goes either way at random
		finite = finite && a-a == 0 && ask-ask == 0
	}
	e.Quotes, e.BidSum, e.AskSum = quotes, bids, asks
	// When the eligible orders fit, the broker takes them all (see
	// Broker.Eligible): its knapsack runs only when they do not.
	all := eligible <= capacity && finite && b.Price.Kind != market.KDoubleUniform
	var cl market.Clearing
	if all {
		cl.Volume = eligible
	} else {
		k.orders = k.orders[:0]
		for i, s := range k.waiting {
			k.orders = append(k.orders, market.Order{Volume: k.volume[s], Bid: k.action[first+i], Ask: k.cost[s]})
		}
		cl = b.Clear(k.orders, capacity)
		for _, pay := range cl.Pay {
			e.AddTrade(pay)
		}
	}
	e.AddClearing(capacity, cl.Volume)
	if cl.Volume > 0 {
		car.Reward -= car.FixedCost
	}
	keep := k.waiting[:0]
	next := 0 // the next of cl.Selected (ascending)
	d := first
	for i, s := range k.waiting {
		var taken bool
		var pay, receive float64
		if all {
			if k.eligible[i] {
				taken = true
				pay, receive = b.Price.Prices(k.action[d], k.cost[s])
				e.AddTrade(pay)
			}
		} else if next < len(cl.Selected) && cl.Selected[next] == i {
			taken = true
			pay, receive = cl.Pay[next], cl.Receive[next]
			next++
		}
		switch {
		case taken:
			r := k.value[s] - pay
			k.reward[d] += r
			sh.Reward += r
			car.Reward += receive - k.cost[s]
			k.finish(s)
		case k.due[s] == 0:
			r := -sh.Penalty * float64(k.volume[s])
			k.reward[d] += r
			sh.Reward += r
			k.finish(s)
		default:
			r := -sh.HoldingCost * float64(k.volume[s])
			k.reward[d] += r
			sh.Reward += r
			k.due[s]--
			keep = append(keep, s)
		}
		d++
	}
	k.waiting = keep
}

// finish notes that slot s's job ended: its rows, for the learner; counts
// it and frees the slot.
func (k *kernel) finish(s int32) {
	from := int(s) * k.per
	for _, r := range k.rowsOf[from : from+k.decided[s]] { // a few: no bulk copy's call
		k.rows = append(k.rows, r)
	}
	k.ends = append(k.ends, len(k.rows))
	k.obs.episode.AddJob()
	k.free = append(k.free, s)
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
