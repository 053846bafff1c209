package equilibrium

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
)

// Theory is what economic theory says about a scenario's market, before
// anyone learns anything: the benchmarks that learned markets are measured
// against. `freightsim equilibrium` prints it and every run writes it to
// theory.json, so that figures can be drawn from the run's files alone.
type Theory struct {
	Scenario string `json:"scenario"`

	// ClosedForm lists, for a fixed job stream whose Nash equilibria are
	// known in closed form (see closedForm), each job's
	// equilibrium set: bid = ask = p with Low <= p <= High if it trades;
	// no trade (bid <= ask) otherwise. Empty when there is no closed form,
	// and ClosedFormNote says why.
	ClosedForm     []JobBand `json:"closed_form,omitempty"`
	ClosedFormNote string    `json:"closed_form_note,omitempty"`

	// Bilateral is the bilateral trading game's closed form (Chatterjee
	// and Samuelson 1983), when the scenario is that game.
	Bilateral *Bilateral `json:"bilateral,omitempty"`

	// Large is the m x m market's linear equilibrium (Rustichini,
	// Satterthwaite and Williams 1994), in closed form or computed, when
	// the scenario is that market and not the bilateral game above.
	Large *Large `json:"large_market,omitempty"`

	// Band is the mean equilibrium price band of a job worth shipping:
	// [mean cost, mean reservation] over the jobs an efficient assignment
	// ships (each at its assigned carrier's cost), in money per job: the
	// band that mean bids and asks are drawn against.
	Band Band `json:"band"`

	// Competitive is the competitive (Walrasian) equilibrium of each
	// clearing's arrivals: carriers supply their capacity at cost, each job
	// demands its volume at its reservation. For alike jobs (a homogeneous
	// good) prices are in money per volume unit; otherwise per unit of
	// transport cost at the cheapest carrier's rate (supply at 1, or a
	// dearer carrier's rate relative to it; demand at reservation / cost).
	// Summarised over Clearings sampled clearings.
	Competitive Competitive `json:"competitive"`

	// Surplus is the efficient gains from trade of a clearing's arrivals
	// (the largest total reservation minus cost of a set that fits the
	// capacity), summarised over the sampled clearings.
	Surplus   results.Stat `json:"efficient_surplus_per_clearing"`
	Clearings int          `json:"clearings_sampled"`
	// Precision is the half-width of Surplus's 95 % interval relative to its
	// mean: sampling stops once it is at most 5 %, or after 2,000
	// clearings (0 for a fixed stream, whose every clearing is the same).
	Precision float64 `json:"surplus_ci95_relative"`
	// Segments is the number of segments of the market (market.candidates:
	// each job is quoted by its segment's carriers only), when above 1.
	// Each sampled clearing is then one segment's part of a clearing, the
	// segments taken in turn, its jobs those whose ID falls in the segment
	// as in a run (IDs counted on from one sampled clearing to the next,
	// as within an episode): Surplus and Competitive.Quantity are Segments times the
	// segment's (an unbiased sample of the whole market's clearing), the
	// price band and Band are the segment's own. Sampling a segment costs
	// the same whatever the market's size.
	Segments int `json:"segments,omitempty"`

	// DemandRatio is the expected volume arriving per epoch over the
	// capacity offered per epoch: > 1 freight-driven, < 1 capacity-driven.
	DemandRatio float64 `json:"demand_ratio"`

	// References are published figures the scenario reproduces, by metric:
	// drawn as reference lines in its figures.
	References map[string]Reference `json:"references,omitempty"`

	// Corridors is, for a network, the competitive equilibrium of each pair
	// of hubs with lanes both ways, as an isolated two-hub corridor (see
	// Corridor); NetworkNote says what theory gives for the network as a
	// whole. A network has no one-hub band, competitive equilibrium or
	// surplus: Band is undefined and Clearings 0.
	Corridors   []Corridor `json:"corridors,omitempty"`
	NetworkNote string     `json:"network_note,omitempty"`
}

