package scenario

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/config"
)

func TestParseWithAppliesOverrides(t *testing.T) {
	const file = "name: mine\nshippers:\n  - penalty: 30\n"
	cases := []struct {
		name string
		sets []string
		file string
		want func(sc Config) bool
		says string
	}{
		{"a top-level number", []string{"seed=7"}, file,
			func(sc Config) bool { return sc.Seed == 7 && sc.Shippers[0].Penalty == 30 }, "seed 7, the file's penalty kept"},
		{"a nested key the file omits", []string{"training.episodes=12"}, file,
			func(sc Config) bool { return sc.Training.Episodes == 12 && sc.Training.Horizon == 100 }, "episodes 12, horizon still the default 100"},
		{"a list item the file has", []string{"shippers[0].penalty=45"}, file,
			func(sc Config) bool { return sc.Shippers[0].Penalty == 45 && sc.Shippers[0].HoldingCost == 1 }, "penalty 45, holding cost the default"},
		{"a list item the file omits: the default list", []string{"carriers[0].capacity=40"}, file,
			func(sc Config) bool {
				return len(sc.Carriers) == 1 && sc.Carriers[0].Capacity == 40 && sc.Carriers[0].CostRate == 0.1
			}, "one carrier of capacity 40 with the default cost rate"},
		{"a new list item gets the defaults", []string{"carriers[1].capacity=20"}, file,
			func(sc Config) bool {
				return len(sc.Carriers) == 2 && sc.Carriers[0].Capacity == 80 && sc.Carriers[1].Capacity == 20 && sc.Carriers[1].Strategy.Kind == KindTruthful
			}, "two carriers, 80 and 20"},
		{"a whole item as flow YAML", []string{"shippers[1]={penalty: 5, holding_cost: 2}"}, file,
			func(sc Config) bool {
				return len(sc.Shippers) == 2 && sc.Shippers[1].Penalty == 5 && sc.Shippers[1].HoldingCost == 2
			}, "a second shipper, penalty 5 and h 2"},
		{"a whole range", []string{"jobs.volume={min: 2, max: 3}"}, file,
			func(sc Config) bool { return sc.Jobs.Volume == Range{2, 3} }, "volume 2..3"},
		{"strings and booleans", []string{"market.price=k-double", "p2_compat=false", "description=a test"}, file,
			func(sc Config) bool {
				return sc.Market.Price == PriceKDouble && !sc.P2Compat && sc.Description == "a test"
			}, "k-double, no compat"},
		{"a later override wins", []string{"seed=3", "seed=4"}, file,
			func(sc Config) bool { return sc.Seed == 4 }, "seed 4"},
		{"an empty file", []string{"name=x"}, "",
			func(sc Config) bool { return sc.Name == "x" && reflect.DeepEqual(sc.Carriers, Default().Carriers) }, "name x, defaults elsewhere"},
		{"a flow-style file", []string{"jobs.arrivals.max=4"}, "jobs: {arrivals: {min: 1, max: 9}}\n",
			func(sc Config) bool { return sc.Jobs.Arrivals == Range{1, 4} }, "arrivals 1..4"},
		{"through an alias", []string{"carriers[1].capacity=7"}, "carriers:\n  - &c {capacity: 50}\n  - *c\n",
			func(sc Config) bool { return sc.Carriers[0].Capacity == 50 && sc.Carriers[1].Capacity == 7 }, "the alias copied, only item 1 changed"},
		{"at an anchor", []string{"carriers[0].strategy.sigma=3"}, "carriers:\n  - &c {capacity: 50, strategy: {kind: learn, sigma: 9}}\n  - *c\n  - *c\n",
			func(sc Config) bool {
				return sc.Carriers[0].Strategy.Sigma == 3 && sc.Carriers[1].Strategy.Sigma == 9 && sc.Carriers[2].Strategy.Sigma == 9
			}, "only item 0 changed, the aliases keep the file's value"},
		{"every item, anchor and aliases", []string{"carriers[*].strategy.sigma=3"}, "carriers:\n  - &c {capacity: 50, strategy: {kind: learn, sigma: 9}}\n  - *c\n",
			func(sc Config) bool { return sc.Carriers[0].Strategy.Sigma == 3 && sc.Carriers[1].Strategy.Sigma == 3 }, "both changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := ParseWith("x.yaml", []byte(c.file), c.sets)
			if err != nil {
				t.Fatalf("ParseWith(%v): %v", c.sets, err)
			}
			if !c.want(sc) {
				t.Errorf("ParseWith(%v) gave %+v, want %s", c.sets, sc, c.says)
			}
		})
	}
}

