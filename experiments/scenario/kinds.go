package scenario

import (
	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/market"
	"github.com/freightsim/freightsim/policy"
)

// The settings that take one of a few names are their own types: each is
// decoded once, where the file is read (a bad name is a located problem
// with a did-you-mean), and the run receives it typed. Each writes itself
// back as its name, so config.yaml reads as the file did.
// Clearing is how the market clears: at departures by the knapsack broker, or continuously by a double auction.
type Clearing uint8

// The values of Clearing.
const (
	Knapsack Clearing = iota // knapsack
	CDA                      // cda
)

var clearingEnum = config.Enum{What: "a clearing", Names: []string{"knapsack", "cda"}}

func (v Clearing) String() string                    { return clearingEnum.Name(int(v)) }
func (v Clearing) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Clearing) UnmarshalText(b []byte) error     { return setEnum(v, clearingEnum, string(b)) }
func (v *Clearing) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, clearingEnum, n) }

// Tie is the knapsack broker's tie rule (market.Tie).
type Tie uint8

// The values of Tie.
const (
	TieStrict    Tie = iota // strict
	TieMaxVolume            // max-volume
)

var tieEnum = config.Enum{What: "a tie rule", Names: []string{"strict", "max-volume"}}

func (v Tie) String() string                    { return tieEnum.Name(int(v)) }
func (v Tie) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Tie) UnmarshalText(b []byte) error     { return setEnum(v, tieEnum, string(b)) }
func (v *Tie) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, tieEnum, n) }

// Price is the price rule: spread, k-double, pay-as-bid or k-double-uniform for the knapsack broker (market.PriceKind), resting or midpoint for the continuous double auction (market.TradePrice).
type Price uint8

// The values of Price.
const (
	PriceSpread         Price = iota // spread
	PriceKDouble                     // k-double
	PricePayAsBid                    // pay-as-bid
	PriceResting                     // resting
	PriceMidpoint                    // midpoint
	PriceKDoubleUniform              // k-double-uniform
)

var priceEnum = config.Enum{What: "a price rule", Names: []string{"spread", "k-double", "pay-as-bid", "resting", "midpoint", "k-double-uniform"},
	Want: "spread, k-double, pay-as-bid or k-double-uniform (clearing knapsack), or resting or midpoint (clearing cda)"}

func (v Price) String() string                    { return priceEnum.Name(int(v)) }
func (v Price) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Price) UnmarshalText(b []byte) error     { return setEnum(v, priceEnum, string(b)) }
func (v *Price) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, priceEnum, n) }

// Kind is how an agent prices jobs: it learns, or follows a fixed rule.
type Kind uint8

// The values of Kind.
const (
	KindLearn    Kind = iota // learn
	KindTruthful             // truthful
	KindMarkup               // markup
	KindLinear               // linear
	KindZIC                  // zi-c
	KindZIP                  // zip
	KindCustom               // custom
)

var kindEnum = config.Enum{What: "a strategy", Names: []string{"learn", "truthful", "markup", "linear", "zi-c", "zip", "custom"}}

func (v Kind) String() string                    { return kindEnum.Name(int(v)) }
func (v Kind) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Kind) UnmarshalText(b []byte) error     { return setEnum(v, kindEnum, string(b)) }
func (v *Kind) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, kindEnum, n) }

// Policy is a learner's policy and update: P2's linear policy and REINFORCE, or a linear or MLP Gaussian trained by policy gradient.
type Policy uint8

// The values of Policy.
const (
	PolicyP2     Policy = iota // p2
	PolicyLinear               // linear
	PolicyMLP                  // mlp
)

var policyEnum = config.Enum{What: "a policy", Names: []string{"p2", "linear", "mlp"}}

func (v Policy) String() string                    { return policyEnum.Name(int(v)) }
func (v Policy) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Policy) UnmarshalText(b []byte) error     { return setEnum(v, policyEnum, string(b)) }
func (v *Policy) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, policyEnum, n) }

// Learner is a learning strategy's update rule. LearnerAuto resolves, per
// scenario, to P2's rule under p2_compat, to policy gradient for an
// explicit linear or mlp policy, and to the default learner, natural,
// otherwise (see Strategy.Rule).
type Learner uint8

// The values of Learner.
const (
	LearnerAuto    Learner = iota // auto
	LearnerP2                     // p2
	LearnerPG                     // pg
	LearnerNatural                // natural
	LearnerPPO                    // ppo
)

var learnerEnum = config.Enum{What: "a learner", Names: []string{"auto", "p2", "pg", "natural", "ppo"}}

func (v Learner) String() string                    { return learnerEnum.Name(int(v)) }
func (v Learner) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Learner) UnmarshalText(b []byte) error     { return setEnum(v, learnerEnum, string(b)) }
func (v *Learner) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, learnerEnum, n) }

// Rule is the update rule a learning strategy st uses in a scenario whose
// p2_compat is compat: its learner, or for auto P2's rule with policy p2
// under p2_compat, policy gradient with an explicit linear or mlp policy,
// and natural otherwise.
func (st Strategy) Rule(compat bool) Learner {
	switch {
	case st.Learner != LearnerAuto:
		return st.Learner
	case st.Policy == PolicyLinear || st.Policy == PolicyMLP:
		return LearnerPG
	case compat:
		return LearnerP2
	}
	return LearnerNatural
}

// Optimizer is the optimizer of a policy-gradient learner.
type Optimizer uint8

// The values of Optimizer.
const (
	Adam Optimizer = iota // adam
	SGD                   // sgd
)

var optimizerEnum = config.Enum{What: "an optimizer", Names: []string{"adam", "sgd"}}

