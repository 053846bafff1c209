package equilibrium

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// The search for a best response in a role's class: weights theta of a
// linear quote theta . phi on the role's features. The same search serves
// both methods: with the exact objective (expected payoffs computed in
// closed form, cheap) it is given a large budget; with the simulated one
// (the role's mean utility over the search episodes, common random
// numbers) the scenario's max_evaluations.
//
// It is global in the sense the measurement needs: it does not start from
// one point and follow the slope, which fails where a deviation must cross
// a region in which nothing trades and every candidate scores the same.
//
//  1. Starts (see starts): the profile's own weights, truthful quotes, the
//     opponent's quotes, the per-decision best quotes against the opponent,
//     each fitted by least squares on the role's features.
//  2. A grid of shifts of the bias across the whole price range, on both
//     sides, of the three best starts; on a plateau (no shift gains and
//     several points share the best value), a finer grid from the three
//     best distinct starts, and their mean quote moved to a hair on each
//     side of each level of the rivals' quotes.
//  3. Nelder-Mead from the two best points found.
//  4. CMA-ES (gonum's CmaEsChol, seeded) from the best point, a population
//     method that jumps between plateaus.
//  5. Nelder-Mead again from the best point, to polish.
//  6. Beyond the budget, the profile moved a little toward truthful
//     quoting, polished where it wins.
//
// Each stage takes a share of the budget; the best point ever evaluated
// wins.

// objective is a role's utility per episode with weights theta.
type objective func(theta []float64) float64

// tracker records the best point an objective has been evaluated at, and
// counts evaluations.
type tracker struct {
	f     objective
	best  []float64
	bestV float64
	evals int
	limit int
}

func (t *tracker) eval(theta []float64) float64 {
	t.evals++
	v := t.f(theta)
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	if t.best == nil || v > t.bestV {
		t.best, t.bestV = slices.Clone(theta), v
	}
	return v
}

func (t *tracker) left() int { return t.limit - t.evals }

// searchSpec is what a search needs besides the objective.
type searchSpec struct {
	starts [][]float64 // candidate weights to start from, best guesses first
	bias   int         // index of the constant feature, or -1 when there is none
	scale  float64     // the price range: the size of bias shifts and of the first simplex
	budget int         // objective evaluations
	seed   uint64      // of CMA-ES's samples
	// toward, when set, is the profile's weights and the truthful ones:
	// the last stage tries the profile moved a little toward truthful.
	toward [2][]float64
	// rivals, when set, gives levels of the quotes of the role's rivals
	// (the other agents of its side; called only on a plateau, as it reads
	// every rival's decisions), and meanPhi the role's mean features: on a
	// plateau the search also moves each distinct start's mean quote to a
	// hair above and below each level (rivalLevels).
	rivals  func() []float64
	meanPhi []float64
}

