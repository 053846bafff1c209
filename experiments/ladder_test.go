package experiments

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"gonum.org/v1/gonum/stat/distuv"
)

// The ladder: profiles whose distance from a Nash equilibrium theory gives,
// measured by the equilibrium measurement as a run would (no training: the
// profile is what the scenario configures). docs/EXPERIMENTS.md holds the
// same table with the measured figures; `go test -run TestLadder -v
// ./experiments` prints them.
//
// Tolerances, as issue 11 states them: adherence within 0.03 of theory;
// each gap within 5 % of theory where theory says it is not zero, and below
// 0.5 % of S where it says zero.

// rung is one profile of the ladder.
type rung struct {
	name   string
	preset string
	sets   []string
	// weights, when set, fixes the frozen learners' weights by hand after
	// the scenario is built: per job, the bid and ask to quote.
	bids, asks []float64
	gapS, gapC float64 // per episode; NaN: not checked
	adherence  float64
	maxLoss    float64 // if > 0: each side's relative utility loss must be below it
	exact      bool    // the gaps must come from the exact method
	// distance, when set, is eq_distance by hand (NaN: none, no closed
	// form), to within distTol (1e-4 when 0).
	distance *float64
	distTol  float64
	// loss, when set, is each side's relative utility loss by hand,
	// 1 - U(profile) / U(best response), shipper then carrier (NaN:
	// undefined), to within 0.02.
	loss *[2]float64
	// noisy keeps the frozen learners' standard deviation of 0.001; else
	// the rung sets it to 0 after the scenario is built, so that quotes are
	// exactly what the rung says (a bid equal to an ask trades under the
	// max-volume tie rule; with noise it trades half the time).
	noisy bool
}

// frozen freezes a learning side at its initial quotes: no learning, a
// standard deviation of 0.001, starting truthful (or at zero weights) plus
// offset.
func frozen(side string, start string, offset float64) []string {
	p := side + "[0].strategy."
	return []string{p + "kind=learn", p + "policy=p2", p + "learner=p2", p + "alpha_mu=0", p + "alpha_sigma=0", p + "sigma=0.001", p + "min_sigma=0",
		p + "start=" + start, fmt.Sprintf("%soffset=%v", p, offset)}
}

