package experiments

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/results"
)

// How close to a Nash equilibrium are the learned strategies?
//
// For each learning agent i (each distinct learning policy: the shippers'
// and the carriers'), every other agent's learned strategy is held fixed and
// agent i's strategy class is searched for a best response BR_i:
// deterministic-looking Gaussian policies with the agent's own features, a
// linear mean theta . phi, and the small standard deviation
// equilibrium.sigma. The search is Nelder-Mead (gonum/optimize) on the
// agent's mean episode reward over equilibrium.search_episodes episodes, the
// same episodes (common random numbers) for every candidate, started from
// the learned weights. The best candidate and the learned strategy are then
// compared on equilibrium.eval_episodes fresh episodes, again with common
// random numbers, giving gap_i = U_i(BR_i) - U_i(learned) per episode.
//
// A search finds a lower bound on the true best response, so gap_i is a
// lower bound on agent i's true gain from deviating (it can come out
// slightly negative: the learned strategy is its own best response up to
// noise). NashConv = sum_i gap_i, and NE adherence = 1 - NashConv / S,
// clipped to [0,1], with S the efficient gains from trade per measurement
// episode. The measurement's own 95 % interval over its evaluation episodes
// is reported as nash_conv_ci95 (a half-width); summary.json adds the
// interval over replicates.

// equilibriumColumns are the value columns the measurement adds to evaluations.csv.
func equilibriumColumns() []results.Metric { return results.EquilibriumMetrics() }

// learnerRole is one learning policy and the agents that use it.
type learnerRole struct {
	g        agents.Described
	carrier  bool
	agents   []int // shipper or carrier indices that use g
	strategy agents.Strategy
}

// roles lists the distinct learning policies, shippers' first.
func (r *replicate) roles() []*learnerRole {
	var out []*learnerRole
	find := func(g agents.Described) *learnerRole {
		for _, l := range out {
			if l.g == g {
				return l
			}
		}
		l := &learnerRole{g: g, strategy: g}
		out = append(out, l)
		return l
	}
	for i, s := range r.x.Shippers {
		if g, ok := s.Strategy.(agents.Described); ok {
			l := find(g)
			l.agents = append(l.agents, i)
		}
	}
	for i, c := range r.x.Carriers {
		if g, ok := c.Strategy.(agents.Described); ok {
			l := find(g)
			l.carrier = true
			l.agents = append(l.agents, i)
		}
	}
	return out
}

// utility is role l's total reward in the current episode.
func (r *replicate) utility(l *learnerRole) float64 {
	var u float64
	for _, i := range l.agents {
		if l.carrier {
			u += r.x.Carriers[i].Reward
		} else {
			u += r.x.Shippers[i].Reward
		}
	}
	return u
}

// play makes role l use strategy s (nil restores its learned policy).
func (r *replicate) play(l *learnerRole, s agents.Strategy) {
	if s == nil {
		s = l.strategy
	}
	for _, i := range l.agents {
		if l.carrier {
			r.x.Carriers[i].Strategy = s
		} else {
			r.x.Shippers[i].Strategy = s
		}
	}
}

func eqPhase(point uint64, fresh bool, episode int) uint64 {
	p := uint64(seed.PhaseMeasure) | point<<20 | uint64(episode)
	if fresh {
		p |= 1 << 19
	}
	return p
}

// playEpisodes runs n measurement episodes of evaluation point `point` without
// learning and returns, per episode, each role's utility.
func (r *replicate) playEpisodes(point uint64, fresh bool, n int, roles []*learnerRole, u [][]float64) [][]float64 {
	u = u[:0]
	for e := range n {
		r.use(r.streams(eqPhase(point, fresh, e)))
		r.events += r.w.episode(r.sc.Equilibrium.Horizon)
		if r.x.Observer != nil {
			r.obs.endEvaluationEpisode()
		}
		row := make([]float64, len(roles))
		for k, l := range roles {
			row[k] = r.utility(l)
		}
		u = append(u, row)
		_ = r.x.EndEpisode() // not learning: nothing to fail
	}
	return u
}

type measurement struct {
	gapShipper, gapCarrier float64
	nashConv, ci95         float64
	adherence, distance    float64
}

func (m measurement) row() []float64 {
	return []float64{m.gapShipper, m.gapCarrier, m.nashConv, m.ci95, m.adherence, m.distance}
}

