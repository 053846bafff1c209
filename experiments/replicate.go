package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
)

// replicate is one independent run of a scenario: its agents, its world and
// what it measured.
type replicate struct {
	sc          *Scenario
	index       int
	seed        uint64 // ReplicateSeed(sc.Seed, index)
	x           *agents.Exchange
	w           *world
	shipLearner agents.Described // the first learning shipper, reported as sigma and theta_i; may be nil
	carLearner  agents.Described // the first learning carrier, reported as sigma_carrier and ask_theta_i; may be nil
	obs         observer

	rows     [][]float64 // one per evaluation point: metric values
	epochs   []int64     // the training episode of each row
	episodes [][]float64 // one per training episode: EpisodeColumns
	events   uint64
	measured time.Duration // time spent in the equilibrium measurement
}

func newReplicate(sc *Scenario, index int) (*replicate, error) {
	r := &replicate{sc: sc, index: index, seed: ReplicateSeed(sc.Seed, index)}
	tie, err := market.ParseTie(sc.Market.Tie)
	if err != nil {
		return nil, err
	}
	kind, err := market.ParsePriceKind(sc.Market.Price)
	if err != nil {
		return nil, err
	}
	x := &agents.Exchange{
		Broker:    &market.Broker{Tie: tie, Price: market.PriceRule{Kind: kind, K: sc.Market.K}},
		P2Running: sc.P2Compat,
	}
	for i, s := range sc.Shippers {
		st, err := sc.strategy(s.Strategy, false, stream(r.seed, phaseInit, roleShipper+uint64(i)))
		if err != nil {
			return nil, fmt.Errorf("shippers[%d].strategy: %w", i, err)
		}
		if g, ok := st.(agents.Described); ok && r.shipLearner == nil {
			r.shipLearner = g
		}
		x.Shippers = append(x.Shippers, &agents.Shipper{HoldingCost: s.HoldingCost, Penalty: s.Penalty, Strategy: st})
	}
	for i, c := range sc.Carriers {
		st, err := sc.strategy(c.Strategy, true, stream(r.seed, phaseInit, roleCarrier+uint64(i)))
		if err != nil {
			return nil, fmt.Errorf("carriers[%d].strategy: %w", i, err)
		}
		if g, ok := st.(agents.Described); ok && r.carLearner == nil {
			r.carLearner = g
		}
		x.Carriers = append(x.Carriers, &agents.Carrier{Capacity: c.Capacity, CostRate: c.CostRate, FixedCost: c.FixedCost, Strategy: st})
	}
	r.x = x
	r.obs.x = x
	r.obs.replicate = int64(index)
	x.Observer = &r.obs
	r.w = newWorld(x, sc.generator(), sc.fixedJobs(), !sc.P2Compat, &r.obs)
	return r, nil
}

func (sc *Scenario) generator() agents.Generator {
	j := sc.Jobs
	return agents.Generator{
		Arrivals: agents.IntRange(j.Arrivals),
		Volume:   agents.IntRange(j.Volume),
		Due:      agents.IntRange(j.Due),
		Distance: agents.IntRange(j.Distance),
		Sharing:  j.Sharing,
		Shippers: len(sc.Shippers),
	}
}

// fixedJobs returns the templates of a fixed job stream, or nil.
func (sc *Scenario) fixedJobs() []agents.Job {
	var out []agents.Job
	for _, f := range sc.Jobs.Fixed {
		out = append(out, agents.Job{Volume: f.Volume, Distance: float64(f.Distance), Due: f.Due, Due0: f.Due,
			Value: f.Value, Shipper: f.Shipper, Shares: true})
	}
	return out
}

// scales are the feature scales of the scenario's job stream and carriers.
func (sc *Scenario) scales() agents.Scales {
	j := sc.Jobs
	vmax, lmax, dmax, arrivals := j.Volume.Max, j.Distance.Max, j.Due.Max, j.Arrivals.Max
	if len(j.Fixed) > 0 {
		vmax, lmax, dmax, arrivals = 0, 0, 0, len(j.Fixed)
		for _, f := range j.Fixed {
			vmax, lmax, dmax = max(vmax, f.Volume), max(lmax, f.Distance), max(dmax, f.Due)
		}
	}
	var rate float64
	for _, c := range sc.Carriers {
		rate = max(rate, c.CostRate)
	}
	s := agents.Scales{
		Volume:   float64(max(vmax, 1)),
		Distance: float64(max(lmax, 1)),
		Due:      float64(max(dmax, 1)),
		Money:    rate * float64(vmax) * float64(lmax),
		Count:    float64(max(arrivals*(dmax+1), 1)),
	}
	if s.Money <= 0 {
		s.Money = 1
	}
	return s
}

func (sc *Scenario) features(st Strategy) (agents.Features, error) {
	if len(st.Features) == 1 && st.Features[0] == "p2" {
		gen := sc.generator()
		return agents.P2FeaturesFor(&gen), nil
	}
	return agents.NewFeatureSet(st.Features, sc.scales())
}

// strategy builds an agent's strategy; rng initialises an MLP's weights.
func (sc *Scenario) strategy(st Strategy, carrier bool, rng *rand.Rand) (agents.Strategy, error) {
	switch st.Kind {
	case "learn":
		f, err := sc.features(st)
		if err != nil {
			return nil, err
		}
		return sc.learner(st, f, rng)
	case "truthful":
		if carrier {
			return agents.TruthfulAsk{}, nil
		}
		return agents.TruthfulBid{}, nil
	}
	return nil, fmt.Errorf("strategy %q is not available", st.Kind)
}

// learner builds a learning strategy on features f.
func (sc *Scenario) learner(st Strategy, f agents.Features, rng *rand.Rand) (agents.Strategy, error) {
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
	shippers []*rand.Rand
	carriers []*rand.Rand
}

func (r *replicate) streams(phase uint64) streams {
	s := streams{jobs: stream(r.seed, phase, roleJobs)}
	for i := range r.x.Shippers {
		s.shippers = append(s.shippers, stream(r.seed, phase, roleShipper+uint64(i)))
	}
	for i := range r.x.Carriers {
		s.carriers = append(s.carriers, stream(r.seed, phase, roleCarrier+uint64(i)))
	}
	return s
}

// use hands the streams of s to the world and the agents.
func (r *replicate) use(s streams) {
	r.w.jobs = s.jobs
	for i, sh := range r.x.Shippers {
		sh.Rand = s.shippers[i]
	}
	for i, c := range r.x.Carriers {
		c.Rand = s.carriers[i]
	}
}

// run trains for episodes 0..Training.Episodes, evaluating after episode 0,
// every Evaluation.Every episodes and after the last. Training and each
// evaluation point draw from their own streams, so how often a run is
// evaluated does not change its training. tick is called after every
// training episode.
func (r *replicate) run(ctx context.Context, tick func()) error {
	tr := r.sc.Training
	train := r.streams(phaseTrain)
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
			r.use(r.streams(phaseEvalOne + evals))
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
		ev.MeanBid(), ev.MeanAsk(), ev.MeanPrice(), ev.PriceVolatility(), sigmaCarrier,
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
	phi := make([]float64, l.FeatureMap().Dim())
	phi[0] = 1
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
	return sigmaOf(r.shipLearner)
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
