package experiments

import (
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/results"
)

// observer turns exchange events into measurements: per-episode training
// statistics, evaluation metrics and, when asked, a record of every trade in
// the evaluation episodes.
type observer struct {
	x    *agents.Exchange
	eval bool // evaluating (else training)

	episode results.Episode
	ev      results.Evaluation
	returns []float64

	bench          market.Broker // the efficient benchmark's solver, apart from the exchange's broker
	arrivedValues  []float64     // this evaluation episode's arrivals: reservations,
	arrivedVolumes []int         // volumes,
	arrivedCosts   [][]float64   // and each carrier's costs (with segments, of its segment's jobs only)
	arrivedSegment []int         // with segments: each arrival's segment
	segJobs        [][]int       // with segments, scratch: each segment's arrivals
	segValues      []float64     // scratch: one segment's reservations
	segVolumes     []int         // and volumes
	offered        []int         // capacity each carrier offered since the benchmark last counted it
	benchStats     Benchmark     // how the episodes' benchmarks were computed
	// perClearing: no job can wait and every carrier departs on one
	// schedule, so the benchmark is taken clearing by clearing (see
	// benchmark); episodeBench sums the episode's clearings'.
	perClearing  bool
	episodeBench market.Surplus
	benchCleared int // clearings summed in episodeBench

	misreport *misreports // nil unless the market has misreport columns

	trades    *results.Table // nil unless trades are recorded
	replicate int64
	trainEp   int64 // training episode of the evaluation point
	evalEp    int64 // evaluation episode within the point
}

// Arrived keeps an evaluation episode's arrivals (their reservation,
// volume and every carrier's cost) for the efficient benchmark. It keeps
// nothing while the observer is detached from the exchange (during the
// equilibrium search), whose episodes no evaluation counts.
func (o *observer) Arrived(jobs []*agents.Job) {
	if !o.eval || o.x.Observer != agents.Observer(o) {
		return
	}
	for len(o.arrivedCosts) < len(o.x.Carriers) {
		o.arrivedCosts = append(o.arrivedCosts, nil)
	}
	if o.perClearing && o.cleared() {
		o.benchmarkClearing() // the jobs before these had their clearing
	}
	segments := o.x.Segments() > 1
	for _, j := range jobs {
		o.arrivedValues = append(o.arrivedValues, j.Reserve)
		o.arrivedVolumes = append(o.arrivedVolumes, j.Volume)
		s, lo, hi := o.x.Segment(j)
		if segments {
			o.arrivedSegment = append(o.arrivedSegment, s)
		}
		for c := lo; c < hi; c++ {
			o.arrivedCosts[c] = append(o.arrivedCosts[c], o.x.Carriers[c].Cost(j))
		}
	}
}

// Departed counts a carrier's departure in an evaluation episode: the
// capacity the benchmark may allocate.
func (o *observer) departed(c, capacity int) {
	for len(o.offered) <= c {
		o.offered = append(o.offered, 0)
	}
	o.offered[c] += capacity
}

// benchmark adds the episode's efficient gains from trade to the
// evaluation and forgets the episode's arrivals. The benchmark relaxes
// timing: it is the most total reservation minus cost that any allocation
// of the episode's jobs to each carrier's capacity over the whole episode
// could reach, ignoring when jobs arrive, when they are due and when
// carriers depart. So it bounds what any feasible allocation reaches:
// efficiency is at most 1 (up to the assignment heuristic's gap with
// several carriers and more than 24 jobs, measured at 0.1 % on average). It
// is exact where capacity never binds, and loose where queues form.
//
// Where no job can wait (due 0) and every carrier departs on one schedule
// (perClearing), each job has exactly one clearing, with the jobs that
// arrived since the one before, and the benchmark is exact: the sum over
// clearings of the most gains of that clearing's jobs against the capacity
// departing at it (benchmarkClearing). Relaxing timing there let one
// carrier's cheap rounds serve other rounds' jobs: in large-market (m = 4,
// capacity 1 a round) truthful traders measured efficiency 0.67.
func (o *observer) benchmark() {
	if o.perClearing {
		o.benchmarkClearing()
		if o.benchCleared > 0 {
			o.benchStats.add(o.episodeBench)
			o.ev.AddBenchmark(o.episodeBench.Lower)
		}
		o.episodeBench, o.benchCleared = market.Surplus{}, 0
		return
	}
	sp, ok := o.surplus()
	if ok {
		o.benchStats.add(sp)
		o.ev.AddBenchmark(sp.Lower)
	}
	o.forget()
}

