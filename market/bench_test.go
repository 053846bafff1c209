package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// benchOrders returns n orders with volumes uniform in 1..maxVol, asks
// uniform in [10, 60) and bids the ask plus a spread uniform in [-5, 45), so
// about 90 % are eligible.
func benchOrders(n, maxVol int, seed uint64) []Order {
	rng := rand.New(rand.NewPCG(seed, 1))
	orders := make([]Order, n)
	for i := range orders {
		ask := 10 + 50*rng.Float64()
		orders[i] = Order{
			Volume: 1 + rng.IntN(maxVol),
			Ask:    ask,
			Bid:    ask - 5 + 50*rng.Float64(),
		}
	}
	return orders
}

// BenchmarkClear clears n orders with volumes 1..100 (about 90 % eligible)
// against capacity C. Capacity binds, so the DP runs, except at n=10 with
// C >= 1000 and n=100 with C=10000, where the take-all shortcut answers. The
// goal for n=1000, C=10000 is at most 20 ms/op and 0 allocs/op.
func BenchmarkClear(b *testing.B) {
	for _, tie := range []Tie{TieMaxVolume, TieStrict} {
		for _, n := range []int{10, 100, 1000} {
			for _, capacity := range []int{80, 1000, 10000} {
				name := fmt.Sprintf("tie=%v/n=%d/C=%d", tie, n, capacity)
				b.Run(name, func(b *testing.B) {
					orders := benchOrders(n, 100, uint64(n*100000+capacity))
					br := &Broker{Tie: tie}
					br.Clear(orders, capacity) // warm-up: grow the buffers
					b.ReportAllocs()
					for b.Loop() {
						br.Clear(orders, capacity)
					}
				})
			}
		}
	}
}

// BenchmarkP2Acceptance is the typical clearing of the smart-containers
// paper: about 10 jobs, volumes 1..10, capacity 80 (rarely binding).
func BenchmarkP2Acceptance(b *testing.B) {
	orders := benchOrders(10, 10, 42)
	br := P2Acceptance()
	br.Clear(orders, 80)
	b.ReportAllocs()
	for b.Loop() {
		br.Clear(orders, 80)
	}
}

// BenchmarkP2AcceptanceBinding is the same with 30 jobs, so capacity binds.
func BenchmarkP2AcceptanceBinding(b *testing.B) {
	orders := benchOrders(30, 10, 43)
	br := P2Acceptance()
	br.Clear(orders, 80)
	b.ReportAllocs()
	for b.Loop() {
		br.Clear(orders, 80)
	}
}

// BenchmarkMaxSurplus is the efficient benchmark at the largest normal size.
func BenchmarkMaxSurplus(b *testing.B) {
	orders := benchOrders(1000, 100, 7)
	values := make([]float64, len(orders))
	costs := make([]float64, len(orders))
	volumes := make([]int, len(orders))
	for i, o := range orders {
		values[i], costs[i], volumes[i] = o.Bid, o.Ask, o.Volume
	}
	var br Broker
	br.MaxSurplus(values, costs, volumes, 10000)
	b.ReportAllocs()
	for b.Loop() {
		br.MaxSurplus(values, costs, volumes, 10000)
	}
}

// bookEvent is one order event of a benchmark stream: a submit, or a cancel
// of the order with id o.ID.
type bookEvent struct {
	o      BookOrder
	cancel bool
}

