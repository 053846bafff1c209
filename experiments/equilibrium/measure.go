package equilibrium

import (
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Columns are the value columns the measurement adds to evaluations.csv.
func Columns() []results.Metric { return results.EquilibriumMetrics() }

// Role is one learning policy of a market and the agents that use it: what
// the measurement looks for a best response of.
type Role struct {
	Policy  agents.Described
	Carrier bool
	Agents  []int // the shipper or carrier indices that use Policy
}

// Market is what the measurement needs of a market: its roles, and episodes
// played with some roles' strategies replaced. The wiring's replicate is
// one (package experiments).
type Market interface {
	// Roles are the distinct learning policies, shippers' first.
	Roles() []Role
	// Use makes role k play s; nil restores its learned policy.
	Use(k int, s agents.Strategy)
	// Play runs n measurement episodes (see Phase) without learning and
	// returns, per episode, each role's utility, reusing u. With surplus
	// set it also returns the efficient gains from trade per episode of
	// those episodes (S), else NaN.
	Play(point uint64, fresh bool, n int, surplus bool, u [][]float64) ([][]float64, float64)
}

// Phase is the phase of the random streams of measurement episode `episode`
// at evaluation point `point`: fresh episodes compare strategies, the
// others (common random numbers) are searched on. It lies above every
// training and evaluation phase.
func Phase(point uint64, fresh bool, episode int) uint64 {
	p := uint64(seed.PhaseMeasure) | point<<20 | uint64(episode)
	if fresh {
		p |= 1 << 19
	}
	return p
}

// Measurement is what the measurement found at one evaluation point: the
// columns of [Columns]. Gaps are per episode; NaN where undefined.
type Measurement struct {
	GapShipper, GapCarrier float64
	NashConv, CI95         float64
	Adherence, Distance    float64
}

// Row is m in the order of [Columns].
func (m Measurement) Row() []float64 {
	return []float64{m.GapShipper, m.GapCarrier, m.NashConv, m.CI95, m.Adherence, m.Distance}
}

// Undefined is the measurement of an evaluation point where it did not run.
func Undefined() Measurement {
	nan := math.NaN()
	return Measurement{nan, nan, nan, nan, nan, nan}
}

// Measure runs the equilibrium measurement of market m, a replicate of sc,
// at evaluation point `point`. distance is the closed-form distance
// (Distance), computed by the caller, which knows the learned policies.
func Measure(m Market, sc *scenario.Config, point uint64, distance float64) Measurement {
	eq := sc.Equilibrium
	nan := math.NaN()
	out := Undefined()
	out.Distance = distance
	roles := m.Roles()
	if len(roles) == 0 {
		return out
	}

	// The learned profile on fresh episodes, measuring S on the way.
	learned, surplus := m.Play(point, true, eq.EvalEpisodes, true, nil)

	diffs := make([]float64, eq.EvalEpisodes)
	out.GapShipper, out.GapCarrier = 0, 0
	var scratch [][]float64
	for k, l := range roles {
		theta := bestResponse(m, sc, point, k, roles)
		cand := Candidate(l.Policy, theta, eq.Sigma)
		m.Use(k, cand)
		scratch, _ = m.Play(point, true, eq.EvalEpisodes, false, scratch)
		m.Use(k, nil)
		var gap float64
		for e := range diffs {
			d := scratch[e][k] - learned[e][k]
			diffs[e] += d
			gap += d
		}
		gap /= float64(eq.EvalEpisodes)
		if l.Carrier {
			out.GapCarrier += gap
		} else {
			out.GapShipper += gap
		}
	}
	if !hasCarrier(roles) {
		out.GapCarrier = nan
	}
	if !hasShipper(roles) {
		out.GapShipper = nan
	}
	st := results.Summarize(diffs)
	out.NashConv = st.Mean
	out.CI95 = st.CI95High - st.Mean
	out.Adherence = math.Max(0, math.Min(1, 1-out.NashConv/surplus))
	return out
}

func hasCarrier(roles []Role) bool {
	for _, l := range roles {
		if l.Carrier {
			return true
		}
	}
	return false
}

func hasShipper(roles []Role) bool {
	for _, l := range roles {
		if !l.Carrier {
			return true
		}
	}
	return false
}

// Candidate is a fixed Gaussian policy with l's features, weights theta and
// standard deviation sigma (0: it quotes its mean); it does not learn.
func Candidate(g agents.Described, theta []float64, sigma float64) *agents.Gaussian {
	c := agents.NewGaussian(g.FeatureMap(), 1, policy.Reinforce{})
	copy(c.Policy.Theta, theta)
	c.Policy.Sigma = sigma
	return c
}

// bestResponse searches role k's strategy class against the others' learned
// strategies and returns the best weights found.
func bestResponse(m Market, sc *scenario.Config, point uint64, k int, roles []Role) []float64 {
	eq := sc.Equilibrium
	start := linearStart(m, point, k, roles)
	cand := Candidate(roles[k].Policy, start, eq.Sigma)
	m.Use(k, cand)
	defer m.Use(k, nil)
	var u [][]float64
	objective := func(theta []float64) float64 {
		copy(cand.Policy.Theta, theta)
		u, _ = m.Play(point, false, eq.SearchEpisodes, false, u)
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
	size := 0.02 * sc.Scales().Money
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
func linearStart(m Market, point uint64, k int, roles []Role) []float64 {
	g := roles[k].Policy
	if w := g.Weights(); w != nil {
		return append([]float64(nil), w...)
	}
	rec := &meanRecorder{Described: g, phi: make([]float64, g.FeatureMap().Dim())}
	m.Use(k, rec)
	m.Play(point, false, 1, false, nil)
	m.Use(k, nil)
	return fitLinear(rec.x, rec.y, g.FeatureMap().Dim())
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
