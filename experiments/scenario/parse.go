package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/config"
)

// Load reads a scenario from a YAML file; see [Parse].
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	if err := notEmpty(path, data); err != nil {
		return Config{}, err
	}
	return Parse(path, data)
}

// Parse reads a scenario from YAML: the defaults of [Default], then every
// key in data decoded over them, then validation. A bad configuration gives
// a [Problems] error listing every problem found, each with the file, the
// line, the field and what is allowed: unknown keys (with a did-you-mean),
// values of the wrong type, and values out of range, NaN or infinite.
func Parse(file string, data []byte) (Config, error) {
	sc := Default()
	root, err := config.OneDocument(file, data, "scenario")
	if err != nil {
		return sc, err
	}
	idx := config.NewIndex(file)
	if len(root.Content) > 0 {
		idx.Walk(root.Content[0], reflect.TypeOf(sc), "")
	}
	probs := idx.Problems

	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&sc); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return sc, append(probs, config.SyntaxProblem(file, err))
		}
		for _, msg := range te.Errors {
			probs = append(probs, idx.TypeProblem(msg))
		}
	}
	for _, msg := range sc.keptTypeErrors() {
		probs = append(probs, idx.TypeProblem(msg))
	}
	for _, p := range sc.Validate() {
		if config.Related(p.Field, probs) {
			continue // a value that did not decode: its type error says it already
		}
		p.File, p.Line = file, idx.Line(p.Field)
		probs = append(probs, p)
	}
	if len(probs) > 0 {
		return sc, probs.Sorted()
	}
	return sc, nil
}

// notEmpty refuses a scenario file that holds no keys: the defaults it
// would run are more likely a mistake (a file not yet saved) than meant.
func notEmpty(file string, data []byte) error {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) == nil && (len(root.Content) == 0 || config.IsNull(root.Content[0])) {
		return config.Problems{{File: file, Msg: "empty: want a scenario, a mapping of keys (freightsim scenarios show PRESET prints one; {} runs the defaults)"}}
	}
	return nil
}

// validateFixed checks the keys of a fixed strategy, with the strategy's
// own validation (agents.ParamError names the key).
func (st Strategy) validateFixed(p string, carrier bool) config.Problems {
	var err error
	switch st.Kind {
	case KindMarkup:
		err = (&agents.Markup{Carrier: carrier, Rate: st.Markup}).Validate()
	case KindLinear:
		f, ferr := agents.NewFeatureSet(st.Features, agents.Scales{})
		if ferr != nil {
			return config.Problems{{Field: p + ".features", Msg: ferr.Error()}}
		}
		_, err = agents.NewLinear(f, st.Weights)
	case KindZIC:
		err = (&agents.ZIC{Carrier: carrier, Floor: st.Floor, Cap: st.Cap}).Validate()
	case KindZIP:
		err = agents.ZIPParams{Carrier: carrier, Beta: st.ZIP.Beta, Gamma: st.ZIP.Gamma, Margin: st.ZIP.Margin, CR: st.ZIP.CR, CA: st.ZIP.CA}.Validate()
		if pe := (*agents.ParamError)(nil); errors.As(err, &pe) {
			return config.Problems{{Field: p + ".zip." + pe.Param, Msg: pe.Msg}}
		}
	case KindCustom:
		if st.Name == "" {
			return config.Problems{{Field: p + ".name", Msg: "empty: a custom strategy is named by the program that runs it (experiments.Options.Strategies)"}}
		}
	}
	if err == nil {
		return nil
	}
	if pe := (*agents.ParamError)(nil); errors.As(err, &pe) {
		return config.Problems{{Field: p + "." + pe.Param, Msg: pe.Msg}}
	}
	return config.Problems{{Field: p, Msg: err.Error()}}
}