// measure runs the equilibrium measurement at evaluation point `point`.
func (r *replicate) measure(point uint64) measurement {
	eq := r.sc.Equilibrium
	nan := math.NaN()
	m := measurement{nan, nan, nan, nan, nan, r.closedFormDistance()}
	roles := r.roles()
	if len(roles) == 0 {
		return m
	}
	r.x.Learning = false
	defer func() { r.x.Observer = &r.obs }()

	// The learned profile on fresh episodes, measuring S on the way.
	r.x.Observer = &r.obs
	r.obs.eval = true
	r.obs.ev.Reset()
	learned := r.playEpisodes(point, true, eq.EvalEpisodes, roles, nil)
	surplus := r.obs.ev.Surplus()
	r.x.Observer = nil

	diffs := make([]float64, eq.EvalEpisodes)
	m.gapShipper, m.gapCarrier = 0, 0
	var scratch [][]float64
	for k, l := range roles {
		theta := r.bestResponse(point, l, k, roles)
		cand := candidate(l.g, theta, eq.Sigma)
		r.play(l, cand)
		scratch = r.playEpisodes(point, true, eq.EvalEpisodes, roles, scratch)
		r.play(l, nil)
		var gap float64
		for e := range diffs {
			d := scratch[e][k] - learned[e][k]
			diffs[e] += d
			gap += d
		}
		gap /= float64(eq.EvalEpisodes)
		if l.carrier {
			m.gapCarrier += gap
		} else {
			m.gapShipper += gap
		}
	}
	if !hasCarrier(roles) {
		m.gapCarrier = nan
	}
	if !hasShipper(roles) {
		m.gapShipper = nan
	}
	st := results.Summarize(diffs)
	m.nashConv = st.Mean
	m.ci95 = st.CI95High - st.Mean
	m.adherence = math.Max(0, math.Min(1, 1-m.nashConv/surplus))
	return m
}

func hasCarrier(roles []*learnerRole) bool {
	for _, l := range roles {
		if l.carrier {
			return true
		}
	}
	return false
}

func hasShipper(roles []*learnerRole) bool {
	for _, l := range roles {
		if !l.carrier {
			return true
		}
	}
	return false
}

// candidate is a fixed Gaussian policy with l's features, weights theta and
// standard deviation sigma (0: it quotes its mean); it does not learn.
func candidate(g agents.Described, theta []float64, sigma float64) *agents.Gaussian {
	c := agents.NewGaussian(g.FeatureMap(), 1, policy.Reinforce{})
	copy(c.Policy.Theta, theta)
	c.Policy.Sigma = sigma
	return c
}

// bestResponse searches role l's strategy class against the others' learned
// strategies and returns the best weights found.
func (r *replicate) bestResponse(point uint64, l *learnerRole, k int, roles []*learnerRole) []float64 {
	eq := r.sc.Equilibrium
	start := r.linearStart(point, l, roles)
	cand := candidate(l.g, start, eq.Sigma)
	r.play(l, cand)
	defer r.play(l, nil)
	var u [][]float64
	objective := func(theta []float64) float64 {
		copy(cand.Policy.Theta, theta)
		u = r.playEpisodes(point, false, eq.SearchEpisodes, roles, u)
		var sum float64
		for _, row := range u {
			sum += row[k]
		}
		return -sum / float64(len(u))
	}
	// Nelder-Mead from the learned weights, restarted from its best point
	// with a smaller simplex while the budget lasts: the objective is flat
	// between trades and jumps at them, and restarts get it unstuck.
	x0 := start
	best, bestF := x0, objective(x0)
	budget := eq.MaxEvaluations - 1
	size := 0.02 * r.sc.Scales().Money
	for restart := 0; restart < 4 && budget > len(x0)+1; restart++ {
		res, err := optimize.Minimize(
			optimize.Problem{Func: objective},
			append([]float64(nil), best...),
			&optimize.Settings{
				FuncEvaluations: budget,
				Converger:       &optimize.FunctionConverge{Absolute: 1e-9, Relative: 1e-9, Iterations: 4 * len(x0)},
			},
			&optimize.NelderMead{SimplexSize: size},
		)
		if err != nil || res == nil {
			break
		}
		budget -= res.Stats.FuncEvaluations
		if res.F < bestF {
			best, bestF = res.X, res.F
		}
		size /= 4
	}
	return best
}

// linearStart is where the best-response search starts: the learned
// weights of a linear policy, or for another policy (an MLP) the least-
// squares linear fit of its mean over the states of one learned episode.
func (r *replicate) linearStart(point uint64, l *learnerRole, roles []*learnerRole) []float64 {
	if w := l.g.Weights(); w != nil {
		return append([]float64(nil), w...)
	}
	rec := &meanRecorder{Described: l.g, phi: make([]float64, l.g.FeatureMap().Dim())}
	r.play(l, rec)
	r.playEpisodes(point, false, 1, roles, nil)
	r.play(l, nil)
	return fitLinear(rec.x, rec.y, l.g.FeatureMap().Dim())
}

