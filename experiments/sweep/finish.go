package sweep

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
)

// The results of a sweep, written from its journal once it holds every run:
//
//	runs.csv       one row per run, sorted by point and replicate: point,
//	               replicate, the axes, seed, status (ok or failed), error, and
//	               every metric of the run's final evaluation
//	aggregate.csv  one row per point: point, the axes, replicates_ok,
//	               replicates_failed, and for each aggregated metric
//	               <metric>_mean, _sd, _ci95_low, _ci95_high and _n (results.Summarize
//	               over the point's successful replicates); the layout that
//	               chart.MetricVsAxis and chart.HeatMap read
//	sensitivity.csv  with a morris or sobol design, the indices of each
//	               aggregated metric (see sensitivity.go)
//	plots/         the figures of the aggregated metrics (see plots.go)
//
// Both tables depend only on the journal's runs, never on the order in
// which they finished, how many workers ran them or how the sweep was
// sharded: a merged sweep's files are a local sweep's, byte for byte.

// Finished is what [Finish] wrote.
type Finished struct {
	Files   []string // relative to the directory
	Skipped []string // figures not drawn, and why
	Runs    int
	Failed  int
}

// Finish writes the results of sw into dir from its journal, which must
// hold every run of the sweep: runs and aggregate tables in the formats f
// (CSV when none), and, if sw.Plots, the figures, saved as fo says.
func Finish(dir string, sw *Spec, f experiments.Formats, fo chart.Output) (*Finished, error) {
	if !f.CSV && !f.Parquet {
		f.CSV = true
	}
	x, err := readJournalIndex(dir, 0, sw)
	if err != nil {
		return nil, err
	}
	if x.header.Sweep != sw.hash {
		return nil, fmt.Errorf("%w: the journal of %s is of sweep %.12s, not %.12s", ErrMismatch, dir, x.header.Sweep, sw.hash)
	}
	sortRefs(x.refs)
	if err := coverage(sw, x.refs, []string{dir}, nil); err != nil {
		return nil, err
	}
	rr, err := openRecords([]string{x.path}, len(sw.columns))
	if err != nil {
		return nil, err
	}
	defer rr.close()
	fz := &finisher{sw: sw, refs: x.refs, rr: rr}
	out := &Finished{Runs: len(x.refs)}
	for _, ref := range x.refs {
		if ref.failed {
			out.Failed++
		}
	}

	type table struct {
		name string
		cols []column
		rows func(emit func([]cell) error) error
	}
	var plotTable *results.Table // the means of the figures, and of the sensitivity analysis
	if sw.Plots || sw.sens != nil {
		plotTable = fz.plotTable()
	}
	filled := false // the figures' table, filled by the first aggregate written
	for _, t := range []table{
		{"runs", fz.runColumns(), fz.runRows},
		{"aggregate", fz.aggregateColumns(), func(emit func([]cell) error) error {
			pt := plotTable
			if filled {
				pt = nil
			}
			filled = true
			return fz.aggregateRows(emit, pt)
		}},
	} {
		for _, ext := range []struct {
			ext string
			on  bool
		}{{".csv", f.CSV}, {".parquet", f.Parquet}} {
			path := filepath.Join(dir, t.name+ext.ext)
			if !ext.on {
				if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, err
				}
				continue
			}
			if err := writeTable(path, t.cols, ext.ext == ".parquet", t.rows); err != nil {
				return nil, err
			}
			out.Files = append(out.Files, t.name+ext.ext)
		}
	}
	points := filepath.Join(dir, "points.parquet") // points.csv is written when the sweep starts
	if f.Parquet {
		if err := results.WriteFile(points, func(w io.Writer) error { return sw.WritePoints(w, true) }); err != nil {
			return nil, err
		}
		out.Files = append(out.Files, "points.parquet")
	} else if err := os.Remove(points); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	sens, err := sw.writeSensitivity(dir, f, plotTable, out)
	if err != nil {
		return nil, err
	}
	plots := filepath.Join(dir, "plots")
	if err := os.RemoveAll(plots); err != nil {
		return nil, err
	}
	if sw.Plots {
		figs, skipped := sw.figures(plotTable)
		for _, r := range sens {
			figs = append(figs, sensitivityFigure(r))
		}
		out.Skipped = append(out.Skipped, skipped...)
		if len(figs) > 0 {
			if err := os.MkdirAll(plots, 0o755); err != nil {
				return nil, err
			}
			out.Files = append(out.Files, "plots")
		}
		if _, err := chart.SaveAll(plots, figs, fo); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// coverage checks that refs, sorted, hold every run of sw exactly once;
// dirs name the journals, and shards the shard of each (nil: whole).
func coverage(sw *Spec, refs []runRef, dirs []string, shards []Shard) error {
	const show = 10
	var doubled, missing []string
	nd, nm := 0, 0
	k := 0 // the next run expected
	R := sw.Replicates
	var shardMissing map[int]bool // shards (by index) that own a missing run
	if len(shards) > 0 {
		shardMissing = map[int]bool{}
	}
	miss := func(upTo int) {
		for ; k < upTo; k++ {
			nm++
			if shardMissing != nil {
				shardMissing[k%shards[0].norm().Count] = true
			}
			if len(missing) < show {
				where := ""
				for i, s := range shards {
					if s.Owns(k) {
						where = fmt.Sprintf(" (shard %s, %s)", s, dirs[i])
						break
					}
				}
				if where == "" && len(shards) > 0 {
					where = fmt.Sprintf(" (of shard %d/%d, which no directory given holds)", k%shards[0].norm().Count, shards[0].norm().Count)
				}
				missing = append(missing, fmt.Sprintf("point %d, replicate %d%s", k/R, k%R, where))
			}
		}
	}
	for i, ref := range refs {
		p, r := int(ref.point), int(ref.rep)
		if p >= sw.Points() || r >= R || p < 0 || r < 0 {
			return fmt.Errorf("%w: %s holds run (point %d, replicate %d), but the sweep has %d points of %d replicates",
				ErrMismatch, dirs[ref.file], p, r, sw.Points(), R)
		}
		run := p*R + r
		if i > 0 && refs[i-1].point == ref.point && refs[i-1].rep == ref.rep {
			nd++
			if len(doubled) < show {
				doubled = append(doubled, fmt.Sprintf("point %d, replicate %d (in %s and %s)", p, r, dirs[refs[i-1].file], dirs[ref.file]))
			}
			continue
		}
		miss(run)
		k = run + 1
	}
	miss(sw.Runs())
	if nd == 0 && nm == 0 {
		return nil
	}
	var b strings.Builder
	if nd > 0 {
		fmt.Fprintf(&b, "%d run(s) are in more than one directory:\n  %s", nd, strings.Join(doubled, "\n  "))
		if nd > show {
			fmt.Fprintf(&b, "\n  ... and %d more", nd-show)
		}
	}
	if nm > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d of the sweep's %d runs are missing:\n  %s", nm, sw.Runs(), strings.Join(missing, "\n  "))
		if nm > show {
			fmt.Fprintf(&b, "\n  ... and %d more", nm-show)
		}
	}
	ce := &CoverageError{Doubled: nd, Missing: nm}
	if len(shardMissing) > 0 {
		n := shards[0].norm().Count
		for i := range n {
			if shardMissing[i] {
				ce.Shards = append(ce.Shards, i)
			}
		}
		idx := make([]string, len(ce.Shards))
		for i, s := range ce.Shards {
			idx[i] = strconv.Itoa(s)
		}
		list := strings.Join(idx, ",")
		fmt.Fprintf(&b, "\nshards missing or unfinished, %d of %d, by index: %s\n  run only these again (--shard i/%d), e.g. sbatch --array=%s slurm/array.sbatch, then merge", len(ce.Shards), n, list, n, list)
	}
	ce.msg = b.String()
	return ce
}

