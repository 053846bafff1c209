package experiments

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// TestDescribeScenario: the report's words for P2 name its agents, jobs,
// market and training as the preset sets them; agents of several kinds are
// counted by kind.
func TestDescribeScenario(t *testing.T) {
	sc, err := scenario.Resolve("smart-containers-2020")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(DescribeScenario(sc), " ")
	for _, want := range []string{
		"smart-containers-2020: P2 exactly",
		"1 shipper (learn) and 1 carrier (truthful, capacity 80)",
		"Each epoch 0 to 10 jobs arrive, of volume 1 to 10, due within 1 to 5 clearings, over a distance of 10 to 100.",
		"Training: 4001 episodes of 101 epochs, evaluated every 1000 episodes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the description lacks %q:\n%s", want, got)
		}
	}
	cl, err := scenario.Resolve("classroom")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(DescribeScenario(cl), " "); !strings.Contains(got, "6 shippers") || !strings.Contains(got, "6 carriers") {
		t.Errorf("the classroom's description does not count its six buyers and sellers:\n%s", got)
	}
}

// LearnedLines turns the mean weights of a bilateral market's learners into
// their bid and ask in money: the weights are of features that divide
// money by the price scale, from the money origin. Theory's lines sit next
// to them in the report.
func TestLearnedLines(t *testing.T) {
	sum := results.Summary{Metrics: map[string]results.Stat{
		"theta_0": {Mean: 10.1353, N: 8}, "theta_1": {Mean: 1.3382, N: 8},
		"ask_theta_0": {Mean: 10.4588, N: 8}, "ask_theta_1": {Mean: 1.4084, N: 8}}}
	moved := []string{"jobs.value={dist: uniform, min: 10, max: 12}", "carriers[0].cost_factor={dist: uniform, min: 10, max: 12}"}
	near := func(l equilibrium.Line, intercept, slope float64) bool {
		return math.Abs(l.Intercept-intercept) < 1e-12 && math.Abs(l.Slope-slope) < 1e-12
	}
	// From the lowest price, 10, over a span of 2: slope theta_1 / 2, the
	// intercept theta_0 less 10 times it.
	sc, err := scenario.ResolveWith("bilateral", append(moved, "shippers[0].strategy.money_origin=lowest", "carriers[0].strategy.money_origin=lowest"))
	if err != nil {
		t.Fatal(err)
	}
	bid, ask, ok := LearnedLines(&sc, sum)
	if !ok || !near(bid, 10.1353-10*1.3382/2, 1.3382/2) || !near(ask, 10.4588-10*1.4084/2, 1.4084/2) {
		t.Errorf("from the lowest price: bid %+v, ask %+v, %v", bid, ask, ok)
	}
	// From 0, over the price scale 12.
	sc, err = scenario.ResolveWith("bilateral", moved)
	if err != nil {
		t.Fatal(err)
	}
	if bid, ask, ok := LearnedLines(&sc, sum); !ok || !near(bid, 10.1353, 1.3382/12) || !near(ask, 10.4588, 1.4084/12) {
		t.Errorf("from 0: bid %+v, ask %+v, %v", bid, ask, ok)
	}
	th := &equilibrium.Theory{Band: equilibrium.Band{Low: math.NaN(), High: math.NaN()}, Bilateral: &equilibrium.Bilateral{
		Bid: equilibrium.Line{Intercept: 3.5, Slope: 2.0 / 3}, Ask: equilibrium.Line{Intercept: 23.0 / 6, Slope: 2.0 / 3}}}
	th.Competitive.Low.Mean = math.NaN()
	tab := theoryTable(th, sum, &sc)
	if len(tab.Rows) < 2 || !slices.Equal(tab.Rows[0], []string{"bid, in the value v (money)", "0.6667 v + 3.5", "0.1115 v + 10.14"}) ||
		!slices.Equal(tab.Rows[1], []string{"ask, in the cost c (money)", "0.6667 c + 3.833", "0.1174 c + 10.46"}) {
		t.Errorf("the report's rows: %q", tab.Rows)
	}
	// No lines without the weights (a network policy, PPO), nor for P2's
	// features.
	delete(sum.Metrics, "ask_theta_1")
	if _, _, ok := LearnedLines(&sc, sum); ok {
		t.Error("lines without ask_theta_1")
	}
	p2, err := scenario.Resolve("smart-containers-2020")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := LearnedLines(&p2, sum); ok {
		t.Error("lines for P2's features")
	}
}

// The report's table of learned rules: P2's eight weights, as scaled, in
// money per unit of each feature (P2's scales: 500 volume units, 5
// clearings, 100 distance units, 50 jobs for the market; 10, 5 and 100 for
// the job's own), written to 4 significant digits. Nothing for a carrier
// that does not learn.
func TestLearnedTable(t *testing.T) {
	p2, err := scenario.Resolve("smart-containers-2020")
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{-11.97, 1.017, 0.2418, 2.973, -1.112, 57.88, -22.1, 48.12}
	sum := results.Summary{Metrics: map[string]results.Stat{}}
	for i, x := range w {
		sum.Metrics[fmt.Sprintf("theta_%d", i)] = results.Stat{Mean: x, N: 1}
	}
	tab, ok := learnedTable(&p2, sum)
	want := [][]string{{"shipper: bid =", "-11.97 + 0.002034*shared_volume + 0.04836*shared_due + 0.02973*shared_distance - 0.02224*shared_count + 5.788*volume - 4.42*due + 0.4812*distance"}}
	if !ok || !slices.EqualFunc(tab.Rows, want, slices.Equal) {
		t.Errorf("the learned rules: %q, %v; want %q", tab.Rows, ok, want)
	}
	for _, c := range []struct {
		names []string
		w     []float64
		want  string
	}{
		{[]string{"cost", "bias", "volume"}, []float64{-0.5, 2, 0}, "-0.5*cost + 2 + 0*volume"},
		{[]string{"bias", "cost"}, []float64{-52.5, 1.05}, "-52.5 + 1.05*cost"},
		{[]string{"bias", "value"}, []float64{0.12345, -0.66666}, "0.1235 - 0.6667*value"},
	} {
		if got := RuleText(c.names, c.w); got != c.want {
			t.Errorf("RuleText(%q, %v) = %q, want %q", c.names, c.w, got, c.want)
		}
	}
}
