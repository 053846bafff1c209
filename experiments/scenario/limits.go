package scenario

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/freightsim/freightsim/experiments/config"
)

// Limits on the numbers of a scenario. Each one keeps a scenario that
// passes validation from overflowing, dividing by zero, producing Inf or
// NaN, or asking for more memory or time than a workstation has; docs/CONFIG.md
// ("Limits") gives the reason of each.
const (
	// MaxMagnitude bounds every number (money, rates, steps, coordinates,
	// whole numbers): sums and products of a few of them stay far from
	// float64's 1.8e308 and int64's 9.2e18.
	MaxMagnitude = 1e9
	// MinMagnitude is the smallest non-zero magnitude of a number: a
	// price divided by a cost rate or a step size of 1e-300 overflows.
	MinMagnitude = 1e-9

	MaxReplicates   = 10_000     // replicates: each is a goroutine's work and its rows in memory
	MaxEpisodes     = 10_000_000 // training.episodes
	MaxHorizon      = 100_000    // epochs of one episode (training, evaluation, equilibrium)
	MaxEvalEpisodes = 10_000     // evaluation.episodes, equilibrium.search_episodes and eval_episodes
	MaxEvaluations  = 1_000_000  // equilibrium.max_evaluations
	MaxEpisodeRows  = 20_000_000 // replicates x (training.episodes + 1): episodes.csv rows held in memory (about 200 bytes each)
	MaxArrivals     = 10_000     // jobs arriving per epoch (jobs.arrivals.max, network demand)
	MaxVolume       = 100_000    // volume units of a job
	MaxDue          = 1_000      // clearings a job may wait
	MaxDistance     = 1_000_000  // distance units of a job
	MaxCapacity     = 1_000_000  // a carrier's capacity per departure, after demand_ratio
	MaxWaiting      = 10_000_000 // jobs that may wait at once: arrivals.max x (due.max + 1) x clearings per epoch
	MaxKnapsack     = 1e9        // cells of a clearing's knapsack table: jobs waiting x the capacity they may fill (125 MB of bits, about a second)
	MaxAgents       = 1_000      // shippers, carriers, fixed jobs (trucks and hubs: MaxTrucks, MaxHubs)
	MaxHidden       = 1_024      // width of a hidden layer
	MaxLayers       = 8          // hidden layers
	MinPeriod       = 1e-3       // epochs between departures: at most 1000 clearings per epoch
	MaxTime         = 1e6        // epochs: schedule.period, schedule.offset, lane times
	MaxLogMu        = 20         // lognormal mu: exp(20) = 4.9e8
	MaxLogSigma     = 5          // lognormal sigma: draws beyond exp(mu + 8 sigma) have probability 1e-15
	MaxQuotes       = 1_000      // cda: quotes per trader per round
	MaxValues       = 1_000_000  // items of an empirical distribution
	MaxDemandRatio  = 1e3        // demand_ratio, and its inverse when it is set
	MaxRisk         = 10         // |risk|: exp(risk x) of a return x
	MaxSweepSteps   = 10_000     // values of a sweep axis's grid
)