// cleared reports whether any carrier offered capacity since the benchmark
// last counted it.
func (o *observer) cleared() bool {
	for _, c := range o.offered {
		if c > 0 {
			return true
		}
	}
	return false
}

// benchmarkClearing adds the most gains of the arrivals kept so far against
// the capacity offered since to the episode's benchmark, and forgets both.
func (o *observer) benchmarkClearing() {
	if sp, ok := o.surplus(); ok {
		e := &o.episodeBench
		if o.benchCleared == 0 {
			*e = sp
		} else {
			e.Lower += sp.Lower
			e.Upper += sp.Upper
			e.Exact = e.Exact && sp.Exact
			e.Method = max(e.Method, sp.Method)
		}
		o.benchCleared++
	}
	o.forget()
}

// surplus is the efficient benchmark of the arrivals kept against the
// capacity offered; false when nothing arrived.
func (o *observer) surplus() (market.Surplus, bool) {
	if len(o.arrivedValues) == 0 {
		return market.Surplus{}, false
	}
	caps := make([]int, len(o.x.Carriers))
	for c := range caps {
		if c < len(o.offered) {
			caps[c] = o.offered[c]
		}
	}
	costs := o.arrivedCosts[:len(o.x.Carriers)]
	if g := o.x.Segments(); g > 1 {
		return o.segmentedSurplus(g, costs, caps), true
	}
	return o.bench.EfficientSurplus(o.arrivedValues, costs, o.arrivedVolumes, caps), true
}

// forget forgets the arrivals kept and the capacity offered.
func (o *observer) forget() {
	o.arrivedValues, o.arrivedVolumes, o.arrivedSegment = o.arrivedValues[:0], o.arrivedVolumes[:0], o.arrivedSegment[:0]
	for c := range o.arrivedCosts {
		o.arrivedCosts[c] = o.arrivedCosts[c][:0]
	}
	clear(o.offered)
}

// segmentedSurplus is the efficient benchmark of a market of g segments
// (agents.Exchange.Candidates): the sum of its segments' benchmarks, each
// over its own jobs and carriers, in order of segment. It is exact when
// every segment's is, and computed by bounds when any segment's is.
func (o *observer) segmentedSurplus(g int, costs [][]float64, caps []int) market.Surplus {
	for len(o.segJobs) < g {
		o.segJobs = append(o.segJobs, nil)
	}
	for s := range g {
		o.segJobs[s] = o.segJobs[s][:0]
	}
	for i, s := range o.arrivedSegment {
		o.segJobs[s] = append(o.segJobs[s], i)
	}
	total := market.Surplus{Exact: true}
	m := o.x.Candidates
	for s := range g {
		o.segValues, o.segVolumes = o.segValues[:0], o.segVolumes[:0]
		for _, i := range o.segJobs[s] {
			o.segValues = append(o.segValues, o.arrivedValues[i])
			o.segVolumes = append(o.segVolumes, o.arrivedVolumes[i])
		}
		lo, hi := s*m, min((s+1)*m, len(caps))
		sp := o.bench.EfficientSurplus(o.segValues, costs[lo:hi], o.segVolumes, caps[lo:hi])
		total.Lower += sp.Lower
		total.Upper += sp.Upper
		total.Exact = total.Exact && sp.Exact
		total.Method = max(total.Method, sp.Method)
	}
	return total
}

