package sweep

import (
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// The wildcard index [*] of --set (and of sweep axes): every item of a list.
func TestParseWithWildcard(t *testing.T) {
	const two = "shippers:\n  - penalty: 30\n  - penalty: 40\n"
	cases := []struct {
		name string
		file string
		sets []string
		want func(sc scenario.Config) bool
		says string
	}{
		{"every item of a list in the file", two, []string{"shippers[*].holding_cost=3"},
			func(sc scenario.Config) bool {
				return len(sc.Shippers) == 2 && sc.Shippers[0].HoldingCost == 3 && sc.Shippers[1].HoldingCost == 3 &&
					sc.Shippers[0].Penalty == 30 && sc.Shippers[1].Penalty == 40
			}, "both shippers with h 3, their penalties kept"},
		{"a list the file omits: the default list", "", []string{"carriers[*].capacity=50"},
			func(sc scenario.Config) bool { return len(sc.Carriers) == 1 && sc.Carriers[0].Capacity == 50 }, "the one default carrier, capacity 50"},
		{"items an earlier override added", "", []string{"carriers[1].capacity=20", "carriers[*].cost_rate=0.2"},
			func(sc scenario.Config) bool {
				return len(sc.Carriers) == 2 && sc.Carriers[0].CostRate == 0.2 && sc.Carriers[1].CostRate == 0.2 && sc.Carriers[1].Capacity == 20
			}, "two carriers, both with k 0.2"},
		{"deep in each item", two, []string{"shippers[*].strategy.sigma=4"},
			func(sc scenario.Config) bool {
				return sc.Shippers[0].Strategy.Sigma == 4 && sc.Shippers[1].Strategy.Sigma == 4
			}, "sigma 4 for both"},
		{"a later concrete override wins", two, []string{"shippers[*].penalty=1", "shippers[1].penalty=2"},
			func(sc scenario.Config) bool { return sc.Shippers[0].Penalty == 1 && sc.Shippers[1].Penalty == 2 }, "penalties 1 and 2"},
		{"whole items", two, []string{"shippers[*]={penalty: 7}"},
			func(sc scenario.Config) bool {
				return len(sc.Shippers) == 2 && sc.Shippers[1].Penalty == 7 && sc.Shippers[1].HoldingCost == 1
			}, "two default shippers with penalty 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := scenario.ParseWith("x.yaml", []byte(c.file), c.sets)
			if err != nil {
				t.Fatalf("ParseWith(%v): %v", c.sets, err)
			}
			if !c.want(sc) {
				t.Errorf("ParseWith(%v) gave shippers %+v, carriers %+v; want %s", c.sets, sc.Shippers, sc.Carriers, c.says)
			}
		})
	}
}

func TestParseWithWildcardProblems(t *testing.T) {
	const two = "shippers:\n  - penalty: 30\n  - penalty: 40\n"
	cases := []struct {
		name, file, set, want string
	}{
		{"a bad value names the flag as written", two, "shippers[*].penalty=-1",
			"--set shippers[*].penalty=-1: shippers[0].penalty: -1 is out of range"},
		{"not a list", "", "training[*].episodes=3", "--set training[*].episodes=3: training is not a list"},
		{"an empty list", "jobs:\n  fixed: []\n", "jobs.fixed[*].value=3", "--set jobs.fixed[*].value=3: jobs.fixed is empty: [*] sets nothing"},
		{"an unknown key under it", two, "shippers[*].penality=3", `shippers[0].penality: unknown key "penality"; did you mean "penalty"?`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scenario.ParseWith("x.yaml", []byte(c.file), []string{c.set})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseWith(%q): %v\nwant an error containing %q", c.set, err, c.want)
			}
		})
	}
}

func TestParsePathWildcard(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"shippers[*].strategy.kind", "shippers[*].strategy.kind"},
		{"a[*][1].b", "a[*][1].b"},
		{"a[**]", "error"},
		{"a[*", "error"},
	} {
		steps, err := config.ParsePath(c.in)
		got := "error"
		if err == nil {
			got = config.Canonical(steps)
		}
		if got != c.want {
			t.Errorf("config.ParsePath(%q) = %q (%v), want %q", c.in, got, err, c.want)
		}
	}
}
