package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/lock"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
)

type runOptions struct {
	out        string
	seed       uint64
	replicates int
	episodes   int
	workers    int
	sets       []string
	format     string
	trades     bool
	quiet      bool
	force      bool
	resume     bool
	noPlots    bool
	figures    figureFlags
}

func newRunCmd(argv []string) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [PRESET|FILE.yaml]",
		Short: "Train and evaluate a scenario over replicates and write its results",
		Long: `run trains the learning agents of a scenario, evaluates them, and writes the
results into a run directory:

  summary.json      each metric of the final evaluation: mean, sd, 95 % CI, n
  evaluations.csv   one row per replicate and evaluation point, one column per metric
  episodes.csv      one row per replicate and training episode
  trades.csv        one row per trade of the evaluation episodes (with --trades)
  config.yaml       the effective scenario (run it again to reproduce the run)
  manifest.json     version, command, seeds, timings, machine, which replicates finished

With --format parquet (or both) the tables are also, or instead, written as
Parquet files (.parquet) for pandas, polars, R and DuckDB.

With no argument it runs the default preset, ` + scenario.DefaultPreset + `. A scenario is a
preset name or a YAML file (docs/CONFIG.md); --set changes one key of it,
after the file and before validation. Results depend only on the scenario and
the seed, never on --workers.

Ctrl-C (or SIGTERM) stops at the end of the current training episode, keeps
every finished replicate, and exits with code 130; the same command with
--resume finishes the run, giving the same files as an uninterrupted run.`,
		Example: `  # P2 exactly, one replicate
  freightsim run
  # eight replicates, into a named directory
  freightsim run smart-containers-2020 --replicates 8 --out runs/p2
  # a scenario of your own, a short run
  freightsim run my-market.yaml --episodes 500 --seed 7
  # change keys of a scenario without editing it
  freightsim run --set 'carriers[0].capacity=60' --set 'jobs.volume={min: 1, max: 5}'
  # every trade, and Parquet files as well as CSV
  freightsim run --trades --format both --out runs/trades
  # finish a run that was interrupted
  freightsim run smart-containers-2020 --replicates 8 --out runs/p2 --resume`,
		Args:              maxArgs(1),
		ValidArgsFunction: completeScenario(true),
		RunE:              func(cmd *cobra.Command, args []string) error { return runRun(cmd, o, args, argv) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "write the run into `DIR` (default runs/NAME-YYYYMMDD-HHMMSS)")
	f.Var(seedFlag{&o.seed}, "seed", "base seed (default: the scenario's); a table's signed seed column is read as the same seed")
	f.IntVarP(&o.replicates, "replicates", "r", 0, "independent replicates (default: the scenario's)")
	f.IntVar(&o.episodes, "episodes", 0, "training episodes (default: the scenario's); evaluated at least every tenth of them unless --set evaluation.every=N")
	f.IntVarP(&o.workers, "workers", "w", 0, "replicates run at once (default: number of CPUs)")
	f.StringArrayVar(&o.sets, "set", nil, "set `key.path=value` in the scenario, after the file (repeatable), e.g. carriers[0].capacity=60")
	f.StringVar(&o.format, "format", "csv", "write the tables as `FORMAT`: csv, parquet or both")
	f.BoolVar(&o.trades, "trades", false, "record every trade of the evaluation episodes (trades.csv)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress")
	f.BoolVar(&o.force, "force", false, "replace an existing run directory")
	f.BoolVar(&o.noPlots, "no-plots", false, "do not draw the figures into DIR/plots (freightsim plot DIR draws them later)")
	addFigureFlags(cmd, &o.figures)
	f.BoolVar(&o.resume, "resume", false, "finish the interrupted run in --out (starts it if --out is empty)")
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	_ = cmd.RegisterFlagCompletionFunc("format", completeWords("csv", "parquet", "both"))
	return cmd
}

