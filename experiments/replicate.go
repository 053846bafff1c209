package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
)

// replicate is one independent run of a scenario: its agents, its world and
// what it measured.
type replicate struct {
	sc      *Scenario
	index   int
	seed    uint64 // ReplicateSeed(sc.Seed, index)
	x       *agents.Exchange
	w       *world
	learner *agents.Gaussian // shipper 0's policy, reported as sigma and theta_i; may be nil
	obs     observer

	rows     [][]float64 // one per evaluation point: metric values
	epochs   []int64     // the training episode of each row
	episodes [][]float64 // one per training episode: EpisodeColumns
	events   uint64
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
	gen := sc.generator()
	x := &agents.Exchange{
		Broker:    &market.Broker{Tie: tie, Price: market.PriceRule{Kind: kind, K: sc.Market.K}},
		P2Running: sc.P2Compat,
	}
	for _, s := range sc.Shippers {
		st, err := sc.strategy(s.Strategy, agents.P2FeaturesFor(&gen))
		if err != nil {
			return nil, err
		}
		if g, ok := st.(*agents.Gaussian); ok && r.learner == nil {
			r.learner = g
		}
		x.Shippers = append(x.Shippers, &agents.Shipper{HoldingCost: s.HoldingCost, Penalty: s.Penalty, Strategy: st})
	}
	for _, c := range sc.Carriers {
		st, err := sc.strategy(c.Strategy, nil)
		if err != nil {
			return nil, err
		}
		x.Carriers = append(x.Carriers, &agents.Carrier{Capacity: c.Capacity, CostRate: c.CostRate, FixedCost: c.FixedCost, Strategy: st})
	}
	r.x = x
	r.obs.x = x
	r.obs.replicate = int64(index)
	x.Observer = &r.obs
	r.w = newWorld(x, gen, !sc.P2Compat)
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

func (sc *Scenario) strategy(st Strategy, f agents.Features) (agents.Strategy, error) {
	switch {
	case st.Kind == "learn" && f != nil:
		rule := policy.Reinforce{AlphaMu: st.AlphaMu, AlphaSigma: st.AlphaSigma, Compat: sc.P2Compat, MinSigma: st.MinSigma}
		return agents.NewGaussian(f, st.Sigma, rule), nil
	case st.Kind == "truthful" && f != nil:
		return agents.TruthfulBid{}, nil
	case st.Kind == "truthful":
		return agents.TruthfulAsk{}, nil
	}
	return nil, fmt.Errorf("strategy %q is not available here", st.Kind)
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
			if err := r.evaluate(ep); err != nil {
				return fmt.Errorf("replicate %d, evaluation after episode %d: %w", r.index, ep, err)
			}
		}
		if tick != nil {
			tick()
		}
	}
	return nil
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
	if r.learner == nil {
		return math.NaN()
	}
	return r.learner.Policy.Sigma
}

// evaluate runs the evaluation episodes without learning and records a row.
func (r *replicate) evaluate(ep int) error {
	r.x.Learning = false
	r.obs.eval = true
	r.obs.trainEp = int64(ep)
	r.obs.ev.Reset()
	for k := range r.sc.Evaluation.Episodes {
		r.obs.evalEp = int64(k)
		r.events += r.w.episode(r.sc.Evaluation.Horizon)
		if err := r.x.EndEpisode(); err != nil {
			return err
		}
	}
	ev := &r.obs.ev
	row := []float64{ev.AvgBiddingCost(), ev.CostPerJob(), ev.ShipShare(), ev.Utilization(),
		ev.MeanWinningBid(), ev.MeanTransportCost(), r.sigma()}
	if r.learner != nil {
		row = append(row, r.learner.Policy.Theta...)
	}
	r.rows = append(r.rows, row)
	r.epochs = append(r.epochs, int64(ep))
	return nil
}