// bookEvents draws a stream of n order events that keeps about 500 orders
// resting. It runs a Book while it draws so that cancels hit resting orders:
// an event is a cancel of a uniformly chosen resting order with probability
// (resting orders)/2200, else a submit, buy or sell with equal chance, of
// 1..10 units, IOC with probability 1/20, at a limit of 99 + 5z for a buy and
// 101 + 5z for a sell (z standard normal), rounded to whole units on a grid.
// Replayed on an empty book, the stream goes through the same states.
func bookEvents(n int, grid bool, seed uint64) (events []bookEvent, meanResting float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	book := NewBook()
	var resting []int64
	where := map[int64]int{} // id -> index in resting
	drop := func(id int64) {
		i := where[id]
		last := resting[len(resting)-1]
		resting[i], where[last] = last, i
		resting = resting[:len(resting)-1]
		delete(where, id)
	}
	total := 0
	for k := range n {
		total += book.Len()
		if len(resting) > 0 && rng.Float64() < float64(len(resting))/2200 {
			id := resting[rng.IntN(len(resting))]
			book.Cancel(id)
			drop(id)
			events = append(events, bookEvent{o: BookOrder{ID: id}, cancel: true})
			continue
		}
		o := BookOrder{ID: int64(k), Owner: rng.IntN(100), Side: Buy, Qty: 1 + rng.IntN(10), IOC: rng.IntN(20) == 0}
		o.Price = 99 + 5*rng.NormFloat64()
		if rng.IntN(2) == 0 {
			o.Side = Sell
			o.Price += 2
		}
		if grid {
			o.Price = math.Round(o.Price)
		}
		for _, f := range book.Submit(o) {
			other := f.Buy
			if o.Side == Buy {
				other = f.Sell
			}
			if _, ok := book.Lookup(other); !ok {
				drop(other)
			}
		}
		if _, ok := book.Lookup(o.ID); ok {
			where[o.ID] = len(resting)
			resting = append(resting, o.ID)
		}
		events = append(events, bookEvent{o: o})
	}
	return events, float64(total) / float64(n)
}

// BenchmarkBook replays a stream of 65,536 order events (submits and
// cancels, about 40 % cancels, about 500 orders resting) on a reused Book and
// reports order events per second. Continuous prices put nearly every order
// on its own price level, as the learned float bids of the simulator do; grid
// prices put about ten orders on each level. The goal is at least 5 million
// events/s and 0 allocs/op.
func BenchmarkBook(b *testing.B) {
	for _, grid := range []bool{false, true} {
		name := "prices=continuous"
		if grid {
			name = "prices=grid"
		}
		b.Run(name, func(b *testing.B) {
			events, meanResting := bookEvents(1<<16, grid, 11)
			book := NewBook()
			replay := func() {
				book.Reset()
				for _, e := range events {
					if e.cancel {
						book.Cancel(e.o.ID)
					} else {
						book.Submit(e.o)
					}
				}
			}
			replay() // warm-up: grow the buffers
			b.ReportAllocs()
			passes := 0
			for b.Loop() {
				replay()
				passes++
			}
			perSec := float64(passes*len(events)) / b.Elapsed().Seconds()
			b.ReportMetric(perSec, "events/s")
			b.ReportMetric(1e9/perSec, "ns/event")
			b.ReportMetric(meanResting, "resting")
		})
	}
}

// benchAssignCase draws n jobs of volume 1..maxVol and m carriers of
// capacity capLo..capHi. Asks are volume times a per-unit cost around a
// carrier-specific level; bids are volume times a value per unit, so about
// 80 % of the pairs are eligible.
func benchAssignCase(n, m, maxVol, capLo, capHi int, seed uint64) (bids []float64, asks [][]float64, volumes, capacities []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	bids = make([]float64, n)
	volumes = make([]int, n)
	asks = make([][]float64, m)
	capacities = make([]int, m)
	for j := range n {
		volumes[j] = 1 + rng.IntN(maxVol)
		bids[j] = float64(volumes[j]) * (2 + 3*rng.Float64())
	}
	for c := range m {
		capacities[c] = capLo + rng.IntN(capHi-capLo+1)
		level := 2 + rng.Float64()
		asks[c] = make([]float64, n)
		for j := range n {
			asks[c][j] = float64(volumes[j]) * level * (0.7 + 0.6*rng.Float64())
		}
	}
	return bids, asks, volumes, capacities
}