// meanRecorder quotes like the learned policy it wraps and records, for
// each quote, the features and the policy's mean.
type meanRecorder struct {
	agents.Described
	phi  []float64
	x, y []float64
}

func (m *meanRecorder) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	m.FeatureMap().Fill(m.phi, j, v)
	m.x = append(m.x, m.phi...)
	m.y = append(m.y, m.MeanAt(m.phi))
	return m.Described.Quote(rng, j, v, rec)
}

// fitLinear is the ridge least-squares fit (ridge 1e-6) of y on the rows of
// x (row-major, dim columns); zeros when there is nothing to fit.
func fitLinear(x, y []float64, dim int) []float64 {
	n := len(y)
	w := make([]float64, dim)
	if n == 0 {
		return w
	}
	a := mat.NewDense(n, dim, x)
	var ata mat.SymDense
	ata.SymOuterK(1, a.T())
	for i := range dim {
		ata.SetSym(i, i, ata.At(i, i)+1e-6)
	}
	var aty mat.VecDense
	aty.MulVec(a.T(), mat.NewVecDense(n, y))
	var sol mat.VecDense
	if err := sol.SolveVec(&ata, &aty); err != nil {
		return w
	}
	copy(w, sol.RawVector().Data)
	return w
}

// closedFormDistance is the mean, over the job types of a fixed stream, of
// the distance of the learned mean (bid, ask) to that job's equilibrium
// set: {(p, p): cost <= p <= reservation} for a job worth shipping, and
// {bid <= ask}, no trade, for one that is not. These sets are the whole
// story when the jobs cannot wait (due 0), one shipper and one carrier both
// learn, zero-spread trades are allowed (tie max-volume), and capacity is
// enough for every job worth shipping. NaN otherwise.
func (r *replicate) closedFormDistance() float64 {
	eq, ok := closedForm(r.sc)
	if !ok || r.shipLearner == nil || r.carLearner == nil {
		return math.NaN()
	}
	car := r.x.Carriers[0]
	jobs := make([]*agents.Job, len(eq))
	for i, e := range eq {
		j := e.job
		jobs[i] = &j
	}
	var v agents.View
	v.Observe(jobs, false)
	v.Carrier, v.Capacity = car, car.Capacity
	phiS := make([]float64, r.shipLearner.FeatureMap().Dim())
	phiC := make([]float64, r.carLearner.FeatureMap().Dim())
	var sum float64
	for i, e := range eq {
		r.shipLearner.FeatureMap().Fill(phiS, jobs[i], &v)
		r.carLearner.FeatureMap().Fill(phiC, jobs[i], &v)
		b, a := r.shipLearner.MeanAt(phiS), r.carLearner.MeanAt(phiC)
		if e.efficient {
			p := math.Max(e.cost, math.Min(e.reserve, (b+a)/2))
			sum += math.Hypot(b-p, a-p)
		} else if b > a {
			sum += (b - a) / math.Sqrt2
		}
	}
	return sum / float64(len(eq))
}

// eqJob is one job type of a closed-form equilibrium.
type eqJob struct {
	job       agents.Job
	cost      float64
	reserve   float64
	efficient bool // reserve > cost: it trades in every equilibrium
}

// closedForm returns the job types of the scenario's closed-form
// equilibrium, and whether it has one (see closedFormDistance).
func closedForm(sc *scenario.Config) ([]eqJob, bool) {
	if len(sc.Jobs.Fixed) == 0 || len(sc.Shippers) != 1 || len(sc.Carriers) != 1 || sc.Market.Tie != scenario.TieMaxVolume {
		return nil, false
	}
	car := agents.Carrier{CostRate: sc.Carriers[0].CostRate}
	var out []eqJob
	volume := 0
	for _, j := range sc.FixedJobs() {
		if j.Due != 0 {
			return nil, false
		}
		j.Reserve = j.Value + sc.Shippers[0].Penalty*float64(j.Volume)
		e := eqJob{job: j, cost: car.Cost(&j), reserve: j.Reserve}
		e.efficient = e.reserve > e.cost
		if e.efficient {
			volume += j.Volume
		}
		out = append(out, e)
	}
	return out, volume <= sc.Capacities()[0] && sc.Carriers[0].Schedule.Period == 1
}
