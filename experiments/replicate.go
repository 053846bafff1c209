package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
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
	measured  time.Duration // time spent in the equilibrium measurement
	shipProbe []float64     // where sigma() reads the shipper's sigma
}

// newReplicate builds replicate index of sc; custom holds the planners'
// strategies that kind custom names (at most one map).
func newReplicate(sc *scenario.Config, index int, custom ...map[string]StrategyFunc) (*replicate, error) {
	r := &replicate{sc: sc, index: index, seed: seed.Replicate(sc.Seed, index)}
	tie, kind := market.TieStrict, market.PayAsBid // unused by a continuous double auction
	if sc.Market.Clearing == "knapsack" {
		var err error
		if tie, err = market.ParseTie(sc.Market.Tie); err != nil {
			return nil, err
		}
		if kind, err = market.ParsePriceKind(sc.Market.Price); err != nil {
			return nil, err
		}
	}
	x := &agents.Exchange{
		Broker:    &market.Broker{Tie: tie, Price: market.PriceRule{Kind: kind, K: sc.Market.K}},
		P2Running: sc.P2Compat,
	}
	var strategies map[string]StrategyFunc
	if len(custom) > 0 {
		strategies = custom[0]
	}
	for i, s := range sc.Shippers {
		st, err := buildStrategy(sc, s.Strategy, Agent{Index: i, Replicate: index, Rand: seed.Stream(r.seed, seed.PhaseInit, seed.RoleShipper+uint64(i)), Scales: sc.Scales()}, strategies)
		if err != nil {
			return nil, fmt.Errorf("shippers[%d].strategy: %w", i, err)
		}
		if g, ok := st.(agents.Described); ok && r.shipLearner == nil {
			r.shipLearner = g
		}
		x.Shippers = append(x.Shippers, &agents.Shipper{HoldingCost: s.HoldingCost, Penalty: s.Penalty, Strategy: st})
	}
	for i, c := range sc.Carriers {
		st, err := buildStrategy(sc, c.Strategy, Agent{Carrier: true, Index: i, Replicate: index, Rand: seed.Stream(r.seed, seed.PhaseInit, seed.RoleCarrier+uint64(i)), Scales: sc.Scales()}, strategies)
		if err != nil {
			return nil, fmt.Errorf("carriers[%d].strategy: %w", i, err)
		}
		if g, ok := st.(agents.Described); ok && r.carLearner == nil {
			r.carLearner = g
		}
		x.Carriers = append(x.Carriers, &agents.Carrier{Index: i, Capacity: sc.Capacities()[i], CostRate: c.CostRate, FixedCost: c.FixedCost, Strategy: st})
	}
	r.x = x
	r.obs.x = x
	r.obs.replicate = int64(index)
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
			}
			break
		}
	}
	if sc.Market.Clearing == "cda" {
		price, err := market.ParseTradePrice(sc.Market.Price)
		if err != nil {
			return nil, err
		}
		r.w.cda, r.w.quotes = agents.NewCDA(x, price), sc.Market.Quotes
	}
	return r, nil
}

// Agent describes, to a StrategyFunc, the agent whose strategy it builds.
type Agent struct {
	Carrier   bool          // a carrier (asks), else a shipper (bids)
	Index     int           // its place among the scenario's carriers or shippers
	Replicate int           // the replicate it belongs to
	Rand      *rand.Rand    // a stream of its own, derived from (seed, replicate, agent), for initialisation
	Scales    agents.Scales // the scenario's feature scales (see agents.NewFeatureSet)
}

// StrategyFunc builds a planner's own strategy for one agent of one
// replicate: strategy kind custom with name N uses Options.Strategies[N].
type StrategyFunc func(a Agent) (agents.Strategy, error)

// buildStrategy builds an agent's strategy.
func buildStrategy(sc *scenario.Config, st scenario.Strategy, a Agent, custom map[string]StrategyFunc) (agents.Strategy, error) {
	switch st.Kind {
	case "learn":
		f, err := sc.Features(st)
		if err != nil {
			return nil, err
		}
		l, err := learner(sc, st, f, a.Rand)
		if err != nil || st.Start != "truthful" {
			return l, err
		}
		// Start from truthful quotes: the weight of the reservation (a
		// shipper) or the cost (a carrier) is the price scale, so the mean
		// quote is that feature's value in money.
		want := "reservation"
		if a.Carrier {
			want = "cost"
		}
		fs, ok := f.(*agents.FeatureSet)
		d, dok := l.(agents.Described)
		if ok && dok && d.Weights() != nil {
			if i := slices.Index(fs.Names(), want); i >= 0 {
				d.Weights()[i] = sc.Scales().Money
			}
		}
		return l, nil
	case "truthful":
		if a.Carrier {
			return agents.TruthfulAsk{}, nil
		}
		return agents.TruthfulBid{}, nil
	case "markup":
		m := &agents.Markup{Carrier: a.Carrier, Rate: st.Markup}
		return m, m.Validate()
	case "linear":
		f, err := agents.NewFeatureSet(st.Features, sc.Scales())
		if err != nil {
			return nil, err
		}
		return agents.NewLinear(f, st.Weights)
	case "zi-c":
		z := &agents.ZIC{Carrier: a.Carrier, Floor: st.Floor, Cap: st.Cap}
		return z, z.Validate()
	case "zip":
		p := agents.ZIPParams{Carrier: a.Carrier, Beta: st.ZIP.Beta, Gamma: st.ZIP.Gamma, Margin: st.ZIP.Margin,
			CR: st.ZIP.CR, CA: st.ZIP.CA, UseLast: st.ZIP.UseLast}
		return agents.NewZIP(p, a.Rand)
	case "custom":
		f, ok := custom[st.Name]
		if !ok {
			names := make([]string, 0, len(custom))
			for n := range custom {
				names = append(names, n)
			}
			slices.Sort(names)
			return nil, fmt.Errorf("no custom strategy %q was given to the run (Options.Strategies has %v)", st.Name, names)
		}
		return f(a)
	}
	return nil, fmt.Errorf("strategy %q is not available", st.Kind)
}

