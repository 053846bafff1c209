package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/results"
)

// replicate is one independent run of a scenario: its agents, its world and
// what it measured.
type replicate struct {
	sc          *scenario.Config
	index       int
	seed        uint64 // seed.Replicate(sc.Seed, index)
	x           *agents.Exchange
	w           *world
	shipLearner agents.Described // the first learning shipper, reported as sigma and theta_i; may be nil
	carLearner  agents.Described // the first learning carrier, reported as sigma_carrier and ask_theta_i; may be nil
	obs         observer

	rows      [][]float64 // one per evaluation point: metric values
	epochs    []int64     // the training episode of each row
	episodes  [][]float64 // one per training episode: EpisodeColumns
	events    uint64
	measured  time.Duration            // time spent in the equilibrium measurement
	measuring func()                   // Options.Measuring; may be nil
	untrained bool                     // Options.Untrained: evaluated as configured, no training episode
	final     *equilibrium.Measurement // the measurement after the last training episode, when it ran
	shipProbe []float64                // where sigma() reads the shipper's sigma

	lanes    *results.Table // a network's lane rows (lanes.csv); nil in a one-hub market
	netStats laneStats

	shipMove, carMove *mover // how far the first learners' quotes move between evaluation points
	// large is the theory of the m x m market when the scenario is one
	// (equilibrium.LargeForm), nil otherwise: computed once, at the first
	// evaluation, and shared by the run's replicates (runReplicate).
	large   func() *equilibrium.Large
	stop    stopper  // training.stop
	stopped *Stopped // set when training stopped early
}

// newReplicate builds replicate index of sc; custom holds the planners'
// strategies that kind custom names (at most one map).
func newReplicate(sc *scenario.Config, index int, custom ...map[string]StrategyFunc) (*replicate, error) {
	r := &replicate{sc: sc, index: index, seed: seed.Replicate(sc.Seed, index)}
	r.large = sync.OnceValue(func() *equilibrium.Large { l, _ := equilibrium.LargeForm(sc); return l })
	kind, _ := sc.Market.Price.Knapsack() // unused by a continuous double auction
	x := &agents.Exchange{
		Broker:     &market.Broker{Tie: sc.Market.Tie.Rule(), Price: market.PriceRule{Kind: kind, K: sc.Market.K}},
		P2Running:  sc.P2Compat,
		Candidates: sc.Market.Candidates,
	}
	var strategies map[string]StrategyFunc
	if len(custom) > 0 {
		strategies = custom[0]
	}
	var shared agents.Strategy // the learner of the shippers whose strategy says share
	for i, s := range sc.Shippers {
		st, err := shared, error(nil)
		if !s.Strategy.Share || shared == nil {
			st, err = buildStrategy(sc, s.Strategy, Agent{Index: i, Replicate: index, Rand: seed.Stream(r.seed, seed.PhaseInit, seed.RoleShipper+uint64(i)), Scales: sc.ScalesFor(s.Strategy)}, strategies)
		}
		if err != nil {
			return nil, fmt.Errorf("shippers[%d].strategy: %w", i, err)
		}
		if s.Strategy.Share {
			shared = st
		}
		if g, ok := st.(agents.Described); ok && r.shipLearner == nil {
			r.shipLearner = g
		}
		x.Shippers = append(x.Shippers, &agents.Shipper{HoldingCost: s.HoldingCost, Penalty: s.Penalty, Strategy: st})
	}
	shared = nil
	var open *clearings // the open clearings of the carriers sharing a learner (see oneAsk)
	for i, c := range sc.Carriers {
		st, err := shared, error(nil)
		if !c.Strategy.Share || shared == nil {
			st, err = buildStrategy(sc, c.Strategy, Agent{Carrier: true, Index: i, Replicate: index, Rand: seed.Stream(r.seed, seed.PhaseInit, seed.RoleCarrier+uint64(i)), Scales: sc.ScalesFor(c.Strategy)}, strategies)
		}
		if err != nil {
			return nil, fmt.Errorf("carriers[%d].strategy: %w", i, err)
		}
		if c.Strategy.Share {
			shared = st
		}
		if d, ok := st.(agents.Described); ok && c.CostDraw == scenario.CostDrawRound {
			o := &oneAsk{Described: d, open: new(clearings)}
			if c.Strategy.Share {
				if open == nil {
					open = o.open
				}
				o.open = open
			}
			st = o
		}
		if g, ok := st.(agents.Described); ok && r.carLearner == nil {
			r.carLearner = g
		}
		x.Carriers = append(x.Carriers, &agents.Carrier{Index: i, Capacity: sc.Capacities()[i], CostRate: c.CostRate, FixedCost: c.FixedCost, Strategy: st})
	}
	r.shipMove, r.carMove = newMover(r.shipLearner), newMover(r.carLearner)
	r.stop.rule = sc.Training.Stop
	r.x = x
	r.obs.x = x
	r.obs.replicate = int64(index)
	r.obs.perClearing = oneClearingEach(sc)
	if hasMisreport(sc) {
		r.obs.misreport = new(misreports)
	}
	x.Observer = &r.obs
	schedules := make([]scenario.Schedule, len(sc.Carriers))
	for i, c := range sc.Carriers {
		schedules[i] = c.Schedule
	}
	r.w = newWorld(x, sc.Generator(), sc.FixedJobs(), !sc.P2Compat, &r.obs, schedules)
	for _, c := range sc.Carriers {
		if c.CostFactor.Set() {
			r.w.costs = make([]agents.Sampler, len(sc.Carriers))
			for i, c := range sc.Carriers {
				r.w.costs[i] = scenario.SamplerOf(c.CostFactor)
				if c.CostDraw == scenario.CostDrawRound {
					if r.w.perRound == nil {
						r.w.perRound, r.w.round = make([]bool, len(sc.Carriers)), make([]float64, len(sc.Carriers))
					}
					r.w.perRound[i] = true
				}
			}
			break
		}
	}
	if sc.IsNetwork() {
		r.w.net = newNetwork(sc, r.w, x)
	}
	if sc.Market.Clearing == scenario.CDA {
		price, _ := sc.Market.Price.Auction()
		r.w.cda, r.w.quotes = agents.NewCDA(x, price), sc.Market.Quotes
	}
	r.w.kern = newKernel(sc, r.w, x, &r.obs)
	return r, nil
}