// Reference is a published figure of a metric, drawn as a line in the
// metric's figures.
type Reference struct {
	Value float64 `json:"value"`
	Label string  `json:"label"` // legend text; "reference <value>" when empty
}

// ChartReferences are the references as the figures take them.
func (th *Theory) ChartReferences() map[string]chart.Reference {
	if th.References == nil {
		return nil
	}
	out := make(map[string]chart.Reference, len(th.References))
	for name, r := range th.References {
		out[name] = chart.Reference{Value: r.Value, Label: r.Label}
	}
	return out
}

// Corridor is the competitive equilibrium of a two-hub corridor with
// unbalanced flows (MODEL section 8, "Backhaul"). Trucks cycle between the
// hubs; the strong direction has more freight than the weak one, so every
// truck that carries a head-haul must come back, and only the weak flow's
// share of them comes back loaded. With trucks supplied at cost in the long
// run (free entry), the marginal truck goes loaded and returns empty, so:
// the back-haul price falls to the carrier's marginal cost of a loaded over
// an empty return, BackHaul = c_weak - e_weak (a truck at the weak end
// returns anyway: carrying costs it only the difference), and the head-haul
// price carries the rest of the round trip, HeadHaul = c_strong + e_weak.
// c is the loaded cost of the volume (cost_rate * volume * distance), e
// the empty running cost of the truck capacity it takes (empty_cost_rate *
// distance * volume / capacity); both at the carrier with the lowest
// cost_rate. Prices are per volume unit, and per unit of the lane's
// transport cost c (PerCost). With a fixed fleet too small for the strong
// flow (Scarce) the head-haul price is bid above HeadHaul, up to the
// shippers' reservation: a scarcity rent on the fleet (HeadHaulHigh). The
// empty-kilometre share with full trucks is (F_strong - F_weak) /
// (2 F_strong) of the trips, F the flows carried (EmptyShare, at the flows
// the fleet can carry). With equal flows (Balanced) no truck returns empty;
// any prices that together cover the loaded round trip are competitive, and
// the figures take each lane at its loaded cost.
type Corridor struct {
	Strong       string  `json:"strong"`           // the strong lane, "from->to"
	Weak         string  `json:"weak"`             // the weak lane
	StrongFlow   float64 `json:"strong_flow"`      // expected volume per epoch
	WeakFlow     float64 `json:"weak_flow"`        // expected volume per epoch
	Throughput   float64 `json:"fleet_throughput"` // volume per epoch the fleet can carry on the strong lane: capacity / round-trip time
	Scarce       bool    `json:"scarce"`           // the fleet cannot carry the strong flow
	Balanced     bool    `json:"balanced"`         // equal flows: no empty return; the prices split the round trip, each at its loaded cost here
	LoadedStrong float64 `json:"loaded_cost"`      // c per volume unit on the strong lane
	LoadedWeak   float64 `json:"loaded_cost_weak"` // c per volume unit on the weak lane
	EmptyWeak    float64 `json:"empty_cost_weak"`  // e per volume unit of capacity on the weak lane
	BackHaul     float64 `json:"back_haul"`        // c_weak - e_weak per volume unit
	HeadHaul     float64 `json:"head_haul"`        // c_strong + e_weak per volume unit
	HeadHaulHigh float64 `json:"head_haul_high"`   // with a scarce fleet: the largest reservation per volume unit on the strong lane
	BackPerCost  float64 `json:"back_haul_per_cost"`
	HeadPerCost  float64 `json:"head_haul_per_cost"`
	EmptyShare   float64 `json:"empty_share"`
}

// networkNote says what theory gives for a network beyond its corridors.
const networkNote = "each corridor is priced as if isolated; in a general network trucks cycle " +
	"through more than two hubs, and the competitive prices are the dual prices of the fleet's " +
	"min-cost circulation (a price per lane equal to its loaded cost plus the difference of the " +
	"values of a truck at its two ends), which needs the whole network's flows and is not computed " +
	"here; theory gives no learned prices, and with a fixed, scarce fleet only a band"

