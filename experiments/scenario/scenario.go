package scenario

import (
	"errors"
	"math"
	"slices"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/policy"
	"gopkg.in/yaml.v3"
)

// Config is one experiment's configuration: the market, its agents, and
// how long they learn and are evaluated. It is read from YAML (see
// docs/CONFIG.md); every field has a default, the smart-container market of
// van Heeswijk (2020).
type Config struct {
	Name        string  `yaml:"name"`
	Description string  `yaml:"description,omitempty"`
	Seed        uint64  `yaml:"seed"`         // base seed; replicate r uses streams derived from (seed, r)
	Replicates  int     `yaml:"replicates"`   // independent runs with derived seeds
	P2Compat    bool    `yaml:"p2_compat"`    // reproduce the quirks of the P2 code (MODEL section 5)
	DemandRatio float64 `yaml:"demand_ratio"` // if > 0: scale the carriers' capacities so that expected demand / capacity per epoch is this

	Training    Training    `yaml:"training"`
	Evaluation  Evaluation  `yaml:"evaluation"`
	Jobs        Jobs        `yaml:"jobs"`
	Shippers    []Shipper   `yaml:"shippers"`
	Carriers    []Carrier   `yaml:"carriers"`
	Market      Market      `yaml:"market"`
	Equilibrium Equilibrium `yaml:"equilibrium"`
	Network     Network     `yaml:"network,omitempty"` // hubs, lanes and demand; none: the one-hub market
}

// Training sets the learning episodes.
type Training struct {
	Episodes int  `yaml:"episodes"` // episodes 0..episodes are run, each followed by an update
	Horizon  int  `yaml:"horizon"`  // epochs 0..horizon per episode
	Stop     Stop `yaml:"stop"`     // an optional early stop
}

// Stop ends a replicate's training early, at an evaluation point, once its
// learned profile has been close to an equilibrium and still for
// Evaluations evaluation points in a row. Gap is the equilibrium
// measurement's relative gap NashConv/S (1 - NE adherence); Movement is
// the root mean square change of the first learning shipper's and
// carrier's mean quotes since the previous evaluation point, over fixed
// probe states (the evaluation columns movement and movement_carrier). A
// threshold of 0 is not checked; with both 0 training never stops early.
type Stop struct {
	Gap         float64 `yaml:"gap"`         // stop when NashConv/S is at most this (needs equilibrium.enabled and at_evaluations)
	Movement    float64 `yaml:"movement"`    // stop when both movements are at most this, in money
	Evaluations int     `yaml:"evaluations"` // consecutive evaluation points that must satisfy the thresholds
}

// Enabled reports whether the rule can stop training.
func (s Stop) Enabled() bool { return s.Gap > 0 || s.Movement > 0 }

// Evaluation sets when and how the learned policies are evaluated.
type Evaluation struct {
	Every    int `yaml:"every"`    // after every this many training episodes (and after the last)
	Horizon  int `yaml:"horizon"`  // epochs 0..horizon per evaluation episode
	Episodes int `yaml:"episodes"` // evaluation episodes per evaluation point
}

// MinEvaluationPoints is how many evaluation points after the first
// [Config.SetEpisodes] keeps at least, so that a learning curve has a shape
// and is not a straight line between two points.
const MinEvaluationPoints = 10

// SetEpisodes sets the training episodes to n, as --episodes does. When n
// differs from the scenario's own and keepEvery is false (the user did not
// set evaluation.every), the evaluation cadence follows: every
// max(1, n/MinEvaluationPoints) episodes if that is more often than the
// scenario's. The scenario's own length keeps its own cadence, so that a
// preset run as shipped gives the same results with or without the flag.
func (c *Config) SetEpisodes(n int, keepEvery bool) {
	if n != c.Training.Episodes && !keepEvery {
		c.Evaluation.Every = min(c.Evaluation.Every, max(1, n/MinEvaluationPoints))
	}
	c.Training.Episodes = n
}

// Range is a discrete uniform distribution on {min, ..., max}.
type Range struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

// Jobs sets the job stream: random, from the ranges, or, when Fixed lists
// jobs, the same jobs arriving every epoch.
type Jobs struct {
	Arrivals Range      `yaml:"arrivals"` // jobs arriving per epoch
	Volume   Range      `yaml:"volume"`   // volume units per job
	Due      Range      `yaml:"due"`      // clearings a job may wait after its first
	Distance Range      `yaml:"distance"` // distance units per job
	Sharing  float64    `yaml:"sharing"`  // probability that a job shares its information
	Value    Dist       `yaml:"value"`    // a random job's private value V (none: 0)
	Fixed    []FixedJob `yaml:"fixed,omitempty"`
}

