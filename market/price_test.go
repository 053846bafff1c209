package market

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPrices(t *testing.T) {
	for _, tc := range []struct {
		rule         PriceRule
		bid, ask     float64
		pay, receive float64
		kept         float64
	}{
		{PriceRule{Kind: Spread}, 50, 30, 50, 30, 20},
		{PriceRule{Kind: Spread}, 30, 30, 30, 30, 0},
		{PriceRule{Kind: PayAsBid}, 50, 30, 50, 50, 0},
		{PriceRule{Kind: KDouble, K: 0.5}, 50, 30, 40, 40, 0},
		{PriceRule{Kind: KDouble, K: 0.25}, 50, 30, 35, 35, 0},
		{PriceRule{Kind: KDouble, K: 0}, 50, 30, 30, 30, 0},
		{PriceRule{Kind: KDouble, K: 1}, 50, 30, 50, 50, 0},
		// 0.3 - 0.1 is not exactly 0.2, so a naive a + 1*(b-a) misses the bid.
		{PriceRule{Kind: KDouble, K: 1}, 0.3, 0.1, 0.3, 0.3, 0},
		{PriceRule{Kind: KDouble, K: 0}, 0.3, 0.1, 0.1, 0.1, 0},
		{PriceRule{Kind: KDouble, K: 0.5}, -10, -20, -15, -15, 0},
	} {
		pay, receive := tc.rule.Prices(tc.bid, tc.ask)
		if pay != tc.pay || receive != tc.receive || pay-receive != tc.kept {
			t.Errorf("%v with bid %v and ask %v: shipper pays %v, carrier receives %v, broker keeps %v; want %v, %v, %v",
				tc.rule, tc.bid, tc.ask, pay, receive, pay-receive, tc.pay, tc.receive, tc.kept)
		}
	}
}

// TestPricesBetweenAskAndBid checks every rule on random crossing pairs and
// random k, including values where rounding could push a + k(b-a) past b.
func TestPricesBetweenAskAndBid(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2))
	for range 100000 {
		ask := math.Ldexp(rng.Float64()-0.5, rng.IntN(40)-20)
		bid := ask + math.Ldexp(rng.Float64(), rng.IntN(40)-20)
		k := rng.Float64()
		switch rng.IntN(4) {
		case 0:
			k = 0
		case 1:
			k = 1
		}
		for _, r := range []PriceRule{{Kind: Spread}, {Kind: PayAsBid}, {Kind: KDouble, K: k}} {
			pay, receive := r.Prices(bid, ask)
			if !(ask <= pay && pay <= bid && ask <= receive && receive <= bid) {
				t.Fatalf("%v with bid %v and ask %v: pay %v and receive %v must both lie in [ask, bid]",
					r, bid, ask, pay, receive)
			}
			if r.Kind != Spread && pay != receive {
				t.Fatalf("%v with bid %v and ask %v: pay %v differs from receive %v, but this rule keeps nothing",
					r, bid, ask, pay, receive)
			}
			if r.Kind == KDouble && ((k == 0 && pay != ask) || (k == 1 && pay != bid)) {
				t.Fatalf("%v with bid %v and ask %v: price %v, want exactly the ask at k=0 and the bid at k=1",
					r, bid, ask, pay)
			}
		}
	}
}

func TestPriceRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		rule PriceRule
		ok   bool
	}{
		{PriceRule{}, true},
		{PriceRule{Kind: PayAsBid}, true},
		{PriceRule{Kind: Spread, K: 7}, true}, // K is ignored outside k-double
		{PriceRule{Kind: KDouble, K: 0}, true},
		{PriceRule{Kind: KDouble, K: 1}, true},
		{PriceRule{Kind: KDouble, K: 0.3}, true},
		{PriceRule{Kind: KDouble, K: -0.1}, false},
		{PriceRule{Kind: KDouble, K: 1.1}, false},
		{PriceRule{Kind: KDouble, K: math.NaN()}, false},
		{PriceRule{Kind: KDouble, K: math.Inf(1)}, false},
		{PriceRule{Kind: PriceKind(9)}, false},
	} {
		err := tc.rule.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("PriceRule%+v.Validate() = %v; want valid = %v", tc.rule, err, tc.ok)
		}
	}
}

func TestParsePriceKind(t *testing.T) {
	for _, k := range []PriceKind{Spread, KDouble, PayAsBid} {
		got, err := ParsePriceKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParsePriceKind(%q) = %v, %v; want %v", k.String(), got, err, k)
		}
		text, err := k.MarshalText()
		var back PriceKind
		if err != nil || back.UnmarshalText(text) != nil || back != k {
			t.Errorf("PriceKind %v does not survive MarshalText/UnmarshalText (text %q, err %v, back %v)", k, text, err, back)
		}
	}
	for _, s := range []string{"", "Spread", "kdouble", "pay as bid"} {
		if _, err := ParsePriceKind(s); err == nil {
			t.Errorf("ParsePriceKind(%q) succeeded; want an error listing the allowed names", s)
		}
	}
	if got := (PriceRule{Kind: KDouble, K: 0.5}).String(); got != "k-double(k=0.5)" {
		t.Errorf("String of k-double with k 0.5 = %q, want %q", got, "k-double(k=0.5)")
	}
}
