package experiments

import (
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
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