// corridors computes the corridor theory of every pair of hubs of a
// network with lanes both ways and demand on at least one.
func corridors(sc *scenario.Config) []Corridor {
	nw := &sc.Network
	flow := func(a, b int) (f, resMax float64) {
		for k, d := range nw.Demand {
			if nw.HubIndex(d.From) == a && nw.HubIndex(d.To) == b {
				v := agents.IntRange(sc.ODVolume(k))
				f += agents.IntRange(d.Arrivals).Mean() * v.Mean()
			}
		}
		// The largest reservation per volume unit: penalty + value/volume,
		// at most penalty + the largest value.
		var pen float64
		for _, sh := range sc.Shippers {
			pen = max(pen, sh.Penalty)
		}
		if sc.Jobs.Value.Set() {
			pen += sc.Jobs.Value.Upper()
		}
		return f, pen
	}
	// The cheapest carrier, and the fleet.
	best := 0
	var fleet float64
	caps := sc.Capacities()
	for i, c := range sc.Carriers {
		if c.CostRate < sc.Carriers[best].CostRate {
			best = i
		}
		for _, f := range c.Trucks {
			fleet += float64(f.Count * caps[i])
		}
	}
	car := sc.Carriers[best]
	var out []Corridor
	for a := range nw.Hubs {
		for b := a + 1; b < len(nw.Hubs); b++ {
			ab, ba := nw.LaneIndex(a, b), nw.LaneIndex(b, a)
			if ab < 0 || ba < 0 {
				continue
			}
			fab, rab := flow(a, b)
			fba, rba := flow(b, a)
			if fab == 0 && fba == 0 {
				continue
			}
			s, w, fs, fw, rs := ab, ba, fab, fba, rab
			if fba > fab {
				s, w, fs, fw, rs = ba, ab, fba, fab, rba
			}
			ls, lw := nw.Lanes[s], nw.Lanes[w]
			cor := Corridor{
				Strong: ls.From + "->" + ls.To, Weak: lw.From + "->" + lw.To,
				StrongFlow: fs, WeakFlow: fw,
				Throughput:   fleet / (ls.Time + lw.Time),
				LoadedStrong: car.CostRate * ls.Distance,
				LoadedWeak:   car.CostRate * lw.Distance,
				EmptyWeak:    car.EmptyCostRate * lw.Distance / float64(max(caps[best], 1)),
			}
			cor.Scarce = cor.Throughput < fs
			cor.Balanced = fs == fw
			cor.BackHaul = cor.LoadedWeak - cor.EmptyWeak
			cor.HeadHaul = cor.LoadedStrong + cor.EmptyWeak
			if cor.Balanced {
				// Every truck comes back loaded: the two prices need only
				// cover the loaded round trip, and free entry leaves no
				// reason to split it other than by the lanes' costs.
				cor.BackHaul, cor.HeadHaul = cor.LoadedWeak, cor.LoadedStrong
			}
			cor.HeadHaulHigh = cor.HeadHaul
			if cor.Scarce {
				cor.HeadHaulHigh = max(cor.HeadHaul, rs)
			}
			cor.BackPerCost, cor.HeadPerCost = cor.BackHaul/cor.LoadedWeak, cor.HeadHaul/cor.LoadedStrong
			carried := min(fs, cor.Throughput)
			if carried > 0 {
				cor.EmptyShare = max(0, carried-fw) / (2 * carried)
			}
			out = append(out, cor)
		}
	}
	return out
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
	Quantity results.Stat `json:"quantity"` // volume traded, over all sampled clearings
	Low      results.Stat `json:"low"`      // lower end of the price band, over the clearings where something trades and both ends are finite
	High     results.Stat `json:"high"`     // upper end of the price band, over the same clearings
}

// How many clearings of a random job stream are sampled: batches of
// theoryBatch, from theoryMin, until the 95 % interval of the mean efficient
// surplus per clearing is within theoryPrecision of it (5 %: a clearing's
// surplus varies a lot, so 1 % would take about 40,000 clearings of the
// P2 stream), or theoryMax.
const (
	theoryBatch     = 100
	theoryMin       = 200
	theoryMax       = 2000
	theoryPrecision = 0.05
)

