package experiments

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// short is a small P2 run for tests of mechanics, not of figures.
func short(replicates int) scenario.Config {
	sc := scenario.Default()
	sc.Replicates = replicates
	sc.Training.Episodes = 40
	sc.Evaluation.Every = 20
	sc.Evaluation.Horizon = 100
	return sc
}

func csvOf(t *testing.T, res *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := res.Evaluations.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRunIsReproducibleAndWorkerIndependent(t *testing.T) {
	sc := short(5)
	var want string
	for _, workers := range []int{1, 2, 3, 5} {
		res, err := Run(context.Background(), sc, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got := csvOf(t, res)
		if want == "" {
			want = got
			if len(res.Evaluations.Rows) != 5*3 {
				t.Fatalf("%d rows, want 5 replicates x 3 evaluations (episodes 0, 20, 40)", len(res.Evaluations.Rows))
			}
			continue
		}
		if got != want {
			t.Errorf("%d workers gave different evaluations than 1 worker:\n%s\nwant\n%s", workers, got, want)
		}
	}
}

func TestSeedChangesResults(t *testing.T) {
	a, err := Run(context.Background(), short(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := short(1)
	sc.Seed = 2
	b, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if csvOf(t, a) == csvOf(t, b) {
		t.Error("seeds 1 and 2 gave identical results")
	}
}

// TestReplicatesAreIndependentOfCount: replicate r is the same whether the
// run has 2 replicates or 4, so runs can be extended.
func TestReplicatesAreIndependentOfCount(t *testing.T) {
	two, err := Run(context.Background(), short(2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	four, err := Run(context.Background(), short(4), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range two.Evaluations.Rows {
		for k, v := range r.Values {
			if w := four.Evaluations.Rows[i].Values[k]; v != w && !(math.IsNaN(v) && math.IsNaN(w)) {
				t.Fatalf("row %d column %s: %v with 2 replicates, %v with 4", i, two.Evaluations.Values[k], v, w)
			}
		}
	}
}

// TestEvaluationDoesNotChangeTraining: training draws from its own streams,
// so the learned policy after episode 40 is the same however often the run
// was evaluated.
func TestEvaluationDoesNotChangeTraining(t *testing.T) {
	var thetas [][]float64
	for _, every := range []int{40, 7} {
		sc := short(1)
		sc.Evaluation.Every = every
		res, err := Run(context.Background(), sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		last := res.Evaluations.Rows[len(res.Evaluations.Rows)-1]
		var policy []float64
		for c, name := range res.Evaluations.Values {
			if name == "sigma" || strings.HasPrefix(name, "theta_") {
				policy = append(policy, last.Values[c])
			}
		}
		thetas = append(thetas, policy)
	}
	for i := range thetas[0] {
		if thetas[0][i] != thetas[1][i] {
			t.Fatalf("policy after training differs with evaluation every 40 and every 7: %v vs %v", thetas[0], thetas[1])
		}
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, short(3), Options{Workers: 1})
	if err == nil {
		t.Fatal("a cancelled run reported success")
	}
	if res == nil || len(res.Evaluations.Rows) != 0 {
		t.Errorf("a run cancelled before it started has results: %+v", res)
	}
}

// TestP2Reproduction is the core issue's first acceptance check, in full:
// eight replicates of smart-containers-2020 (4000 training episodes each)
// against the figures measured by running the author's code (MODEL section
// 7, shared/reference/p2-author-code.csv). Each replicate takes about 0.3 s.
//
// Tolerances are the issue's: final avg_bidding_cost within 4 of -48.3 and
// episode 0 within 6 of -116.8. Over the author's 12 seeds the final figure
// has sd 2.7, so a mean of 8 has a standard error of about 1: the bound is
// about 4 standard errors, and the other bounds are as wide in their units.
func TestP2Reproduction(t *testing.T) {
	if testing.Short() {
		t.Skip("full P2 training: skipped with -short")
	}
	sc := scenario.Default()
	sc.Replicates = 8
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Summary.Metrics
	ep0 := atEpisode(res, "avg_bidding_cost", 0)
	checks := []struct {
		name     string
		got      float64
		lo, hi   float64
		referent string
	}{
		{"avg_bidding_cost at episode 4000", m["avg_bidding_cost"].Mean, -48.3 - 4, -48.3 + 4, "author's code -48.3"},
		{"avg_bidding_cost at episode 0", ep0, -116.8 - 6, -116.8 + 6, "author's code -116.8"},
		{"ship_share", m["ship_share"].Mean, 0.98, 1, "author's code 0.995"},
		{"utilization", m["utilization"].Mean, 0.28, 0.40, "author's code 0.32-0.35"},
		{"cost_per_job", m["cost_per_job"].Mean, 41.9 - 3, 41.9 + 3, "author's code 41.9"},
		{"mean_winning_bid", m["mean_winning_bid"].Mean, 38.4 - 3, 38.4 + 3, "author's code 38.4"},
	}
	for _, c := range checks {
		t.Logf("%-34s %8.3f  (want [%g, %g]; %s)", c.name, c.got, c.lo, c.hi, c.referent)
		if !(c.got >= c.lo && c.got <= c.hi) {
			t.Errorf("%s = %v over 8 replicates, want within [%g, %g] (%s)", c.name, c.got, c.lo, c.hi, c.referent)
		}
	}
}

// TestP2CorrectedRuns: with the quirks corrected the market still learns to
// ship nearly everything at a cost far below the untrained policy's. Two
// replicates: measured over 4, they end at avg_bidding_cost -40.0 to -41.1
// and ship_share 0.977 to 0.991 (untrained: about -120 and 0.27): the
// bounds, -60 and 0.95, lie 19 cost units and 0.027 beyond the worst
// replicate, about 40 and 4 standard deviations of a replicate (0.5 and
// 0.006), so the mean of two passes as surely as the mean of four, and a
// market that fails to learn is as far off either way.
func TestP2CorrectedRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("P2 training: skipped with -short")
	}
	sc := scenario.Default()
	sc.P2Compat = false
	sc.Replicates = 2
	sc.Training.Episodes = 2000
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Summary.Metrics
	t.Logf("corrected, 2000 episodes: avg_bidding_cost %.2f, ship_share %.3f, sigma %.3f",
		m["avg_bidding_cost"].Mean, m["ship_share"].Mean, m["sigma"].Mean)
	if m["avg_bidding_cost"].Mean < -60 || m["ship_share"].Mean < 0.95 {
		t.Errorf("corrected P2 learned poorly: avg_bidding_cost %v, ship_share %v (untrained: about -117 and 0.3)",
			m["avg_bidding_cost"].Mean, m["ship_share"].Mean)
	}
}

func atEpisode(res *Result, metric string, ep int64) float64 {
	c := res.Evaluations.Column(metric)
	var sum float64
	var n int
	for _, r := range res.Evaluations.Rows {
		if r.Keys[1] == ep {
			sum += r.Values[c]
			n++
		}
	}
	return sum / float64(n)
}

// TestEpisodeAndTradeTables checks the per-episode table's shape and that
// every recorded trade obeys P2's market: pay-as-bid, strictly positive net
// value, and no departure over capacity.
func TestEpisodeAndTradeTables(t *testing.T) {
	sc := short(2)
	res, err := Run(context.Background(), sc, Options{Trades: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Episodes.Rows); n != 2*(sc.Training.Episodes+1) {
		t.Errorf("%d episode rows, want 2 replicates x %d episodes", n, sc.Training.Episodes+1)
	}
	if len(res.Trades.Rows) == 0 {
		t.Fatal("no trades recorded")
	}
	col := func(name string) int {
		for i, v := range res.Trades.Values {
			if v == name {
				return i
			}
		}
		t.Fatalf("trades.csv has no column %s", name)
		return -1
	}
	vol, bid, pay, recv, cost := col("volume"), col("bid"), col("pay"), col("receive"), col("cost")
	load := map[[4]int64]float64{}
	for _, r := range res.Trades.Rows {
		v := r.Values
		if v[pay] != v[bid] || v[recv] != v[bid] {
			t.Fatalf("trade %v: pay-as-bid means pay = receive = bid", r)
		}
		if !(v[bid] > v[cost]) {
			t.Fatalf("trade %v: the strict rule never ships a job whose bid does not exceed its cost", r)
		}
		load[[4]int64{r.Keys[0], r.Keys[1], r.Keys[2], r.Keys[3]}] += v[vol]
	}
	for k, l := range load {
		if l > 80 {
			t.Errorf("departure %v shipped %v volume units, over capacity 80", k, l)
		}
	}
}

// resolveAndRun resolves the scenario nameOrFile (a preset or a YAML file)
// with the overrides sets, runs it on two workers, and returns both.
func resolveAndRun(t testing.TB, nameOrFile string, sets []string) (scenario.Config, *Result) {
	t.Helper()
	sc, err := scenario.ResolveWith(nameOrFile, sets)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), sc, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return sc, res
}

// replicateOf is replicate 0, untrained, of the scenario nameOrFile (a
// preset or a YAML file) with the overrides sets.
func replicateOf(t testing.TB, nameOrFile string, sets ...string) (*scenario.Config, *replicate) {
	t.Helper()
	sc, err := scenario.ResolveWith(nameOrFile, sets)
	if err != nil {
		t.Fatal(err)
	}
	r, err := newReplicate(&sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &sc, r
}
