package equilibrium

import (
	"math"
	"strconv"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/market/kdouble"
)

// Large is the theory of the m x m market (Rustichini, Satterthwaite and
// Williams 1994): each round, in every segment of the market, m buyers
// with one unit each and values uniform on [Lo, Hi], and m sellers with
// one unit each and costs uniform on the same support, quote at once; the
// 2m quotes are sorted and every trade clears at (1-k) s(m) + k s(m+1).
// Bid and Ask are its symmetric equilibrium among quotes linear in the
// type, the profile a linear policy on (bias, type) can reach:
//
//   - at m = 1 (bilateral trading, here in several markets at once),
//     Chatterjee and Samuelson's closed form, as for [Bilateral];
//   - at k = 1, the buyer's bid double auction, the closed form of
//     Satterthwaite and Williams (1989): sellers ask their cost (their ask
//     never sets the price they sell at), buyers bid m/(m+1) v; at k = 0
//     the mirror: buyers bid their value, sellers ask (m c + 1)/(m+1);
//   - otherwise computed (kdouble.Market.Linear: the exact expected gains
//     on a grid of 400 types and quotes in steps of 1/4000, iterated to a
//     fixed point; Precision is the last iteration's move).
//
// Every price scales with the support: on [Lo, Hi] a quote q of the unit
// market is Lo + (Hi - Lo) q. At m = 1 costs may lie on a support of their
// own, [CostLo, CostHi], where bilateral trading's linear profile is an
// equilibrium (see [Bilateral]). No trade is an equilibrium too (bids at
// or below the lowest cost, asks at or above the highest value).
type Large struct {
	M         int      `json:"m"` // buyers, and sellers, per segment
	K         float64  `json:"k"`
	Lo        float64  `json:"lo"` // the support of values, and of costs unless CostLo and CostHi say otherwise (at m = 1 only)
	Hi        float64  `json:"hi"`
	CostLo    *float64 `json:"cost_lo,omitempty"`
	CostHi    *float64 `json:"cost_hi,omitempty"`
	Bid       Line     `json:"bid"`    // the equilibrium bid, in the value
	Ask       Line     `json:"ask"`    // the equilibrium ask, in the cost
	Method    string   `json:"method"` // "closed form: ..." or "computed: ..."
	Precision float64  `json:"precision,omitempty"`
	NoTrade   string   `json:"no_trade_equilibria"`
}

// largeSupports returns m and the supports of values and costs of sc, and
// whether sc is the m x m market: random jobs, as many each round as
// carriers, each of volume 1 and one distance, that ship this round or
// never (due 0) at no penalty, values uniform; carriers alike, each of
// capacity 1, departing together every epoch at no fixed cost, each with a
// private cost factor uniform on one support drawn once a round (or per
// job where a segment holds one job a round); segments of m carriers
// (market.candidates; 0: one segment of every carrier), so that each
// segment's m jobs meet its m carriers; the k-double price with one
// price (with one buyer and one seller, the pair's k-double price is the
// same).
func largeSupports(sc *scenario.Config) (m int, lo, hi, clo, chi float64, ok bool) {
	if sc.IsNetwork() || sc.Market.Clearing != scenario.Knapsack || len(sc.Jobs.Fixed) > 0 || len(sc.Carriers) == 0 {
		return
	}
	n := len(sc.Carriers)
	m = sc.Market.Candidates
	if m <= 0 || m > n {
		m = n
	}
	kind, knap := sc.Market.Price.Knapsack()
	if !knap || !(kind == market.KDoubleUniform || (m == 1 && kind == market.KDouble)) || n%m != 0 {
		return
	}
	j := sc.Jobs
	if j.Arrivals.Min != n || j.Arrivals.Max != n || j.Volume.Min != 1 || j.Volume.Max != 1 ||
		j.Distance.Min != j.Distance.Max || j.Due.Max != 0 || j.Value.Dist != scenario.DistUniform {
		return
	}
	for _, s := range sc.Shippers {
		if s.Penalty != 0 {
			return
		}
	}
	caps := sc.Capacities()
	first := sc.Carriers[0]
	for i, c := range sc.Carriers {
		if caps[i] != 1 || c.FixedCost != 0 || c.Schedule != first.Schedule || c.Schedule.Period != 1 ||
			c.CostRate != first.CostRate || c.CostFactor.Dist != scenario.DistUniform ||
			c.CostFactor.Min != first.CostFactor.Min || c.CostFactor.Max != first.CostFactor.Max ||
			(m > 1 && c.CostDraw != scenario.CostDrawRound) {
			return
		}
	}
	unit := first.CostRate * float64(j.Distance.Min)
	lo, hi = j.Value.Min, j.Value.Max
	clo, chi = unit*first.CostFactor.Min, unit*first.CostFactor.Max
	return m, lo, hi, clo, chi, hi > lo && chi > clo
}

