package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// A sweep directory holds:
//
//	sweep.yaml, base.yaml  the effective sweep and its base scenario, written first
//	points.csv             every point: its index, seed and axis values
//	manifest.json          provenance; status running, then complete, interrupted or failed
//	journal.jsonl          every finished run, appended and synced as it finishes (see journal.go)
//	runs.csv, aggregate.csv (and/or .parquet), plots/
//	                       the results, written once every run of the whole sweep is in the journal
//
// A shard directory (--shard i/n) holds the same but the results: freightsim
// merge combines shard directories into one that has them.

// Errors about sweep directories.
var (
	// ErrMismatch reports a sweep directory that holds another sweep,
	// or another shard of it, than the one asked for.
	ErrMismatch = errors.New("another sweep")
)

// dirFiles are the files a sweep directory may hold, besides what its
// manifest lists.
var dirFiles = []string{"sweep.yaml", "base.yaml", "points.csv", "points.parquet", "manifest.json", journalName,
	"runs.csv", "runs.parquet", "aggregate.csv", "aggregate.parquet",
	"sensitivity.csv", "sensitivity.parquet", "plots"}

// Dir is a directory opened to run a sweep's runs, or a shard's.
type Dir struct {
	Dir   string
	Sweep *Spec
	Shard Shard
	// Owned is the number of the shard's runs, Done of them recorded in the
	// journal before (ok or failed), Failed of those failed.
	Owned, Done, Failed int
	// TodoEpisodes is the training episodes of the runs still to do, for a
	// progress bar.
	TodoEpisodes int

	done   []uint64 // bitset over the sweep's runs: recorded in the journal
	failed []FailedRun
}

// Create makes dir the directory of a new run of sw's shard: it
// refuses a directory that holds files unless overwrite is set (then it
// removes the files a sweep writes, and nothing else), and writes the
// effective sweep and its points.
func Create(dir string, sw *Spec, shard Shard, overwrite bool) (*Dir, error) {
	if err := prepareDir(dir, overwrite); err != nil {
		return nil, err
	}
	if err := writeSweepFiles(dir, sw); err != nil {
		return nil, err
	}
	return newDir(dir, sw, shard), nil
}

func newDir(dir string, sw *Spec, shard Shard) *Dir {
	d := &Dir{Dir: dir, Sweep: sw, Shard: shard.norm(), done: make([]uint64, (sw.Runs()+63)/64)}
	d.Owned = d.Shard.Size(sw.Runs())
	for k := d.Shard.Index; k < sw.Runs(); k += d.Shard.Count {
		d.TodoEpisodes += sw.Episodes(k/sw.Replicates) + 1
	}
	return d
}

func (d *Dir) isDone(k int) bool { return d.done[k/64]&(1<<(k%64)) != 0 }

func (d *Dir) setDone(k int) { d.done[k/64] |= 1 << (k % 64) }

func prepareDir(dir string, overwrite bool) error {
	return experiments.PrepareOutput(dir, overwrite, dirFiles, func() (string, bool) {
		m, err := ReadManifest(dir)
		if err != nil {
			return "", false
		}
		if !m.Complete {
			return fmt.Sprintf("an unfinished sweep, %d of %d runs done", m.RunsDone, m.ShardRuns), true
		}
		return "", true
	}, func() []string {
		m, _ := ReadManifest(dir)
		return m.Files
	})
}

// writeSweepFiles writes sweep.yaml, base.yaml and points.csv.
func writeSweepFiles(dir string, sw *Spec) error {
	if err := sw.WriteEffective(dir); err != nil {
		return err
	}
	return results.WriteFile(filepath.Join(dir, "points.csv"), func(w io.Writer) error { return sw.WritePoints(w, false) })
}