// validateUnitJobs checks that a continuous double auction trades a
// homogeneous good: every job of volume 1 and one distance, so that a unit
// of a carrier's capacity costs it the same whichever job fills it.
func (sc *Config) validateUnitJobs() config.Problems {
	const why = "a continuous double auction trades units of capacity: want every job of volume 1"
	var ps config.Problems
	if len(sc.Jobs.Fixed) > 0 {
		for i, f := range sc.Jobs.Fixed {
			if f.Volume != 1 {
				ps = append(ps, config.Problem{Field: fmt.Sprintf("jobs.fixed[%d].volume", i), Msg: fmt.Sprintf("%d: %s", f.Volume, why)})
			}
			if f.Distance != sc.Jobs.Fixed[0].Distance {
				ps = append(ps, config.Problem{Field: fmt.Sprintf("jobs.fixed[%d].distance", i), Msg: "want every job of one distance, so that a unit of capacity has one cost"})
			}
		}
		return ps
	}
	if sc.IsNetwork() {
		return sc.validateUnitLanes()
	}
	if sc.Jobs.Volume.Min != 1 || sc.Jobs.Volume.Max != 1 {
		ps = append(ps, config.Problem{Field: "jobs.volume", Msg: why})
	}
	if sc.Jobs.Distance.Min != sc.Jobs.Distance.Max {
		ps = append(ps, config.Problem{Field: "jobs.distance", Msg: "want min = max: every job of one distance, so that a unit of capacity has one cost"})
	}
	return ps
}

// validateLearner checks the keys of a learning strategy's policy and
// update, in a scenario whose p2_compat is compat.
func (st Strategy) validateLearner(p string, compat bool) config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: p + "." + field, Msg: fmt.Sprintf(format, args...)})
	}
	switch st.Rule(compat) {
	case LearnerP2:
		if st.Policy != PolicyP2 {
			bad("learner", "p2: P2's rule trains P2's linear policy: want policy p2 (or learner pg, natural or ppo for policy %s)", st.Policy)
		}
		return ps
	case LearnerNatural:
		return append(ps, st.validateNatural(p)...)
	case LearnerPPO:
		return append(ps, st.validatePPO(p)...)
	}
	if st.Policy == PolicyP2 {
		bad("learner", "pg: policy gradient trains a linear or mlp policy: want policy linear or mlp")
		return ps
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"lr", st.LR}, {"entropy", st.Entropy}, {"clip", st.Clip}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			bad(f.name, "%v: want a finite number >= 0", f.v)
		}
	}
	if st.LR == 0 {
		bad("lr", "0: the policy would never change; want a learning rate > 0")
	}
	if st.Policy == PolicyMLP || (st.Baseline == BaselineCritic && st.Critic == CriticMLP) {
		ps = append(ps, st.validateHidden(p, "hidden", st.Hidden)...)
	}
	biasFirst := len(st.Features) > 0 && (st.Features[0] == "bias" || st.Features[0] == "p2")
	if st.StateSigma && st.Policy == PolicyLinear && !biasFirst {
		bad("state_sigma", "a state-dependent sigma starts from the bias weight: want features starting with bias")
	}
	return ps
}

// validateFeatures checks a learning strategy's feature list.
func (st Strategy) validateFeatures(p string, shipper bool) config.Problems {
	f := p + ".features"
	if len(st.Features) == 1 && st.Features[0] == "p2" {
		if !shipper {
			return config.Problems{{Field: f, Msg: "p2 features describe a shipper's job and market: a carrier wants a list such as [" + strings.Join(CarrierFeatures(), ", ") + "]"}}
		}
		return nil
	}
	if _, err := agents.NewFeatureSet(st.Features, agents.Scales{}); err != nil {
		return config.Problems{{Field: f, Msg: err.Error()}}
	}
	if st.Offset != 0 && st.Features[0] != "bias" {
		return config.Problems{{Field: p + ".offset", Msg: "an offset sets the bias weight: want features starting with bias"}}
	}
	if st.Start == StartTruthful {
		want := "reservation"
		if !shipper {
			want = "cost"
		}
		if !slices.Contains(st.Features, want) {
			return config.Problems{{Field: p + ".start", Msg: fmt.Sprintf("truthful starts by quoting the %s: want the feature %s among the features", want, want)}}
		}
		if st.Policy == PolicyMLP || st.Learner == LearnerPPO {
			return config.Problems{{Field: p + ".start", Msg: "truthful sets linear weights: want policy p2 or linear, and a learner other than ppo"}}
		}
	}
	return nil
}

