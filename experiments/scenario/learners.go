package scenario

import (
	"fmt"
	"math"
	"slices"

	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/policy"
)

// validateNatural checks the keys of the default learner.
func (st Strategy) validateNatural(p string) config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: p + "." + field, Msg: fmt.Sprintf(format, args...)})
	}
	n := st.Natural
	if math.IsNaN(n.Step) || math.IsInf(n.Step, 0) || n.Step <= 0 {
		bad("natural.step", "%v: want a finite number > 0", n.Step)
	}
	if math.IsNaN(n.Halving) || n.Halving <= 0 {
		bad("natural.halving", "%v: want a number of updates > 0 (.inf for a constant step)", n.Halving)
	}
	if a := n.AnnealUpdates; math.IsNaN(a) || math.IsInf(a, 0) || a < 0 {
		bad("natural.anneal_updates", "%v: want a finite number of updates >= 0", a)
	}
	if a := n.AnnealSigma; math.IsNaN(a) || math.IsInf(a, 0) || a < 0 || (a > 0 && a <= st.SigmaFloor()) {
		bad("natural.anneal_sigma", "%v: want 0 (no annealing) or a finite number above the floor of sigma, %v", a, st.SigmaFloor())
	}
	if st.Policy == PolicyMLP {
		ps = append(ps, st.validateHidden(p, "hidden", st.Hidden)...)
	}
	biasFirst := len(st.Features) > 0 && (st.Features[0] == "bias" || st.Features[0] == "p2")
	if st.StateSigma && st.Policy != PolicyMLP && !biasFirst {
		bad("state_sigma", "a state-dependent sigma starts from the bias weight: want features starting with bias")
	}
	return ps
}

// validatePPO checks the keys of a PPO learner.
func (st Strategy) validatePPO(p string) config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: p + ".ppo." + field, Msg: fmt.Sprintf(format, args...)})
	}
	o := st.PPO
	ps = append(ps, st.validateHidden(p, "ppo.hidden", o.Hidden)...)
	for _, f := range []struct {
		name   string
		v, max float64
	}{
		{"clip", o.Clip, 1}, {"gae_lambda", o.Lambda, 1}, {"lr", o.LR, math.Inf(1)},
		{"critic_lr", o.CriticLR, math.Inf(1)}, {"target_kl", o.TargetKL, math.Inf(1)},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v <= 0 || f.v > f.max {
			bad(f.name, "%v: want a finite number in (0, %v]", f.v, f.max)
		}
	}
	if math.IsNaN(o.Entropy) || math.IsInf(o.Entropy, 0) || o.Entropy < 0 {
		bad("entropy", "%v: want a finite number >= 0", o.Entropy)
	}
	if math.IsNaN(o.Ridge) || math.IsInf(o.Ridge, 0) || o.Ridge < 0 {
		bad("ridge", "%v: want a finite number >= 0", o.Ridge)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"epochs", o.Epochs}, {"minibatch", o.Minibatch}, {"episodes", o.Episodes}} {
		if f.v < 1 {
			bad(f.name, "%d: want a whole number >= 1", f.v)
		}
	}
	lo, hi := st.SigmaFloor(), o.MaxSigma
	if hi == 0 {
		hi = 4 * st.Sigma
	}
	if math.IsNaN(o.MaxSigma) || math.IsInf(o.MaxSigma, 0) || !(lo < st.Sigma && st.Sigma < hi) {
		bad("max_sigma", "%v: sigma %v must lie strictly between the floor %v (min_sigma, at least sigma/8) and max_sigma (0: 4 * sigma)", o.MaxSigma, st.Sigma, lo)
	}
	return ps
}

// validateHidden checks a list of hidden layer widths at key.
func (st Strategy) validateHidden(p, key string, hidden []int) config.Problems {
	if len(hidden) == 0 {
		return config.Problems{{Field: p + "." + key, Msg: "empty: want one or more hidden layer widths, e.g. [16]"}}
	}
	var ps config.Problems
	for i, h := range hidden {
		if h < 1 {
			ps = append(ps, config.Problem{Field: fmt.Sprintf("%s.%s[%d]", p, key, i), Msg: fmt.Sprintf("%d: want a width >= 1", h)})
		}
	}
	return ps
}