// Resume opens dir, which holds an unfinished run of sw's shard, to
// finish it: it checks that the directory holds this sweep (the same
// effective sweep, base and points), this shard and, where both are known,
// the code of this binary, and reads which runs its journal holds. A torn
// last line of the journal is ignored: its run runs again. A missing or
// empty dir has nothing to resume: the sweep starts afresh. The errors wrap
// [ErrMismatch].
func Resume(dir string, sw *Spec, shard Shard) (*Dir, error) {
	if empty, err := experiments.IsEmptyDir(dir); err != nil {
		return nil, err
	} else if empty {
		return Create(dir, sw, shard, false)
	}
	shard = shard.norm()
	old, err := os.ReadFile(filepath.Join(dir, "sweep.yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s holds no sweep.yaml, so no sweep of freightsim", ErrMismatch, dir)
	}
	if err != nil {
		return nil, err
	}
	if why := sw.differences(dir, old); why != "" {
		return nil, fmt.Errorf("%w: %s holds %s\nresume with the sweep file it was started with, or pass --force instead of --resume to start over",
			ErrMismatch, dir, why)
	}
	if m, err := ReadManifest(dir); err == nil {
		b := experiments.BuildInfo()
		if m.Revision != "" && b.Revision != "" && !m.Modified && !b.Modified && m.Revision != b.Revision {
			return nil, fmt.Errorf("%w: the sweep in %s was started by revision %s, this is %s: its results would mix two versions of the code",
				ErrMismatch, dir, m.Revision, b.Revision)
		}
	}
	d := newDir(dir, sw, shard)
	x, err := readJournalIndex(dir, 0, sw)
	if errors.Is(err, ErrNotADir) {
		return d, writeSweepFiles(dir, sw) // stopped before its first run: start it again
	}
	if err != nil {
		return nil, err
	}
	if x.header.Sweep != sw.hash {
		return nil, fmt.Errorf("%w: the journal of %s is of sweep %.12s, this is sweep %.12s", ErrMismatch, dir, x.header.Sweep, sw.hash)
	}
	if x.header.Shard != shard.String() {
		return nil, fmt.Errorf("%w: %s holds shard %s of the sweep, not %s: resume it with --shard %s", ErrMismatch, dir, x.header.Shard, shard, x.header.Shard)
	}
	if err := d.load(x); err != nil {
		return nil, err
	}
	return d, nil
}

// differences says how the sweep in dir, whose sweep.yaml is old, differs
// from sw, or "" if it is sw.
func (sw *Spec) differences(dir string, old []byte) string {
	if !bytes.Equal(old, sw.spec) {
		a, b := strings.Split(string(old), "\n"), strings.Split(string(sw.spec), "\n")
		for i := 0; i < max(len(a), len(b)); i++ {
			la, lb := lineOr(a, i), lineOr(b, i)
			if la != lb {
				return fmt.Sprintf("another sweep: its sweep.yaml, line %d, is\n  %s\nwhere this sweep has\n  %s", i+1, la, lb)
			}
		}
	}
	base, err := os.ReadFile(filepath.Join(dir, "base.yaml"))
	if err != nil || !bytes.Equal(base, sw.baseYAMLFile()) {
		was, perr := scenario.Parse(filepath.Join(dir, "base.yaml"), base)
		if err != nil || perr != nil {
			return "another sweep: its base.yaml is missing or does not parse"
		}
		diff, _ := scenario.Diff(was, sw.Base)
		if len(diff) > 12 {
			diff = append(diff[:12], fmt.Sprintf("... and %d more", len(diff)-12))
		}
		return "a sweep of another base scenario (its value -> this sweep's):\n  " + strings.Join(diff, "\n  ")
	}
	return ""
}

func lineOr(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

// load marks the runs of journal x done.
func (d *Dir) load(x *journalIndex) error {
	R := d.Sweep.Replicates
	for _, ref := range x.refs {
		p, r := int(ref.point), int(ref.rep)
		k := p*R + r
		if p < 0 || p >= d.Sweep.Points() || r < 0 || r >= R || !d.Shard.Owns(k) {
			return fmt.Errorf("%w: %s holds run (point %d, replicate %d), which is not one of shard %s's", ErrMismatch, x.path, p, r, d.Shard)
		}
		d.setDone(k)
		d.Done++
		d.TodoEpisodes -= d.Sweep.Episodes(p) + 1
		if ref.failed {
			d.Failed++
		}
	}
	if d.Failed > 0 {
		d.failed = failedRuns(x, d.Sweep, maxFailedListed)
	}
	return nil
}

// failedRuns reads the first n failed runs of journal x, by point and replicate.
func failedRuns(x *journalIndex, sw *Spec, n int) []FailedRun {
	rr, err := openRecords([]string{x.path}, len(sw.columns))
	if err != nil {
		return nil
	}
	defer rr.close()
	var refs []runRef
	for _, ref := range x.refs {
		if ref.failed {
			refs = append(refs, ref)
		}
	}
	sortRefs(refs)
	var out []FailedRun
	for _, ref := range refs[:min(n, len(refs))] {
		if r, err := rr.record(ref); err == nil {
			out = append(out, FailedRun{Point: r.Point, Replicate: r.Replicate, Error: r.Error})
		}
	}
	return out
}

// addFailed adds f to the list of the first failed runs by point and
// replicate, which it keeps to maxFailedListed.
func addFailed(list []FailedRun, f FailedRun) []FailedRun {
	i, _ := slices.BinarySearchFunc(list, f, func(a, b FailedRun) int {
		if a.Point != b.Point {
			return a.Point - b.Point
		}
		return a.Replicate - b.Replicate
	})
	list = slices.Insert(list, i, f)
	return list[:min(len(list), maxFailedListed)]
}