// Validate checks ranges and consistency, as Parse does after decoding; the
// problems carry the field only (Parse adds the file and line). A scenario
// built in Go, not read from a file, is checked with it before it runs.
func (sc *Config) Validate() config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	atLeast := func(field string, v, least int) {
		if v < least {
			bad(field, "%d is too small: want a whole number >= %d", v, least)
		}
	}
	number := func(field string, v, lo, hi float64) {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			bad(field, "%v is not a finite number: want a number in [%v, %v]", v, lo, hi)
		case v < lo || v > hi:
			bad(field, "%v is out of range: want a number in [%v, %v]", v, lo, hi)
		}
	}
	inf := math.Inf(1)
	rng := func(field string, r Range, least int) {
		atLeast(field+".min", r.Min, least)
		if r.Max < r.Min {
			bad(field+".max", "%d is below min %d: want max >= min", r.Max, r.Min)
		}
	}

	if sc.Name == "" {
		bad("name", "empty: want a name for the scenario")
	} else if !validName(sc.Name) {
		bad("name", "%q: want a name of letters, digits and - _ . + (no / or \\, not starting with a dot, at most 100 characters): it names the run's directory", sc.Name)
	}
	atLeast("replicates", sc.Replicates, 1)
	atLeast("training.episodes", sc.Training.Episodes, 0)
	atLeast("training.horizon", sc.Training.Horizon, 0)
	atLeast("evaluation.every", sc.Evaluation.Every, 1)
	atLeast("evaluation.horizon", sc.Evaluation.Horizon, 0)
	atLeast("evaluation.episodes", sc.Evaluation.Episodes, 1)
	rng("jobs.arrivals", sc.Jobs.Arrivals, 0)
	rng("jobs.volume", sc.Jobs.Volume, 1)
	rng("jobs.due", sc.Jobs.Due, 0)
	rng("jobs.distance", sc.Jobs.Distance, 0)
	number("jobs.sharing", sc.Jobs.Sharing, 0, 1)
	number("demand_ratio", sc.DemandRatio, 0, inf)
	ps = append(ps, sc.Jobs.Value.validate("jobs.value")...)
	for i, f := range sc.Jobs.Fixed {
		p := fmt.Sprintf("jobs.fixed[%d]", i)
		atLeast(p+".volume", f.Volume, 1)
		atLeast(p+".distance", f.Distance, 0)
		atLeast(p+".due", f.Due, 0)
		number(p+".value", f.Value, -inf, inf)
		if f.Shipper < 0 || f.Shipper >= max(1, len(sc.Shippers)) {
			bad(p+".shipper", "%d is not a shipper: want 0..%d", f.Shipper, len(sc.Shippers)-1)
		}
	}

	if len(sc.Shippers) == 0 {
		bad("shippers", "empty: want at least one shipper")
	}
	for i, s := range sc.Shippers {
		p := fmt.Sprintf("shippers[%d]", i)
		number(p+".holding_cost", s.HoldingCost, 0, inf)
		number(p+".penalty", s.Penalty, 0, inf)
		ps = append(ps, s.Strategy.validate(p+".strategy", true, sc.P2Compat)...)
	}
	if len(sc.Carriers) == 0 {
		bad("carriers", "empty: want at least one carrier")
	}
	for i, c := range sc.Carriers {
		p := fmt.Sprintf("carriers[%d]", i)
		atLeast(p+".capacity", c.Capacity, 0)
		number(p+".cost_rate", c.CostRate, 0, inf)
		number(p+".fixed_cost", c.FixedCost, 0, inf)
		if math.IsNaN(c.Schedule.Period) || math.IsInf(c.Schedule.Period, 0) || c.Schedule.Period <= 0 {
			bad(p+".schedule.period", "%v: want a number of epochs > 0", c.Schedule.Period)
		}
		number(p+".schedule.offset", c.Schedule.Offset, 0, inf)
		ps = append(ps, c.CostFactor.validate(p+".cost_factor")...)
		if f := c.CostFactor; (f.Dist == DistUniform && f.Min < 0) || (f.Dist == DistFixed && f.Value < 0) || (f.Dist == DistEmpirical && slices.Min(append([]float64{0}, f.Values...)) < 0) {
			bad(p+".cost_factor", "draws below 0: a cost factor must be >= 0")
		}
		if d := c.CostDraw; d != "" && d != CostDrawJob && d != CostDrawRound {
			bad(p+".cost_draw", "%q: want job (a factor per job) or round (one per carrier and arrival round)", d)
		}
		ps = append(ps, c.Strategy.validate(p+".strategy", false, sc.P2Compat)...)
	}
	ps = append(ps, sc.validateShare()...)
	switch c := sc.Market.Candidates; {
	case c < 0:
		bad("market.candidates", "%d: want the number of carriers that quote each job, >= 1, or 0 for every carrier", c)
	case c > 0 && sc.Market.Clearing == CDA:
		bad("market.candidates", "%d: a continuous double auction has no segments; want 0", c)
	case c > 0 && sc.IsNetwork():
		bad("market.candidates", "%d: a network's hubs have no segments; want 0", c)
	}
	switch sc.Market.Clearing {
	case Knapsack:
		if _, ok := sc.Market.Price.Knapsack(); !ok {
			bad("market.price", "%q is not a price rule of the knapsack broker: want spread, k-double, pay-as-bid or k-double-uniform", sc.Market.Price)
		}
		if sc.Market.Price == PriceKDoubleUniform && sc.IsNetwork() {
			bad("market.price", "k-double-uniform prices a hub's clearing as one market; a network's lanes are priced pair by pair: want spread, k-double or pay-as-bid")
		}
	case CDA:
		if _, ok := sc.Market.Price.Auction(); !ok {
			bad("market.price", "%q is not a trade price of the continuous double auction: want resting or midpoint", sc.Market.Price)
		}
		if math.IsNaN(sc.Market.Quotes) || math.IsInf(sc.Market.Quotes, 0) || sc.Market.Quotes <= 0 {
			bad("market.quotes", "%v: want the mean number of quotes per trader per round, > 0", sc.Market.Quotes)
		}
		ps = append(ps, sc.validateUnitJobs()...)
	}
	number("market.k", sc.Market.K, 0, 1)

	ps = append(ps, sc.validateNetwork()...)

	eq := sc.Equilibrium
	st := sc.Training.Stop
	number("training.stop.gap", st.Gap, 0, inf)
	number("training.stop.movement", st.Movement, 0, inf)
	atLeast("training.stop.evaluations", st.Evaluations, 1)
	if st.Gap > 0 && !(eq.Enabled && eq.AtEvaluations) {
		bad("training.stop.gap", "%v: the gap is measured at every evaluation point only with equilibrium.enabled and equilibrium.at_evaluations true", st.Gap)
	}
	atLeast("equilibrium.horizon", eq.Horizon, 0)
	atLeast("equilibrium.search_episodes", eq.SearchEpisodes, 1)
	atLeast("equilibrium.eval_episodes", eq.EvalEpisodes, 2)
	atLeast("equilibrium.max_evaluations", eq.MaxEvaluations, 1)
	number("equilibrium.sigma", eq.Sigma, 0, inf)
	return withLimits(ps, sc.validateLimits())
}

