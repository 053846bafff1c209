package main

import (
	"encoding/json"
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
