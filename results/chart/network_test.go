package chart

import (
	"math"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/results"
)

// laneTable is a lanes.csv of two replicates, two evaluation points and a
// corridor's two lanes.
func laneTable() *results.Table {
	t := &results.Table{Keys: []string{"replicate", "episode", "from", "to"},
		Values: []string{"loaded_trips", "empty_trips", "jobs", "volume", "utilization", "price_per_cost", "receive_per_cost", "mean_price", "km_loaded", "km_empty"}}
	for rep := range int64(2) {
		// Episode 0: prices that the figures must ignore.
		t.Append([]int64{rep, 0, 0, 1}, []float64{1, 0, 1, 1, 1, 9, 9, 9, 1, 0})
		t.Append([]int64{rep, 0, 1, 0}, []float64{1, 0, 1, 1, 1, 9, 9, 9, 1, 0})
		// Episode 10: A->B the head-haul, B->A the back-haul; replicate 1's
		// back-haul shipped nothing (no price).
		t.Append([]int64{rep, 10, 0, 1}, []float64{30, 1, 30, 30, 0.97, 2 + float64(rep), 1.5, 100, 300, 10})
		bp, bv := 1.2, 10.0
		if rep == 1 {
			bp, bv = math.NaN(), 0
		}
		t.Append([]int64{rep, 10, 1, 0}, []float64{bv, 20, bv, bv, 0.3, bp, bp, 50, 10 * bv, 200})
	}
	return t
}

func TestLanePricesData(t *testing.T) {
	hubs := []Hub{{"a", 0, 0}, {"b", 3, 4}}
	f, err := LanePrices(laneTable(), hubs)
	if err != nil {
		t.Fatal(err)
	}
	checkPlotDraws(t, f)
	// Sorted by the price paid: the back-haul (1.2, one replicate) first,
	// then the head-haul (mean of 2 and 3); trips and volume summed.
	want := [][]float64{{1, 0, 10, 40, 10, 1.2, 1.2}, {0, 1, 60, 2, 60, 2.5, 1.5}}
	if len(f.Data.Rows) != 2 {
		t.Fatalf("want 2 lanes, got %v", f.Data.Rows)
	}
	for i, w := range want {
		for k, v := range w {
			if got := f.Data.Rows[i].Values[k]; got != v {
				t.Errorf("lane %d, %s: got %v, want %v", i, f.Data.Values[k], got, v)
			}
		}
	}
	if !strings.Contains(f.Plot.Title.Text, "after 10 training episodes") {
		t.Errorf("title %q does not name the last evaluation point", f.Plot.Title.Text)
	}
}

func TestNetworkMapData(t *testing.T) {
	hubs := []Hub{{"a", 0, 0}, {"b", 3, 4}}
	f, err := NetworkMap(laneTable(), hubs)
	if err != nil {
		t.Fatal(err)
	}
	checkPlotDraws(t, f)
	if len(f.Data.Rows) != 2 {
		t.Fatalf("want 2 lanes, got %v", f.Data.Rows)
	}
	// Lane a->b runs from (0,0) to (3,4), offset to its right by 1 % of
	// the span 5: (0.04, -0.03); b->a the other way, offset (-0.04, 0.03).
	for i, w := range [][]float64{{0, 1, 0.04, -0.03, 3.04, 3.97, 60}, {1, 0, 2.96, 4.03, -0.04, 0.03, 10}} {
		for k, v := range w {
			if got := f.Data.Rows[i].Values[k]; got < v-1e-12 || got > v+1e-12 {
				t.Errorf("lane %d, %s: got %v, want %v", i, f.Data.Values[k], got, v)
			}
		}
	}
	if _, err := NetworkMap(laneTable(), nil); err == nil {
		t.Error("a network figure without hubs: want an error")
	}
}
