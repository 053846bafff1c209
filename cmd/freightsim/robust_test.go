package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/lock"
	"github.com/freightsim/freightsim/experiments/sweep"
)

// The tests of issue 14: each starts from a command that lost results,
// crashed or was fooled, and checks what it does now.

// for s in 1 2 3; do freightsim run --seed $s --replicates 2 --episodes 200 --quiet --no-plots & done
func TestConcurrentRunsWithTheDefaultOutGetADirectoryEach(t *testing.T) {
	t.Chdir(t.TempDir())
	var wg sync.WaitGroup
	codes := make([]int, 3)
	errs := make([]string, 3)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, errs[i] = freightsim(t, "run", "--seed", strconv.Itoa(i+1), "--replicates", "2", "--episodes", "20", "--quiet", "--no-plots")
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, c, errs[i])
		}
	}
	dirs, _ := filepath.Glob(filepath.Join("runs", "*"))
	if len(dirs) != 3 {
		t.Fatalf("3 runs started together wrote %d directories %v, want 3", len(dirs), dirs)
	}
	seeds := map[uint64]bool{}
	for _, d := range dirs {
		m, err := experiments.ReadManifest(d)
		if err != nil || !m.Complete || len(m.Completed) != 2 {
			t.Errorf("%s: manifest %+v, %v; want a complete run of 2 replicates", d, m, err)
		}
		seeds[m.Seed] = true
		if _, err := os.Stat(filepath.Join(d, lock.Name)); err == nil {
			t.Errorf("%s: the lock file is left behind", d)
		}
	}
	if len(seeds) != 3 {
		t.Errorf("the directories hold the runs of seeds %v, want 1, 2 and 3", seeds)
	}
}

// A second process writing a directory that a first one writes.
func TestASecondWriterIsRefused(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, stderr := freightsim(t, append(args("--out", run), "--replicates", "2")...); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	sw := filepath.Join(dir, "sweep")
	if code, _, stderr := freightsim(t, "sweep", tinySweep, "--out", sw, "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	journal := read(t, filepath.Join(sw, "journal.jsonl"))
	for _, c := range []struct {
		dir  string
		args []string
	}{
		{run, args("--out", run, "--replicates", "2", "--resume")},
		{run, args("--out", run, "--replicates", "2", "--force")},
		{sw, []string{"sweep", tinySweep, "--out", sw, "--quiet", "--resume"}},
		{sw, []string{"sweep", tinySweep, "--out", sw, "--quiet", "--force"}},
	} {
		held, err := lock.Acquire(c.dir) // as the other process holds it
		if err != nil {
			t.Fatal(err)
		}
		code, _, stderr := freightsim(t, c.args...)
		held.Release()
		if code != exitUsage || !strings.Contains(stderr, "is being written by another process (pid "+strconv.Itoa(os.Getpid())) {
			t.Errorf("%q while another process writes %s: exit %d, %q; want exit 2 naming the holder", c.args, c.dir, code, stderr)
		}
	}
	if string(journal) != string(read(t, filepath.Join(sw, "journal.jsonl"))) {
		t.Error("a refused sweep --resume changed the journal")
	}
	code, stdout, stderr := freightsim(t, "sweep", tinySweep, "--out", sw, "--quiet", "--resume")
	if m, err := sweep.ReadManifest(sw); code != 0 || err != nil || !m.Complete || !strings.Contains(stdout, "200 runs done (0 now, 200 before)") {
		t.Errorf("the sweep is not intact after the refusal: exit %d, %v\n%s%s", code, err, stdout, stderr)
	}
}

// freightsim run --out FILE
func TestOutNamingAFileIsAUsageError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{file, filepath.Join(file, "sub")} {
		for _, cmd := range [][]string{args("--out", out), {"sweep", tinySweep, "--out", out, "--quiet"}} {
			code, _, stderr := freightsim(t, cmd...)
			if code != exitUsage || !strings.Contains(stderr, "is not a directory") {
				t.Errorf("%q: exit %d, %q; want exit 2 saying the path is not a directory", cmd, code, stderr)
			}
		}
	}
	if string(read(t, file)) != "mine" {
		t.Error("the file named by --out was changed")
	}
}

