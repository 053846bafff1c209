package experiments

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// BenchmarkP2Replicate is one full replicate of smart-containers-2020 on one
// goroutine: 4001 training episodes of 101 epochs, their updates, and five
// evaluations of 1001 epochs. The author's Python code needs 281 s of CPU
// for the same work (MODEL section 7). cpu-s/op is its CPU time (user and
// system, all threads), steadier than the time on a loaded machine.
func BenchmarkP2Replicate(b *testing.B) {
	sc := scenario.Default()
	b.ReportAllocs()
	var events uint64
	cpu := cpuSeconds()
	for b.Loop() {
		r, err := newReplicate(&sc, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.run(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		events += r.events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkBestResponseEvaluation is the unit of the equilibrium
// measurement's cost: evaluating one candidate strategy for the shipper,
// the others held at their (untrained) learned strategies, on the preset's
// search episodes. A measurement evaluates up to max_evaluations candidates
// per learning agent, then compares the best on eval_episodes episodes.
func BenchmarkBestResponseEvaluation(b *testing.B) {
	for _, preset := range []string{"strategic-bidding-deterministic", "strategic-bidding-stochastic"} {
		b.Run(preset, func(b *testing.B) {
			sc, g := presetGame(b, preset)
			role := g.Roles()[0]
			g.Use(0, equilibrium.Candidate(role.Features, role.Strategy.(agents.Described).Weights(), 0))
			p := equilibrium.Play{Episodes: sc.Equilibrium.SearchEpisodes}
			b.ReportAllocs()
			for b.Loop() {
				p.U = g.Play(p).U
			}
		})
	}
}

// BenchmarkBestResponse is one whole measurement of a profile: both agents'
// best responses, exact (P1's deterministic market: one-shot jobs, a
// capacity that never binds) and by the global search (the stochastic
// market, where jobs wait), on the presets' settings, with the untrained
// learners of replicate 0.
func BenchmarkBestResponse(b *testing.B) {
	for _, c := range []struct{ name, preset string }{
		{"exact", "strategic-bidding-deterministic"},
		{"search", "strategic-bidding-stochastic"},
	} {
		b.Run(c.name, func(b *testing.B) {
			sc, g := presetGame(b, c.preset)
			for b.Loop() {
				equilibrium.Measure(g, sc, 0, 0)
			}
		})
	}
}

// presetGame is the equilibrium measurement's game of replicate 0 of a
// preset, its learners untrained.
func presetGame(b *testing.B, preset string) (*scenario.Config, *game) {
	b.Helper()
	sc, r := replicateOf(b, preset)
	g, err := newGame(r)
	if err != nil {
		b.Fatal(err)
	}
	return sc, g
}

// scalingMax is the largest market BenchmarkScaling runs, in multiples of
// the balanced preset (100x: about half a second of CPU and 50 MB; with
// -scaling.candidates 0, half a minute and 5 GB):
//
//	go test -run '^$' -bench Scaling -benchtime 1x -cpu 1 ./experiments
var scalingMax = flag.Int("scaling.max", 100, "the largest size of BenchmarkScaling, in multiples of the balanced preset")

// scalingCandidates is market.candidates in BenchmarkScaling: 0 has every
// carrier quote every job, and the work grows as jobs times carriers.
var scalingCandidates = flag.Int("scaling.candidates", 2, "market.candidates of BenchmarkScaling's markets (0: every carrier quotes every job)")

// BenchmarkScaling runs one short replicate of the balanced preset scaled
// by k: 3k shippers, 2k carriers of capacity scaled with demand, arrivals up
// to 30k an epoch, each job quoted by 2 carriers as in balanced
// (market.candidates 2: k segments of 2 carriers; -scaling.candidates
// changes it); 2 training and 2
// evaluation episodes of 11 epochs (the setup of issue 13's table). It
// reports the time per replicate, its CPU time (user and system, all
// threads: cpu-s/op) and the process's peak resident memory so far
// (peak-MB: run one size per process to read a size's own); sizes are
// sub-benchmarks. Without market.candidates every carrier quotes every
// job, and the work grows as jobs times carriers, k squared.
func BenchmarkScaling(b *testing.B) {
	for _, k := range []int{1, 3, 10, 30, 100} {
		if k > *scalingMax {
			break
		}
		b.Run(fmt.Sprintf("size=%dx", k), func(b *testing.B) {
			sc := scaledBalanced(b, k, *scalingCandidates)
			b.ReportAllocs()
			cpu := cpuSeconds()
			for b.Loop() {
				r, err := newReplicate(&sc, 0)
				if err != nil {
					b.Fatal(err)
				}
				if err := r.run(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
			b.ReportMetric(peakMB(), "peak-MB")
		})
	}
}

// BenchmarkTheory computes theory.json's theory (equilibrium.NewTheory) of
// the balanced preset, and of it scaled by k as in BenchmarkScaling (each
// job quoted by -scaling.candidates carriers): its CPU time (cpu-s/op) and
// the clearings it sampled. With segments it samples one segment's clearing
// at a time, so its cost does not grow with the market:
//
//	go test -run '^$' -bench Theory -benchtime 1x -cpu 1 ./experiments
func BenchmarkTheory(b *testing.B) {
	theory := func(b *testing.B, sc scenario.Config) {
		cpu := cpuSeconds()
		var th *equilibrium.Theory
		for b.Loop() {
			th = equilibrium.NewTheory(&sc)
		}
		b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(th.Clearings), "clearings")
	}
	b.Run("balanced", func(b *testing.B) {
		sc, err := scenario.Resolve("balanced")
		if err != nil {
			b.Fatal(err)
		}
		theory(b, sc)
	})
	for _, k := range []int{1, 10, 100} {
		if k > *scalingMax {
			break
		}
		b.Run(fmt.Sprintf("size=%dx", k), func(b *testing.B) { theory(b, scaledBalanced(b, k, *scalingCandidates)) })
	}
}

// BenchmarkTheoryShare runs the balanced preset as shipped (one replicate,
// 2,001 training episodes, one worker; about half a minute of CPU) and
// reports the share of its CPU time that its theory takes (theory-share:
// NewTheory's CPU time alone over Run's, which computes it alongside the
// replicate), with both times:
//
//	go test -run '^$' -bench TheoryShare -benchtime 1x -cpu 1 ./experiments
func BenchmarkTheoryShare(b *testing.B) {
	sc, err := scenario.Resolve("balanced")
	if err != nil {
		b.Fatal(err)
	}
	var theory, run float64
	for b.Loop() {
		cpu := cpuSeconds()
		equilibrium.NewTheory(&sc)
		theory += cpuSeconds() - cpu
		cpu = cpuSeconds()
		if _, err := Run(context.Background(), sc, Options{Workers: 1}); err != nil {
			b.Fatal(err)
		}
		run += cpuSeconds() - cpu
	}
	b.ReportMetric(theory/run, "theory-share")
	b.ReportMetric(theory/float64(b.N), "theory-cpu-s/op")
	b.ReportMetric(run/float64(b.N), "run-cpu-s/op")
}

// scaledBalanced is the balanced preset scaled by k, with the short setup
// of BenchmarkScaling and each job quoted by candidates carriers (0: all).
func scaledBalanced(tb testing.TB, k, candidates int) scenario.Config {
	sc, err := scenario.ResolveWith("balanced", []string{"training.episodes=1", "training.horizon=10",
		"evaluation.every=1", "evaluation.horizon=10", "evaluation.episodes=1",
		fmt.Sprintf("jobs.arrivals.max=%d", 30*k), fmt.Sprintf("market.candidates=%d", candidates)})
	if err != nil {
		tb.Fatal(err)
	}
	sh, ca := sc.Shippers, sc.Carriers
	sc.Shippers, sc.Carriers = nil, nil
	for range k {
		sc.Shippers = append(sc.Shippers, sh...)
		sc.Carriers = append(sc.Carriers, ca...)
	}
	if ps := sc.Validate(); len(ps) > 0 {
		tb.Fatal(ps)
	}
	return sc
}

// BenchmarkEpisode is one training episode of a preset after a warm-up:
// arrivals, clearings, learning and the episode's update, on the training
// streams, on the kernel where a replicate runs its training episodes
// there (P2). allocs/epoch is what the steady state allocates per epoch; 0
// means an episode leaves no garbage.
func BenchmarkEpisode(b *testing.B) {
	for _, preset := range []string{"smart-containers-2020", "balanced", "capacity-driven", "large-market"} {
		b.Run(preset, func(b *testing.B) {
			sc, r := replicateOf(b, preset)
			r.use(r.streams(1))
			r.x.Learning = true
			episode := func() {
				r.obs.episode.Reset()
				r.trainEpisode(sc.Training.Horizon)
				if err := r.x.EndEpisode(); err != nil {
					b.Fatal(err)
				}
			}
			for range 20 {
				episode() // warm-up: buffers grow to their steady size
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				episode()
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			epochs := float64(b.N) * float64(sc.Training.Horizon+1)
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/epochs, "allocs/epoch")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/epochs, "B/epoch")
		})
	}
}

// ringNetwork is a network of hubs on a ring, lanes to both neighbours
// taking one epoch, trucks per hub full-truckload trucks of one carrier,
// and demand from each hub to each neighbour of mean trucks/4 loads a day,
// so that the load per truck is the same at every size. Shippers bid their
// reservation and the carrier asks its cost: the work is the network's, not
// the learning's.
func ringNetwork(hubs, trucks int) scenario.Config {
	sc := scenario.Default()
	sc.Name, sc.P2Compat = "ring", false
	sc.Jobs.Volume, sc.Jobs.Due = scenario.Range{Min: 1, Max: 1}, scenario.Range{Min: 1, Max: 3}
	sc.Shippers[0].Strategy.Kind = scenario.KindTruthful
	name := func(h int) string { return fmt.Sprint("h", (h+hubs)%hubs) }
	for h := range hubs {
		sc.Network.Hubs = append(sc.Network.Hubs, scenario.Hub{Name: name(h)})
	}
	for h := range hubs {
		for _, g := range []int{h + 1, h - 1} {
			if hubs == 2 && g == h-1 {
				continue // one lane each way between two hubs
			}
			sc.Network.Lanes = append(sc.Network.Lanes, scenario.Lane{From: name(h), To: name(g), Distance: 100, Time: 1})
			sc.Network.Demand = append(sc.Network.Demand, scenario.OD{From: name(h), To: name(g), Arrivals: scenario.Range{Min: 0, Max: trucks / 2}})
		}
	}
	sc.Carriers[0].Capacity = 1
	sc.Carriers[0].EmptyCostRate = 0.05
	for h := range hubs {
		sc.Carriers[0].Trucks = append(sc.Carriers[0].Trucks, scenario.Fleet{Hub: name(h), Count: trucks})
	}
	return sc
}

// BenchmarkNetworkEpoch is the cost of one epoch of a network (arrivals,
// every hub's clearing, travel and repositioning) as the number of hubs
// and of trucks per hub grow, the load per truck held constant. The
// ns/epoch/truck metric stays flat when the cost is proportional to hubs
// times trucks per hub.
func BenchmarkNetworkEpoch(b *testing.B) {
	benchNetwork(b, func(sc *scenario.Config) {})
}

// BenchmarkNetworkEpochCDA is BenchmarkNetworkEpoch with every hub trading
// by continuous double auction (4 quotes per trader per round).
func BenchmarkNetworkEpochCDA(b *testing.B) {
	benchNetwork(b, func(sc *scenario.Config) {
		sc.Market.Clearing, sc.Market.Price, sc.Market.Quotes = scenario.CDA, scenario.PriceResting, 4
	})
}

// BenchmarkNetworkEpochPartLoads is BenchmarkNetworkEpoch with part loads
// and differing asks, the network preset's case: jobs of 1 to 3 units on
// trucks of 3, and three carriers, each with a third of every hub's trucks,
// asking their cost times 1, 1.1 and 1.2 (markup), so that the trucks at a
// hub are not alike and each hub clears by the lanes heuristic
// (market.Broker.AssignLanes). Hubs and trucks scale together (scale=1..8:
// 2s hubs with 12 trucks each, 24s trucks); then the trucks per hub grow
// (8 hubs with 24 to 192 trucks each), where a hub of more than 32 trucks
// clears by blocks. cpu-ns/epoch/truck stays flat when the cost is
// proportional to the trucks, hubs times trucks per hub.
func BenchmarkNetworkEpochPartLoads(b *testing.B) {
	for _, s := range []int{1, 2, 4, 8} {
		hubs, trucks := 2*s, 12
		b.Run(fmt.Sprintf("scale=%d/hubs=%d/trucks=%d", s, hubs, trucks), func(b *testing.B) {
			sc := partLoadNetwork(hubs, trucks)
			runNetworkBench(b, &sc, hubs, trucks)
		})
	}
	for _, trucks := range []int{24, 48, 96, 192} {
		b.Run(fmt.Sprintf("hubs=8/trucks=%d", trucks), func(b *testing.B) {
			sc := partLoadNetwork(8, trucks)
			runNetworkBench(b, &sc, 8, trucks)
		})
	}
}

// partLoadNetwork is ringNetwork with jobs of 1 to 3 units on trucks of 3,
// and three carriers of markups 0, 0.1 and 0.2 sharing every hub's trucks.
func partLoadNetwork(hubs, trucks int) scenario.Config {
	sc := ringNetwork(hubs, trucks)
	sc.Jobs.Volume = scenario.Range{Min: 1, Max: 3}
	fleet := sc.Carriers[0].Trucks
	for f := range fleet {
		fleet[f].Count = trucks / 3
	}
	sc.Carriers = []scenario.Carrier{sc.Carriers[0], sc.Carriers[0], sc.Carriers[0]}
	for c := range sc.Carriers {
		car := &sc.Carriers[c]
		car.Capacity = 3
		car.Trucks = slices.Clone(fleet)
		car.Strategy.Kind, car.Strategy.Markup = scenario.KindMarkup, 0.1*float64(c)
	}
	return sc
}

func benchNetwork(b *testing.B, edit func(*scenario.Config)) {
	for _, hubs := range []int{2, 4, 8, 16} {
		for _, trucks := range []int{4, 16, 64} {
			b.Run(fmt.Sprintf("hubs=%d/trucks=%d", hubs, trucks), func(b *testing.B) {
				sc := ringNetwork(hubs, trucks)
				edit(&sc)
				runNetworkBench(b, &sc, hubs, trucks)
			})
		}
	}
}

// runNetworkBench times episodes of sc, a network of hubs with trucks
// trucks each, and reports the cost per epoch and per epoch and truck.
func runNetworkBench(b *testing.B, sc *scenario.Config, hubs, trucks int) {
	if ps := sc.Validate(); len(ps) > 0 {
		b.Fatal(ps)
	}
	r, err := newReplicate(sc, 0)
	if err != nil {
		b.Fatal(err)
	}
	r.use(r.streams(1))
	const horizon = 99
	b.ReportAllocs()
	cpu := cpuSeconds()
	for b.Loop() {
		r.w.episode(horizon)
		_ = r.x.EndEpisode()
	}
	epochs := float64(b.N) * (horizon + 1)
	perEpoch := float64(b.Elapsed().Nanoseconds()) / epochs
	b.ReportMetric(perEpoch, "ns/epoch")
	b.ReportMetric(perEpoch/float64(hubs*trucks), "ns/epoch/truck")
	// CPU time, which a loaded machine inflates less than the wall clock.
	b.ReportMetric((cpuSeconds()-cpu)*1e9/epochs/float64(hubs*trucks), "cpu-ns/epoch/truck")
}