func runRun(cmd *cobra.Command, o *runOptions, args, argv []string) error {
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	sc, err := scenarioFor(cmd, name, o.sets)
	if err != nil {
		return err
	}
	warn(cmd, &sc)
	flags := cmd.Flags()
	if flags.Changed("seed") {
		sc.Seed = o.seed
	}
	if flags.Changed("replicates") {
		if o.replicates < 1 {
			return usageError{fmt.Errorf("--replicates %d: want at least 1", o.replicates)}
		}
		sc.Replicates = o.replicates
	}
	if flags.Changed("episodes") {
		if o.episodes < 0 {
			return usageError{fmt.Errorf("--episodes %d: want 0 or more", o.episodes)}
		}
		sc.SetEpisodes(o.episodes, setsKey(o.sets, "evaluation.every"))
	}
	if err := checkScenario(cmd, name, &sc); err != nil {
		return err
	}
	formats, err := outputFlags(o.workers, o.format, o.resume, o.force, o.out, "run")
	if err != nil {
		return err
	}
	figures, err := o.figures.output()
	if err != nil {
		return err
	}
	start := time.Now()
	out, unlock, err := openOutput(o.out, "runs", sc.Name+"-"+start.Format("20060102-150405"))
	if err != nil {
		return err
	}
	defer unlock()
	stderr := cmd.ErrOrStderr()

	var done []*experiments.ReplicateResult
	if o.resume {
		done, err = experiments.Resume(out, sc, o.trades)
		switch {
		case errors.Is(err, experiments.ErrRunComplete):
			fmt.Fprintf(stderr, "freightsim: %s already holds the complete run: nothing to do\n", out)
			return nil
		case errors.Is(err, experiments.ErrResumeMismatch):
			return usageError{err}
		case err != nil:
			return err
		}
	} else if err := experiments.PrepareDir(out, o.force); err != nil {
		if errors.Is(err, experiments.ErrRunExists) {
			return usageError{err}
		}
		return err
	}
	loaded := 0
	for _, d := range done {
		if d != nil {
			loaded++
		}
	}

	resume := resumeCommand(argv, out, o.out == "")
	m := experiments.NewManifest(sc, argv, o.workers, start)
	m.Trades, m.Resume = o.trades, resume
	if err := experiments.WriteConfig(out, sc); err != nil {
		return err
	}
	if err := experiments.WriteManifest(out, m); err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "freightsim: running %s, %d replicate(s) of %s, into %s\n",
			sc.Name, sc.Replicates, episodesText(sc.Training.Episodes), out)
		if o.resume {
			fmt.Fprintf(stderr, "freightsim: resuming: %d of %d replicate(s) finished before and are read from %s\n",
				loaded, sc.Replicates, filepath.Join(out, "replicates"))
		}
	}
	bar := newProgress(stderr, (sc.Replicates-loaded)*(sc.Training.Episodes+1), o.quiet, sc.Name)
	res, runErr := experiments.Run(cmd.Context(), sc, experiments.Options{
		Workers:     o.workers,
		Progress:    bar.tick,
		Measuring:   bar.measuring,
		Trades:      o.trades,
		Done:        done,
		OnReplicate: func(rep *experiments.ReplicateResult) error { return experiments.WriteReplicate(out, rep) },
	})
	bar.finish()
	if res == nil {
		return runErr
	}
	m.Finish(res, runErr)
	if !m.Complete {
		m.Resume = resume
	}
	formats.Plots, formats.Figures = !o.noPlots, &figures
	if err := experiments.WriteRun(out, res, m, formats); err != nil {
		return errors.Join(runErr, err)
	}
	var stopped error
	if runErr != nil {
		// Said before the summary, so that "interrupted" comes before
		// "wrote" on a terminal.
		msg := runErr.Error() + "\nfailed"
		if errors.Is(runErr, context.Canceled) {
			msg = "interrupted"
		}
		stopped = stoppedError{fmt.Sprintf("%s: %d of %d replicate(s) finished and are kept in %s\nto finish the run: %s",
			msg, len(m.Completed), sc.Replicates, out, resume), runErr}
		fmt.Fprintln(stderr, "freightsim:", stopped)
		stopped = reportedError{stopped}
	}
	if len(m.Completed) > 0 {
		if err := experiments.WriteRunReport(out); err != nil {
			return errors.Join(runErr, err)
		}
		printSummary(cmd.OutOrStdout(), res, out)
	}
	return stopped
}

// flagKeys are the scenario keys that flags of run set.
var flagKeys = map[string]string{"seed": "seed", "replicates": "replicates", "training.episodes": "episodes"}

// checkScenario validates sc, the scenario named name once flags changed
// it, and checks that the command line can run it, before anything is
// written: a problem of a key that a flag set names the flag.
func checkScenario(cmd *cobra.Command, name string, sc *scenario.Config) error {
	ps := append(sc.Validate(), experiments.Unrunnable(sc, nil)...)
	if len(ps) == 0 {
		return nil
	}
	if name == "" {
		name = scenario.DefaultPreset
	}
	for i := range ps {
		if flag, ok := flagKeys[ps[i].Field]; ok && cmd.Flags().Changed(flag) {
			ps[i].File = "--" + flag + " " + cmd.Flags().Lookup(flag).Value.String()
		} else if ps[i].File == "" {
			ps[i].File = name
		}
	}
	return usageError{ps}
}

