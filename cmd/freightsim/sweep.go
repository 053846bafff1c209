package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/sweep"
	"github.com/freightsim/freightsim/results"
)

type sweepOptions struct {
	out      string
	workers  int
	shard    string
	shards   int
	format   string
	quiet    bool
	resume   bool
	force    bool
	list     bool
	scenario string
	failedOK bool
	sets     []string
	figures  figureFlags
}

func newSweepCmd(argv []string) *cobra.Command {
	o := &sweepOptions{}
	cmd := &cobra.Command{
		Use:   "sweep SWEEP.yaml",
		Short: "Run a scenario over a grid or sample of parameter values, each point over replicates",
		Long: `sweep runs a sweep file (docs/SWEEPS.md): a base scenario, the keys that vary
(axes: lists of values, linear or log ranges), a design (grid, random, lhs, or
morris and sobol for a sensitivity analysis),
replicates per point, a seed and the metrics to aggregate. It writes into the
sweep directory:

  journal.jsonl     every run as it finishes (synced to disk): what --resume reads
  runs.csv          one row per run: point, replicate, axes, seed, status, error, metrics
  aggregate.csv     one row per point: mean, sd, 95 % CI and n of each aggregated metric
  sensitivity.csv   morris, sobol: each metric's indices for each axis, with bootstrap CIs
  plots/            each metric against each numeric axis, heat maps of two;
                    the sensitivity indices as bars with their intervals
  points.csv        every point: its seed and axis values (seeds >= 2^63 as the
                    negative int64 of the same bits, which --seed reads back)
  sweep.yaml, base.yaml, manifest.json
                    the effective sweep and base scenario, and provenance

A run that fails (a diverging learner, a panic) is recorded with its error and
the sweep goes on; the sweep exits 1 at the end if any failed. Results depend
only on the sweep file: not on --workers, on the order the runs finish, or on
how the sweep is split into shards.

Ctrl-C, SIGTERM or a crash (even kill -9) loses only the runs under way: the
same command with --resume runs the rest. --shard i/n runs every n-th run
(run k = point * replicates + replicate, when k mod n = i), for several
machines or an array job. Without --shard, the index is read from the array
job's environment: SLURM_ARRAY_TASK_ID (Slurm, with SLURM_ARRAY_TASK_COUNT),
JOB_COMPLETION_INDEX (a Kubernetes indexed Job), AWS_BATCH_JOB_ARRAY_INDEX (AWS
Batch) or BATCH_TASK_INDEX (Google Cloud Batch, with BATCH_TASK_COUNT), the
number of shards from --shards n where the scheduler does not give it;
HTCondor passes --shard $(Process)/n. freightsim merge combines the shards.`,
		Example: `  freightsim sweep docs/sweeps/risk-carrier.yaml --out sweeps/risk
  freightsim sweep my-sweep.yaml --list                 # the points, without running them
  freightsim sweep my-sweep.yaml --scenario 3 > p3.yaml # point 3 as a scenario for freightsim run
  freightsim sweep my-sweep.yaml --set training.episodes=500 --out sweeps/short   # a quicker look
  freightsim sweep my-sweep.yaml --out sweeps/s --resume
  freightsim sweep my-sweep.yaml --out sweeps/s1 --shard 1/4   # one machine of four
  freightsim sweep my-sweep.yaml --out /data/s/$JOB_COMPLETION_INDEX --shards 8   # a Kubernetes indexed Job`,
		Args: exactArgs(1, "a sweep file"),
		RunE: func(cmd *cobra.Command, args []string) error { return runSweep(cmd, o, args[0], argv) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "write the sweep into `DIR` (default sweeps/NAME-YYYYMMDD-HHMMSS)")
	f.IntVarP(&o.workers, "workers", "w", 0, "runs at once (default: number of CPUs)")
	f.StringVar(&o.shard, "shard", "", "run shard `i/n` of the runs: those k with k mod n = i (HTCondor: --shard $(Process)/n)")
	f.IntVar(&o.shards, "shards", 0, "the number of shards `n`, the shard's index read from the array job's environment (Kubernetes JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX; Slurm and Google Cloud Batch give n too)")
	f.StringVar(&o.format, "format", "csv", "write the tables as `FORMAT`: csv, parquet or both")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress")
	f.BoolVar(&o.resume, "resume", false, "finish the sweep in --out (starts it if --out is empty)")
	f.BoolVar(&o.force, "force", false, "replace an existing sweep directory")
	addFigureFlags(cmd, &o.figures)
	f.BoolVar(&o.list, "list", false, "print the points and exit (nothing is run or written)")
	f.BoolVar(&o.list, "dry-run", false, "the same as --list")
	f.StringVar(&o.scenario, "scenario", "", "print point `P`'s scenario, with its seed, as YAML, and exit")
	f.StringArrayVar(&o.sets, "set", nil, "set `key.path=value` in the base scenario, after the sweep file's set (repeatable), e.g. training.episodes=500")
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	f.BoolVar(&o.failedOK, "failed-ok", false, "exit 0 when runs failed (they are recorded): for job arrays, so that the merge runs")
	_ = cmd.RegisterFlagCompletionFunc("format", completeWords("csv", "parquet", "both"))
	return cmd
}

func runSweep(cmd *cobra.Command, o *sweepOptions, file string, argv []string) error {
	sw, err := loadSweep(cmd, file, o.sets)
	if err != nil {
		return err
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if o.scenario != "" {
		p, err := strconv.Atoi(o.scenario)
		if err != nil {
			return usageError{fmt.Errorf("--scenario %q: want a point's number", o.scenario)}
		}
		return printPointScenario(stdout, sw, p)
	}
	formats, err := outputFlags(o.workers, o.format, o.resume, o.force, o.out, "sweep")
	if err != nil {
		return err
	}
	figures, err := o.figures.output()
	if err != nil {
		return err
	}
	shard, from, err := shardOf(o.shard, o.shards)
	if err != nil {
		return usageError{err}
	}
	if o.list {
		return listPoints(stdout, sw, shard)
	}
	start := time.Now()
	name := sw.Name + "-" + start.Format("20060102-150405")
	if !shard.Whole() {
		name += fmt.Sprintf("-shard%dof%d", shard.Index, shard.Count)
	}
	out, unlock, err := openOutput(o.out, "sweeps", name)
	if err != nil {
		return err
	}
	defer unlock()

	var d *sweep.Dir
	if o.resume {
		d, err = sweep.Resume(out, sw, shard)
	} else {
		d, err = sweep.Create(out, sw, shard, o.force)
	}
	if errors.Is(err, experiments.ErrRunExists) || errors.Is(err, sweep.ErrMismatch) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if !o.quiet {
		what := fmt.Sprintf("%d runs", d.Owned)
		if !shard.Whole() {
			what = fmt.Sprintf("shard %s (%s): %d of its %d runs", shard, from, d.Owned, sw.Runs())
		}
		fmt.Fprintf(stderr, "freightsim: sweep %s: %s x %s, %s, into %s\n", sw.Name, plural(sw.Points(), "point"), plural(sw.Replicates, "replicate"), what, out)
		if d.Done > 0 {
			fmt.Fprintf(stderr, "freightsim: resuming: %d of %d runs are in %s already (%d failed)\n",
				d.Done, d.Owned, filepath.Join(out, "journal.jsonl"), d.Failed)
		}
	}
	resume := resumeCommand(argv, out, o.out == "")
	defer tuneGC(sw.Runs())()
	bar := newProgress(stderr, d.TodoEpisodes, o.quiet, sw.Name)
	var mu sync.Mutex
	printed := 0
	res, runErr := d.Run(cmd.Context(), sweep.Options{
		Workers:   o.workers,
		Formats:   formats,
		Figures:   figures,
		Command:   argv,
		Resume:    resume,
		Progress:  bar.tick,
		Measuring: bar.measuring,
		OnRun: func(r *sweep.Record) {
			if !r.Failed {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if printed++; printed <= 10 {
				fmt.Fprintf(stderr, "freightsim: run (point %d, replicate %d) failed: %s\n", r.Point, r.Replicate, firstLine(r.Error))
			} else if printed == 11 {
				fmt.Fprintln(stderr, "freightsim: more runs failed; the journal has every one")
			}
		},
	})
	bar.finish()
	if res == nil {
		return runErr
	}
	m := res.Manifest
	if runErr != nil {
		msg := runErr.Error() + "\nfailed"
		if errors.Is(runErr, context.Canceled) {
			msg = "interrupted"
		}
		return stoppedError{fmt.Sprintf("%s: %d of %d runs are kept in %s\nto finish the sweep: %s",
			msg, m.RunsDone, m.ShardRuns, filepath.Join(out, "journal.jsonl"), resume), runErr}
	}
	printSweepSummary(stdout, sw, res)
	if fs := res.FailureSummary(); fs != "" {
		if o.failedOK {
			fmt.Fprintln(stderr, "freightsim: "+fs)
			return nil
		}
		return errors.New(fs)
	}
	return nil
}

// loadSweep reads a sweep file; a bad one is a usage error. The points'
// warnings (scenario.Config.Warnings) go to stderr, one a field: the
// first point's, and how many other points have one for that field.
func loadSweep(cmd *cobra.Command, file string, sets []string) (*sweep.Spec, error) {
	sw, err := sweep.LoadWith(file, sets)
	if err != nil {
		return nil, usageError{err}
	}
	var warnings config.Problems
	first, count := map[string]int{}, map[string]int{}
	// A strategy of kind custom runs only from a Go program: every run of
	// a point that has one would fail. An axis may set it at some points
	// only, so every point is checked; the first that has one is named.
	for p := range sw.Points() {
		sc, err := sw.PointScenario(p)
		if err != nil {
			continue // a point that does not build fails its runs, as it says
		}
		if ps := experiments.Unrunnable(&sc, nil); len(ps) > 0 {
			for i := range ps {
				ps[i].File = fmt.Sprintf("%s (point %d)", file, p)
			}
			return nil, usageError{ps}
		}
		for _, w := range sc.Warnings() {
			if count[w.Field] == 0 { // one line a field, the first point's
				warnings, first[w.Field] = append(warnings, w), p
			}
			count[w.Field]++
		}
	}
	for _, w := range warnings {
		others := ""
		if n := count[w.Field] - 1; n > 0 {
			others = fmt.Sprintf(" and %s", plural(n, "other"))
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "freightsim: warning: %s (point %d%s): %s: %s\n", file, first[w.Field], others, w.Field, w.Msg)
	}
	return sw, nil
}

// shardOf is the shard given by --shard, else by an array job's
// environment (sweep.ShardFromEnv, the count from --shards if given), else
// the whole sweep; from says which.
func shardOf(flag string, count int) (sweep.Shard, string, error) {
	if flag != "" {
		s, err := sweep.ParseShard(flag)
		if err != nil {
			return s, "", fmt.Errorf("--shard: %w", err)
		}
		if count > 0 && s.Count != count {
			return s, "", fmt.Errorf("--shard %s and --shards %d: give one", flag, count)
		}
		return s, "--shard", nil
	}
	s, from, err := sweep.ShardFromEnv(os.Getenv, count)
	if err != nil {
		return s, "", usageError{err}
	}
	if from == "" && count > 0 {
		return s, "", usageError{fmt.Errorf("--shards %d: no array task index in the environment (%s); give --shard i/%d", count, shardVars(), count)}
	}
	return s, "from " + from, nil
}

func shardVars() string {
	var vs []string
	for _, e := range sweep.ShardEnv {
		vs = append(vs, e.Index)
	}
	return strings.Join(vs, ", ")
}

// listPoints prints the sweep's points (of the shard's runs) as a table.
func listPoints(w io.Writer, sw *sweep.Spec, shard sweep.Shard) error {
	fmt.Fprintf(w, "sweep %s: %s design, %s x %s = %s, seed %d", sw.Name, sw.Design, plural(sw.Points(), "point"), plural(sw.Replicates, "replicate"), plural(sw.Runs(), "run"), sw.Seed)
	if !shard.Whole() {
		fmt.Fprintf(w, "; shard %s: %d runs", shard, shard.Size(sw.Runs()))
	}
	fmt.Fprintf(w, "\naggregates: %s\n", strings.Join(sw.Metrics, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"point", "seed", "episodes"}
	for _, ax := range sw.Axes {
		head = append(head, ax.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for p := range sw.Points() {
		if !shard.Whole() && !ownsAny(shard, p, sw.Replicates) {
			continue
		}
		row := []string{strconv.Itoa(p), strconv.FormatUint(sw.PointSeed(p), 10), strconv.Itoa(sw.Episodes(p) + 1)}
		for _, v := range sw.Point(p) {
			row = append(row, v.Text)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func ownsAny(s sweep.Shard, p, replicates int) bool {
	for r := range replicates {
		if s.Owns(p*replicates + r) {
			return true
		}
	}
	return false
}

// printPointScenario prints point p's scenario as YAML.
func printPointScenario(w io.Writer, sw *sweep.Spec, p int) error {
	sc, err := sw.PointScenario(p)
	if err != nil {
		return usageError{err}
	}
	b, err := yaml.Marshal(sc)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# point %d of sweep %s (%s): freightsim run on this file runs its %d replicates,\n# replicate r being run (point %d, replicate r) of the sweep\n",
		p, sw.Name, describePoint(sw, p), sw.Replicates, p)
	_, err = w.Write(b)
	return err
}

func describePoint(sw *sweep.Spec, p int) string {
	var parts []string
	for a, v := range sw.Point(p) {
		parts = append(parts, sw.Axes[a].Name+" = "+v.Text)
	}
	if len(parts) == 0 {
		return "no axes"
	}
	return strings.Join(parts, ", ")
}

// printSweepSummary prints what a sweep did and, for a finished one, a
// table of its aggregated metrics.
func printSweepSummary(w io.Writer, sw *sweep.Spec, res *sweep.Result) {
	m := res.Manifest
	shard := ""
	if m.Shard != "0/1" {
		shard = "shard " + m.Shard + ": "
	}
	fmt.Fprintf(w, "sweep %s: %s x %s; %s%s done (%d now, %d before), %d failed; %.1f s\n",
		sw.Name, plural(sw.Points(), "point"), plural(sw.Replicates, "replicate"), shard, plural(m.RunsDone, "run"), m.RunsRun, m.RunsLoaded, m.RunsFailed, m.WallSeconds)
	if !res.Finished {
		fmt.Fprintf(w, "wrote shard %s to %s: freightsim merge combines it with the other shards\n", m.Shard, res.Dir)
		return
	}
	printAggregate(w, sw, filepath.Join(res.Dir, "aggregate.csv"))
	printSensitivity(w, filepath.Join(res.Dir, "sensitivity.csv"))
	for _, s := range m.PlotsSkipped {
		fmt.Fprintf(w, "not drawn: %s\n", s)
	}
	fmt.Fprintf(w, "wrote %s: %s\n", res.Dir, strings.Join(m.Files, ", "))
}

// printAggregate prints the mean and 95 % CI of the first aggregated
// metrics at the first points of aggregate.csv.
func printAggregate(w io.Writer, sw *sweep.Spec, path string) {
	const maxPoints, maxMetrics = 20, 4
	recs := readTable(path)
	if len(recs) < 2 {
		return
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	metrics := sw.Metrics[:min(len(sw.Metrics), maxMetrics)]
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"point"}
	for _, ax := range sw.Axes {
		head = append(head, ax.Name)
	}
	head = append(head, "n")
	for _, m := range metrics {
		head = append(head, m+" (95% CI)")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range recs[1:min(len(recs), maxPoints+1)] {
		row := []string{r[0]}
		for _, ax := range sw.Axes {
			row = append(row, sigFigures(r[col[ax.Name]]))
		}
		row = append(row, r[col["replicates_ok"]])
		for _, m := range metrics {
			row = append(row, meanCI(r[col[m+"_mean"]], r[col[m+"_ci95_low"]], r[col[m+"_ci95_high"]]))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	if len(recs)-1 > maxPoints || len(sw.Metrics) > maxMetrics {
		fmt.Fprintf(w, "(%d of %d points, %d of %d metrics: all are in %s)\n",
			min(len(recs)-1, maxPoints), len(recs)-1, len(metrics), len(sw.Metrics), path)
	}
}

// meanCI is a mean and the half-width of its interval, read from a table:
// the half-width to two significant digits, 0 when it is below the float
// rounding of the mean (a constant metric's interval of 1e-16).
func meanCI(mean, lo, hi string) string {
	m, err := strconv.ParseFloat(mean, 64)
	if err != nil || math.IsNaN(m) {
		return "-"
	}
	s := num(m)
	l, errL := strconv.ParseFloat(lo, 64)
	h, errH := strconv.ParseFloat(hi, 64)
	if errL == nil && errH == nil {
		half := (h - l) / 2
		if half <= 1e-9*math.Max(1, math.Abs(m)) {
			half = 0
		}
		s += " ± " + results.FormatFloat(roundSig(half, 2))
	}
	return s
}

// sigFigures writes a number of a table to 4 significant digits (a whole
// number as it is); text as it is.
func sigFigures(field string) string {
	x, err := strconv.ParseFloat(field, 64)
	if err != nil {
		return field
	}
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return results.FormatFloat(roundSig(x, 4))
}

// readTable reads a CSV file's records; nil if it cannot.
func readTable(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	recs, _ := csv.NewReader(f).ReadAll()
	return recs
}

// printSensitivity prints the indices of sensitivity.csv, if there is one:
// a line per metric and axis, each index with the half-width of its
// interval.
func printSensitivity(w io.Writer, path string) {
	recs := readTable(path)
	if len(recs) < 2 {
		return
	}
	var kinds []string
	type key struct{ metric, factor string }
	var keys []key
	cells := map[key]map[string]string{}
	for _, r := range recs[1:] {
		k := key{r[0], r[1]}
		if cells[k] == nil {
			cells[k] = map[string]string{}
			keys = append(keys, k)
		}
		if !slices.Contains(kinds, r[2]) {
			kinds = append(kinds, r[2])
		}
		cells[k][r[2]] = meanCI(r[3], r[4], r[5])
	}
	fmt.Fprintf(w, "sensitivity (%s, 95%% bootstrap CI; all in %s):\n", strings.Join(kinds, ", "), path)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\taxis\t"+strings.Join(kinds, "\t")+"\t")
	for _, k := range keys {
		row := []string{k.metric, k.factor}
		for _, kind := range kinds {
			row = append(row, cells[k][kind])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// tuneGC sets the garbage collector for a sweep, unless GOGC or GOMEMLIMIT
// says otherwise, and returns what restores it. A run allocates fast and
// keeps little, so with the default GOGC=100 the collector runs every few
// milliseconds and its pauses stop every worker: two workers ran a
// CPU-bound sweep only 1.5 times as fast as one (docs/SWEEPS.md). With
// GOGC=400 it runs a quarter as often (1.85 times as fast), and a soft
// memory limit of 48 MiB, plus room for the index of the journal's runs,
// keeps the heap small where the results are written and drawn.
func tuneGC(runs int) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(48<<20 + 100*int64(runs))
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// plural is "1 point", "2 points".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
