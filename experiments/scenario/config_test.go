package scenario

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/config"
	"gopkg.in/yaml.v3"
)

func TestParseReportsEveryProblemWithLineAndField(t *testing.T) {
	const doc = `name: bad
replicates: 2
trainig:
  episodes: 10
carriers:
  - capacity: -5
    cost_rate: .nan
shippers:
  - penalty: twenty
market:
  price: vickrey
`
	_, err := Parse("bad.yaml", []byte(doc))
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T), want config.Problems", err, err)
	}
	want := []struct {
		line  int
		field string
		text  string
	}{
		{3, "trainig", `did you mean "training"`},
		{6, "carriers[0].capacity", "want a whole number >= 0"},
		{7, "carriers[0].cost_rate", "not a finite number"},
		{9, "shippers[0].penalty", `"twenty" is a string: want a number`},
		{11, "market.price", "want spread, k-double, pay-as-bid or k-double-uniform"},
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		p := ps[i]
		if p.File != "bad.yaml" || p.Line != w.line || p.Field != w.field || !strings.Contains(p.Msg, w.text) {
			t.Errorf("problem %d is %q, want bad.yaml line %d field %s saying %q", i, p.Error(), w.line, w.field, w.text)
		}
	}
	if !strings.Contains(err.Error(), "bad.yaml:6: carriers[0].capacity: -5 is too small") {
		t.Errorf("message %q does not read file:line: field: what", err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"syntax", "name: [unclosed\n", "x.yaml:1: not valid YAML"},
		{"unknown nested key", "jobs:\n  volumes: {min: 1, max: 2}\n", `x.yaml:2: jobs.volumes: unknown key "volumes"; did you mean "volume"?`},
		{"unknown key, no near match", "zzzzzzzz: 1\n", "allowed here: carriers, demand_ratio, description"},
		{"empty range", "jobs:\n  due: {min: 3, max: 1}\n", "x.yaml:2: jobs.due.max: 1 is below min 3"},
		{"sharing above one", "jobs:\n  sharing: 1.5\n", "x.yaml:2: jobs.sharing: 1.5 is out of range: want a number in [0, 1]"},
		{"infinite penalty", "shippers:\n  - penalty: .inf\n", "x.yaml:2: shippers[0].penalty: +Inf is not a finite number"},
		{"zero sigma", "shippers:\n  - strategy: {sigma: 0}\n", "x.yaml:2: shippers[0].strategy.sigma: 0: want a number > 0"},
		{"no carriers", "carriers: []\n", "x.yaml:1: carriers: empty"},
		{"carrier with p2 features", "carriers:\n  - strategy: {kind: learn, features: [p2]}\n", `x.yaml:2: carriers[0].strategy.features: p2 features describe a shipper's job`},
		{"unknown feature", "shippers:\n  - strategy: {features: [bias, colour]}\n", `shippers[0].strategy.features: unknown feature "colour": want p2, or a list of bias, volume`},
		{"offset without bias", "shippers:\n  - strategy: {features: [cost, bias], offset: 5}\n", `shippers[0].strategy.offset: an offset sets the bias weight`},
		{"fixed job for no shipper", "jobs:\n  fixed:\n    - {volume: 1, shipper: 3}\n", `x.yaml:3: jobs.fixed[0].shipper: 3 is not a shipper: want 0..0`},
		{"NaN risk", "carriers:\n  - strategy: {kind: learn, risk: .nan}\n", `carriers[0].strategy.risk: NaN is not a finite number`},
		{"bad tie", "market: {tie: random}\n", "market.tie: \"random\" is not a tie rule"},
		{"negative replicates", "replicates: -1\n", "x.yaml:1: replicates: -1 is too small: want a whole number >= 1"},
		{"list for a number", "seed: [1, 2]\n", "x.yaml:1: seed"},
		{"p2 rule on an mlp", "shippers:\n  - strategy: {learner: p2, policy: mlp}\n", "x.yaml:2: shippers[0].strategy.learner: p2: P2's rule trains P2's linear policy"},
		{"pg on the p2 policy", "shippers:\n  - strategy: {learner: pg}\n", "shippers[0].strategy.learner: pg: policy gradient trains a linear or mlp policy"},
		{"unknown learner", "shippers:\n  - strategy: {learner: sarsa}\n", `"sarsa" is not a learner`},
		{"ppo clip above one", "p2_compat: false\nshippers:\n  - strategy: {learner: ppo, ppo: {clip: 1.5}}\n", "shippers[0].strategy.ppo.clip: 1.5: want a finite number in (0, 1]"},
		{"ppo no epochs", "shippers:\n  - strategy: {learner: ppo, ppo: {epochs: 0}}\n", "shippers[0].strategy.ppo.epochs: 0: want a whole number >= 1"},
		{"ppo sigma above its bound", "shippers:\n  - strategy: {learner: ppo, sigma: 10, ppo: {max_sigma: 5}}\n", "shippers[0].strategy.ppo.max_sigma: 5: sigma 10 must lie strictly between"},
		{"ppo state_sigma not a bool", "shippers:\n  - strategy: {learner: ppo, ppo: {state_sigma: maybe}}\n", `x.yaml:2: shippers[0].strategy.ppo.state_sigma: "maybe" is a string: want true or false`},
		{"ppo empty hidden", "shippers:\n  - strategy: {learner: ppo, ppo: {hidden: []}}\n", "shippers[0].strategy.ppo.hidden: empty"},
		{"natural zero step", "p2_compat: false\nshippers:\n  - strategy: {natural: {step: 0}}\n", "shippers[0].strategy.natural.step: 0: want a finite number > 0"},
		{"money origin unknown", "shippers:\n  - strategy: {features: [bias, value], money_origin: highest}\n", `x.yaml:2: shippers[0].strategy.money_origin: "highest" is not a money origin`},
		{"money origin on p2 features", "shippers:\n  - strategy: {money_origin: lowest}\n", "x.yaml:2: shippers[0].strategy.money_origin: lowest applies to named features; P2's eight are fixed"},
		{"money origin without bias", "shippers:\n  - strategy: {features: [value, bias], money_origin: lowest}\n", "shippers[0].strategy.money_origin: lowest starts a learner quoting the lowest price through the bias weight: want features starting with bias"},
		{"money origin of a truthful carrier", "carriers:\n  - strategy: {kind: truthful, money_origin: lowest}\n", "carriers[0].strategy.money_origin: lowest measures the money features of a learn or linear strategy from the market's lowest price: want zero for kind truthful"},
		{"ppo truthful start", "shippers:\n  - strategy: {learner: ppo, features: [bias, reservation], start: truthful}\n", "shippers[0].strategy.start: truthful sets linear weights"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse(%q) error:\n%v\nwant it to contain:\n%s", c.doc, err, c.want)
			}
		})
	}
}

