package experiments

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
)

// oneAsk makes a learning carrier a seller of one unit with one ask per
// clearing, as in the m x m market of Rustichini, Satterthwaite and
// Williams (1994): it is used for carriers whose cost factor is drawn once
// per round (carriers[].cost_draw: round), whose cost, features and
// policy are then the same for every job of a clearing. The learner is
// asked for every job, as usual, so that each job's record holds the
// decision and the reward of that job; but the first ask of the clearing is
// the one quoted for every job, and recorded as every job's action. The
// carrier's round gain thus falls on the one action it took (the record of
// the job it carried holds it, the others 0 with the same features, which
// a baseline fitted on all of them absorbs). Without it a carrier would
// quote each job with noise of its own, and the broker, taking its lowest
// ask, would reward low draws for their own sake: the learned asks of
// low-cost carriers then fall without bound (measured on the large-market
// preset at m = 16: the ask's slope in cost went from 0.06 to 7.8 in 200
// episodes).
type oneAsk struct {
	agents.Described
	left int     // jobs still to quote in the current clearing
	ask  float64 // the clearing's ask
}

// Quote returns the clearing's one ask: the learner's quote for the
// clearing's first job (a carrier quotes each waiting job once per
// clearing, v.Waiting of them).
func (o *oneAsk) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	n := len(rec.Action)
	a := o.Described.Quote(rng, j, v, rec)
	if o.left <= 0 {
		o.left, o.ask = v.Waiting, a
	}
	o.left--
	if len(rec.Action) > n {
		rec.Action[len(rec.Action)-1] = o.ask
	}
	return o.ask
}
