package experiments

import (
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/results"
)

// observer turns exchange events into measurements: per-episode training
// statistics, evaluation metrics and, when asked, a record of every trade in
// the evaluation episodes.
type observer struct {
	x    *agents.Exchange
	eval bool // evaluating (else training)

	episode results.Episode
	ev      results.Evaluation
	returns []float64

	bench   market.Broker // the efficient benchmark's solver, apart from the exchange's broker
	values  []float64
	costs   []float64
	volumes []int

	trades    *results.Table // nil unless trades are recorded
	replicate int64
	trainEp   int64 // training episode of the evaluation point
	evalEp    int64 // evaluation episode within the point
}

// Arrived adds the efficient gains from trade of an epoch's arrivals to the
// benchmark: the largest total reservation minus cost of a set of them that
// fits the capacity. With several carriers it pools their capacity and
// prices each job at its cheapest carrier: an upper bound on what any
// assignment reaches.
func (o *observer) Arrived(jobs []*agents.Job) {
	if !o.eval || len(jobs) == 0 {
		return
	}
	o.values, o.costs, o.volumes = o.values[:0], o.costs[:0], o.volumes[:0]
	capacity := 0
	for _, c := range o.x.Carriers {
		capacity += c.Capacity
	}
	for _, j := range jobs {
		cost := math.Inf(1)
		for _, c := range o.x.Carriers {
			cost = math.Min(cost, c.Cost(j))
		}
		o.values = append(o.values, j.Reserve)
		o.costs = append(o.costs, cost)
		o.volumes = append(o.volumes, j.Volume)
	}
	o.ev.AddBenchmark(o.bench.MaxSurplus(o.values, o.costs, o.volumes, capacity))
}

func (o *observer) Cleared(now float64, c, capacity int, orders []market.Order, cl *market.Clearing) {
	waiting := o.x.Waiting()
	car := o.x.Carriers[c]
	if !o.eval {
		o.episode.AddClearing(capacity, cl.Volume)
		for _, ord := range orders {
			o.episode.AddQuote(ord.Bid, ord.Ask)
		}
		for k := range cl.Selected {
			o.episode.AddTrade(cl.Pay[k])
		}
		return
	}
	o.ev.AddClearing(capacity, cl.Volume)
	o.ev.AddKept(cl.Kept)
	for _, ord := range orders {
		o.ev.AddQuote(ord.Bid, ord.Ask)
	}
	for k, i := range cl.Selected {
		j := waiting[i]
		o.ev.AddTrade(orders[i].Bid, cl.Pay[k], car.Cost(j))
		if o.trades != nil {
			o.trades.Append(
				[]int64{o.replicate, o.trainEp, o.evalEp, int64(math.Floor(now)), j.ID, int64(c)},
				[]float64{float64(j.Volume), j.Distance, orders[i].Bid, orders[i].Ask, cl.Pay[k], cl.Receive[k], car.Cost(j)})
		}
	}
}

func (o *observer) Finished(j *agents.Job, shipped bool, _ int) {
	if !o.eval {
		o.episode.AddJob()
		return
	}
	o.ev.AddJob(j.Ship.Total, shipped)
	penalty := o.x.Shippers[j.Shipper].Penalty * float64(j.Volume)
	o.ev.AddShipperGain(j.Shipper, j.Ship.Total+penalty)
	o.returns = j.Ship.Returns(o.returns)
	for i, g := range o.returns {
		o.ev.AddDecision(j.Ship.Group[i], g)
	}
}

// endEvaluationEpisode adds the carriers' episode rewards to their gains;
// call it before the exchange's EndEpisode clears them.
func (o *observer) endEvaluationEpisode() {
	for i, c := range o.x.Carriers {
		o.ev.AddCarrierGain(i, c.Reward)
	}
	o.ev.EndEpisode()
}
