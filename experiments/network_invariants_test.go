package experiments

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market"
)

// netChecker watches a network replicate and records every violation of
// the network's invariants: every job ships once, fails once or is still
// waiting at the end; a truck is at one hub at a time, and only after its
// travel time; a truck carries jobs of one destination, within its
// capacity, from the hub that clears.
type netChecker struct {
	r        *replicate
	inner    agents.Observer
	arrived  map[int64]bool // by job ID within the episode
	finished map[int64]bool
	busy     []float64 // per truck: when it is free again
	quoted   []int     // per hub: the trucks whose quotes were reported since its last clearing
	errs     []string
}

func (c *netChecker) fail(format string, args ...any) {
	if len(c.errs) < 10 {
		c.errs = append(c.errs, fmt.Sprintf(format, args...))
	}
}

func (c *netChecker) Arrived(jobs []*agents.Job) {
	for _, j := range jobs {
		if c.arrived[j.ID] {
			c.fail("job %d arrived twice", j.ID)
		}
		c.arrived[j.ID] = true
	}
}

// Quoted checks that a report of quotes lists the quotes of every job
// waiting at the hub (x.Waiting during a hub's clearing), and counts the
// trucks it stands for.
func (c *netChecker) Quoted(orders []market.Order, trucks int) {
	waiting := c.r.x.Waiting()
	if len(orders) != len(waiting) || trucks < 1 {
		c.fail("quotes reported for %d orders and %d trucks, with %d jobs waiting at the hub", len(orders), trucks, len(waiting))
	}
	if len(orders) > 0 {
		h := waiting[0].From
		for len(c.quoted) <= h {
			c.quoted = append(c.quoted, 0)
		}
		c.quoted[h] += trucks
	}
	c.inner.Quoted(orders, trucks)
}

func (c *netChecker) Cleared(now float64, car, capacity int, orders []market.Order, cl *market.Clearing) {
	waiting := c.r.x.Waiting() // the hub's jobs during its clearing
	if cl.Volume > capacity {
		c.fail("t=%v: carrier %d's truck of capacity %d took volume %d", now, car, capacity, cl.Volume)
	}
	for _, i := range cl.Selected {
		j := waiting[i]
		if j.To != waiting[cl.Selected[0]].To {
			c.fail("t=%v: a truck of carrier %d took jobs for hubs %d and %d", now, car, waiting[cl.Selected[0]].To, j.To)
		}
		if j.From != waiting[0].From {
			c.fail("t=%v: jobs of hubs %d and %d cleared together", now, waiting[0].From, j.From)
		}
	}
	c.inner.Cleared(now, car, capacity, orders, cl)
}

func (c *netChecker) Finished(j *agents.Job, shipped bool, car int) {
	if !c.arrived[j.ID] {
		c.fail("job %d finished without arriving", j.ID)
	}
	if c.finished[j.ID] {
		c.fail("job %d finished twice", j.ID)
	}
	c.finished[j.ID] = true
	c.inner.Finished(j, shipped, car)
}

// cleared checks the trucks of one hub's clearing.
func (c *netChecker) cleared(now float64, hub int, trucks []int, loads []agents.Load) {
	n := c.r.w.net
	if hub < len(c.quoted) {
		// A hub with jobs reports each truck's quotes once (one by one, or
		// per carrier with its trucks); a hub without jobs reports none.
		if q := c.quoted[hub]; q != 0 && q != len(trucks) {
			c.fail("t=%v: hub %d: quotes reported for %d trucks, %d present", now, hub, q, len(trucks))
		}
		c.quoted[hub] = 0
	}
	for k, i := range trucks {
		if now < c.busy[i] {
			c.fail("t=%v: truck %d clears at hub %d but travels until %v", now, i, hub, c.busy[i])
		}
		c.busy[i] = now // present here now: not at another hub at the same time
		l := loads[k]
		if l.Volume > n.trucks[i].capacity {
			c.fail("t=%v: truck %d of capacity %d loaded %d", now, i, n.trucks[i].capacity, l.Volume)
		}
		if l.Dest >= 0 {
			c.busy[i] = now + n.time[hub][l.Dest]
		}
	}
	// A truck at this hub's clearing is at no other hub: it is at this
	// one, not moving.
	for _, i := range trucks {
		if t := n.trucks[i]; t.moving && t.hub != hub && !(loadsDest(loads, trucks, i) == t.hub) {
			c.fail("t=%v: truck %d cleared at hub %d but is recorded at hub %d", now, i, hub, t.hub)
		}
	}
}

