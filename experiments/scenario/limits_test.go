package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/config"
)

// Values that passed validation and then crashed, hung or grew without
// bound (issue 14), and values that were silently changed: each is now a
// located problem that names the flag and says what is allowed.
func TestValuesBeyondTheLimitsAreRefusedWithTheFlag(t *testing.T) {
	for _, c := range []struct {
		preset string
		sets   []string
		field  string // the field the problem names
		want   string // in its message
	}{
		{"", []string{"carriers[0].capacity=1000000000000000000", "evaluation.horizon=10"}, "carriers[0].capacity", "at most 1000000"},
		{"", []string{"jobs.arrivals.max=9223372036854775807"}, "jobs.arrivals.max", "at most 10000"},
		{"", []string{"jobs.arrivals.max=1000000000"}, "jobs.arrivals.max", "at most 10000"},
		{"", []string{"jobs.due.max=1000000000000000"}, "jobs.due.max", "at most 1000"},
		{"", []string{"jobs.value={dist: lognormal, mu: 800, sigma: 1}"}, "jobs.value.mu", "[-20, 20]"},
		{"strategic-bidding-stochastic", []string{"shippers[0].penalty=1e300"}, "shippers[0].penalty", "at most 1e+09"},
		{"", []string{"carriers[0].cost_rate=5e-324"}, "carriers[0].cost_rate", "0 or a number of magnitude at least 1e-09"},
		{"", []string{"shippers[0].strategy={policy: mlp, hidden: [1000000000]}"}, "shippers[0].strategy.hidden[0]", "at most 1024"},
		{"", []string{"replicates=1000000000"}, "replicates", "at most 10000"},
		{"", []string{"training.episodes=1000000000000"}, "training.episodes", "at most 10000000"},
		{"", []string{"training.episodes=10000000", "replicates=10"}, "training.episodes", "rows of episodes.csv"},
		{"", []string{"carriers[0].schedule.period=1e-300"}, "carriers[0].schedule.period", "at least 0.001 epochs"},
		{"", []string{"carriers[0].schedule.period=1e-4"}, "carriers[0].schedule.period", "at least 0.001 epochs"},
		{"", []string{"jobs.arrivals.max=10000", "jobs.due.max=1000"}, "jobs.arrivals.max", "jobs wait at once"},
		{"", []string{"carriers[0].capacity=80.5"}, "carriers[0].capacity", "80.5 is not a whole number"},
		{"", []string{"replicates=2.9"}, "replicates", "2.9 is not a whole number"},
		{"", []string{"seed=1.5"}, "seed", "1.5 is not a whole number"},
		{"", []string{"seed=18446744073709551616"}, "seed", "out of range: want a whole number in [0, 18446744073709551615]"},
		{"", []string{"seed=1.8446744073709552e19"}, "seed", "not exact beyond 2^53"},
		{"", []string{"name=../../x"}, "name", "no / or"},
		{"", []string{"shippers[0].strategy.risk=1000"}, "shippers[0].strategy.risk", "[-10, 10]"},
	} {
		_, err := ResolveWith(c.preset, c.sets)
		var ps config.Problems
		if !config.AsProblems(err, &ps) {
			t.Errorf("--set %v: got %v, want located problems", c.sets, err)
			continue
		}
		found := false
		for _, p := range ps {
			if p.Field == c.field && strings.Contains(p.Msg, c.want) && strings.HasPrefix(p.File, "--set ") {
				found = true
			}
		}
		if !found {
			t.Errorf("--set %v: got %v; want a problem of %s saying %q, located at its --set flag", c.sets, err, c.field, c.want)
		}
	}
}

func TestValuesWithinTheLimitsStayValid(t *testing.T) {
	for _, sets := range [][]string{
		{"carriers[0].capacity=1e3"},     // a whole number in float notation
		{"seed=18446744073709551615"},    // the largest seed
		{"carriers[0].capacity=1000000"}, // the largest capacity
		{"carriers[0].cost_rate=0"},      // zero is not a tiny number
		{"jobs.value={dist: lognormal, mu: 20, sigma: 5}"},
		{"replicates=10000", "training.episodes=1999"},
	} {
		if _, err := ResolveWith("", sets); err != nil {
			t.Errorf("--set %v: %v; want it valid, it is within the limits", sets, err)
		}
	}
	sc, err := ResolveWith("", []string{"carriers[0].capacity=1e3", "seed=18446744073709551615"})
	if err != nil || sc.Carriers[0].Capacity != 1000 || sc.Seed != 18446744073709551615 {
		t.Errorf("capacity %d, seed %d, %v: want 1000 and 18446744073709551615", sc.Carriers[0].Capacity, sc.Seed, err)
	}
}

