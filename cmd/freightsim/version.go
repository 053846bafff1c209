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
		Args:    maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := experiments.BuildInfo()
			rev := b.Revision
			if rev == "" {
				rev = "unknown"
			}
			if b.Modified {
				rev += " (modified)"
			}
			if b.From == "git" {
				rev += " (from the git work tree the binary was built in)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "freightsim %s\nrevision %s\n%s %s/%s\n", b.Version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
