package experiments

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/sim"
)

// world runs episodes: it schedules job arrivals and carrier departures on
// the engine, and the exchange does the rest.
//
// Time is in epochs. Epoch t covers [t, t+1): its jobs arrive at time t and
// every carrier departs at t+0.5, in the order the scenario lists them. An
// episode has epochs 0..horizon. When it ends, jobs still waiting are either
// dropped without learning from them (p2_compat, the P2 code's quirk (d)) or
// played out: departures go on, with no more arrivals, until every job has
// shipped or failed, so that every decision has its full return.
type world struct {
	eng   sim.Engine
	x     *agents.Exchange
	gen   agents.Generator
	fixed []agents.Job // a fixed stream's jobs, arriving every epoch; nil for the random stream
	jobs  *rand.Rand   // the job stream of the current phase (see replicate.use)
	obs   arrivals     // told of each epoch's arrivals

	horizon int
	drain   bool

	arrive arrival
	depart departure
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
	if w.fixed != nil {
		for i := range w.fixed {
			j := w.x.NewJob()
			id := j.ID
			j.ID, j.Volume, j.Distance, j.Due, j.Due0 = id, w.fixed[i].Volume, w.fixed[i].Distance, w.fixed[i].Due, w.fixed[i].Due0
			j.Value, j.Shipper, j.Shares = w.fixed[i].Value, w.fixed[i].Shipper, w.fixed[i].Shares
			w.x.Arrive(j)
		}
	} else {
		for range w.gen.Arrivals.Draw(w.jobs) {
			j := w.x.NewJob()
			w.gen.Fill(w.jobs, j)
			w.x.Arrive(j)
		}
	}
	if w.obs != nil {
		w.obs.Arrived(w.x.Waiting()[first:])
	}
	if t < int64(w.horizon) {
		w.eng.Schedule(now+1, a, t+1)
	}
}

type departure struct{ w *world }

// Handle clears epoch t's departures and schedules the next epoch's.
func (d departure) Handle(now float64, t int64) {
	w := d.w
	for c := range w.x.Carriers {
		w.x.Depart(now, c)
	}
	if t < int64(w.horizon) || (w.drain && len(w.x.Waiting()) > 0) {
		w.eng.Schedule(now+1, d, t+1)
	}
}

func newWorld(x *agents.Exchange, gen agents.Generator, fixed []agents.Job, drain bool, obs arrivals) *world {
	w := &world{x: x, gen: gen, fixed: fixed, drain: drain, obs: obs}
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
	w.eng.Schedule(0.5, w.depart, 0)
	w.eng.Run()
	return w.eng.Processed()
}
