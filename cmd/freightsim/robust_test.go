package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
	tinySweep := tinySweepWithoutPlots(t, dir)
	run := filepath.Join(dir, "run")
	// Its figures play no part here: --no-plots.
	if code, _, stderr := freightsim(t, append(args("--out", run), "--replicates", "2", "--no-plots")...); code != 0 {
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
		{filepath.Join(dir, "merged"), []string{"merge", filepath.Join(dir, "merged"), sw, "--quiet"}},
		{filepath.Join(dir, "curve"), []string{"curve", "capacity-driven", "--ratios", "0.5,2", "--replicates", "1", "--episodes", "2", "--out", filepath.Join(dir, "curve"), "--quiet"}},
	} {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			t.Fatal(err)
		}
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
		{[]string{"run", "bilateral", "--set", "demand_ratio=2"}, "--set demand_ratio=2: demand_ratio: 2 cannot be reached"},
		{[]string{"run", "--set", "carriers[0].strategy={kind: custom, name: mine}"}, "carriers[0].strategy.kind: custom"},
		{[]string{"run", empty}, "empty: want a scenario"},
	} {
		code, _, stderr := freightsim(t, append(c.args, "--quiet", "--no-plots")...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("%q: exit %d, %q; want exit 2 naming %q", c.args, code, stderr, c.want)
		}
	}
	code, _, stderr := freightsim(t, "validate", "smart-containers-2020", "--set", "carriers[0].strategy={kind: custom, name: mine}")
	if code != exitUsage || !strings.Contains(stderr, "carriers[0].strategy.kind: custom") {
		t.Errorf("validate of a scenario that run refuses (kind custom): exit %d, %q; want exit 2", code, stderr)
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
		{"base: bilateral\naxes:\n  - key: demand_ratio\n    values: [1, 2]\n", "axes[0].values[1]: demand_ratio: 2 cannot be reached"},
		{"base: smart-containers-2020\nreplicates: 1000000000\naxes:\n  - key: carriers[0].capacity\n    values: [40, 80]\n", "replicates: 1000000000 is too large"},
		{"base: smart-containers-2020\nset:\n  carriers[0].strategy: {kind: custom, name: x}\naxes:\n  - key: carriers[0].capacity\n    values: [40, 80]\n", "carriers[0].strategy.kind: custom"},
		// custom at some points only: the first such point is named.
		{"base: smart-containers-2020\naxes:\n  - key: carriers[0].strategy\n    values: [{kind: truthful}, {kind: custom, name: x}]\n", "(point 1): carriers[0].strategy.kind: custom"},
	} {
		code, _, stderr := freightsim(t, "sweep", writeSweepFile(t, dir, c.text), "--list")
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 saying %q", c.text, code, stderr, c.want)
		}
	}
}

// capacity: 0 (allowed) ran to its end and then failed writing theory.json
// (+Inf); so did a corridor with a cost rate or a lane distance of 0, and
// a network with a cost rate of 0 (NaN) (the boundary sweep).
func TestZeroCapacityRunsToTheEnd(t *testing.T) {
	for _, c := range [][]string{{"corridor", "carriers[0].cost_rate=0"}, {"corridor", "network.lanes[0].distance=0"}, {"network", "carriers[0].cost_rate=0"}} {
		out := filepath.Join(t.TempDir(), "run")
		if code, _, stderr := freightsim(t, "run", c[0], "--set", c[1], "--episodes", "3", "--out", out, "--quiet", "--no-plots"); code != 0 {
			t.Errorf("%s --set %s: exit %d\n%s", c[0], c[1], code, stderr)
		} else if theory := string(read(t, filepath.Join(out, "theory.json"))); !strings.Contains(theory, "null stands for an infinite value") {
			t.Errorf("%s --set %s: theory.json has no note on its infinite values:\n%s", c[0], c[1], theory)
		}
	}
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := freightsim(t, "run", "--set", "carriers[0].capacity=0", "--episodes", "5", "--out", out, "--quiet", "--no-plots")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	theory := string(read(t, filepath.Join(out, "theory.json")))
	if !strings.Contains(theory, `"demand_ratio": null`) || !strings.Contains(theory, "null stands for an infinite value") {
		t.Errorf("theory.json of a market with no capacity: want demand_ratio null with a note, got\n%s", theory)
	}
	if m, err := experiments.ReadManifest(out); err != nil || !m.Complete {
		t.Errorf("manifest %+v, %v: want complete", m, err)
	}
}