// NewTheory computes the theory of sc. Random job streams are sampled from
// a stream derived from the scenario's seed, so the result is reproducible.
func NewTheory(sc *scenario.Config) *Theory {
	th := &Theory{Scenario: sc.Name, DemandRatio: sc.DemandCapacityRatio()}
	if scenario.IsPreset(sc, scenario.DefaultPreset) {
		// MODEL section 7: the author's code, seeds 0-3, after 4000 episodes.
		th.References = map[string]Reference{
			"avg_bidding_cost": {Value: -48.3, Label: "author's code, seeds 0-3: -48.3"},
		}
	}
	if eq, ok := closedForm(sc); ok {
		for _, e := range eq {
			jb := JobBand{Volume: e.job.Volume, Distance: int(e.job.Distance), Value: e.job.Value,
				Cost: e.cost, Reservation: e.reserve, Trades: e.efficient, Low: e.cost, High: e.reserve}
			if !e.efficient {
				jb.Low, jb.High = math.NaN(), math.NaN()
			}
			th.ClosedForm = append(th.ClosedForm, jb)
		}
	} else if bf, ok := bilateralForm(sc); ok {
		th.Bilateral = bf
	} else if l, why, ok := largeForm(sc); ok {
		th.Large = l
	} else if why != "" && bilateralNote(sc) == "" { // the bilateral game's own note says more
		th.ClosedFormNote = why
	} else {
		th.ClosedFormNote = closedFormNote(sc)
	}
	if sc.IsNetwork() {
		th.Corridors, th.NetworkNote = corridors(sc), networkNote
		th.Band = Band{Low: math.NaN(), High: math.NaN()}
		nan := results.Summarize(nil)
		th.Surplus, th.Competitive = nan, Competitive{Unit: "none: see corridors", Quantity: nan, Low: nan, High: nan}
		return th
	}

	gen := sc.Generator()
	fixed := sc.FixedJobs()
	rng := seed.Stream(seed.Derive(sc.Seed, 0xe9), 0, seed.RoleJobs)
	n := theoryMax
	if fixed != nil {
		n = 1 // every clearing of a fixed stream is the same (with segments, each segment's once)
	}
	// Per epoch, a carrier offers its capacity once per period: the theory is
	// of a clearing of one epoch's arrivals against one epoch's capacity. A
	// carrier with a private cost factor draws it for every sampled job, as
	// in a run, so that its cost is a distribution, not its mean.
	caps := sc.Capacities()
	carriers := make([]*agents.Carrier, len(sc.Carriers))
	minRate := math.Inf(1)
	private := false
	for i, c := range sc.Carriers {
		perEpoch := int(math.Round(float64(caps[i]) / c.Schedule.Period))
		carriers[i] = &agents.Carrier{Index: i, Capacity: perEpoch, CostRate: c.CostRate}
		minRate = math.Min(minRate, carriers[i].CostRate)
		private = private || c.CostFactor.Set()
	}
	// Alike jobs (one volume, one distance) are a homogeneous good: the
	// competitive price is in money per volume unit. Otherwise it is per
	// unit of transport cost at the cheapest carrier's rate.
	homogeneous := sc.AlikeJobs()
	th.Competitive.Unit = "price per unit of transport cost (at the cheapest carrier's rate)"
	if homogeneous {
		th.Competitive.Unit = "money per volume unit"
	}
	// With segments, a sample is one segment's clearing: its carriers, and
	// the arrivals whose ID (counted as a run counts them) falls in it.
	g := segments(sc)
	if g > 1 {
		th.Segments = g
	}
	all := carriers
	var id int64 // the next arrival's ID
	var broker market.Broker
	var surplus, qty, low, high []float64
	var costSum, resSum float64
	var worth int
	var values []float64
	var volumes []int
	var costs [][]float64
	jobs := make([]agents.Job, 0, 16)
	ptrs := make([]*agents.Job, 0, 16)
	if g > 1 {
		n = (n + g - 1) / g * g // whole rounds of the segments
	}
	precise := false
	for k := 0; k < n; k++ {
		if fixed == nil && k >= theoryMin && k%theoryBatch == 0 {
			st := results.Summarize(surplus)
			precise = precise || st.CI95High-st.Mean <= theoryPrecision*math.Abs(st.Mean)
		}
		if precise && k%g == 0 {
			break
		}
		jobs, ptrs = jobs[:0], ptrs[:0]
		seg := k % g
		if g > 1 {
			lo, hi := seg*sc.Market.Candidates, min((seg+1)*sc.Market.Candidates, len(all))
			carriers = all[lo:hi]
		}
		if fixed != nil {
			for i, f := range fixed {
				if (id+int64(i))%int64(g) == int64(seg) {
					jobs = append(jobs, f)
				}
			}
			id += int64(len(fixed))
		} else {
			arrivals := gen.Arrivals.Draw(rng)
			mine := inSegment(id, arrivals, g, seg)
			id += int64(arrivals)
			for range mine {
				var j agents.Job
				gen.Fill(rng, &j)
				for _, c := range sc.Carriers {
					if private {
						f := 1.0
						if c.CostFactor.Set() {
							f = c.CostFactor.Sample(rng)
						}
						j.CostFactors = append(j.CostFactors, f)
					}
				}
				jobs = append(jobs, j)
			}
		}
		for i := range jobs {
			j := &jobs[i]
			j.Reserve = j.Value + sc.Shippers[min(j.Shipper, len(sc.Shippers)-1)].Penalty*float64(j.Volume)
			ptrs = append(ptrs, j)
		}
		// One assignment a clearing: its spread is the efficient surplus,
		// and the jobs it ships, at their carrier's cost, make the band.
		a := efficientAssignment(&broker, ptrs, carriers, &values, &volumes, &costs)
		surplus = append(surplus, float64(g)*a.Spread)
		for i, c := range a.Carrier {
			if c >= 0 {
				costSum += costs[c][i]
				resSum += values[i]
				worth++
			}
		}

		var demand, supply []market.Step
		for _, j := range ptrs {
			unit := 1.0
			if homogeneous {
				unit = float64(j.Volume)
			} else {
				unit = minRate * float64(j.Volume) * j.Distance
			}
			if unit > 0 {
				demand = append(demand, market.Step{Price: j.Reserve / unit, Qty: j.Volume})
			}
		}
		for c, car := range carriers {
			if car.Capacity == 0 {
				continue
			}
			price := 0.0
			switch {
			case homogeneous && len(ptrs) > 0:
				price = costs[c][0] / float64(ptrs[0].Volume)
			case minRate > 0:
				price = car.CostRate / minRate
			}
			supply = append(supply, market.Step{Price: price, Qty: car.Capacity})
		}
		ce := market.CompetitiveEquilibrium(demand, supply)
		qty = append(qty, float64(g*ce.Quantity))
		if ce.Quantity > 0 && !math.IsInf(ce.Low, 0) && !math.IsInf(ce.High, 0) {
			low = append(low, ce.Low)
			high = append(high, ce.High)
		}
	}
	th.Clearings = len(surplus)
	th.Surplus = results.Summarize(surplus)
	if th.Clearings > 1 && th.Surplus.Mean != 0 {
		th.Precision = (th.Surplus.CI95High - th.Surplus.Mean) / math.Abs(th.Surplus.Mean)
	}
	th.Competitive.Quantity = results.Summarize(qty)
	th.Competitive.Low = results.Summarize(low)
	th.Competitive.High = results.Summarize(high)
	th.Band = Band{Low: math.NaN(), High: math.NaN()}
	if worth > 0 {
		th.Band = Band{Low: costSum / float64(worth), High: resSum / float64(worth)}
	}
	return th
}

