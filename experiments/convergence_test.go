package experiments

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/policy"
)

// A rule stops after the given number of evaluation points in a row that
// meet every threshold set; a point that does not starts the count again;
// a movement that was not measured (the first point) does not count.
func TestStopperCounts(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name  string
		rule  scenario.Stop
		gaps  []float64
		moves []float64 // shipper's; the carrier's is NaN (no learning carrier)
		at    int       // index of the point that stops, -1 for none
	}{
		{"gap, two in a row", scenario.Stop{Gap: 0.01, Evaluations: 2}, []float64{0.5, 0.005, 0.02, 0.01, 0.001, 0}, nil, 4},
		{"gap never met", scenario.Stop{Gap: 0.01, Evaluations: 1}, []float64{0.5, 0.02, nan}, nil, -1},
		{"movement, first point unmeasured", scenario.Stop{Movement: 0.1, Evaluations: 1}, nil, []float64{nan, 0.05}, 1},
		{"both thresholds", scenario.Stop{Gap: 0.01, Movement: 0.1, Evaluations: 1}, []float64{0, 0.001, 0.001}, []float64{nan, 0.5, 0.05}, 2},
		{"disabled", scenario.Stop{Evaluations: 1}, []float64{0, 0}, []float64{0, 0}, -1},
	}
	for _, c := range cases {
		s := stopper{rule: c.rule}
		n := max(len(c.gaps), len(c.moves))
		got := -1
		for i := range n {
			g, m := nan, nan
			if c.gaps != nil {
				g = c.gaps[i]
			}
			if c.moves != nil {
				m = c.moves[i]
			}
			if why := s.check(g, m, nan); why != "" {
				if !strings.Contains(why, "training.stop") {
					t.Errorf("%s: reason %q does not name the rule", c.name, why)
				}
				got = i
				break
			}
		}
		if got != c.at {
			t.Errorf("%s: stopped at point %d, want %d", c.name, got, c.at)
		}
	}
}

// The movement of a linear learner whose bias weight moves by d and whose
// other weights stay is exactly |d|, at every probe; a learner that does
// not move has movement 0; the first point has none.
func TestMoverOfAKnownStep(t *testing.T) {
	f, err := agents.NewFeatureSet([]string{"bias", "value"}, agents.Scales{Money: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := policy.NewNatural(2, 0.2)
	l := agents.NewTrained(f, n.Policy, n)
	m := newMover(l)
	if got := m.move(); !math.IsNaN(got) {
		t.Errorf("first movement %v, want NaN", got)
	}
	if got := m.move(); got != 0 {
		t.Errorf("movement of a learner that did not move %v, want 0", got)
	}
	l.Weights()[0] -= 0.25
	if got := m.move(); math.Abs(got-0.25) > 1e-12 {
		t.Errorf("movement after a bias step of -0.25: %v, want 0.25", got)
	}
	l.Weights()[1] += 1 // the mean moves by value, uniform on [0, 1] at the probes: RMS about 1/sqrt(3)
	if got := m.move(); math.Abs(got-1/math.Sqrt(3)) > 0.1 {
		t.Errorf("movement after a slope step of 1: %v, want about %v", got, 1/math.Sqrt(3))
	}
}

// An early stop ends a replicate's training at the evaluation point where
// its rule is met, says so in the summary, and the summary takes that
// point's evaluation as the replicate's final one. With a gap of 1e9 (any
// measured profile) and three points in a row, the bilateral market stops
// at the third evaluation point, after episode 100.
func TestEarlyStop(t *testing.T) {
	sc, err := scenario.ResolveWith("bilateral", []string{"replicates=2", "training.episodes=1000", "evaluation.every=50",
		"training.stop.gap=1e9", "training.stop.evaluations=3", "equilibrium.search_episodes=4", "equilibrium.eval_episodes=4"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := Run(context.Background(), sc, Options{Workers: 2, OnReplicate: func(rep *ReplicateResult) error { return WriteReplicate(dir, rep) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Summary.Stopped) != 2 {
		t.Fatalf("stopped %+v, want both replicates", res.Summary.Stopped)
	}
	for i, st := range res.Summary.Stopped {
		if st.Replicate != i || st.Episode != 100 || !strings.Contains(st.Reason, "gap") {
			t.Errorf("stop %+v, want replicate %d after episode 100 (points 0, 50, 100) for the gap", st, i)
		}
	}
	// Each replicate's own file says when and why it stopped, and a run
	// that reads the replicates back (a resume) reports the same stops.
	done, err := LoadReplicates(dir, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range done {
		if d == nil || d.Stopped == nil || *d.Stopped != res.Summary.Stopped[i] {
			t.Errorf("replicate %d read back: %+v, want its stop %+v", i, d, res.Summary.Stopped[i])
		}
	}
	again, err := Run(context.Background(), sc, Options{Done: done})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Summary.Stopped, res.Summary.Stopped) {
		t.Errorf("resumed run's stops %+v, want %+v", again.Summary.Stopped, res.Summary.Stopped)
	}
	if got := len(res.Episodes.Rows); got != 2*101 {
		t.Errorf("%d training episodes recorded, want 2 x 101", got)
	}
	if adh := res.Summary.Metrics["ne_adherence"]; adh.N != 2 {
		t.Errorf("final ne_adherence over %d replicates, want 2", adh.N)
	}
	if mv := res.Summary.Metrics["movement"]; mv.N != 2 || !(mv.Mean > 0) {
		t.Errorf("final movement %+v, want a positive mean over 2 replicates", mv)
	}
}
