package equilibrium

import (
	"math"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

func TestEquilibriumTheory(t *testing.T) {
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		t.Fatal(err)
	}
	eq, ok := closedForm(&sc)
	if !ok || len(eq) != 4 {
		t.Fatalf("closed form %v, %v: want 4 job types", eq, ok)
	}
	want := []struct {
		cost, reserve float64
		efficient     bool
	}{{50, 120, true}, {60, 150, true}, {50, 90, true}, {120, 100, false}}
	for i, w := range want {
		if e := eq[i]; math.Abs(e.cost-w.cost) > 1e-9 || e.reserve != w.reserve || e.efficient != w.efficient {
			t.Errorf("job %d: cost %v reservation %v efficient %v, want %v", i, e.cost, e.reserve, e.efficient, w)
		}
	}
	sc.Market.Tie = scenario.TieStrict
	if _, ok := closedForm(&sc); ok {
		t.Error("with the strict tie rule bid = ask does not trade: there is no such closed form")
	}
}
