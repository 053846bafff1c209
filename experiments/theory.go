package experiments

import (
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/results"
)

// Theory is what economic theory says about a scenario's market, before
// anyone learns anything: the benchmarks that learned markets are measured
// against. `freightsim equilibrium` prints it and every run writes it to
// theory.json, so that figures can be drawn from the run's files alone.
type Theory struct {
	Scenario string `json:"scenario"`

	// ClosedForm lists, for a fixed job stream whose Nash equilibria are
	// known in closed form (see Scenario.closedForm), each job's
	// equilibrium set: bid = ask = p with Low <= p <= High if it trades;
	// no trade (bid <= ask) otherwise. Empty when there is no closed form,
	// and ClosedFormNote says why.
	ClosedForm     []JobBand `json:"closed_form,omitempty"`
	ClosedFormNote string    `json:"closed_form_note,omitempty"`

	// Band is the mean equilibrium price band of a job worth shipping:
	// [mean cost, mean reservation] over the jobs of the stream whose
	// reservation exceeds their cost, in money per job: the band that mean
	// bids and asks are drawn against.
	Band Band `json:"band"`

	// Competitive is the competitive (Walrasian) equilibrium of each
	// clearing's arrivals in price per unit of transport cost: carriers
	// supply their capacity at cost (price/cost 1, or their cost relative
	// to the cheapest carrier), each job demands its volume at its
	// reservation over its cost. Summarised over Clearings sampled clearings.
	Competitive Competitive `json:"competitive"`

	// Surplus is the efficient gains from trade of a clearing's arrivals
	// (the largest total reservation minus cost of a set that fits the
	// capacity), summarised over the sampled clearings.
	Surplus   results.Stat `json:"efficient_surplus_per_clearing"`
	Clearings int          `json:"clearings_sampled"`

	// DemandRatio is the expected volume arriving per epoch over the
	// capacity offered per epoch: > 1 freight-driven, < 1 capacity-driven.
	DemandRatio float64 `json:"demand_ratio"`
}

// JobBand is one job type's equilibrium in a closed form.
type JobBand struct {
	Volume      int     `json:"volume"`
	Distance    int     `json:"distance"`
	Value       float64 `json:"value"`
	Cost        float64 `json:"cost"`
	Reservation float64 `json:"reservation"`
	Trades      bool    `json:"trades"`
	Low         float64 `json:"low"`  // equal to Cost when it trades
	High        float64 `json:"high"` // equal to Reservation when it trades
}

// Band is a price band in money.
type Band struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Competitive summarises the competitive equilibria of sampled clearings.
type Competitive struct {
	Unit     string       `json:"unit"`
	Quantity results.Stat `json:"quantity"` // volume traded
	Low      results.Stat `json:"low"`      // lower end of the price band
	High     results.Stat `json:"high"`     // upper end of the price band
}

// theoryClearings is how many clearings of a random job stream are sampled.
const theoryClearings = 2000