// streams are the random streams of one phase: training, or one evaluation point.
type streams struct {
	jobs     *rand.Rand
	jobsSrc  *agents.PCG // jobs' generator
	shipper0 *agents.PCG // shippers[0]'s
	traders  *rand.Rand  // who quotes next in a continuous double auction
	shippers []*rand.Rand
	carriers []*rand.Rand
}

func (r *replicate) streams(phase uint64) streams {
	// The job stream and the first shipper's on a PCG that the kernel
	// draws from directly (the same draws as seed.Stream's).
	jobs := agents.NewPCG(seed.Seeds(r.seed, phase, seed.RoleJobs))
	s := streams{jobs: rand.New(jobs), jobsSrc: jobs, traders: seed.Stream(r.seed, phase, seed.RoleTraders)}
	for i := range r.x.Shippers {
		if i == 0 {
			s.shipper0 = agents.NewPCG(seed.Seeds(r.seed, phase, seed.RoleShipper))
			s.shippers = append(s.shippers, rand.New(s.shipper0))
			continue
		}
		s.shippers = append(s.shippers, seed.Stream(r.seed, phase, seed.RoleShipper+uint64(i)))
	}
	for i := range r.x.Carriers {
		s.carriers = append(s.carriers, seed.Stream(r.seed, phase, seed.RoleCarrier+uint64(i)))
	}
	return s
}

// use hands the streams of s to the world and the agents.
func (r *replicate) use(s streams) {
	r.w.jobs, r.w.jobsSrc, r.w.traders = s.jobs, s.jobsSrc, s.traders
	if r.w.kern != nil {
		r.w.kern.quotes = s.shipper0
	}
	for i, sh := range r.x.Shippers {
		sh.Rand = s.shippers[i]
	}
	for i, c := range r.x.Carriers {
		c.Rand = s.carriers[i]
	}
}

