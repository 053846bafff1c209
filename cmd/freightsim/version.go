package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, VCS revision and Go version",
		Example: "  freightsim version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, rev, mod := experiments.Version()
			if rev == "" {
				rev = "unknown"
			}
			if mod {
				rev += " (modified)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "freightsim %s\nrevision %s\n%s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
