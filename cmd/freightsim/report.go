package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/sweep"
	"github.com/freightsim/freightsim/results/report"
)

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Write a run's, a curve's or a sweep's report.html again from its files",
		Long: `report writes DIR/report.html: one self-contained page, to open offline or send
to a colleague, with the scenario in words, the headline table with 95 %
intervals, theory next to what was learned, every figure (embedded) and links
to the tables. run, curve and sweep write it themselves; report draws it again
from the files alone, for instance after freightsim plot DIR --plot-size 8.5x6.

DIR is a run directory (summary.json), a curve directory (curve.csv) or a
finished sweep directory (sweep.yaml and aggregate.csv).`,
		Example: `  freightsim run --out runs/p2
  freightsim report runs/p2
  xdg-open runs/p2/report.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("report takes one directory, got %d argument(s)\nsee '%s --help'", len(args), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			has := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
			var err error
			switch {
			case has("sweep.yaml"):
				err = sweep.WriteReport(dir)
			case has("curve.csv"):
				err = experiments.WriteCurveReport(dir)
			case has("summary.json"):
				err = experiments.WriteRunReport(dir)
			default:
				return usageError{fmt.Errorf("%s is not a run, curve or sweep directory: it has no summary.json, curve.csv or sweep.yaml", dir)}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", filepath.Join(dir, report.FileName))
			return nil
		},
	}
}
