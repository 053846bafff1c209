package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
)

func TestCurveWritesTheCurveAndItsFigures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "curve")
	code, stdout, stderr := freightsim(t, "curve", "capacity-driven", "--ratios", "0.5,2", "--replicates", "2",
		"--episodes", "20", "--set", "training.horizon=10", "--set", "evaluation.horizon=10", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "equilibrium price/cost") {
		t.Errorf("no curve table on stdout:\n%s", stdout)
	}
	tab, err := results.ReadCSV(strings.NewReader(string(read(t, filepath.Join(out, "curve.csv")))), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 2 || tab.Column("ce_price_low") < 0 || tab.Column("utilization_mean") < 0 {
		t.Fatalf("curve.csv: %d rows, columns %v", len(tab.Rows), tab.Values)
	}
	// The competitive price rises with scarcity: at 0.5 capacity is slack (price = cost).
	lo := tab.Column("ce_price_low")
	if a, b := tab.Rows[0].Values[lo], tab.Rows[1].Values[lo]; !(b > a) {
		t.Errorf("competitive price %v at ratio 0.5 and %v at 2: want it rising with demand", a, b)
	}
	for _, f := range []string{"sweep_price_per_cost_vs_demand_ratio_theory", "sweep_utilization_vs_demand_ratio_theory"} {
		for _, ext := range []string{".png", ".svg", ".csv"} {
			read(t, filepath.Join(out, f+ext))
		}
	}
	// A manifest, as a run's: the command, complete, the files it wrote.
	var m experiments.Manifest
	if err := json.Unmarshal(read(t, filepath.Join(out, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if !m.Complete || m.Scenario != "capacity-driven" || m.Replicates != 2 || m.Workers < 1 || !slices.Contains(m.Command, "0.5,2") ||
		!slices.Contains(m.Files, "curve.csv") || !slices.Contains(m.Files, "sweep_utilization_vs_demand_ratio_theory.png") {
		t.Errorf("curve's manifest.json: %+v", m)
	}
	if page := string(read(t, filepath.Join(out, "report.html"))); strings.Count(page, "<img ") != 2 || !strings.Contains(page, "competitive equilibrium") {
		t.Errorf("the curve's report lacks its 2 figures or its table")
	}
	if code, _, _ := freightsim(t, "curve", "--ratios", "1,-2", "--out", filepath.Join(t.TempDir(), "x")); code != exitUsage {
		t.Errorf("a negative ratio: exit %d, want 2", code)
	}
}

// TestCurveRefusesRatiosTheCapacitiesCannotReach: the corridor's trucks hold
// a few units each, so demand_ratio reaches only some ratios (0.3, 0.6,
// 1.2 of the defaults); a curve asked for 0.5 or 2 would draw the same
// market under other labels. It is refused before anything is written,
// naming the flag and the ratio the capacities reach, and that ratio runs.
func TestCurveRefusesRatiosTheCapacitiesCannotReach(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ preset, ratios, want string }{
		{"corridor", "0.5", "nearest they reach is 0.6"},
		{"corridor", "0.6,2", "ratio 2: corridor cannot reach it"},
		{"bilateral", "0.5,2", "ratio 2: bilateral cannot reach it"},
	} {
		out := filepath.Join(dir, c.preset+c.ratios)
		code, _, stderr := freightsim(t, "curve", c.preset, "--ratios", c.ratios, "--episodes", "2", "--out", out, "--quiet")
		if code != exitUsage || !strings.Contains(stderr, "--ratios") || !strings.Contains(stderr, c.want) {
			t.Errorf("curve %s --ratios %s: exit %d, %q; want exit 2 saying %q", c.preset, c.ratios, code, stderr, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("curve %s --ratios %s: wrote %s before refusing", c.preset, c.ratios, out)
		}
	}
	out := filepath.Join(dir, "reached")
	if code, _, stderr := freightsim(t, "curve", "corridor", "--ratios", "0.6,1.2", "--episodes", "2", "--replicates", "1", "--out", out, "--quiet"); code != 0 {
		t.Errorf("curve corridor --ratios 0.6,1.2 (ratios its trucks reach): exit %d\n%s", code, stderr)
	}
}
