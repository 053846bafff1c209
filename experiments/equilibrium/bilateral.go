package equilibrium

import (
	"math"
	"strconv"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market"
)

// Bilateral is the theory of the bilateral trading game (Chatterjee and
// Samuelson, "Bargaining under incomplete information", Operations Research
// 31, 1983): one buyer of value v and one seller of cost c, each private
// and uniform on [Lo, Hi]; both quote at once and trade when the bid is at
// least the ask, at k*bid + (1-k)*ask. On [0, 1] its linear Bayesian
// equilibrium is
//
//	bid(v) = v/(1+k) + k(1-k)/(2(1+k)),   ask(c) = c/(2-k) + (1-k)/2,
//
// the only equilibrium in linear strategies with trade: against any linear
// opponent the best response is linear with exactly these slopes. On [Lo,
// Hi] every price scales with the support. At k = 1/2: 2/3 v + 1/12 and
// 2/3 c + 1/4, trade when v >= c + 1/4, expected gains 9/64 against the
// first best's 1/6 (efficiency 27/32), trade in 9/32 of rounds. With
// values on [Lo, Hi] and costs on another support [CostLo, CostHi], the
// slopes are the same and the intercepts follow from the top bid and the
// bottom ask (newBilateralApart), where that profile is an equilibrium.
type Bilateral struct {
	K                float64  `json:"k"`
	Lo               float64  `json:"lo"` // the support of values, and of costs unless CostLo and CostHi say otherwise
	Hi               float64  `json:"hi"`
	CostLo           *float64 `json:"cost_lo,omitempty"` // the support of costs, when it is not values' (see newBilateralApart)
	CostHi           *float64 `json:"cost_hi,omitempty"`
	FirstBest        float64  `json:"first_best_surplus_per_round"`  // E[(v - c)+]
	Surplus          float64  `json:"equilibrium_surplus_per_round"` // E[(v - c) 1{trade}] at the linear equilibrium
	Efficiency       float64  `json:"equilibrium_efficiency"`        // Surplus / FirstBest
	TradeProbability float64  `json:"equilibrium_trade_probability"` // P(trade) at the linear equilibrium
	FirstBestTrade   float64  `json:"first_best_trade_probability"`  // P(v >= c) = 1/2
	Bid              Line     `json:"bid"`                           // the equilibrium bid, in the value
	Ask              Line     `json:"ask"`                           // the equilibrium ask, in the cost
	NoTrade          string   `json:"no_trade_equilibria,omitempty"` // the other equilibria, in words
	// BidToTruthful and AskToTruthful are each side's best response to an
	// opponent who quotes its type, a learner's answer when the other side
	// is truthful (no game: a fixed problem). Against asks uniform on
	// [Al, Ah] a buyer of value v bids (v + k Al)/(1+k); against bids
	// uniform on [Bl, Bh] a seller of cost c asks (c + (1-k) Bh)/(2-k):
	// on [0, 1], v/(1+k) and (c + 1-k)/(2-k). Set where the line stays
	// within the opponent's support for every type (on a shared support,
	// always); a type whose line falls outside it cannot trade.
	BidToTruthful *Line `json:"best_bid_to_truthful_ask,omitempty"`
	AskToTruthful *Line `json:"best_ask_to_truthful_bid,omitempty"`
}

// setToTruthful sets BidToTruthful and AskToTruthful (BestBidTo and
// BestAskTo a truthful opponent), where they are claimed.
func (b *Bilateral) setToTruthful() {
	if bid, ok := b.BestBidTo(Line{Slope: 1}); ok {
		b.BidToTruthful = &bid
	}
	if ask, ok := b.BestAskTo(Line{Slope: 1}); ok {
		b.AskToTruthful = &ask
	}
}

