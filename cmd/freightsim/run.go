package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
)

type runOptions struct {
	out        string
	seed       uint64
	replicates int
	episodes   int
	workers    int
	quiet      bool
	force      bool
}

func newRunCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [PRESET|FILE.yaml]",
		Short: "Train and evaluate a scenario over replicates and write its results",
		Long: `run trains the learning agents of a scenario, evaluates them, and writes the
results into a run directory:

  summary.json      each metric of the final evaluation: mean, sd, 95 % CI, n
  evaluations.csv   one row per replicate and evaluation point, one column per metric
  config.yaml       the effective scenario (run it again to reproduce the run)
  manifest.json     version, command, seeds, timings, machine

With no argument it runs the default preset, ` + experiments.DefaultPreset + `.
Results depend only on the scenario and the seed, never on --workers.`,
		Example: `  # P2 exactly, one replicate
  freightsim run
  # eight replicates, into a named directory
  freightsim run smart-containers-2020 --replicates 8 --out runs/p2
  # a scenario of your own, a short run
  freightsim run my-market.yaml --episodes 500 --seed 7`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRun(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "run directory (default runs/NAME-YYYYMMDD-HHMMSS)")
	f.Uint64Var(&o.seed, "seed", 0, "base seed (default: the scenario's)")
	f.IntVarP(&o.replicates, "replicates", "r", 0, "independent replicates (default: the scenario's)")
	f.IntVar(&o.episodes, "episodes", 0, "training episodes (default: the scenario's)")
	f.IntVarP(&o.workers, "workers", "w", 0, "replicates run at once (default: number of CPUs)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress")
	f.BoolVar(&o.force, "force", false, "replace an existing run directory")
	return cmd
}

func runRun(cmd *cobra.Command, o *runOptions, args []string) error {
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	sc, err := experiments.Resolve(name)
	if err != nil {
		return usageError{err}
	}
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
		sc.Training.Episodes = o.episodes
	}
	if o.workers < 0 {
		return usageError{fmt.Errorf("--workers %d: want 0 (all CPUs) or more", o.workers)}
	}
	start := time.Now()
	out := o.out
	if out == "" {
		out = filepath.Join("runs", sc.Name+"-"+start.Format("20060102-150405"))
	}
	if err := experiments.PrepareDir(out, o.force); err != nil {
		if errors.Is(err, experiments.ErrRunExists) {
			return usageError{err}
		}
		return err
	}

	stderr := cmd.ErrOrStderr()
	if !o.quiet {
		fmt.Fprintf(stderr, "freightsim: running %s, %d replicate(s) of %d training episodes, into %s\n",
			sc.Name, sc.Replicates, sc.Training.Episodes+1, out)
	}
	bar := newProgress(stderr, sc.Replicates*(sc.Training.Episodes+1), o.quiet, sc.Name)
	res, runErr := experiments.Run(cmd.Context(), sc, experiments.Options{Workers: o.workers, Progress: bar.tick})
	bar.finish()
	if res == nil {
		return runErr
	}
	workers := o.workers
	if workers == 0 {
		workers = -1 // recorded as "all CPUs"
	}
	m := experiments.NewManifest(res, os.Args, workers, start, runErr)
	if err := experiments.WriteRun(out, res, m); err != nil {
		return errors.Join(runErr, err)
	}
	printSummary(cmd.OutOrStdout(), res, out)
	if runErr != nil {
		return fmt.Errorf("%w\n%d of %d replicates finished; their results are in %s", runErr, len(m.Completed), sc.Replicates, out)
	}
	return nil
}

// printSummary prints the final evaluation's metrics as a table.
func printSummary(w io.Writer, res *experiments.Result, out string) {
	s := res.Summary
	fmt.Fprintf(w, "%s: final evaluation after %d training episodes, %d replicate(s), seed %d\n",
		s.Scenario, s.Episode, s.Replicates, s.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tmean\tsd\t95% CI low\t95% CI high\tn\t")
	for _, name := range res.Evaluations.Values {
		st := s.Metrics[name]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", name, num(st.Mean), num(st.SD), num(st.CI95Low), num(st.CI95High), st.N)
	}
	tw.Flush()
	fmt.Fprintf(w, "wrote %s (%.1f s, %.3g events/s)\n", out, res.Wall.Seconds(), float64(res.Events)/res.Wall.Seconds())
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return results.FormatFloat(math.Round(x*1e4) / 1e4)
}
