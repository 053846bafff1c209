package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// freightsim runs the command line in-process and returns its exit code and output.
func freightsim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunWritesAReproducibleRunDirectory(t *testing.T) {
	dir := t.TempDir()
	var dirs []string
	for i, workers := range []string{"1", "2", "2"} {
		out := filepath.Join(dir, "run"+string(rune('a'+i)))
		cmd := []string{"run", "smart-containers-2020", "--episodes", "30", "--replicates", "3", "--workers", workers, "--out", out, "--quiet"}
		if i > 0 { // the files compared are the same with or without figures: the first run draws them
			cmd = append(cmd, "--no-plots")
		}
		code, stdout, stderr := freightsim(t, cmd...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if stderr != "" {
			t.Errorf("--quiet printed on stderr: %q", stderr)
		}
		if !strings.Contains(stdout, "avg_bidding_cost") || !strings.Contains(stdout, "wrote "+out) {
			t.Errorf("stdout lacks the summary table or the run directory:\n%s", stdout)
		}
		dirs = append(dirs, out)
	}
	for _, f := range []string{"summary.json", "evaluations.csv"} {
		a := read(t, filepath.Join(dirs[0], f))
		for _, d := range dirs[1:] {
			if b := read(t, filepath.Join(d, f)); !bytes.Equal(a, b) {
				t.Errorf("%s differs between %s and %s (1 vs 2 workers, or a rerun)", f, dirs[0], d)
			}
		}
	}
	var summary struct {
		Scenario   string
		Replicates int
		Metrics    map[string]struct {
			Mean, SD, CI95Low, CI95High *float64 `json:",omitempty"`
			N                           int
		}
	}
	if err := json.Unmarshal(read(t, filepath.Join(dirs[0], "summary.json")), &summary); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"avg_bidding_cost", "cost_per_job", "ship_share", "utilization", "mean_winning_bid", "sigma"} {
		m, ok := summary.Metrics[name]
		if !ok || m.N != 3 || m.Mean == nil {
			t.Errorf("summary.json metric %s: %+v, want a mean over n = 3", name, m)
		}
	}
	var manifest struct {
		Complete       bool
		ReplicateSeeds []string `json:"replicate_seeds"`
		EventsPerSec   float64  `json:"events_per_second"`
	}
	if err := json.Unmarshal(read(t, filepath.Join(dirs[0], "manifest.json")), &manifest); err != nil {
		t.Fatal(err)
	}
	if !manifest.Complete || len(manifest.ReplicateSeeds) != 3 || manifest.EventsPerSec <= 0 {
		t.Errorf("manifest %+v: want complete, 3 seeds and a positive event rate", manifest)
	}
	// The effective config reproduces the run.
	again := filepath.Join(dir, "again")
	if code, _, stderr := freightsim(t, "run", filepath.Join(dirs[0], "config.yaml"), "--out", again, "--quiet", "--no-plots"); code != 0 {
		t.Fatalf("rerunning config.yaml: exit %d\n%s", code, stderr)
	}
	if !bytes.Equal(read(t, filepath.Join(again, "evaluations.csv")), read(t, filepath.Join(dirs[0], "evaluations.csv"))) {
		t.Error("running the written config.yaml did not reproduce evaluations.csv")
	}
}

func TestRunRefusesToOverwrite(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "summary.json"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := freightsim(t, "run", "--episodes", "1", "--out", out, "--quiet")
	if code != exitUsage || !strings.Contains(stderr, "already holds a run") || !strings.Contains(stderr, "--force") {
		t.Errorf("exit %d, stderr %q: want exit 2 and a hint at --force", code, stderr)
	}
	if b := read(t, filepath.Join(out, "summary.json")); string(b) != "precious" {
		t.Errorf("an existing run was overwritten: %q", b)
	}
	if code, _, stderr := freightsim(t, "run", "--episodes", "1", "--out", out, "--quiet", "--force", "--no-plots"); code != 0 {
		t.Errorf("--force: exit %d\n%s", code, stderr)
	}
}

func TestBadInputExitsTwoAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("carriers:\n  - capacity: -5\n    cost_rate: .nan\nmarkt: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"run", bad}, []string{bad + ":2: carriers[0].capacity", bad + ":3: carriers[0].cost_rate: NaN", bad + `:4: markt: unknown key "markt"; did you mean "market"?`}},
		{[]string{"run", "no-such-preset"}, []string{"neither a preset"}},
		{[]string{"run", "--replicates", "0"}, []string{"--replicates 0: want at least 1"}},
		{[]string{"run", "--episodes", "-3"}, []string{"--episodes -3"}},
		{[]string{"run", "--seed", "x"}, []string{"invalid argument \"x\" for \"--seed\""}},
		{[]string{"run", "a", "b"}, []string{"at most 1 argument"}},
		{[]string{"run", "--no-such-flag"}, []string{"unknown flag: --no-such-flag"}},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "out")
		code, _, stderr := freightsim(t, append(c.args, "--out", out)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr\n%s\nwant it to contain %q", c.args, stderr, w)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s despite the error", c.args, out)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := freightsim(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "freightsim ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

func TestPlainProgressPrintsEachTenthOnce(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 4001, false, "x")
	for range 4001 {
		p.tick()
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 10 || !strings.Contains(lines[0], " 10% (401/4001") || !strings.Contains(lines[9], "100% (4001/4001") {
		t.Errorf("progress lines:\n%s\nwant ten, from 10%% to 100%%", b.String())
	}
	b.Reset()
	q := newProgress(&b, 10, true, "x")
	q.tick()
	if b.Len() != 0 {
		t.Errorf("quiet progress printed %q", b.String())
	}
}

// TestRunPrintsTheBestResponseToATruthfulSide: in bilateral trading with
// one side truthful, run prints the line the other side learned next to
// its best response (v/(1+k) for the buyer, (c + 1-k)/(2-k) for the
// seller, at k = 1/2 2/3 v and 2/3 c + 1/3), and so does equilibrium.
func TestRunPrintsTheBestResponseToATruthfulSide(t *testing.T) {
	for _, c := range []struct{ truthful, want string }{
		{"carriers", "; the best response to a seller who asks her cost: bid(v) = 0.6667 v + 0\n"},
		{"shippers", "; the best response to a buyer who bids her value: ask(c) = 0.6667 c + 0.3333\n"},
	} {
		code, stdout, stderr := freightsim(t, "run", "bilateral", "--set", c.truthful+"[0].strategy.kind=truthful", "--set", "training.episodes=20",
			"--set", "equilibrium.enabled=false", "--replicates", "1", "--no-plots", "--quiet", "--out", filepath.Join(t.TempDir(), "run"))
		if code != 0 || !strings.Contains(stdout, "learned, in money (the mean weights): ") || !strings.Contains(stdout, c.want) {
			t.Errorf("run bilateral with truthful %s: exit %d, stdout\n%s\nwant a learned line ending %q; stderr %s", c.truthful, code, stdout, c.want, stderr)
		}
	}
	code, stdout, _ := freightsim(t, "equilibrium", "bilateral")
	for _, want := range []string{"bid(v) = 0.6667 v + 0 against a seller who asks her cost", "ask(c) = 0.6667 c + 0.3333 against a buyer who bids her value"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("equilibrium bilateral: exit %d, want %q in\n%s", code, want, stdout)
		}
	}
}
