package equilibrium

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
)

// On a support shared by values and costs, newBilateralApart's lines and
// figures are newBilateral's (Chatterjee and Samuelson's, scaled).
func TestBilateralApartOnASharedSupport(t *testing.T) {
	for _, k := range []float64{0, 0.2, 0.5, 0.8, 1} {
		for _, s := range [][2]float64{{0, 1}, {10, 12}, {-3, 5}} {
			want := newBilateral(k, s[0], s[1])
			got, ok := newBilateralApart(k, s[0], s[1], s[0], s[1])
			if !ok {
				t.Fatalf("k %v on %v: no equilibrium, want Chatterjee and Samuelson's", k, s)
			}
			w := s[1] - s[0]
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"bid slope", got.Bid.Slope, want.Bid.Slope}, {"bid intercept", got.Bid.Intercept, want.Bid.Intercept},
				{"ask slope", got.Ask.Slope, want.Ask.Slope}, {"ask intercept", got.Ask.Intercept, want.Ask.Intercept},
				{"surplus", got.Surplus, want.Surplus}, {"first best", got.FirstBest, want.FirstBest},
				{"trade probability", got.TradeProbability, want.TradeProbability}, {"first-best trade", got.FirstBestTrade, want.FirstBestTrade},
				{"efficiency", got.Efficiency, want.Efficiency},
			} {
				if math.Abs(c.got-c.want) > 1e-9*(1+w+math.Abs(s[0])) {
					t.Errorf("k %v on %v: %s %v, want %v", k, s, c.name, c.got, c.want)
				}
			}
		}
	}
}

// With costs on a support of their own, the lines are mutual best
// responses, found here by brute force: for each of 9 values, the bid
// that does best against the asks of 4,000 costs spread over their
// support, among 3,001 bids, does no better than the line's bid (to the
// grid's resolution, 2e-4 of the width); likewise for each of 9 costs
// against the bids. Where values lie far above the costs the linear
// profile is no equilibrium and none is claimed.
func TestBilateralApartIsAnEquilibrium(t *testing.T) {
	cases := []struct{ k, lo, hi, clo, chi float64 }{
		{0.5, 0, 1, 0.25, 1.25},
		{0.5, 0, 1, -0.25, 0.75},
		{0.8, 0, 2, 0.5, 1.5},
		{0.2, 10, 12, 9.5, 12.5},
		{0.5, 0, 1, 0, 2},
	}
	for _, c := range cases {
		b, ok := newBilateralApart(c.k, c.lo, c.hi, c.clo, c.chi)
		if !ok {
			t.Fatalf("%+v: no equilibrium claimed", c)
		}
		const n = 4000
		asks, bids := make([]float64, n), make([]float64, n)
		for i := range n {
			u := (float64(i) + 0.5) / n
			asks[i], bids[i] = b.Ask.At(c.clo+(c.chi-c.clo)*u), b.Bid.At(c.lo+(c.hi-c.lo)*u)
		}
		buyer := func(v, bid float64) (u float64) {
			for _, a := range asks {
				if bid >= a {
					u += v - (c.k*bid + (1-c.k)*a)
				}
			}
			return u / n
		}
		seller := func(cost, ask float64) (u float64) {
			for _, x := range bids {
				if x >= ask {
					u += c.k*x + (1-c.k)*ask - cost
				}
			}
			return u / n
		}
		lo, hi := math.Min(c.lo, c.clo)-0.5, math.Max(c.hi, c.chi)+0.5
		tol := 2e-4 * (c.hi - c.lo + c.chi - c.clo)
		for i := range 9 {
			v, cost := c.lo+(c.hi-c.lo)*float64(i)/8, c.clo+(c.chi-c.clo)*float64(i)/8
			bestB, bestA := math.Inf(-1), math.Inf(-1)
			for j := range 3001 {
				q := lo + (hi-lo)*float64(j)/3000
				bestB, bestA = math.Max(bestB, buyer(v, q)), math.Max(bestA, seller(cost, q))
			}
			if got := buyer(v, b.Bid.At(v)); got < bestB-tol {
				t.Errorf("%+v: a buyer of value %v bidding %v gets %v, a bid of the grid %v", c, v, b.Bid.At(v), got, bestB)
			}
			if got := seller(cost, b.Ask.At(cost)); got < bestA-tol {
				t.Errorf("%+v: a seller of cost %v asking %v gets %v, an ask of the grid %v", c, cost, b.Ask.At(cost), got, bestA)
			}
		}
	}
	// Values on [1, 3], costs on [0.5, 2], k = 0.3: the top bid would
	// exceed every ask; the linear profile is no equilibrium.
	if _, ok := newBilateralApart(0.3, 1, 3, 0.5, 2); ok {
		t.Error("values on [1, 3], costs on [0.5, 2], k 0.3: an equilibrium claimed, want none")
	}
}

