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

// TruthfulBid bids a job's value to its shipper.
type TruthfulBid struct{}

// Quote returns j.Value.
func (TruthfulBid) Quote(_ *rand.Rand, j *Job, _ *View, _ *Record) float64 { return j.Value }

// TruthfulAsk asks the departing carrier's cost of a job.
type TruthfulAsk struct{}

// Quote returns v.Carrier.Cost(j).
func (TruthfulAsk) Quote(_ *rand.Rand, j *Job, v *View, _ *Record) float64 { return v.Carrier.Cost(j) }