// FixedJob is one job of a fixed stream: it arrives at the start of every
// epoch, in list order, for shipper 0 unless told otherwise.
type FixedJob struct {
	Volume   int     `yaml:"volume"`
	Distance int     `yaml:"distance"`
	Due      int     `yaml:"due"`
	Value    float64 `yaml:"value"`   // private value V of shipping it
	Shipper  int     `yaml:"shipper"` // index into shippers
}

// Shipper configures one shipper.
type Shipper struct {
	HoldingCost float64  `yaml:"holding_cost"` // per volume unit per clearing waited
	Penalty     float64  `yaml:"penalty"`      // per volume unit of a failed job
	Strategy    Strategy `yaml:"strategy"`

	typeErrors []string // what did not decode (see UnmarshalYAML); reported by Parse
}

// The values of Carrier.CostDraw.
const (
	CostDrawJob   = "job"
	CostDrawRound = "round"
)

// Carrier configures one carrier.
type Carrier struct {
	Capacity   int      `yaml:"capacity"`    // volume units per departure
	CostRate   float64  `yaml:"cost_rate"`   // cost per volume unit and distance unit
	FixedCost  float64  `yaml:"fixed_cost"`  // per departure that carries anything
	Schedule   Schedule `yaml:"schedule"`    // when it departs
	CostFactor Dist     `yaml:"cost_factor"` // a private factor on its cost k*v*l, drawn per job (none: 1)
	Strategy   Strategy `yaml:"strategy"`
	// CostDraw is when CostFactor is drawn: per job (CostDrawJob, "job" or
	// absent) or once per arrival round for every job of the round
	// (CostDrawRound, "round": a seller with one cost per round, as in the
	// m x m market of the large-m presets).
	CostDraw string `yaml:"cost_draw,omitempty"`

	// In a network (see Network):
	Trucks        []Fleet `yaml:"trucks,omitempty"`          // its trucks, each of Capacity, by starting hub
	EmptyCostRate float64 `yaml:"empty_cost_rate,omitempty"` // cost per distance unit of a truck running empty
	// Reposition is how its trucks without a load choose where to go:
	// "rule", network.reposition; "learn", a policy learned by REINFORCE.
	Reposition CarrierReposition `yaml:"reposition,omitempty"`

	typeErrors []string // what did not decode (see UnmarshalYAML); reported by Parse
}

// Schedule is a carrier's departures: at offset, offset + period, ...
// Carriers departing at the same time clear together.
type Schedule struct {
	Period float64 `yaml:"period"` // epochs between departures
	Offset float64 `yaml:"offset"` // time of the first departure
}