// largeForm returns the theory of sc if it is the m x m market
// (largeSupports) and its linear equilibrium is known or computed to
// within 1e-3; else why not ("" when sc is no such market). Values and
// costs must share one support, but at m = 1, where each segment is
// bilateral trading, whose linear profile on supports of their own is
// known where it is an equilibrium (newBilateralApart).
func largeForm(sc *scenario.Config) (*Large, string, bool) {
	m, lo, hi, clo, chi, ok := largeSupports(sc)
	if !ok {
		return nil, "", false
	}
	k := sc.Market.K
	l := &Large{M: m, K: k, Lo: lo, Hi: hi,
		NoTrade: "any profile with every bid at or below the lowest cost and every ask at or above the highest value"}
	const rel = 1e-12
	if math.Abs(clo-lo) > rel*(1+math.Abs(lo)) || math.Abs(chi-hi) > rel*(1+math.Abs(hi)) {
		g := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
		name := "the " + strconv.Itoa(m) + " x " + strconv.Itoa(m) + " market with values on [" + g(lo) + ", " + g(hi) + "] and costs on [" + g(clo) + ", " + g(chi) + "]"
		if m > 1 {
			return nil, name + ": its equilibrium is known here only where values and costs share one support, so eq_distance is not measured; best responses are searched", false
		}
		b, ok := newBilateralApart(k, lo, hi, clo, chi)
		if !ok {
			return nil, name + ", bilateral trading in each segment: the linear profile is no equilibrium here (a bid would need the top ask, or an ask the bottom bid, or no trade is possible), so no closed form is claimed and eq_distance is not measured; best responses are searched", false
		}
		l.CostLo, l.CostHi = &clo, &chi
		l.Bid, l.Ask = b.Bid, b.Ask
		l.Method = "closed form: bilateral trading in each segment, on supports of their own (Chatterjee and Samuelson's slopes; the intercepts from the top bid and the bottom ask)"
		return l, "", true
	}
	var bid, ask kdouble.Line
	switch r := float64(m) / float64(m+1); {
	case m == 1:
		b := newBilateral(k, lo, hi) // already on [lo, hi]
		l.Bid, l.Ask = b.Bid, b.Ask
		l.Method = "closed form: Chatterjee and Samuelson (1983), bilateral trading in each segment"
		return l, "", true
	case k == 1:
		bid, ask = kdouble.Line{Slope: r}, kdouble.Line{Slope: 1}
		l.Method = "closed form: the buyer's bid double auction (Satterthwaite and Williams 1989): sellers ask their cost, buyers bid m/(m+1) of their value"
	case k == 0:
		bid, ask = kdouble.Line{Slope: 1}, kdouble.Line{Slope: r, Intercept: 1 - r}
		l.Method = "closed form: the seller's ask double auction (the mirror of the buyer's bid one): buyers bid their value, sellers ask (m c + 1)/(m+1)"
	default:
		var moved float64
		var err error
		bid, ask, moved, err = kdouble.Market{M: m, K: k}.Linear(400, 200, 1e-5)
		if err != nil && !(moved < 1e-3) {
			return nil, "the " + strconv.Itoa(m) + " x " + strconv.Itoa(m) + " market: its linear equilibrium did not settle (" + err.Error() + "), so eq_distance is not measured; best responses are searched", false
		}
		l.Method = "computed on the exact expected gains over 400 types and quotes in steps of 1/4000; no closed form is known at 0 < k < 1 and m > 1"
		l.Precision = moved
	}
	// On [lo, hi] the unit market's quote q is lo + w q.
	w := hi - lo
	scale := func(q kdouble.Line) Line {
		return Line{Slope: q.Slope, Intercept: lo*(1-q.Slope) + w*q.Intercept}
	}
	l.Bid, l.Ask = scale(bid), scale(ask)
	return l, "", true
}

// LargeForm is the theory of sc when sc is the m x m market with values
// and costs on one support and its linear equilibrium is known (see
// Large), and not the bilateral trading game of one shipper and one
// carrier, whose theory is [Bilateral]; false otherwise.
func LargeForm(sc *scenario.Config) (*Large, bool) {
	if _, ok := bilateralForm(sc); ok {
		return nil, false
	}
	l, _, ok := largeForm(sc)
	return l, ok
}

// Distance is eq_distance in the m x m market: the root mean
// square over 201 equally spaced types of the distance of the mean quote
// functions to the nearest equilibrium (the linear one, or no trade),
// sqrt(E[(b(v) - b*(v))²] + E[(a(c) - a*(c))²]), each side's error
// averaged over its agents (every shipper, every carrier).
func (l *Large) Distance(sc *scenario.Config, shippers []agents.Strategy, carriers []*agents.Carrier) float64 {
	if len(shippers) == 0 || len(carriers) == 0 {
		return math.NaN()
	}
	dist := float64(sc.Jobs.Distance.Min)
	unit := carriers[0].CostRate * dist
	job := &agents.Job{Volume: 1, Distance: dist, CostFactors: make([]float64, len(carriers))}
	var v agents.View
	v.Observe([]*agents.Job{job}, false)
	clo, chi := l.Lo, l.Hi
	if l.CostLo != nil && l.CostHi != nil {
		clo, chi = *l.CostLo, *l.CostHi
	}
	const n = 201
	var bLin, bNone, aLin, aNone float64
	for i := range n {
		x := l.Lo + (l.Hi-l.Lo)*float64(i)/(n-1) // a value
		y := clo + (chi-clo)*float64(i)/(n-1)    // a cost
		job.Value, job.Reserve = x, x
		for c := range job.CostFactors {
			job.CostFactors[c] = y / unit
		}
		v.Carrier, v.Capacity = carriers[0], carriers[0].Capacity
		for _, s := range shippers {
			d, ok := agents.DistOf(s, job, &v, nil)
			if !ok {
				return math.NaN()
			}
			bid := d.Mean()
			bLin += sq(bid - l.Bid.At(x))
			bNone += sq(math.Max(bid-clo, 0))
		}
		for _, car := range carriers {
			v.Carrier, v.Capacity = car, car.Capacity
			d, ok := agents.DistOf(car.Strategy, job, &v, nil)
			if !ok {
				return math.NaN()
			}
			ask := d.Mean()
			aLin += sq(ask - l.Ask.At(y))
			aNone += sq(math.Max(l.Hi-ask, 0))
		}
	}
	ns, nc := float64(n*len(shippers)), float64(n*len(carriers))
	return math.Sqrt(math.Min(bLin/ns+aLin/nc, bNone/ns+aNone/nc))
}