// validateLimits checks every number of the scenario against MaxMagnitude
// and MinMagnitude, whole numbers against the limit of what they size, and
// the products that size memory and work. The field paths are the file's.
func (sc *Config) validateLimits() config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	most := func(field string, v, limit int, why string) {
		if v > limit {
			bad(field, "%d is too large: want at most %d (%s)", v, limit, why)
		}
	}
	most("replicates", sc.Replicates, MaxReplicates, "replicates run and held in memory")
	most("training.episodes", sc.Training.Episodes, MaxEpisodes, "training episodes per replicate")
	if rows := int64(sc.Replicates) * int64(sc.Training.Episodes+1); sc.Replicates <= MaxReplicates && sc.Training.Episodes <= MaxEpisodes && rows > MaxEpisodeRows {
		bad("training.episodes", "%d episodes x %d replicates = %d rows of episodes.csv held in memory: want at most %d; run fewer replicates or episodes, or a sweep", sc.Training.Episodes+1, sc.Replicates, rows, MaxEpisodeRows)
	}
	most("training.horizon", sc.Training.Horizon, MaxHorizon, "epochs per episode")
	most("evaluation.horizon", sc.Evaluation.Horizon, MaxHorizon, "epochs per episode")
	most("evaluation.episodes", sc.Evaluation.Episodes, MaxEvalEpisodes, "episodes per evaluation point")
	most("equilibrium.horizon", sc.Equilibrium.Horizon, MaxHorizon, "epochs per episode")
	most("equilibrium.search_episodes", sc.Equilibrium.SearchEpisodes, MaxEvalEpisodes, "episodes per candidate")
	most("equilibrium.eval_episodes", sc.Equilibrium.EvalEpisodes, MaxEvalEpisodes, "episodes per comparison")
	most("equilibrium.max_evaluations", sc.Equilibrium.MaxEvaluations, MaxEvaluations, "candidates per agent")
	jobs := func(p string, arrivals, volume, due, distance Range) {
		most(p+"arrivals.max", arrivals.Max, MaxArrivals, "jobs per epoch")
		most(p+"volume.max", volume.Max, MaxVolume, "volume units per job")
		most(p+"due.max", due.Max, MaxDue, "clearings a job may wait")
		most(p+"distance.max", distance.Max, MaxDistance, "distance units per job")
	}
	jobs("jobs.", sc.Jobs.Arrivals, sc.Jobs.Volume, sc.Jobs.Due, sc.Jobs.Distance)
	most("jobs.fixed", len(sc.Jobs.Fixed), MaxAgents, "jobs per epoch")
	for i, f := range sc.Jobs.Fixed {
		p := fmt.Sprintf("jobs.fixed[%d].", i)
		most(p+"volume", f.Volume, MaxVolume, "volume units per job")
		most(p+"due", f.Due, MaxDue, "clearings a job may wait")
		most(p+"distance", f.Distance, MaxDistance, "distance units per job")
	}
	most("shippers", len(sc.Shippers), MaxAgents, "agents")
	most("carriers", len(sc.Carriers), MaxAgents, "agents")
	clearings := 1.0 // per epoch, at most
	for i, c := range sc.Carriers {
		p := fmt.Sprintf("carriers[%d].", i)
		most(p+"capacity", c.Capacity, MaxCapacity, "volume units per departure")
		if per := c.Schedule.Period; per > 0 && per < MinPeriod {
			bad(p+"schedule.period", "%v is too small: want at least %v epochs between departures (at most %v clearings per epoch)", per, MinPeriod, 1/MinPeriod)
		} else if per > 0 {
			clearings += 1 / per
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"schedule.period", c.Schedule.Period}, {"schedule.offset", c.Schedule.Offset}} {
			if f.v > MaxTime {
				bad(p+f.name, "%v is too large: want at most %v epochs", f.v, MaxTime)
			}
		}
		ps = append(ps, c.CostFactor.limits(p+"cost_factor")...)
		ps = append(ps, c.Strategy.limits(p+"strategy")...)
	}
	for i, s := range sc.Shippers {
		ps = append(ps, s.Strategy.limits(fmt.Sprintf("shippers[%d].strategy", i))...)
	}
	ps = append(ps, sc.Jobs.Value.limits("jobs.value")...)
	if r := sc.DemandRatio; r > MaxDemandRatio || r > 0 && r < 1/MaxDemandRatio {
		bad("demand_ratio", "%v is out of range: want 0 (off) or a ratio in [%v, %v]", r, 1/MaxDemandRatio, MaxDemandRatio)
	}
	if q := sc.Market.Quotes; q > MaxQuotes {
		bad("market.quotes", "%v is too large: want at most %d quotes per trader per round", q, MaxQuotes)
	}
	for i, d := range sc.Network.Demand {
		jobs(fmt.Sprintf("network.demand[%d].", i), d.Arrivals, d.Volume, d.Due, d.Distance)
	}
	for i, l := range sc.Network.Lanes {
		if l.Time > MaxTime {
			bad(fmt.Sprintf("network.lanes[%d].time", i), "%v is too large: want at most %v epochs", l.Time, MaxTime)
		}
	}
	var gen config.Problems
	magnitudes(reflect.ValueOf(sc).Elem(), "", func(field, format string, args ...any) {
		gen = append(gen, config.Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	})
	ps = withLimits(ps, gen)
	if len(ps) > 0 {
		return ps // the products below assume every factor in range
	}
	if w := float64(sc.Jobs.Arrivals.Max) * float64(sc.Jobs.Due.Max+1) * clearings; len(sc.Jobs.Fixed) == 0 && !sc.IsNetwork() && w > MaxWaiting {
		bad("jobs.arrivals.max", "%d jobs per epoch, waiting up to %d clearings, at %.4g clearings per epoch: up to %.4g jobs wait at once; want at most %d",
			sc.Jobs.Arrivals.Max, sc.Jobs.Due.Max, clearings, w, MaxWaiting)
	}
	w := float64(sc.Jobs.Arrivals.Max) * float64(sc.Jobs.Due.Max+1) * clearings
	for i, c := range sc.Capacities() {
		p := fmt.Sprintf("carriers[%d].capacity", i)
		if c > MaxCapacity {
			bad(p, "%d after scaling to demand_ratio %v is too large: want at most %d", c, sc.DemandRatio, MaxCapacity)
			continue
		}
		if cells := w * math.Min(float64(c), w*float64(sc.Jobs.Volume.Max)); len(sc.Jobs.Fixed) == 0 && !sc.IsNetwork() && cells > MaxKnapsack {
			bad(p, "%d volume units, filled from up to %.4g waiting jobs: a knapsack table of %.3g cells per clearing; want at most %.0g (less capacity, fewer arrivals or a shorter due)",
				c, w, cells, MaxKnapsack)
		}
	}
	if got, ok := sc.DemandRatioReached(); sc.DemandRatio > 0 && !ok {
		bad("demand_ratio", "%v cannot be reached: the carriers' capacities are whole units (at least 1 a carrier or truck), and the nearest ratio they reach is %.3g; want a ratio within 10 %% of one they reach (try %.3g), larger capacities, or 0 to keep the capacities as given",
			sc.DemandRatio, got, got)
	}
	return ps
}

