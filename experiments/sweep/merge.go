package sweep

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
)

// MergeOptions control a merge.
type MergeOptions struct {
	Overwrite bool                // replace the files of an earlier sweep in the output directory
	Formats   experiments.Formats // of the tables
	Figures   chart.Output        // how the figures are saved
	Command   []string            // for the manifest
}

// Merge combines shard directories of one sweep (written with
// --shard, by hand or by a Slurm job array) into out: it checks that they
// hold the same sweep and, between them, every run exactly once, then
// writes out as a sweep run in one place would be: the effective sweep,
// the points, one journal of every run sorted by point and replicate, the
// results and the figures, and a manifest listing the shards. The results
// are byte for byte those of the sweep run in one directory. Nothing is
// written when a check fails; the error names the directories and runs
// at fault, and wraps [ErrMismatch] or is a [CoverageError].
func Merge(out string, dirs []string, opt MergeOptions) (*Result, error) {
	start := time.Now()
	if len(dirs) == 0 {
		return nil, errors.New("no shard directory to merge")
	}
	for _, d := range dirs {
		if sameDir(out, d) {
			return nil, fmt.Errorf("%w: the output directory %s is one of the shard directories: merge into another", ErrMismatch, out)
		}
	}
	var xs []*journalIndex
	var shards []Shard
	for i, d := range dirs {
		x, err := readJournalIndex(d, int32(i), nil)
		if err != nil {
			return nil, err
		}
		if x.header.Sweep != xs0(xs, x).header.Sweep {
			return nil, fmt.Errorf("%w: %s holds sweep %q (%.12s) and %s sweep %q (%.12s): merge the shards of one sweep",
				ErrMismatch, dirs[0], xs0(xs, x).header.Name, xs0(xs, x).header.Sweep, d, x.header.Name, x.header.Sweep)
		}
		s, err := ParseShard(x.header.Shard)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.path, err)
		}
		for j, t := range shards {
			if t == s {
				return nil, fmt.Errorf("%w: %s and %s both hold shard %s", ErrMismatch, dirs[j], d, s)
			}
		}
		xs, shards = append(xs, x), append(shards, s)
	}
	sw, err := Load(filepath.Join(dirs[0], "sweep.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading the sweep of %s: %w", dirs[0], err)
	}
	if sw.hash != xs[0].header.Sweep {
		return nil, fmt.Errorf("%w: the sweep in %s reads as sweep %.12s, but its journal is of sweep %.12s: was it written by another version of freightsim?",
			ErrMismatch, dirs[0], sw.hash, xs[0].header.Sweep)
	}
	for i, d := range dirs { // every line a run of this sweep, before anything is written
		if _, err := readJournalIndex(d, int32(i), sw); err != nil {
			return nil, err
		}
	}
	if err := sameRevision(dirs); err != nil {
		return nil, err
	}
	var refs []runRef
	var paths []string
	for _, x := range xs {
		refs = append(refs, x.refs...)
		paths = append(paths, x.path)
	}
	sortRefs(refs)
	if err := coverage(sw, refs, dirs, shards); err != nil {
		return nil, err
	}

	// Locked only now, once the checks passed: a refused merge writes
	// nothing, not even the directory.
	l, err := experiments.LockDir(out)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	if err := prepareDir(out, opt.Overwrite); err != nil {
		return nil, err
	}
	if err := writeSweepFiles(out, sw); err != nil {
		return nil, err
	}
	if err := writeMergedJournal(out, sw, refs, paths); err != nil {
		return nil, err
	}
	m := newManifest(sw, Shard{}, opt.Command, 1, start)
	m.RunsDone, m.RunsLoaded = len(refs), len(refs)
	for i, d := range dirs {
		sm, _ := ReadManifest(d)
		sh := Shared{Dir: d, Shard: shards[i].String(), Runs: len(xs[i].refs), Host: sm.Machine.Host, Start: sm.Start, End: sm.End, WallSeconds: sm.WallSeconds}
		for _, r := range xs[i].refs {
			if r.failed {
				sh.Failed++
			}
		}
		m.RunsFailed += sh.Failed
		m.Shards = append(m.Shards, sh)
	}
	if m.RunsFailed > 0 {
		m.Failed = failedRunsOf(out, sw)
	}
	fin, err := Finish(out, sw, opt.Formats, opt.Figures)
	if err != nil {
		return nil, err
	}
	m.Files, m.PlotsSkipped = append(fin.Files, report.FileName), fin.Skipped
	m.finish(start, true, nil)
	if err := writeManifest(out, m); err != nil {
		return nil, err
	}
	if err := WriteReport(out); err != nil {
		return nil, err
	}
	return &Result{Dir: out, Manifest: m, Complete: true, Finished: true}, nil
}

// sameRevision checks that the shards in dirs were run by one revision of
// the code, where their manifests know it: results of two versions of the
// code would be mixed in one table, as a resume refuses to.
func sameRevision(dirs []string) error {
	first, at := "", ""
	for _, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil || m.Revision == "" || m.Modified {
			continue
		}
		if first == "" {
			first, at = m.Revision, d
			continue
		}
		if m.Revision != first {
			return fmt.Errorf("%w: %s was run by revision %s and %s by revision %s: its results would mix two versions of the code; run the shards again with one binary",
				ErrMismatch, at, first, d, m.Revision)
		}
	}
	return nil
}