// segments is the number of segments of sc's market (market.candidates, as
// agents.Exchange.Segments counts them): 1 when every carrier quotes every
// job.
func segments(sc *scenario.Config) int {
	m := sc.Market.Candidates
	if m <= 0 || m >= len(sc.Carriers) {
		return 1
	}
	return (len(sc.Carriers) + m - 1) / m
}

// inSegment is how many of n arrivals with IDs from id on fall in segment
// seg of g (ID modulo g, as agents.Exchange.Segment assigns them).
func inSegment(id int64, n, g, seg int) int {
	// IDs below x in segment seg: those congruent to seg modulo g.
	below := func(x int64) int64 {
		return (x + int64(g) - 1 - int64(seg)) / int64(g)
	}
	return int(below(id+int64(n)) - below(id))
}

// MarshalJSON writes an undefined (NaN) end as null.
func (b Band) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Low  *float64 `json:"low"`
		High *float64 `json:"high"`
	}{results.JSONNumber(b.Low), results.JSONNumber(b.High)})
}

// UnmarshalJSON reads null as NaN.
func (b *Band) UnmarshalJSON(data []byte) error {
	var w struct{ Low, High *float64 }
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*b = Band{results.FromJSONNumber(w.Low), results.FromJSONNumber(w.High)}
	return nil
}

