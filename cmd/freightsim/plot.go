package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
)

func newPlotCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "plot DIR",
		Short: "Draw a run's figures again from its files",
		Long: `plot draws the standard figures of a run directory from the files in it alone
(evaluations.csv, episodes.csv, trades.csv if present, theory.json): a learning
curve per metric with its 95 % band over replicates, bids, asks and prices
during training against the equilibrium band, utilisation and reward shares,
and the distribution of prices. Each figure is written to DIR/plots as PNG, SVG
and the CSV of exactly the data it shows. A run draws them itself unless given
--no-plots; plot draws them again, for instance after you deleted them.`,
		Example: `  freightsim run --replicates 4 --out runs/p2
  rm -r runs/p2/plots
  freightsim plot runs/p2`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("plot takes one run directory, got %d argument(s)\nsee '%s --help'", len(args), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if _, err := os.Stat(filepath.Join(dir, "evaluations.csv")); err != nil {
				return usageError{fmt.Errorf("%s is not a run directory with CSV tables (no evaluations.csv): %w", dir, err)}
			}
			files, err := experiments.WritePlots(dir)
			if err != nil {
				return err
			}
			// Let the manifest list the figures, so that run --force removes them.
			if m, err := experiments.ReadManifest(dir); err == nil {
				for _, f := range files {
					if !slices.Contains(m.Files, f) {
						m.Files = append(m.Files, f)
					}
				}
				if err := experiments.WriteManifest(dir, m); err != nil {
					return err
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "drew %d figures into %s (PNG, SVG and the CSV of their data)\n",
				len(files)/3, filepath.Join(dir, experiments.PlotsDir))
			return nil
		},
	}
}