// run trains for episodes 0..Training.Episodes, evaluating after episode 0,
// every Evaluation.Every episodes and after the last. scenario.Training and each
// evaluation point draw from their own streams, so how often a run is
// evaluated does not change its training. tick is called after every
// training episode.
func (r *replicate) run(ctx context.Context, tick func()) error {
	if r.untrained {
		r.use(r.streams(seed.PhaseEvalOne))
		if err := r.evaluate(0, 0, true); err != nil {
			return fmt.Errorf("replicate %d, evaluation without training: %w", r.index, err)
		}
		return nil
	}
	tr := r.sc.Training
	train := r.streams(seed.PhaseTrain)
	evals := uint64(0)
	for ep := 0; ep <= tr.Episodes; ep++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.use(train)
		r.x.Learning = true
		r.obs.eval = false
		r.obs.episode.Reset()
		r.events += r.trainEpisode(tr.Horizon)
		shipperReward, carrierReward := r.rewards()
		if err := r.x.EndEpisode(); err != nil {
			return fmt.Errorf("replicate %d, episode %d: %w", r.index, ep, err)
		}
		if r.w.net != nil && r.w.net.err != nil {
			return fmt.Errorf("replicate %d, episode %d: learned reposition: %w", r.index, ep, r.w.net.err)
		}
		e := &r.obs.episode
		r.episodes = append(r.episodes, []float64{shipperReward, carrierReward,
			e.MeanBid(), e.MeanAsk(), e.MeanPrice(), e.ShipShare(), e.Utilization(), r.sigma()})
		if ep%r.sc.Evaluation.Every == 0 || ep == tr.Episodes {
			r.use(r.streams(seed.PhaseEvalOne + evals))
			evals++
			if err := r.evaluate(ep, evals-1, ep == tr.Episodes); err != nil {
				return fmt.Errorf("replicate %d, evaluation after episode %d: %w", r.index, ep, err)
			}
		}
		if tick != nil {
			tick()
		}
		if r.stopped != nil {
			break
		}
	}
	return nil
}

// trainEpisode runs a training episode of epochs 0..horizon and returns
// the events handled: on the kernel where the market is one it supports
// and the observer is attached, on the world otherwise.
func (r *replicate) trainEpisode(horizon int) uint64 {
	if r.w.kern != nil && r.x.Observer == agents.Observer(&r.obs) {
		return r.w.kern.episode(horizon)
	}
	return r.w.episode(horizon)
}

// evalRow is the evaluation's row of evaluations.csv, in the order of evalColumns.
func (r *replicate) evalRow() []float64 {
	ev := &r.obs.ev
	sigmaCarrier := sigmaOf(r.carLearner)
	row := []float64{
		ev.AvgBiddingCost(), ev.CostPerJob(), ev.ShipShare(), ev.Utilization(),
		ev.MeanWinningBid(), ev.MeanTransportCost(), r.sigma(),
		ev.Efficiency(), ev.Surplus(), ev.ShipperShare(), ev.Jain(),
		ev.MeanBid(), ev.MeanAsk(), ev.MeanPrice(), ev.PricePerCost(), ev.PriceVolatility(), sigmaCarrier,
	}
	if r.shipLearner != nil {
		row = append(row, r.shipLearner.Weights()...)
	}
	if r.carLearner != nil {
		row = append(row, r.carLearner.Weights()...)
	}
	if r.obs.misreport != nil {
		row = append(row, r.obs.misreport.metrics()...)
	}
	return row
}

// sigmaOf is a learner's standard deviation: the one global value, or for a
// state-dependent sigma its value at the all-zero feature vector but for
// the bias (the typical state is not defined in general); NaN without a learner.
func sigmaOf(l agents.Described) float64 {
	if l == nil {
		return math.NaN()
	}
	return sigmaAt(l, sigmaProbe(l))
}

// sigmaProbe is the feature vector sigmaOf reads a learner's sigma at.
func sigmaProbe(l agents.Described) []float64 {
	phi := make([]float64, l.FeatureMap().Dim())
	phi[0] = 1
	return phi
}

func sigmaAt(l agents.Described, phi []float64) float64 {
	if l == nil {
		return math.NaN()
	}
	return l.SigmaAt(phi)
}

// rewards returns the total rewards of the shippers and of the carriers in the episode.
func (r *replicate) rewards() (shippers, carriers float64) {
	for _, s := range r.x.Shippers {
		shippers += s.Reward
	}
	for _, c := range r.x.Carriers {
		carriers += c.Reward
	}
	return shippers, carriers
}

// sigma is the first learning shipper's standard deviation, or NaN.
func (r *replicate) sigma() float64 {
	if r.shipProbe == nil && r.shipLearner != nil {
		r.shipProbe = sigmaProbe(r.shipLearner)
	}
	return sigmaAt(r.shipLearner, r.shipProbe)
}

