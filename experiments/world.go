package experiments

import (
	"math"
	"math/rand/v2"

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
	jobs     *rand.Rand // the job stream of the current phase (see replicate.use)
	obs      arrivals   // told of each epoch's arrivals

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
// A job lives in a slot of the arrays from its arrival to its end; its
// decisions are written once, in place, into its slot's rows and handed to
// the learner from there when it finishes.
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
	shares      []bool
	decided     []int // decisions so far
	// per slot s and decision d < per, at row s*per+d:
	phi                         []float64 // dim features per row
	action, mean, sigma, reward []float64
	group                       []int

	free, waiting []int32 // slots: unused; waiting, in order of arrival
	ended, count  []int   // at a clearing, per job that ends, in order: its first row and its decisions
	orders        []market.Order
	job           agents.Job // the generator's draws, copied into a slot
	view          agents.View
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
	if _, ok := x.Carriers[0].Strategy.(agents.TruthfulAsk); !ok {
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
	return events
}

// arrive brings an epoch's jobs, drawn as world's arrival draws them.
func (k *kernel) arrive() {
	w := k.w
	for range w.gen.Arrivals.Draw(w.jobs) {
		j := &k.job
		j.Value = 0 // a pooled job's, when the generator draws none
		w.gen.Fill(w.jobs, j)
		var s int32
		if n := len(k.free); n > 0 {
			s, k.free = k.free[n-1], k.free[:n-1]
		} else {
			s = int32(len(k.volume))
			k.volume, k.due, k.decided = append(k.volume, 0), append(k.due, 0), append(k.decided, 0)
			k.dist, k.value, k.shares = append(k.dist, 0), append(k.value, 0), append(k.shares, false)
			k.cost = append(k.cost, 0)
			k.phi = append(k.phi, make([]float64, k.per*k.dim)...)
			k.action = append(k.action, make([]float64, k.per)...)
			k.mean = append(k.mean, make([]float64, k.per)...)
			k.sigma = append(k.sigma, make([]float64, k.per)...)
			k.reward = append(k.reward, make([]float64, k.per)...)
			k.group = append(k.group, make([]int, k.per)...)
		}
		k.volume[s], k.due[s], k.dist[s], k.value[s], k.shares[s], k.decided[s] = j.Volume, j.Due, j.Distance, j.Value, j.Shares, 0
		k.cost[s] = k.x.Carriers[0].CostOf(j.Volume, j.Distance)
		k.waiting = append(k.waiting, s)
	}
}

// depart is the exchange's DepartAll for the one carrier, with the
// observer's training counts: quotes, the knapsack, rewards, and the jobs
// that end handed to the learner.
func (k *kernel) depart() {
	sh, car := k.x.Shippers[0], k.x.Carriers[0]
	p2 := k.x.P2Running
	v := &k.view
	v.Begin(len(k.waiting))
	for _, s := range k.waiting {
		v.Add(k.volume[s], k.due[s], k.dist[s], k.shares[s], p2)
	}
	v.End(p2)
	p, rng, dim := k.g.Policy, sh.Rand, k.dim
	var none [4]float64
	shared := k.f.Market(v) // what every sharing job sees
	k.orders = k.orders[:0]
	for _, s := range k.waiting {
		d := int(s)*k.per + k.decided[s]
		phi := k.phi[d*dim : (d+1)*dim : (d+1)*dim]
		seen := &none
		if k.shares[s] {
			seen = &shared
		}
		k.f.FillWith(phi, seen, k.volume[s], k.due[s], k.dist[s])
		a, mu := p.Sample(rng, phi)
		k.action[d], k.mean[d], k.sigma[d], k.group[d], k.reward[d] = a, mu, p.Sigma, k.due[s], 0
		k.decided[s]++
		k.orders = append(k.orders, market.Order{Volume: k.volume[s], Bid: a, Ask: k.cost[s]})
	}
	cl := k.x.Broker.Clear(k.orders, car.Capacity)
	e := &k.obs.episode
	for _, o := range k.orders {
		e.AddQuote(o.Bid, o.Ask)
	}
	e.AddClearing(car.Capacity, cl.Volume)
	for _, pay := range cl.Pay {
		e.AddTrade(pay)
	}
	if cl.Volume > 0 {
		car.Reward -= car.FixedCost
	}
	keep := k.waiting[:0]
	k.ended, k.count = k.ended[:0], k.count[:0]
	next := 0 // the next of cl.Selected (ascending)
	for i, s := range k.waiting {
		d := int(s)*k.per + k.decided[s] - 1
		switch {
		case next < len(cl.Selected) && cl.Selected[next] == i:
			r := k.value[s] - cl.Pay[next]
			k.reward[d] += r
			sh.Reward += r
			car.Reward += cl.Receive[next] - k.cost[s]
			next++
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
	}
	k.waiting = keep
	if len(k.ended) > 0 {
		k.g.LearnRows(k.phi, k.action, k.mean, k.sigma, k.reward, k.group, k.ended, k.count)
	}
}

// finish notes that slot s's job ended, for the learner, counts it and
// frees the slot (its rows stay until the clearing's end, when the learner
// takes them: no job arrives before).
func (k *kernel) finish(s int32) {
	k.ended, k.count = append(k.ended, int(s)*k.per), append(k.count, k.decided[s])
	k.obs.episode.AddJob()
	k.free = append(k.free, s)
}
