package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/lock"
	"github.com/freightsim/freightsim/experiments/sweep"
)

type mergeOptions struct {
	format  string
	force   bool
	quiet   bool
	figures figureFlags
}

func newMergeCmd(argv []string) *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge OUT SHARD_DIR...",
		Short: "Combine the shard directories of a sweep into one, with its results",
		Long: `merge combines the directories of the shards of one sweep (freightsim sweep
--shard i/n, on several machines or as the tasks of a Slurm job array) into
OUT, and writes its results there as a sweep run in one place would: runs.csv,
aggregate.csv and the figures are byte for byte those of freightsim sweep
without shards.

It first checks that every directory holds the same sweep and that, between
them, they hold every run exactly once; it names the runs missing (and the
shard that should hold them) or doubled, and then writes nothing (exit 2).
It exits 1 after writing everything if runs failed.`,
		Example: `  freightsim merge sweeps/risk sweeps/risk-shard0of4 sweeps/risk-shard1of4 sweeps/risk-shard2of4 sweeps/risk-shard3of4
  freightsim merge sweeps/risk/results sweeps/risk/shards/*`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError{fmt.Errorf("%s wants the output directory and at least one shard directory, got %d argument(s)\nsee '%s --help'",
					cmd.CommandPath(), len(args), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			formats, err := experiments.ParseFormats(o.format)
			if err != nil {
				return usageError{fmt.Errorf("--format: %w", err)}
			}
			figures, err := o.figures.output()
			if err != nil {
				return err
			}
			res, err := sweep.Merge(args[0], args[1:], sweep.MergeOptions{Overwrite: o.force, Formats: formats, Figures: figures, Command: argv})
			var cov *sweep.CoverageError
			switch {
			case errors.As(err, &cov):
				return usageError{fmt.Errorf("cannot merge: %w\nnothing was written", err)}
			case errors.Is(err, sweep.ErrMismatch), errors.Is(err, sweep.ErrNotADir), errors.Is(err, experiments.ErrRunExists),
				errors.Is(err, lock.ErrHeld), errors.Is(err, experiments.ErrNotDir):
				return usageError{fmt.Errorf("cannot merge: %w", err)}
			case err != nil:
				return err
			}
			sw, err := sweep.Load(args[0] + "/sweep.yaml")
			if err != nil {
				return err
			}
			if !o.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "freightsim: merged %d shard directories of sweep %s into %s\n", len(args)-1, sw.Name, args[0])
			}
			printSweepSummary(cmd.OutOrStdout(), sw, res)
			if fs := res.FailureSummary(); fs != "" {
				return errors.New(fs)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "csv", "write the tables as `FORMAT`: csv, parquet or both")
	f.BoolVar(&o.force, "force", false, "replace an existing sweep directory OUT")
	addFigureFlags(cmd, &o.figures)
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on stderr")
	_ = cmd.RegisterFlagCompletionFunc("format", completeWords("csv", "parquet", "both"))
	return cmd
}