// validateShare checks that the shippers (and the carriers) that share a
// learner have the same strategy, and that it learns.
func (sc *Config) validateShare() config.Problems {
	var ps config.Problems
	check := func(side string, sts []Strategy) {
		first := -1
		for i, st := range sts {
			if !st.Share {
				continue
			}
			f := fmt.Sprintf("%s[%d].strategy.share", side, i)
			switch {
			case st.Kind != KindLearn:
				ps = append(ps, config.Problem{Field: f, Msg: fmt.Sprintf("true with kind %s: only learning strategies share a learner", st.Kind)})
			case first < 0:
				first = i
			case !reflect.DeepEqual(st, sts[first]):
				ps = append(ps, config.Problem{Field: f, Msg: fmt.Sprintf("true, but the strategy differs from %s[%d]'s, whose learner it would share: want the same strategy", side, first)})
			}
		}
	}
	var sh, ca []Strategy
	for _, s := range sc.Shippers {
		sh = append(sh, s.Strategy)
	}
	for _, c := range sc.Carriers {
		ca = append(ca, c.Strategy)
	}
	check("shippers", sh)
	check("carriers", ca)
	return ps
}

// validName reports whether name can be a directory name's part, runs/NAME-TIME.
func validName(name string) bool {
	if len(name) > 100 || strings.HasPrefix(name, ".") {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.+", r)
		if !ok {
			return false
		}
	}
	return true
}

// withLimits appends the limit problems of fields that have no problem yet.
func withLimits(ps, limits config.Problems) config.Problems {
	for _, p := range limits {
		if !config.Related(p.Field, ps) {
			ps = append(ps, p)
		}
	}
	return ps
}