func TestParseWithNoOverridesIsParse(t *testing.T) {
	data := []byte("name: a\ncarriers:\n  - capacity: 40\n")
	a, errA := Parse("x.yaml", data)
	b, errB := ParseWith("x.yaml", data, nil)
	if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("ParseWith without overrides differs from Parse: %+v, %v vs %+v, %v", b, errB, a, errA)
	}
}

func TestParseWithNaN(t *testing.T) {
	_, err := ParseWith("x.yaml", nil, []string{"jobs.sharing=.nan"})
	if err == nil || !strings.Contains(err.Error(), "--set jobs.sharing=.nan: jobs.sharing: NaN is not a finite number") {
		t.Errorf("error %v, want the NaN named by its flag", err)
	}
	sc, err := ParseWith("x.yaml", nil, []string{"market.k=0.25"})
	if err != nil || math.Abs(sc.Market.K-0.25) != 0 {
		t.Errorf("market.k=0.25 gave %v, %v", sc.Market.K, err)
	}
}

// TestParseWithReportsEveryProblem: the file's problems keep their lines,
// each override's problems name the flag, all in one error.
func TestParseWithReportsEveryProblem(t *testing.T) {
	const file = "name: bad\ncarriers:\n  - capacity: 10\n    cost_rate: .nan\nmarkt: {}\n"
	sets := []string{
		"carriers[0].capacity=-5",
		"shippers[0].penalty=twenty",
		"carriers[0].capacty=3",
		"training.episodes",
		"carriers[3].capacity=1",
		"shippers.0.penalty=1",
		"jobs.due.min=[unclosed",
		"carriers[0].strategy.kind=learnn",
	}
	_, err := ParseWith("bad.yaml", []byte(file), sets)
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T), want config.Problems", err, err)
	}
	want := []string{
		"bad.yaml:4: carriers[0].cost_rate: NaN is not a finite number",
		`bad.yaml:5: markt: unknown key "markt"; did you mean "market"?`,
		"--set carriers[0].capacity=-5: carriers[0].capacity: -5 is too small: want a whole number >= 0",
		`--set shippers[0].penalty=twenty: shippers[0].penalty: "twenty" is a string: want a number`,
		`--set carriers[0].capacty=3: carriers[0].capacty: unknown key "capacty"; did you mean "capacity"?`,
		"--set training.episodes: want key.path=value",
		"--set carriers[3].capacity=1: carriers has 1 item(s): the index of a new one is [1]",
		"--set shippers.0.penalty=1: shippers is a list, not a mapping with key \"0\": write shippers[i]",
		"--set jobs.due.min=[unclosed: \"[unclosed\" is not a YAML value",
		`--set carriers[0].strategy.kind=learnn: carriers[0].strategy.kind: "learnn" is not a strategy: want learn, truthful, markup, linear, zi-c, zip or custom (did you mean "learn"?)`,
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d:\n  %s\nwant it to start with\n  %s", i, got[i], w)
		}
	}
}