// BestBidTo is a buyer's best response, in her value, to a seller who
// asks ask(c), an increasing line, with costs uniform on their support:
// against asks uniform on [Al, Ah] she bids (v + k Al)/(1+k). False where
// that would rise above Ah at the top value (the best bid is then capped,
// not a line; except at k = 0), or the ask does not increase with the
// cost.
func (b *Bilateral) BestBidTo(ask Line) (Line, bool) {
	clo, chi := b.costSupport()
	if !(ask.Slope > 0) {
		return Line{}, false
	}
	k, al, ah := b.K, ask.At(clo), ask.At(chi)
	bid := Line{Slope: 1 / (1 + k), Intercept: k * al / (1 + k)}
	// At k = 0 the ask sets the price: above Ah every bid trades at the
	// same prices, and the line is still a best response.
	return bid, k == 0 || bid.At(b.Hi) <= ah
}

// BestAskTo is a seller's best response, in her cost, to a buyer who bids
// bid(v), an increasing line, with values uniform on their support:
// against bids uniform on [Bl, Bh] she asks (c + (1-k) Bh)/(2-k). False
// where that would fall below Bl at the bottom cost (except at k = 1), or
// the bid does not increase with the value.
func (b *Bilateral) BestAskTo(bid Line) (Line, bool) {
	clo, _ := b.costSupport()
	if !(bid.Slope > 0) {
		return Line{}, false
	}
	k, bl, bh := b.K, bid.At(b.Lo), bid.At(b.Hi)
	ask := Line{Slope: 1 / (2 - k), Intercept: (1 - k) * bh / (2 - k)}
	// At k = 1 the bid sets the price: below Bl every ask trades at the
	// same prices, and the line is still a best response.
	return ask, k == 1 || ask.At(clo) >= bl
}

// Line is a linear quote: Intercept + Slope * type.
type Line struct {
	Intercept float64 `json:"intercept"`
	Slope     float64 `json:"slope"`
}

// At is the line at x.
func (l Line) At(x float64) float64 { return l.Intercept + l.Slope*x }

// Format writes the line in the variable x as "slope x + intercept" (or
// "- |intercept|"), each number written by num.
func (l Line) Format(x string, num func(float64) string) string {
	if l.Intercept < 0 {
		return num(l.Slope) + " " + x + " - " + num(-l.Intercept)
	}
	return num(l.Slope) + " " + x + " + " + num(l.Intercept)
}

// bilateralForm returns the bilateral theory of sc, and whether sc is the
// bilateral trading game (bilateralSupports) with a linear equilibrium in
// closed form: on a shared support, or on supports of their own where the
// linear profile is an equilibrium (newBilateralApart).
func bilateralForm(sc *scenario.Config) (*Bilateral, bool) {
	lo, hi, clo, chi, ok := bilateralSupports(sc)
	if !ok {
		return nil, false
	}
	const rel = 1e-12
	if math.Abs(clo-lo) <= rel*(1+math.Abs(lo)) && math.Abs(chi-hi) <= rel*(1+math.Abs(hi)) {
		return newBilateral(sc.Market.K, lo, hi), true
	}
	return newBilateralApart(sc.Market.K, lo, hi, clo, chi)
}

// bilateralSupports returns the supports of values and costs of sc, and
// whether sc is the bilateral trading game: one shipper and one carrier,
// one-shot jobs that each trade alone (ExactStructure), of one volume and
// one distance, a shipper's value uniform and no penalty (its reservation
// is its value), the carrier's cost uniform (cost rate times volume times
// distance times a uniform private factor), and the k-double price.
func bilateralSupports(sc *scenario.Config) (lo, hi, clo, chi float64, ok bool) {
	if exact, _ := ExactStructure(sc); !exact || len(sc.Shippers) != 1 || len(sc.Jobs.Fixed) > 0 {
		return
	}
	if kind, knap := sc.Market.Price.Knapsack(); !knap || kind != market.KDouble {
		return
	}
	j, car := sc.Jobs, sc.Carriers[0]
	if j.Volume.Min != j.Volume.Max || j.Distance.Min != j.Distance.Max || j.Value.Dist != scenario.DistUniform ||
		car.CostFactor.Dist != scenario.DistUniform || sc.Shippers[0].Penalty != 0 {
		return
	}
	unit := car.CostRate * float64(j.Volume.Min) * float64(j.Distance.Min)
	lo, hi = j.Value.Min, j.Value.Max
	clo, chi = unit*car.CostFactor.Min, unit*car.CostFactor.Max
	return lo, hi, clo, chi, hi > lo && chi > clo
}