func sets(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// The deterministic preset: four jobs each epoch (costs 50, 60, 50, 120;
// values 120, 150, 90, 100), 20 epochs an episode, S = 20 x (70 + 90 + 40)
// = 4000, capacity never binds, the spread price.
const detS = 4000

// handSet freezes both sides, whose weights a rung then sets by hand.
var handSet = sets(frozen("shippers", "zero", 0), frozen("carriers", "zero", 0))

// mid is the middle of each job's band, and the prices for the job not
// worth shipping that keep it from trading (bid 95 below its cost 120, ask
// 125 above its value 100).
var (
	midBids = []float64{85, 105, 70, 95}
	midAsks = []float64{85, 105, 70, 125}
)

func minus(xs []float64, d float64) []float64 {
	out := append([]float64(nil), xs...)
	for i := range 3 {
		out[i] -= d
	}
	return out
}

// eq_distance on this market is the mean over the four jobs of the
// distance of (bid, ask) to the job's equilibrium set: the segment bid =
// ask = p, cost <= p <= reservation, or the no-trade set, bid <= cost and
// ask >= reservation (bid <= ask for the job not worth shipping). Truthful
// quotes (120, 50), (150, 60), (90, 50) are 35, 45 and 20 x sqrt 2 from
// their segments' midpoints and (100, 120) is inside the last job's
// no-trade set: 25 sqrt 2 on average. The rung that trades the job not
// worth shipping at bid = ask = 110 has distance 0 though it is no
// equilibrium: it lies on the closure of the no-trade set (a bid a hair
// below the ask is one), so the distance is 0 while the gaps are not.
func deterministicLadder() []rung {
	const pre = "strategic-bidding-deterministic"
	return []rung{
		{name: "carrier asks cost + 40, shipper truthful", preset: pre,
			sets: sets(frozen("shippers", "truthful", 0), frozen("carriers", "truthful", 40)),
			gapS: 1600, gapC: 1600, adherence: 0.20, exact: true, distance: at(10 * math.Sqrt2),
			// The shipper pays its value (U 0 of 1600); the carrier earns 40
			// on each of three jobs, 2400 of 4000.
			loss: &[2]float64{1, 0.4}},
		{name: "the same, with noise 0.001 on every quote: the third job (value 90, ask 90) trades half the time", preset: pre,
			sets: sets(frozen("shippers", "truthful", 0), frozen("carriers", "truthful", 40)), noisy: true,
			gapS: 1600, gapC: 2000, adherence: 0.10, exact: true, distance: at(10 * math.Sqrt2)},
		{name: "shipper bids value - 80, carrier truthful", preset: pre,
			sets: sets(frozen("shippers", "truthful", -80), frozen("carriers", "truthful", 0)),
			gapS: 2400, gapC: 200, adherence: 0.35, exact: true, distance: at((50 + 5*math.Sqrt2) / 4)},
		{name: "shipper bids value - 20, carrier truthful", preset: pre,
			sets: sets(frozen("shippers", "truthful", -20), frozen("carriers", "truthful", 0)),
			gapS: 2800, gapC: 2800, adherence: 0, exact: true, distance: at(17.5 * math.Sqrt2)},
		{name: "both truthful", preset: pre,
			sets: sets(frozen("shippers", "truthful", 0), frozen("carriers", "truthful", 0)),
			gapS: 4000, gapC: 4000, adherence: 0, exact: true, distance: at(25 * math.Sqrt2), loss: &[2]float64{1, 1}},
		{name: "bid = ask = mid price (an equilibrium)", preset: pre, sets: handSet, bids: midBids, asks: midAsks,
			gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(0), loss: &[2]float64{0, 0}},
		{name: "shipper underbids the mid price by 10", preset: pre, sets: handSet, bids: minus(midBids, 10), asks: midAsks,
			gapS: 2000, gapC: 1400, adherence: 0.15, exact: true, distance: at(3.75 * math.Sqrt2)},
		{name: "shipper underbids the mid price by 20", preset: pre, sets: handSet, bids: minus(midBids, 20), asks: midAsks,
			gapS: 2000, gapC: 800, adherence: 0.30, exact: true, distance: at(7.5 * math.Sqrt2)},
		{name: "shipper underbids the mid price by 40", preset: pre, sets: handSet, bids: minus(midBids, 40), asks: midAsks,
			gapS: 2000, gapC: 100, adherence: 0.475, exact: true, distance: at(10*math.Sqrt2 + 5)},
		{name: "bid = ask = mid on every job, the one not worth shipping too (it trades at 110, both lose 10)", preset: pre, sets: handSet,
			bids: []float64{85, 105, 70, 110}, asks: []float64{85, 105, 70, 110},
			gapS: 200, gapC: 200, adherence: 0.9, exact: true, distance: at(0)},
		{name: "no trade: bids below every cost, asks above every value", preset: pre,
			sets: sets(frozen("shippers", "zero", 0), frozen("carriers", "zero", 1000)),
			gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(0)},
		// P2's strict tie rule: a job trades only when its bid exceeds its
		// ask. The third job's truthful bid, 90, meets the ask of cost + 40
		// and no longer trades; the carrier gains its 40 by asking a hair
		// below 90, and the shipper nothing there (she would pay more than
		// 90): gaps 80 and 30 + 50 + 40 = 120 an epoch.
		{name: "strict ties: carrier asks cost + 40, shipper truthful (the third job, bid 90 = ask 90, does not trade)", preset: pre,
			sets: sets(frozen("shippers", "truthful", 0), frozen("carriers", "truthful", 40), []string{"market.tie=strict"}),
			gapS: 1600, gapC: 2400, adherence: 0, exact: true, distance: at(math.NaN())},
		// Under the strict rule bid = ask never trades, and a bid a hair
		// above the ask is the equilibrium (measureRung bids 1e-6 above).
		// The equilibria there are not the closed sets eq_distance measures
		// to (no closed form is claimed for the strict rule): NaN.
		{name: "strict ties: bid a hair above ask = mid price (an equilibrium)", preset: pre,
			sets: sets(handSet, []string{"market.tie=strict"}), bids: midBids, asks: midAsks,
			gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(math.NaN())},
		{name: "fixed strategies: shipper bids 0.8 x value, carrier asks 1.2 x cost (markup 0.2 each)", preset: pre,
			sets: []string{"shippers[0].strategy.kind=markup", "shippers[0].strategy.markup=0.2",
				"carriers[0].strategy.kind=markup", "carriers[0].strategy.markup=0.2"},
			// Bids 96, 120, 72, 80 and asks 60, 72, 60, 144: three jobs trade
			// at the bid. The shipper gains by bidding the ask, 60+78+30
			// instead of 24+30+18 an epoch; the carrier by asking the bid,
			// 46+60+22 instead of 10+12+10: 96 an epoch each.
			gapS: 20 * 96, gapC: 20 * 96, adherence: 0.04, exact: true, distance: at(12 * math.Sqrt2)},
	}
}

// The stochastic preset (P2's random jobs, which can wait: the global
// search): profiles whose gaps theory gives where capacity does not bind
// (expected demand 27.5 volume units an epoch against 80).
func stochasticLadder() []rung {
	const pre = "strategic-bidding-stochastic"
	// The money scale is the largest cost, 0.1 x 10 x 100 = 100: weight 100
	// on the cost feature quotes the cost.
	linear := func(side string, w0 float64) []string {
		return []string{fmt.Sprintf("%s[0].strategy={kind: linear, features: [bias, cost], weights: [%v, 100]}", side, w0)}
	}
	return []rung{
		{name: "stochastic, no trade: bids below every cost, asks above every value", preset: pre,
			sets: sets(frozen("shippers", "zero", 0), frozen("carriers", "zero", 10000)),
			gapS: 0, gapC: 0, adherence: 1},
		// Each meets the other's quote: waiting costs the shipper, asking more
		// loses the carrier the job.
		{name: "stochastic, bid = ask = cost + 10 (fixed linear rules)", preset: pre,
			sets: sets(linear("shippers", 10), linear("carriers", 10)), adherence: 1, gapS: math.NaN(), gapC: math.NaN()},
		// The shipper gains the whole surplus by bidding the cost, the
		// carrier by asking the reservation: NashConv about 2S.
		{name: "stochastic, both truthful", preset: pre,
			sets:      []string{"shippers[0].strategy.kind=truthful", "carriers[0].strategy.kind=truthful"},
			adherence: 0, gapS: math.NaN(), gapC: math.NaN()},
	}
}

// at is a pointer to x, for a rung's distance.
func at(x float64) *float64 { return &x }

// csDistance is eq_distance in bilateral trading on [0, 1] by hand: the
// root of the smaller of E[(bid(v) - b*(v))²] + E[(ask(c) - a*(c))²],
// (b*, a*) Chatterjee and Samuelson's lines at k, and E[bid(v)+²] +
// E[(1 - ask(c))+²], the distance to no trade (bids at most the lowest
// cost, asks at least the highest value). The measurement averages over
// 201 points of each support, ends included, this over the continuum: a
// few parts in 1e4 apart where the distance is 0.2.
func csDistance(k float64, bid, ask equilibrium.Line) float64 {
	b0, b1, a0, a1, _ := chatterjeeSamuelson(k)
	bs, as := equilibrium.Line{Intercept: b0, Slope: b1}, equilibrium.Line{Intercept: a0, Slope: a1}
	lin := meanOverUnit(func(x float64) float64 { return sq(bid.At(x)-bs.At(x)) + sq(ask.At(x)-as.At(x)) })
	none := meanOverUnit(func(x float64) float64 { return sq(max(bid.At(x), 0)) + sq(max(1-ask.At(x), 0)) })
	return math.Sqrt(min(lin, none))
}

func sq(x float64) float64 { return x * x }

// searched is the rung measured by the global search instead of the exact
// method: it must find the same gaps.
func searched(c rung) rung {
	c.name += ", by search"
	c.sets = append(slices.Clone(c.sets), "equilibrium.method=search")
	c.exact = false
	return c
}

// Bilateral trading under the k-double price k bid + (1-k) ask: values and
// costs uniform on [0, 1], 50 rounds an episode; S = 50/6 per episode when
// every efficient trade happens.
//
// Against a truthful seller a buyer of value v who bids b gains
// v b - k b^2 - (1-k) b^2/2 a round, at best v^2/(2(1+k)) with
// b = v/(1+k), against v^2 (1-k)/2 when truthful: the gap is
// k^2/(6(1+k)) a round, and the seller's, by symmetry,
// (1-k)^2/(6(2-k)); 1/36 each at k = 1/2. At k = 0 (the ask sets the
// price) and k = 1 (the bid does) the side that does not set the price
// loses nothing by quoting its type: a gap of zero.
func bilateralLadder(k float64) []rung {
	const pre = "bilateral"
	// Against a truthful opponent (a point quote at its private type) each
	// round's gain varies with the opponent's type (standard deviation
	// about 0.1 against a mean of 1/36 at k = 1/2): 30,000 fresh rounds
	// bring the gap's standard error to 1.7 % (the 5 % tolerance is 3
	// standard errors), and 3,200 search rounds the best response found
	// to within 1 % of the best. At k = 0.2 and 0.8 one side's gap is a
	// tenth of that (0.28 an episode) and as flat near its best: fitted
	// on 3,200 rounds the best response fell 1 to 8 % short of it on
	// seeds 1 to 3, and scored on 3,200 (the preset's precision) the
	// equilibrium's gaps reached 0.8 % of S; 12,800 and 120,000 rounds
	// bring them within 4 % and 0.01 % (BenchmarkLadderBilateralSeeds).
	large := []string{"equilibrium.eval_episodes=600", "equilibrium.search_episodes=64"}
	if k != 0.5 && k > 0 && k < 1 {
		large = []string{"equilibrium.eval_episodes=2400", "equilibrium.search_episodes=256"}
	}
	large = append(large, fmt.Sprintf("market.k=%v", k))
	truthful := append([]string{"shippers[0].strategy.kind=truthful", "carriers[0].strategy.kind=truthful"}, large...)
	gapS, gapC := 50*k*k/(6*(1+k)), 50*(1-k)*(1-k)/(6*(2-k))
	b0, b1, a0, a1, _ := chatterjeeSamuelson(k)
	// The buyer at her best response to a truthful seller, bid v/(1+k) =
	// s v, the seller truthful: the buyer gains nothing by deviating; the
	// seller of cost c < s would ask (c + (1-k) s)/(2-k) against bids
	// uniform on [0, s] (newBilateralApart's rule), and gains nothing at
	// k = 1, where the bid sets the price.
	sb := 1 / (1 + k)
	gapBR := 50 * meanOverUnit(func(c float64) float64 {
		if c >= sb {
			return 0
		}
		return sellerGainAgainst(k, sb, (c+(1-k)*sb)/(2-k), c) - sellerGainAgainst(k, sb, c, c)
	})
	return []rung{
		{name: fmt.Sprintf("bilateral at k = %v, the buyer's best response to a truthful seller (bid %.3g v), the seller truthful", k, sb), preset: pre,
			sets: append(slices.Clone(handSet), large...), bids: []float64{0, sb}, asks: []float64{0, 1},
			gapS: 0, gapC: gapBR, adherence: 1 - gapBR/(50.0/6), exact: true,
			distance: at(csDistance(k, equilibrium.Line{Slope: sb}, equilibrium.Line{Slope: 1})), distTol: 2e-3},
		// Truthful, the buyer gains (1-k)/6 a round of her best 1/(6(1+k)),
		// the seller k/6 of 1/(6(2-k)): relative losses k² and (1-k)².
		{name: fmt.Sprintf("bilateral at k = %v, both truthful", k), preset: pre, sets: truthful,
			gapS: gapS, gapC: gapC, adherence: 1 - (gapS+gapC)/(50.0/6), exact: true, loss: &[2]float64{k * k, (1 - k) * (1 - k)},
			distance: at(csDistance(k, equilibrium.Line{Slope: 1}, equilibrium.Line{Slope: 1})), distTol: 2e-3},
		// Chatterjee and Samuelson's linear equilibrium: no gain.
		{name: fmt.Sprintf("bilateral at k = %v, the linear equilibrium (bid %.3g v + %.3g, ask %.3g c + %.3g)", k, b1, b0, a1, a0), preset: pre,
			sets: append(slices.Clone(handSet), large...),
			bids: []float64{b0, b1}, asks: []float64{a0, a1},
			gapS: 0, gapC: 0, adherence: 1, exact: true, maxLoss: 0.01, distance: at(0), distTol: 1e-6},
	}
}

// One price: in bilateral trading with values on [2, 3] above costs on
// [0, 1], bid = ask = p is an equilibrium for every p in [1, 2] (every
// round trades at p, which every type accepts): a continuum of
// equilibria, no closed form claimed. A price below the highest cost is
// not one: a seller of cost c > p loses c - p a round by trading, and asks
// above p instead, E[(c - p)+] = (1 - p)^2 / 2 a round (0.02 at p = 0.8, 1
// an episode of 50 rounds; S = 2 x 50 = 100); likewise a buyer at a price
// above the lowest value, (p - 2)^2 / 2. The class's best response is a
// limit: ask p + a (c - p) with a to 0 refuses just those trades and gives
// up a x 0.16 a round of price on the others. Truthful quotes at k = 1/2:
// the buyer bids 1, the highest cost (payoff v - 3/4 against v/2 - 1/4), a
// gap of E[v/2 - 1/2] = 0.75 a round, and the seller asks 2 by symmetry:
// adherence 1 - 1.5/2 = 0.25. On [0, 1] bid = ask = 1/2 loses in half the
// rounds on each side: gaps 1/8 a round, adherence 0.
func onePriceLadder() []rung {
	const pre = "bilateral"
	base := []string{"equilibrium.eval_episodes=600", "equilibrium.search_episodes=64"}
	apart := append([]string{"jobs.value.min=2", "jobs.value.max=3"}, base...)
	price := func(sets []string, p float64) []string {
		return append(slices.Clone(sets), "shippers[0].strategy.kind=linear", fmt.Sprintf("shippers[0].strategy.weights=[%v,0]", p),
			"carriers[0].strategy.kind=linear", fmt.Sprintf("carriers[0].strategy.weights=[%v,0]", p))
	}
	truthful := append(slices.Clone(apart), "shippers[0].strategy.kind=truthful", "carriers[0].strategy.kind=truthful")
	return []rung{
		{name: "values on [2, 3] above costs on [0, 1], both truthful", preset: pre, sets: truthful,
			gapS: 37.5, gapC: 37.5, adherence: 0.25, exact: true, distance: at(math.NaN())},
		{name: "values above costs, one price 1.5 (an equilibrium)", preset: pre, sets: price(apart, 1.5), gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(math.NaN())},
		{name: "values above costs, one price 1, the highest cost (an equilibrium)", preset: pre, sets: price(apart, 1), gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(math.NaN())},
		{name: "values above costs, one price 2, the lowest value (an equilibrium)", preset: pre, sets: price(apart, 2), gapS: 0, gapC: 0, adherence: 1, exact: true, distance: at(math.NaN())},
		{name: "values above costs, one price 0.8, below the highest cost", preset: pre, sets: price(apart, 0.8), gapS: 0, gapC: 1, adherence: 0.99, exact: true, distance: at(math.NaN())},
		{name: "values above costs, one price 2.2, above the lowest value", preset: pre, sets: price(apart, 2.2), gapS: 1, gapC: 0, adherence: 0.99, exact: true, distance: at(math.NaN())},
		{name: "values and costs on [0, 1], one price 1/2", preset: pre, sets: price(base, 0.5), gapS: 6.25, gapC: 6.25, adherence: 0, exact: true,
			distance: at(csDistance(0.5, equilibrium.Line{Intercept: 0.5}, equilibrium.Line{Intercept: 0.5})), distTol: 2e-3},
	}
}

// measureRung builds the rung's scenario, fixes its weights, and measures.
func measureRung(t testing.TB, c rung) (equilibrium.Measurement, *replicate) {
	t.Helper()
	base := []string{"training.episodes=0", "equilibrium.enabled=true"}
	_, r := replicateOf(t, c.preset, append(base, c.sets...)...)
	if c.bids != nil {
		ship, car := r.x.Shippers[0].Strategy.(*agents.Gaussian), r.x.Carriers[0].Strategy.(*agents.Gaussian)
		if c.preset == "bilateral" {
			copy(ship.Policy.Theta, c.bids)
			copy(car.Policy.Theta, c.asks)
		} else {
			// Weights solved in floating point quote bid = ask only to within
			// rounding, and a spread of -1e-14 does not trade: overbid by
			// 1e-6, which moves each gap by at most 1e-6 per trade.
			bids := append([]float64(nil), c.bids...)
			for i := range bids {
				bids[i] += 1e-6
			}
			copy(ship.Policy.Theta, weightsFor(t, r, bids))
			copy(car.Policy.Theta, weightsFor(t, r, c.asks))
		}
	}
	if !c.noisy {
		for _, s := range []agents.Strategy{r.x.Shippers[0].Strategy, r.x.Carriers[0].Strategy} {
			if g, ok := s.(*agents.Gaussian); ok {
				g.Policy.Sigma = 0
			}
		}
	}
	return measure(r), r
}

func checkRung(t testing.TB, c rung, m equilibrium.Measurement) {
	t.Helper()
	s := m.Surplus
	for _, g := range []struct {
		who       string
		got, want float64
		exact     float64
	}{{"shipper", m.GapShipper, c.gapS, m.ExactShipper}, {"carrier", m.GapCarrier, c.gapC, m.ExactCarrier}} {
		if math.IsNaN(g.want) {
			continue
		}
		if g.exact != map[bool]float64{true: 1, false: 0}[c.exact] {
			t.Errorf("%s: the %s's gap is not exact (br_exact %v)", c.name, g.who, g.exact)
		}
		tol := 0.05 * g.want
		if g.want == 0 {
			tol = 0.005 * s
		}
		if math.Abs(g.got-g.want) > tol {
			t.Errorf("%s: %s's gap %.4g per episode, theory %.4g (tolerance %.3g)", c.name, g.who, g.got, g.want, tol)
		}
	}
	if c.maxLoss > 0 && !(m.LossShipper < c.maxLoss && m.LossCarrier < c.maxLoss) {
		t.Errorf("%s: relative utility losses %.4g (shipper) and %.4g (carrier), want both below %v", c.name, m.LossShipper, m.LossCarrier, c.maxLoss)
	}
	if c.loss != nil {
		for i, got := range []float64{m.LossShipper, m.LossCarrier} {
			if want := c.loss[i]; math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 0.02 {
				t.Errorf("%s: %s's relative utility loss %.4g, by hand %.4g (tolerance 0.02)", c.name, []string{"shipper", "carrier"}[i], got, want)
			}
		}
	}
	if c.distance != nil {
		want, tol := *c.distance, c.distTol
		if tol == 0 {
			tol = 1e-4
		}
		if math.IsNaN(want) != math.IsNaN(m.Distance) || math.Abs(m.Distance-want) > tol {
			t.Errorf("%s: eq_distance %.6g, by hand %.6g (tolerance %.2g)", c.name, m.Distance, want, tol)
		}
	}
	if !math.IsNaN(c.adherence) && math.Abs(m.Adherence-c.adherence) > 0.03 {
		t.Errorf("%s: ne_adherence %.4f, theory %.4f (tolerance 0.03)", c.name, m.Adherence, c.adherence)
	}
}

// TestLadder measures every rung and checks it against theory; the
// bilateral rungs, whose types are drawn, at k = 1/2 and at the ends k = 0
// and 1 on seed 1 (the rest: BenchmarkLadderBilateralSeeds).
func TestLadder(t *testing.T) {
	var all []rung
	all = append(all, deterministicLadder()...)
	all = append(all, bilateralOnSeeds([]float64{0.5, 0, 1}, 1)...)
	all = append(all, stochasticLadder()...)
	all = append(all, onePriceLadder()...)
	for _, i := range []int{0, 2, 8, 9, 10, 11} { // cost + 40; value - 80; underbid by 40; mid on every job; no trade; strict ties
		all = append(all, searched(deterministicLadder()[i]))
	}
	checkLadder(t, all)
}

// BenchmarkLadderBilateralSeeds is the rest of the ladder: its bilateral
// rungs at k = 1/2, 0 and 1 on seeds 2 and 3, and at k = 0.2 and 0.8, whose
// small gaps need ten times the rounds, on seeds 1 to 3; checked as
// TestLadder checks them. Each costs about as much as the rest of the
// ladder together, so they are a benchmark, not a test: `go test -run '^$'
// -bench LadderBilateralSeeds -benchtime 1x -v ./experiments`, and in CI,
// which runs every benchmark once; a rung off theory fails it.
func BenchmarkLadderBilateralSeeds(b *testing.B) {
	for b.Loop() {
		checkLadder(b, slices.Concat(bilateralOnSeeds([]float64{0.5, 0, 1}, 2, 3), bilateralOnSeeds([]float64{0.2, 0.8}, 1, 2, 3)))
	}
}

// bilateralOnSeeds is the bilateral ladder at each price k on each seed.
func bilateralOnSeeds(ks []float64, seeds ...int) []rung {
	var all []rung
	for _, seed := range seeds {
		for _, k := range ks {
			for _, c := range bilateralLadder(k) {
				c.sets = append(slices.Clone(c.sets), fmt.Sprintf("seed=%d", seed))
				c.name = fmt.Sprintf("%s (seed %d)", c.name, seed)
				all = append(all, c)
			}
		}
	}
	return all
}

func checkLadder(t testing.TB, all []rung) {
	for _, c := range all {
		m, _ := measureRung(t, c)
		checkRung(t, c, m)
		t.Logf("%-70s gaps %8.4g %8.4g  adherence %.3f (theory %.3f)  S %.4g  exact %v/%v", c.name, m.GapShipper, m.GapCarrier, m.Adherence, c.adherence, m.Surplus, m.ExactShipper, m.ExactCarrier)
	}
}

// TestLearnedProfileAgainstBruteForce trains P1's deterministic market and
// checks its measurement against a brute force written apart from the
// measurement's own formulas: per job type, the learned quotes are normal
// (mean and standard deviation at the job's features); the best
// deterministic bid maximises (R - b) P(ask <= b) on a grid of step 1e-3
// over the whole price range, the profile's payoff integrates it against
// the learned bid's density (gonum's distuv), and likewise for the carrier.
// With four features the linear class reproduces any per-job quotes, so the
// class's best response is the per-job best.
//
// The exact method must agree within 0.5 % (the grid's and the
// integration's errors are far smaller). The search method is checked
// twice: its best response, scored by the brute force, must reach 95 % of
// the best; and its simulated gap, which carries the noise of the
// opponent's quotes over the fresh episodes, must lie within 1.5 times its
// own 95 % half-width (3 standard errors) of the exact gap. On seeds 1, 2
// and 3.
func TestLearnedProfileAgainstBruteForce(t *testing.T) {
	for seed := 1; seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { learnedProfileAgainstBruteForce(t, seed) })
	}
}