// Strategy selects how an agent prices jobs.
type Strategy struct {
	Kind       Kind        `yaml:"kind"`              // "learn" or "truthful"
	Features   []string    `yaml:"features"`          // learn: ["p2"], or names from agents.FeatureNames
	Policy     Policy      `yaml:"policy"`            // learn: "p2" (P2's linear policy), "linear" or "mlp"
	Learner    Learner     `yaml:"learner"`           // learn: the update rule: "auto", "p2", "pg", "natural" or "ppo" (see Rule)
	Sigma      float64     `yaml:"sigma"`             // learn: initial standard deviation
	AlphaMu    float64     `yaml:"alpha_mu"`          // policy p2: step size of the weights
	AlphaSigma float64     `yaml:"alpha_sigma"`       // policy p2: step size of sigma
	MinSigma   float64     `yaml:"min_sigma"`         // learn: floor of sigma (policy p2: only when p2_compat is off)
	Hidden     []int       `yaml:"hidden"`            // policy mlp: hidden layer widths
	StateSigma bool        `yaml:"state_sigma"`       // policy linear or mlp: sigma depends on the features
	Optimizer  Optimizer   `yaml:"optimizer"`         // policy linear or mlp: "adam" or "sgd"
	LR         float64     `yaml:"lr"`                // policy linear or mlp: learning rate
	Baseline   Baseline    `yaml:"baseline"`          // policy linear or mlp: "none", "group" (mean per remaining due) or "critic"
	Critic     Critic      `yaml:"critic"`            // baseline critic: "linear" or "mlp"
	Normalize  bool        `yaml:"normalize"`         // policy linear or mlp: divide advantages by their standard deviation
	Entropy    float64     `yaml:"entropy"`           // policy linear or mlp: entropy bonus coefficient
	Clip       float64     `yaml:"clip"`              // policy linear or mlp: global gradient-norm clip (0: none)
	Markup     float64     `yaml:"markup"`            // markup: ask = cost*(1+markup), bid = reservation*(1-markup)
	Weights    []float64   `yaml:"weights,omitempty"` // linear: price = weights . features
	Floor      float64     `yaml:"floor"`             // zi-c: a bid is uniform on [floor, reservation]
	Cap        float64     `yaml:"cap"`               // zi-c: an ask is uniform on [cost, cap]
	ZIP        ZIP         `yaml:"zip"`               // zip: Cliff's (1997) parameters
	Name       string      `yaml:"name"`              // custom: the name of a strategy given to experiments.Run in Options.Strategies
	Risk       float64     `yaml:"risk"`              // learn: lambda of the utility (1-exp(-lambda*x))/lambda applied to returns; 0 neutral, > 0 averse, < 0 seeking
	Offset     float64     `yaml:"offset"`            // learn: initial mean price (the bias weight): aggressiveness
	Start      Start       `yaml:"start"`             // learn: initial weights: "zero", or "truthful" (bid the reservation, ask the cost)
	Origin     MoneyOrigin `yaml:"money_origin"`      // learn, linear: money features measured from "zero" or from the market's "lowest" price
	Share      bool        `yaml:"share"`             // learn: one learner for every shipper (or carrier) whose strategy says share, learning from all their decisions
	Natural    Natural     `yaml:"natural"`           // learner natural: its schedule
	PPO        PPO         `yaml:"ppo"`               // learner ppo: its networks and training
}

// Natural sets the default learner (policy.Natural); zero fields take its defaults.
type Natural struct {
	Step    float64 `yaml:"step"`    // natural step at the first update (0: policy.DefaultNaturalStep)
	Halving float64 `yaml:"halving"` // updates after which the step has halved (0: policy.DefaultHalving)
	Full    bool    `yaml:"full"`    // the full Fisher matrix instead of its diagonal
	// AnnealSigma and AnnealUpdates hold sigma's floor higher early in
	// training (policy.Anneal): AnnealSigma at the first update, falling
	// linearly to the strategy's own floor over AnnealUpdates updates (0:
	// no annealing).
	AnnealSigma   float64 `yaml:"anneal_sigma"`
	AnnealUpdates float64 `yaml:"anneal_updates"`
}

// PPO sets a learner of the PPO family (package policy/ppo); zero fields
// take its defaults.
type PPO struct {
	Hidden    []int   `yaml:"hidden"`     // hidden layer widths of the policy and of the critic
	Clip      float64 `yaml:"clip"`       // epsilon of the clipped surrogate
	Epochs    int     `yaml:"epochs"`     // passes over each batch
	Minibatch int     `yaml:"minibatch"`  // decisions per minibatch
	Episodes  int     `yaml:"episodes"`   // episodes per batch
	Lambda    float64 `yaml:"gae_lambda"` // lambda of generalised advantage estimation
	LR        float64 `yaml:"lr"`         // Adam step of the policy
	CriticLR  float64 `yaml:"critic_lr"`  // Adam step of the critic
	Entropy   float64 `yaml:"entropy"`    // entropy bonus per decision
	TargetKL  float64 `yaml:"target_kl"`  // stop a batch's epochs past 1.5 times this mean KL
	MaxSigma  float64 `yaml:"max_sigma"`  // upper bound of sigma (0: 4 * sigma)
	Linear    bool    `yaml:"linear"`     // a linear path from the features to the policy's and critic's output
	Ridge     float64 `yaml:"ridge"`      // penalty on the output weights of the policy's hidden layers
	AnnealLR  bool    `yaml:"anneal_lr"`  // steps falling linearly to 0 over the training's episodes
	// StateSigma makes sigma depend on the state (a linear head of its
	// logit on the normalised features), the entropy bonus acting per
	// decision: sigma widens where quotes have stopped trading.
	StateSigma bool `yaml:"state_sigma"`
}

