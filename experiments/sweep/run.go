package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
)

// A sweep directory holds:
//
//	sweep.yaml, base.yaml  the effective sweep and its base scenario, written first
//	points.csv             every point: its index, seed and axis values
//	manifest.json          provenance; status running, then complete, interrupted or failed
//	journal.jsonl          every finished run, appended and synced as it finishes (see sweep_journal.go)
//	runs.csv, aggregate.csv (and/or .parquet), plots/
//	                       the results, written once every run of the whole sweep is in the journal
//
// A shard directory (--shard i/n) holds the same but the results: freightsim
// merge combines shard directories into one that has them.

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

// Errors about sweep directories.
var (
	// ErrMismatch reports a sweep directory that holds another sweep,
	// or another shard of it, than the one asked for.
	ErrMismatch = errors.New("another sweep")
)

// dirFiles are the files a sweep directory may hold, besides what its
// manifest lists.
var dirFiles = []string{"sweep.yaml", "base.yaml", "points.csv", "points.parquet", "manifest.json", journalName,
	"runs.csv", "runs.parquet", "aggregate.csv", "aggregate.parquet", "plots"}

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
func (d *Dir) setDone(k int)     { d.done[k/64] |= 1 << (k % 64) }

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
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0 {
		return Create(dir, sw, shard, false)
	}
	if err != nil {
		return nil, err
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
	x, err := readJournalIndex(dir, 0)
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

// Options control how a sweep's runs execute; none changes a result.
type Options struct {
	// Workers is how many runs run at once; 0 means GOMAXPROCS.
	Workers int
	// experiments.Formats of the tables written when the sweep is complete.
	Formats experiments.Formats
	// Command is the command line, for the manifest; Resume the command that
	// finishes the sweep if it stops.
	Command []string
	Resume  string
	// Progress, if set, is called after every training episode of every
	// run, from the worker goroutines: it must be safe for concurrent use.
	Progress func()
	// OnRun, if set, is called with each run once it is in the journal, from
	// one goroutine.
	OnRun func(*Record)

	// runHook, in tests, runs instead of a point's replicate.
	runHook func(ctx context.Context, sc *scenario.Config, p, r int) ([]float64, error)
}

// Result is what a sweep directory holds after [Dir.Run] or
// [Merge].
type Result struct {
	Dir      string
	Manifest Manifest
	// Complete: every run of the shard is in the journal.
	Complete bool
	// Finished: the sweep's results (tables and figures) are written: the
	// whole sweep is complete.
	Finished bool
}

// Run runs the shard's runs that the journal does not hold yet, on
// opt.Workers goroutines, appending each to the journal as it finishes.
// A run that fails, by an error or a panic, is recorded as failed with its
// error and the others go on. When ctx is cancelled it stops the runs under
// way (they are not recorded: they run again on resume) and returns an
// error wrapping the cancellation. Once every run of the whole sweep is in
// the journal it writes the results: runs.csv, aggregate.csv and the
// figures (see [Finish]). It writes the manifest first with status
// running, and again at the end.
func (d *Dir) Run(ctx context.Context, opt Options) (*Result, error) {
	sw := d.Sweep
	start := time.Now()
	m := newManifest(sw, d.Shard, opt.Command, opt.Workers, start)
	m.Resume = opt.Resume
	m.RunsLoaded, m.RunsDone, m.RunsFailed, m.Failed = d.Done, d.Done, d.Failed, slices.Clone(d.failed)
	if err := writeManifest(d.Dir, m); err != nil {
		return nil, err
	}
	j, _, err := results.OpenJournal(filepath.Join(d.Dir, journalName))
	if err != nil {
		return nil, err
	}
	if d.Done == 0 {
		if st, err := os.Stat(filepath.Join(d.Dir, journalName)); err == nil && st.Size() == 0 {
			h, err := jsonLine(sw.header(d.Shard))
			if err == nil {
				err = j.Append(h)
			}
			if err != nil {
				j.Close()
				return nil, err
			}
		}
	}

	runErr := d.runAll(ctx, j, opt, &m)
	if err := j.Close(); err != nil && runErr == nil {
		runErr = err
	}
	complete := m.RunsDone == d.Owned
	res := &Result{Dir: d.Dir, Complete: complete}
	if complete && d.Shard.Whole() && runErr == nil {
		fin, err := Finish(d.Dir, sw, opt.Formats)
		if err != nil {
			runErr = err
		} else {
			m.Files, m.PlotsSkipped, res.Finished = fin.Files, fin.Skipped, true
		}
	}
	m.finish(start, complete && runErr == nil, runErr)
	res.Manifest = m
	if err := writeManifest(d.Dir, m); err != nil {
		return res, errors.Join(runErr, err)
	}
	if runErr == nil && !complete {
		runErr = fmt.Errorf("sweep stopped: %w", context.Canceled)
	}
	return res, runErr
}

// runAll runs the runs to do and records them in the journal and in m.
func (d *Dir) runAll(ctx context.Context, j *results.Journal, opt Options, m *Manifest) error {
	sw := d.Sweep
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, d.Owned-d.Done))
	runCtx, stop := context.WithCancel(ctx)
	defer stop()

	next := make(chan int)
	// Room for the runs that finish while the writer syncs: a worker
	// never waits for the disk unless the writer falls far behind.
	recs := make(chan *Record, 64*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				rec := sw.runOne(runCtx, k/sw.Replicates, k%sw.Replicates, opt)
				if rec != nil {
					recs <- rec
				}
			}
		}()
	}
	go func() {
		defer close(next)
		for k := d.Shard.Index; k < sw.Runs(); k += d.Shard.Count {
			if d.isDone(k) {
				continue
			}
			select {
			case next <- k:
			case <-runCtx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(recs)
	}()

	// The one writer: it appends what has finished, all of it at once with
	// one sync, then waits for more.
	var writeErr error
	var batch []*Record
	var lines [][]byte
	for rec := range recs {
		batch = append(batch[:0], rec)
	drain:
		for {
			select {
			case more, ok := <-recs:
				if !ok {
					break drain
				}
				batch = append(batch, more)
			default:
				break drain
			}
		}
		if writeErr != nil {
			continue // stopping: let the workers finish
		}
		lines = lines[:0]
		for _, r := range batch {
			b, err := r.marshal()
			if err != nil {
				writeErr = err
				break
			}
			lines = append(lines, b)
		}
		if writeErr == nil {
			writeErr = j.Append(lines...)
		}
		if writeErr != nil {
			stop()
			continue
		}
		for _, r := range batch {
			m.RunsDone++
			m.RunsRun++
			m.RunSeconds += r.Wall
			if r.Failed {
				m.RunsFailed++
				m.Failed = addFailed(m.Failed, FailedRun{Point: r.Point, Replicate: r.Replicate, Error: r.Error})
			}
			if opt.OnRun != nil {
				opt.OnRun(r)
			}
		}
	}
	if writeErr != nil {
		return fmt.Errorf("recording runs in %s: %w", filepath.Join(d.Dir, journalName), writeErr)
	}
	if err := ctx.Err(); err != nil && m.RunsDone < d.Owned {
		return fmt.Errorf("sweep stopped: %w", err)
	}
	return nil
}

func jsonLine(v any) ([]byte, error) { return json.Marshal(v) }

// runOne runs replicate r of point p and returns its record, or nil if ctx
// stopped it. A panic in the run is recovered into a failed record that
// says where it happened.
func (sw *Spec) runOne(ctx context.Context, p, r int, opt Options) (rec *Record) {
	start := time.Now()
	vals := sw.Point(p)
	rec = &Record{Point: p, Replicate: r, Seed: seed.Run(sw.Seed, p, r), Axes: make([]string, len(vals))}
	for a, v := range vals {
		rec.Axes[a] = v.Text
	}
	fail := func(msg, stack string) {
		rec.Failed, rec.Error, rec.Stack = true, msg, stack
		rec.Values = nanRow(len(sw.columns))
	}
	defer func() {
		if v := recover(); v != nil {
			fail(fmt.Sprintf("panic: %v", v), string(debug.Stack()))
		}
		if rec != nil {
			rec.Wall = time.Since(start).Seconds()
		}
	}()
	// A run that fails early still counts all its episodes as done.
	ticks, tick := 0, opt.Progress
	if tick != nil {
		tick = func() { ticks++; opt.Progress() }
		defer func() {
			if rec != nil {
				for ; ticks <= sw.Episodes(p); ticks++ {
					opt.Progress()
				}
			}
		}()
	}
	sc, err := sw.PointScenario(p)
	if err != nil {
		fail(err.Error(), "")
		return rec
	}
	var row []float64
	if opt.runHook != nil {
		row, err = opt.runHook(ctx, &sc, p, r)
	} else {
		row, err = sw.runReplicateRow(ctx, &sc, r, tick)
	}
	switch {
	case err != nil && ctx.Err() != nil && isCancel(err):
		return nil
	case err != nil:
		fail(err.Error(), "")
	default:
		rec.Values = row
	}
	return rec
}

// runReplicateRow runs replicate r of sc as Run does and returns its final
// evaluation in the sweep's columns.
func (sw *Spec) runReplicateRow(ctx context.Context, sc *scenario.Config, r int, tick func()) ([]float64, error) {
	rep, err := experiments.RunReplicate(ctx, sc, r, experiments.Options{Progress: tick})
	if err != nil {
		return nil, err
	}
	rows := rep.Evaluations.Rows
	if len(rows) == 0 || rows[len(rows)-1].Keys[1] != int64(sc.Training.Episodes) {
		return nil, fmt.Errorf("replicate %d: no evaluation after the last training episode %d", r, sc.Training.Episodes)
	}
	return sw.toColumns(rep.Evaluations.Values, rows[len(rows)-1].Values), nil
}

// toColumns places the values of the named metrics in the sweep's columns.
func (sw *Spec) toColumns(names []string, values []float64) []float64 {
	out := nanRow(len(sw.columns))
	for i, n := range names {
		if c := slices.Index(sw.columns, n); c >= 0 {
			out[c] = values[i]
		}
	}
	return out
}

func nanRow(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}

func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