// openOutput creates and locks the output directory out, or, when out is
// "", a new directory parent/name (with a suffix if that is taken), and
// returns it with the function that unlocks it. A directory that another
// process writes, or a path that is a file, is a usage error.
func openOutput(out, parent, name string) (string, func(), error) {
	if out == "" {
		var err error
		if out, err = experiments.NewDir(parent, name); err != nil {
			return "", nil, err
		}
	}
	l, err := experiments.LockDir(out)
	if errors.Is(err, lock.ErrHeld) || errors.Is(err, experiments.ErrNotDir) {
		return "", nil, usageError{fmt.Errorf("--out %w", err)}
	}
	if err != nil {
		return "", nil, err
	}
	return out, func() { l.Release() }, nil
}

// setsKey says whether one of the --set flags sets key or a key above it.
func setsKey(sets []string, key string) bool {
	for _, s := range sets {
		k, _, _ := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if k == key || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// stoppedError is a run that stopped before its end: it says what was kept
// and how to finish, and wraps why it stopped.
type stoppedError struct {
	msg string
	err error
}

func (e stoppedError) Error() string { return e.msg }
func (e stoppedError) Unwrap() error { return e.err }

// scenarioFor resolves a preset or file with overrides; a bad one is a usage error.
func scenarioFor(cmd *cobra.Command, name string, sets []string) (scenario.Config, error) {
	sc, err := scenario.ResolveWith(name, sets)
	if err != nil {
		return sc, usageError{err}
	}
	return sc, nil
}

// warn prints the scenario's warnings (scenario.Config.Warnings): valid,
// but probably not what was meant.
func warn(cmd *cobra.Command, sc *scenario.Config) {
	for _, w := range sc.Warnings() {
		fmt.Fprintf(cmd.ErrOrStderr(), "freightsim: warning: %s: %s\n", w.Field, w.Msg)
	}
}

// resumeCommand is the command line that resumes this run: argv with
// --resume, with --out if the directory was not named, without --force.
func resumeCommand(argv []string, out string, addOut bool) string {
	words := invokedAs()
	for _, a := range argv[1:] {
		if a == "--force" || a == "--force=true" {
			continue
		}
		words = append(words, a)
	}
	if addOut {
		words = append(words, "--out", out)
	}
	if !slices.Contains(argv, "--resume") && !slices.Contains(argv, "--resume=true") {
		words = append(words, "--resume")
	}
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// invokedAs is how the user ran this binary: "go run ./cmd/freightsim" for a
// binary that go run built, else the program name as typed.
func invokedAs() []string {
	prog := os.Args[0]
	if strings.Contains(filepath.ToSlash(prog), "/go-build") && filepath.Base(prog) == "freightsim" {
		return []string{"go", "run", "./cmd/freightsim"}
	}
	if strings.HasSuffix(prog, ".test") {
		return []string{"freightsim"} // in-process tests
	}
	return []string{prog}
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printSummary prints the final evaluation's metrics as a table.
func printSummary(w io.Writer, res *experiments.Result, out string) {
	s := res.Summary
	done := 0
	for _, d := range res.Done {
		if d {
			done++
		}
	}
	reps := fmt.Sprintf("%d replicate(s)", s.Replicates)
	if done < s.Replicates {
		reps = fmt.Sprintf("%d of %d replicate(s)", done, s.Replicates)
	}
	at := episodesText(s.Episode)
	if len(s.Stopped) > 0 {
		at += " or an early stop (below)"
	}
	fmt.Fprintf(w, "%s: final evaluation after %s, %s, seed %d\n", s.Scenario, at, reps, s.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tmean\tsd\t95% CI low\t95% CI high\tn\t")
	for _, name := range res.Evaluations.Values {
		st := s.Metrics[name]
		if st.N == 0 {
			continue // not measured in this scenario (e.g. a carrier's sigma when no carrier learns)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", name, num(st.Mean), num(st.SD), num(st.CI95Low), num(st.CI95High), st.N)
	}
	tw.Flush()
	for _, st := range s.Stopped {
		fmt.Fprintf(w, "replicate %d stopped early, after training episode %d: %s\n", st.Replicate, st.Episode, st.Reason)
	}
	if bid, ask, ok := experiments.LearnedLines(&res.Scenario, s); ok {
		line := fmt.Sprintf("learned, in money (the mean weights): bid(v) = %s, ask(c) = %s", bid.Format("v", num), ask.Format("c", num))
		if th := res.Theory; th != nil && th.Bilateral != nil {
			line += fmt.Sprintf("; Chatterjee and Samuelson: bid(v) = %s, ask(c) = %s", th.Bilateral.Bid.Format("v", num), th.Bilateral.Ask.Format("c", num))
		} else if th != nil && th.Large != nil {
			line += fmt.Sprintf("; the %d x %d market's linear equilibrium: bid(v) = %s, ask(c) = %s", th.Large.M, th.Large.M, th.Large.Bid.Format("v", num), th.Large.Ask.Format("c", num))
		} else {
			line += "; no linear equilibrium in closed form here (theory.json says why)"
		}
		fmt.Fprintln(w, line)
	} else {
		learnedAgainstFixed(w, res, s)
	}
	rate := ""
	if sec := res.Wall.Seconds(); sec > 0 && res.Events > 0 {
		rate = fmt.Sprintf(", %.3g events/s", float64(res.Events)/sec)
	}
	if res.Measured > 0 {
		rate += fmt.Sprintf("; measuring the distance to equilibrium took %.1f s, summed over replicates", res.Measured.Seconds())
	}
	fmt.Fprintf(w, "wrote %s (%.1f s%s)\n", out, res.Wall.Seconds(), rate)
}

// learnedAgainstFixed prints the line a side of a bilateral market
// learned when the other side does not learn, next to its best response
// to the other side's rule where theory gives it (experiments.BestToFixed);
// in other markets, the rule the first learning shipper and carrier
// learned, in money (experiments.LearnedRule).
func learnedAgainstFixed(w io.Writer, res *experiments.Result, s results.Summary) {
	for _, carrier := range []bool{false, true} {
		got, ok := experiments.LearnedLine(&res.Scenario, s, carrier)
		if !ok {
			if names, u, ok := experiments.LearnedRule(&res.Scenario, s, carrier); ok {
				who, quote := "shipper", "bid"
				if carrier {
					who, quote = "carrier", "ask"
				}
				fmt.Fprintf(w, "the first learning %s learned, in money per unit of each feature (the mean weights): %s = %s\n", who, quote, experiments.RuleText(names, u))
			}
			continue
		}
		quote, x := "bid(v)", "v"
		if carrier {
			quote, x = "ask(c)", "c"
		}
		line := fmt.Sprintf("learned, in money (the mean weights): %s = %s", quote, got.Format(x, num))
		if best, against, ok := experiments.BestToFixed(&res.Scenario, res.Theory, carrier); ok {
			line += fmt.Sprintf("; the best response to %s: %s = %s", against, quote, best.Format(x, num))
		}
		fmt.Fprintln(w, line)
	}
}

// episodesText counts the training episodes of training.episodes n as
// every message says it: episodes 0..n, n+1 of them (each followed by a
// policy update), as the progress bar counts them.
func episodesText(n int) string {
	return fmt.Sprintf("%d training episodes (0..%d)", n+1, n)
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return results.FormatFloat(math.Round(x*1e4) / 1e4)
}

// outputFlags checks the flags that run and sweep share: --workers,
// --format, --resume and --force; what is "run" or "sweep".
func outputFlags(workers int, format string, resume, force bool, out, what string) (experiments.Formats, error) {
	if workers < 0 {
		return experiments.Formats{}, usageError{fmt.Errorf("--workers %d: want 0 (all CPUs) or more", workers)}
	}
	formats, err := experiments.ParseFormats(format)
	if err != nil {
		return formats, usageError{fmt.Errorf("--format: %w", err)}
	}
	if resume && force {
		return formats, usageError{fmt.Errorf("--resume keeps a %s directory and --force replaces it: give one of them", what)}
	}
	if resume && out == "" {
		return formats, usageError{fmt.Errorf("--resume needs --out DIR, the directory of the %s to finish", what)}
	}
	return formats, nil
}

// seedFlag is a --seed flag: a uint64, or the signed int64 of the same bits
// that the tables' seed columns hold (seed.Parse).
type seedFlag struct{ v *uint64 }

func (f seedFlag) String() string {
	if f.v == nil {
		return "0"
	}
	return strconv.FormatUint(*f.v, 10)
}

func (f seedFlag) Set(s string) error {
	v, err := seed.Parse(s)
	if err != nil {
		return err
	}
	*f.v = v
	return nil
}

func (f seedFlag) Type() string { return "seed" }
