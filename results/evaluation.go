package results

import "math"

// Evaluation accumulates what happens in one evaluation episode and turns it
// into the metrics of the smart-container paper (MODEL section 6). Add
// events as they happen; read the metrics at the end.
type Evaluation struct {
	groupSum []float64 // sum of decision returns per remaining-due group
	groupN   []int

	Jobs          int     // finished jobs (shipped or failed)
	Shipped       int     // shipped jobs
	JobCost       float64 // total cost of finished jobs (minus their rewards)
	OfferedVolume int     // capacity offered over all departures
	ShippedVolume int     // volume shipped
	WinningBids   float64 // sum of the bids of shipped jobs
	TransportCost float64 // sum of the carriers' costs of shipped jobs
}

// Reset empties e, keeping its memory.
func (e *Evaluation) Reset() {
	*e = Evaluation{groupSum: e.groupSum[:0], groupN: e.groupN[:0]}
}

// AddDecision counts one decision's return in its remaining-due group.
func (e *Evaluation) AddDecision(group int, ret float64) {
	for len(e.groupSum) <= group {
		e.groupSum = append(e.groupSum, 0)
		e.groupN = append(e.groupN, 0)
	}
	e.groupSum[group] += ret
	e.groupN[group]++
}

// AddJob counts one finished job with its total reward.
func (e *Evaluation) AddJob(reward float64, shipped bool) {
	e.Jobs++
	e.JobCost -= reward
	if shipped {
		e.Shipped++
	}
}

// AddClearing counts one departure's offered capacity and shipped volume.
func (e *Evaluation) AddClearing(capacity, shipped int) {
	e.OfferedVolume += capacity
	e.ShippedVolume += shipped
}

// AddTrade counts one shipped job's winning bid and transport cost.
func (e *Evaluation) AddTrade(bid, cost float64) {
	e.WinningBids += bid
	e.TransportCost += cost
}

// AvgBiddingCost is the paper's own figure: the unweighted mean, over the
// remaining-due groups that saw a decision, of the mean return of the
// decisions in that group. It is negative: a cost. (The paper's code also
// averages in empty groups as zeros; in a 1001-epoch evaluation no group is
// empty.)
func (e *Evaluation) AvgBiddingCost() float64 {
	var sum float64
	var groups int
	for g, n := range e.groupN {
		if n > 0 {
			sum += e.groupSum[g] / float64(n)
			groups++
		}
	}
	return ratio(sum, float64(groups))
}

// CostPerJob is the mean total cost of a finished job: price, holding and penalty.
func (e *Evaluation) CostPerJob() float64 { return ratio(e.JobCost, float64(e.Jobs)) }

// ShipShare is the share of finished jobs that shipped.
func (e *Evaluation) ShipShare() float64 { return ratio(float64(e.Shipped), float64(e.Jobs)) }

// Utilization is shipped volume over offered capacity.
func (e *Evaluation) Utilization() float64 {
	return ratio(float64(e.ShippedVolume), float64(e.OfferedVolume))
}

// MeanWinningBid is the mean bid of a shipped job.
func (e *Evaluation) MeanWinningBid() float64 { return ratio(e.WinningBids, float64(e.Shipped)) }

// MeanTransportCost is the mean carrier cost of a shipped job.
func (e *Evaluation) MeanTransportCost() float64 {
	return ratio(e.TransportCost, float64(e.Shipped))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
