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
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1   // the run failed
	exitUsage       = 2   // bad flags, arguments or configuration
	exitInterrupted = 130 // stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + SIGINT, as shells report it
)

// usageError marks an error in what the user asked for (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// reportedError is an error the command has printed already, in its place
// among what it printed: execute only sets the exit code from it.
type reportedError struct{ err error }

func (e reportedError) Error() string { return e.err.Error() }
func (e reportedError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	os.Exit(execute(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the command line args and returns the exit code. A panic
// of the command's own goroutine is a bug: exit 1 with its stack, never 2,
// the code of a usage error (the Go runtime exits 2 on a panic).
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "freightsim: internal error (a bug: please report it with the command line): %v\n%s", v, debug.Stack())
			code = exitFailed
		}
	}()
	root := newRootCmd(append([]string{"freightsim"}, args...), stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if !errors.As(err, new(reportedError)) {
		fmt.Fprintln(stderr, "freightsim:", err)
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitFailed
}

// newRootCmd builds the command tree writing to stdout and stderr; argv is
// the command line as typed, recorded in run manifests.
func newRootCmd(argv []string, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "freightsim",
		Short: "Simulate freight spot markets where containers and carriers learn to price transport",
		Long: `freightsim simulates freight spot markets: smart containers (shippers) bid for
truck capacity, carriers ask, a neutral broker clears a double auction under
capacity, and the agents learn their prices by policy-gradient reinforcement
learning. It measures what the market learns, over replicates with confidence
intervals.

Exit codes: 0 success; 1 a run failed; 2 bad flags, arguments or
configuration (nothing is written); 130 interrupted by Ctrl-C or SIGTERM
(finished replicates are kept: rerun with --resume to finish).`,
		Example: `  freightsim run                              # the default scenario
  freightsim scenarios list                   # the built-in scenarios
  freightsim scenarios show smart-containers-2020 > my-market.yaml
  freightsim validate my-market.yaml
  freightsim run my-market.yaml --set 'carriers[0].capacity=60' --replicates 8
  source <(freightsim completion bash)        # tab completion (also zsh, fish)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nsee '%s --help'", err, c.CommandPath())}
	})
	root.SetOut(stdout) // before the completion command, which keeps the writer
	root.SetErr(stderr)
	root.AddCommand(newRunCmd(argv), newScenariosCmd(), newValidateCmd(), newVersionCmd(), newPlotCmd(), newReportCmd(), newEquilibriumCmd(), newCurveCmd(argv))
	root.AddCommand(newSweepCmd(argv), newMergeCmd(argv), newSlurmCmd(argv))
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			setUpCompletion(c)
		}
	}
	requireSubcommands(root)
	return root
}

// setUpCompletion gives cobra's completion command and its subcommands
// examples and usage errors.
func setUpCompletion(c *cobra.Command) {
	c.Example = `  # bash, this shell only (or add the line to ~/.bashrc)
  source <(freightsim completion bash)
  # zsh
  freightsim completion zsh > "${fpath[1]}/_freightsim"
  # fish
  freightsim completion fish > ~/.config/fish/completions/freightsim.fish`
	for _, sub := range c.Commands() {
		sub.Example = fmt.Sprintf("  freightsim completion %s --help   # how to install it", sub.Name())
		sub.Args = maxArgs(0)
	}
}

// requireSubcommands makes every command that only groups others fail with a
// usage error on an unknown subcommand, and print its help without one.
func requireSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() && c.Args != nil {
		return
	}
	c.SuggestionsMinimumDistance = 2
	c.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", s[0])
		}
		return usageError{fmt.Errorf("%s\nsee '%s --help'", msg, cmd.CommandPath())}
	}
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
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

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s wants %s, got %d argument(s)\nsee '%s --help'",
				cmd.CommandPath(), what, len(args), cmd.CommandPath())}
		}
		return nil
	}
}
