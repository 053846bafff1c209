package scenario

import (
	"strings"
	"testing"
)

// TestCostDraw: cost_draw takes job or round (absent: job), other values
// are refused naming the field and what is allowed, and k-double-uniform is
// refused in a network.
func TestCostDraw(t *testing.T) {
	for _, tc := range []struct {
		set  []string
		want string // "" when valid
	}{
		{nil, ""},
		{[]string{"carriers[0].cost_draw=job"}, ""},
		{[]string{"carriers[0].cost_draw=round"}, ""},
		{[]string{"carriers[0].cost_draw=week"}, `carriers[0].cost_draw: "week": want job (a factor per job) or round`},
	} {
		_, err := ResolveWith("large-market", tc.set)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("--set %v: %v, want no error", tc.set, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("--set %v: error %v, want one saying %q", tc.set, err, tc.want)
		}
	}
	sc, err := Resolve("large-market")
	if err != nil || sc.Carriers[3].CostDraw != CostDrawRound || sc.Market.Price != PriceKDoubleUniform {
		t.Errorf("large-market: carrier 3 draws %q, price %v (%v); want round and k-double-uniform", sc.Carriers[3].CostDraw, sc.Market.Price, err)
	}
	if _, err := ResolveWith("corridor", []string{"market.price=k-double-uniform"}); err == nil || !strings.Contains(err.Error(), "a network's lanes are priced pair by pair") {
		t.Errorf("corridor with k-double-uniform: error %v, want one refusing it in a network", err)
	}
}
