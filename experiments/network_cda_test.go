package experiments

import (
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
)

// askLog wraps a carrier's strategy and sums its asks per unit of cost by
// the hub they are asked at.
type askLog struct {
	agents.Strategy
	sum, n []float64 // per hub
}

func (a *askLog) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	ask := a.Strategy.Quote(rng, j, v, rec)
	if c := v.Carrier.Cost(j); c > 0 {
		a.sum[j.From] += ask / c
		a.n[j.From]++
	}
	return ask
}

// meanAsks runs episodes evaluation episodes of r without learning and
// returns the carriers' mean ask per unit of cost at each of hubs hubs.
func meanAsks(t *testing.T, r *replicate, hubs, episodes int) []float64 {
	log := &askLog{sum: make([]float64, hubs), n: make([]float64, hubs)}
	var kept []agents.Strategy
	for _, c := range r.x.Carriers {
		kept = append(kept, c.Strategy)
	}
	r.x.Learning = false
	for range episodes {
		for i, c := range r.x.Carriers { // one sum for all carriers
			c.Strategy = &askLog{Strategy: kept[i], sum: log.sum, n: log.n}
		}
		r.w.episode(r.sc.Evaluation.Horizon)
		if err := r.x.EndEpisode(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range r.x.Carriers {
		c.Strategy = kept[i]
	}
	r.x.Learning = true
	out := make([]float64, hubs)
	for h := range out {
		out[h] = log.sum[h] / log.n[h]
	}
	return out
}

// TestCDACorridorAsksLearned: learning carriers in a continuous double
// auction on the corridor (lanes of 1.5 days, so that a round trip takes
// the knapsack corridor's 4 days) learn to ask less for the back-haul
// (from Milan, where trucks are in excess) than for the head-haul (from
// Rotterdam, where they are scarce). They start truthful, asking their
// cost on both lanes (ratio 1 within the sampling noise of sigma 300 over
// thousands of asks: 0.03); after 300 training episodes, in each of 3
// seeds, the mean back-haul ask per unit of cost is below the head-haul's
// by at least 0.05 (measured: see the log).
func TestCDACorridorAsksLearned(t *testing.T) {
	if testing.Short() {
		t.Skip("3 trainings of 300 episodes of the corridor by auction: skipped with -short")
	}
	sc, err := scenario.Resolve("corridor")
	if err != nil {
		t.Fatal(err)
	}
	sc.Market.Clearing, sc.Market.Price = scenario.CDA, scenario.PriceResting
	for i := range sc.Network.Lanes {
		sc.Network.Lanes[i].Time = 1.5
	}
	if ps := sc.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	const episodes = 300
	for rep := range 3 {
		r, err := newReplicate(&sc, rep)
		if err != nil {
			t.Fatal(err)
		}
		r.use(r.streams(seed.PhaseTrain))
		before := meanAsks(t, r, 2, 2)
		for range episodes {
			r.w.episode(sc.Training.Horizon)
			if err := r.x.EndEpisode(); err != nil {
				t.Fatal(err)
			}
		}
		after := meanAsks(t, r, 2, 2)
		t.Logf("seed %d: ask per cost head-haul %.3f, back-haul %.3f before; %.3f, %.3f after %d episodes", rep, before[0], before[1], after[0], after[1], episodes)
		if d := before[0] - before[1]; d > 0.03 || d < -0.03 {
			t.Errorf("seed %d: before learning, head-haul and back-haul asks per cost %.3f and %.3f differ by more than 0.03", rep, before[0], before[1])
		}
		if !(after[1] < after[0]-0.05) {
			t.Errorf("seed %d: after learning, the back-haul ask per cost %.3f is not below the head-haul's %.3f by 0.05", rep, after[1], after[0])
		}
	}
}