// BenchmarkAssign assigns jobs to several carriers with Assign:
//
//   - n=30/m=3: a P2-sized clearing, volumes 1..10 and capacities 30..60
//     (about 170 volume units against about 135: capacity binds); more than
//     24 jobs are eligible, so Assign runs the heuristic alone;
//   - n=1000/m=5: volumes 1..30 (about 15,500 units) against capacities
//     1,800..2,200 (about 10,000): the heuristic alone.
//
// It reports the assigned volume and spread of the last call.
func BenchmarkAssign(b *testing.B) {
	for _, tc := range []struct {
		n, m, maxVol, capLo, capHi int
	}{
		{30, 3, 10, 30, 60},
		{1000, 5, 30, 1800, 2200},
	} {
		b.Run(fmt.Sprintf("n=%d/m=%d", tc.n, tc.m), func(b *testing.B) {
			bids, asks, volumes, capacities := benchAssignCase(tc.n, tc.m, tc.maxVol, tc.capLo, tc.capHi, 1)
			br := &Broker{Tie: TieMaxVolume}
			br.Assign(bids, asks, volumes, capacities)
			b.ReportAllocs()
			var a Assignment
			for b.Loop() {
				a = br.Assign(bids, asks, volumes, capacities)
			}
			b.ReportMetric(float64(a.Volume), "volume")
			b.ReportMetric(a.Spread, "spread")
		})
	}
}

// BenchmarkAssignExact is the exact search on instances of 20 jobs and 3
// carriers (randomAssignCase: binding capacities, continuous prices), cycling
// through 64 instances.
func BenchmarkAssignExact(b *testing.B) {
	rng := rand.New(rand.NewPCG(4, 4))
	cases := make([]assignCase, 64)
	for i := range cases {
		cases[i] = randomAssignCase(rng, 20, 3, false)
	}
	br := &Broker{Tie: TieMaxVolume}
	for _, c := range cases {
		br.AssignExact(c.bids, c.asks, c.volumes, c.capacities)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := cases[i%len(cases)]
		br.AssignExact(c.bids, c.asks, c.volumes, c.capacities)
		i++
	}
}

// BenchmarkAssignScale is one clearing of balanced scaled by k: 2k carriers
// of capacity 38..44 depart together and 15 jobs per carrier wait, volumes
// 1..10, about 80 % of the pairs eligible (benchAssignCase). At k = 1, 3
// and 10 (up to 6,000 job-carrier pairs) Assign runs the four-start
// heuristic of the presets; at k = 30 and 100 (54,000 and 600,000 pairs)
// the heuristic for large markets. It reports the pairs and whether the
// large-market heuristic answered.
func BenchmarkAssignScale(b *testing.B) {
	for _, k := range []int{1, 3, 10, 30, 100} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			m := 2 * k
			n := 15 * m
			bids, asks, volumes, capacities := benchAssignCase(n, m, 10, 38, 44, uint64(k))
			br := &Broker{Tie: TieMaxVolume}
			a := br.Assign(bids, asks, volumes, capacities)
			b.ReportAllocs()
			for b.Loop() {
				a = br.Assign(bids, asks, volumes, capacities)
			}
			b.ReportMetric(float64(n*m), "pairs")
			large := 0.0
			if a.Large {
				large = 1
			}
			b.ReportMetric(large, "large")
		})
	}
}

// BenchmarkEfficientSurplusScale is the efficient benchmark of an
// evaluation episode of 11 epochs of balanced scaled by k: 165k jobs, 2k
// carriers of capacity 451 (episodeCase), carriers alike (the same cost of
// each job, as in the presets) or not. At k = 1 it is Assign's answer (the
// value of the presets) with an upper bound; above, bounds. It reports the
// relative gap between the bounds.
func BenchmarkEfficientSurplusScale(b *testing.B) {
	for _, alike := range []bool{true, false} {
		for _, k := range []int{1, 3, 10, 30, 100} {
			b.Run(fmt.Sprintf("alike=%v/k=%d", alike, k), func(b *testing.B) {
				values, costs, volumes, capacities := episodeCase(165*k, 2*k, 451, alike, uint64(k))
				var br Broker
				s := br.EfficientSurplus(values, costs, volumes, capacities)
				b.ReportAllocs()
				for b.Loop() {
					s = br.EfficientSurplus(values, costs, volumes, capacities)
				}
				b.ReportMetric(s.Gap()/s.Upper, "gap")
			})
		}
	}
}

