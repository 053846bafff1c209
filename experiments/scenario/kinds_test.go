package scenario

import (
	"encoding"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type textEnum interface {
	encoding.TextMarshaler
	encoding.TextUnmarshaler
}

// enumCase is one enum type: its names, and a new value of it.
type enumCase struct {
	names []string
	value func() textEnum
}

func enumCases() map[string]enumCase {
	return map[string]enumCase{
		"clearing":     {clearingEnum.Names, func() textEnum { return new(Clearing) }},
		"tie":          {tieEnum.Names, func() textEnum { return new(Tie) }},
		"price":        {priceEnum.Names, func() textEnum { return new(Price) }},
		"kind":         {kindEnum.Names, func() textEnum { return new(Kind) }},
		"policy":       {policyEnum.Names, func() textEnum { return new(Policy) }},
		"optimizer":    {optimizerEnum.Names, func() textEnum { return new(Optimizer) }},
		"baseline":     {baselineEnum.Names, func() textEnum { return new(Baseline) }},
		"critic":       {criticEnum.Names, func() textEnum { return new(Critic) }},
		"start":        {startEnum.Names, func() textEnum { return new(Start) }},
		"money_origin": {moneyOriginEnum.Names, func() textEnum { return new(MoneyOrigin) }},
		"dist":         {distKindEnum.Names, func() textEnum { return new(DistKind) }},
		"method":       {methodEnum.Names, func() textEnum { return new(Method) }},
		"learner":      {learnerEnum.Names, func() textEnum { return new(Learner) }},
	}
}

// TestEnumsRoundTrip: every name reads into a value that writes the same
// name back, and a name that is not one is refused with the allowed names.
func TestEnumsRoundTrip(t *testing.T) {
	for what, c := range enumCases() {
		for _, name := range c.names {
			v := c.value()
			if err := v.UnmarshalText([]byte(name)); err != nil {
				t.Errorf("%s %q: %v", what, name, err)
				continue
			}
			b, err := v.MarshalText()
			if err != nil || string(b) != name {
				t.Errorf("%s %q written back as %q, %v", what, name, b, err)
			}
		}
		err := c.value().UnmarshalText([]byte(c.names[0] + "x"))
		if err == nil || !strings.Contains(err.Error(), c.names[len(c.names)-1]) || !strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%s %q: error %v, want the allowed names and a did-you-mean", what, c.names[0]+"x", err)
		}
	}
}

// TestEnumsInYAML: a scenario writes its enums by name and reads them back
// to the same values; a bad name in a list item keeps the item's other
// problems (yaml.v3 would drop the item).
func TestEnumsInYAML(t *testing.T) {
	sc := Default()
	sc.Market = Market{Clearing: CDA, Tie: TieMaxVolume, Price: PriceMidpoint, K: 0.5, Quotes: 2}
	sc.Shippers[0].Strategy.Policy = PolicyMLP
	sc.Shippers[0].Strategy.Baseline = BaselineGroup
	b, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"clearing: cda", "tie: max-volume", "price: midpoint", "policy: mlp", "baseline: group", "kind: learn", "dist: none"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the YAML of a scenario does not contain %q", want)
		}
	}
	var back Config
	if err := yaml.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Market != sc.Market || back.Shippers[0].Strategy.Policy != PolicyMLP || back.Shippers[0].Strategy.Baseline != BaselineGroup {
		t.Errorf("read back %+v, %v, %v; want %+v, mlp, group", back.Market, back.Shippers[0].Strategy.Policy, back.Shippers[0].Strategy.Baseline, sc.Market)
	}

	_, err = Parse("x.yaml", []byte("carriers:\n  - capacity: -1\n    strategy: {kind: markupp}\n  - capacity: many\n    cost_rate: -2\n"))
	for _, want := range []string{
		"x.yaml:2: carriers[0].capacity: -1 is too small",
		`x.yaml:3: carriers[0].strategy.kind: "markupp" is not a strategy`,
		`x.yaml:4: carriers[1].capacity: "many" is a string`,
		"x.yaml:5: carriers[1].cost_rate: -2 is out of range",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems\n%v\ndo not contain %q", err, want)
		}
	}
}

func ExampleKind() {
	var k Kind
	err := k.UnmarshalText([]byte("zi-c"))
	fmt.Println(k == KindZIC, err)
	fmt.Println(k.UnmarshalText([]byte("zic")))
	// Output:
	// true <nil>
	// "zic" is not a strategy: want learn, truthful, markup, linear, zi-c, zip or custom (did you mean "zi-c"?)
}

// The rule a learner gets: its own if named; with auto, P2's under
// p2_compat for policy p2, policy gradient for an explicit linear or mlp
// policy, and the default learner, natural, otherwise.
func TestStrategyRule(t *testing.T) {
	cases := []struct {
		learner Learner
		policy  Policy
		compat  bool
		want    Learner
	}{
		{LearnerAuto, PolicyP2, true, LearnerP2},
		{LearnerAuto, PolicyP2, false, LearnerNatural},
		{LearnerAuto, PolicyLinear, true, LearnerPG},
		{LearnerAuto, PolicyMLP, false, LearnerPG},
		{LearnerP2, PolicyP2, false, LearnerP2},
		{LearnerNatural, PolicyP2, true, LearnerNatural},
		{LearnerPPO, PolicyMLP, true, LearnerPPO},
		{LearnerPG, PolicyLinear, false, LearnerPG},
	}
	for _, c := range cases {
		st := Strategy{Learner: c.learner, Policy: c.policy}
		if got := st.Rule(c.compat); got != c.want {
			t.Errorf("learner %s, policy %s, p2_compat %v: rule %s, want %s", c.learner, c.policy, c.compat, got, c.want)
		}
	}
}
