package sweep

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
)

// MergeOptions control a merge.
type MergeOptions struct {
	Overwrite bool                // replace the files of an earlier sweep in the output directory
	Formats   experiments.Formats // of the tables
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
	fin, err := Finish(out, sw, opt.Formats)
	if err != nil {
		return nil, err
	}
	m.Files, m.PlotsSkipped = fin.Files, fin.Skipped
	m.finish(start, true, nil)
	if err := writeManifest(out, m); err != nil {
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