// bilateralNote says why a bilateral trading game (bilateralSupports) has
// no linear equilibrium in closed form, "" where it has one or is no such
// game.
func bilateralNote(sc *scenario.Config) string {
	lo, hi, clo, chi, ok := bilateralSupports(sc)
	if _, closed := bilateralForm(sc); !ok || closed {
		return ""
	}
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
	if lo >= chi {
		meet := "bid = ask = p is an equilibrium"
		if sc.Market.Tie != scenario.TieMaxVolume {
			meet = "a bid a hair above an ask of p is an equilibrium (under the strict tie rule bid = ask does not trade)"
		}
		return "bilateral trading with every value (" + g(lo) + " to " + g(hi) + ") at or above every cost (" + g(clo) + " to " + g(chi) +
			"): every round can trade, and " + meet + " for every p from " + g(chi) + " to " + g(lo) +
			" (a continuum), so no closed form is claimed and eq_distance is not measured; best responses are computed exactly, job by job"
	}
	return "bilateral trading with values on [" + g(lo) + ", " + g(hi) + "] and costs on [" + g(clo) + ", " + g(chi) +
		"]: the linear profile is no equilibrium here (a bid would need the top ask, or an ask the bottom bid, or no trade is possible), so no closed form is claimed and eq_distance is not measured; best responses are computed exactly, job by job"
}

// newBilateralApart is the theory of the game with values uniform on [lo,
// hi] and costs uniform on [clo, chi], and whether its linear profile is
// an equilibrium. Against asks uniform on [Al, Ah] a buyer of value v
// bids (v + k Al)/(1+k) while that is at most Ah; against bids uniform on
// [Bl, Bh] a seller of cost c asks (c + (1-k) Bh)/(2-k) while that is at
// least Bl. The two fix each other at Bh = ((2-k) hi + k clo)/2 and Al =
// (clo + (1-k) Bh)/(2-k); on a shared support they are newBilateral's
// lines. The profile is an equilibrium when no bid needs the cap Ah nor
// any ask the floor Bl, and trade is possible (Bh > Al); otherwise (values
// far above or below costs) it is not, and there is no closed form here.
func newBilateralApart(k, lo, hi, clo, chi float64) (*Bilateral, bool) {
	sb, sa := 1/(1+k), 1/(2-k)
	bh := ((2-k)*hi + k*clo) / 2
	al := (clo + (1-k)*bh) / (2 - k)
	b := &Bilateral{K: k, Lo: lo, Hi: hi, CostLo: &clo, CostHi: &chi,
		Bid:            Line{Slope: sb, Intercept: k * al * sb},
		Ask:            Line{Slope: sa, Intercept: (1 - k) * bh * sa},
		FirstBestTrade: math.NaN(),
		NoTrade:        "any profile with every bid at or below the lowest cost and every ask at or above the highest value",
	}
	if b.Bid.At(hi) > b.Ask.At(chi) || b.Ask.At(clo) < b.Bid.At(lo) || !(bh > al) {
		return nil, false
	}
	// Integrate over costs (the midpoint rule on 20,000 cells) the gains
	// (v - c)/(hi - lo) over values v in [max(m, lo), hi], m the lowest
	// value that trades: at the equilibrium the value whose bid is c's
	// ask, first best c itself.
	const n = 20000
	var gains, prob, first, firstProb float64
	part := func(m, c float64) (float64, float64) {
		m = math.Max(lo, math.Min(hi, m))
		return ((hi*hi-m*m)/2 - c*(hi-m)) / (hi - lo), (hi - m) / (hi - lo)
	}
	for i := range n {
		c := clo + (chi-clo)*(float64(i)+0.5)/n
		g, p := part((b.Ask.At(c)-b.Bid.Intercept)/b.Bid.Slope, c)
		gains, prob = gains+g, prob+p
		g, p = part(c, c)
		first, firstProb = first+g, firstProb+p
	}
	b.Surplus, b.TradeProbability = gains/n, prob/n
	b.FirstBest, b.FirstBestTrade = first/n, firstProb/n
	b.Efficiency = b.Surplus / b.FirstBest
	b.setToTruthful()
	return b, true
}

