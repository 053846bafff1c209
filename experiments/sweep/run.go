package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
)

// Options control how a sweep's runs execute; none changes a result.
type Options struct {
	// Workers is how many runs run at once; 0 means GOMAXPROCS.
	Workers int
	// experiments.Formats of the tables written when the sweep is complete.
	Formats experiments.Formats
	// Figures says how the figures are saved (formats, size, font).
	Figures chart.Output
	// Command is the command line, for the manifest; Resume the command that
	// finishes the sweep if it stops.
	Command []string
	Resume  string
	// Progress, if set, is called after every training episode of every
	// run, from the worker goroutines: it must be safe for concurrent use.
	Progress func()
	// Measuring, if set, is called when a run begins to measure the
	// distance to equilibrium (experiments.Options.Measuring), from the
	// worker goroutines: it must be safe for concurrent use.
	Measuring func()
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
		fin, err := Finish(d.Dir, sw, opt.Formats, opt.Figures)
		if err != nil {
			runErr = err
		} else {
			m.Files, m.PlotsSkipped, res.Finished = append(fin.Files, report.FileName), fin.Skipped, true
		}
	}
	m.finish(start, complete && runErr == nil, runErr)
	res.Manifest = m
	if err := writeManifest(d.Dir, m); err != nil {
		return res, errors.Join(runErr, err)
	}
	if res.Finished {
		if err := WriteReport(d.Dir); err != nil {
			return res, errors.Join(runErr, err)
		}
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
	m.Workers = workers // the manifest says how many ran, not what was asked
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
	rec = &Record{Point: p, Replicate: r, Seed: seed.Replicate(sw.PointSeed(p), r), Axes: make([]string, len(vals))}
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
		row, err = sw.runReplicateRow(ctx, &sc, r, experiments.Options{Progress: tick, Measuring: opt.Measuring})
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

// runReplicateRow runs replicate r of sc as Run does, with opt's progress
// calls, and returns its final evaluation in the sweep's columns.
func (sw *Spec) runReplicateRow(ctx context.Context, sc *scenario.Config, r int, opt experiments.Options) ([]float64, error) {
	rep, err := experiments.RunReplicate(ctx, sc, r, opt)
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