// A journal line changed after it was written (a value, or a seed with a
// CRC to match) was copied into runs.csv: now resume and merge refuse it.
func TestResumeRefusesAChangedJournalLine(t *testing.T) {
	dir := t.TempDir()
	tinySweep := tinySweepWithoutPlots(t, dir)
	sw := filepath.Join(dir, "s")
	if code, _, stderr := freightsim(t, "sweep", tinySweep, "--out", sw, "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	path := filepath.Join(sw, "journal.jsonl")
	orig := read(t, path)
	lines := strings.SplitAfter(string(orig), "\n")
	crc := func(body string) string {
		return fmt.Sprintf(`%s,"crc":"%08x"}`, body[:len(body)-1], crc32.Checksum([]byte(body), crc32.MakeTable(crc32.Castagnoli)))
	}
	withoutCRC := func(l string) string { // the line as it was checksummed
		l = strings.TrimSuffix(l, "\n")
		return l[:strings.LastIndex(l, `,"crc":`)] + "}"
	}
	body := withoutCRC(lines[1])
	seedRE := regexp.MustCompile(`"seed":"(\d+)"`)
	for _, c := range []struct {
		name, line, want string
	}{
		{"a value changed", strings.Replace(lines[1], `"values":[`, `"values":[1`, 1), "changed after it was written"},
		{"no crc", body + "\n", "no crc"},
		{"another seed, with a matching crc", crc(seedRE.ReplaceAllString(body, `"seed":"12345"`)) + "\n", "has seed 12345, not "},
	} {
		changed := append(slices.Clone(lines[:1]), c.line)
		changed = append(changed, lines[2:]...)
		if err := os.WriteFile(path, []byte(strings.Join(changed, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := freightsim(t, "sweep", tinySweep, "--out", sw, "--quiet", "--resume")
		if code == 0 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "line 2") {
			t.Errorf("%s: --resume exit %d, %q; want a refusal naming line 2 and saying %q", c.name, code, stderr, c.want)
		}
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := freightsim(t, "sweep", tinySweep, "--out", sw, "--quiet", "--resume"); code != 0 {
		t.Errorf("the journal as written: --resume exit %d\n%s", code, stderr)
	}
}

// merge accepted shards built by different revisions of the code.
func TestMergeRefusesShardsOfTwoRevisions(t *testing.T) {
	dir := t.TempDir()
	var shards []string
	for i, rev := range []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"} {
		s := filepath.Join(dir, "s"+strconv.Itoa(i))
		if code, _, stderr := freightsim(t, "sweep", tinySweep, "--out", s, "--shard", strconv.Itoa(i)+"/2", "--quiet"); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, stderr)
		}
		path := filepath.Join(s, "manifest.json")
		var m map[string]any
		if err := json.Unmarshal(read(t, path), &m); err != nil {
			t.Fatal(err)
		}
		m["vcs_revision"], m["vcs_modified"] = rev, false
		b, _ := json.Marshal(m)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	code, _, stderr := freightsim(t, append([]string{"merge", merged}, shards...)...)
	if code != exitUsage || !strings.Contains(stderr, "revision aaaaaaaa") || !strings.Contains(stderr, "revision bbbbbbbb") {
		t.Errorf("merge of shards of two revisions: exit %d, %q; want exit 2 naming both revisions", code, stderr)
	}
	if _, err := os.Stat(merged); err == nil {
		t.Error("a refused merge wrote its output directory")
	}
}

// A kept replicate's table cut mid-number was read back as data: --resume
// exited 0 with a wrong summary.json. Now the replicate runs again.
func TestResumeRunsAgainAReplicateWhoseTableWasCut(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "fresh")
	if code, _, stderr := freightsim(t, args("--out", fresh, "--no-plots")...); code != 0 { // compared by its tables: no figures
		t.Fatalf("uninterrupted run: exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(base, "cut")
	interruptedRun(t, dir, false, 0, 2)
	path := filepath.Join(dir, "replicates", "0002", "evaluations.csv")
	b := read(t, path)
	if err := os.WriteFile(path, b[:len(b)-5], 0o644); err != nil { // mid-number, no final newline
		t.Fatal(err)
	}
	// A temporary file left by a writer killed before its rename.
	tmp := filepath.Join(dir, ".summary.json.123456")
	if err := os.WriteFile(tmp, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := freightsim(t, args("--out", dir, "--resume")...)
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"summary.json", "evaluations.csv", "episodes.csv"} {
		if !bytes.Equal(read(t, filepath.Join(dir, f)), read(t, filepath.Join(fresh, f))) {
			t.Errorf("%s of the resumed run differs from the uninterrupted run's: the cut table was read as data", f)
		}
	}
	if m := manifestOf(t, dir); !slices.Equal(m.Loaded, []int{0}) {
		t.Errorf("loaded replicates %v: want only 0 (2's table was cut, so it runs again)", m.Loaded)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Error("the temporary file of a killed writer survived the resume")
	}
}

// A run killed while it drew its figures left a manifest saying complete.
func TestManifestSaysCompleteOnlyAfterTheFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := freightsim(t, "run", "--episodes", "5", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	m := manifestOf(t, dir)
	figures := 0
	for _, f := range m.Files {
		if strings.HasPrefix(f, "plots/") {
			figures++
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("the manifest lists %s, which is not there", f)
			}
		}
	}
	if !m.Complete || figures == 0 {
		t.Errorf("manifest: complete %v with %d figures listed; want complete, listing the figures it was written after", m.Complete, figures)
	}
}

// `sweep --resume` started while the sweep still ran damaged its journal
// for good. Now it is refused, and the sweep completes intact.
func TestConcurrentSweepResumeIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary: skipped with -short")
	}
	base := t.TempDir()
	bin := cliBinary(t, base)
	file, fresh := slowSweep(t) // 100 runs of about 5 ms: half a second or more
	sweepCmd := func(out string, extra ...string) *exec.Cmd {
		return exec.Command(bin, append([]string{"sweep", file, "--out", out, "--workers", "1", "--quiet"}, extra...)...)
	}
	out := filepath.Join(base, "busy")
	first := sweepCmd(out)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); journalLines(filepath.Join(out, "journal.jsonl")) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatal("the sweep wrote no run in 60 s")
		}
	}
	second := sweepCmd(out, "--resume")
	msg, err := second.CombinedOutput()
	var ee *exec.ExitError
	firstErr := first.Wait()
	if m, _ := sweep.ReadManifest(out); err == nil && m.Complete && journalLines(filepath.Join(out, "journal.jsonl")) == 101 {
		t.Skip("the sweep finished before the second could start: nothing to refuse")
	}
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(string(msg), "is being written by another process (pid "+strconv.Itoa(first.Process.Pid)) {
		t.Errorf("sweep --resume while the sweep runs: %v, %s; want exit 2 naming the first's pid %d", err, msg, first.Process.Pid)
	}
	if firstErr != nil {
		t.Fatalf("the first sweep: %v", firstErr)
	}
	for _, f := range []string{"runs.csv", "aggregate.csv"} {
		if !bytes.Equal(read(t, filepath.Join(fresh, f)), read(t, filepath.Join(out, f))) {
			t.Errorf("%s of the sweep that a second writer tried to resume differs from the sweep alone's", f)
		}
	}
	if n := journalLines(filepath.Join(out, "journal.jsonl")); n != 101 {
		t.Errorf("the journal has %d lines, want the header and 100 runs", n)
	}
}