func TestParseDefaultsAndOverrides(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("name: mine\nshippers:\n  - penalty: 30\ncarriers:\n  - {capacity: 40}\n  - {capacity: 60, cost_rate: 0.2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "mine" || sc.Training.Episodes != 4000 {
		t.Errorf("name %q episodes %d: want mine and the default 4000", sc.Name, sc.Training.Episodes)
	}
	if s := sc.Shippers[0]; s.Penalty != 30 || s.HoldingCost != 1 || s.Strategy.Sigma != 10 {
		t.Errorf("shipper %+v: want penalty 30 with the other defaults (h 1, sigma 10)", s)
	}
	if len(sc.Carriers) != 2 || sc.Carriers[0].CostRate != 0.1 || sc.Carriers[1].CostRate != 0.2 || sc.Carriers[1].Strategy.Kind != KindTruthful {
		t.Errorf("carriers %+v: want two, defaults filled per carrier", sc.Carriers)
	}
}

func TestEmptyFileIsTheDefault(t *testing.T) {
	sc, err := Parse("empty.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sc, Default()) {
		t.Errorf("an empty file gave %+v, want the defaults", sc)
	}
}

// TestPresetsParseAndRoundTrip checks every built-in preset, and that the
// effective configuration a run writes reads back to the same scenario.
func TestPresetsParseAndRoundTrip(t *testing.T) {
	for _, name := range Presets() {
		sc, err := Resolve(name)
		if err != nil {
			t.Errorf("preset %s: %v", name, err)
			continue
		}
		out, err := yaml.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse("config.yaml", out)
		if err != nil {
			t.Errorf("preset %s: its effective config does not parse: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(back, sc) {
			t.Errorf("preset %s: effective config reads back as\n%+v\nwant\n%+v", name, back, sc)
		}
	}
	if sc, _ := Resolve(""); sc.Name != DefaultPreset || !reflect.DeepEqual(sc, Default()) {
		t.Errorf("the default preset file and Default() disagree:\n%+v\n%+v", sc, Default())
	}
}

func TestResolveUnknown(t *testing.T) {
	_, err := Resolve("no-such-preset")
	if err == nil || !strings.Contains(err.Error(), "neither a preset (balanced, bilateral") {
		t.Errorf("error %v, want one listing the presets", err)
	}
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, []byte("carriers:\n  - capacity: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(p); err == nil || !strings.Contains(err.Error(), p+":2: carriers[0].capacity") {
		t.Errorf("error %v, want it to name %s line 2", err, p)
	}
}

// A sigma below 1 % of the price scale is valid but warned about: the
// bilateral preset in cents with its sigma of 0.2 (0.2 %); no preset as
// shipped, nor the same market with sigma scaled.
func TestWarningsOnASigmaBelowThePriceScale(t *testing.T) {
	for _, name := range Presets() {
		sc, err := Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if w := sc.Warnings(); len(w) > 0 {
			t.Errorf("preset %s: warnings %v, want none", name, w)
		}
	}
	cents := []string{"jobs.value={dist: uniform, min: 0, max: 100}", "carriers[0].cost_factor={dist: uniform, min: 0, max: 100}"}
	sc, err := ResolveWith("bilateral", cents)
	if err != nil {
		t.Fatal(err)
	}
	w := sc.Warnings()
	if len(w) != 2 || w[0].Field != "shippers[0].strategy.sigma" || !strings.HasPrefix(w[0].Msg, "0.2 is 0.2 % of the market's price scale, 100") ||
		w[1].Field != "carriers[0].strategy.sigma" || !strings.HasPrefix(w[1].Msg, "0.2 is 0.2 % of") || !strings.Contains(w[1].Msg, "--set carriers[0].strategy.sigma=10") {
		t.Errorf("bilateral in cents: warnings %v", w)
	}
	sc, err = ResolveWith("bilateral", append(cents, "shippers[0].strategy.sigma=20", "carriers[0].strategy.sigma=20"))
	if err != nil {
		t.Fatal(err)
	}
	if w := sc.Warnings(); len(w) > 0 {
		t.Errorf("bilateral in cents, sigma 20: warnings %v, want none", w)
	}
}

// The lowest price of a market is its lowest job cost or value, and the
// money features of a strategy with money_origin lowest are measured from
// it; with zero, and in every preset as shipped, from 0 as before.
func TestLowestMoneyAndTheScalesOfAStrategy(t *testing.T) {
	cases := []struct {
		preset string
		sets   []string
		low    float64
	}{
		{"bilateral", nil, 0},
		{"bilateral", []string{"jobs.value={dist: uniform, min: 10, max: 12}", "carriers[0].cost_factor={dist: uniform, min: 10, max: 12}"}, 10},
		{"bilateral", []string{"jobs.value={dist: uniform, min: 1, max: 3}", "carriers[0].cost_factor={dist: uniform, min: 2, max: 3}"}, 1},
		{"bilateral", []string{"jobs.value={dist: uniform, min: 5, max: 9}", "carriers[0].cost_factor={dist: normal, mean: 4, sd: 0.5}"}, 2.5},
		{"strategic-bidding-deterministic", nil, 50}, // cost 0.1*10*50 and 0.1*5*100; values 90 to 150
		{"balanced", nil, 0},                         // jobs carry no value
		{"corridor", nil, 0},                         // nor here
		{"smart-containers-2020", nil, 0},
	}
	for _, c := range cases {
		sc, err := ResolveWith(c.preset, c.sets)
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.LowestMoney(); math.Abs(got-c.low) > 1e-12 {
			t.Errorf("%s %v: LowestMoney %v, want %v", c.preset, c.sets, got, c.low)
		}
		st := sc.Shippers[0].Strategy
		if s := sc.ScalesFor(st); s != sc.Scales() || s.Origin != 0 {
			t.Errorf("%s %v: ScalesFor with money_origin zero %+v, want Scales %+v", c.preset, c.sets, s, sc.Scales())
		}
		st.Origin = OriginLowest
		want := sc.Scales()
		if c.low < want.Money {
			want.Origin = c.low
		}
		if s := sc.ScalesFor(st); math.Abs(s.Origin-want.Origin) > 1e-12 || s.Money != want.Money {
			t.Errorf("%s %v: ScalesFor with money_origin lowest %+v, want %+v", c.preset, c.sets, s, want)
		}
	}
}

// Money features measured from 0 in a market whose prices lie far from 0
// are warned about, with the fix; not with money_origin lowest, nor in a
// market whose lowest price is below a third of its price scale.
func TestWarningsOnMoneyFeaturesFarFromTheirOrigin(t *testing.T) {
	moved := []string{"jobs.value={dist: uniform, min: 10, max: 12}", "carriers[0].cost_factor={dist: uniform, min: 10, max: 12}",
		"shippers[0].strategy.sigma=0.4", "carriers[0].strategy.sigma=0.4"}
	sc, err := ResolveWith("bilateral", moved)
	if err != nil {
		t.Fatal(err)
	}
	w := sc.Warnings()
	if len(w) != 2 || w[0].Field != "shippers[0].strategy.money_origin" || w[1].Field != "carriers[0].strategy.money_origin" ||
		!strings.Contains(w[0].Msg, "prices run from 10 to 12, so its money features, measured from 0, lie in [0.83, 1]") ||
		!strings.Contains(w[1].Msg, "--set carriers[0].strategy.money_origin=lowest") {
		t.Errorf("bilateral on [10, 12]: warnings %v", w)
	}
	sc, err = ResolveWith("bilateral", append(moved, "shippers[0].strategy.money_origin=lowest", "carriers[0].strategy.money_origin=lowest"))
	if err != nil {
		t.Fatal(err)
	}
	if w := sc.Warnings(); len(w) > 0 {
		t.Errorf("bilateral on [10, 12], money_origin lowest: warnings %v, want none", w)
	}
	sc, err = ResolveWith("bilateral", []string{"jobs.value={dist: uniform, min: 1, max: 4}", "carriers[0].cost_factor={dist: uniform, min: 1, max: 4}"})
	if err != nil {
		t.Fatal(err)
	}
	if w := sc.Warnings(); len(w) > 0 {
		t.Errorf("bilateral on [1, 4] (lowest a quarter of the scale): warnings %v, want none", w)
	}
}

// A linear rule that weighs a money feature by at most 1 reads as a
// multiplier of the money (bid = 0.9 x value) but quotes 0.9 x value /
// the price scale: warned, with the weight that means it; not at face
// value, nor on the bias.
func TestWarningsOnLinearWeightsThatLookLikeMultipliers(t *testing.T) {
	file := "../../testdata/scenarios/one-slot.yaml"
	for _, c := range []struct {
		weights string
		want    string // "" for no warning
	}{
		{"[0,0.9]", "0.9 on value: the features are scaled, value divided by the price scale 120, so this weight adds at most 0.9 to a quote; to quote 0.9 x value, weigh it by 108"},
		{"[0,108]", ""},
		{"[100,0]", ""},
	} {
		sc, err := ResolveWith(file, []string{"shippers[0].strategy.features=[bias,value]", "shippers[0].strategy.weights=" + c.weights})
		if err != nil {
			t.Fatal(err)
		}
		w := sc.Warnings()
		if c.want == "" {
			if len(w) > 0 {
				t.Errorf("weights %s: warnings %v, want none", c.weights, w)
			}
			continue
		}
		if len(w) != 1 || w[0].Field != "shippers[0].strategy.weights[1]" || !strings.HasPrefix(w[0].Msg, c.want) {
			t.Errorf("weights %s: warnings %v, want one on shippers[0].strategy.weights[1] saying %q", c.weights, w, c.want)
		}
	}
}