// The commands of issue 14 that crashed, hung or ran something else than
// asked: each is now exit 2, with the flag or file named, and nothing written.
func TestCommandsOfValuesBeyondTheLimitsExitTwoAndWriteNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--set", "carriers[0].capacity=1000000000000000000", "--set", "evaluation.horizon=10"}, "--set carriers[0].capacity=1000000000000000000: carriers[0].capacity"},
		{[]string{"run", "--set", "jobs.arrivals.max=9223372036854775807"}, "jobs.arrivals.max"},
		{[]string{"run", "--set", "jobs.due.max=1000000000000000"}, "jobs.due.max"},
		{[]string{"run", "--set", "jobs.value={dist: lognormal, mu: 800, sigma: 1}"}, "jobs.value.mu"},
		{[]string{"run", "strategic-bidding-stochastic", "--set", "shippers[0].penalty=1e300"}, "shippers[0].penalty"},
		{[]string{"run", "--set", "carriers[0].cost_rate=5e-324"}, "carriers[0].cost_rate"},
		{[]string{"run", "--set", "shippers[0].strategy={policy: mlp, hidden: [1000000000]}"}, "hidden[0]"},
		{[]string{"run", "--replicates", "1000000000"}, "--replicates 1000000000: replicates"},
		{[]string{"run", "--episodes", "1000000000000"}, "--episodes 1000000000000: training.episodes"},
		{[]string{"run", "--set", "carriers[0].schedule.period=1e-300"}, "schedule.period"},
		{[]string{"run", "--set", "carriers[0].capacity=80.5"}, "80.5 is not a whole number"},
		{[]string{"run", "--set", "name=../../x"}, "name"},
		{[]string{"run", "--set", "carriers[0].strategy={kind: custom, name: mine}"}, "carriers[0].strategy.kind: custom"},
		{[]string{"run", empty}, "empty: want a scenario"},
	} {
		code, _, stderr := freightsim(t, append(c.args, "--quiet", "--no-plots")...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("%q: exit %d, %q; want exit 2 naming %q", c.args, code, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("refused commands wrote %v; want nothing besides empty.yaml", entries)
	}
}

// A sweep axis of whole numbers with a fraction in it ran 40 labelled 40.5.
func TestSweepAxisOfWholeNumbersRefusesAFraction(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ text, want string }{
		{"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    values: [40.5, 80]\n", "40.5 is not a whole number"},
		{"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    from: 10\n    to: 1000\n    steps: 1000000000\n", "steps: 1000000000 is too many"},
		{"base: smart-containers-2020\nreplicates: 1000000000\naxes:\n  - key: carriers[0].capacity\n    values: [40, 80]\n", "replicates: 1000000000 is too large"},
	} {
		code, _, stderr := freightsim(t, "sweep", writeSweepFile(t, dir, c.text), "--list")
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 saying %q", c.text, code, stderr, c.want)
		}
	}
}

// capacity: 0 (allowed) ran to its end and then failed writing theory.json (+Inf).
func TestZeroCapacityRunsToTheEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := freightsim(t, "run", "--set", "carriers[0].capacity=0", "--episodes", "5", "--out", out, "--quiet", "--no-plots")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	theory := string(read(t, filepath.Join(out, "theory.json")))
	if !strings.Contains(theory, `"demand_ratio": null`) || !strings.Contains(theory, "no capacity") {
		t.Errorf("theory.json of a market with no capacity: want demand_ratio null with a note, got\n%s", theory)
	}
	if m, err := experiments.ReadManifest(out); err != nil || !m.Complete {
		t.Errorf("manifest %+v, %v: want complete", m, err)
	}
}
