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

	trades    *results.Table // nil unless trades are recorded
	replicate int64
	trainEp   int64 // training episode of the evaluation point
	evalEp    int64 // evaluation episode within the point
}

func (o *observer) Cleared(now float64, c, capacity int, orders []market.Order, cl *market.Clearing) {
	if o.eval {
		o.ev.AddClearing(capacity, cl.Volume)
	} else {
		o.episode.AddClearing(capacity, cl.Volume)
		for _, ord := range orders {
			o.episode.AddQuote(ord.Bid, ord.Ask)
		}
		for k := range cl.Selected {
			o.episode.AddTrade(cl.Pay[k])
		}
	}
	if o.trades != nil && o.eval {
		waiting := o.x.Waiting()
		car := o.x.Carriers[c]
		for k, i := range cl.Selected {
			j := waiting[i]
			ord := orders[i]
			o.trades.Append(
				[]int64{o.replicate, o.trainEp, o.evalEp, int64(math.Floor(now)), j.ID, int64(c)},
				[]float64{float64(j.Volume), j.Distance, ord.Bid, ord.Ask, cl.Pay[k], cl.Receive[k], car.Cost(j)})
		}
	}
}

func (o *observer) Finished(j *agents.Job, shipped bool, c int) {
	if !o.eval {
		o.episode.AddJob()
		return
	}
	o.ev.AddJob(j.Ship.Total, shipped)
	if shipped {
		o.ev.AddTrade(j.Bid, o.x.Carriers[c].Cost(j))
	}
	o.returns = j.Ship.Returns(o.returns)
	for i, g := range o.returns {
		o.ev.AddDecision(j.Ship.Group[i], g)
	}
}
