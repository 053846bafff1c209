package main

import (
	"fmt"
	"io"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

type validateOptions struct {
	sets  []string
	print bool
}

func newValidateCmd() *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate PRESET|FILE.yaml",
		Short: "Check a scenario without running it",
		Long: `validate reads a scenario as run would, with the same --set overrides, and
reports every problem at once, each with its file, line, key and what is
allowed (exit code 2); or prints "ok" with a line on what would run (exit 0).
With --print it also prints the effective scenario, every key with its value:
what a run would write as config.yaml.`,
		Example: `  freightsim validate my-market.yaml
  freightsim validate smart-containers-2020 --set 'carriers[0].capacity=60' --print`,
		Args:              exactArgs(1, "a preset name or a scenario file"),
		ValidArgsFunction: completeScenario(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenarioFor(cmd, args[0], o.sets)
			if err != nil {
				return err
			}
			warn(cmd, &sc)
			if err := checkScenario(cmd, args[0], &sc); err != nil {
				return err // what freightsim run would refuse: a strategy of kind custom
			}
			w := cmd.OutOrStdout()
			if o.print {
				b, err := yaml.Marshal(sc)
				if err != nil {
					return err
				}
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
			describe(w, args[0], sc)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&o.sets, "set", nil, "set `key.path=value` in the scenario, after the file (repeatable), e.g. carriers[0].capacity=60")
	cmd.Flags().BoolVar(&o.print, "print", false, "print the effective scenario as YAML")
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	return cmd
}

// describe prints the one-line "ok" summary of a valid scenario.
func describe(w io.Writer, what string, sc scenario.Config) {
	learn := func(kinds []scenario.Kind) string {
		n := 0
		for _, k := range kinds {
			if k == scenario.KindLearn {
				n++
			}
		}
		return fmt.Sprintf("%d learning", n)
	}
	var sk, ck []scenario.Kind
	for _, s := range sc.Shippers {
		sk = append(sk, s.Strategy.Kind)
	}
	for _, c := range sc.Carriers {
		ck = append(ck, c.Strategy.Kind)
	}
	fmt.Fprintf(w, "ok: %s: scenario %q, %d shipper(s) (%s), %d carrier(s) (%s), market %s/%s; %d replicate(s) of %s, seed %d\n",
		what, sc.Name, len(sc.Shippers), learn(sk), len(sc.Carriers), learn(ck),
		sc.Market.Price, sc.Market.Tie, sc.Replicates, episodesText(sc.Training.Episodes), sc.Seed)
}