// sameDir reports whether a and b name the same existing directory.
func sameDir(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

func xs0(xs []*journalIndex, x *journalIndex) *journalIndex {
	if len(xs) > 0 {
		return xs[0]
	}
	return x
}

// writeMergedJournal writes out's journal: the header of the whole sweep,
// then the runs' lines in the order of refs.
func writeMergedJournal(out string, sw *Spec, refs []runRef, paths []string) error {
	return results.WriteFile(filepath.Join(out, journalName), func(w io.Writer) error {
		h, err := jsonLine(sw.header(Shard{}))
		if err != nil {
			return err
		}
		if _, err := w.Write(append(h, '\n')); err != nil {
			return err
		}
		rr, err := openRecords(paths, len(sw.columns))
		if err != nil {
			return err
		}
		defer rr.close()
		for _, ref := range refs {
			b, err := rr.line(ref)
			if err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			if _, err := w.Write([]byte{'\n'}); err != nil {
				return err
			}
		}
		return nil
	})
}

// failedRunsOf names the first failed runs of the journal in dir.
func failedRunsOf(dir string, sw *Spec) []FailedRun {
	x, err := readJournalIndex(dir, 0, sw)
	if err != nil {
		return nil
	}
	return failedRuns(x, sw, maxFailedListed)
}

// FailureSummary says how many of a sweep's runs failed and where to look,
// or "" when none did.
func (r *Result) FailureSummary() string {
	m := r.Manifest
	if m.RunsFailed == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d runs failed", m.RunsFailed, m.RunsDone)
	if len(m.Failed) > 0 {
		f := m.Failed[0]
		fmt.Fprintf(&b, "; the first: point %d, replicate %d: %s", f.Point, f.Replicate, f.Error)
	}
	where := filepath.Join(r.Dir, journalName) + " (status, error, and the stack of a panic)"
	if r.Finished {
		where = filepath.Join(r.Dir, "runs.csv") + " (columns status and error) and " + where
	}
	fmt.Fprintf(&b, "\nevery failed run is in %s", where)
	return b.String()
}

// Shard is one share of a sweep's runs: run k, the run of replicate r of
// point p, k = p * replicates + r, belongs to shard k mod Count. Shards
// interleave, so that each gets runs of every part of the sweep and they
// take about as long whatever part of the sweep is slow. The zero Shard is
// the whole sweep.
type Shard struct {
	Index, Count int
}

// ParseShard reads i/n, 0 <= i < n.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, errA := strconv.Atoi(strings.TrimSpace(i))
	b, errB := strconv.Atoi(strings.TrimSpace(n))
	if !ok || errA != nil || errB != nil || b < 1 || a < 0 || a >= b {
		return Shard{}, fmt.Errorf("%q is not a shard: want i/n with 0 <= i < n, e.g. 0/4 for the first of four", s)
	}
	return Shard{a, b}, nil
}

func (s Shard) norm() Shard {
	if s.Count < 1 {
		return Shard{0, 1}
	}
	return s
}

func (s Shard) String() string {
	s = s.norm()
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Whole reports whether the shard is the whole sweep.
func (s Shard) Whole() bool { return s.norm().Count == 1 }

// Owns reports whether run k belongs to the shard.
func (s Shard) Owns(k int) bool {
	s = s.norm()
	return k%s.Count == s.Index
}

// Size is the number of the runs 0..runs-1 that belong to the shard.
func (s Shard) Size(runs int) int {
	s = s.norm()
	if s.Index >= runs {
		return 0
	}
	return (runs-1-s.Index)/s.Count + 1
}

// ShardEnv names the environment variables that give a task's index in an
// array job, by scheduler, and the one that gives the number of tasks where
// the scheduler sets one. HTCondor sets none: give the index with --shard
// $(Process)/n in the submit file.
var ShardEnv = []struct{ Scheduler, Index, Count string }{
	{"Slurm", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"},
	{"Kubernetes indexed Job", "JOB_COMPLETION_INDEX", ""},
	{"AWS Batch", "AWS_BATCH_JOB_ARRAY_INDEX", ""},
	{"Google Cloud Batch", "BATCH_TASK_INDEX", "BATCH_TASK_COUNT"},
}

// ShardFromEnv is the shard of an array task from the scheduler's
// variables, read with getenv: the index from the first of ShardEnv's
// index variables that is set, the count from count if it is above 0,
// else from the scheduler's count variable. A Slurm index is counted from
// SLURM_ARRAY_TASK_MIN. With no variable set it returns the whole sweep
// and an empty from; from names the variables read otherwise.
func ShardFromEnv(getenv func(string) string, count int) (s Shard, from string, err error) {
	for _, e := range ShardEnv {
		id := getenv(e.Index)
		if id == "" {
			continue
		}
		from = e.Index
		i, err := strconv.Atoi(id)
		if err != nil {
			return Shard{}, from, fmt.Errorf("%s=%q is not a task index", e.Index, id)
		}
		if e.Index == "SLURM_ARRAY_TASK_ID" {
			if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				lo, err := strconv.Atoi(m)
				if err != nil {
					return Shard{}, from, fmt.Errorf("SLURM_ARRAY_TASK_MIN=%q is not a task index", m)
				}
				i -= lo
			}
		}
		n := count
		if c := getenv(e.Count); n <= 0 && e.Count != "" && c != "" {
			if n, err = strconv.Atoi(c); err != nil {
				return Shard{}, from, fmt.Errorf("%s=%q is not a number of tasks", e.Count, c)
			}
			from += " and " + e.Count
		}
		if n <= 0 {
			return Shard{}, from, fmt.Errorf("%s=%s gives the shard's index (%s) but not the number of shards: give it with --shards n", e.Index, id, e.Scheduler)
		}
		if i < 0 || i >= n {
			return Shard{}, from, fmt.Errorf("%s=%s: task %d of %d shards; want 0 <= index < %d", e.Index, id, i, n, n)
		}
		return Shard{i, n}, from, nil
	}
	return Shard{}, "", nil
}
