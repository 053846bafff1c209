package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/spf13/cobra"
)

func newScenariosCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios, or print one as commented YAML",
		Long: `The built-in scenarios (presets) are commented YAML files embedded in the
binary. 'scenarios list' names them; 'scenarios show NAME' prints one, ready to
copy into a file of your own and edit (docs/CONFIG.md describes every key).`,
		Example: `  freightsim scenarios list
  freightsim scenarios show smart-containers-2020 > my-market.yaml`,
	}
	cmd.AddCommand(newScenariosListCmd(), newScenariosShowCmd())
	return cmd
}

func newScenariosListCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the built-in scenarios with a line on each",
		Example: "  freightsim scenarios list",
		Args:    maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDESCRIPTION")
			for _, name := range scenario.Presets() {
				sc, err := scenario.Resolve(name)
				if err != nil {
					return fmt.Errorf("preset %s: %w", name, err) // a bug: the presets are tested
				}
				desc := sc.Description
				if name == scenario.DefaultPreset {
					desc += " (the default)"
				}
				fmt.Fprintf(tw, "%s\t%s\n", name, desc)
			}
			return tw.Flush()
		},
	}
}

func newScenariosShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in scenario as commented YAML, to copy and edit",
		Long: `show prints a built-in scenario exactly as it is embedded: commented YAML that
'freightsim run FILE' reads back to the same scenario. Redirect it into a file,
edit it, check it with 'freightsim validate FILE' and run it.`,
		Example: `  freightsim scenarios show smart-containers-2020 > my-market.yaml
  freightsim run my-market.yaml`,
		Args:              exactArgs(1, "the name of a preset (see 'freightsim scenarios list')"),
		ValidArgsFunction: completeScenario(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := scenario.PresetYAML(args[0])
			if err != nil {
				return usageError{err}
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}
