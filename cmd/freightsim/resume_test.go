package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// small is the command line of a run small enough for tests.
var small = []string{"run", "smart-containers-2020", "--episodes", "30", "--replicates", "3", "--quiet"}

func args(extra ...string) []string { return append(slices.Clone(small), extra...) }

// interruptedRun leaves in dir what a run of small interrupted after
// replicates kept (and no other) finished looks like, built with the same
// functions the run command calls.
func interruptedRun(t *testing.T, dir string, trades bool, kept ...int) {
	t.Helper()
	sc, err := scenario.Resolve("smart-containers-2020")
	if err != nil {
		t.Fatal(err)
	}
	sc.SetEpisodes(30, false) // as run --episodes 30 does
	sc.Replicates = 3
	if err := experiments.PrepareDir(dir, false); err != nil {
		t.Fatal(err)
	}
	if err := experiments.WriteConfig(dir, sc); err != nil {
		t.Fatal(err)
	}
	m := experiments.NewManifest(sc, append([]string{"freightsim"}, small...), 0, time.Now())
	if err := experiments.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	_, err = experiments.Run(context.Background(), sc, experiments.Options{Trades: trades,
		OnReplicate: func(rep *experiments.ReplicateResult) error {
			if slices.Contains(kept, rep.Index) {
				return experiments.WriteReplicate(dir, rep)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot is every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func manifestOf(t *testing.T, dir string) experiments.Manifest {
	t.Helper()
	m, err := experiments.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResumeFinishesAnInterruptedRun(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "fresh")
	if code, _, stderr := freightsim(t, args("--out", fresh, "--no-plots")...); code != 0 { // compared by its tables: no figures
		t.Fatalf("uninterrupted run: exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(base, "interrupted")
	interruptedRun(t, dir, false, 0, 2)

	// Nothing that does not match the interrupted run may touch it.
	before := snapshot(t, dir)
	mismatches := []struct {
		name string
		args []string
		want string
	}{
		{"without --resume", args("--out", dir), "add --resume to finish it"},
		{"another seed", args("--out", dir, "--resume", "--seed", "2"), "seed: 1 -> 2"},
		{"other episodes", args("--out", dir, "--resume", "--episodes", "31"), "training.episodes: 30 -> 31"},
		{"other replicates", args("--out", dir, "--resume", "--replicates", "4"), "replicates: 3 -> 4"},
		{"an override", args("--out", dir, "--resume", "--set", "carriers[0].capacity=60"), "carriers[0].capacity: 80 -> 60"},
		{"another scenario", append([]string{"run", "smart-containers-corrected", "--episodes", "30", "--replicates", "3", "--quiet"}, "--out", dir, "--resume"), "p2_compat: true -> false"},
		{"trades asked now", args("--out", dir, "--resume", "--trades"), "does not record trades: resume it without --trades"},
		{"resume and force", args("--out", dir, "--resume", "--force"), "give one of them"},
	}
	for _, c := range mismatches {
		code, _, stderr := freightsim(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr\n%s\nwant exit 2 and %q", c.name, code, stderr, c.want)
		}
	}
	if after := snapshot(t, dir); !equalMaps(before, after) {
		t.Fatal("a refused resume changed the run directory")
	}

	code, _, stderr := freightsim(t, args("--out", dir, "--resume")...)
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"summary.json", "evaluations.csv", "episodes.csv"} {
		if !bytes.Equal(read(t, filepath.Join(dir, f)), read(t, filepath.Join(fresh, f))) {
			t.Errorf("%s of the resumed run differs from the uninterrupted run's", f)
		}
	}
	m := manifestOf(t, dir)
	if !m.Complete || m.Status != "complete" || !slices.Equal(m.Completed, []int{0, 1, 2}) || !slices.Equal(m.Loaded, []int{0, 2}) || m.Resume != "" {
		t.Errorf("manifest after resuming: complete %v, status %s, completed %v, loaded %v, resume %q; want complete, all three, 0 and 2 loaded",
			m.Complete, m.Status, m.Completed, m.Loaded, m.Resume)
	}
	if _, err := os.Stat(filepath.Join(dir, "replicates")); err == nil {
		t.Error("the complete run still keeps replicates/")
	}
	code, _, stderr = freightsim(t, args("--out", dir, "--resume")...)
	if code != 0 || !strings.Contains(stderr, "already holds the complete run") {
		t.Errorf("resuming a complete run: exit %d, %q; want 0 and nothing to do", code, stderr)
	}
}

// TestResumeReadsFinishedReplicatesFromDisk: a kept replicate is read back,
// not run again (a value changed on disk shows up in the results).
func TestResumeReadsFinishedReplicatesFromDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	interruptedRun(t, dir, true, 1)
	path := filepath.Join(dir, "replicates", "0001", "evaluations.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := results.ReadCSV(f, 2)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i := range tab.Rows {
		tab.Rows[i].Values[0] = 12345
	}
	if err := results.WriteCSVFile(path, tab); err != nil {
		t.Fatal(err)
	}
	// The changed table's checksum, as if the run had written it so.
	meta := filepath.Join(dir, "replicates", "0001", "replicate.json")
	var rf map[string]any
	if err := json.Unmarshal(read(t, meta), &rf); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(read(t, path))
	rf["sha256"].(map[string]any)["evaluations.csv"] = hex.EncodeToString(sum[:])
	b, _ := json.Marshal(rf)
	if err := os.WriteFile(meta, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := freightsim(t, args("--out", dir, "--resume", "--trades", "--no-plots")...); code != 0 {
		t.Fatalf("--resume --trades: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(string(read(t, filepath.Join(dir, "evaluations.csv"))), "\n1,30,12345.0,") {
		t.Error("the resumed run did not take replicate 1 from disk: its changed value is not in evaluations.csv")
	}
	if len(read(t, filepath.Join(dir, "trades.csv"))) < 1000 {
		t.Error("the resumed run has no trades")
	}
}

func TestResumeOfNothingStartsTheRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	if code, _, stderr := freightsim(t, args("--out", dir, "--resume")...); code != 0 {
		t.Fatalf("--resume into a new directory: exit %d\n%s", code, stderr)
	}
	if m := manifestOf(t, dir); !m.Complete || len(m.Loaded) != 0 {
		t.Errorf("manifest %+v: want a complete run with nothing loaded", m)
	}
}

// TestFormatsAndForce: Parquet tables hold what the CSV ones do; --force
// replaces a run's own files and nothing else. One replicate: its about
// 46,000 trades still take 12 batches of 4096 rows to write and 45 reads
// of 1024 to read back, as the 137,000 of three replicates did 34 and 134.
func TestFormatsAndForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := freightsim(t, args("--out", dir, "--trades", "--format", "both", "--no-plots", "--replicates", "1")...); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, name := range []string{"evaluations", "episodes", "trades"} {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		nkeys := 2
		if name == "trades" {
			nkeys = 6
		}
		csv, err := results.ReadCSV(f, nkeys)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		pq, err := results.ReadParquetFile(filepath.Join(dir, name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		if err := csv.WriteCSV(&a); err != nil {
			t.Fatal(err)
		}
		if err := pq.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		if len(csv.Rows) == 0 || a.String() != b.String() {
			t.Errorf("%s.parquet (%d rows) does not hold what %s.csv (%d rows) does", name, len(pq.Rows), name, len(csv.Rows))
		}
	}
	var m struct{ Files []string }
	if err := json.Unmarshal(read(t, filepath.Join(dir, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(m.Files, "trades.parquet") || !slices.Contains(m.Files, "summary.json") {
		t.Errorf("manifest files %v: want every file written", m.Files)
	}

	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := freightsim(t, args("--out", dir, "--force", "--format", "parquet", "--no-plots")...); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	for _, gone := range []string{"trades.csv", "trades.parquet", "evaluations.csv", "episodes.csv"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); err == nil {
			t.Errorf("%s of the replaced run is still there", gone)
		}
	}
	for _, kept := range []string{"notes.txt", "evaluations.parquet", "episodes.parquet", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, kept)); err != nil {
			t.Errorf("after --force: %v", err)
		}
	}
}

func TestRunWithOverrides(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := freightsim(t, args("--out", dir, "--set", "carriers[0].capacity=60", "--set", "jobs.volume={min: 1, max: 5}", "--no-plots")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	sc, err := scenario.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Carriers[0].Capacity != 60 || sc.Jobs.Volume.Max != 5 {
		t.Errorf("config.yaml has capacity %d and volume %+v: want the overrides 60 and 1..5", sc.Carriers[0].Capacity, sc.Jobs.Volume)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
