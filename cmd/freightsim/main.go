// Command freightsim runs simulations of freight spot markets in which smart
// containers and carriers learn to price transport. See the README and
// `freightsim --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the run failed or was interrupted
	exitUsage  = 2 // bad flags, arguments or configuration
)

// usageError marks an error in what the user asked for (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(execute(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the command line args and returns the exit code.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "freightsim:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailed
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "freightsim",
		Short: "Simulate freight spot markets where containers and carriers learn to price transport",
		Long: `freightsim simulates freight spot markets: smart containers (shippers) bid for
truck capacity, carriers ask, a neutral broker clears a double auction under
capacity, and the agents learn their prices by policy-gradient reinforcement
learning. It measures what the market learns, over replicates with confidence
intervals.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nsee '%s --help'", err, c.CommandPath())}
	})
	root.AddCommand(newRunCmd(), newVersionCmd())
	return root
}

// maxArgs is cobra.MaximumNArgs with a usage error.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{fmt.Errorf("%s takes at most %d argument(s), got %d: %q\nsee '%s --help'",
				cmd.CommandPath(), n, len(args), args, cmd.CommandPath())}
		}
		return nil
	}
}
