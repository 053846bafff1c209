package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPlotRedrawsTheSameFigures is issue 5's check: after deleting a finished
// run's figures, `freightsim plot DIR` draws the same figures again, compared
// as data (the CSV each figure carries), not as pixels; and the same SVG
// files, byte for byte: the run draws from the tables it holds in memory,
// plot from the files, and the two must not differ.
func TestPlotRedrawsTheSameFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := freightsim(t, "run", "strategic-bidding-deterministic", "--episodes", "40",
		"--replicates", "3", "--trades", "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	plots := filepath.Join(dir, "plots")
	before := map[string][]byte{}
	entries, err := os.ReadDir(plots)
	if err != nil {
		t.Fatalf("the run drew no figures: %v", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".csv") || strings.HasSuffix(e.Name(), ".svg") {
			before[e.Name()] = read(t, filepath.Join(plots, e.Name()))
		}
	}
	for _, want := range []string{"bid_ask.csv", "learning_ne_adherence.csv", "learning_avg_bidding_cost.csv", "price_distribution_pay.csv"} {
		if _, ok := before[want]; !ok {
			t.Errorf("the run's figures lack %s (have %d)", want, len(before))
		}
	}
	// The bid/ask figure carries the equilibrium band from theory.json.
	if b := string(before["bid_ask.csv"]); !strings.Contains(b, "band_low") {
		t.Errorf("bid_ask.csv has no equilibrium band:\n%.300s", b)
	}

	if err := os.RemoveAll(plots); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := freightsim(t, "plot", dir)
	if code != 0 || !strings.Contains(stdout, "drew") {
		t.Fatalf("plot: exit %d\n%s%s", code, stdout, stderr)
	}
	for name, data := range before {
		if got := read(t, filepath.Join(plots, name)); !bytes.Equal(got, data) {
			t.Errorf("%s differs after freightsim plot", name)
		}
		if !strings.HasSuffix(name, ".csv") {
			continue
		}
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat(filepath.Join(plots, strings.TrimSuffix(name, ".csv")+ext)); err != nil {
				t.Errorf("freightsim plot did not draw %s", strings.TrimSuffix(name, ".csv")+ext)
			}
		}
	}
	var m struct{ Files []string }
	if err := json.Unmarshal(read(t, filepath.Join(dir, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(m.Files, "plots/bid_ask.png") || !slices.Contains(m.Files, "evaluations.csv") {
		t.Errorf("the manifest does not list the tables and the figures: %v", m.Files)
	}
}

func TestPlotBadInput(t *testing.T) {
	for _, args := range [][]string{{"plot"}, {"plot", t.TempDir()}, {"plot", "a", "b"}} {
		if code, _, stderr := freightsim(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
}

func TestEquilibriumCommand(t *testing.T) {
	code, stdout, stderr := freightsim(t, "equilibrium", "strategic-bidding-deterministic")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"bid = ask = p, 50 <= p <= 120", "no trade (bid <= ask)", "efficient surplus 200", "at a price of 1 to 1 (price per unit of transport cost"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("equilibrium report lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = freightsim(t, "equilibrium", "--json", "--set", "carriers[0].capacity=25", "strategic-bidding-deterministic")
	var th struct {
		ClosedFormNote string `json:"closed_form_note"`
		Competitive    struct {
			Low struct{ Mean float64 }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &th); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, stdout)
	}
	if th.Competitive.Low.Mean != 2.4 || !strings.Contains(th.ClosedFormNote, "capacity binds") {
		t.Errorf("with capacity 25 the competitive price is 2.4 per unit of cost and there is no per-job closed form: %+v", th)
	}
	if code, _, _ := freightsim(t, "equilibrium", "--set", "carriers[0].capacity=-1"); code != exitUsage {
		t.Errorf("a bad --set: exit %d, want 2", code)
	}
}
