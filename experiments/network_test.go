package experiments

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// asOneHub writes sc, a one-hub market, as a network of one hub: one lane
// from the hub back to it taking one epoch (every carrier here departs
// every epoch, so its truck is back for its next departure), one demand
// row with the job ranges, one truck per carrier at the hub, capacities
// as sc's (demand_ratio applied).
func asOneHub(sc scenario.Config) scenario.Config {
	caps := sc.Capacities()
	sc.DemandRatio = 0
	sc.Carriers = slices.Clone(sc.Carriers)
	for i := range sc.Carriers {
		sc.Carriers[i].Capacity = caps[i]
		sc.Carriers[i].Trucks = []scenario.Fleet{{Hub: "depot", Count: 1}}
	}
	j := sc.Jobs
	sc.Network = scenario.Network{
		Hubs:   []scenario.Hub{{Name: "depot"}},
		Lanes:  []scenario.Lane{{From: "depot", To: "depot", Distance: 55, Time: 1}},
		Demand: []scenario.OD{{From: "depot", To: "depot", Arrivals: j.Arrivals, Volume: j.Volume, Due: j.Due, Distance: j.Distance}},
	}
	return sc
}

// TestOneHubNetworkIsTheMarket is issue 16's check 3: a one-hub scenario
// written as a network gives the same results as written the old way,
// every evaluation and training figure equal to the last bit, for P2's
// market (one carrier, quirks on: jobs left at the end are dropped) and
// for the balanced market (three learning shippers, two learning carriers
// assigned jointly, jobs played out at the end).
func TestOneHubNetworkIsTheMarket(t *testing.T) {
	for _, name := range []string{"smart-containers-2020", "balanced"} {
		old, err := scenario.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		old.Training.Episodes, old.Evaluation.Every, old.Evaluation.Horizon = 30, 10, 100
		net := asOneHub(old)
		if ps := net.Validate(); len(ps) > 0 {
			t.Fatalf("%s as a network: %v", name, ps)
		}
		a, err := Run(context.Background(), old, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Run(context.Background(), net, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if b.Lanes == nil || len(b.Lanes.Rows) != 4 {
			t.Fatalf("%s as a network: want a lane row per evaluation point (4), got %v", name, b.Lanes)
		}
		width := len(a.Evaluations.Values)
		if !slices.Equal(a.Evaluations.Values, b.Evaluations.Values[:width]) {
			t.Fatalf("%s: columns differ: %v and %v", name, a.Evaluations.Values, b.Evaluations.Values)
		}
		for i, ra := range a.Evaluations.Rows {
			rb := b.Evaluations.Rows[i]
			if !slices.Equal(ra.Keys, rb.Keys) || fmt.Sprint(ra.Values) != fmt.Sprint(rb.Values[:width]) {
				t.Fatalf("%s, evaluation row %d:\n old way %v\n network %v", name, i, ra.Values, rb.Values[:width])
			}
		}
		for i, ra := range a.Episodes.Rows {
			if fmt.Sprint(ra.Values) != fmt.Sprint(b.Episodes.Rows[i].Values) {
				t.Fatalf("%s, training episode %d:\n old way %v\n network %v", name, i, ra.Values, b.Episodes.Rows[i].Values)
			}
		}
	}
}