func (st Strategy) validate(p string, shipper, compat bool) config.Problems {
	var ps config.Problems
	if st.Kind == KindLearn {
		ps = append(ps, st.validateFeatures(p, shipper)...)
		ps = append(ps, st.validateLearner(p, compat)...)
	}
	ps = append(ps, st.validateFixed(p, !shipper)...)
	if math.IsNaN(st.Risk) || math.IsInf(st.Risk, 0) {
		ps = append(ps, config.Problem{Field: p + ".risk", Msg: fmt.Sprintf("%v is not a finite number: want a number (0 risk-neutral, > 0 risk-averse, < 0 risk-seeking)", st.Risk)})
	}
	if math.IsNaN(st.Offset) || math.IsInf(st.Offset, 0) {
		ps = append(ps, config.Problem{Field: p + ".offset", Msg: fmt.Sprintf("%v is not a finite number: want the initial mean price", st.Offset)})
	}
	if st.Origin != OriginZero {
		msg := ""
		switch {
		case st.Kind != KindLearn && st.Kind != KindLinear:
			msg = fmt.Sprintf("%s measures the money features of a learn or linear strategy from the market's lowest price: want zero for kind %s", st.Origin, st.Kind)
		case len(st.Features) == 1 && st.Features[0] == "p2":
			msg = fmt.Sprintf("%s applies to named features; P2's eight are fixed: want zero, or features such as [bias, value]", st.Origin)
		case st.Kind == KindLearn && (len(st.Features) == 0 || st.Features[0] != "bias"):
			msg = fmt.Sprintf("%s starts a learner quoting the lowest price through the bias weight: want features starting with bias", st.Origin)
		}
		if msg != "" {
			ps = append(ps, config.Problem{Field: p + ".money_origin", Msg: msg})
		}
	}
	for _, f := range []struct {
		name   string
		v, min float64
		open   bool
	}{{"sigma", st.Sigma, 0, true}, {"alpha_mu", st.AlphaMu, 0, false}, {"alpha_sigma", st.AlphaSigma, 0, false}, {"min_sigma", st.MinSigma, 0, false}} {
		switch {
		case math.IsNaN(f.v) || math.IsInf(f.v, 0):
			ps = append(ps, config.Problem{Field: p + "." + f.name, Msg: fmt.Sprintf("%v is not a finite number: want a number >= 0", f.v)})
		case f.open && f.v <= 0:
			ps = append(ps, config.Problem{Field: p + "." + f.name, Msg: fmt.Sprintf("%v: want a number > 0", f.v)})
		case f.v < f.min:
			ps = append(ps, config.Problem{Field: p + "." + f.name, Msg: fmt.Sprintf("%v is negative: want a number >= 0", f.v)})
		}
	}
	return ps
}

// Problem and Problems are package config's located problems: what Parse,
// ParseWith and Load return for a bad scenario.
type (
	Problem  = config.Problem
	Problems = config.Problems
)

// Decode decodes a YAML document node over the defaults, as Parse does but
// without locating problems or validating: for a caller that walked the
// keys itself (a sweep building its points). Every value of the wrong type,
// kept ones included (see Shipper.UnmarshalYAML), is in the returned
// *yaml.TypeError.
func Decode(doc *yaml.Node) (Config, error) {
	sc := Default()
	err := doc.Decode(&sc)
	var te *yaml.TypeError
	if err != nil && !errors.As(err, &te) {
		return sc, err
	}
	var msgs []string
	if te != nil {
		msgs = te.Errors
	}
	msgs = append(msgs, sc.keptTypeErrors()...)
	if len(msgs) > 0 {
		return sc, &yaml.TypeError{Errors: msgs}
	}
	return sc, nil
}

// keptTypeErrors are the type errors that shippers and carriers kept while
// decoding (see Shipper.UnmarshalYAML), and forgets them.
func (sc *Config) keptTypeErrors() []string {
	var out []string
	for i := range sc.Shippers {
		out = append(out, sc.Shippers[i].typeErrors...)
		sc.Shippers[i].typeErrors = nil
	}
	for i := range sc.Carriers {
		out = append(out, sc.Carriers[i].typeErrors...)
		sc.Carriers[i].typeErrors = nil
	}
	return out
}
