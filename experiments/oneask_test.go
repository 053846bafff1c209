package experiments

import (
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestOneAskPerClearing: a learning carrier of the large-market preset
// quotes one ask for all the jobs of a clearing, records it as each job's
// action, and draws a new one at the next clearing.
func TestOneAskPerClearing(t *testing.T) {
	sc, err := scenario.Resolve("large-market")
	if err != nil {
		t.Fatal(err)
	}
	st, err := buildStrategy(&sc, sc.Carriers[0].Strategy, Agent{Carrier: true, Rand: rand.New(rand.NewPCG(1, 1)), Scales: sc.Scales()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := st.(agents.Described)
	if !ok {
		t.Fatalf("the large-market carrier's strategy %T is not a described learner", st)
	}
	o := &oneAsk{Described: d}
	car := &agents.Carrier{Capacity: 1, CostRate: 1}
	rng := rand.New(rand.NewPCG(2, 2))
	var asks []float64
	for clearing := range 2 {
		v := &agents.View{Now: float64(clearing) + 0.5, Carrier: car, Capacity: 1, Waiting: 3}
		for j := range 3 {
			job := &agents.Job{ID: int64(3*clearing + j), Volume: 1, Distance: 1, CostFactors: []float64{0.4}}
			var rec agents.Record
			a := o.Quote(rng, job, v, &rec)
			if len(rec.Action) != 1 || rec.Action[0] != a {
				t.Fatalf("clearing %d, job %d: quoted %v, recorded actions %v; want the quote recorded once", clearing, j, a, rec.Action)
			}
			asks = append(asks, a)
		}
	}
	if asks[0] != asks[1] || asks[0] != asks[2] || asks[3] != asks[4] || asks[3] != asks[5] || asks[0] == asks[3] {
		t.Errorf("asks %v: want one ask per clearing of three jobs, a new one at the next", asks)
	}
}