// SigmaFloor is the floor of sigma of the natural and ppo learners:
// min_sigma, and at least 1/8 of the initial sigma
// (policy.DefaultFloorRatio), where a learner can still measure the slope
// of its payoff within an episode's noise.
func (st Strategy) SigmaFloor() float64 {
	return max(st.MinSigma, st.Sigma*policy.DefaultFloorRatio)
}

// Warnings are settings that are valid but probably a mistake, each with
// its field: the command line prints them and runs. Today three. A learning
// strategy whose initial sigma is below 1 % of the market's price scale
// (Scales.Money, the largest job cost or value): a learner moves its
// quotes by a fraction of sigma an update, so a sigma left at a preset's
// value in a market of larger prices (the bilateral preset in cents)
// hardly learns; every preset starts at 2.7 to 20 % of its price scale.
// And a learning strategy with money features measured from 0 in a
// market whose lowest price (LowestMoney) is at least a third of its price
// scale: the features then lie in [1/3, 1] or narrower, nearly parallel
// to the bias, and the learner falls short (money_origin lowest fixes
// it). And a linear strategy that weighs a money feature (cost, value,
// reservation) by at most 1 in a market whose price scale is 10 or more:
// the features are divided by the scale, so the weight reads as a
// multiplier of the money but adds at most 1 to a quote. No preset is
// warned.
func (sc *Config) Warnings() config.Problems {
	money := sc.Scales().Money
	var out config.Problems
	check := func(p string, st Strategy) {
		if st.Kind != KindLearn || !(st.Sigma < money/100) {
			return
		}
		out = append(out, config.Problem{Field: p + ".strategy.sigma", Msg: fmt.Sprintf("%v is %.2g %% of the market's price scale, %v (the largest job cost or value): "+
			"a learner moves its quotes by a fraction of sigma an update and will hardly learn; scale sigma with the market's prices "+
			"(the presets start at 3 to 20 %% of their price scale), e.g. --set %s.strategy.sigma=%.3g",
			st.Sigma, 100*st.Sigma/money, money, p, 0.1*money)})
	}
	low := sc.LowestMoney()
	origin := func(p string, st Strategy) {
		if st.Kind != KindLearn || st.Origin != OriginZero || !(low >= money/3) || low >= money ||
			!slices.ContainsFunc(st.Features, func(f string) bool { return f == "cost" || f == "value" || f == "reservation" }) {
			return
		}
		out = append(out, config.Problem{Field: p + ".strategy.money_origin", Msg: fmt.Sprintf("zero: the market's prices run from %.4g to %.4g, so its money features, measured from 0, lie in [%.2f, 1]: "+
			"nearly parallel to the bias, their weights learn slowly and fall short of the equilibrium (docs/EXPERIMENTS.md, \"A support away from zero\"); "+
			"measure them from the lowest price: --set %s.strategy.money_origin=lowest",
			low, money, low/money, p)})
	}
	linear := func(p string, st Strategy) {
		s := sc.ScalesFor(st)
		scale := s.Money - s.Origin
		if st.Kind != KindLinear || len(st.Weights) != len(st.Features) || !(scale >= 10) {
			return
		}
		for i, f := range st.Features {
			w := st.Weights[i]
			if (f != "cost" && f != "value" && f != "reservation") || w == 0 || math.Abs(w) > 1 {
				continue
			}
			from := ""
			if s.Origin != 0 {
				from = fmt.Sprintf(" (measured from %.4g)", s.Origin)
			}
			out = append(out, config.Problem{Field: fmt.Sprintf("%s.strategy.weights[%d]", p, i), Msg: fmt.Sprintf("%v on %s: the features are scaled, "+
				"%s%s divided by the price scale %.4g, so this weight adds at most %.3g to a quote; to quote %v x %s, weigh it by %.4g (%v x %.4g; docs/CONFIG.md, features)",
				w, f, f, from, scale, math.Abs(w), w, f, w*scale, w, scale)})
		}
	}
	for i, s := range sc.Shippers {
		check(fmt.Sprintf("shippers[%d]", i), s.Strategy)
		origin(fmt.Sprintf("shippers[%d]", i), s.Strategy)
		linear(fmt.Sprintf("shippers[%d]", i), s.Strategy)
	}
	for i, c := range sc.Carriers {
		check(fmt.Sprintf("carriers[%d]", i), c.Strategy)
		origin(fmt.Sprintf("carriers[%d]", i), c.Strategy)
		linear(fmt.Sprintf("carriers[%d]", i), c.Strategy)
	}
	return out
}