// CoverageError reports runs of a sweep that are missing from, or doubled
// in, the directories given.
type CoverageError struct {
	Doubled, Missing int
	Shards           []int // the indices of the shards that own a missing run, in increasing order
	msg              string
}

func (e *CoverageError) Error() string { return e.msg }

// finisher reads a sorted journal back into the result tables.
type finisher struct {
	sw   *Spec
	refs []runRef
	rr   *recordReader
}

func (fz *finisher) runColumns() []column {
	cols := []column{{"point", colInt}, {"replicate", colInt}}
	cols = append(cols, fz.sw.axisColumns()...)
	cols = append(cols, column{"seed", colSeed}, column{"status", colText}, column{"error", colText})
	for _, c := range fz.sw.columns {
		cols = append(cols, column{c, colFloat})
	}
	return cols
}

func (fz *finisher) runRows(emit func([]cell) error) error {
	sw := fz.sw
	row := make([]cell, 0, 5+len(sw.Axes)+len(sw.columns))
	for _, ref := range fz.refs {
		rec, err := fz.rr.record(ref)
		if err != nil {
			return err
		}
		row = append(row[:0], cell{i: int64(rec.Point)}, cell{i: int64(rec.Replicate)})
		row = sw.axisCells(row, sw.Point(rec.Point))
		status := statusOK
		if rec.Failed {
			status = statusFailed
		}
		row = append(row, cell{u: rec.Seed}, cell{s: status}, cell{s: rec.Error})
		for _, v := range rec.Values {
			row = append(row, cell{f: v})
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

func (fz *finisher) aggregateColumns() []column {
	cols := []column{{"point", colInt}}
	cols = append(cols, fz.sw.axisColumns()...)
	cols = append(cols, column{"replicates_ok", colInt}, column{"replicates_failed", colInt})
	for _, m := range fz.sw.Metrics {
		for _, s := range statSuffixes() {
			k := colFloat
			if s == "_n" {
				k = colInt
			}
			cols = append(cols, column{m + s, k})
		}
	}
	return cols
}

// aggregateRows emits one row per point: results.SummarizeMetric of each
// aggregated metric over the point's successful replicates. With pt, it
// also appends each point's row of the figures' table.
func (fz *finisher) aggregateRows(emit func([]cell) error, pt *results.Table) error {
	sw := fz.sw
	idx := make([]int, len(sw.Metrics))
	for i, m := range sw.Metrics {
		idx[i] = indexOf(sw.columns, m)
	}
	xs := make([][]float64, len(sw.Metrics))
	row := make([]cell, 0, 3+len(sw.Axes)+5*len(sw.Metrics))
	for i := 0; i < len(fz.refs); {
		p := fz.refs[i].point
		ok, failed := 0, 0
		for m := range xs {
			xs[m] = xs[m][:0]
		}
		for ; i < len(fz.refs) && fz.refs[i].point == p; i++ {
			if fz.refs[i].failed {
				failed++
				continue
			}
			rec, err := fz.rr.record(fz.refs[i])
			if err != nil {
				return err
			}
			ok++
			for m, c := range idx {
				xs[m] = append(xs[m], rec.Values[c])
			}
		}
		vals := sw.Point(int(p))
		row = append(row[:0], cell{i: int64(p)})
		row = sw.axisCells(row, vals)
		row = append(row, cell{i: int64(ok)}, cell{i: int64(failed)})
		var plotVals []float64
		if pt != nil {
			plotVals = sw.plotAxes(vals)
		}
		for m := range xs {
			st := results.SummarizeMetric(sw.Metrics[m], xs[m])
			row = append(row, cell{f: st.Mean}, cell{f: st.SD}, cell{f: st.CI95Low}, cell{f: st.CI95High}, cell{i: int64(st.N)})
			if pt != nil {
				plotVals = append(plotVals, st.Mean, st.CI95Low, st.CI95High)
			}
		}
		if pt != nil {
			pt.Append([]int64{int64(p)}, plotVals)
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}
