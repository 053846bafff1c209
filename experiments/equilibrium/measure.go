package equilibrium

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/results"
)

// Columns are the value columns the measurement adds to evaluations.csv.
func Columns() []results.Metric { return results.EquilibriumMetrics() }

// Role is one agent of a market as the measurement sees it: a strategy
// (learned or fixed) and the agents that play it. A learned policy shared by
// several agents (the semi-cooperative containers of P2) is one role; a
// fixed strategy is one role per agent.
type Role struct {
	Carrier  bool
	Agents   []int           // the shipper or carrier indices that play Strategy
	Strategy agents.Strategy // in the profile measured
	Features agents.Features // the class its best response is searched in: quotes linear in these
	Label    string          // for messages: "shipper 0 (learn)"
}

// Play asks a market for measurement episodes of an evaluation point,
// without learning.
type Play struct {
	Point    uint64 // the evaluation point
	Fresh    bool   // fresh episodes (to compare strategies), else the search episodes (common random numbers)
	Episodes int
	First    int               // the first episode's index among the point's episodes of its kind (its streams)
	Surplus  bool              // measure the efficient gains from trade of the episodes (S)
	Start    func(episode int) // called before each episode; may be nil
	U        [][]float64       // reused for Played.U
}

// Played is what a play measured: per episode, each role's utility (its
// agents' total reward), and S per episode (NaN unless asked).
type Played struct {
	U       [][]float64
	Surplus float64
}