// costSupport is the support of costs.
func (b *Bilateral) costSupport() (lo, hi float64) {
	if b.CostLo != nil && b.CostHi != nil {
		return *b.CostLo, *b.CostHi
	}
	return b.Lo, b.Hi
}

// newBilateral is the theory of the game with price k*bid + (1-k)*ask on
// the support [lo, hi].
func newBilateral(k, lo, hi float64) *Bilateral {
	w := hi - lo
	// On [0, 1]: bid = sb v + ib, ask = sa c + ia. On [lo, hi] every price p
	// maps to lo + w*p of the unit game's.
	sb, ib := 1/(1+k), k*(1-k)/(2*(1+k))
	sa, ia := 1/(2-k), (1-k)/2
	b := &Bilateral{K: k, Lo: lo, Hi: hi,
		Bid:            Line{Slope: sb, Intercept: lo*(1-sb) + w*ib},
		Ask:            Line{Slope: sa, Intercept: lo*(1-sa) + w*ia},
		FirstBest:      w / 6,
		FirstBestTrade: 0.5,
		NoTrade:        "any profile with every bid at or below the lowest cost and every ask at or above the highest value",
	}
	// Trade in the unit game when sb v + ib >= sa c + ia, that is v >= alpha
	// + beta c. Integrate over c the gains over v in [max(alpha+beta c, 0), 1]:
	// (1 - a²)/2 - c(1 - a), with the midpoint rule on 20,000 cells (error
	// below 1e-9).
	alpha, beta := (ia-ib)/sb, sa/sb
	const n = 20000
	var gains, prob float64
	for i := range n {
		c := (float64(i) + 0.5) / n
		a := math.Max(0, math.Min(1, alpha+beta*c))
		gains += (1-a*a)/2 - c*(1-a)
		prob += 1 - a
	}
	b.Surplus = w * gains / n
	b.TradeProbability = prob / n
	b.Efficiency = b.Surplus / b.FirstBest
	b.setToTruthful()
	return b
}

// distance is ClosedFormDistance for the bilateral game: the root mean
// square over 201 equally spaced types of each side (values on [Lo, Hi],
// costs on their support) of the distance of the mean quote functions to
// the nearest equilibrium (the linear one, or no trade: bids at or below
// the lowest cost, asks at or above the highest value).
func (b *Bilateral) distance(sc *scenario.Config, shipper, carrier agents.Strategy, car *agents.Carrier) float64 {
	j := sc.Jobs
	unit := car.CostRate * float64(j.Volume.Min) * float64(j.Distance.Min)
	job := &agents.Job{Volume: j.Volume.Min, Distance: float64(j.Distance.Min), CostFactors: []float64{1}}
	var v agents.View
	v.Observe([]*agents.Job{job}, false)
	v.Carrier, v.Capacity = car, car.Capacity
	const n = 201
	clo, chi := b.costSupport()
	var dLin, dNone float64
	for i := range n {
		x := b.Lo + (b.Hi-b.Lo)*float64(i)/(n-1) // a value
		y := clo + (chi-clo)*float64(i)/(n-1)    // a cost
		job.Value, job.Reserve, job.CostFactors[0] = x, x, 1
		bd, ok := agents.DistOf(shipper, job, &v, nil)
		if !ok {
			return math.NaN()
		}
		job.CostFactors[0] = y / unit
		ad, ok := agents.DistOf(carrier, job, &v, nil)
		if !ok {
			return math.NaN()
		}
		bid, ask := bd.Mean(), ad.Mean()
		dLin += sq(bid-b.Bid.At(x)) + sq(ask-b.Ask.At(y))
		dNone += sq(math.Max(bid-clo, 0)) + sq(math.Max(b.Hi-ask, 0))
	}
	return math.Sqrt(math.Min(dLin, dNone) / n)
}

func sq(x float64) float64 { return x * x }
