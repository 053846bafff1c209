package main

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// measureOptions are the flags of `freightsim equilibrium --measure`.
type measureOptions struct {
	measure    bool
	episodes   int
	replicates int
	seed       uint64
	workers    int
}

func (o *measureOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&o.measure, "measure", false, "measure how far the scenario's profile is from a Nash equilibrium: each agent's best response and gap")
	f.IntVar(&o.episodes, "episodes", 0, "with --measure: train episodes 0..N first, as run does (0: no training and no update: measure the profile as configured)")
	f.IntVar(&o.replicates, "replicates", 1, "with --measure: independent replicates (a 95 % interval over them when more than one)")
	f.Var(seedFlag{&o.seed}, "seed", "with --measure: the base seed (default: the scenario's)")
	f.IntVarP(&o.workers, "workers", "w", 0, "with --measure: replicates at once (default: number of CPUs)")
}

// runMeasure measures the profile of sc, after o.episodes training
// episodes, and prints each agent's best response.
func runMeasure(cmd *cobra.Command, sc scenario.Config, o measureOptions) error {
	if o.episodes < 0 {
		return usageError{fmt.Errorf("--episodes %d: want a whole number >= 0", o.episodes)}
	}
	if o.replicates < 1 {
		return usageError{fmt.Errorf("--replicates %d: want a whole number >= 1", o.replicates)}
	}
	sc.Training.Episodes = o.episodes
	sc.Evaluation.Every = max(o.episodes, 1)
	sc.Replicates = o.replicates
	if cmd.Flags().Changed("seed") {
		sc.Seed = o.seed
	}
	sc.Equilibrium.Enabled, sc.Equilibrium.AtEvaluations = true, false
	// --episodes 0 measures the profile as configured: no training episode,
	// so no update either.
	untrained, total := o.episodes == 0, sc.Replicates*(sc.Training.Episodes+1)
	if untrained {
		total = 0 // no training to count: the note on measuring only
	}
	bar := newProgress(cmd.ErrOrStderr(), total, false, sc.Name)
	res, err := experiments.Run(cmd.Context(), sc, experiments.Options{Workers: o.workers, Progress: bar.tick, Measuring: bar.measuring, Untrained: untrained})
	bar.finish()
	if err != nil {
		return err
	}
	printMeasure(cmd.OutOrStdout(), sc, res)
	return nil
}

func printMeasure(w io.Writer, sc scenario.Config, res *experiments.Result) {
	when := "as configured, without training"
	if sc.Training.Episodes > 0 {
		when = "after " + episodesText(sc.Training.Episodes)
	}
	fmt.Fprintf(w, "%s: distance from a Nash equilibrium of the profile %s (replicate 0 of %d, seed %d)\n\n", sc.Name, when, sc.Replicates, sc.Seed)
	if m := res.Equilibrium[0]; m != nil {
		inUnits := false
		for _, r := range m.Roles {
			loss := "relative loss " + num(r.Loss())
			if note := r.LossNote(); note != "" {
				loss = "relative loss " + note
			}
			fmt.Fprintf(w, "%s gains %s per episode by its best response (%s%s): from %s to %s, %s\n",
				r.Label, amount(r.Gap), r.Method, ciNote(r.CI95), amount(r.Profile), amount(r.Best), loss)
			switch {
			case r.Weights == nil:
				fmt.Fprintf(w, "  its own strategy is the best response found\n")
			default:
				quote := "bid"
				if r.Carrier {
					quote = "ask"
				}
				weights, scaled := r.Weights, " (on the scaled features: docs/CONFIG.md, features)"
				if r.Units != nil {
					weights, scaled, inUnits = r.Units, "", true
				}
				fmt.Fprintf(w, "  best response: %s = %s%s\n", quote, experiments.RuleText(r.Features, weights), scaled)
			}
			if r.Why != "" {
				fmt.Fprintf(w, "  searched, not exact: %s\n", r.Why)
			}
		}
		if inUnits {
			fmt.Fprintf(w, "\nBest responses are written per unit of each feature: money for cost, value and reservation\n"+
				"(measured from 0), volume units, distance units, clearings for a due, jobs for a count; the\n"+
				"bias, waiting_volume (the volume waiting / the departing capacity) and the network's\n"+
				"features are ratios.\n")
		}
		fmt.Fprintf(w, "\nS, the efficient gains from trade per episode: %s\n\n", num(m.Surplus))
	}
	for _, name := range []string{"nash_conv", "ne_adherence", "br_gap_shipper", "br_gap_carrier", "eq_distance"} {
		if st, ok := res.Summary.Metrics[name]; ok && st.N > 0 {
			fmt.Fprintf(w, "%-15s %s\n", name, stat(st))
		}
	}
}

func ciNote(half float64) string {
	if half > 0 {
		return ", ± " + num(half)
	}
	return ""
}

// amount writes money as num does, except that an amount too small to
// show to 4 decimals is written to 4 significant digits: a gap of 2e-5
// from 1e-6 to 2.1e-5 is not "0 from 0 to 0", beside its relative loss.
func amount(x float64) string {
	if x != 0 && math.Abs(x) < 5e-5 {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	return num(x)
}