// Market is what the measurement needs of a market: its roles, and episodes
// played with some roles' strategies replaced. The wiring's replicate is
// one (package experiments).
type Market interface {
	// Roles are the market's agents, shippers' first.
	Roles() []Role
	// Use makes role k play s; nil restores its strategy in the profile.
	Use(k int, s agents.Strategy)
	// Play runs measurement episodes (see Phase).
	Play(p Play) Played
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

// Methods of a best response.
const (
	MethodExact  = "exact"  // expected payoffs in closed form over the recorded decisions
	MethodSearch = "search" // simulated episodes, common random numbers
)

// RoleResult is what the measurement found for one role.
type RoleResult struct {
	Label    string
	Carrier  bool
	Method   string  // MethodExact or MethodSearch
	Why      string  // why the method is search, when it is
	Profile  float64 // the role's utility per episode in the profile
	Best     float64 // its utility per episode with the best response found (Profile + Gap)
	Gap      float64 // >= 0: the profile itself is always a candidate
	CI95     float64 // half-width of the 95 % interval of the gap over the fresh episodes (0 when the gap is 0)
	Features []string
	Weights  []float64 // the best response's weights on Features, as scaled; nil when the profile is its own best response
	// Units are Weights on the features in their own units (money, volume,
	// distance, clearings, jobs; see agents.FeatureSet.InUnits), so that
	// the best response reads as a pricing rule; nil with Weights, or
	// where the features have no such reading (a custom Go feature map).
	Units []float64
}

// Loss is the role's relative utility loss 1 - U(profile)/U(best
// response), the metric of bnelearn and SODA: the fraction of what its best
// response would earn that the profile forgoes, in [0, 1]. NaN where it is
// no such fraction (LossNote says why): where U(best response) is not
// positive, and where U(profile) is negative, since a role that loses money
// in the profile has a ratio without bound as U(best response) nears 0
// (P1's carrier before training: -3000 against 1.3e-5 per episode, a
// "relative loss" of 2.3e8); Gap is its loss in money there.
func (r RoleResult) Loss() float64 { return relativeLoss(r.Profile, r.Best) }

// LossNote is why Loss is undefined (NaN), "" where it is defined.
func (r RoleResult) LossNote() string { return lossNote(r.Profile, r.Best) }

func relativeLoss(profile, best float64) float64 {
	if lossNote(profile, best) != "" {
		return math.NaN()
	}
	return 1 - profile/best
}

func lossNote(profile, best float64) string {
	switch {
	case !(best > 0):
		return "undefined: the best response's utility is not positive"
	case !(profile >= 0):
		return "undefined: the profile's utility is negative (see the gap)"
	}
	return ""
}

// Measurement is what the measurement found at one evaluation point: the
// columns of [Columns], and each role's result. Gaps are per episode; NaN
// where undefined.
type Measurement struct {
	GapShipper, GapCarrier     float64
	NashConv, CI95             float64
	Adherence, Distance        float64
	Surplus                    float64 // S: the efficient gains from trade per measurement episode
	LossShipper, LossCarrier   float64 // relative utility loss of each side (see RoleResult.Loss), in [0, 1] or NaN
	ExactShipper, ExactCarrier float64 // the share of each side's roles whose gap is exact
	Roles                      []RoleResult
}

// Row is m in the order of [Columns].
func (m Measurement) Row() []float64 {
	return []float64{m.GapShipper, m.GapCarrier, m.NashConv, m.CI95, m.Adherence, m.Distance,
		m.Surplus, m.LossShipper, m.LossCarrier, m.ExactShipper, m.ExactCarrier}
}

// Undefined is the measurement of an evaluation point where it did not run.
func Undefined() Measurement {
	nan := math.NaN()
	return Measurement{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nil}
}

// Measure runs the equilibrium measurement of market m, a replicate of sc,
// at evaluation point `point`. distance is the closed-form distance
// (Distance), computed by the caller, which knows the strategies.
func Measure(m Market, sc *scenario.Config, point uint64, distance float64) Measurement {
	eq := sc.Equilibrium
	out := Undefined()
	out.Distance = distance
	roles := m.Roles()
	if len(roles) == 0 {
		return out
	}

	// The profile on fresh episodes, recorded, measuring S on the way; then
	// the search episodes, recorded, for the starting points and the exact
	// objective.
	exactOK, why := ExactStructure(sc)
	if sc.Equilibrium.Method == scenario.MethodSearch {
		exactOK, why = false, "equilibrium.method is search"
	}
	freshPlay := Play{Point: point, Fresh: true, Episodes: eq.EvalEpisodes, Surplus: true}
	var fresh *recording
	var played Played
	if exactOK {
		fresh, played = record(m, roles, freshPlay)
	} else {
		played = m.Play(freshPlay) // the search compares simulated plays: no decisions needed
		fresh = &recording{decisions: make([][]decision, len(roles))}
	}
	searched, searchPlayed := record(m, roles, Play{Point: point, Episodes: eq.SearchEpisodes})
	out.Surplus = played.Surplus

	diffs := make([]float64, eq.EvalEpisodes) // NashConv per fresh episode
	var gaps [2]float64
	var nRoles, nExact [2]int
	var prof, best [2]float64
	for k, r := range roles {
		rr := measureRole(m, sc, point, k, roles, fresh, searched, played, searchPlayed, exactOK, why)
		out.Roles = append(out.Roles, rr.RoleResult)
		s := 0
		if r.Carrier {
			s = 1
		}
		nRoles[s]++
		if rr.Method == MethodExact {
			nExact[s]++
		}
		gaps[s] += rr.Gap
		prof[s] += rr.Profile
		best[s] += rr.Best
		if rr.Gap > 0 {
			for e := range diffs {
				diffs[e] += rr.diffs[e]
			}
		}
	}
	side := func(s int, v float64) float64 {
		if nRoles[s] == 0 {
			return math.NaN()
		}
		return v
	}
	out.GapShipper, out.GapCarrier = side(0, gaps[0]), side(1, gaps[1])
	out.LossShipper, out.LossCarrier = side(0, relativeLoss(prof[0], best[0])), side(1, relativeLoss(prof[1], best[1]))
	out.ExactShipper = side(0, float64(nExact[0])/math.Max(1, float64(nRoles[0])))
	out.ExactCarrier = side(1, float64(nExact[1])/math.Max(1, float64(nRoles[1])))
	out.NashConv = gaps[0] + gaps[1]
	st := results.Summarize(diffs)
	out.CI95 = st.CI95High - st.Mean
	if out.NashConv == 0 {
		out.CI95 = 0
	}
	out.Adherence = math.Max(0, math.Min(1, 1-out.NashConv/out.Surplus))
	return out
}

// roleMeasure is a role's result and its gap per fresh episode.
type roleMeasure struct {
	RoleResult
	diffs []float64
}

// measureRole finds role k's best response, exactly where ExactStructure
// holds and every decision's quote distributions are known, by search
// otherwise.
func measureRole(m Market, sc *scenario.Config, point uint64, k int, roles []Role,
	fresh, searched *recording, played, searchPlayed Played, exactOK bool, why string) roleMeasure {
	eq := sc.Equilibrium
	r := roles[k]
	res := roleMeasure{RoleResult: RoleResult{Label: r.Label, Carrier: r.Carrier, Features: featureNames(r.Features)}}
	s := sideOf(sc, r.Carrier)
	if exactOK {
		if ok, w := known(fresh.decisions[k]); !ok {
			exactOK, why = false, w
		} else if ok, w := known(searched.decisions[k]); !ok {
			exactOK, why = false, w
		}
	}
	st := starts(r, s, compress(searched.decisions[k], false))
	spec := searchSpec{
		starts: st,
		bias:   slices.Index(res.Features, "bias"),
		scale:  priceScale(searched.decisions[k]),
		seed:   seed.Derive(sc.Seed, point, uint64(k)),
	}
	if len(spec.starts) == 0 {
		spec.starts = [][]float64{make([]float64, r.Features.Dim())}
	} else {
		spec.toward = [2][]float64{st[0], st[1]} // the profile's own, truthful (see starts)
	}
	res.diffs = make([]float64, eq.EvalEpisodes)
	if exactOK {
		res.Method = MethodExact
		spec.budget = max(eq.MaxEvaluations, 60*len(spec.starts[0]))
		ds, dsFresh := compress(searched.decisions[k], false), compress(fresh.decisions[k], true)
		obj := func(theta []float64) float64 {
			return exactUtility(s, ds, theta, eq.Sigma) / float64(eq.SearchEpisodes)
		}
		theta, v, _ := search(obj, spec)
		profile := exactProfile(s, ds) / float64(eq.SearchEpisodes)
		freshProfile := perEpisode(s, dsFresh, nil, eq.Sigma, eq.EvalEpisodes)
		res.Profile = mean(freshProfile)
		if v > profile {
			freshBest := perEpisode(s, dsFresh, theta, eq.Sigma, eq.EvalEpisodes)
			for e := range res.diffs {
				res.diffs[e] = freshBest[e] - freshProfile[e]
			}
			res.Weights = theta
		}
	} else {
		res.Method, res.Why = MethodSearch, why
		// Where the opponents' quote distributions are known but jobs do not
		// trade alone, the exact objective is a surrogate that ignores how a
		// quote now changes the job's later chances: its optimum, cheap to
		// find, is the first start of the simulated search.
		var surrogate []float64
		if ok, _ := known(searched.decisions[k]); ok {
			ds := spread(compress(searched.decisions[k], false), 256)
			sur := spec
			sur.budget = 60 * len(spec.starts[0])
			if surrogate, _, _ = search(func(theta []float64) float64 { return exactUtility(s, ds, theta, eq.Sigma) }, sur); surrogate != nil {
				spec.starts = append([][]float64{surrogate}, spec.starts...)
			}
		}
		spec.budget = eq.MaxEvaluations
		spec.rivals = func() []float64 { return rivalLevels(searched, roles, k) }
		spec.meanPhi = meanFeatures(searched.decisions[k], r.Features.Dim())
		cand := Candidate(r.Features, spec.starts[0], eq.Sigma)
		var u [][]float64
		_, v, finalists := search(func(theta []float64) float64 {
			copy(cand.Policy.Theta, theta)
			m.Use(k, cand)
			p := m.Play(Play{Point: point, Episodes: eq.SearchEpisodes, U: u})
			m.Use(k, nil)
			u = p.U
			return column(u, k)
		}, spec)
		// The search overfits its episodes' noise: its best is checked on
		// other episodes (neither the search's nor the fresh ones), half as
		// many as the fresh ones, at least as many as the search's and at least two.
		// Where there is a surrogate optimum, the search's best replaces it
		// only if better there by more than two standard errors of the
		// paired difference: the surrogate is a model of the market, the
		// simulation only a noisy sample of it.
		var theta []float64
		if profile := column(searchPlayed.U, k); v > profile {
			// At least two, for a standard error.
			first, n := eq.SearchEpisodes, max(2, eq.SearchEpisodes, eq.EvalEpisodes/2)
			episodes := func(th []float64) []float64 {
				out := make([]float64, n)
				if th != nil {
					copy(cand.Policy.Theta, th)
					m.Use(k, cand)
				}
				p := m.Play(Play{Point: point, Episodes: n, First: first})
				m.Use(k, nil)
				for e := range out {
					out[e] = p.U[e][k]
				}
				return out
			}
			best := finalists[0]
			bestU := episodes(best)
			if surrogate != nil && !slices.Equal(best, surrogate) {
				sU := episodes(surrogate)
				d := make([]float64, n)
				for e := range d {
					d[e] = bestU[e] - sU[e]
				}
				if st := results.Summarize(d); !(st.Mean > 2*st.SD/math.Sqrt(float64(n))) {
					best, bestU = surrogate, sU
				}
			} else if len(finalists) > 1 {
				if u2 := episodes(finalists[1]); mean(u2) > mean(bestU) {
					best, bestU = finalists[1], u2
				}
			}
			if mean(bestU) > mean(episodes(nil)) {
				theta = best
			}
		}
		res.Profile = column(played.U, k)
		if theta != nil {
			copy(cand.Policy.Theta, theta)
			m.Use(k, cand)
			p := m.Play(Play{Point: point, Fresh: true, Episodes: eq.EvalEpisodes})
			m.Use(k, nil)
			for e := range res.diffs {
				res.diffs[e] = p.U[e][k] - played.U[e][k]
			}
			res.Weights = theta
		}
	}
	res.Gap = math.Max(0, mean(res.diffs))
	if st := results.Summarize(res.diffs); res.Gap > 0 {
		res.CI95 = st.CI95High - st.Mean
	}
	if res.Gap == 0 {
		res.Weights = nil // the profile is its own best response found
		clear(res.diffs)
	}
	res.Best = res.Profile + res.Gap
	if f, ok := r.Features.(interface{ InUnits([]float64) []float64 }); ok && res.Weights != nil {
		res.Units = f.InUnits(res.Weights)
	}
	return res
}

// ExactStructure reports whether the best responses of sc's market can be
// computed exactly, and if not, why: every job is priced on its own
// (one-shot jobs, due 0, that never wait; capacity that never binds, so that
// no job's trade depends on another's; one carrier, with no fixed cost per
// departure, at a knapsack clearing). The quote distributions of the
// opponents must be known too, which the measurement checks decision by
// decision.
func ExactStructure(sc *scenario.Config) (bool, string) {
	switch {
	case sc.Market.Clearing != scenario.Knapsack:
		return false, "a continuous double auction: quotes interact through the order book"
	case len(sc.Carriers) != 1:
		return false, "several carriers compete for each job"
	case sc.Carriers[0].FixedCost != 0:
		return false, "a fixed cost per departure ties the carrier's jobs together"
	}
	windows := math.Ceil(sc.Carriers[0].Schedule.Period)
	capacity := float64(sc.Capacities()[0])
	if len(sc.Jobs.Fixed) > 0 {
		var v float64
		for _, f := range sc.Jobs.Fixed {
			if f.Due != 0 {
				return false, "jobs can wait (due > 0): a job's quote now changes its chances later"
			}
			v += float64(f.Volume)
		}
		if v*windows > capacity {
			return false, "capacity can bind: jobs compete for space"
		}
		return true, ""
	}
	j := sc.Jobs
	if j.Due.Max != 0 {
		return false, "jobs can wait (due > 0): a job's quote now changes its chances later"
	}
	if float64(j.Arrivals.Max)*float64(j.Volume.Max)*windows > capacity {
		return false, "capacity can bind: jobs compete for space"
	}
	return true, ""
}

// known reports whether every decision has its own and its opponent's
// quote distribution, and if not, why.
func known(ds []decision) (bool, string) {
	for _, d := range ds {
		switch {
		case !d.paired:
			return false, "a quote had no opponent's quote to meet"
		case !d.ownOK:
			return false, "the strategy's quote distribution is not known (it adapts within the episode, or is a custom strategy)"
		case !d.oppOK:
			return false, "an opponent's quote distribution is not known (it adapts within the episode, or is a custom strategy)"
		}
	}
	return true, ""
}

// sideOf is the payoff side of a role of sc.
func sideOf(sc *scenario.Config, carrier bool) side {
	kind, _ := sc.Market.Price.Knapsack()
	return side{carrier: carrier, rule: market.PriceRule{Kind: kind, K: sc.Market.K}, strict: sc.Market.Tie == scenario.TieStrict}
}

// exactUtility is the role's expected utility over decisions ds quoting
// theta . phi (with noise of standard deviation sigma).
func exactUtility(s side, ds []decision, theta []float64, sigma float64) float64 {
	var u float64
	for i := range ds {
		u += decisionUtility(s, &ds[i], theta, sigma)
	}
	return u
}

func decisionUtility(s side, d *decision, theta []float64, sigma float64) float64 {
	s.limit = d.limit
	var own agents.QuoteDist
	if theta == nil {
		own = d.own
	} else {
		var q float64
		for i, w := range theta {
			q += w * d.phi[i]
		}
		own = agents.Normal(q, sigma)
	}
	return d.weight * (d.base + s.payoff(own, d.opp))
}

// exactProfile is the role's expected utility over ds in the profile.
func exactProfile(s side, ds []decision) float64 { return exactUtility(s, ds, nil, 0) }

// perEpisode is the expected utility of each of n episodes: of the profile
// (theta nil) or of quoting theta . phi.
func perEpisode(s side, ds []decision, theta []float64, sigma float64, n int) []float64 {
	out := make([]float64, n)
	for i := range ds {
		out[ds[i].episode] += decisionUtility(s, &ds[i], theta, sigma)
	}
	return out
}

// starts are where the search begins, each weights on the role's features:
// the profile's own (its weights, or its mean quotes fitted), truthful
// quotes (the role's limit), the opponent's quotes, and each decision's
// best quote against the opponent, all fitted by least squares over the
// recorded decisions.
func starts(r Role, s side, ds []decision) [][]float64 {
	dim := r.Features.Dim()
	if len(ds) == 0 {
		return nil
	}
	// A fit needs a few hundred decisions, not every one (the per-decision
	// best quote costs a hundred payoffs).
	ds = spread(ds, 256)
	// Weighted least squares: each distinct decision's row scaled by the
	// square root of how many it stands for.
	x := make([]float64, 0, len(ds)*dim)
	for _, d := range ds {
		w := math.Sqrt(d.weight)
		for _, f := range d.phi {
			x = append(x, w*f)
		}
	}
	fit := func(y func(d *decision) float64) []float64 {
		ys := make([]float64, len(ds))
		for i := range ds {
			ys[i] = math.Sqrt(ds[i].weight) * y(&ds[i])
		}
		return fitLinear(x, ys, dim)
	}
	var out [][]float64
	if l, ok := r.Strategy.(agents.Described); ok && l.Weights() != nil && len(l.Weights()) == dim {
		out = append(out, slices.Clone(l.Weights()))
	} else {
		out = append(out, fit(func(d *decision) float64 {
			if d.ownOK {
				return d.own.Mean()
			}
			return d.quote
		}))
	}
	out = append(out,
		fit(func(d *decision) float64 { return d.limit }),
		fit(func(d *decision) float64 { return oppQuote(d) }),
		fit(func(d *decision) float64 {
			// A quote that meets the opponent's is moved a hair toward
			// trading: weights fitted in floating point reproduce it only to
			// within rounding, and a spread of -1e-14 does not trade.
			hair := 1e-6 * (1 + math.Abs(oppQuote(d)))
			if s.carrier {
				hair = -hair
			}
			if d.paired && d.oppOK {
				s.limit = d.limit
				if q, v := s.bestQuote(d.opp); v > 0 {
					if d.opp.Kind == agents.PointQuote {
						q += hair
					}
					return q
				}
				return d.limit
			}
			o := oppQuote(d)
			if (s.carrier && o >= d.limit) || (!s.carrier && o <= d.limit) {
				return o + hair
			}
			return d.limit
		}))
	return out
}

// rivalLevels are up to 8 levels of the quotes of role k's rivals, the
// other roles of its side, in the recording: every distinct quote where
// there are at most 8, else the quotes' 8 octile midpoints.
func rivalLevels(rec *recording, roles []Role, k int) []float64 {
	var qs []float64
	for j, r := range roles {
		if j != k && r.Carrier == roles[k].Carrier {
			for _, d := range rec.decisions[j] {
				qs = append(qs, d.quote)
			}
		}
	}
	slices.Sort(qs)
	qs = slices.CompactFunc(qs, func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*(1+math.Abs(a)) })
	const most = 8
	if len(qs) <= most {
		return qs
	}
	out := make([]float64, most)
	for i := range out {
		out[i] = qs[(2*i+1)*len(qs)/(2*most)]
	}
	return out
}