// NewTheory computes the theory of sc. Random job streams are sampled from
// a stream derived from the scenario's seed, so the result is reproducible.
func NewTheory(sc *Scenario) *Theory {
	th := &Theory{Scenario: sc.Name, DemandRatio: sc.demandRatio()}
	if eq, ok := sc.closedForm(); ok {
		for _, e := range eq {
			jb := JobBand{Volume: e.job.Volume, Distance: int(e.job.Distance), Value: e.job.Value,
				Cost: e.cost, Reservation: e.reserve, Trades: e.efficient, Low: e.cost, High: e.reserve}
			if !e.efficient {
				jb.Low, jb.High = math.NaN(), math.NaN()
			}
			th.ClosedForm = append(th.ClosedForm, jb)
		}
	} else {
		th.ClosedFormNote = closedFormNote(sc)
	}

	gen := sc.generator()
	fixed := sc.fixedJobs()
	rng := stream(derive(sc.Seed, 0xe9), 0, roleJobs)
	n := theoryClearings
	if fixed != nil {
		n = 1 // every clearing of a fixed stream is the same
	}
	carriers := make([]*agents.Carrier, len(sc.Carriers))
	capacity := 0
	minRate := math.Inf(1)
	for i, c := range sc.Carriers {
		carriers[i] = &agents.Carrier{Capacity: c.Capacity, CostRate: c.CostRate}
		capacity += c.Capacity
		minRate = math.Min(minRate, c.CostRate)
	}
	var broker market.Broker
	var surplus, qty, low, high []float64
	var costSum, resSum float64
	var worth int
	jobs := make([]agents.Job, 0, 16)
	for range n {
		jobs = jobs[:0]
		if fixed != nil {
			jobs = append(jobs, fixed...)
		} else {
			for range gen.Arrivals.Draw(rng) {
				var j agents.Job
				gen.Fill(rng, &j)
				jobs = append(jobs, j)
			}
		}
		var values, costs []float64
		var volumes []int
		var demand []market.Step
		for i := range jobs {
			j := &jobs[i]
			j.Reserve = j.Value + sc.Shippers[min(j.Shipper, len(sc.Shippers)-1)].Penalty*float64(j.Volume)
			cost := math.Inf(1)
			for _, c := range carriers {
				cost = math.Min(cost, c.Cost(j))
			}
			values, costs, volumes = append(values, j.Reserve), append(costs, cost), append(volumes, j.Volume)
			if j.Reserve > cost {
				costSum += cost
				resSum += j.Reserve
				worth++
			}
			if cost > 0 {
				demand = append(demand, market.Step{Price: j.Reserve / cost, Qty: j.Volume})
			}
		}
		surplus = append(surplus, broker.MaxSurplus(values, costs, volumes, capacity))
		var supply []market.Step
		for _, c := range carriers {
			if c.Capacity > 0 && minRate > 0 {
				supply = append(supply, market.Step{Price: c.CostRate / minRate, Qty: c.Capacity})
			}
		}
		ce := market.CompetitiveEquilibrium(demand, supply)
		qty = append(qty, float64(ce.Quantity))
		low = append(low, ce.Low)
		high = append(high, ce.High)
	}
	th.Clearings = n
	th.Surplus = results.Summarize(surplus)
	th.Competitive = Competitive{
		Unit:     "price per unit of transport cost",
		Quantity: results.Summarize(qty),
		Low:      results.Summarize(finiteOnly(low)),
		High:     results.Summarize(finiteOnly(high)),
	}
	th.Band = Band{Low: math.NaN(), High: math.NaN()}
	if worth > 0 {
		th.Band = Band{Low: costSum / float64(worth), High: resSum / float64(worth)}
	}
	return th
}

// finiteOnly drops infinite band ends (a clearing where one side has nothing to trade).
func finiteOnly(xs []float64) []float64 {
	out := xs[:0:0]
	for _, x := range xs {
		if !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// demandRatio is the expected volume arriving per epoch over the capacity
// offered per epoch.
func (sc *Scenario) demandRatio() float64 {
	var demand float64
	if len(sc.Jobs.Fixed) > 0 {
		for _, f := range sc.Jobs.Fixed {
			demand += float64(f.Volume)
		}
	} else {
		gen := sc.generator()
		demand = gen.MeanVolume()
	}
	capacity := 0
	for _, c := range sc.Carriers {
		capacity += c.Capacity
	}
	if capacity == 0 {
		return math.Inf(1)
	}
	return demand / float64(capacity)
}

// closedFormNote says why a scenario has no closed-form equilibrium here.
func closedFormNote(sc *Scenario) string {
	switch {
	case len(sc.Jobs.Fixed) == 0:
		return "the job stream is random: no closed form; the equilibrium is measured by best-response search"
	case len(sc.Shippers) != 1 || len(sc.Carriers) != 1:
		return "the closed form here covers one shipper and one carrier"
	case sc.Market.Tie != "max-volume":
		return "with the strict tie rule a bid equal to the ask does not trade, so bid = ask = p is not an equilibrium"
	default:
		return "jobs can wait (due > 0) or capacity binds: the equilibrium is not the per-job band"
	}
}