// MarshalJSON writes the band of a job that does not trade as null.
func (j JobBand) MarshalJSON() ([]byte, error) {
	type plain JobBand
	return json.Marshal(struct {
		plain
		Low  *float64 `json:"low"`
		High *float64 `json:"high"`
	}{plain(j), results.JSONNumber(j.Low), results.JSONNumber(j.High)})
}

// efficientAssignment is the assignment of one clearing's jobs to the
// carriers' departures, each carrier offering its capacity once, that
// maximises the total reservation minus cost: Broker.Assign under the
// strict tie rule (with one carrier the exact knapsack; with several exact
// up to its search's limits, its heuristic otherwise, whose measured mean
// gap is 0.1 %). The buffers are reused, and so is the assignment's memory:
// it is valid until the next call.
func efficientAssignment(b *market.Broker, jobs []*agents.Job, carriers []*agents.Carrier, values *[]float64, volumes *[]int, costs *[][]float64) market.Assignment {
	*values, *volumes = (*values)[:0], (*volumes)[:0]
	for _, j := range jobs {
		*values = append(*values, j.Reserve)
		*volumes = append(*volumes, j.Volume)
	}
	for len(*costs) < len(carriers) {
		*costs = append(*costs, nil)
	}
	caps := make([]int, len(carriers))
	for c, car := range carriers {
		row := (*costs)[c][:0]
		for _, j := range jobs {
			row = append(row, car.Cost(j))
		}
		(*costs)[c] = row
		caps[c] = car.Capacity
	}
	b.Tie = market.TieStrict
	return b.Assign(*values, (*costs)[:len(carriers)], *volumes, caps)
}

// ReadTheory reads dir/theory.json, written with a run.
func ReadTheory(dir string) (*Theory, error) {
	b, err := os.ReadFile(filepath.Join(dir, "theory.json"))
	if err != nil {
		return nil, err
	}
	var th Theory
	if err := json.Unmarshal(b, &th); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "theory.json"), err)
	}
	return &th, nil
}

// closedFormNote says why a scenario has no closed-form equilibrium here.
func closedFormNote(sc *scenario.Config) string {
	if note := bilateralNote(sc); note != "" {
		return note
	}
	switch {
	case len(sc.Jobs.Fixed) == 0:
		if ok, why := ExactStructure(sc); !ok {
			return "the job stream is random and " + why + ": no closed form; the equilibrium is measured by best-response search"
		}
		return "the job stream is random: no closed form here (one is known for bilateral trading with the k-double price, values and costs uniform on one support, or on supports of their own where the linear profile is an equilibrium); best responses are computed exactly, job by job"
	case len(sc.Shippers) != 1 || len(sc.Carriers) != 1:
		return "the closed form here covers one shipper and one carrier"
	case sc.Market.Tie != scenario.TieMaxVolume:
		return "with the strict tie rule a bid equal to the ask does not trade, so bid = ask = p is not an equilibrium"
	default:
		return "jobs can wait (due > 0) or capacity binds: the equilibrium is not the per-job band"
	}
}