// meanFeatures is the mean of the decisions' features.
func meanFeatures(ds []decision, dim int) []float64 {
	out := make([]float64, dim)
	if len(ds) == 0 {
		return out
	}
	for _, d := range ds {
		floats.Add(out, d.phi)
	}
	floats.Scale(1/float64(len(ds)), out)
	return out
}

// spread returns at most most of ds, every stride-th, each standing for
// stride times its weight.
func spread(ds []decision, most int) []decision {
	if len(ds) <= most {
		return ds
	}
	stride := (len(ds) + most - 1) / most
	out := make([]decision, 0, most)
	for i := 0; i < len(ds); i += stride {
		d := ds[i]
		d.weight *= float64(stride)
		out = append(out, d)
	}
	return out
}

// oppQuote is the opponent's mean quote on d's job, or its own limit when
// no opponent quoted.
func oppQuote(d *decision) float64 {
	switch {
	case d.paired && d.oppOK:
		return d.opp.Mean()
	case d.paired:
		return d.oppAt
	}
	return d.limit
}

// priceScale is the range of prices at stake in ds: of the limits and the
// opponents' quotes; it sizes the bias shifts of the search.
func priceScale(ds []decision) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range ds {
		for _, p := range []float64{ds[i].limit, oppQuote(&ds[i])} {
			lo, hi = math.Min(lo, p), math.Max(hi, p)
		}
	}
	if !(hi > lo) {
		return math.Max(1, math.Abs(hi))
	}
	return hi - lo
}

