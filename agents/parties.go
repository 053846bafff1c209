package agents

import "math/rand/v2"

// Shipper owns jobs and prices them through its strategy.
type Shipper struct {
	HoldingCost float64  // h: cost per volume unit per clearing a job waits
	Penalty     float64  // p: cost per volume unit when a job fails
	Strategy    Strategy // bids for its jobs
	Rand        *rand.Rand

	Reward float64 // total reward in the current episode
}

// Carrier offers capacity at its departures.
type Carrier struct {
	Index     int      // its place in the exchange's Carriers
	Capacity  int      // volume units per departure
	CostRate  float64  // k: cost per volume unit and distance unit
	FixedCost float64  // cost per departure that carries anything
	Strategy  Strategy // asks for jobs; Truthful asks the cost
	Rand      *rand.Rand

	Reward float64 // total reward in the current episode

	ask float64 // its latest ask in a continuous double auction
}

// Cost is the carrier's cost of transporting j: k * volume * distance,
// times the job's private cost factor for this carrier when one was drawn.
func (c *Carrier) Cost(j *Job) float64 {
	cost := c.CostRate * float64(j.Volume) * j.Distance
	if c.Index < len(j.CostFactors) {
		cost *= j.CostFactors[c.Index]
	}
	return cost
}
