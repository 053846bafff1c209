package experiments

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
)

// laneStats is what an evaluation point measured of a network: per lane
// (in the order of the scenario's lanes), its trips and loads; over the
// network, truck idle time and empty running.
type laneStats struct {
	lanes     []laneCount
	idle      float64 // truck-epochs spent waiting at hubs
	truckTime float64 // truck-epochs in all
	emptyCost float64 // paid for empty running
}

type laneCount struct {
	loaded, empty, jobs, volume, capacity int
	pay, receive, cost                    float64
	km, emptyKm                           float64
}

// trip counts a truck of capacity cap leaving along lane l over distance
// dist, loaded with ld (nil: empty).
func (s *laneStats) trip(l, capacity int, dist float64, ld *agents.Load) {
	c := &s.lanes[l]
	c.capacity += capacity
	if ld == nil {
		c.empty++
		c.emptyKm += dist
		return
	}
	c.loaded++
	c.km += dist
	c.jobs += ld.Jobs
	c.volume += ld.Volume
	c.pay += ld.Pay
	c.receive += ld.Receive
	c.cost += ld.Cost
}

func (s *laneStats) reset(lanes int) {
	s.lanes = append(s.lanes[:0], make([]laneCount, lanes)...)
	s.idle, s.truckTime, s.emptyCost = 0, 0, 0
}

// LaneColumns are the value columns of lanes.csv, one row per replicate,
// evaluation point and lane (keys replicate, episode, from, to: hub
// indices in the order of network.hubs), pooled over the point's
// evaluation episodes.
func LaneColumns() []results.Metric {
	return []results.Metric{
		{Name: "loaded_trips", Description: "trucks that left along the lane loaded"},
		{Name: "empty_trips", Description: "trucks that left along the lane empty (repositioning)"},
		{Name: "jobs", Description: "jobs shipped on the lane"},
		{Name: "volume", Description: "volume shipped on the lane"},
		{Name: "utilization", Description: "volume shipped / capacity of all trucks that left along the lane, loaded or empty"},
		{Name: "price_per_cost", Description: "what shippers paid / the carriers' transport cost k*v*l of the jobs shipped on the lane (NaN without a trip)"},
		{Name: "receive_per_cost", Description: "what carriers received / their transport cost of the jobs shipped on the lane"},
		{Name: "mean_price", Description: "what shippers paid per job shipped on the lane"},
		{Name: "km_loaded", Description: "distance run loaded on the lane"},
		{Name: "km_empty", Description: "distance run empty on the lane"},
	}
}

// NetworkMetrics are the network's columns of evaluations.csv, after the
// others.
func NetworkMetrics() []results.Metric {
	return []results.Metric{
		{Name: "empty_km_share", Description: "distance run empty / all distance run by trucks"},
		{Name: "idle_share", Description: "truck time spent waiting at hubs / all truck time"},
		{Name: "empty_cost", Description: "paid for empty running per evaluation episode"},
	}
}

func laneKeys() []string { return []string{"replicate", "episode", "from", "to"} }

// laneCounts are the columns of lanes.csv that count trips, jobs and volume:
// integers in its CSV and Parquet files.
func laneCounts() []string { return []string{"loaded_trips", "empty_trips", "jobs", "volume"} }

func newLanesTable() *results.Table {
	return &results.Table{Keys: laneKeys(), Values: names(LaneColumns()), Counts: laneCounts()}
}

// rows appends the point's lane rows to t.
func (s *laneStats) rows(t *results.Table, sc *scenario.Config, replicate, episode int64) {
	nw := &sc.Network
	for i, c := range s.lanes {
		l := nw.Lanes[i]
		ratio := func(a, b float64) float64 {
			if b == 0 {
				return math.NaN()
			}
			return a / b
		}
		t.Append([]int64{replicate, episode, int64(nw.HubIndex(l.From)), int64(nw.HubIndex(l.To))}, []float64{
			float64(c.loaded), float64(c.empty), float64(c.jobs), float64(c.volume),
			ratio(float64(c.volume), float64(c.capacity)),
			ratio(c.pay, c.cost), ratio(c.receive, c.cost), ratio(c.pay, float64(c.jobs)),
			c.km, c.emptyKm,
		})
	}
}

// metrics are the point's NetworkMetrics, over episodes evaluation episodes.
func (s *laneStats) metrics(episodes int) []float64 {
	var km, empty float64
	for _, c := range s.lanes {
		km += c.km + c.emptyKm
		empty += c.emptyKm
	}
	share := math.NaN()
	if km > 0 {
		share = empty / km
	}
	idle := math.NaN()
	if s.truckTime > 0 {
		idle = s.idle / s.truckTime
	}
	return []float64{share, idle, s.emptyCost / float64(episodes)}
}

