package agents

import "math/rand/v2"

// Strategy prices a job at a clearing: a shipper's strategy returns a bid, a
// carrier's an ask. A strategy that learns records its decision in rec;
// a fixed one leaves rec alone.
type Strategy interface {
	Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64
}

// bidFor asks j's shipper's strategy for its bid at a clearing. A strategy
// that records no decision itself (a fixed rule) gets one recorded for it,
// without features (the bid, sigma 0, the job's remaining due as its
// group), so that P2's avg_bidding_cost, the mean return of a bid
// decision by remaining due, covers every shipper, not only a learner.
func bidFor(sh *Shipper, j *Job, v *View) float64 {
	n := j.Ship.Len()
	b := sh.Strategy.Quote(sh.Rand, j, v, &j.Ship)
	if j.Ship.Len() == n && j.Ship.dim == 0 {
		j.Ship.Decide(nil, b, b, 0, j.Due)
	}
	return b
}

// Learner is a strategy that learns from finished jobs.
type Learner interface {
	Strategy
	// Learn takes one finished job's record on the learner's side.
	Learn(rec *Record)
	// Update applies what was learned in the episode and starts a new one.
	Update() error
}

// TruthfulBid bids what shipping a job now is worth to its shipper: its
// reservation, value plus the failure penalty it avoids.
type TruthfulBid struct{}

// Quote returns j.Reserve.
func (TruthfulBid) Quote(_ *rand.Rand, j *Job, _ *View, _ *Record) float64 { return j.Reserve }

// TruthfulAsk asks the departing carrier's cost of a job.
type TruthfulAsk struct{}

// Quote returns v.Carrier.Cost(j).
func (TruthfulAsk) Quote(_ *rand.Rand, j *Job, v *View, _ *Record) float64 { return v.Carrier.Cost(j) }

// ShoutWatcher is a strategy that, in a continuous double auction, adapts
// after every shout in the market, as Cliff's ZIP traders do; the auction
// then tells it nothing more when the round settles. Limit is the trader's
// own limit (a shipper's reservation, a carrier's cost of a unit), active
// whether it still has something to trade this round, and rng the
// trader's stream of the episode.
//
// Adapting within a round is how such a trader trades at all, so it goes
// on in evaluation episodes too; there the auction calls Mark when a round
// opens and Reset when it settles, so that what the trader adapts in an
// evaluation round is forgotten, and evaluation does not change training.
type ShoutWatcher interface {
	Shout(rng *rand.Rand, s Shout, limit float64, active bool)
	Mark()
	Reset()
}

// Shout is one quote in a continuous double auction, as every trader sees
// it: an ask (Ask) or a bid at Price, and whether it traded, at Price.
type Shout struct {
	Ask      bool
	Price    float64
	Traded   bool
	From, To int // its lane: hubs of origin and destination (0 and 0 on one hub)
}

// Watcher is a strategy that adapts to what the market does, such as ZIP
// (Cliff 1997): after every clearing it is told the outcome of each quote
// it made there.
type Watcher interface {
	Watch(o Outcome)
}

// Outcome is what became of one quote at a clearing.
type Outcome struct {
	Carrier bool    // the quote was an ask (else a bid)
	Quote   float64 // the bid or ask
	Limit   float64 // the quoting side's limit: the shipper's reservation, or the carrier's cost
	Traded  bool    // the job shipped, with this carrier for an ask
	Price   float64 // what the quoting side paid or received, if it traded
	// Last is the most recent trade price in the market at this clearing
	// (the mean price paid there), NaN if nothing has traded yet.
	Last float64
	// From and To are the quote's lane: its job's hubs of origin and
	// destination (0 and 0 on one hub).
	From, To int
}
