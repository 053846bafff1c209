package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
)

type curveOptions struct {
	out        string
	ratios     string
	replicates int
	episodes   int
	workers    int
	sets       []string
	quiet      bool
	force      bool
	figures    figureFlags
}

func newCurveCmd(argv []string) *cobra.Command {
	o := &curveOptions{}
	cmd := &cobra.Command{
		Use:   "curve [PRESET|FILE.yaml]",
		Short: "Plot a learned market's price and utilisation against the demand/capacity ratio",
		Long: `curve runs a scenario at several ratios of demanded volume to offered capacity
(its demand_ratio), from capacity-driven to freight-driven, and plots the learned
price per unit of transport cost and utilisation at each, with their 95 % bands
over replicates, in front of the competitive equilibrium's price band and
utilisation. It writes into DIR:

  curve.csv        one row per ratio: learned means and intervals, and the equilibrium's
  sweep_price_per_cost_vs_demand_ratio_theory.{png,svg,csv}
  sweep_utilization_vs_demand_ratio_theory.{png,svg,csv}
  config.yaml      the scenario at ratio 1
  report.html      the scenario, the table and the figures on one page

With no argument it draws the curve of the balanced preset. A ratio is set by
scaling the carriers' capacities, which are whole units: a ratio they cannot
reach within 10 % (a corridor's small trucks, bilateral's single unit above 1)
is refused before anything is written, with the nearest ratio they reach.`,
		Example: `  # the student's curve: five ratios, three replicates each
  freightsim curve --out runs/curve
  # finer, longer
  freightsim curve balanced --ratios 0.25,0.5,0.75,1,1.5,2,3,4 --replicates 4 --episodes 2000 --out runs/curve-fine`,
		Args:              maxArgs(1),
		ValidArgsFunction: completeScenario(true),
		RunE:              func(cmd *cobra.Command, args []string) error { return runCurve(cmd, o, args, argv) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "write the curve into `DIR` (default runs/curve-NAME-YYYYMMDD-HHMMSS)")
	f.StringVar(&o.ratios, "ratios", "0.33,0.5,1,2,3", "demand/capacity `RATIOS`, comma-separated, each > 0")
	f.IntVarP(&o.replicates, "replicates", "r", 3, "replicates at each ratio")
	f.IntVar(&o.episodes, "episodes", 1000, "training episodes at each ratio (0: the scenario's)")
	f.IntVarP(&o.workers, "workers", "w", 0, "replicates run at once (default: number of CPUs)")
	f.StringArrayVar(&o.sets, "set", nil, "set `key.path=value` in the scenario (repeatable)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress")
	f.BoolVar(&o.force, "force", false, "replace an existing directory")
	addFigureFlags(cmd, &o.figures)
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	return cmd
}

func runCurve(cmd *cobra.Command, o *curveOptions, args, argv []string) error {
	name := "balanced"
	if len(args) == 1 {
		name = args[0]
	}
	sc, err := scenarioFor(cmd, name, o.sets)
	if err != nil {
		return err
	}
	warn(cmd, &sc)
	var ratios []float64
	for _, f := range strings.Split(o.ratios, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(r > 0) || r > 1e6 {
			return usageError{fmt.Errorf("--ratios: %q is not a ratio: want numbers > 0, comma-separated, e.g. 0.5,1,2", f)}
		}
		ratios = append(ratios, r)
	}
	if err := experiments.CheckRatios(sc, ratios); err != nil {
		return usageError{fmt.Errorf("--ratios: %w", err)}
	}
	if o.replicates < 1 {
		return usageError{fmt.Errorf("--replicates %d: want at least 1", o.replicates)}
	}
	if o.episodes < 0 {
		return usageError{fmt.Errorf("--episodes %d: want 0 (the scenario's) or more", o.episodes)}
	}
	if o.episodes > 0 {
		sc.Training.Episodes = o.episodes
	}
	figOut, err := o.figures.output()
	if err != nil {
		return err
	}
	out, unlock, err := openOutput(o.out, "runs", "curve-"+sc.Name+"-"+nowStamp())
	if err != nil {
		return err
	}
	defer unlock()
	if err := experiments.PrepareDir(out, o.force); err != nil {
		if errors.Is(err, experiments.ErrRunExists) {
			return usageError{err}
		}
		return err
	}
	stderr := cmd.ErrOrStderr()
	if !o.quiet {
		fmt.Fprintf(stderr, "freightsim: the equilibrium curve of %s at %d ratios, %d replicate(s) of %d episodes each, into %s\n",
			sc.Name, len(ratios), o.replicates, sc.Training.Episodes+1, out)
	}
	start := time.Now()
	bar := newProgress(stderr, len(ratios)*o.replicates*(sc.Training.Episodes+1), o.quiet, "curve")
	t, err := experiments.Curve(cmd.Context(), sc, experiments.CurveOptions{
		Ratios: ratios, Replicates: o.replicates, Workers: o.workers, Progress: bar.tick,
	})
	bar.finish()
	if err != nil {
		return err
	}
	if err := experiments.WriteConfig(out, sc); err != nil {
		return err
	}
	if err := results.WriteFile(filepath.Join(out, "curve.csv"), t.WriteCSV); err != nil {
		return err
	}
	figs, err := experiments.CurveFigures(t)
	if err != nil {
		return err
	}
	names, err := chart.SaveAll(out, figs, figOut)
	if err != nil {
		return err
	}
	files := append([]string{"config.yaml", "curve.csv"}, names...)
	files = append(files, report.FileName)
	// Provenance, as a run's: version, command (with the ratios), scenario,
	// seed, replicates at each ratio, workers, times, machine.
	msc := sc
	msc.Replicates = o.replicates
	m := experiments.NewManifest(msc, argv, o.workers, start)
	m.Status, m.Complete, m.Files = experiments.StatusComplete, true, files
	for i := range o.replicates {
		m.Completed = append(m.Completed, i)
	}
	m.End = time.Now().UTC().Round(time.Millisecond)
	m.WallSeconds = time.Since(start).Seconds()
	if err := experiments.WriteManifest(out, m); err != nil {
		return err
	}
	// The report last: its footer reads the manifest.
	if err := experiments.WriteCurveReport(out); err != nil {
		return err
	}
	printCurve(cmd.OutOrStdout(), t, out)
	return nil
}

func printCurve(w io.Writer, t *results.Table, out string) {
	col := func(r results.Row, name string) string { return num(r.Values[t.Column(name)]) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "demand/capacity\tprice/cost\tequilibrium price/cost\tutilization\tequilibrium utilization\tship share\t")
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s to %s\t%s\t%s\t%s\t\n", col(r, "demand_ratio"), col(r, "price_per_cost_mean"),
			col(r, "ce_price_low"), col(r, "ce_price_high"), col(r, "utilization_mean"), col(r, "ce_utilization"), col(r, "ship_share_mean"))
	}
	tw.Flush()
	fmt.Fprintf(w, "wrote %s: curve.csv and the figures\n", out)
}

// nowStamp names a directory after the current time.
func nowStamp() string { return time.Now().Format("20060102-150405") }
