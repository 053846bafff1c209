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