func learnedProfileAgainstBruteForce(t *testing.T, seed int) {
	sc, r := replicateOf(t, "strategic-bidding-deterministic", "evaluation.every=3000", "equilibrium.enabled=false",
		"equilibrium.eval_episodes=64", fmt.Sprintf("seed=%d", seed))
	if err := r.run(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	ship, car := r.x.Shippers[0].Strategy.(agents.Described), r.x.Carriers[0].Strategy.(agents.Described)
	jobs := sc.FixedJobs()
	ptrs := make([]*agents.Job, len(jobs))
	for i := range jobs {
		jobs[i].Reserve = jobs[i].Value
		ptrs[i] = &jobs[i]
	}
	var v agents.View
	v.Observe(ptrs, false)
	v.Carrier, v.Capacity = r.x.Carriers[0], r.x.Carriers[0].Capacity
	epochs := float64(sc.Equilibrium.Horizon + 1)
	// value is the brute-force expected gain per episode over the profile of
	// side (0 shipper, 1 carrier) quoting theta . phi, or its best quote per
	// job when theta is nil.
	value := func(side int, theta []float64) float64 {
		var gain float64
		for _, j := range ptrs {
			bd, _ := agents.DistOf(ship, j, &v, nil)
			ad, _ := agents.DistOf(car, j, &v, nil)
			R, c := j.Reserve, v.Carrier.Cost(j)
			pay := func(b float64) float64 { return (R - b) * cdf(ad, b) }
			own := bd
			if side == 1 {
				pay = func(a float64) float64 { return (a - c) * (1 - cdf(bd, a)) }
				own = ad
			}
			var q float64
			if theta == nil {
				lo := math.Min(bd.At-12*bd.SD, ad.At-12*ad.SD) - 1
				hi := math.Max(bd.At+12*bd.SD, ad.At+12*ad.SD) + 1
				q = math.Inf(-1)
				for x := lo; x <= hi; x += 1e-3 {
					q = math.Max(q, pay(x))
				}
			} else {
				phi := make([]float64, len(theta))
				[]agents.Features{ship.FeatureMap(), car.FeatureMap()}[side].Fill(phi, j, &v)
				var p float64
				for i, w := range theta {
					p += w * phi[i]
				}
				q = pay(p)
			}
			gain += q - expect(own, pay)
		}
		return gain * epochs
	}
	want := [2]float64{value(0, nil), value(1, nil)}
	sc.Equilibrium.Enabled = true
	exact := measure(r)
	sc.Equilibrium.Method = scenario.MethodSearch
	searchM := measure(r)
	for side, who := range []string{"shipper", "carrier"} {
		e, s := exact.Roles[side], searchM.Roles[side]
		found := value(side, s.Weights)
		t.Logf("%s: brute force gap %.4g per episode; exact %.4g; search %.4g ± %.2g, its best response worth %.4g", who, want[side], e.Gap, s.Gap, s.CI95, found)
		if math.Abs(e.Gap-want[side]) > 0.005*want[side]+1e-6 {
			t.Errorf("%s: exact gap %.6g, brute force %.6g (tolerance 0.5 %%)", who, e.Gap, want[side])
		}
		if found < 0.95*want[side] {
			t.Errorf("%s: the searched best response gains %.6g, want at least 95 %% of the best %.6g", who, found, want[side])
		}
		if math.Abs(s.Gap-e.Gap) > 1.5*s.CI95 {
			t.Errorf("%s: searched gap %.6g ± %.3g, exact %.6g: further than 1.5 half-widths", who, s.Gap, s.CI95, e.Gap)
		}
	}
}

// cdf is P(X <= x) for a point or normal quote distribution.
func cdf(d agents.QuoteDist, x float64) float64 {
	if d.Kind == agents.PointQuote {
		if d.At <= x {
			return 1
		}
		return 0
	}
	return distuv.Normal{Mu: d.At, Sigma: d.SD}.CDF(x)
}

// expect is E[f(X)] for a point or normal X, by the midpoint rule on
// 20,001 points over 12 standard deviations each side.
func expect(d agents.QuoteDist, f func(float64) float64) float64 {
	if d.Kind == agents.PointQuote {
		return f(d.At)
	}
	const n = 20001
	n01 := distuv.Normal{Mu: 0, Sigma: 1}
	var s float64
	h := 24.0 / n
	for i := range n {
		z := -12 + (float64(i)+0.5)*h
		s += f(d.At+d.SD*z) * n01.Prob(z) * h
	}
	return s
}

// chatterjeeSamuelson is the linear Bayesian equilibrium of the bilateral
// k-double auction (Chatterjee and Samuelson 1983): bid b0 + b1 v, ask
// a0 + a1 c, and the share of the first-best gains it realises, integrated
// by the midpoint rule in v (error below 1e-8).
func chatterjeeSamuelson(k float64) (b0, b1, a0, a1, efficiency float64) {
	b0, b1, a0, a1 = k*(1-k)/(2*(1+k)), 1/(1+k), (1-k)/2, 1/(2-k)
	const n = 20000
	var gains float64
	for i := range n {
		v := (float64(i) + 0.5) / n
		c := min(max((b0-a0+b1*v)/a1, 0), 1) // trade iff cost <= c
		gains += (v*c - c*c/2) / n
	}
	return b0, b1, a0, a1, gains / (1.0 / 6)
}

// The equilibrium at k = 1/2 is the textbook one: 2/3 v + 1/12,
// 2/3 c + 1/4, efficiency 27/32.
func TestChatterjeeSamuelsonAtOneHalf(t *testing.T) {
	b0, b1, a0, a1, eff := chatterjeeSamuelson(0.5)
	for _, c := range [][2]float64{{b0, 1.0 / 12}, {b1, 2.0 / 3}, {a0, 0.25}, {a1, 2.0 / 3}, {eff, 27.0 / 32}} {
		if math.Abs(c[0]-c[1]) > 1e-8 {
			t.Errorf("got %v, want %v", c[0], c[1])
		}
	}
}

// TestDefaultLearnerReachesChatterjeeSamuelson is issue 12's check of the
// bilateral preset as shipped (4000 episodes, the default learner, 8
// replicates) at one point of its grid, k = 0.8 (--set market.k=0.8, so
// the override reaches the market), seed 1: every mean learned coefficient
// within 0.05 of the closed form, and the mean efficiency of the final
// evaluation within 0.05 of the equilibrium's (largest error measured
// there: 0.013, the efficiency). The whole grid, k = 0.2, 0.35, 0.5, 0.65
// and 0.8 on seeds 1 and 2, is BenchmarkDefaultLearnerReachesChatterjeeSamuelson
// (ten times the cost, about 10 s of CPU; issue 13 keeps the suite fast).
func TestDefaultLearnerReachesChatterjeeSamuelson(t *testing.T) {
	reachesChatterjeeSamuelson(t, []float64{0.8}, []int{1})
}

// BenchmarkDefaultLearnerReachesChatterjeeSamuelson is issue 12's check in
// full: the test above for k = 0.2, 0.35, 0.5, 0.65 and 0.8 on seeds 1
// and 2. The tolerance is the issue's; a replicate's coefficients scatter
// with a standard deviation of about 0.02-0.03 (measured), so a mean of 8
// is within about 0.01 of the mean of many, and what is left is bias:
// sigma ends at its floor, 0.025, and the noisy game's equilibrium is
// 0.01-0.03 from the noiseless one. The largest error measured is 0.046
// (k = 0.2, seed 1, the ask's slope: 0.602 against 0.556); the side that
// pays the smaller share of the price converges last. A benchmark, not a
// test, because it costs about 10 s of CPU: `go test -run '^$' -bench
// ChatterjeeSamuelson -benchtime 1x -v ./experiments`, and in CI, which
// runs every benchmark once; an error fails it.
func BenchmarkDefaultLearnerReachesChatterjeeSamuelson(b *testing.B) {
	for b.Loop() {
		reachesChatterjeeSamuelson(b, []float64{0.2, 0.35, 0.5, 0.65, 0.8}, []int{1, 2})
	}
}

// BenchmarkDefaultLearnerAtTheEndsOfK: Chatterjee and Samuelson's
// equilibrium at k = 0 (the ask sets the price: bid v, ask c/2 + 1/2) and
// k = 1 (the bid does: bid v/2, ask c), the bilateral preset as shipped, 8
// replicates on seeds 1 and 2. The side that does not set the price has a
// flat objective near its equilibrium line (a quote off by d loses only
// of order d² of its gains), so its coefficients are poorly identified: at
// k = 0 the learned bid is 0.893 v + 0.074 on seed 1, 0.879 v + 0.092 on
// seed 2. The check is therefore on what theory fixes sharply:
// the price-setting side's coefficients within 0.05 of the closed form
// (as BenchmarkDefaultLearnerReachesChatterjeeSamuelson), and the profile's
// distance from equilibrium in payoff, NE adherence at least 0.98 and each
// side's relative utility loss at most 0.03 (measured on seeds 1 and 2:
// adherence 0.9902 and 0.9886, losses 0.018 / 0.009 and 0.018 / 0.012 at
// k = 0; 0.9915 and 0.9899, 0.011 / 0.0125 and 0.012 / 0.014 at k = 1; at
// k = 1/2, for comparison, 0.9915, 0.010 / 0.010 on seed 1). A benchmark
// (24 s with the measurement); CI runs it once.
func BenchmarkDefaultLearnerAtTheEndsOfK(b *testing.B) {
	for b.Loop() {
		for _, k := range []float64{0, 1} {
			b0, b1, a0, a1, _ := chatterjeeSamuelson(k)
			names, want := []string{"ask_theta_0", "ask_theta_1"}, []float64{a0, a1}
			if k == 1 {
				names, want = []string{"theta_0", "theta_1"}, []float64{b0, b1}
			}
			for _, seed := range []int{1, 2} {
				_, res := resolveAndRun(b, "bilateral", []string{fmt.Sprintf("market.k=%v", k), fmt.Sprintf("seed=%d", seed), "replicates=8"})
				m := res.Summary.Metrics
				b.Logf("k %v seed %d: bid %.3f + %.3f v, ask %.3f + %.3f c; adherence %.4f, utility losses %.4f / %.4f", k, seed,
					m["theta_0"].Mean, m["theta_1"].Mean, m["ask_theta_0"].Mean, m["ask_theta_1"].Mean,
					m["ne_adherence"].Mean, m["utility_loss_shipper"].Mean, m["utility_loss_carrier"].Mean)
				for i, n := range names {
					if got := m[n]; got.N != 8 || math.Abs(got.Mean-want[i]) > 0.05 {
						b.Errorf("k %v, seed %d: mean %s over %d replicates %.4f, want %.4f within 0.05", k, seed, n, got.N, got.Mean, want[i])
					}
				}
				if adh := m["ne_adherence"].Mean; !(adh >= 0.98) {
					b.Errorf("k %v, seed %d: NE adherence %.4f, want at least 0.98", k, seed, adh)
				}
				for _, n := range []string{"utility_loss_shipper", "utility_loss_carrier"} {
					if l := m[n].Mean; !(l <= 0.03) {
						b.Errorf("k %v, seed %d: %s %.4f, want at most 0.03", k, seed, n, l)
					}
				}
			}
		}
	}
}

func reachesChatterjeeSamuelson(t testing.TB, ks []float64, seeds []int) {
	const tol = 0.05
	names := []string{"theta_0", "theta_1", "ask_theta_0", "ask_theta_1", "efficiency"}
	for _, k := range ks {
		b0, b1, a0, a1, eff := chatterjeeSamuelson(k)
		want := []float64{b0, b1, a0, a1, eff}
		for _, seed := range seeds {
			_, res := resolveAndRun(t, "bilateral", []string{fmt.Sprintf("market.k=%v", k), fmt.Sprintf("seed=%d", seed),
				"replicates=8", "equilibrium.enabled=false"})
			m := res.Summary.Metrics
			t.Logf("k %.2f seed %d: bid %.3f + %.3f v (%.3f + %.3f), ask %.3f + %.3f c (%.3f + %.3f), efficiency %.3f (%.3f)",
				k, seed, m["theta_0"].Mean, m["theta_1"].Mean, b0, b1, m["ask_theta_0"].Mean, m["ask_theta_1"].Mean, a0, a1, m["efficiency"].Mean, eff)
			for i, n := range names {
				if got := m[n]; got.N != 8 || math.Abs(got.Mean-want[i]) > tol {
					t.Errorf("k %v, seed %d: mean %s over %d replicates %.4f, want %.4f within %v", k, seed, n, got.N, got.Mean, want[i], tol)
				}
			}
		}
	}
}

// TestDefaultLearnerOnTheDeterministicMarket: the default learner on both
// sides of strategic-bidding-deterministic (the preset with learner
// natural), 4 replicates: NE adherence, measured exactly, at least 0.95 on
// average (P1's figure for deterministic settings) and in every replicate
// at least 0.94; measured over 8 replicates: 0.965 (0.963 to 0.966), the
// loss being the price of quoting with sigma at its floor, 1.25 (see
// docs/EXPERIMENTS.md, Learners). A market that stops trading scores near
// 0. Skipped with -short (about 3 s of CPU).
func TestDefaultLearnerOnTheDeterministicMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("training 4 replicates: skipped with -short")
	}
	sc, res := resolveAndRun(t, "strategic-bidding-deterministic", []string{"replicates=4",
		"shippers[0].strategy.learner=natural", "carriers[0].strategy.learner=natural", "equilibrium.at_evaluations=false"})
	adh := res.Summary.Metrics["ne_adherence"]
	t.Logf("adherence %.4f (%.4f to %.4f), eq_distance %.3f", adh.Mean, adh.CI95Low, adh.CI95High, res.Summary.Metrics["eq_distance"].Mean)
	if adh.N != 4 || adh.Mean < 0.95 {
		t.Errorf("mean NE adherence %v over %d replicates, want >= 0.95 over 4", adh.Mean, adh.N)
	}
	col := res.Evaluations.Column("ne_adherence")
	for _, r := range res.Evaluations.Rows {
		if int(r.Keys[1]) == sc.Training.Episodes && r.Values[col] < 0.94 {
			t.Errorf("replicate %d: NE adherence %v, want >= 0.94", r.Keys[0], r.Values[col])
		}
	}
}