// networkFigures draws a network run's lane-price chart and network figure
// from its lanes.csv and config.yaml; none for a run without lanes.csv.
func networkFigures(dir string) ([]*chart.Figure, error) {
	lanes, err := readCSV(filepath.Join(dir, "lanes.csv"), len(laneKeys()))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sc, err := scenario.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return nil, err
	}
	var hubs []chart.Hub
	for _, h := range sc.Network.Hubs {
		hubs = append(hubs, chart.Hub{Name: h.Name, X: h.X, Y: h.Y})
	}
	prices, err := chart.LanePrices(lanes, hubs)
	if err != nil {
		return nil, err
	}
	m, err := chart.NetworkMap(lanes, hubs)
	if err != nil {
		return nil, err
	}
	return []*chart.Figure{prices, m}, nil
}

// CorridorColumns are the value columns of corridors.csv, one row per
// replicate, evaluation point and pair of hubs with lanes both ways (keys
// replicate, episode, head_from, head_to): the head-haul is the direction
// of the larger expected flow in the demand table (with equal flows, the
// lane listed first), the back-haul the other.
func CorridorColumns() []results.Metric {
	return []results.Metric{
		{Name: "head_volume", Description: "volume shipped on the head-haul"},
		{Name: "back_volume", Description: "volume shipped on the back-haul"},
		{Name: "head_price_per_cost", Description: "what shippers paid per unit of transport cost on the head-haul"},
		{Name: "back_price_per_cost", Description: "what shippers paid per unit of transport cost on the back-haul"},
		{Name: "price_ratio", Description: "head_price_per_cost / back_price_per_cost"},
		{Name: "head_receive_per_cost", Description: "what carriers received per unit of transport cost on the head-haul"},
		{Name: "back_receive_per_cost", Description: "what carriers received per unit of transport cost on the back-haul"},
		{Name: "receive_ratio", Description: "head_receive_per_cost / back_receive_per_cost"},
	}
}

// CorridorTable pairs the lanes of a network run's lanes table (lanes.csv)
// into corridors: head-haul against back-haul (see CorridorColumns).
func CorridorTable(lanes *results.Table, sc *scenario.Config) *results.Table {
	nw := &sc.Network
	flow := map[[2]int]float64{}
	for k, d := range nw.Demand {
		a, b := nw.HubIndex(d.From), nw.HubIndex(d.To)
		flow[[2]int{a, b}] += agents.IntRange(d.Arrivals).Mean() * agents.IntRange(sc.ODVolume(k)).Mean()
	}
	t := &results.Table{Keys: []string{"replicate", "episode", "head_from", "head_to"}, Values: names(CorridorColumns()),
		Counts: []string{"head_volume", "back_volume"}}
	col := func(name string) int { return lanes.Column(name) }
	vol, pay, recv := col("volume"), col("price_per_cost"), col("receive_per_cost")
	// Rows come per point in the order of the scenario's lanes.
	type key struct{ rep, ep, from, to int64 }
	at := map[key]results.Row{}
	var points [][2]int64
	for _, r := range lanes.Rows {
		k := key{r.Keys[0], r.Keys[1], r.Keys[2], r.Keys[3]}
		if _, seen := at[k]; !seen && (len(points) == 0 || points[len(points)-1] != [2]int64{k.rep, k.ep}) {
			points = append(points, [2]int64{k.rep, k.ep})
		}
		at[k] = r
	}
	ratio := func(a, b float64) float64 {
		if b == 0 || math.IsNaN(a) || math.IsNaN(b) {
			return math.NaN()
		}
		return a / b
	}
	for _, p := range points {
		for i, l := range nw.Lanes {
			a, b := nw.HubIndex(l.From), nw.HubIndex(l.To)
			j := nw.LaneIndex(b, a)
			if a == b || j < 0 {
				continue
			}
			fab, fba := flow[[2]int{a, b}], flow[[2]int{b, a}]
			if fab < fba || (fab == fba && j < i) {
				continue // the pair's row comes from its head-haul lane
			}
			h, okH := at[key{p[0], p[1], int64(a), int64(b)}]
			w, okW := at[key{p[0], p[1], int64(b), int64(a)}]
			if !okH || !okW {
				continue
			}
			t.Append([]int64{p[0], p[1], int64(a), int64(b)}, []float64{
				h.Values[vol], w.Values[vol], h.Values[pay], w.Values[pay], ratio(h.Values[pay], w.Values[pay]),
				h.Values[recv], w.Values[recv], ratio(h.Values[recv], w.Values[recv]),
			})
		}
	}
	return t
}
