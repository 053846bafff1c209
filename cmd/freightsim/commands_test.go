package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/spf13/cobra"
)

func TestScenariosList(t *testing.T) {
	code, stdout, stderr := freightsim(t, "scenarios", "list")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, name := range scenario.Presets() {
		sc, err := scenario.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, name) || !strings.Contains(stdout, sc.Description) {
			t.Errorf("scenarios list:\n%s\nwant a line with %s and its description %q", stdout, name, sc.Description)
		}
	}
	if !strings.Contains(stdout, scenario.DefaultPreset) || !strings.Contains(stdout, "(the default)") {
		t.Errorf("scenarios list does not mark the default preset:\n%s", stdout)
	}
}

// TestScenariosShowParsesBack: what show prints is commented YAML that reads
// back to the very scenario the preset is.
func TestScenariosShowParsesBack(t *testing.T) {
	for _, name := range scenario.Presets() {
		code, stdout, stderr := freightsim(t, "scenarios", "show", name)
		if code != 0 {
			t.Errorf("scenarios show %s: exit %d\n%s", name, code, stderr)
			continue
		}
		if !strings.HasPrefix(stdout, "# ") {
			t.Errorf("scenarios show %s does not start with a comment:\n%.200s", name, stdout)
		}
		got, err := scenario.Parse("shown.yaml", []byte(stdout))
		if err != nil {
			t.Errorf("scenarios show %s prints YAML that does not parse: %v", name, err)
			continue
		}
		want, _ := scenario.Resolve(name)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("scenarios show %s reads back as\n%+v\nwant\n%+v", name, got, want)
		}
		// Saved to a file, it runs as the preset does.
		file := filepath.Join(t.TempDir(), "mine.yaml")
		if err := os.WriteFile(file, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, stderr := freightsim(t, "validate", file); code != 0 || !strings.HasPrefix(out, "ok: ") {
			t.Errorf("validate of the shown %s: exit %d, %q %q", name, code, out, stderr)
		}
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(good, "name: mine\ncarriers:\n  - capacity: 40\n")
	// The check: an unknown key, a negative capacity and a NaN cost.
	write(bad, "name: bad\ncarriers:\n  - capacity: -5\n    cost_rate: .nan\nshippers: [{}]\nmarkt: {}\n")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"a preset", []string{"validate", "smart-containers-2020"}, 0,
			[]string{`ok: smart-containers-2020: scenario "smart-containers-2020", 1 shipper(s) (1 learning), 1 carrier(s)`}, nil},
		{"a file", []string{"validate", good}, 0, []string{"ok: " + good + `: scenario "mine"`}, nil},
		{"a file with overrides", []string{"validate", good, "--set", "replicates=4", "--print"}, 0,
			[]string{"replicates: 4\n", "capacity: 40\n", "4 replicate(s)"}, nil},
		{"every problem at once", []string{"validate", bad}, 2, nil, []string{
			bad + ":3: carriers[0].capacity: -5 is too small: want a whole number >= 0\n" +
				bad + ":4: carriers[0].cost_rate: NaN is not a finite number: want a number in [0, +Inf]\n" +
				bad + `:6: markt: unknown key "markt"; did you mean "market"?`,
		}},
		{"a bad override", []string{"validate", good, "--set", "carriers[0].capacity=-5"}, 2, nil,
			[]string{"--set carriers[0].capacity=-5: carriers[0].capacity: -5 is too small: want a whole number >= 0"}},
		{"an override of a key that is not there", []string{"validate", good, "--set", "carriers[0].capacty=5"}, 2, nil,
			[]string{`--set carriers[0].capacty=5: carriers[0].capacty: unknown key "capacty"; did you mean "capacity"?`}},
		{"no argument", []string{"validate"}, 2, nil, []string{"wants a preset name or a scenario file"}},
		{"a missing file", []string{"validate", filepath.Join(dir, "nope.yaml")}, 2, nil, []string{"neither a preset"}},
		{"valid, with a warning", []string{"validate", "bilateral", "--set", "jobs.value={dist: uniform, min: 0, max: 100}"}, 0,
			[]string{"ok: bilateral"}, []string{"freightsim: warning: shippers[0].strategy.sigma: 0.2 is 0.2 % of the market's price scale, 100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := freightsim(t, c.args...)
			if code != c.code {
				t.Errorf("%v: exit %d, want %d\nstderr: %s", c.args, code, c.code, stderr)
			}
			for _, w := range c.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("%v: stdout\n%s\nwant it to contain %q", c.args, stdout, w)
				}
			}
			for _, w := range c.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("%v: stderr\n%s\nwant it to contain %q", c.args, stderr, w)
				}
			}
		})
	}
}

