package experiments

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

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
	case scenario.KindLearn:
		f, err := sc.Features(st)
		if err != nil {
			return nil, err
		}
		scales := sc.ScalesFor(st)
		// A learner whose money is measured from an origin starts
		// quoting it: its bias weight (the offset) is moved by as much.
		st.Offset += scales.Origin
		l, err := learner(sc, st, f, a.Rand)
		if err != nil || st.Start != scenario.StartTruthful {
			return l, err
		}
		// Start from truthful quotes: the weight of the reservation (a
		// shipper) or the cost (a carrier) is the price scale (less the
		// origin, which the bias weight quotes), so the mean quote is that
		// feature's value in money.
		want := "reservation"
		if a.Carrier {
			want = "cost"
		}
		fs, ok := f.(*agents.FeatureSet)
		d, dok := l.(agents.Described)
		if ok && dok && d.Weights() != nil {
			if i := slices.Index(fs.Names(), want); i >= 0 {
				d.Weights()[i] = scales.Money - scales.Origin
			}
		}
		return l, nil
	case scenario.KindTruthful:
		if a.Carrier {
			return agents.TruthfulAsk{}, nil
		}
		return agents.TruthfulBid{}, nil
	case scenario.KindMarkup:
		m := &agents.Markup{Carrier: a.Carrier, Rate: st.Markup}
		return m, m.Validate()
	case scenario.KindLinear:
		f, err := agents.NewFeatureSet(st.Features, sc.ScalesFor(st))
		if err != nil {
			return nil, err
		}
		return agents.NewLinear(f, st.Weights)
	case scenario.KindZIC:
		z := &agents.ZIC{Carrier: a.Carrier, Floor: st.Floor, Cap: st.Cap}
		return z, z.Validate()
	case scenario.KindZIP:
		p := agents.ZIPParams{Carrier: a.Carrier, Beta: st.ZIP.Beta, Gamma: st.ZIP.Gamma, Margin: st.ZIP.Margin,
			CR: st.ZIP.CR, CA: st.ZIP.CA, UseLast: st.ZIP.UseLast}
		return agents.NewZIP(p, a.Rand)
	case scenario.KindCustom:
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
	switch st.Rule(sc.P2Compat) {
	case scenario.LearnerNatural:
		return naturalLearner(st, f, rng)
	case scenario.LearnerPPO:
		return ppoLearner(st, f, rng, sc.Training.Episodes)
	}
	if st.Policy == scenario.PolicyP2 {
		rule := policy.Reinforce{AlphaMu: st.AlphaMu, AlphaSigma: st.AlphaSigma, Compat: sc.P2Compat, MinSigma: st.MinSigma}
		g := agents.NewGaussian(f, st.Sigma, rule)
		g.Policy.Theta[0] = st.Offset
		g.Risk = policy.Utility{Lambda: st.Risk}
		return g, nil
	}
	var p policy.Gaussian
	switch st.Policy {
	case scenario.PolicyLinear:
		lg := policy.NewLinearGaussian(f.Dim(), st.Sigma, st.StateSigma)
		lg.MinSigma = st.MinSigma
		lg.SetMeanOffset(st.Offset)
		p = lg
	case scenario.PolicyMLP:
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
	case scenario.SGD:
		rule.Opt = policy.SGD{LR: st.LR}
	default:
		rule.Opt = &policy.Adam{LR: st.LR}
	}
	rule.Baseline = st.Baseline.Kind()
	if rule.Baseline == policy.BaselineCritic {
		if st.Critic == scenario.CriticMLP {
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

// Unrunnable lists, as located problems, the agents of sc whose strategy
// kind custom names no strategy of custom: a run of sc would fail at its
// first replicate, so a caller checks it before writing anything.
func Unrunnable(sc *scenario.Config, custom map[string]StrategyFunc) config.Problems {
	var ps config.Problems
	check := func(p string, st scenario.Strategy) {
		if st.Kind != scenario.KindCustom {
			return
		}
		if _, ok := custom[st.Name]; !ok {
			ps = append(ps, config.Problem{Field: p + ".kind", Msg: fmt.Sprintf(
				"custom (named %q) runs only from a Go program that gives experiments.Run the strategy of that name (Options.Strategies); the command line has none: want learn, truthful, markup, linear, zi-c or zip", st.Name)})
		}
	}
	for i, s := range sc.Shippers {
		check(fmt.Sprintf("shippers[%d].strategy", i), s.Strategy)
	}
	for i, c := range sc.Carriers {
		check(fmt.Sprintf("carriers[%d].strategy", i), c.Strategy)
	}
	return ps
}

// naturalLearner builds the default learner: a linear (or, with policy
// mlp, neural) Gaussian policy trained by policy.Natural with a linear
// critic (or, with baseline group, the mean return per remaining due) as
// its baseline, sigma floored at Strategy.SigmaFloor.
func naturalLearner(st scenario.Strategy, f agents.Features, rng *rand.Rand) (agents.Strategy, error) {
	var p policy.DistGrader
	if st.Policy == scenario.PolicyMLP {
		mg := policy.NewMLPGaussian(rng, f.Dim(), st.Hidden, st.Sigma, st.StateSigma)
		mg.MinSigma = st.SigmaFloor()
		mg.SetMeanOffset(st.Offset)
		p = mg
	} else {
		lg := policy.NewLinearGaussian(f.Dim(), st.Sigma, st.StateSigma)
		lg.MinSigma = st.SigmaFloor()
		lg.SetMeanOffset(st.Offset)
		p = lg
	}
	rule := &policy.Natural{Policy: p, Step: st.Natural.Step, Halving: st.Natural.Halving, Full: st.Natural.Full,
		Anneal: policy.Anneal{Sigma: st.Natural.AnnealSigma, Updates: st.Natural.AnnealUpdates}}
	if st.Baseline != scenario.BaselineGroup {
		rule.Critic = policy.NewLinearCritic(f.Dim())
	}
	if err := rule.Validate(); err != nil {
		return nil, err
	}
	l := agents.NewTrained(f, p, rule)
	l.Risk = policy.Utility{Lambda: st.Risk}
	return l, nil
}

// ppoLearner builds a learner of the PPO family (package policy/ppo) for
// a training of episodes+1 updates (episodes 0..episodes).
func ppoLearner(st scenario.Strategy, f agents.Features, rng *rand.Rand, episodes int) (agents.Strategy, error) {
	o := st.PPO
	cfg := ppo.Config{Hidden: o.Hidden, Sigma0: st.Sigma, MinSigma: st.SigmaFloor(), MaxSigma: o.MaxSigma,
		Clip: o.Clip, Epochs: o.Epochs, Minibatch: o.Minibatch, Episodes: o.Episodes, LR: o.LR, CriticLR: o.CriticLR,
		Lambda: o.Lambda, Entropy: o.Entropy, TargetKL: o.TargetKL, Linear: o.Linear, Ridge: o.Ridge, StateSigma: o.StateSigma}
	if o.AnnealLR && o.Episodes > 0 {
		cfg.Anneal = (episodes + o.Episodes) / o.Episodes // ceil((episodes+1)/o.Episodes) batches
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rule := ppo.New(rng, f.Dim(), cfg)
	rule.Policy.SetMeanOffset(st.Offset)
	l := agents.NewTrained(f, rule.Policy, rule)
	l.Risk = policy.Utility{Lambda: st.Risk}
	return l, nil
}

// oneAsk makes a learning carrier a seller of one unit with one ask per
// clearing, as in the m x m market of Rustichini, Satterthwaite and
// Williams (1994): it is used for carriers whose cost factor is drawn once
// per round (carriers[].cost_draw: round), whose cost, features and
// policy are then the same for every job of a clearing. The learner is
// asked for every job, as usual, so that each job's record holds the
// decision and the reward of that job; but the first ask of the clearing is
// the one quoted for every job, and recorded as every job's action. Without
// it a carrier would quote each job with noise of its own, and the broker,
// taking its lowest ask, would reward low draws for their own sake: the
// learned asks of low-cost carriers then fall without bound (measured on
// the large-market preset at m = 16: the ask's slope in cost went from
// 0.06 to 7.8 in 200 episodes).
//
// The learner learns the clearing's ask once, as one decision whose return
// is the sum of the returns of the jobs' records (Learn merges them): the
// carrier's gain falls on the one action it took. Handed the m records of a
// clearing of m jobs as m decisions with the same action (one of them
// holding the gain, the others 0), the default learner, which divides its
// advantages by their standard deviation over decisions, stepped sqrt(m)
// times shorter for a carrier than for a buyer: at m = 16, 2000 episodes
// left the carriers' ask at 0.14 + 0.76 c with the buyers' bid at
// -0.02 + 1.02 v, where the game is symmetric (docs/EXPERIMENTS.md, "Large
// markets").
type oneAsk struct {
	agents.Described
	left int     // jobs still to quote in the current clearing
	ask  float64 // the clearing's ask
	id   int     // the current clearing's number
	tied bool    // whether its ask ties an open clearing's
	open *clearings
	buf  agents.Record
	ret  []float64
}

// clearings are the clearings whose records are not all learned yet, shared
// by the carriers sharing a learner. A record's decision is matched to its
// clearing by its action, the clearing's ask; a clearing whose ask ties an
// open clearing's (sigma 0, or a float tie) is found by number instead:
// its records' decisions are listed in tied. Among the open clearings with
// one ask, at most one is not listed (the first of them), so the match is
// exact, and the asks that never tie cost nothing more.
type clearings struct {
	list []merge
	n    int              // clearings numbered so far
	tied map[decision]int // the clearing of each decision of a tied clearing not yet learned
}

// decision is a record's i-th decision.
type decision struct {
	rec *agents.Record
	i   int
}

// reset forgets every open clearing.
func (c *clearings) reset() {
	c.list = c.list[:0]
	clear(c.tied)
}

// merge is one clearing's decision, with the sum of the returns of the
// records learned so far and how many of its jobs' records are still to
// come.
type merge struct {
	phi              []float64
	ask, mean, sigma float64
	group, left, id  int
	ret              float64
	tied             bool // its decisions are listed in clearings.tied
}

// Quote returns the clearing's one ask: the learner's quote for the
// clearing's first job (a carrier quotes each waiting job once per
// clearing, v.Waiting of them).
func (o *oneAsk) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	n := len(rec.Action)
	a := o.Described.Quote(rng, j, v, rec)
	first := o.left <= 0
	if first {
		o.left, o.ask = v.Waiting, a
		o.open.n++
		o.id, o.tied = o.open.n, slices.ContainsFunc(o.open.list, func(m merge) bool { return m.ask == a })
	}
	o.left--
	if len(rec.Action) > n {
		i := len(rec.Action) - 1
		rec.Action[i] = o.ask
		if first {
			o.open.list = append(o.open.list, merge{phi: slices.Clone(rec.Features(i)), ask: o.ask, mean: rec.Mean[i],
				sigma: rec.Sigma[i], group: rec.Group[i], left: v.Waiting, id: o.id, tied: o.tied})
		}
		if o.tied {
			if o.open.tied == nil {
				o.open.tied = make(map[decision]int)
			}
			o.open.tied[decision{rec, i}] = o.id
		}
	}
	return o.ask
}

// Learn adds the return of each of rec's decisions to its clearing's, and
// hands the learner each clearing whose jobs' records are all learned as
// one decision.
func (o *oneAsk) Learn(rec *agents.Record) {
	o.ret = rec.Returns(o.ret)
	for i, a := range rec.Action {
		open := o.open.list
		match := func(m merge) bool { return !m.tied && m.ask == a }
		if id, ok := o.open.tied[decision{rec, i}]; ok {
			delete(o.open.tied, decision{rec, i})
			match = func(m merge) bool { return m.id == id }
		}
		k := slices.IndexFunc(open, match)
		if k < 0 {
			continue // a clearing already handed on (an episode's end)
		}
		m := &open[k]
		m.ret += o.ret[i]
		if m.left--; m.left <= 0 {
			o.hand(*m)
			o.open.list = slices.Delete(open, k, k+1)
		}
	}
}

// hand gives the learner clearing m as a record of one decision.
func (o *oneAsk) hand(m merge) {
	o.buf.Reset()
	o.buf.Decide(m.phi, m.ask, m.mean, m.sigma, m.group)
	o.buf.Pay(m.ret)
	o.Described.Learn(&o.buf)
}

// Update hands the learner the clearings still open (their jobs' records
// that were not learned add nothing), then applies its update.
func (o *oneAsk) Update() error {
	for _, m := range o.open.list {
		o.hand(m)
	}
	o.open.reset()
	return o.Described.Update()
}

// Unwrap is the learner, which carriers that share it share: the exchange
// updates it once.
func (o *oneAsk) Unwrap() agents.Learner { return o.Described }

// Discard drops the open clearings and the learner's batch.
func (o *oneAsk) Discard() {
	o.open.reset()
	if d, ok := o.Described.(interface{ Discard() }); ok {
		d.Discard()
	}
}