// The surplus, trade probability and first best of newBilateralApart
// against 400,000 rounds drawn at random, within 4 standard errors.
func TestBilateralApartFiguresByMonteCarlo(t *testing.T) {
	b, ok := newBilateralApart(0.5, 0, 1, 0.25, 1.25)
	if !ok {
		t.Fatal("no equilibrium")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 400000
	var gain, gain2, trade, first, firstTrade float64
	for range n {
		v, c := rng.Float64(), 0.25+rng.Float64()
		if b.Bid.At(v) >= b.Ask.At(c) {
			gain, gain2, trade = gain+(v-c), gain2+(v-c)*(v-c), trade+1
		}
		if v >= c {
			first, firstTrade = first+(v-c), firstTrade+1
		}
	}
	se := math.Sqrt(gain2/n-(gain/n)*(gain/n)) / math.Sqrt(n)
	if math.Abs(gain/n-b.Surplus) > 4*se {
		t.Errorf("surplus %v, Monte Carlo %v (standard error %v)", b.Surplus, gain/n, se)
	}
	p := trade / n
	if math.Abs(p-b.TradeProbability) > 4*math.Sqrt(p*(1-p)/n) {
		t.Errorf("trade probability %v, Monte Carlo %v", b.TradeProbability, p)
	}
	p = firstTrade / n
	if math.Abs(p-b.FirstBestTrade) > 4*math.Sqrt(p*(1-p)/n) || math.Abs(first/n-b.FirstBest) > 0.002 {
		t.Errorf("first best %v trading %v, Monte Carlo %v trading %v", b.FirstBest, b.FirstBestTrade, first/n, p)
	}
	// First best in closed form: P(v >= c) = 9/32 and E[(v - c)+] = 27/384
	// for v on [0, 1], c on [0.25, 1.25].
	if math.Abs(b.FirstBestTrade-9.0/32) > 1e-8 || math.Abs(b.FirstBest-27.0/384) > 1e-8 {
		t.Errorf("first best %v trading %v, want 27/384 and 9/32", b.FirstBest, b.FirstBestTrade)
	}
}

// The best responses to a truthful opponent are the quotes bestQuote
// finds against asks (or bids) uniform on the opponent's support, at 9
// types of each side, on shared supports and on supports of their own; a
// line that would leave the opponent's support is not claimed.
func TestBilateralBestResponsesToTruthful(t *testing.T) {
	cases := []struct{ k, lo, hi, clo, chi float64 }{
		{0, 0, 1, 0, 1}, {0.5, 0, 1, 0, 1}, {1, 0, 1, 0, 1}, {0.2, 10, 12, 10, 12}, {0.8, -3, 5, -3, 5},
		{0.5, 0, 1, 0.25, 1.25}, {0.5, 0, 1, -0.25, 0.75}, {0.8, 0, 2, 0.5, 1.5}, {0.5, 0, 1, 0, 2},
	}
	for _, c := range cases {
		var b *Bilateral
		if c.clo == c.lo && c.chi == c.hi {
			b = newBilateral(c.k, c.lo, c.hi)
		} else {
			var ok bool
			if b, ok = newBilateralApart(c.k, c.lo, c.hi, c.clo, c.chi); !ok {
				t.Fatalf("%+v: no equilibrium claimed", c)
			}
		}
		rule := market.PriceRule{Kind: market.KDouble, K: c.k}
		for _, l := range []struct {
			carrier      bool
			line         *Line
			lo, hi       float64 // the learner's types
			opplo, opphi float64 // the truthful opponent's
		}{{false, b.BidToTruthful, c.lo, c.hi, c.clo, c.chi}, {true, b.AskToTruthful, c.clo, c.chi, c.lo, c.hi}} {
			if l.line == nil {
				t.Errorf("%+v: no best response claimed for carrier %v", c, l.carrier)
				continue
			}
			for i := range 9 {
				x := l.lo + (l.hi-l.lo)*float64(i+1)/10
				if (!l.carrier && x <= l.opplo) || (l.carrier && x >= l.opphi) {
					continue // cannot gain: any quote that does not trade is best
				}
				q, u := side{carrier: l.carrier, limit: x, rule: rule}.bestQuote(agents.Uniform(l.opplo, l.opphi))
				if want := l.line.At(x); math.Abs(q-want) > 1e-6*(l.hi-l.lo) {
					t.Errorf("%+v, carrier %v, type %v: best quote %v (gaining %v), the line says %v", c, l.carrier, x, q, u, want)
				}
			}
		}
	}
	// Values far above costs: the buyer's line, (v + k clo)/(1+k), would
	// bid above the top cost, which no best response does.
	b := &Bilateral{K: 0.5, Lo: 2, Hi: 3, CostLo: ptr(0.0), CostHi: ptr(1.0)}
	b.setToTruthful()
	if b.BidToTruthful != nil || b.AskToTruthful != nil {
		t.Errorf("values on [2, 3], costs on [0, 1]: best responses %v and %v claimed, want none", b.BidToTruthful, b.AskToTruthful)
	}
}

func ptr(x float64) *float64 { return &x }

// Best responses to an opponent's fixed linear rule: against asks 0.2 +
// 0.6 c (uniform on [0.2, 0.8]) a buyer bids (v + k 0.2)/(1+k); against
// bids 0.1 + 0.5 v (uniform on [0.1, 0.6]) a seller asks (c + (1-k) 0.6)/
// (2-k); at nine types of each, the line's quote gains what bestQuote's
// does. A rule whose best response would leave its range is not claimed:
// asks 0.5 + 0.1 c (on [0.5, 0.6]) cap the bid of a buyer worth 1 at 0.6
// (where k > 0), and a falling ask is no line to answer.
func TestBilateralBestResponsesToARule(t *testing.T) {
	for _, k := range []float64{0, 0.5, 0.7, 1} {
		b := newBilateral(k, 0, 1)
		rule := market.PriceRule{Kind: market.KDouble, K: k}
		ask, bid := Line{Intercept: 0.2, Slope: 0.6}, Line{Intercept: 0.1, Slope: 0.5}
		bb, okB := b.BestBidTo(ask)
		ba, okA := b.BestAskTo(bid)
		if !okB || !okA {
			t.Fatalf("k %v: best responses claimed %v, %v; want both", k, okB, okA)
		}
		for i := range 9 {
			x := float64(i+1) / 10
			// The line's quote must gain what the best quote gains (at k = 0
			// or 1 several quotes may tie).
			buyer, seller := side{limit: x, rule: rule}, side{carrier: true, limit: x, rule: rule}
			asks, bids := agents.Uniform(0.2, 0.8), agents.Uniform(0.1, 0.6)
			if q, u := buyer.bestQuote(asks); math.Abs(buyer.payoff(agents.Point(bb.At(x)), asks)-u) > 1e-9 {
				t.Errorf("k %v, value %v against asks on [0.2, 0.8]: the line bids %v, gaining %v; the best bid %v gains %v",
					k, x, bb.At(x), buyer.payoff(agents.Point(bb.At(x)), asks), q, u)
			}
			if q, u := seller.bestQuote(bids); math.Abs(seller.payoff(agents.Point(ba.At(x)), bids)-u) > 1e-9 {
				t.Errorf("k %v, cost %v against bids on [0.1, 0.6]: the line asks %v, gaining %v; the best ask %v gains %v",
					k, x, ba.At(x), seller.payoff(agents.Point(ba.At(x)), bids), q, u)
			}
		}
		if k > 0 {
			if _, ok := b.BestBidTo(Line{Intercept: 0.5, Slope: 0.1}); ok {
				t.Errorf("k %v: a best bid claimed against asks on [0.5, 0.6], where it is capped", k)
			}
		}
		if _, ok := b.BestBidTo(Line{Intercept: 1, Slope: -0.5}); ok {
			t.Errorf("k %v: a best bid claimed against a falling ask", k)
		}
	}
}