// TestUsageErrorsExitTwo: every command gives exit code 2 for what the user
// got wrong, and writes nothing.
func TestUsageErrorsExitTwo(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cases := [][]string{
		{"nosuch"},
		{"rn"},
		{"scenarios", "nosuch"},
		{"scenarios", "show"},
		{"scenarios", "show", "no-such-preset"},
		{"scenarios", "list", "extra"},
		{"validate"},
		{"validate", "a.yaml", "b.yaml"},
		{"version", "extra"},
		{"completion", "tcsh"},
		{"completion", "bash", "extra"},
		{"run", "--format", "xml", "--out", out},
		{"run", "--resume", "--force", "--out", out},
		{"run", "--resume"},
		{"run", "--set", "seed", "--out", out},
		{"run", "--set", "carriers[0].capacity=-5", "--out", out},
		{"run", "--workers", "-1", "--out", out},
	}
	for _, args := range cases {
		code, _, stderr := freightsim(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want 2\nstderr: %s", args, code, stderr)
		}
		if !strings.HasPrefix(stderr, "freightsim: ") {
			t.Errorf("%q: stderr %q does not say what is wrong", args, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q wrote %s despite the error", args, out)
		}
	}
}

// TestEveryCommandHasHelpWithAnExample walks the command tree.
func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Short == "" || c.Example == "" {
			t.Errorf("%q has no short description or no example", c.CommandPath())
		}
		code, stdout, _ := freightsim(t, append(strings.Fields(c.CommandPath())[1:], "--help")...)
		if code != 0 || !strings.Contains(stdout, "Examples:") {
			t.Errorf("%s --help: exit %d, no Examples section:\n%s", c.CommandPath(), code, stdout)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd([]string{"freightsim"}, io.Discard, io.Discard))
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, stderr := freightsim(t, "completion", shell)
		if code != 0 || !strings.Contains(stdout, "freightsim") || len(stdout) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes\n%s", shell, code, len(stdout), stderr)
		}
	}
	cases := []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"run", ""}, scenario.Presets(), nil},
		{[]string{"validate", "smart-containers-c"}, []string{"smart-containers-corrected"}, []string{"smart-containers-2020"}},
		{[]string{"scenarios", "show", ""}, scenario.Presets(), nil},
		{[]string{"scenarios", "show", "smart-containers-2020", ""}, nil, scenario.Presets()},
		{[]string{"run", "--format", ""}, []string{"csv", "parquet", "both"}, nil},
		{[]string{"run", "--set", "carriers[0].cap"}, []string{"carriers[0].capacity="}, []string{"carriers[0].cost_rate="}},
		{[]string{"run", "--set", "training."}, []string{"training.episodes=", "training.horizon="}, nil},
		{[]string{"s"}, []string{"scenarios"}, []string{"run"}},
	}
	for _, c := range cases {
		code, stdout, stderr := freightsim(t, append([]string{"__complete"}, c.args...)...)
		if code != 0 {
			t.Errorf("completing %q: exit %d\n%s", c.args, code, stderr)
			continue
		}
		words := map[string]bool{}
		for _, line := range strings.Split(stdout, "\n") {
			w, _, _ := strings.Cut(line, "\t")
			words[w] = true
		}
		for _, w := range c.want {
			if !words[w] {
				t.Errorf("completing %q offers\n%s\nwant %q among them", c.args, stdout, w)
			}
		}
		for _, w := range c.not {
			if words[w] {
				t.Errorf("completing %q offers %q, want it not to", c.args, w)
			}
		}
	}
}
