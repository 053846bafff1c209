package agents

import "math/rand/v2"

// Job is one smart container waiting for transport.
type Job struct {
	ID       int64   // unique within an episode, in order of arrival
	Volume   int     // integer volume units, >= 1
	Distance float64 // distance to travel
	Due      int     // clearings left after this one before it fails (0: last chance)
	Due0     int     // Due at arrival
	Value    float64 // private value V of shipping it (0 when the scenario gives none)
	Reserve  float64 // reservation: V + p*volume, the most its shipper gains by shipping it now rather than letting it fail
	Shares   bool    // shares its information with the market
	Shipper  int     // index of its shipper
	From     int     // in a network: the hub where it waits (0 in a one-hub market)
	To       int     // in a network: the hub it goes to (0 in a one-hub market)

	Bid float64 // the bid at the current clearing
	Ask float64 // the ask at the current clearing

	Ship  Record   // the shipper's decisions and rewards for this job
	Carry []Record // per carrier: its decisions (asks) and rewards for this job

	// CostFactors, when drawn, holds per carrier a private factor on its cost
	// of this job (see Carrier.Cost); empty when costs are k*v*l exactly.
	CostFactors []float64

	// In a continuous double auction round (see CDA):
	truck      int     // in a network: the index, among the trucks of its hub's clearing, of the truck it ships on
	tradedWith int     // the carrier it traded with, or -1
	price      float64 // the price it traded at
	orderID    int64   // its resting bid in the book, 0 if none
}

// reset clears j for reuse, keeping the memory of its records.
func (j *Job) reset() {
	j.ID, j.Volume, j.Distance, j.Due, j.Due0 = 0, 0, 0, 0, 0
	j.Value, j.Reserve, j.Shares, j.Shipper, j.Bid, j.Ask = 0, 0, false, 0, 0, 0
	j.From, j.To = 0, 0
	j.tradedWith, j.price, j.orderID, j.truck = -1, 0, 0, 0
	j.Ship.Reset()
	for i := range j.Carry {
		j.Carry[i].Reset()
	}
	j.CostFactors = j.CostFactors[:0]
}

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
	cost := c.CostOf(j.Volume, j.Distance)
	if c.Index < len(j.CostFactors) {
		cost *= j.CostFactors[c.Index]
	}
	return cost
}

// CostOf is the carrier's cost of transporting volume units over distance
// without a private cost factor: k * volume * distance.
func (c *Carrier) CostOf(volume int, distance float64) float64 {
	return c.CostRate * float64(volume) * distance
}
