package equilibrium

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/market"
)

// quantiles discretises d into n equally likely points (the midpoints of
// its probability bins): the reference against which the closed forms are
// checked, by brute force over the n x n pairs of quotes.
func quantiles(d agents.QuoteDist, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		u := (float64(i) + 0.5) / float64(n)
		switch d.Kind {
		case agents.PointQuote:
			out[i] = d.At
		case agents.NormalQuote:
			out[i] = distuv.Normal{Mu: d.At, Sigma: d.SD}.Quantile(u)
		case agents.UniformQuote:
			out[i] = d.Lo + u*(d.Hi-d.Lo)
		}
	}
	return out
}

// bruteForce is the mean payoff over the quantile grids of own and opp,
// from the rules as written (market.PriceRule, the tie rule).
func bruteForce(s side, own, opp agents.QuoteDist, n int) float64 {
	xs, ys := quantiles(own, n), quantiles(opp, n)
	var sum float64
	for _, x := range xs {
		for _, y := range ys {
			bid, ask := x, y
			if s.carrier {
				bid, ask = y, x
			}
			trade := bid > ask || (bid == ask && !s.strict)
			if !trade {
				continue
			}
			pay, recv := s.rule.Prices(bid, ask)
			if s.carrier {
				sum += recv - s.limit
			} else {
				sum += s.limit - pay
			}
		}
	}
	return sum / float64(n*n)
}

// TestPayoffAgainstBruteForce checks the closed forms and quadratures of
// the expected payoff against a brute-force mean over 400 x 400
// quantiles of the two quote distributions, for every pair of families,
// both sides, every price rule and both tie rules. The quantile grid's
// error is at most the payoff's largest jump (below 100 here) times the
// probability of one bin of the grid, 1/n: the tolerance is 100/n = 0.25
// (observed: 0.09 at most at n = 400).
func TestPayoffAgainstBruteForce(t *testing.T) {
	dists := map[string]agents.QuoteDist{
		"point 80":             agents.Point(80),
		"point 100 (a tie)":    agents.Point(100),
		"normal(90, 15)":       agents.Normal(90, 15),
		"normal(130, 3)":       agents.Normal(130, 3),
		"uniform[60, 140]":     agents.Uniform(60, 140),
		"uniform[95, 105]":     agents.Uniform(95, 105),
		"normal(100, 1e-3)":    agents.Normal(100, 1e-3),
		"uniform[0, 50] (far)": agents.Uniform(0, 50),
	}
	rules := []market.PriceRule{{Kind: market.Spread}, {Kind: market.PayAsBid}, {Kind: market.KDouble, K: 0.5}, {Kind: market.KDouble, K: 0.2}}
	const n = 400
	maxDiff := 0.0
	for ownName, own := range dists {
		for oppName, opp := range dists {
			for _, carrier := range []bool{false, true} {
				for _, rule := range rules {
					for _, strict := range []bool{false, true} {
						s := side{carrier: carrier, limit: 100, rule: rule, strict: strict}
						got := s.payoff(own, opp)
						want := bruteForce(s, own, opp, n)
						tol := 100.0 / n
						if d := math.Abs(got - want); d > maxDiff {
							maxDiff = d
						}
						if math.Abs(got-want) > tol {
							t.Errorf("carrier %v, %v, strict %v: own %s vs opponent %s: payoff %.6f, brute force %.6f (tolerance %.3g)",
								carrier, rule, strict, ownName, oppName, got, want, tol)
						}
					}
				}
			}
		}
	}
	t.Logf("largest difference from the brute force: %.3g", maxDiff)
}

// TestBestQuoteKnownAnswers: against an ask uniform on [0, 1] with price
// (bid + ask)/2 a buyer of value v bids 2v/3 and gains v²/3 (the bilateral
// trading game's best response to a truthful seller); against a point ask
// a the best bid is a when v > a, gaining v - a; against a normal ask under
// the spread rule the best bid solves the first-order condition
// (v - b) phi(z)/s = Phi(z).
func TestBestQuoteKnownAnswers(t *testing.T) {
	half := market.PriceRule{Kind: market.KDouble, K: 0.5}
	for _, v := range []float64{0.1, 0.45, 0.9, 1} {
		s := side{limit: v, rule: half}
		q, u := s.bestQuote(agents.Uniform(0, 1))
		if math.Abs(q-2*v/3) > 1e-6 || math.Abs(u-v*v/3) > 1e-9 {
			t.Errorf("value %v against a truthful uniform seller: bid %v gaining %v, want 2v/3 = %v gaining v²/3 = %v", v, q, u, 2*v/3, v*v/3)
		}
		// The seller's mirror: of cost c against a truthful uniform buyer
		// she asks a to maximise ∫_a^1 ((a+b)/2 - c) db = a(1-a)/2 +
		// (1-a²)/4 - c(1-a), at a = (1+2c)/3.
		if v == 1 {
			continue // a seller of cost 1 gains nothing at any ask >= 1
		}
		sc := side{carrier: true, limit: v, rule: half}
		qa, ua := sc.bestQuote(agents.Uniform(0, 1))
		wantA := (1 + 2*v) / 3
		wantU := wantA*(1-wantA)/2 + (1-wantA*wantA)/4 - v*(1-wantA)
		if math.Abs(qa-wantA) > 1e-6 || math.Abs(ua-wantU) > 1e-9 {
			t.Errorf("cost %v against a truthful uniform buyer: ask %v gaining %v, want (1+2c)/3 = %v gaining %v", v, qa, ua, wantA, wantU)
		}
	}
	for _, strict := range []bool{false, true} {
		s := side{limit: 120, rule: market.PriceRule{Kind: market.Spread}, strict: strict}
		q, u := s.bestQuote(agents.Point(90))
		if math.Abs(q-90) > 1e-6 || math.Abs(u-30) > 1e-6 {
			t.Errorf("strict %v: reservation 120 against an ask of 90: bid %v gaining %v, want 90 gaining 30", strict, q, u)
		}
		q, u = s.bestQuote(agents.Point(130))
		if u != 0 || s.payoff(agents.Point(q), agents.Point(130)) != 0 {
			t.Errorf("strict %v: reservation 120 against an ask of 130: bid %v gaining %v, want no trade", strict, q, u)
		}
	}
	s := side{limit: 100, rule: market.PriceRule{Kind: market.Spread}}
	q, _ := s.bestQuote(agents.Normal(80, 10))
	z := (q - 80) / 10
	if foc := (100-q)*normPDF(z)/10 - normCDF(z); math.Abs(foc) > 1e-6 {
		t.Errorf("against a normal ask the best bid %v leaves the first-order condition at %v, want 0", q, foc)
	}
}

func Example_payoff() {
	// A buyer of value 0.9 bidding 0.6 against a seller who asks her cost,
	// uniform on [0, 1], at the midpoint price: she trades when the cost is
	// below 0.6 and pays (0.6 + cost)/2 on average 0.45.
	s := side{limit: 0.9, rule: market.PriceRule{Kind: market.KDouble, K: 0.5}}
	fmt.Printf("%.4f\n", s.payoff(agents.Point(0.6), agents.Uniform(0, 1)))
	// Output:
	// 0.2700
}