// BenchmarkDefaultLearnerFindsAOnePrice: bilateral trading with values on
// [2, 3] above costs on [0, 1] (the bilateral preset otherwise), where
// every price from 1 to 2 is a one-price equilibrium (onePriceLadder):
// the default learner, 4 replicates on each of seeds 1, 2 and 3, must come
// near one. Its mean learned lines must trade in every round (the lowest
// bid, at v = 2, at least the highest ask, at c = 1), efficiency at least
// 0.98 and NE adherence at least 0.97 (measured: 0.989 to 0.996, 0.981 to
// 0.982). A benchmark, run once by CI: 9 s of training.
func BenchmarkDefaultLearnerFindsAOnePrice(b *testing.B) {
	for b.Loop() {
		for seed := 1; seed <= 3; seed++ {
			sc, res := resolveAndRun(b, "bilateral", []string{"jobs.value.min=2", "jobs.value.max=3", fmt.Sprintf("seed=%d", seed), "replicates=4"})
			m := res.Summary.Metrics
			bid, ask, ok := LearnedLines(&sc, res.Summary)
			eff, adh := m["efficiency"].Mean, m["ne_adherence"].Mean
			b.Logf("seed %d: bid(v) = %.4f v + %.4f, ask(c) = %.4f c + %.4f, efficiency %.4f, adherence %.4f", seed, bid.Slope, bid.Intercept, ask.Slope, ask.Intercept, eff, adh)
			if !ok || bid.At(2) < ask.At(1) {
				b.Errorf("seed %d: learned lines %v, %v (ok %v): the lowest bid %.4f below the highest ask %.4f", seed, bid, ask, ok, bid.At(2), ask.At(1))
			}
			if eff < 0.98 || adh < 0.97 {
				b.Errorf("seed %d: efficiency %.4f, adherence %.4f; want at least 0.98 and 0.97", seed, eff, adh)
			}
		}
	}
}