// Quoted counts the quotes of a clearing, each made trucks times: one by
// one for one truck, as sums times trucks for several (a network hub of
// many trucks), where the sums differ from one by one's in the last bits.
func (o *observer) Quoted(orders []market.Order, trucks int) {
	if trucks == 1 && o.eval {
		for _, ord := range orders {
			o.ev.AddQuote(ord.Bid, ord.Ask)
		}
		return
	}
	if trucks == 1 {
		for _, ord := range orders {
			o.episode.AddQuote(ord.Bid, ord.Ask)
		}
		return
	}
	var bids, asks float64
	for _, ord := range orders {
		bids += ord.Bid
		asks += ord.Ask
	}
	w := float64(trucks)
	if !o.eval {
		o.episode.AddQuotes(trucks*len(orders), w*bids, w*asks)
	} else {
		o.ev.AddQuotes(trucks*len(orders), w*bids, w*asks)
	}
}

func (o *observer) Cleared(now float64, c, capacity int, orders []market.Order, cl *market.Clearing) {
	waiting := o.x.Waiting()
	car := o.x.Carriers[c]
	if !o.eval {
		o.episode.AddClearing(capacity, cl.Volume)
		for k := range cl.Selected {
			o.episode.AddTrade(cl.Pay[k])
		}
		return
	}
	o.ev.AddClearing(capacity, cl.Volume)
	o.departed(c, capacity)
	o.ev.AddKept(cl.Kept)
	for k, i := range cl.Selected {
		j := waiting[i]
		o.ev.AddTrade(orders[i].Bid, cl.Pay[k], car.Cost(j))
		if o.misreport != nil {
			o.misreport.add(j, orders[i].Bid, orders[i].Ask, car.Cost(j), o.x.CarrierRecord(j, c))
		}
		if o.trades != nil {
			o.trades.Append(
				[]int64{o.replicate, o.trainEp, o.evalEp, int64(math.Floor(now)), j.ID, int64(c)},
				[]float64{float64(j.Volume), j.Distance, orders[i].Bid, orders[i].Ask, cl.Pay[k], cl.Receive[k], car.Cost(j)})
		}
	}
}

func (o *observer) Finished(j *agents.Job, shipped bool, _ int) {
	if !o.eval {
		o.episode.AddJob()
		return
	}
	o.ev.AddJob(j.Ship.Total, shipped)
	penalty := o.x.Shippers[j.Shipper].Penalty * float64(j.Volume)
	o.ev.AddShipperGain(j.Shipper, j.Ship.Total+penalty)
	o.returns = j.Ship.Returns(o.returns)
	for i, g := range o.returns {
		o.ev.AddDecision(j.Ship.Group[i], g)
	}
}

// endEvaluationEpisode adds the carriers' episode rewards to their gains;
// call it before the exchange's EndEpisode clears them.
func (o *observer) endEvaluationEpisode() {
	for i, c := range o.x.Carriers {
		o.ev.AddCarrierGain(i, c.Reward)
	}
	o.benchmark()
	o.ev.EndEpisode()
}

// Benchmark counts how the efficient benchmarks of evaluation episodes were
// computed (market.Broker.EfficientSurplus): exactly, or as bounds where the
// episode is too large, and the largest relative gap between the bounds.
type Benchmark struct {
	Episodes int     `json:"episodes"`
	Exact    int     `json:"exact"`
	Bounds   int     `json:"bounds"`           // beyond the exact methods: a feasible allocation and an upper bound
	MaxGap   float64 `json:"max_relative_gap"` // (upper - lower) / lower, largest over the episodes
}

func (b *Benchmark) add(s market.Surplus) {
	b.Episodes++
	if s.Exact {
		b.Exact++
	}
	if s.Method == market.SurplusBounds {
		b.Bounds++
	}
	if s.Lower > 0 {
		b.MaxGap = math.Max(b.MaxGap, s.Gap()/s.Lower)
	}
}

// Add adds o's counts to b.
func (b *Benchmark) Add(o Benchmark) {
	b.Episodes += o.Episodes
	b.Exact += o.Exact
	b.Bounds += o.Bounds
	b.MaxGap = math.Max(b.MaxGap, o.MaxGap)
}
