package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments/sweep"
)

// tinySweep is testdata/sweeps/tiny.yaml: 20 points, 200 runs of a few
// milliseconds; smallSweep is testdata/sweeps/small.yaml: 6 points, 18 runs.
var (
	tinySweep  = filepath.Join("..", "..", "testdata", "sweeps", "tiny.yaml")
	smallSweep = filepath.Join("..", "..", "testdata", "sweeps", "small.yaml")
)

func writeSweepFile(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinySweepWithoutPlots writes into dir the sweep of tinySweep with
// plots: false, for tests that read its journal or its lock, not its
// figures (drawing them is most of its cost).
func tinySweepWithoutPlots(t *testing.T, dir string) string {
	t.Helper()
	return writeSweepFile(t, dir, string(read(t, tinySweep))+"plots: false\n")
}

func TestSweepCommandRejectsABadSweepFile(t *testing.T) {
	dir := t.TempDir()
	file := writeSweepFile(t, dir, `base: smart-containers-2020
axes:
  - key: carriers[0].capacity
    values: [40, -5]
  - key: market.price
    values: [spread, auction]
desing: grid
`)
	out := filepath.Join(dir, "out")
	code, _, stderr := freightsim(t, "sweep", file, "--out", out)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	// Every problem at once, in file order.
	want := "freightsim: " + file + ":4: axes[0].values[1]: carriers[0].capacity: -5 is too small: want a whole number >= 0\n" +
		file + `:6: axes[1].values[1]: market.price: "auction" is not a price rule: want spread, k-double, pay-as-bid or k-double-uniform (clearing knapsack), or resting or midpoint (clearing cda)` + "\n" +
		file + `:7: desing: unknown key "desing"; did you mean "design"?` + "\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant\n%s", stderr, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a rejected sweep wrote %s", out)
	}
}

// TestSweepSet: --set overrides the base of a sweep and is kept in its
// effective base; a bad override is a usage error that writes nothing.
func TestSweepSet(t *testing.T) {
	dir := t.TempDir()
	file := writeSweepFile(t, dir, `base: smart-containers-2020
set:
  training.episodes: 20
  evaluation.every: 1000
axes:
  - key: carriers[0].capacity
    values: [40, 80]
plots: false
`)
	bad := filepath.Join(dir, "bad")
	code, _, stderr := freightsim(t, "sweep", file, "--out", bad, "--set", "carriers[0].capcity=3")
	if code != exitUsage || !strings.Contains(stderr, `--set carriers[0].capcity=3: carriers[0].capcity: unknown key "capcity"; did you mean "capacity"?`) {
		t.Errorf("a bad --set: exit %d, stderr %q; want %d and the key's problem", code, stderr, exitUsage)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("a rejected sweep wrote %s", bad)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := freightsim(t, "sweep", file, "--out", out, "--quiet", "--set", "training.episodes=5"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if base := readString(t, filepath.Join(out, "base.yaml")); !strings.Contains(base, "episodes: 5\n") {
		t.Errorf("base.yaml does not train the 5 episodes of --set:\n%s", base)
	}
}

func readString(t *testing.T, path string) string { return string(read(t, path)) }

func TestSweepCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s")
	code, stdout, stderr := freightsim(t, "sweep", smallSweep, "--out", out, "--workers", "2", "--quiet", "--format", "both")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("--quiet printed on stderr: %q", stderr)
	}
	for _, want := range []string{"18 runs done", "ship_share (95% CI)", "wrote " + out + ": runs.csv, runs.parquet, aggregate.csv, aggregate.parquet, points.parquet, plots"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"sweep.yaml", "base.yaml", "points.csv", "journal.jsonl", "manifest.json", "runs.csv", "aggregate.csv",
		"runs.parquet", "aggregate.parquet", "plots/sweep_ship_share_vs_capacity_by_alpha_mu.png", "plots/heatmap_ship_share_capacity_alpha_mu.svg", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the sweep did not write %s", f)
		}
	}
	m, err := sweep.ReadManifest(out)
	if err != nil || !m.Complete || m.RunsDone != 18 || m.RunsRun != 18 || m.Status != "complete" || m.Hash == "" || m.Machine.CPUs == 0 {
		t.Errorf("manifest: %+v, %v", m, err)
	}

	t.Run("again without --force", func(t *testing.T) {
		code, _, stderr := freightsim(t, "sweep", smallSweep, "--out", out, "--quiet")
		if code != exitUsage || !strings.Contains(stderr, "already holds a run") {
			t.Errorf("exit %d, %s; want 2 and a refusal", code, stderr)
		}
	})
	t.Run("--resume of a complete sweep", func(t *testing.T) {
		before := read(t, filepath.Join(out, "aggregate.csv"))
		code, stdout, stderr := freightsim(t, "sweep", smallSweep, "--out", out, "--quiet", "--resume")
		if code != 0 || !strings.Contains(stdout, "18 runs done (0 now, 18 before)") {
			t.Errorf("exit %d\n%s%s", code, stdout, stderr)
		}
		if !bytes.Equal(before, read(t, filepath.Join(out, "aggregate.csv"))) {
			t.Error("resuming a complete sweep changed aggregate.csv")
		}
	})
	t.Run("the runs are written by the effective sweep", func(t *testing.T) {
		again := filepath.Join(dir, "again")
		if code, _, stderr := freightsim(t, "sweep", filepath.Join(out, "sweep.yaml"), "--out", again, "--quiet"); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		for _, f := range []string{"runs.csv", "aggregate.csv", "sweep.yaml"} {
			if !bytes.Equal(read(t, filepath.Join(out, f)), read(t, filepath.Join(again, f))) {
				t.Errorf("%s differs between the sweep and the sweep of its sweep.yaml", f)
			}
		}
	})
}