// Candidate is a fixed Gaussian policy on features f with weights theta and
// standard deviation sigma (0: it quotes its mean); it does not learn.
func Candidate(f agents.Features, theta []float64, sigma float64) *agents.Gaussian {
	c := agents.NewGaussian(f, 1, policy.Reinforce{})
	copy(c.Policy.Theta, theta)
	c.Policy.Sigma = sigma
	return c
}

// featureNames are the names of f's features, as weights are reported.
func featureNames(f agents.Features) []string {
	if f, ok := f.(interface{ Names() []string }); ok {
		return slices.Clone(f.Names())
	}
	out := make([]string, f.Dim())
	for i := range out {
		out[i] = fmt.Sprintf("feature_%d", i)
	}
	return out
}

func column(u [][]float64, k int) float64 {
	var s float64
	for _, row := range u {
		s += row[k]
	}
	return s / float64(len(u))
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// fitLinear is the least-squares fit of y on the rows of x (row-major, dim
// columns), by QR; where the columns are dependent (a feature that never
// varies beside the bias), the ridge fit with ridge 1e-9 times the Gram
// matrix's trace. Zeros when there is nothing to fit.
func fitLinear(x, y []float64, dim int) []float64 {
	n := len(y)
	w := make([]float64, dim)
	if n == 0 {
		return w
	}
	a := mat.NewDense(n, dim, x)
	b := mat.NewVecDense(n, y)
	var sol mat.VecDense
	if n >= dim {
		var qr mat.QR
		qr.Factorize(a)
		if qr.Cond() < 1e12 && sol.SolveVec(a, b) == nil {
			copy(w, sol.RawVector().Data)
			return w
		}
	}
	var ata mat.SymDense
	ata.SymOuterK(1, a.T())
	var trace float64
	for i := range dim {
		trace += ata.At(i, i)
	}
	for i := range dim {
		ata.SetSym(i, i, ata.At(i, i)+1e-9*trace+1e-300)
	}
	var aty mat.VecDense
	aty.MulVec(a.T(), b)
	if err := sol.SolveVec(&ata, &aty); err != nil {
		return w
	}
	copy(w, sol.RawVector().Data)
	return w
}
