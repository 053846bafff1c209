package scenario

import (
	"strings"
	"testing"
)

const twoHubs = `
name: two-hubs
p2_compat: false
network:
  hubs: [{name: a, x: 0, y: 0}, {name: b, x: 1, y: 0}]
  lanes:
    - {from: a, to: b, distance: 100, time: 1}
    - {from: b, to: a, distance: 100, time: 1}
  demand:
    - {from: a, to: b, arrivals: {min: 0, max: 6}}
    - {from: b, to: a, arrivals: {min: 0, max: 2}, volume: {min: 2, max: 4}}
carriers:
  - capacity: 20
    trucks: [{hub: a, count: 3}, {hub: b, count: 1}]
    empty_cost_rate: 0.5
`

func TestNetworkParses(t *testing.T) {
	sc, err := Parse("two-hubs", []byte(twoHubs))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.IsNetwork() || sc.Trucks() != 4 {
		t.Fatalf("a network of %d trucks, want 4", sc.Trucks())
	}
	// Row 0 takes jobs.volume and the lane's distance; row 1 its own volume.
	if got := sc.ODVolume(0); got != sc.Jobs.Volume {
		t.Errorf("row 0 volume %v, want jobs.volume %v", got, sc.Jobs.Volume)
	}
	if got := sc.ODVolume(1); got != (Range{2, 4}) {
		t.Errorf("row 1 volume %v, want {2 4}", got)
	}
	if got := sc.ODDistance(0); got != (Range{100, 100}) {
		t.Errorf("row 0 distance %v, want the lane's {100 100}", got)
	}
	// Expected volume per epoch: 3*5.5 + 1*3 = 19.5; capacity-time needed:
	// the larger flow, 16.5, times the round trip of 2 epochs, over a fleet
	// of 4*20 = 80.
	if got := sc.ExpectedDemand(); got != 19.5 {
		t.Errorf("expected demand %v, want 19.5", got)
	}
	if got := sc.DemandCapacityRatio(); got != 16.5*2/80 {
		t.Errorf("demand:capacity %v, want %v", got, 16.5*2/80)
	}
	// demand_ratio scales the trucks' capacity: 33/80 * 20 / 0.5 = 16.5 -> 17.
	sc.DemandRatio = 0.5
	if got := sc.Capacities()[0]; got != 17 {
		t.Errorf("capacity at demand_ratio 0.5: %d, want 17", got)
	}
	sc.DemandRatio = 0
	if s := sc.Scales(); s.Distance != 100 || s.Volume != 10 || s.Count != float64((6+2)*(5+1)) {
		t.Errorf("scales %+v: want distance 100, volume 10, count 48", s)
	}
}

func TestNetworkProblems(t *testing.T) {
	for _, c := range []struct{ edit, old, want, field string }{
		{"unknown hub", "{hub: b, count: 1}", "{hub: bb, count: 1}", "carriers[0].trucks[1].hub"},
		{"no lane", "- {from: b, to: a, distance: 100, time: 1}", "- {from: b, to: b, distance: 100, time: 1}", "network.demand[1]:"},
		{"zero time", "distance: 100, time: 1}\n    - {from: b", "distance: 100, time: 0}\n    - {from: b", "network.lanes[0].time"},
		{"no trucks", "    trucks: [{hub: a, count: 3}, {hub: b, count: 1}]\n", "", "carriers[0].trucks:"},
		{"bad count", "count: 3", "count: 0", "carriers[0].trucks[0].count"},
		{"duplicate hub", "{name: b, x: 1, y: 0}", "{name: a, x: 1, y: 0}", "network.hubs[1].name"},
		{"bad rule", "  demand:\n", "  reposition: dmand\n  demand:\n", "network.reposition"},
		{"cda, jobs.volume", "p2_compat: false", "p2_compat: false\nmarket: {clearing: cda, price: resting}", "jobs.volume: 1 to 10: a continuous double auction trades units"},
		{"cda, a row's volume", "p2_compat: false", "p2_compat: false\nmarket: {clearing: cda, price: resting}", "network.demand[1].volume: 2 to 4: a continuous double auction trades units"},
	} {
		src := strings.Replace(twoHubs, c.old, c.want, 1)
		if src == twoHubs && c.want != "" {
			t.Fatalf("%s: the edit did not apply", c.edit)
		}
		if _, err := Parse("edit", []byte(src)); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v, want a problem at %s", c.edit, err, c.field)
		}
	}
	// A learned reposition without a network.
	if _, err := Parse("x", []byte("name: x\ncarriers: [{reposition: learn}]\n")); err == nil || !strings.Contains(err.Error(), "carriers[0].reposition: learn: repositioning needs a network") {
		t.Errorf("a learned reposition without a network: %v, want a problem at carriers[0].reposition", err)
	}
	if _, err := Parse("x", []byte(strings.Replace(twoHubs, "empty_cost_rate: 0.5", "empty_cost_rate: 0.5\n    reposition: lern", 1))); err == nil || !strings.Contains(err.Error(), "carriers[0].reposition") {
		t.Errorf("an unknown reposition: %v, want a problem at carriers[0].reposition", err)
	}
	// Trucks without a network.
	if _, err := Parse("x", []byte("name: x\ncarriers: [{trucks: [{hub: a, count: 1}]}]\n")); err == nil || !strings.Contains(err.Error(), "carriers[0].trucks") {
		t.Errorf("trucks without a network: %v, want a problem at carriers[0].trucks", err)
	}
}

// TestNetworkAuction: a network clears by continuous double auction when
// every job has volume 1 and every lane one distance; a row with a range
// of distances, or two rows of one lane with different distances, are
// reported at the row.
func TestNetworkAuction(t *testing.T) {
	unit := strings.Replace(twoHubs, ", volume: {min: 2, max: 4}", "", 1) + "jobs: {volume: {min: 1, max: 1}}\nmarket: {clearing: cda, price: midpoint}\n"
	if _, err := Parse("unit", []byte(unit)); err != nil {
		t.Fatalf("a network of unit jobs with a continuous double auction: %v", err)
	}
	for _, c := range []struct{ edit, old, want, field string }{
		{"a range of distances", "max: 6}}", "max: 6}, distance: {min: 90, max: 110}}", "network.demand[0].distance: want min = max"},
		{"two distances on a lane", "max: 2}}", "max: 2}}\n    - {from: b, to: a, arrivals: {min: 0, max: 1}, distance: {min: 80, max: 80}}", "network.demand[2].distance: 80, but an earlier row from b to a has 100"},
	} {
		src := strings.Replace(unit, c.old, c.want, 1)
		if src == unit {
			t.Fatalf("%s: the edit did not apply", c.edit)
		}
		if _, err := Parse("edit", []byte(src)); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v, want a problem at %s", c.edit, err, c.field)
		}
	}
}
