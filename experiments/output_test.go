package experiments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// TestRunWithDoneReplicatesIsTheSame: replicates kept on disk and read back
// give the same tables as running them, and are not run again.
func TestRunWithDoneReplicatesIsTheSame(t *testing.T) {
	sc := short(4)
	dir := t.TempDir()
	full, err := Run(context.Background(), sc, Options{Trades: true, OnReplicate: func(rep *ReplicateResult) error {
		if rep.Index%2 == 0 {
			return WriteReplicate(dir, rep)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	done, err := LoadReplicates(dir, sc, true)
	if err != nil {
		t.Fatal(err)
	}
	if done[0] == nil || done[1] != nil || done[2] == nil || done[3] != nil {
		t.Fatalf("LoadReplicates found %v, want replicates 0 and 2", done)
	}
	var ran atomic.Int32
	res, err := Run(context.Background(), sc, Options{Trades: true, Done: done, OnReplicate: func(rep *ReplicateResult) error {
		ran.Add(1)
		if rep.Index%2 == 0 {
			t.Errorf("replicate %d ran again though it was done", rep.Index)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if ran.Load() != 2 || !slices.Equal(res.Loaded, []bool{true, false, true, false}) || !res.Complete() {
		t.Errorf("ran %d replicates, loaded %v, complete %v: want 2 run, 0 and 2 loaded, complete", ran.Load(), res.Loaded, res.Complete())
	}
	for name, pair := range map[string][2]*results.Table{
		"evaluations": {full.Evaluations, res.Evaluations},
		"episodes":    {full.Episodes, res.Episodes},
		"trades":      {full.Trades, res.Trades},
	} {
		var a, b bytes.Buffer
		if err := pair[0].WriteCSV(&a); err != nil {
			t.Fatal(err)
		}
		if err := pair[1].WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s: the run with replicates read from disk differs from the run that ran them all", name)
		}
	}
}

func TestRunRejectsDoneOfAnotherRun(t *testing.T) {
	sc := short(2)
	dir := t.TempDir()
	if _, err := Run(context.Background(), sc, Options{OnReplicate: func(rep *ReplicateResult) error { return WriteReplicate(dir, rep) }}); err != nil {
		t.Fatal(err)
	}
	other := sc
	other.Seed = 9
	if _, err := LoadReplicates(dir, other, false); !errors.Is(err, ErrResumeMismatch) || !strings.Contains(err.Error(), "seeded with") {
		t.Errorf("loading replicates of seed 1 for seed 9: %v, want a mismatch naming the seed", err)
	}
	if _, err := LoadReplicates(dir, sc, true); !errors.Is(err, ErrResumeMismatch) || !strings.Contains(err.Error(), "does not record trades") {
		t.Errorf("loading replicates without trades for a run with trades: %v", err)
	}
	done, err := LoadReplicates(dir, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	done[1].Index = 0
	if _, err := Run(context.Background(), sc, Options{Done: done}); err == nil || !strings.Contains(err.Error(), "replicate 1, given as done") {
		t.Errorf("Run with a replicate given at the wrong index: %v", err)
	}
}

func TestOnReplicateErrorStopsTheRun(t *testing.T) {
	sc := short(6)
	boom := errors.New("disk full")
	res, err := Run(context.Background(), sc, Options{Workers: 1, OnReplicate: func(rep *ReplicateResult) error {
		if rep.Index == 1 {
			return boom
		}
		return nil
	}})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "replicate 1 finished but could not be kept") {
		t.Fatalf("error %v, want the failure to keep replicate 1", err)
	}
	if res.Done[1] || !res.Done[0] || res.Done[5] {
		t.Errorf("done %v: want replicate 0 only, the run stopped after 1 failed", res.Done)
	}
}

func TestResumeChecksTheDirectory(t *testing.T) {
	sc := short(2)
	dir := t.TempDir()
	if done, err := Resume(filepath.Join(dir, "none"), sc, false); done != nil || err != nil {
		t.Errorf("Resume of a missing directory: %v, %v; want nothing to resume", done, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "other.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, sc, false); !errors.Is(err, ErrResumeMismatch) || !strings.Contains(err.Error(), "no config.yaml") {
		t.Errorf("Resume of a directory that is no run: %v", err)
	}
	if err := WriteConfig(dir, sc); err != nil {
		t.Fatal(err)
	}
	changed := sc
	changed.Carriers = slices.Clone(sc.Carriers)
	changed.Carriers[0].Capacity = 60
	if _, err := Resume(dir, changed, false); !errors.Is(err, ErrResumeMismatch) || !strings.Contains(err.Error(), "carriers[0].capacity: 80 -> 60") {
		t.Errorf("Resume with another capacity: %v", err)
	}
	m := NewManifest(sc, []string{"freightsim", "run"}, 0, time.Now())
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if done, err := Resume(dir, sc, false); err != nil || len(done) != 2 || done[0] != nil {
		t.Errorf("Resume of a run that kept nothing: %v, %v; want two replicates to run", done, err)
	}
	m.Complete = true
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, sc, false); !errors.Is(err, ErrRunComplete) {
		t.Errorf("Resume of a complete run: %v, want ErrRunComplete", err)
	}
}

func TestManifestFinish(t *testing.T) {
	sc := short(2)
	res := &Result{Scenario: sc, Done: []bool{true, false}, Loaded: []bool{true, false}, Wall: time.Second, Events: 10, EpisodesRun: 4}
	cases := []struct {
		err      error
		status   string
		complete bool
	}{
		{fmt.Errorf("run stopped: %w", context.Canceled), StatusInterrupted, false},
		{errors.New("replicate 1: boom"), StatusFailed, false},
	}
	for _, c := range cases {
		m := NewManifest(sc, []string{"freightsim"}, 0, time.Now())
		if w := min(runtime.GOMAXPROCS(0), 2); m.Status != StatusRunning || len(m.ReplicateSeeds) != 2 || m.Workers != w {
			t.Errorf("a new manifest: status %s, seeds %v, workers %d; want running, 2 seeds, %d (the CPUs, at most the replicates)", m.Status, m.ReplicateSeeds, m.Workers, w)
		}
		m.Finish(res, c.err)
		if m.Status != c.status || m.Complete != c.complete || !slices.Equal(m.Completed, []int{0}) || !slices.Equal(m.Loaded, []int{0}) || m.EventsPerSec != 10 || m.Error == "" {
			t.Errorf("after %v: %+v", c.err, m)
		}
	}
	res.Done[1] = true
	m := NewManifest(sc, []string{"freightsim"}, 2, time.Now())
	m.Resume = "freightsim run --resume"
	m.Finish(res, nil)
	if m.Status != StatusComplete || !m.Complete || m.Resume != "" || m.End.IsZero() {
		t.Errorf("a complete run's manifest: %+v", m)
	}
}

// TestPrepareDirAndWriteRun: a run never overwrites another unless told to,
// and then removes only what the earlier run wrote.
func TestPrepareDirAndWriteRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := PrepareDir(dir, false); err != nil {
		t.Fatal(err)
	}
	sc := short(1)
	res, err := Run(context.Background(), sc, Options{Trades: true})
	if err != nil {
		t.Fatal(err)
	}
	m := NewManifest(sc, nil, 0, time.Now())
	m.Finish(res, nil)
	if err := WriteRun(dir, res, m, Formats{CSV: true, Parquet: true}); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "mine.txt")
	if err := os.WriteFile(mine, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDir(dir, false); !errors.Is(err, ErrRunExists) {
		t.Errorf("PrepareDir of a run directory: %v, want ErrRunExists", err)
	}
	if err := PrepareDir(dir, true); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != "mine.txt" {
		t.Errorf("after PrepareDir with overwrite: %v left, want only mine.txt", left)
	}
	// Writing CSV only over a run of both formats leaves no stale Parquet.
	res.Trades = nil
	if err := WriteRun(dir, res, m, Formats{Parquet: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteRun(dir, res, m, Formats{CSV: true}); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"config.yaml", "episodes.csv", "evaluations.csv", "manifest.json", "mine.txt", "summary.json", "theory.json"}
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
}

func TestParseFormats(t *testing.T) {
	for in, want := range map[string]Formats{"csv": {CSV: true}, "parquet": {Parquet: true}, "both": {CSV: true, Parquet: true}} {
		if got, err := ParseFormats(in); err != nil || got != want {
			t.Errorf("ParseFormats(%q) = %+v, %v", in, got, err)
		}
	}
	if _, err := ParseFormats("xlsx"); err == nil || !strings.Contains(err.Error(), "want csv, parquet or both") {
		t.Errorf("ParseFormats(xlsx): %v", err)
	}
}

// TestNetworkTablesCountInIntegers: a network run's lanes and corridors
// tables hold their counts (trips, jobs, volume) as integers, in the CSV
// file ("586", not "586.0") and in the Parquet file (INT64), and the two
// files hold the same rows.
func TestNetworkTablesCountInIntegers(t *testing.T) {
	sc, err := scenario.Resolve("corridor")
	if err != nil {
		t.Fatal(err)
	}
	sc.Replicates, sc.Training.Episodes, sc.Evaluation.Every = 1, 2, 2
	res, err := Run(context.Background(), sc, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteRun(dir, res, NewManifest(sc, nil, 0, time.Now()), Formats{CSV: true, Parquet: true}); err != nil {
		t.Fatal(err)
	}
	for name, counts := range map[string][]string{
		"lanes":     {"loaded_trips", "empty_trips", "jobs", "volume"},
		"corridors": {"head_volume", "back_volume"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		header := strings.Split(lines[0], ",")
		for _, line := range lines[1:] {
			for i, f := range strings.Split(line, ",") {
				if slices.Contains(counts, header[i]) && strings.ContainsAny(f, ".e") {
					t.Errorf("%s.csv, column %s: %q, want an integer", name, header[i], f)
				}
			}
		}
		csv, err := readCSV(filepath.Join(dir, name+".csv"), 4)
		if err != nil {
			t.Fatal(err)
		}
		pq, err := results.ReadParquetFile(filepath.Join(dir, name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pq.Counts, counts) || len(pq.Rows) != len(csv.Rows) || len(pq.Rows) == 0 {
			t.Fatalf("%s.parquet: counts %v (INT64 columns), %d rows; want %v, the CSV's %d rows", name, pq.Counts, len(pq.Rows), counts, len(csv.Rows))
		}
		for i, r := range csv.Rows {
			if g := pq.Rows[i]; !slices.Equal(g.Keys, r.Keys) || !slices.EqualFunc(g.Values, r.Values, func(a, b float64) bool { return a == b || a != a && b != b }) {
				t.Errorf("%s, row %d: %v %v in the Parquet file, %v %v in the CSV", name, i, g.Keys, g.Values, r.Keys, r.Values)
			}
		}
	}
}

// A replicate kept by a version of freightsim whose evaluations.csv had
// other columns (here: before the convergence columns, which a stop rule
// adds) cannot be finished by this one: resuming refuses, naming the
// columns, rather than mixing the two.
func TestResumeRefusesReplicatesWithOtherColumns(t *testing.T) {
	sc := short(2)
	dir := t.TempDir()
	if _, err := Run(context.Background(), sc, Options{OnReplicate: func(rep *ReplicateResult) error { return WriteReplicate(dir, rep) }}); err != nil {
		t.Fatal(err)
	}
	now := sc
	now.Training.Stop.Movement, now.Training.Stop.Evaluations = 0.1, 1
	_, err := LoadReplicates(dir, now, false)
	if !errors.Is(err, ErrResumeMismatch) || !strings.Contains(err.Error(), "lacks the columns movement, movement_carrier") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("resuming replicates without the movement columns: %v, want a refusal naming them", err)
	}
}