// BenchmarkAssignLargeGap measures, where Assign switches to the heuristic
// for large markets, how far it falls short of the four-start heuristic:
// 40 instances of 20 to 60 carriers and just over AssignLargePairs pairs
// (sameCase, every kind, both tie rules). It reports the mean and the worst
// relative shortfall (small - large) / small; negative means the large
// heuristic did better.
func BenchmarkAssignLargeGap(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 77))
	cases := make([]assignCase, 40)
	for k := range cases {
		m := 20 + rng.IntN(41)
		cases[k] = sameCase(rng, AssignLargePairs/m+rng.IntN(200), m, rng.IntN(6))
	}
	var mean, worst float64
	for b.Loop() {
		mean, worst = 0, math.Inf(-1)
		for k, c := range cases {
			br := &Broker{Tie: Tie(k % 2)}
			small, large := br.heuristicTotals(c)
			g := 0.0
			if small > 0 {
				g = (small - large) / small
			}
			mean += g / float64(len(cases))
			worst = max(worst, g)
		}
	}
	b.ReportMetric(mean, "mean-gap")
	b.ReportMetric(worst, "worst-gap")
}

// BenchmarkAssignVsReference times Assign against the code before the
// near-linear rewrite (assign_ref_test.go) on the same instances, in the
// same process, alternating which runs first, so that the ratio new/ref it
// reports is paired and little disturbed by other load on the machine:
//
//   - theory: 64 clearings of the fresh arrivals of balanced at one
//     epoch, 2 carriers of capacity 41 (the sample of theory.json), under
//     TieStrict; most reach the exact search;
//   - clearing/k: a clearing of balanced scaled by k, as in
//     BenchmarkAssignScale, under TieMaxVolume;
//   - episode/k: the efficient benchmark of an episode of balanced scaled
//     by k (episodeCase, carriers alike or not): EfficientSurplus against
//     the reference's Assign under TieStrict, as experiments computed it.
//
// Only sizes where the reference takes at most about half a second are
// included; larger ones were measured once by hand (package documentation).
func BenchmarkAssignVsReference(b *testing.B) {
	type instance struct {
		bids       []float64
		asks       [][]float64
		volumes    []int
		capacities []int
	}
	type set struct {
		name      string
		tie       Tie
		instances []instance
		efficient bool // EfficientSurplus instead of Assign
	}
	var sets []set
	rng := rand.New(rand.NewPCG(4, 5))
	var theory []instance
	for i := range 64 {
		v, c, vol, caps := episodeCase(rng.IntN(31), 2, 41, true, uint64(i))
		theory = append(theory, instance{v, c, vol, caps})
	}
	sets = append(sets, set{"theory", TieStrict, theory, false})
	for _, k := range []int{1, 3, 10} {
		m := 2 * k
		bids, asks, volumes, capacities := benchAssignCase(15*m, m, 10, 38, 44, uint64(k))
		sets = append(sets, set{fmt.Sprintf("clearing/k=%d", k), TieMaxVolume, []instance{{bids, asks, volumes, capacities}}, false})
	}
	for _, alike := range []bool{true, false} {
		for _, k := range []int{1, 3, 10} {
			v, c, vol, caps := episodeCase(165*k, 2*k, 451, alike, uint64(k))
			sets = append(sets, set{fmt.Sprintf("episode/alike=%v/k=%d", alike, k), TieStrict, []instance{{v, c, vol, caps}}, true})
		}
	}
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			br := &Broker{Tie: s.tie}
			ref := &refBroker{Tie: s.tie, Budget: exactBudget}
			var tNew, tRef time.Duration
			turn := 0
			for b.Loop() {
				for _, c := range s.instances {
					for pass := range 2 {
						t0 := time.Now()
						switch {
						case (pass+turn)%2 == 0 && s.efficient:
							br.EfficientSurplus(c.bids, c.asks, c.volumes, c.capacities)
							tNew += time.Since(t0)
						case (pass+turn)%2 == 0:
							br.Assign(c.bids, c.asks, c.volumes, c.capacities)
							tNew += time.Since(t0)
						default:
							ref.Assign(c.bids, c.asks, c.volumes, c.capacities)
							tRef += time.Since(t0)
						}
					}
				}
				turn++
			}
			per := float64(b.N * len(s.instances))
			b.ReportMetric(float64(tNew)/per, "new-ns/assign")
			b.ReportMetric(float64(tRef)/per, "ref-ns/assign")
			b.ReportMetric(float64(tNew)/float64(tRef), "new/ref")
		})
	}
}