// ZIP holds the parameters of a ZIP trader (Cliff 1997), see agents.ZIPParams.
type ZIP struct {
	Beta    agents.FloatRange `yaml:"beta"`     // learning rate, drawn once per trader
	Gamma   agents.FloatRange `yaml:"gamma"`    // momentum, drawn once per trader
	Margin  agents.FloatRange `yaml:"margin"`   // initial profit margin, drawn once per trader
	CR      float64           `yaml:"cr"`       // relative perturbation of the target price
	CA      float64           `yaml:"ca"`       // absolute perturbation, as a share of the job's limit
	UseLast bool              `yaml:"use_last"` // compare an untraded quote with the market's last price (alike jobs only)
}

// Equilibrium sets the measurement of how far the learned strategies are
// from a Nash equilibrium (see package equilibrium).
type Equilibrium struct {
	Enabled        bool    `yaml:"enabled"`
	Horizon        int     `yaml:"horizon"`         // epochs 0..horizon per measurement episode
	SearchEpisodes int     `yaml:"search_episodes"` // episodes per candidate in the best-response search (common random numbers)
	EvalEpisodes   int     `yaml:"eval_episodes"`   // fresh episodes on which the best response and the learned strategy are compared
	MaxEvaluations int     `yaml:"max_evaluations"` // candidate strategies tried per agent
	Sigma          float64 `yaml:"sigma"`           // standard deviation of the candidate best responses (0: deterministic)
	AtEvaluations  bool    `yaml:"at_evaluations"`  // measure at every evaluation point, not only the last
	Method         Method  `yaml:"method"`          // auto: exact where the market allows, search elsewhere; search: always search
}

// Market sets the clearing rules.
type Market struct {
	Clearing Clearing `yaml:"clearing"` // "knapsack" (periodic, at departures) or "cda" (continuous double auction)
	Tie      Tie      `yaml:"tie"`      // knapsack: "strict" or "max-volume"
	Price    Price    `yaml:"price"`    // knapsack: "spread", "k-double" or "pay-as-bid"; cda: "resting" or "midpoint"
	K        float64  `yaml:"k"`        // k of the k-double rule, in [0,1]
	Quotes   float64  `yaml:"quotes"`   // cda: quotes per trader per round, on average
	// Candidates bounds the carriers that quote each job (knapsack
	// clearing, one hub): the carriers form segments of this many, in
	// order, and each job belongs to one (agents.Exchange.Candidates). 0:
	// every departing carrier quotes every job.
	Candidates int `yaml:"candidates"`
}

// Default returns the smart-container scenario of van Heeswijk (2020), with
// the paper's code's quirks on: the defaults of every field.
func Default() Config {
	return Config{
		Name:        "smart-containers-2020",
		Description: "P2 exactly - containers learn to bid for one truck of capacity 80",
		Seed:        1,
		Replicates:  1,
		P2Compat:    true,
		Training:    Training{Episodes: 4000, Horizon: 100, Stop: Stop{Evaluations: 3}},
		Evaluation:  Evaluation{Every: 1000, Horizon: 1000, Episodes: 1},
		Jobs: Jobs{
			Arrivals: Range{0, 10},
			Volume:   Range{1, 10},
			Due:      Range{1, 5},
			Distance: Range{10, 100},
			Sharing:  1,
			Value:    Dist{Dist: DistNone},
		},
		Shippers: []Shipper{DefaultShipper()},
		Carriers: []Carrier{DefaultCarrier()},
		Market:   Market{Clearing: Knapsack, Tie: TieStrict, Price: PricePayAsBid, K: 0.5, Quotes: 4},
		Equilibrium: Equilibrium{
			Horizon:        50,
			SearchEpisodes: 8,
			EvalEpisodes:   32,
			MaxEvaluations: 400,
			Sigma:          0,
		},
	}
}

// DefaultShipper is P2's shipper: h = 1, p = 20, learning from sigma 10.
func DefaultShipper() Shipper {
	return Shipper{HoldingCost: 1, Penalty: 20, Strategy: DefaultLearner()}
}

// DefaultCarrier is P2's carrier: capacity 80, k = 0.1, asking its cost.
func DefaultCarrier() Carrier {
	st := DefaultLearner()
	st.Kind = KindTruthful
	st.Features = CarrierFeatures()
	return Carrier{Capacity: 80, CostRate: 0.1, Schedule: Schedule{Period: 1, Offset: 0.5}, CostFactor: Dist{Dist: DistNone}, Strategy: st}
}

