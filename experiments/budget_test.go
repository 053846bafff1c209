package experiments

import (
	"context"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market"
)

// TestAdversarialClearingsReportTheBudget runs a market whose every
// clearing is the adversarial assignment of market's TestAssignAutoBudget:
// 24 jobs of even volume whose spread equals their volume (value 2v, cost
// 0.1 * v * 10, both quoted truthfully) against three carriers of odd
// capacities 37, 41 and 43 departing together, so that the bounds promise a
// unit more than any assignment ships and the exact search cannot finish.
// Each clearing must stop at the node budget, take the heuristic's answer
// (one unit short at each carrier) and say so in the manifest's
// assignments (stopped_at_node_budget). The budget is in nodes, so the count
// is the same on any machine.
func TestAdversarialClearingsReportTheBudget(t *testing.T) {
	sc, err := scenario.ResolveWith("strategic-bidding-deterministic", []string{
		"training.episodes=1", "training.horizon=1", "evaluation.every=1", "evaluation.horizon=1", "evaluation.episodes=1", "equilibrium.enabled=false",
	})
	if err != nil {
		t.Fatal(err)
	}
	sc.Jobs.Fixed = nil
	for j := range market.AssignExactJobs {
		v := 2 * (2 + j%6)
		sc.Jobs.Fixed = append(sc.Jobs.Fixed, scenario.FixedJob{Volume: v, Distance: 10, Value: float64(2 * v)})
	}
	sc.Shippers[0].Strategy.Kind = scenario.KindTruthful
	car := scenario.DefaultCarrier()
	car.Schedule.Offset = sc.Carriers[0].Schedule.Offset
	sc.Carriers = nil
	for _, c := range []int{37, 41, 43} {
		car.Capacity = c
		sc.Carriers = append(sc.Carriers, car)
	}
	if ps := sc.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	res, err := Run(context.Background(), sc, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Solver
	if s.Assignments == 0 || s.Stopped != s.Assignments {
		t.Fatalf("assignments %+v: want every clearing stopped at the node budget", s)
	}
	t.Logf("assignments %+v", s)
	m := NewManifest(sc, nil, 1, time.Now())
	m.Finish(res, nil)
	if m.Assignments == nil || *m.Assignments != s {
		t.Errorf("manifest's assignments %+v, want %+v", m.Assignments, s)
	}
}