func TestFilesThatAreNotOneScenario(t *testing.T) {
	dir := t.TempDir()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
	}
	for _, c := range []struct {
		name, text string
		sets       []string
		want       string
	}{
		{"empty.yaml", "", nil, "empty: want a scenario"},
		{"comment.yaml", "# nothing yet\n", []string{"seed=3"}, "empty: want a scenario"},
		{"two.yaml", "seed: 2\n---\nseed: 3\n", nil, "a second YAML document"},
		{"two-set.yaml", "seed: 2\n---\nseed: 3\n", []string{"seed=4"}, "a second YAML document"},
		{"bomb.yaml", bomb, nil, "expands its aliases"},
		{"bomb-set.yaml", bomb, []string{"seed=2"}, "expands its aliases"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ResolveWith(path, c.sets)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s with --set %v: got %v; want a problem of the file saying %q", c.name, c.sets, err, c.want)
		}
	}
}

// Messages name the key the user wrote, in the user's words: the right key
// of a flow mapping, the field of a list where a number is wanted, never a
// Go type.
func TestMessagesNameTheRightKeyAndNoGoType(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		file string   // the file's text, "" for the default preset
		sets []string // or overrides
		want string   // the problem, as printed
	}{
		{"carriers: [{capacity: many, cost_rate: 0.1}]\n", nil, `:1: carriers[0].capacity: "many" is a string: want a whole number`},
		{"carriers: [{capacity: 3, cost_rate: many}]\n", nil, `:1: carriers[0].cost_rate: "many" is a string: want a number`},
		{"", []string{"carriers[0]={capacity: many, cost_rate: 0.1}"}, `--set carriers[0]={capacity: many, cost_rate: 0.1}: carriers[0].capacity: "many" is a string`},
		{"seed: [1]\n", nil, `:1: seed: a list: want a whole number >= 0`},
		{"", []string{"carriers=[[1]]"}, `--set carriers=[[1]]: carriers[0]: a list: want a mapping of its fields`},
		{"", []string{"shippers[0].strategy.kind=[1]"}, `shippers[0].strategy.kind: a list where a strategy is wanted`},
		{"", []string{"jobs.due.min=9"}, `--set jobs.due.min=9: jobs.due.max: 5 is below min 9: want max >= min (with preset smart-containers-2020:29)`},
		{"jobs:\n  due: {min: 7, max: 5}\n", []string{"seed=3"}, `s.yaml:2: jobs.due.max: 5 is below min 7`},
	} {
		name := ""
		if c.file != "" {
			name = filepath.Join(dir, "s.yaml")
			if err := os.WriteFile(name, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := ResolveWith(name, c.sets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %v: got %v; want %q", c.file, c.sets, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "scenario.") || strings.Contains(err.Error(), "uint64") || strings.Contains(err.Error(), "unmarshal")) {
			t.Errorf("%q %v: %v: the message names a Go type", c.file, c.sets, err)
		}
	}
}

// TestDemandRatioTheCapacitiesCannotReach: demand_ratio scales capacities
// that are whole units (at least 1), so a market of small capacities
// reaches only some ratios. A ratio more than 10 % from every one they
// reach is refused, naming the ratio they do reach, instead of running
// another market under its label; the ratios they reach, and the presets
// as shipped, run.
func TestDemandRatioTheCapacitiesCannotReach(t *testing.T) {
	for _, c := range []struct {
		preset string
		sets   []string
		want   string // in the message; "" for a valid scenario
	}{
		{"bilateral", []string{"demand_ratio=2"}, "nearest ratio they reach is 1;"},
		{"bilateral", []string{"demand_ratio=1"}, ""},
		{"bilateral", []string{"demand_ratio=0.5"}, ""}, // two units of capacity
		{"corridor", []string{"demand_ratio=0.5"}, "nearest ratio they reach is 0.6;"},
		{"corridor", []string{"demand_ratio=0.6"}, ""},
		{"balanced", []string{"carriers[0].capacity=3", "carriers[1].capacity=3", "jobs.volume={min: 1, max: 1}", "jobs.arrivals={min: 0, max: 14}"}, "nearest ratio they reach is 0.875;"},
		{"balanced", []string{"demand_ratio=1000"}, "nearest ratio they reach is"}, // far out: every capacity at its floor of 1
		{"balanced", nil, ""},
		{"freight-driven", nil, ""},
		{"capacity-driven", nil, ""},
		{"balanced", []string{"demand_ratio=0.001"}, ""}, // far out the other way: large capacities reach any ratio
	} {
		_, err := ResolveWith(c.preset, c.sets)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s --set %v: %v; want it valid", c.preset, c.sets, err)
			}
			continue
		}
		var ps config.Problems
		if !config.AsProblems(err, &ps) {
			t.Errorf("%s --set %v: got %v, want located problems", c.preset, c.sets, err)
			continue
		}
		if len(ps) != 1 || ps[0].Field != "demand_ratio" || !strings.Contains(ps[0].Msg, c.want) || !strings.Contains(ps[0].Msg, "or 0 to keep the capacities as given") {
			t.Errorf("%s --set %v: got %v; want one problem of demand_ratio saying %q and what to do", c.preset, c.sets, ps, c.want)
		}
	}
}
