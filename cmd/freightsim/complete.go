package main

import (
	"strings"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/spf13/cobra"
)

// Shell completion: cobra's completion command writes the scripts (bash,
// zsh, fish, powershell); these functions give it freightsim's words.

// completeScenario completes the first argument with the preset names, and
// falls back to file names when none matches (a scenario of your own).
func completeScenario(files bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, name := range scenario.Presets() {
			if strings.HasPrefix(name, toComplete) {
				out = append(out, cobra.CompletionWithDesc(name, presetDescription(name)))
			}
		}
		if files {
			return out, cobra.ShellCompDirectiveDefault
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeSet completes --set with the key paths of a scenario.
func completeSet(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, p := range scenario.KeyPaths() {
		p = strings.ReplaceAll(p, "[]", "[0]") + "="
		if strings.HasPrefix(p, toComplete) {
			out = append(out, p)
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeWords completes a flag with fixed words.
func completeWords(words ...string) func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// presetDescription is a preset's one-line description, or "".
func presetDescription(name string) string {
	sc, err := scenario.Resolve(name)
	if err != nil {
		return ""
	}
	return sc.Description
}
