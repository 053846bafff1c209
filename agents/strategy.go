package agents

import "math/rand/v2"

// Strategy prices a job at a clearing: a shipper's strategy returns a bid, a
// carrier's an ask. A strategy that learns records its decision in rec;
// a fixed one leaves rec alone.
type Strategy interface {
	Quote(rng *rand.Rand, j *Job, v *View, rec *Record) float64
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
}