// limits checks the keys of a strategy that size a policy or enter an
// exponential.
func (st Strategy) limits(p string) config.Problems {
	var ps config.Problems
	if len(st.Hidden) > MaxLayers {
		ps = append(ps, config.Problem{Field: p + ".hidden", Msg: fmt.Sprintf("%d hidden layers: want at most %d", len(st.Hidden), MaxLayers)})
	}
	for i, h := range st.Hidden {
		if h > MaxHidden {
			ps = append(ps, config.Problem{Field: fmt.Sprintf("%s.hidden[%d]", p, i), Msg: fmt.Sprintf("%d is too wide: want a width of at most %d", h, MaxHidden)})
		}
	}
	if math.Abs(st.Risk) > MaxRisk {
		ps = append(ps, config.Problem{Field: p + ".risk", Msg: fmt.Sprintf("%v is out of range: want a number in [%d, %d] (exp(risk x return) overflows beyond)", st.Risk, -MaxRisk, MaxRisk)})
	}
	return ps
}

// limits checks the parameters of a distribution that enter an exponential.
func (d Dist) limits(field string) config.Problems {
	var ps config.Problems
	if d.Dist == DistLogNormal {
		if math.Abs(d.Mu) > MaxLogMu {
			ps = append(ps, config.Problem{Field: field + ".mu", Msg: fmt.Sprintf("%v is out of range: want a number in [%d, %d] (draws are exp(mu + sigma z))", d.Mu, -MaxLogMu, MaxLogMu)})
		}
		if d.Sigma > MaxLogSigma {
			ps = append(ps, config.Problem{Field: field + ".sigma", Msg: fmt.Sprintf("%v is too large: want at most %d (draws are exp(mu + sigma z))", d.Sigma, MaxLogSigma)})
		}
	}
	if len(d.Values) > MaxValues {
		ps = append(ps, config.Problem{Field: field + ".values", Msg: fmt.Sprintf("%d values: want at most %d", len(d.Values), MaxValues)})
	}
	return ps
}

// magnitudes reports every number under v whose magnitude is beyond
// MaxMagnitude, or non-zero below MinMagnitude (floats), with its field
// path. The seed is any 64-bit number; NaN and Inf are left to the
// checks that say what the key wants.
func magnitudes(v reflect.Value, path string, bad func(field, format string, args ...any)) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" || !t.Field(i).IsExported() || name == "seed" && path == "" {
				continue
			}
			magnitudes(v.Field(i), config.Join(path, name), bad)
		}
	case reflect.Slice:
		for i := range v.Len() {
			magnitudes(v.Index(i), fmt.Sprintf("%s[%d]", path, i), bad)
		}
	case reflect.Float32, reflect.Float64:
		x := math.Abs(v.Float())
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
		case x > MaxMagnitude:
			bad(path, "%v is too large: want a number of magnitude at most %g", v.Float(), MaxMagnitude)
		case x != 0 && x < MinMagnitude:
			bad(path, "%v is too small: want 0 or a number of magnitude at least %g", v.Float(), MinMagnitude)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if x := v.Int(); x > MaxMagnitude || x < -MaxMagnitude {
			bad(path, "%d is too large: want a whole number of magnitude at most %g", x, MaxMagnitude)
		}
	}
}
