package experiments

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// The run's metrics where capacity binds or carriers compete: the markets
// of the one-slot ladder (testdata/scenarios), every quote a constant, so
// that each epoch clears the same way and every metric follows by hand.
// Every job has volume 10 over 50 km. A trader's gain is price less cost
// (a carrier) or value less price (a shipper); under spread the broker
// keeps the difference. efficiency counts every gain, the broker's too;
// shipper_share is the shippers' gains over the shippers' and carriers'
// (undefined, NaN, unless that total is positive); jain is Jain's index
// (sum x)² / (n sum x²) over every shipper's and carrier's gains (NaN when
// all are zero); utilization is the volume shipped over the capacity of
// the trucks that left; ship_share the share of jobs shipped; mean_bid and
// mean_ask average every quote, mean_price the price a shipped job paid,
// mean_winning_bid its bid, mean_transport_cost its carrier's cost,
// price_per_cost the price over that cost. Every job is due at once and
// no shipper pays a penalty: a job's cost (cost_per_job) is its price less
// its value if it ships, else 0, and P2's avg_bidding_cost, the mean
// return of a bid decision (one per job, in remaining-due group 0), is
// minus that: a constant quote's bids count as decisions too.
type metricsRung struct {
	name    string
	file    string
	price   string
	k       float64
	quotes  []float64
	metrics map[string]float64
	sets    []string // further overrides
}

func capacityMetricsLadder() []metricsRung {
	nan := math.NaN()
	return []metricsRung{
		// Shipper 0 (worth 120) wins and pays its bid; the carrier (cost 50)
		// receives it: gains 0, 0, 70.
		{"one slot, pay-as-bid, all truthful", "one-slot.yaml", "pay-as-bid", 0, []float64{120, 100, 50}, map[string]float64{
			"ship_share": 0.5, "utilization": 1, "efficiency": 1, "shipper_share": 0, "jain": 1.0 / 3,
			"mean_price": 120, "mean_winning_bid": 120, "mean_transport_cost": 50, "price_per_cost": 2.4, "price_volatility": 0,
			"mean_bid": 110, "mean_ask": 50, "cost_per_job": 0, "avg_bidding_cost": 0}, nil},
		// The price is (120 + 50)/2 = 85: gains 35, 0, 35.
		{"one slot, k-double 1/2, all truthful", "one-slot.yaml", "k-double", 0.5, []float64{120, 100, 50}, map[string]float64{
			"ship_share": 0.5, "utilization": 1, "efficiency": 1, "shipper_share": 0.5, "jain": 2.0 / 3,
			"mean_price": 85, "mean_winning_bid": 120, "price_per_cost": 1.7, "mean_bid": 110, "mean_ask": 50,
			"cost_per_job": -35.0 / 2, "avg_bidding_cost": 35.0 / 2}, nil},
		// Shipper 0 and the carrier meet at 110: gains 10, 0, 60.
		{"one slot, spread, shipper 0 and the carrier at 110", "one-slot.yaml", "spread", 0, []float64{110, 100, 110}, map[string]float64{
			"efficiency": 1, "shipper_share": 1.0 / 7, "jain": 70.0 * 70 / (3 * (10*10 + 60*60)),
			"mean_price": 110, "price_per_cost": 2.2, "mean_bid": 105, "mean_ask": 110}, nil},
		// Shipper 0 bids 90, below its rival: shipper 1 (worth 100) wins at
		// its bid; gains 0, 0, 50 of the 70 the right job would give.
		{"one slot, pay-as-bid, the wrong job ships", "one-slot.yaml", "pay-as-bid", 0, []float64{90, 100, 50}, map[string]float64{
			"ship_share": 0.5, "utilization": 1, "efficiency": 50.0 / 70, "shipper_share": 0, "jain": 1.0 / 3,
			"mean_price": 100, "mean_winning_bid": 100, "mean_transport_cost": 50, "price_per_cost": 2}, nil},
		// The carrier asks 130, above every bid: nothing ships.
		{"one slot, pay-as-bid, the carrier asks above every bid", "one-slot.yaml", "pay-as-bid", 0, []float64{120, 100, 130}, map[string]float64{
			"ship_share": 0, "utilization": 0, "efficiency": 0, "shipper_share": nan, "jain": nan, "mean_price": nan, "mean_ask": 130}, nil},
		// Shipper 1 pays a penalty of 3 a volume unit when its job fails:
		// its reservation, 100 + 30, outbids 120 and it ships at 130. Its
		// gain counts the penalty it avoids (100 - 130 + 30 = 0); the
		// carrier gains 80, all of S (80: the reservations decide). The
		// job's cost is 130 - 100 = 30, the other's 0.
		{"one slot, pay-as-bid, truthful, shipper 1's job with a penalty of 30", "one-slot.yaml", "pay-as-bid", 0, []float64{120, 130, 50}, map[string]float64{
			"ship_share": 0.5, "utilization": 1, "efficiency": 1, "shipper_share": 0, "jain": 1.0 / 3,
			"mean_price": 130, "mean_winning_bid": 130, "price_per_cost": 2.6, "mean_bid": 125, "cost_per_job": 15, "avg_bidding_cost": -15},
			[]string{"shippers[1].penalty=3"}},
		// Shipper 1's job may wait one epoch (due 1) at a holding cost of 1 a
		// volume unit an epoch. Shipper 0's job wins every epoch; each of
		// shipper 1's waits once (-10) and fails the next epoch (no
		// penalty): its gain is -10. The last one, still waiting when the
		// episode ends, never finishes and counts in nothing: 39 jobs
		// finish, 20 ship. Quotes: 120 and two of 100 an epoch, one of 100
		// in the first. Shippers' gains -190, the carrier's 1400, of S =
		// 1400 (timing relaxed). Decisions: 20 + 19 in remaining-due group
		// 0 returning 0, 19 in group 1 returning -10: avg_bidding_cost -5.
		{"one slot, pay-as-bid, truthful, shipper 1's job waits an epoch at a holding cost of 10, then fails", "one-slot.yaml", "pay-as-bid", 0, []float64{120, 100, 50}, map[string]float64{
			"ship_share": 20.0 / 39, "utilization": 1, "efficiency": 1210.0 / 1400, "shipper_share": -190.0 / 1210, "jain": 1.0 / 3,
			"mean_price": 120, "mean_bid": (20*120 + 39*100) / 59.0, "cost_per_job": 190.0 / 39, "avg_bidding_cost": -5},
			[]string{"shippers[1].holding_cost=1", "jobs.fixed[1].due=1"}},
		// The cheaper truck (cost 50) ships; the shipper pays 120, the
		// carrier receives 50, the broker keeps 70: the traders gain
		// nothing. Both trucks leave, 20 of capacity for 10 shipped.
		{"two trucks, spread, all truthful", "two-trucks.yaml", "spread", 0, []float64{120, 50, 70}, map[string]float64{
			"ship_share": 1, "utilization": 0.5, "efficiency": 1, "shipper_share": nan, "jain": nan,
			"mean_price": 120, "mean_transport_cost": 50, "price_per_cost": 2.4, "mean_bid": 120, "mean_ask": 60}, nil},
		// The price is 85 with the cheaper truck: gains 35, 35, 0.
		{"two trucks, k-double 1/2, all truthful", "two-trucks.yaml", "k-double", 0.5, []float64{120, 50, 70}, map[string]float64{
			"ship_share": 1, "utilization": 0.5, "efficiency": 1, "shipper_share": 0.5, "jain": 2.0 / 3,
			"mean_price": 85, "mean_transport_cost": 50, "price_per_cost": 1.7, "cost_per_job": -35, "avg_bidding_cost": 35}, nil},
		// Carrier 0 asks 80, above its rival: the dearer truck (70) ships,
		// paid its ask; the shipper pays 120, the broker keeps 50.
		{"two trucks, spread, the dearer truck ships", "two-trucks.yaml", "spread", 0, []float64{120, 80, 70}, map[string]float64{
			"ship_share": 1, "utilization": 0.5, "efficiency": 50.0 / 70, "shipper_share": nan, "jain": nan,
			"mean_price": 120, "mean_transport_cost": 70, "price_per_cost": 120.0 / 70, "mean_ask": 75}, nil},
		// Two slots at one price lo + k (hi - lo): lo the highest of the
		// traded ask (50) and the bid left out (80), hi the lowest traded
		// bid (100): 90. Gains 30, 10, 0 and 40 + 40.
		{"two slots, k-double-uniform 1/2, all truthful", "two-slots.yaml", "k-double-uniform", 0.5, []float64{120, 100, 80, 50}, map[string]float64{
			"ship_share": 2.0 / 3, "utilization": 1, "efficiency": 1, "shipper_share": 1.0 / 3, "jain": 120.0 * 120 / (4 * (30*30 + 10*10 + 80*80)),
			"mean_price": 90, "mean_winning_bid": 110, "mean_transport_cost": 50, "price_per_cost": 1.8, "price_volatility": 0,
			"mean_bid": 100, "mean_ask": 50, "cost_per_job": -40.0 / 3, "avg_bidding_cost": 40.0 / 3}, nil},
		// The winners bid 100 and the carrier asks 100: the price is 100.
		// Gains 20, 0, 0 and 50 + 50.
		{"two slots, k-double-uniform 1/2, an equilibrium", "two-slots.yaml", "k-double-uniform", 0.5, []float64{100, 100, 80, 100}, map[string]float64{
			"ship_share": 2.0 / 3, "utilization": 1, "efficiency": 1, "shipper_share": 1.0 / 6, "jain": 120.0 * 120 / (4 * (20*20 + 100*100)),
			"mean_price": 100, "mean_winning_bid": 100, "price_per_cost": 2, "mean_bid": 280.0 / 3, "mean_ask": 100}, nil},
	}
}