// learner builds a learning strategy on features f.
func learner(sc *scenario.Config, st scenario.Strategy, f agents.Features, rng *rand.Rand) (agents.Strategy, error) {
	if st.Policy == "p2" {
		rule := policy.Reinforce{AlphaMu: st.AlphaMu, AlphaSigma: st.AlphaSigma, Compat: sc.P2Compat, MinSigma: st.MinSigma}
		g := agents.NewGaussian(f, st.Sigma, rule)
		g.Policy.Theta[0] = st.Offset
		g.Risk = policy.Utility{Lambda: st.Risk}
		return g, nil
	}
	var p policy.Gaussian
	switch st.Policy {
	case "linear":
		lg := policy.NewLinearGaussian(f.Dim(), st.Sigma, st.StateSigma)
		lg.MinSigma = st.MinSigma
		lg.SetMeanOffset(st.Offset)
		p = lg
	case "mlp":
		mg := policy.NewMLPGaussian(rng, f.Dim(), st.Hidden, st.Sigma, st.StateSigma)
		mg.MinSigma = st.MinSigma
		mg.SetMeanOffset(st.Offset)
		p = mg
	default:
		return nil, fmt.Errorf("policy %q is not available", st.Policy)
	}
	rule := policy.PG{
		Normalize: st.Normalize,
		Entropy:   st.Entropy,
		ClipNorm:  st.Clip,
		Utility:   policy.Utility{Lambda: st.Risk},
	}
	switch st.Optimizer {
	case "sgd":
		rule.Opt = policy.SGD{LR: st.LR}
	default:
		rule.Opt = &policy.Adam{LR: st.LR}
	}
	if err := rule.Baseline.UnmarshalText([]byte(st.Baseline)); err != nil {
		return nil, err
	}
	if rule.Baseline == policy.BaselineCritic {
		if st.Critic == "mlp" {
			rule.Critic = policy.NewMLPCritic(rng, f.Dim(), st.Hidden)
		} else {
			rule.Critic = policy.NewLinearCritic(f.Dim())
		}
	}
	l := agents.NewPGLearner(f, p, rule)
	if err := l.Rule.Validate(); err != nil {
		return nil, err
	}
	return l, nil
}

// streams are the random streams of one phase: training, or one evaluation point.
type streams struct {
	jobs     *rand.Rand
	traders  *rand.Rand // who quotes next in a continuous double auction
	shippers []*rand.Rand
	carriers []*rand.Rand
}

func (r *replicate) streams(phase uint64) streams {
	s := streams{jobs: seed.Stream(r.seed, phase, seed.RoleJobs), traders: seed.Stream(r.seed, phase, seed.RoleTraders)}
	for i := range r.x.Shippers {
		s.shippers = append(s.shippers, seed.Stream(r.seed, phase, seed.RoleShipper+uint64(i)))
	}
	for i := range r.x.Carriers {
		s.carriers = append(s.carriers, seed.Stream(r.seed, phase, seed.RoleCarrier+uint64(i)))
	}
	return s
}

// use hands the streams of s to the world and the agents.
func (r *replicate) use(s streams) {
	r.w.jobs, r.w.traders = s.jobs, s.traders
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
		r.events += r.w.episode(tr.Horizon)
		shipperReward, carrierReward := r.rewards()
		if err := r.x.EndEpisode(); err != nil {
			return fmt.Errorf("replicate %d, episode %d: %w", r.index, ep, err)
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
	}
	return nil
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

// evaluate runs the evaluation episodes without learning and records a
// row; with the equilibrium measurement on, it measures at this point too if
// it is the last or measurement at every evaluation is asked for.
func (r *replicate) evaluate(ep int, point uint64, last bool) error {
	r.x.Learning = false
	r.obs.eval = true
	r.obs.trainEp = int64(ep)
	r.obs.ev.Reset()
	for k := range r.sc.Evaluation.Episodes {
		r.obs.evalEp = int64(k)
		r.events += r.w.episode(r.sc.Evaluation.Horizon)
		r.obs.endEvaluationEpisode()
		if err := r.x.EndEpisode(); err != nil {
			return err
		}
	}
	row := r.evalRow()
	if eq := r.sc.Equilibrium; eq.Enabled {
		m := measurement{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		if last || eq.AtEvaluations {
			start := time.Now()
			m = r.measure(point)
			r.measured += time.Since(start)
		}
		row = append(row, m.row()...)
	}
	r.rows = append(r.rows, row)
	r.epochs = append(r.epochs, int64(ep))
	return nil
}
