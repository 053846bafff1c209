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

	Episodes int     // evaluation episodes
	Quotes   int     // bids (and asks) quoted
	BidSum   float64 // sum of the bids quoted
	AskSum   float64 // sum of the asks quoted
	Prices   float64 // sum of the prices paid by shipped jobs
	RatioN   int     // shipped jobs with a positive transport cost, whose price / cost counts
	RatioSum float64 // sum of price / transport cost over them
	// RatioShift is the first of those ratios, and RatioDev and RatioSq the
	// sums of each ratio less it and of their squares: the variance from
	// them does not cancel to a spurious 1e-8 when every ratio is the same.
	RatioShift, RatioDev, RatioSq float64
	Benchmark                     float64 // efficient gains from trade of the arrivals (see AddBenchmark)
	Kept                          float64 // what the broker kept

	ShipperGains []float64 // gains from trade per shipper (see AddShipperGain)
	CarrierGains []float64 // gains from trade per carrier (see AddCarrierGain)
}

// Reset empties e, keeping its memory.
func (e *Evaluation) Reset() {
	*e = Evaluation{groupSum: e.groupSum[:0], groupN: e.groupN[:0],
		ShipperGains: e.ShipperGains[:0], CarrierGains: e.CarrierGains[:0]}
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

// AddTrade counts one shipped job's winning bid, the price it paid and its
// transport cost.
func (e *Evaluation) AddTrade(bid, price, cost float64) {
	e.WinningBids += bid
	e.TransportCost += cost
	e.Prices += price
	if cost > 0 {
		r := price / cost
		if e.RatioN == 0 {
			e.RatioShift = r
		}
		d := r - e.RatioShift
		e.RatioN++
		e.RatioSum += r
		e.RatioDev += d
		e.RatioSq += d * d
	}
}

// AddQuote counts one bid and ask quoted at a clearing.
func (e *Evaluation) AddQuote(bid, ask float64) {
	e.Quotes++
	e.BidSum += bid
	e.AskSum += ask
}

// AddQuotes counts n bids and asks quoted, of sums bids and asks.
func (e *Evaluation) AddQuotes(n int, bids, asks float64) {
	e.Quotes += n
	e.BidSum += bids
	e.AskSum += asks
}

// AddBenchmark adds the efficient gains from trade of one epoch's
// arrivals: the largest total of reservation minus cost that any feasible
// allocation of them could reach.
func (e *Evaluation) AddBenchmark(surplus float64) { e.Benchmark += surplus }

// AddKept adds what the broker kept at a clearing.
func (e *Evaluation) AddKept(kept float64) { e.Kept += kept }

// AddShipperGain adds to shipper i's gains from trade: its reward plus the
// failure penalties a job's shipping avoided (what it gained against every
// job failing).
func (e *Evaluation) AddShipperGain(i int, gain float64) {
	e.ShipperGains = addAt(e.ShipperGains, i, gain)
}

// AddCarrierGain adds to carrier i's gains from trade: its reward.
func (e *Evaluation) AddCarrierGain(i int, gain float64) {
	e.CarrierGains = addAt(e.CarrierGains, i, gain)
}

// EndEpisode counts one evaluation episode.
func (e *Evaluation) EndEpisode() { e.Episodes++ }

func addAt(s []float64, i int, x float64) []float64 {
	for len(s) <= i {
		s = append(s, 0)
	}
	s[i] += x
	return s
}

// Efficiency is allocative efficiency: the gains from trade realised by
// shippers, carriers and broker together over the efficient benchmark.
func (e *Evaluation) Efficiency() float64 {
	return ratio(sum(e.ShipperGains)+sum(e.CarrierGains)+e.Kept, e.Benchmark)
}

// Surplus is the efficient benchmark per evaluation episode: S in NE adherence.
func (e *Evaluation) Surplus() float64 { return ratio(e.Benchmark, float64(e.Episodes)) }

// ShipperShare is the shippers' share of the gains that shippers and
// carriers realised: 0.5 is an even split. Undefined (NaN) unless their
// total is positive.
func (e *Evaluation) ShipperShare() float64 {
	s, c := sum(e.ShipperGains), sum(e.CarrierGains)
	if !(s+c > 0) {
		return math.NaN()
	}
	return s / (s + c)
}

// Jain is Jain's fairness index over the gains of every shipper and carrier,
// (sum x)² / (n sum x²), with negative gains counted as 0: 1 when all gain
// equally, 1/n when one agent gains everything.
func (e *Evaluation) Jain() float64 {
	var s, sq float64
	n := 0
	for _, g := range append(append([]float64(nil), e.ShipperGains...), e.CarrierGains...) {
		g = math.Max(g, 0)
		s += g
		sq += g * g
		n++
	}
	return ratio(s*s, float64(n)*sq)
}

// MeanBid is the mean bid quoted.
func (e *Evaluation) MeanBid() float64 { return ratio(e.BidSum, float64(e.Quotes)) }

// MeanAsk is the mean ask quoted.
func (e *Evaluation) MeanAsk() float64 { return ratio(e.AskSum, float64(e.Quotes)) }

// MeanPrice is the mean price paid by a shipped job.
func (e *Evaluation) MeanPrice() float64 { return ratio(e.Prices, float64(e.Shipped)) }

// PricePerCost is the mean, over shipped jobs, of the price paid per unit
// of transport cost (of those with a positive cost: a free truck has no
// such ratio).
func (e *Evaluation) PricePerCost() float64 { return ratio(e.RatioSum, float64(e.RatioN)) }

// PriceVolatility is the standard deviation, over the same jobs, of the
// price paid per unit of transport cost: 0 when every ratio is the same.
func (e *Evaluation) PriceVolatility() float64 {
	n := float64(e.RatioN)
	if n < 2 {
		return math.NaN()
	}
	return math.Sqrt(math.Max(0, (e.RatioSq-e.RatioDev*e.RatioDev/n)/(n-1)))
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
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