// search maximises f over the class and returns the best weights found and
// their value, and the finalists: the best point and the best starting
// point, for a caller that chooses among them on other
// episodes (the simulated objective overfits the search episodes' noise).
func search(f objective, s searchSpec) ([]float64, float64, [][]float64) {
	t := &tracker{f: f, limit: s.budget}
	if len(s.starts) == 0 {
		return nil, math.Inf(-1), nil
	}
	// 1. The starts.
	type scored struct {
		theta []float64
		v     float64
	}
	var pts []scored
	for _, st := range s.starts {
		if t.left() <= 0 {
			break
		}
		pts = append(pts, scored{st, t.eval(st)})
	}
	slices.SortStableFunc(pts, func(a, b scored) int {
		switch {
		case a.v > b.v:
			return -1
		case a.v < b.v:
			return 1
		}
		return 0
	})
	// 2. Bias shifts of the best three starts across the price range.
	// Where none gains on the best start and at least three points share
	// the best value, the search stands on a plateau on which quotes score
	// the same (a shipper outbid by a rival, whose window of gain lies
	// between the rival's bid and its own limit): the best three distinct
	// starts (the best three may be one start fitted three ways) are
	// shifted again, finer, so that no two shifts of a start lie more than
	// a quarter of the range apart and a window wider than that is not
	// stepped over.
	coarse := []float64{-1, -0.5, -0.25, -0.125, -0.0625, 0.0625, 0.125, 0.25, 0.5, 1}
	var vals []float64
	for _, p := range pts {
		vals = append(vals, p.v)
	}
	shift := func(from []scored, fracs []float64) {
		for _, p := range from {
			for _, frac := range fracs {
				if t.left() <= 0 {
					return
				}
				th := slices.Clone(p.theta)
				th[s.bias] += frac * s.scale
				vals = append(vals, t.eval(th))
			}
		}
	}
	if s.bias >= 0 && s.scale > 0 && len(pts) > 0 {
		shift(pts[:min(3, len(pts))], coarse)
		flat := 0
		for _, v := range vals {
			if math.Abs(v-t.bestV) <= 1e-9*(1+math.Abs(t.bestV)) {
				flat++
			}
		}
		if !(t.bestV > pts[0].v) && flat >= 3 {
			fine := []float64{-0.75, -0.375, 0.375, 0.75}
			var levels []float64
			if s.rivals != nil {
				levels = s.rivals()
			}
			for _, p := range distinct(pts, 3, func(a, b scored) bool { return near(a.theta, b.theta, s.bias, s.scale) }) {
				if !slices.ContainsFunc(pts[:min(3, len(pts))], func(q scored) bool { return slices.Equal(q.theta, p.theta) }) {
					shift([]scored{p}, coarse) // not shifted above
				}
				shift([]scored{p}, fine)
				// A window of gain may lie between two rivals' quotes, or
				// between a rival's and the role's own, narrower than any
				// grid (a winner that would pay less bidding just above the
				// highest losing bid, 80, rather than at 81): the mean
				// quote moved to a hair on each side of each rival level.
				for _, l := range levels {
					if len(s.meanPhi) != len(p.theta) {
						break
					}
					hair := 1e-6 * (1 + math.Abs(l))
					for _, q := range []float64{l + hair, l - hair} {
						if t.left() <= 0 {
							break
						}
						th := slices.Clone(p.theta)
						th[s.bias] += q - floats.Dot(p.theta, s.meanPhi)
						vals = append(vals, t.eval(th))
					}
				}
			}
		}
	}
	dim := len(s.starts[0])
	neg := func(x []float64) float64 { return -t.eval(x) }
	run := func(x0 []float64, m optimize.Method, share int) {
		n := min(share, t.left())
		if n <= dim+1 {
			return
		}
		_, _ = optimize.Minimize(optimize.Problem{Func: neg}, slices.Clone(x0),
			&optimize.Settings{FuncEvaluations: n, Concurrent: 1,
				Converger: &optimize.FunctionConverge{Absolute: 1e-10, Relative: 1e-10, Iterations: 20 * dim}}, m)
	}
	simplex := 0.05 * s.scale
	if simplex <= 0 {
		simplex = 0.05
	}
	// 3. Nelder-Mead from the two best points so far.
	second := t.best
	if len(pts) > 1 && !slices.Equal(pts[1].theta, t.best) {
		second = pts[1].theta
	}
	run(t.best, &optimize.NelderMead{SimplexSize: simplex}, t.left()/5)
	run(second, &optimize.NelderMead{SimplexSize: simplex}, t.left()/4)
	// 4. CMA-ES from the best.
	run(t.best, &optimize.CmaEsChol{InitStepSize: 0.2 * math.Max(s.scale, 1e-3),
		Src: rand.NewPCG(s.seed, s.seed^0x9e3779b97f4a7c15)}, t.left()*2/3)
	// 5. Polish.
	run(t.best, &optimize.NelderMead{SimplexSize: simplex / 10}, t.left())
	// 6. The profile moved a little toward truthful quoting, beyond the
	// budget: it quotes as the profile does where the profile's quote
	// meets the role's limit and refuses just the trades beyond it (a
	// carrier asking a constant 0.8 against costs up to 1 gains by asking
	// 0.8 + a(c - 0.8) with a small, which no start nor simplex reaches:
	// the gain lies in a thin wedge of the weights). Where one of them
	// beats the best found, Nelder-Mead polishes it.
	if p, tr := s.toward[0], s.toward[1]; len(p) == dim && len(tr) == dim {
		before := t.bestV
		t.limit = t.evals + 4 + 20*dim
		for _, a := range []float64{0.001, 0.01, 0.05, 0.2} {
			th := make([]float64, dim)
			for i := range th {
				th[i] = p[i] + a*(tr[i]-p[i])
			}
			t.eval(th)
		}
		if t.bestV > before {
			run(t.best, &optimize.NelderMead{SimplexSize: simplex / 100}, t.left())
		}
	}
	finalists := [][]float64{t.best}
	for _, p := range pts[:min(1, len(pts))] {
		if !slices.ContainsFunc(finalists, func(f []float64) bool { return slices.Equal(f, p.theta) }) {
			finalists = append(finalists, p.theta)
		}
	}
	return t.best, t.bestV, finalists
}

// distinct returns the first n elements of xs (at most) of which no two are
// the same by same, each the first of its kind.
func distinct[T any](xs []T, n int, same func(a, b T) bool) []T {
	var out []T
	for _, x := range xs {
		if len(out) == n {
			break
		}
		if !slices.ContainsFunc(out, func(o T) bool { return same(o, x) }) {
			out = append(out, x)
		}
	}
	return out
}

// near reports whether weights a and b quote nearly alike for the bias
// grid: the bias within a thousandth of the price range, every other
// weight within a thousandth of its size. Starts fitted to the same quotes
// differ by a hair (a quote moved by 1e-6 toward trading); shifting both
// would evaluate the same grid twice.
func near(a, b []float64, bias int, scale float64) bool {
	for i := range a {
		tol := 1e-3 * math.Max(math.Abs(a[i]), math.Abs(b[i]))
		if i == bias {
			tol = 1e-3 * scale
		}
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}