func (v Optimizer) String() string                    { return optimizerEnum.Name(int(v)) }
func (v Optimizer) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Optimizer) UnmarshalText(b []byte) error     { return setEnum(v, optimizerEnum, string(b)) }
func (v *Optimizer) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, optimizerEnum, n) }

// Baseline is the baseline subtracted from returns (policy.Baseline).
type Baseline uint8

// The values of Baseline.
const (
	BaselineNone   Baseline = iota // none
	BaselineGroup                  // group
	BaselineCritic                 // critic
)

var baselineEnum = config.Enum{What: "a baseline", Names: []string{"none", "group", "critic"}}

func (v Baseline) String() string                    { return baselineEnum.Name(int(v)) }
func (v Baseline) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Baseline) UnmarshalText(b []byte) error     { return setEnum(v, baselineEnum, string(b)) }
func (v *Baseline) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, baselineEnum, n) }

// Critic is the value function of a critic baseline.
type Critic uint8

// The values of Critic.
const (
	CriticLinear Critic = iota // linear
	CriticMLP                  // mlp
)

var criticEnum = config.Enum{What: "a critic", Names: []string{"linear", "mlp"}}

func (v Critic) String() string                    { return criticEnum.Name(int(v)) }
func (v Critic) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Critic) UnmarshalText(b []byte) error     { return setEnum(v, criticEnum, string(b)) }
func (v *Critic) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, criticEnum, n) }

// Start is a learner's initial weights: zero, or quoting the reservation (a shipper) or the cost (a carrier).
type Start uint8

// The values of Start.
const (
	StartZero     Start = iota // zero
	StartTruthful              // truthful
)

var startEnum = config.Enum{What: "a start", Names: []string{"zero", "truthful"}}

func (v Start) String() string                    { return startEnum.Name(int(v)) }
func (v Start) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Start) UnmarshalText(b []byte) error     { return setEnum(v, startEnum, string(b)) }
func (v *Start) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, startEnum, n) }

// MoneyOrigin is where a strategy's money features (cost, value,
// reservation) are measured from: zero, or the market's lowest price
// (Config.LowestMoney).
type MoneyOrigin uint8

// The values of MoneyOrigin.
const (
	OriginZero   MoneyOrigin = iota // zero
	OriginLowest                    // lowest
)

var moneyOriginEnum = config.Enum{What: "a money origin", Names: []string{"zero", "lowest"}}

func (v MoneyOrigin) String() string                    { return moneyOriginEnum.Name(int(v)) }
func (v MoneyOrigin) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *MoneyOrigin) UnmarshalText(b []byte) error     { return setEnum(v, moneyOriginEnum, string(b)) }
func (v *MoneyOrigin) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, moneyOriginEnum, n) }

// DistKind is a distribution's family.
type DistKind uint8

// The values of DistKind.
const (
	DistNone      DistKind = iota // none
	DistFixed                     // fixed
	DistUniform                   // uniform
	DistNormal                    // normal
	DistLogNormal                 // lognormal
	DistEmpirical                 // empirical
)

var distKindEnum = config.Enum{What: "a distribution", Names: []string{"none", "fixed", "uniform", "normal", "lognormal", "empirical"}}

func (v DistKind) String() string                    { return distKindEnum.Name(int(v)) }
func (v DistKind) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *DistKind) UnmarshalText(b []byte) error     { return setEnum(v, distKindEnum, string(b)) }
func (v *DistKind) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, distKindEnum, n) }

// Method is how the equilibrium measurement finds best responses.
type Method uint8

// The values of Method.
const (
	MethodAuto   Method = iota // auto: exact where every job trades alone, search elsewhere
	MethodSearch               // search: always the global search (to validate it against the exact method)
)

var methodEnum = config.Enum{What: "a method", Names: []string{"auto", "search"}}

func (v Method) String() string                    { return methodEnum.Name(int(v)) }
func (v Method) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Method) UnmarshalText(b []byte) error     { return setEnum(v, methodEnum, string(b)) }
func (v *Method) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, methodEnum, n) }

func setEnum[T ~uint8](v *T, e config.Enum, name string) error {
	i, err := e.Parse(name)
	if err == nil {
		*v = T(i)
	}
	return err
}

func decodeEnum[T ~uint8](v *T, e config.Enum, n *yaml.Node) error {
	i, err := e.Decode(n)
	if err == nil {
		*v = T(i)
	}
	return err
}

// Rule is the market's tie rule.
func (v Tie) Rule() market.Tie {
	if v == TieMaxVolume {
		return market.TieMaxVolume
	}
	return market.TieStrict
}

// Knapsack reports whether the rule prices a knapsack clearing, and its
// market.PriceKind if so.
func (v Price) Knapsack() (market.PriceKind, bool) {
	switch v {
	case PriceSpread:
		return market.Spread, true
	case PriceKDouble:
		return market.KDouble, true
	case PricePayAsBid:
		return market.PayAsBid, true
	case PriceKDoubleUniform:
		return market.KDoubleUniform, true
	}
	return 0, false
}

// Auction reports whether the rule prices the trades of a continuous
// double auction, and its market.TradePrice if so.
func (v Price) Auction() (market.TradePrice, bool) {
	switch v {
	case PriceResting:
		return market.RestingPrice, true
	case PriceMidpoint:
		return market.MidpointPrice, true
	}
	return 0, false
}

// Kind is the policy-gradient baseline.
func (v Baseline) Kind() policy.BaselineKind {
	switch v {
	case BaselineGroup:
		return policy.BaselineGroup
	case BaselineCritic:
		return policy.BaselineCritic
	}
	return policy.BaselineNone
}