// TestMetricsWhereCapacityBinds runs each profile (no training, one
// evaluation episode of 20 epochs) on seeds 1 and 2 and checks every
// metric it names against the hand figure, to 1e-9 relative (NaN where
// the figure is undefined).
func TestMetricsWhereCapacityBinds(t *testing.T) {
	for _, c := range capacityMetricsLadder() {
		path := "../testdata/scenarios/" + c.file
		base, err := scenario.Resolve(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range []string{"seed=1", "seed=2"} {
			sets := append(quoteSets(base, c.price, c.k, c.quotes), "training.episodes=0", "equilibrium.enabled=false", seed)
			sets = append(sets, c.sets...)
			_, res := resolveAndRun(t, path, sets)
			names := make([]string, 0, len(c.metrics))
			for name := range c.metrics {
				names = append(names, name)
			}
			slices.Sort(names)
			var got []string
			for _, name := range names {
				want := c.metrics[name]
				st, ok := res.Summary.Metrics[name]
				if !ok {
					t.Errorf("%s: no metric %s", c.name, name)
					continue
				}
				got = append(got, name+" "+strings.TrimSpace(cell(st.Mean)))
				if math.IsNaN(want) != math.IsNaN(st.Mean) || math.Abs(st.Mean-want) > 1e-9*(1+math.Abs(want)) {
					t.Errorf("%s, %s: %s %v, by hand %v", c.name, seed, name, st.Mean, want)
				}
			}
			if seed == "seed=1" {
				t.Logf("%s: %s", c.name, strings.Join(got, ", "))
			}
		}
	}
}