// DefaultLearner is P2's learning rule on P2's features. Its learning
// parameters are also the defaults of a fixed strategy, so that switching
// kind keeps them.
func DefaultLearner() Strategy {
	return Strategy{Kind: KindLearn, Features: []string{"p2"}, Policy: PolicyP2, Start: StartZero, Sigma: 10, AlphaMu: 0.1, AlphaSigma: 0.01, MinSigma: 0.01,
		Hidden: []int{16}, Optimizer: Adam, LR: 0.05, Baseline: BaselineCritic, Critic: CriticLinear, Normalize: true,
		Markup: 0.1, Cap: 200, ZIP: defaultZIP(),
		Natural: Natural{Step: policy.DefaultNaturalStep, Halving: policy.DefaultHalving},
		PPO:     PPO{Hidden: []int{16, 16}, Clip: 0.2, Epochs: 10, Minibatch: 64, Episodes: 1, Lambda: 0.95, LR: 1e-3, CriticLR: 1e-3, TargetKL: 0.02}}
}

// defaultZIP is Cliff's (1997) ZIP.
func defaultZIP() ZIP {
	p := agents.CliffZIP()
	return ZIP{Beta: p.Beta, Gamma: p.Gamma, Margin: p.Margin, CR: p.CR, CA: p.CA, UseLast: p.UseLast}
}

// CarrierFeatures are a learning carrier's default features: what it sees
// of a job (its cost, volume, distance, remaining due) and the load waiting.
func CarrierFeatures() []string {
	return []string{"bias", "cost", "volume", "distance", "due", "waiting_volume"}
}

// capacities are the carriers' capacities per departure, scaled when
// demand_ratio is set: each carrier's capacity is multiplied by one factor,
// so that the expected volume arriving per epoch over the capacity offered
// per epoch is demand_ratio (rounded to whole volume units, at least 1 for
// a carrier that had any). In a network they are the capacities of the
// carriers' trucks, scaled so that DemandCapacityRatio is demand_ratio (up
// to the rounding, coarse for small trucks).
func (sc *Config) Capacities() []int {
	caps := make([]int, len(sc.Carriers))
	var perEpoch float64
	for i, c := range sc.Carriers {
		caps[i] = c.Capacity
		if c.Schedule.Period > 0 {
			perEpoch += float64(c.Capacity) / c.Schedule.Period
		}
	}
	if sc.DemandRatio <= 0 || perEpoch == 0 {
		return caps
	}
	scale := sc.ExpectedDemand() / sc.DemandRatio / perEpoch
	if sc.IsNetwork() {
		// In a network the ratio is capacity-time needed over the fleet's
		// capacity (see DemandCapacityRatio).
		fleet := sc.fleetCapacity(caps)
		if fleet == 0 {
			return caps
		}
		scale = sc.networkNeed() / sc.DemandRatio / fleet
	}
	for i, c := range sc.Carriers {
		if c.Capacity > 0 {
			caps[i] = max(1, int(math.Round(float64(c.Capacity)*scale)))
		}
	}
	return caps
}

// expectedDemand is the expected volume arriving per epoch.
func (sc *Config) ExpectedDemand() float64 {
	if len(sc.Jobs.Fixed) > 0 {
		var v float64
		for _, f := range sc.Jobs.Fixed {
			v += float64(f.Volume)
		}
		return v
	}
	if sc.IsNetwork() {
		var v float64
		for k, d := range sc.Network.Demand {
			v += agents.IntRange(d.Arrivals).Mean() * agents.IntRange(sc.ODVolume(k)).Mean()
		}
		return v
	}
	gen := sc.Generator()
	return gen.MeanVolume()
}

// UnmarshalYAML decodes a shipper over the defaults. A value of the wrong
// type does not fail it: yaml.v3 would drop the whole item from its list,
// and with it every other problem of the item. The shipper keeps what
// decoded, and Parse reports the type errors it kept.
func (s *Shipper) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Shipper
	v := plain(DefaultShipper())
	err := unmarshal(&v)
	v.typeErrors, err = keepTypeErrors(err)
	*s = Shipper(v)
	return err
}

// UnmarshalYAML decodes a carrier over the defaults, as a shipper's.
func (c *Carrier) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Carrier
	v := plain(DefaultCarrier())
	err := unmarshal(&v)
	v.typeErrors, err = keepTypeErrors(err)
	*c = Carrier(v)
	return err
}

// keepTypeErrors splits err into the messages of a *yaml.TypeError, kept,
// and any other error, returned.
func keepTypeErrors(err error) ([]string, error) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// A copy: yaml.v3 hands out a slice of its own list of errors,
		// which its later errors overwrite.
		return slices.Clone(te.Errors), nil
	}
	return nil, err
}