// An empty list or mapping set on the command line reaches validation as
// itself: it has no block form, so the rewritten text keeps it as [] or {}
// (before, it read as a YAML syntax error "with the default").
func TestParseWithEmptyCollections(t *testing.T) {
	// Comments around the list, as in the presets, are what broke the rewritten text.
	const file = "name: m\nshippers:   # who bids\n  - penalty: 1   # p\ncarriers:   # who asks\n  - capacity: 10\njobs:\n  fixed:   # the jobs\n    - {volume: 1, distance: 1, value: 5}\n"
	for _, c := range []struct{ set, want string }{
		{"shippers=[]", "--set shippers=[]: shippers: empty: want at least one shipper"},
		{"carriers=[]", "--set carriers=[]: carriers: empty: want at least one carrier"},
		{"shippers={}", "--set shippers={}: shippers: a mapping: want a list"},
		{"shippers[0].strategy.features=[]", "--set shippers[0].strategy.features=[]: shippers[0].strategy.features: no features: want at least one"},
	} {
		_, err := ParseWith("m.yaml", []byte(file), []string{c.set})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("--set %s: error %v, want it to start with %q", c.set, err, c.want)
		}
	}
	sc, err := ParseWith("m.yaml", []byte(file), []string{"jobs.fixed=[]"})
	if err != nil || len(sc.Jobs.Fixed) != 0 {
		t.Errorf("--set jobs.fixed=[]: %v, %d fixed jobs; want it valid with none", err, len(sc.Jobs.Fixed))
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct {
		in   string
		want string // canonical form, or "error"
	}{
		{"seed", "seed"},
		{"carriers[0].capacity", "carriers[0].capacity"},
		{"a[1][2].b", "a[1][2].b"},
		{"jobs.volume.max", "jobs.volume.max"},
		{"", "error"},
		{".seed", "error"},
		{"seed.", "error"},
		{"a..b", "error"},
		{"a[x]", "error"},
		{"a[-1]", "error"},
		{"a[1", "error"},
		{"a]", "error"},
		{"[0]", "error"},
	}
	for _, c := range cases {
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

func TestResolveWithPreset(t *testing.T) {
	sc, err := ResolveWith("smart-containers-corrected", []string{"carriers[0].capacity=60"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "smart-containers-corrected" || sc.P2Compat || sc.Carriers[0].Capacity != 60 {
		t.Errorf("got %+v, want the corrected preset with capacity 60", sc)
	}
	_, err = ResolveWith("smart-containers-2020", []string{"carriers[0].capacity=-1"})
	if err == nil || !strings.HasPrefix(err.Error(), "--set carriers[0].capacity=-1: carriers[0].capacity: -1 is too small") {
		t.Errorf("error %v, want the override named", err)
	}
}

func TestDiff(t *testing.T) {
	a, b := Default(), Default()
	b.Carriers[0].Capacity = 40
	b.Shippers = append(b.Shippers, DefaultShipper())
	d, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) == 0 || d[0] != "carriers[0].capacity: 80 -> 40" || !strings.Contains(strings.Join(d, "\n"), "shippers[1].penalty: (absent) -> 20") {
		t.Errorf("Diff:\n%s\nwant the capacity change and the added shipper", strings.Join(d, "\n"))
	}
	if d, _ := Diff(a, a); d != nil {
		t.Errorf("Diff of a scenario with itself: %v", d)
	}
}

func FuzzParseWith(f *testing.F) {
	f.Add("carriers:\n  - capacity: 3\n", "carriers[0].capacity=5")
	f.Add("", "shippers[2].penalty=1")
	f.Add("jobs: 5\n", "jobs.volume.min=1")
	f.Fuzz(func(t *testing.T, file, set string) {
		_, err := ParseWith("f.yaml", []byte(file), []string{set})
		if err != nil && err.Error() == "" {
			t.Error("an error with no message")
		}
	})
}

// An override goes through the checks a value in the file does, and a
// problem names the flag.
func ExampleParseWith() {
	file := []byte("name: mine\ncarriers:\n  - capacity: 40\n")
	sc, err := ParseWith("mine.yaml", file, []string{"carriers[0].capacity=60", "shippers[0].penalty=30"})
	fmt.Println(sc.Carriers[0].Capacity, sc.Shippers[0].Penalty, err)

	_, err = ParseWith("mine.yaml", file, []string{"carriers[0].capacity=-5", "markt.tie=strict"})
	fmt.Println(err)
	// Output:
	// 60 30 <nil>
	// --set carriers[0].capacity=-5: carriers[0].capacity: -5 is too small: want a whole number >= 0
	// --set markt.tie=strict: markt: unknown key "markt"; did you mean "market"?
}