func TestSweepListAndScenario(t *testing.T) {
	code, stdout, stderr := freightsim(t, "sweep", tinySweep, "--list")
	if code != 0 || !strings.Contains(stdout, "20 points x 10 replicates = 200 runs") || !strings.Contains(stdout, "\n19     ") {
		t.Errorf("--list: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = freightsim(t, "sweep", tinySweep, "--list", "--shard", "1/3")
	if code != 0 || !strings.Contains(stdout, "shard 1/3: 67 runs") {
		t.Errorf("--list --shard 1/3: exit %d\n%s", code, stdout)
	}

	// Point 4's scenario, run with freightsim run, gives the sweep's runs of point 4.
	code, stdout, stderr = freightsim(t, "sweep", smallSweep, "--scenario", "4")
	if code != 0 || !strings.Contains(stdout, "# point 4 of sweep small (capacity = 120, alpha_mu = 0.01)") {
		t.Fatalf("--scenario 4: exit %d\n%s%s", code, stdout, stderr)
	}
	dir := t.TempDir()
	p4 := filepath.Join(dir, "p4.yaml")
	os.WriteFile(p4, []byte(stdout), 0o644)
	if code, _, stderr := freightsim(t, "run", p4, "--out", filepath.Join(dir, "run"), "--quiet", "--no-plots"); code != 0 {
		t.Fatalf("freightsim run of point 4: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := freightsim(t, "sweep", smallSweep, "--out", filepath.Join(dir, "sweep"), "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	runs := strings.Split(readString(t, filepath.Join(dir, "sweep", "runs.csv")), "\n")
	evals := strings.Split(readString(t, filepath.Join(dir, "run", "evaluations.csv")), "\n")
	for r := range 3 {
		var sweepRow, runRow string
		for _, l := range runs {
			if strings.HasPrefix(l, "4,"+itoa(r)+",") {
				sweepRow = l
			}
		}
		for _, l := range evals {
			if strings.HasPrefix(l, itoa(r)+",10,") {
				runRow = l
			}
		}
		// runs.csv: point, replicate, capacity, alpha_mu, seed, status, error, metrics...;
		// evaluations.csv: replicate, episode, metrics...
		sweepMetrics := strings.SplitN(sweepRow, ",", 8)
		runMetrics := strings.SplitN(runRow, ",", 3)
		if len(sweepMetrics) < 8 || len(runMetrics) < 3 || runMetrics[2] != sweepMetrics[7] {
			t.Errorf("replicate %d:\nsweep %s\nrun   %s\nwant the same metrics", r, sweepRow, runRow)
		}
	}
	if code, _, stderr := freightsim(t, "sweep", smallSweep, "--scenario", "6"); code != exitUsage || !strings.Contains(stderr, "no point 6: the sweep has points 0..5") {
		t.Errorf("--scenario 6: exit %d, %s", code, stderr)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// slowSweepText is a sweep of 100 runs of about 5 ms of CPU, one after
// the other: long enough to be stopped or disturbed while it runs (the
// tests act after the first run or the ninth, and a process starts in a
// few milliseconds), and run three times by the tests: no longer.
const slowSweepText = `name: slow
base: smart-containers-2020
set:
  training.episodes: 200
  training.horizon: 20
  evaluation.horizon: 100
axes:
  - key: carriers[0].capacity
    values: [40, 60, 80, 100, 120]
replicates: 20
metrics: [ship_share, utilization]
plots: false
`

// slowSweepRun holds the sweep file of slowSweepText and its uninterrupted
// run, made once for the tests that compare a disturbed run with it
// (removed by TestMain).
var slowSweepRun struct {
	sync.Once
	dir, file, fresh string
	err              error
}

// slowSweep returns the file of slowSweepText and the directory of its
// uninterrupted run with one worker.
func slowSweep(t *testing.T) (file, fresh string) {
	t.Helper()
	s := &slowSweepRun
	s.Do(func() {
		if s.dir, s.err = os.MkdirTemp("", "freightsim-slow-sweep-"); s.err != nil {
			return
		}
		s.file, s.fresh = filepath.Join(s.dir, "slow.yaml"), filepath.Join(s.dir, "fresh")
		if s.err = os.WriteFile(s.file, []byte(slowSweepText), 0o644); s.err != nil {
			return
		}
		var stdout, stderr bytes.Buffer
		if code := execute(context.Background(), []string{"sweep", s.file, "--out", s.fresh, "--workers", "1", "--quiet"}, &stdout, &stderr); code != 0 {
			s.err = fmt.Errorf("uninterrupted sweep: exit %d\n%s", code, stderr.String())
		}
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.file, s.fresh
}

// TestSweepKillAndResume is the check 2: a sweep killed with
// SIGKILL and resumed gives the files of an uninterrupted sweep, row for
// row, each run in the journal once.
func TestSweepKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary: skipped with -short")
	}
	base := t.TempDir()
	bin := cliBinary(t, base)
	file, fresh := slowSweep(t)
	runSweep := func(out string, extra ...string) *exec.Cmd {
		return exec.Command(bin, append([]string{"sweep", file, "--out", out, "--workers", "1", "--quiet"}, extra...)...)
	}
	out := filepath.Join(base, "killed")
	cmd := runSweep(out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(out, "journal.jsonl")
	deadline := time.Now().Add(60 * time.Second)
	for journalLines(journal) < 10 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no 9 runs in %s after 60 s\n%s", journal, stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the sweep was not killed (%v): it finished before the signal? make it longer", err)
	}
	killedAt := journalLines(journal) - 1
	if killedAt >= 100 {
		t.Fatalf("all 100 runs were in the journal when the sweep was killed: make it longer")
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err == nil {
		t.Error("a killed sweep has runs.csv: results are written only when complete")
	}

	resumed, err := runSweep(out, "--resume").CombinedOutput()
	if err != nil {
		t.Fatalf("--resume: %v\n%s", err, resumed)
	}
	for _, f := range []string{"runs.csv", "aggregate.csv"} {
		a, b := read(t, filepath.Join(fresh, f)), read(t, filepath.Join(out, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s of the killed and resumed sweep differs from the uninterrupted one's", f)
		}
	}
	if n := journalLines(journal); n != 101 {
		t.Errorf("the journal has %d lines, want its header and the 100 runs, none lost or twice", n)
	}
	m, _ := sweep.ReadManifest(out)
	if m.RunsLoaded < killedAt || m.RunsLoaded+m.RunsRun != 100 {
		t.Errorf("manifest: %d runs loaded and %d run; want the %d (or more) kept and the rest", m.RunsLoaded, m.RunsRun, killedAt)
	}
}

// journalLines counts the complete lines of a journal.
func journalLines(path string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte("\n"))
}

// TestShardsAndMerge: shards run by --shard and by a Slurm array's
// environment, merged, are the sweep run at once; a merge with a shard
// missing writes nothing and exits 2.
func TestShardsAndMerge(t *testing.T) {
	dir := t.TempDir()
	local := filepath.Join(dir, "local")
	if code, _, stderr := freightsim(t, "sweep", smallSweep, "--out", local, "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s0, s1 := filepath.Join(dir, "s0"), filepath.Join(dir, "s1")
	code, stdout, stderr := freightsim(t, "sweep", smallSweep, "--out", s0, "--shard", "0/2", "--quiet")
	if code != 0 || !strings.Contains(stdout, "wrote shard 0/2 to "+s0+": freightsim merge") {
		t.Fatalf("shard 0/2: exit %d\n%s%s", code, stdout, stderr)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "2")
	code, _, stderr = freightsim(t, "sweep", smallSweep, "--out", s1)
	if code != 0 || !strings.Contains(stderr, "shard 1/2 (from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT): 9 of its 18 runs") {
		t.Fatalf("shard from the environment: exit %d\n%s", code, stderr)
	}

	lonely := filepath.Join(dir, "lonely")
	code, _, stderr = freightsim(t, "merge", lonely, s1)
	if code != exitUsage || !strings.Contains(stderr, "9 of the sweep's 18 runs are missing:\n  point 0, replicate 0 (of shard 0/2, which no directory given holds)") {
		t.Errorf("merge of one of two shards: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(lonely); err == nil {
		t.Error("a merge that failed its checks wrote its output directory")
	}

	merged := filepath.Join(dir, "merged")
	code, stdout, stderr = freightsim(t, "merge", merged, s1, s0, "--quiet")
	if code != 0 || !strings.Contains(stdout, "18 runs done") {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range []string{"runs.csv", "aggregate.csv", "points.csv", "plots/heatmap_ship_share_capacity_alpha_mu.csv"} {
		if !bytes.Equal(read(t, filepath.Join(local, f)), read(t, filepath.Join(merged, f))) {
			t.Errorf("%s of the merged shards differs from the sweep run at once", f)
		}
	}
	if code, _, stderr := freightsim(t, "merge", merged); code != exitUsage || !strings.Contains(stderr, "at least one shard directory") {
		t.Errorf("merge without shards: exit %d, %s", code, stderr)
	}
}

// More tasks than MaxArraySize are split into job arrays: submit.sh, run
// with a stand-in for sbatch, submits 150 tasks as arrays of 100 and 50,
// the second offset by 100, and a merge job after both.
func TestSlurmSplitsLargeArrays(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "freightsim-bin")
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	out := filepath.Join(dir, "job")
	code, stdout, stderr := freightsim(t, "slurm", tinySweep, "--out", out, "--binary", bin, "--tasks", "150", "--max-array-size", "100")
	if code != 0 || !strings.Contains(stdout, "in 2 job arrays (MaxArraySize 100) of 150 tasks") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if array := readString(t, filepath.Join(out, "slurm", "array.sbatch")); !strings.Contains(array, "#SBATCH --array=0-99\n") {
		t.Errorf("array.sbatch: want --array=0-99:\n%s", array)
	}
	fake := filepath.Join(dir, "bin")
	os.MkdirAll(fake, 0o755)
	log := filepath.Join(dir, "sbatch.log")
	os.WriteFile(filepath.Join(fake, "sbatch"), []byte("#!/bin/sh\nn=$(($(cat "+log+" 2>/dev/null | wc -l) + 1))\necho \"$*\" >> "+log+"\necho \"10$n;cluster\"\n"), 0o755)
	cmd := exec.Command("bash", filepath.Join(out, "slurm", "submit.sh"))
	cmd.Env = append(os.Environ(), "PATH="+fake+":"+os.Getenv("PATH"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("submit.sh: %v\n%s", err, b)
	}
	want := "--parsable --array=0-99 --export=ALL,FREIGHTSIM_TASK_OFFSET=0 " + out + "/slurm/array.sbatch\n" +
		"--parsable --array=0-49 --export=ALL,FREIGHTSIM_TASK_OFFSET=100 " + out + "/slurm/array.sbatch\n" +
		"--parsable --dependency=afterok:101:102 --kill-on-invalid-dep=yes " + out + "/slurm/merge.sbatch\n"
	if got := readString(t, log); got != want {
		t.Errorf("sbatch calls:\n%s\nwant\n%s", got, want)
	}
	if jobs := readString(t, filepath.Join(out, "slurm", "jobs")); jobs != "array_job=101\narray_jobs=\"101 102\"\nmerge_job=103\n" {
		t.Errorf("slurm/jobs:\n%s", jobs)
	}
}

func TestSlurmCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "freightsim-bin")
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	out := filepath.Join(dir, "job")
	code, stdout, stderr := freightsim(t, "slurm", tinySweep, "--out", out, "--binary", bin, "--points-per-task", "3",
		"--time", "00:10:00", "--partition", "debug", "--cpus-per-task", "2", "--sbatch", "--account=abc")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "a job array of 7 tasks, 28 to 29 runs each, 2 CPU(s) each") {
		t.Errorf("stdout:\n%s\nwant 7 tasks (20 points, 3 a task)", stdout)
	}
	array := readString(t, filepath.Join(out, "slurm", "array.sbatch"))
	for _, want := range []string{"#SBATCH --array=0-6\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --time=00:10:00\n", "#SBATCH --partition=debug\n",
		"#SBATCH --account=abc\n", "#SBATCH --output=" + out + "/slurm/logs/sweep-%A_%a.out\n",
		"exec " + bin + " sweep " + out + "/slurm/sweep.yaml --out \"" + out + "/shards/$(printf %04d \"$task\")\" --shard \"$task/7\"", "--resume --failed-ok",
		"task=$(( ${FREIGHTSIM_TASK_OFFSET:-0} + ${SLURM_ARRAY_TASK_ID:?"} {
		if !strings.Contains(array, want) {
			t.Errorf("array.sbatch lacks %q:\n%s", want, array)
		}
	}
	merge := readString(t, filepath.Join(out, "slurm", "merge.sbatch"))
	if !strings.Contains(merge, "exec "+bin+" merge "+out+"/results "+out+"/shards/[0-9]* --force --format csv") {
		t.Errorf("merge.sbatch:\n%s", merge)
	}
	submit := readString(t, filepath.Join(out, "slurm", "submit.sh"))
	for _, want := range []string{"--export=ALL,FREIGHTSIM_TASK_OFFSET=$offset " + out + "/slurm/array.sbatch", "--dependency=afterok:\"$after\" --kill-on-invalid-dep=yes " + out + "/slurm/merge.sbatch"} {
		if !strings.Contains(submit, want) {
			t.Errorf("submit.sh lacks %q:\n%s", want, submit)
		}
	}
	for _, f := range []string{"sweep.yaml", "base.yaml"} {
		if _, err := os.Stat(filepath.Join(out, "slurm", f)); err != nil {
			t.Errorf("no slurm/%s", f)
		}
	}

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"again without --force", []string{"--out", out, "--binary", bin}, "already holds a run"},
		{"more tasks than runs", []string{"--out", filepath.Join(dir, "c"), "--binary", bin, "--tasks", "201"}, "201 tasks for 200 runs"},
		{"both ways of sizing tasks", []string{"--out", filepath.Join(dir, "d"), "--binary", bin, "--tasks", "2", "--points-per-task", "2"}, "not both"},
		{"a bad time", []string{"--out", filepath.Join(dir, "e"), "--binary", bin, "--time", "ten minutes"}, "want a Slurm time limit"},
		{"no --out", []string{"--binary", bin}, "--out DIR is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := freightsim(t, append([]string{"slurm", tinySweep}, c.args...)...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}
}

// A sweep warns, before it runs, about points whose scenario has warnings
// (scenario.Config.Warnings): one line a field, naming the first point and
// how many others; --list runs nothing and exits 0.
func TestSweepWarnsOnce(t *testing.T) {
	dir := t.TempDir()
	file := writeSweepFile(t, dir, "name: cents\nbase: bilateral\nreplicates: 1\nset:\n  training.episodes: 5\naxes:\n  - key: jobs.value.max\n    values: [1, 100, 1000]\n")
	code, _, stderr := freightsim(t, "sweep", file, "--list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := []string{
		"freightsim: warning: " + file + " (point 1 and 1 other): shippers[0].strategy.sigma: 0.2 is 0.2 % of the market's price scale, 100",
		"freightsim: warning: " + file + " (point 1 and 1 other): carriers[0].strategy.sigma: 0.2 is 0.2 % of the market's price scale, 100",
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != len(want) {
		t.Fatalf("stderr:\n%s\nwant %d lines", stderr, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n%s\nwant it to start with\n%s", i, lines[i], w)
		}
	}
}
