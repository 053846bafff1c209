package experiments_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// FuzzRunScenario parses a preset with two --set overrides and, when the
// scenario passes validation, RUNS it for a few short episodes: a scenario
// that validation lets through must not crash the model (a recovered panic,
// experiments.PanicError, fails the test) nor put an infinite number in the
// results. The keys that size the work are cut down after validation
// (episodes, horizons, replicates, arrivals, the equilibrium's budget), so
// that each input runs in well under a second and a few megabytes; every
// other value, the extreme ones included, runs as given.
func FuzzRunScenario(f *testing.F) {
	for _, c := range [][3]string{
		{"smart-containers-2020", "carriers[0].capacity=1000000", "evaluation.horizon=10"},
		{"smart-containers-2020", "jobs.arrivals.max=10000", "jobs.due.max=9"},
		{"smart-containers-2020", "jobs.value={dist: lognormal, mu: 20, sigma: 5}", "p2_compat=false"},
		{"strategic-bidding-stochastic", "shippers[0].penalty=1000000000", "shippers[0].holding_cost=1e-9"},
		{"smart-containers-2020", "carriers[0].cost_rate=1e-9", "carriers[0].fixed_cost=1e9"},
		{"smart-containers-corrected", "shippers[0].strategy={policy: mlp, hidden: [1024]}", "shippers[0].strategy.risk=10"},
		{"smart-containers-2020", "carriers[0].schedule.period=0.001", "carriers[0].schedule.offset=1000000"},
		{"smart-containers-2020", "carriers[0].capacity=0", "demand_ratio=1000"},
		{"corridor", "carriers[0].trucks[0].count=1", "network.lanes[0].time=1e-9"},
		{"classroom", "market.quotes=1000", "carriers[0].strategy.zip.cr=1e9"},
		{"network", "network.hubs[0].x=1e9", "carriers[1].capacity=1"},
		{"bilateral", "jobs.value={dist: uniform, min: -1e9, max: 1e9}", "shippers[0].strategy.sigma=1e-9"},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, preset, set1, set2 string) {
		sc, err := scenario.ResolveWith(preset, []string{set1, set2})
		if err != nil {
			return // refused: the parse fuzzers check the messages
		}
		if ps := experiments.Unrunnable(&sc, nil); len(ps) > 0 {
			return
		}
		small(&sc)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		type ran struct {
			res *experiments.Result
			err error
		}
		done := make(chan ran, 1)
		go func() {
			res, err := experiments.Run(ctx, sc, experiments.Options{Workers: 1})
			done <- ran{res, err}
		}()
		var r ran
		select {
		case r = <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("%s --set %q --set %q: a run of at most 3 short episodes did not end in 60 s: it hangs", preset, set1, set2)
		}
		res, err := r.res, r.err
		var pe *experiments.PanicError
		if errors.As(err, &pe) {
			t.Fatalf("%s --set %q --set %q passes validation and crashes the model:\n%v\n%s", preset, set1, set2, err, pe.Stack)
		}
		if res == nil || res.Evaluations == nil {
			return // a policy that diverged fails its run with a message: allowed
		}
		for _, row := range res.Evaluations.Rows {
			for i, v := range row.Values {
				if math.IsInf(v, 0) {
					t.Fatalf("%s --set %q --set %q: %s is %v: the model produced an infinite number", preset, set1, set2, res.Evaluations.Values[i], v)
				}
			}
		}
	})
}

// small cuts down the keys of sc that size its work, keeping the rest.
func small(sc *scenario.Config) {
	sc.Replicates = 1
	sc.Training.Episodes = min(sc.Training.Episodes, 3)
	sc.Training.Horizon = min(sc.Training.Horizon, 8)
	sc.Evaluation.Every = max(1, min(sc.Evaluation.Every, 2))
	sc.Evaluation.Horizon = min(sc.Evaluation.Horizon, 8)
	sc.Evaluation.Episodes = 1
	sc.Jobs.Arrivals.Max = min(sc.Jobs.Arrivals.Max, 30)
	sc.Jobs.Arrivals.Min = min(sc.Jobs.Arrivals.Min, sc.Jobs.Arrivals.Max)
	for i := range sc.Network.Demand {
		a := &sc.Network.Demand[i].Arrivals
		a.Max = min(a.Max, 10)
		a.Min = min(a.Min, a.Max)
	}
	sc.Equilibrium.Horizon = min(sc.Equilibrium.Horizon, 5)
	sc.Equilibrium.SearchEpisodes = min(sc.Equilibrium.SearchEpisodes, 2)
	sc.Equilibrium.EvalEpisodes = min(sc.Equilibrium.EvalEpisodes, 2)
	sc.Equilibrium.MaxEvaluations = min(sc.Equilibrium.MaxEvaluations, 10)
}
