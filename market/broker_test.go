package market

import (
	"math"
	"strings"
	"testing"
)

func TestParseTie(t *testing.T) {
	for _, tie := range []Tie{TieStrict, TieMaxVolume} {
		got, err := ParseTie(tie.String())
		if err != nil || got != tie {
			t.Errorf("ParseTie(%q) = %v, %v; want %v", tie.String(), got, err, tie)
		}
		text, err := tie.MarshalText()
		var back Tie
		if err != nil || back.UnmarshalText(text) != nil || back != tie {
			t.Errorf("Tie %v does not survive MarshalText/UnmarshalText (text %q, err %v, back %v)", tie, text, err, back)
		}
	}
	_, err := ParseTie("maxvolume")
	if err == nil || !strings.Contains(err.Error(), `"strict"`) || !strings.Contains(err.Error(), `"max-volume"`) {
		t.Errorf("ParseTie(%q) error = %v; want an error that lists \"strict\" and \"max-volume\"", "maxvolume", err)
	}
}

func TestOrderValidate(t *testing.T) {
	for _, tc := range []struct {
		o  Order
		ok bool
	}{
		{Order{1, 2, 1}, true},
		{Order{1, -2, -1}, true},
		{Order{0, 2, 1}, false},
		{Order{-3, 2, 1}, false},
		{Order{1, math.NaN(), 1}, false},
		{Order{1, 2, math.Inf(-1)}, false},
	} {
		if err := tc.o.Validate(); (err == nil) != tc.ok {
			t.Errorf("Order%+v.Validate() = %v; want valid = %v", tc.o, err, tc.ok)
		}
	}
}

// TestClearPanics checks that programmer errors stop Clear with a message
// that names the problem.
func TestClearPanics(t *testing.T) {
	for _, tc := range []struct {
		name     string
		broker   Broker
		orders   []Order
		capacity int
		want     string
	}{
		{"negative capacity", Broker{}, nil, -1, "capacity -1"},
		{"zero volume", Broker{}, []Order{{1, 2, 1}, {0, 2, 1}}, 5, "order 1"},
		{"NaN bid", Broker{}, []Order{{1, math.NaN(), 1}}, 5, "bid NaN"},
		{"k out of range", Broker{Price: PriceRule{Kind: KDouble, K: 2}}, nil, 5, "k = 2"},
		{"unknown tie", Broker{Tie: Tie(7)}, nil, 5, "tie rule 7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if r == nil || !strings.Contains(msg, tc.want) {
					t.Errorf("Clear should panic with a message containing %q; recovered %v", tc.want, r)
				}
			}()
			tc.broker.Clear(tc.orders, tc.capacity)
		})
	}
}

// TestClearPricesAndTotals checks that a clearing applies the price rule to
// every selected order and that its totals add up.
func TestClearPricesAndTotals(t *testing.T) {
	orders := []Order{{4, 50, 40}, {3, 30, 30}, {5, 20, 25}, {2, 14, 10}}
	for _, rule := range []PriceRule{{Kind: Spread}, {Kind: KDouble, K: 0.5}, {Kind: PayAsBid}} {
		br := Broker{Tie: TieMaxVolume, Price: rule}
		c := br.Clear(orders, 9)
		if len(c.Pay) != len(c.Selected) || len(c.Receive) != len(c.Selected) {
			t.Fatalf("%v: %d selected but %d pay and %d receive entries", rule, len(c.Selected), len(c.Pay), len(c.Receive))
		}
		var kept float64
		for i, j := range c.Selected {
			pay, receive := rule.Prices(orders[j].Bid, orders[j].Ask)
			if c.Pay[i] != pay || c.Receive[i] != receive {
				t.Errorf("%v: order %d pays %v and receives %v in the clearing, but the rule gives %v and %v",
					rule, j, c.Pay[i], c.Receive[i], pay, receive)
			}
			kept += pay - receive
		}
		if c.Kept != kept {
			t.Errorf("%v: Kept = %v, want the sum of pay - receive, %v", rule, c.Kept, kept)
		}
		if rule.Kind == Spread && c.Kept != c.Spread {
			t.Errorf("spread rule: the broker keeps %v, want the whole spread %v", c.Kept, c.Spread)
		}
	}
}

func TestP2Acceptance(t *testing.T) {
	br := P2Acceptance()
	if br.Tie != TieStrict || br.Price.Kind != PayAsBid {
		t.Fatalf("P2Acceptance() = tie %v, price %v; want strict and pay-as-bid", br.Tie, br.Price)
	}
	// Job 2 has zero net value: the paper's carrier never takes it, even
	// with room to spare.
	orders := []Order{{Volume: 6, Bid: 40, Ask: 30}, {Volume: 2, Bid: 25, Ask: 20}, {Volume: 1, Bid: 9, Ask: 9}}
	c := br.Clear(orders, 80)
	if len(c.Selected) != 2 || c.Selected[0] != 0 || c.Selected[1] != 1 {
		t.Fatalf("P2 acceptance selected %v, want [0 1] (job 2 has net value 0)", c.Selected)
	}
	if c.Receive[0] != 40 || c.Receive[1] != 25 || c.Kept != 0 {
		t.Errorf("P2 acceptance: carrier receives %v and broker keeps %v; want the bids [40 25] and 0", c.Receive, c.Kept)
	}
}

// TestClearAllocs checks that a warmed-up broker clears without allocating,
// for the small P2 case and a large binding case.
func TestClearAllocs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		orders   []Order
		capacity int
	}{
		{"P2 typical", benchOrders(10, 10, 1), 80},
		{"binding n=300 C=2000", benchOrders(300, 100, 2), 2000},
	} {
		for _, br := range []*Broker{P2Acceptance(), {Tie: TieMaxVolume, Price: PriceRule{Kind: KDouble, K: 0.5}}} {
			br.Clear(tc.orders, tc.capacity)
			allocs := testing.AllocsPerRun(20, func() { br.Clear(tc.orders, tc.capacity) })
			if allocs != 0 {
				t.Errorf("%s, tie %v, price %v: %v allocations per Clear after warm-up, want 0", tc.name, br.Tie, br.Price, allocs)
			}
		}
	}
	var br Broker
	v, c, vol := []float64{5, 6, 7}, []float64{1, 1, 1}, []int{3, 4, 5}
	br.MaxSurplus(v, c, vol, 8)
	if allocs := testing.AllocsPerRun(20, func() { br.MaxSurplus(v, c, vol, 8) }); allocs != 0 {
		t.Errorf("%v allocations per MaxSurplus after warm-up, want 0", allocs)
	}
}
