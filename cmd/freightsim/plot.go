package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results/chart"
)

func newPlotCmd() *cobra.Command {
	var fo figureFlags
	cmd := &cobra.Command{
		Use:   "plot DIR",
		Short: "Draw a run's figures again from its files",
		Long: `plot draws the standard figures of a run directory from the files in it alone
(evaluations.csv, episodes.csv, trades.csv if present, theory.json): a learning
curve per metric with its 95 % band over replicates, bids, asks and prices
during training against the equilibrium band, utilisation and reward shares,
and the distribution of prices. Each figure is written to DIR/plots as PNG, SVG
(or as --plot-format says) and the CSV of exactly the data it shows. A run draws them itself unless given
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
			out, err := fo.output()
			if err != nil {
				return err
			}
			if _, err := os.Stat(filepath.Join(dir, "evaluations.csv")); err != nil {
				return usageError{fmt.Errorf("%s is not a run directory with CSV tables (no evaluations.csv): %w", dir, err)}
			}
			files, err := experiments.WritePlots(dir, out)
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
			fmt.Fprintf(cmd.OutOrStdout(), "drew %d figures into %s (%s and the CSV of their data)\n",
				len(files)/(1+len(out.Formats)), filepath.Join(dir, experiments.PlotsDir), strings.ToUpper(strings.Join(out.Formats, ", ")))
			return nil
		},
	}
	addFigureFlags(cmd, &fo)
	return cmd
}

// figureFlags are the options of the figures that run, curve, sweep, merge,
// plot and report share.
type figureFlags struct {
	formats  string
	size     string
	fontSize float64
	dpi      int
}

func addFigureFlags(cmd *cobra.Command, o *figureFlags) {
	f := cmd.Flags()
	f.StringVar(&o.formats, "plot-format", "png,svg", "save the figures as `FORMATS`: png, svg, pdf, comma-separated")
	f.StringVar(&o.size, "plot-size", "", "draw the figures at `WxH` centimetres, e.g. 8.5x6 for a journal column (default: 16 wide, 10 or more high)")
	f.Float64Var(&o.fontSize, "font-size", 0, "axis labels in `POINTS` (titles 1.2 times, ticks and legends 0.9 times; default 10)")
	f.IntVar(&o.dpi, "plot-dpi", 0, "draw the PNG figures at `DPI` dots per inch, from 50 to 600 (default 150: 945 pixels across; 300 for print or slides, 100 for lighter files)")
	_ = cmd.RegisterFlagCompletionFunc("plot-format", completeWords("png", "svg", "pdf", "png,svg", "png,pdf", "svg,pdf"))
}

// output checks the figure flags; a bad one is a usage error naming it.
func (o figureFlags) output() (chart.Output, error) {
	out, err := chart.ParseOutput(o.formats, o.size, o.fontSize)
	if err != nil {
		flag := "--plot-format"
		switch {
		case strings.HasPrefix(err.Error(), "figure size"):
			flag = "--plot-size"
		case strings.HasPrefix(err.Error(), "font size"):
			flag = "--font-size"
		}
		return out, usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	if o.dpi != 0 && (o.dpi < 50 || o.dpi > 600) {
		return out, usageError{fmt.Errorf("--plot-dpi %d: want dots per inch from 50 to 600 (150 if not given)", o.dpi)}
	}
	out.DPI = o.dpi
	return out, nil
}