func loadsDest(loads []agents.Load, trucks []int, i int) int {
	for k, t := range trucks {
		if t == i {
			return loads[k].Dest
		}
	}
	return -1
}

// runChecked runs episodes of sc's replicate 0 under the checker and
// returns its violations and what it counted.
func runChecked(t testing.TB, sc *scenario.Config, episodes int) (errs []string, jobs int) {
	if ps := sc.Validate(); len(ps) > 0 {
		t.Fatalf("%s: %v", sc.Name, ps)
	}
	r, err := newReplicate(sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := &netChecker{r: r, inner: &r.obs}
	r.x.Observer = c
	r.w.obs = c
	r.w.net.cleared = c.cleared
	r.use(r.streams(1))
	r.x.Learning = true
	for range episodes {
		c.arrived, c.finished = map[int64]bool{}, map[int64]bool{}
		c.busy = make([]float64, len(r.w.net.trucks))
		r.w.episode(sc.Training.Horizon)
		waiting := map[int64]bool{}
		for _, j := range r.x.Waiting() {
			waiting[j.ID] = true
		}
		for id := range c.arrived {
			if c.finished[id] == waiting[id] {
				c.fail("job %d: finished %v, waiting at the end %v: want exactly one", id, c.finished[id], waiting[id])
			}
		}
		jobs += len(c.arrived)
		if err := r.x.EndEpisode(); err != nil {
			t.Fatal(err)
		}
	}
	return c.errs, jobs
}

// TestNetworkInvariants runs the corridor and a three-hub network with
// several trucks per hub (so that the one-destination assignment is at
// work) and checks the invariants at every clearing, for P2-style jobs
// that wait and for jobs left waiting at the end (p2_compat drops them).
func TestNetworkInvariants(t *testing.T) {
	corridor, err := scenario.Resolve("corridor")
	if err != nil {
		t.Fatal(err)
	}
	tri := threeHubs()
	drop := threeHubs()
	drop.P2Compat = true
	cargo := threeHubs()
	cargo.Network.EmptyReturns = scenario.EmptyToCargo
	cdaCorridor := corridor
	cdaCorridor.Carriers = slices.Clone(corridor.Carriers)
	for i := range cdaCorridor.Carriers {
		cdaCorridor.Carriers[i].Strategy.Kind = scenario.KindZIC
		cdaCorridor.Carriers[i].Strategy.Cap = 4000
	}
	asAuction(&cdaCorridor)
	cdaLearn := corridor // the preset's carriers learn their asks
	asAuction(&cdaLearn)
	cdaTri := threeHubs()
	asAuction(&cdaTri)
	cdaTri.Carriers[0].Strategy.Kind, cdaTri.Carriers[0].Strategy.Cap = scenario.KindZIC, 60
	cdaTri.Shippers = append(cdaTri.Shippers, scenario.DefaultShipper())
	cdaTri.Shippers[1].Strategy.Kind = scenario.KindZIP
	cdaCargo := cdaTri
	cdaCargo.Network.EmptyReturns = scenario.EmptyToCargo
	cdaCargo.Market.Price = scenario.PriceMidpoint
	learned := threeHubs()
	learned.Carriers[1].Reposition = scenario.RepositionLearn
	blocks := partLoadNetwork(4, 60) // hubs of more than 32 trucks of three carriers clear by blocks
	blocks.Training.Horizon = 30
	for _, c := range []struct {
		name string
		sc   scenario.Config
	}{{"corridor", corridor}, {"three hubs", tri}, {"three hubs, jobs dropped at the end", drop}, {"three hubs, empty returns borne by cargo", cargo},
		{"corridor, cda", cdaCorridor}, {"corridor, cda, learning carriers", cdaLearn}, {"three hubs, cda", cdaTri}, {"three hubs, cda, empty returns borne by cargo", cdaCargo},
		{"three hubs, a learned reposition", learned}, {"four hubs of 60 trucks, part loads, cleared by blocks", blocks}} {
		errs, jobs := runChecked(t, &c.sc, 5)
		if jobs == 0 {
			t.Fatalf("%s: no job arrived", c.name)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", c.name, e)
		}
	}
}

// threeHubs is a small network: three hubs, lanes both ways between all,
// unbalanced partial-load demand, two carriers with several trucks each.
func threeHubs() scenario.Config {
	sc := scenario.Default()
	sc.Name, sc.P2Compat = "three-hubs", false
	sc.Training.Horizon = 40
	sc.Jobs.Volume = scenario.Range{Min: 1, Max: 6}
	hubs := []string{"a", "b", "c"}
	for i, h := range hubs {
		sc.Network.Hubs = append(sc.Network.Hubs, scenario.Hub{Name: h, X: float64(i), Y: float64(i * i)})
	}
	for i, a := range hubs {
		for k, b := range hubs {
			if a == b {
				continue
			}
			d := 100 * math.Abs(float64(i-k))
			sc.Network.Lanes = append(sc.Network.Lanes, scenario.Lane{From: a, To: b, Distance: d, Time: 0.7 * math.Abs(float64(i-k))})
			sc.Network.Demand = append(sc.Network.Demand, scenario.OD{From: a, To: b, Arrivals: scenario.Range{Min: 0, Max: 4 - k - i/2}})
		}
	}
	sc.Carriers = []scenario.Carrier{scenario.DefaultCarrier(), scenario.DefaultCarrier()}
	for i := range sc.Carriers {
		sc.Carriers[i].Capacity = 10
		sc.Carriers[i].EmptyCostRate = 0.5
		sc.Carriers[i].Trucks = []scenario.Fleet{{Hub: "a", Count: 3}, {Hub: "c", Count: 1 + i}}
	}
	sc.Carriers[1].Strategy.Kind = scenario.KindMarkup
	sc.Market.Tie, sc.Market.Price = scenario.TieMaxVolume, scenario.PriceSpread
	return sc
}

// asAuction makes network sc clear by continuous double auction: jobs of
// volume 1 (the demand rows' own volumes too), trading at the resting
// order's price. Its carriers must not learn.
func asAuction(sc *scenario.Config) {
	sc.Market.Clearing, sc.Market.Price, sc.Market.Quotes = scenario.CDA, scenario.PriceResting, 3
	sc.Jobs.Volume = scenario.Range{Min: 1, Max: 1}
	sc.Network.Demand = slices.Clone(sc.Network.Demand)
	for k := range sc.Network.Demand {
		sc.Network.Demand[k].Volume = scenario.Range{}
	}
}

// fuzzNetwork builds a small valid network from fuzz bytes: 1 to 3 hubs,
// lanes between all (and from each hub to itself), demand, travel times
// and fleets drawn from the bytes; cleared by the knapsack broker or by
// continuous double auction; trucks repositioned by rule or learned.
func fuzzNetwork(data []byte) scenario.Config {
	at := func(i int) int {
		if len(data) == 0 {
			return 0
		}
		return int(data[i%len(data)])
	}
	sc := threeHubs()
	hubs := 1 + at(0)%3
	sc.Network = scenario.Network{Reposition: scenario.Reposition(at(1) % 2), EmptyReturns: scenario.EmptyReturns(at(1) / 2 % 2)}
	for h := range hubs {
		sc.Network.Hubs = append(sc.Network.Hubs, scenario.Hub{Name: fmt.Sprint("h", h)})
	}
	k := 2
	for a := range hubs {
		for b := range hubs {
			name := func(i int) string { return fmt.Sprint("h", i) }
			sc.Network.Lanes = append(sc.Network.Lanes, scenario.Lane{From: name(a), To: name(b),
				Distance: float64(at(k) % 200), Time: 0.25 * float64(1+at(k+1)%8)})
			if at(k+2)%4 != 0 {
				lo := at(k+3) % 3
				sc.Network.Demand = append(sc.Network.Demand, scenario.OD{From: name(a), To: name(b),
					Arrivals: scenario.Range{Min: lo, Max: lo + at(k+4)%4}, Volume: scenario.Range{Min: 1, Max: 1 + at(k+5)%8}})
			}
			k += 6
		}
	}
	if len(sc.Network.Demand) == 0 {
		sc.Network.Demand = append(sc.Network.Demand, scenario.OD{From: "h0", To: "h0", Arrivals: scenario.Range{Min: 1, Max: 3}})
	}
	for i := range sc.Carriers {
		sc.Carriers[i].Capacity = at(k+i) % 12 // 0 too: a truck that carries nothing
		sc.Carriers[i].Trucks = []scenario.Fleet{{Hub: fmt.Sprint("h", at(k+2+i)%hubs), Count: 1 + at(k+4+i)%4}}
		sc.Carriers[i].Schedule.Period = 0.5 * float64(1+at(k+6+i)%3)
	}
	sc.Training.Horizon = 12
	if at(1)/8%2 == 1 {
		sc.Carriers[0].Reposition = scenario.RepositionLearn
	}
	if at(1)/4%2 == 1 {
		asAuction(&sc)
		sc.Carriers[1].Strategy.Kind = scenario.KindZIP // not markup: zip watches the shouts
	}
	return sc
}

// FuzzNetwork checks the network invariants (see netChecker) on small
// random networks: volume conserved, no truck in two places, no truck
// with jobs for two destinations, capacity never exceeded.
func FuzzNetwork(f *testing.F) {
	f.Add([]byte{2, 0, 50, 3, 1, 2, 3, 7})
	f.Add([]byte{1, 1, 199, 0, 2, 0, 3, 3, 9, 11, 4})
	f.Add([]byte{0, 0, 10, 7, 1, 1, 1, 1})
	f.Add([]byte("a freight network with trucks on lanes"))
	f.Add([]byte{2, 4, 50, 3, 1, 2, 3, 7, 1, 2, 3})
	f.Add([]byte{1, 7, 199, 0, 2, 0, 3, 3, 9, 11, 4})
	f.Add([]byte{2, 12, 50, 3, 1, 2, 3, 7, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := fuzzNetwork(data)
		errs, _ := runChecked(t, &sc, 2)
		for _, e := range errs {
			t.Error(e)
		}
	})
}

// totalLearner asks the carrier's cost and adds up the rewards of the
// records it learns from.
type totalLearner struct {
	agents.TruthfulAsk
	total float64
}

func (l *totalLearner) Learn(rec *agents.Record) { l.total += rec.Total }
func (l *totalLearner) Update() error            { return nil }

// TestEmptyReturnsCargo: with empty_returns cargo, the carriers' learning
// signals add up to their money: the rewards of the job records a carrier
// learns from, over an episode, equal its reward (what it received minus
// its costs, empty running included) plus the empty running that no cargo
// bore (trucks repositioning that had delivered nothing). On the corridor
// and on a three-hub network, to rounding (1e-9 relative).
func TestEmptyReturnsCargo(t *testing.T) {
	corridor, err := scenario.Resolve("corridor")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []scenario.Config{corridor, threeHubs()} {
		sc.Network.EmptyReturns = scenario.EmptyToCargo
		for i := range sc.Carriers {
			sc.Carriers[i].Strategy = scenario.Strategy{Kind: scenario.KindCustom, Name: "total"}
		}
		learners := map[int]*totalLearner{}
		r, err := newReplicate(&sc, 0, map[string]StrategyFunc{"total": func(a Agent) (agents.Strategy, error) {
			learners[a.Index] = &totalLearner{}
			return learners[a.Index], nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		r.use(r.streams(1))
		r.x.Learning = true
		r.w.episode(sc.Training.Horizon)
		var signals, money float64
		for i, c := range r.x.Carriers {
			signals += learners[i].total
			money += c.Reward
		}
		want := money + r.w.net.unattributed
		if math.Abs(signals-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: learned rewards add up to %v, want the carriers' money %v plus unattributed empty running %v", sc.Name, signals, money, r.w.net.unattributed)
		}
		t.Logf("%s: learned %v = money %v + unattributed %v", sc.Name, signals, money, r.w.net.unattributed)
		if err := r.x.EndEpisode(); err != nil {
			t.Fatal(err)
		}
	}
}