// oneClearingEach reports whether every job of sc has exactly one
// clearing, the same as every job that arrived since the clearing before:
// no job can wait (due 0), every carrier departs on one schedule, the
// knapsack broker clears in one hub. The efficient benchmark is then taken
// clearing by clearing (observer.benchmark).
func oneClearingEach(sc *scenario.Config) bool {
	if sc.IsNetwork() || sc.Market.Clearing != scenario.Knapsack || len(sc.Carriers) == 0 {
		return false
	}
	if len(sc.Jobs.Fixed) > 0 {
		for _, j := range sc.Jobs.Fixed {
			if j.Due != 0 {
				return false
			}
		}
	} else if sc.Jobs.Due.Max != 0 {
		return false
	}
	for _, c := range sc.Carriers {
		if c.Schedule != sc.Carriers[0].Schedule {
			return false
		}
	}
	return true
}

// closedFormDistance is the distance of the profile to the nearest
// equilibrium where the scenario's equilibria are known in closed form
// (one shipper, one carrier) or it is the m x m market (its linear
// equilibrium, equilibrium.Large), NaN elsewhere.
func (r *replicate) closedFormDistance() float64 {
	if l := r.large(); l != nil {
		shippers := make([]agents.Strategy, len(r.x.Shippers))
		for i, s := range r.x.Shippers {
			shippers[i] = s.Strategy
		}
		return l.Distance(r.sc, shippers, r.x.Carriers)
	}
	if len(r.x.Shippers) != 1 || len(r.x.Carriers) != 1 {
		return math.NaN()
	}
	return equilibrium.ClosedFormDistance(r.sc, r.x.Shippers[0].Strategy, r.x.Carriers[0].Strategy, r.x.Carriers[0])
}

// evaluate runs the evaluation episodes without learning and records a
// row; with the equilibrium measurement on, it measures at this point too if
// it is the last or measurement at every evaluation is asked for.
func (r *replicate) evaluate(ep int, point uint64, last bool) error {
	r.x.Learning = false
	r.obs.eval = true
	r.obs.trainEp = int64(ep)
	r.obs.ev.Reset()
	if r.obs.misreport != nil {
		*r.obs.misreport = misreports{}
	}
	if r.w.net != nil {
		r.netStats.reset(len(r.sc.Network.Lanes))
		r.w.net.stats = &r.netStats
		defer func() { r.w.net.stats = nil }()
	}
	for k := range r.sc.Evaluation.Episodes {
		r.obs.evalEp = int64(k)
		r.events += r.w.episode(r.sc.Evaluation.Horizon)
		r.obs.endEvaluationEpisode()
		if err := r.x.EndEpisode(); err != nil {
			return err
		}
	}
	row := r.evalRow()
	if r.w.net != nil {
		r.w.net.stats = nil // the equilibrium measurement's episodes are not counted
	}
	nan := math.NaN()
	moveS, moveC := nan, nan
	if hasConvergence(r.sc) {
		moveS, moveC = r.shipMove.move(), r.carMove.move()
	}
	var why string
	end := last // the last training episode: no early stop to note
	if r.stop.rule.Gap == 0 {
		// A rule on movement alone decides before the measurement, which
		// then runs as after the last episode.
		if why = r.stop.check(nan, moveS, moveC); why != "" {
			last = true
		}
	}
	if eq := r.sc.Equilibrium; eq.Enabled {
		m := equilibrium.Undefined()
		if last || eq.AtEvaluations {
			if r.measuring != nil {
				r.measuring()
			}
			start := time.Now()
			g, err := newGame(r)
			if err != nil {
				return err
			}
			m = equilibrium.Measure(g, r.sc, point, r.closedFormDistance())
			r.measured += time.Since(start)
			if last {
				r.final = &m
			}
		}
		row = append(row, m.Row()...)
		if r.stop.rule.Gap > 0 {
			if why = r.stop.check(m.NashConv/m.Surplus, moveS, moveC); why != "" {
				r.final = &m
			}
		}
	}
	if hasConvergence(r.sc) {
		row = append(row, moveS, moveC)
	}
	if why != "" && !end {
		r.stopped = &Stopped{Replicate: r.index, Episode: ep, Reason: why}
	}
	if r.w.net != nil {
		row = append(row, r.netStats.metrics(r.sc.Evaluation.Episodes)...)
		if r.lanes == nil {
			r.lanes = newLanesTable()
		}
		r.netStats.rows(r.lanes, r.sc, int64(r.index), int64(ep))
	}
	r.rows = append(r.rows, row)
	r.epochs = append(r.epochs, int64(ep))
	return nil
}
