package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/experiments/config"
	"gonum.org/v1/gonum/stat/distuv"
)

// Dist is a distribution in a scenario: of a job's private value, or of a
// carrier's private cost factor. Draws come from the scenario's seeded
// streams through gonum's distributions (whose Src is always set).
type Dist struct {
	Dist   DistKind  `yaml:"dist"`             // "none", "fixed", "uniform", "normal", "lognormal" or "empirical"
	Value  float64   `yaml:"value,omitempty"`  // fixed: the value
	Min    float64   `yaml:"min,omitempty"`    // uniform: lower end
	Max    float64   `yaml:"max,omitempty"`    // uniform: upper end
	Mean   float64   `yaml:"mean,omitempty"`   // normal: mean
	SD     float64   `yaml:"sd,omitempty"`     // normal: standard deviation
	Mu     float64   `yaml:"mu,omitempty"`     // lognormal: mean of the log
	Sigma  float64   `yaml:"sigma,omitempty"`  // lognormal: standard deviation of the log
	Values []float64 `yaml:"values,omitempty"` // empirical: equally likely values
}

// Set reports whether the distribution draws anything.
func (d Dist) Set() bool { return d.Dist != DistNone }

// Sample draws one value from rng.
func (d Dist) Sample(rng *rand.Rand) float64 {
	switch d.Dist {
	case DistFixed:
		return d.Value
	case DistUniform:
		return distuv.Uniform{Min: d.Min, Max: d.Max, Src: rng}.Rand()
	case DistNormal:
		return distuv.Normal{Mu: d.Mean, Sigma: d.SD, Src: rng}.Rand()
	case DistLogNormal:
		return distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma, Src: rng}.Rand()
	case DistEmpirical:
		return d.Values[rng.IntN(len(d.Values))]
	}
	return 0
}

// Bounds are values the distribution rarely leaves, for scaling features:
// the minimum and maximum, or the mean less and plus three standard
// deviations (0 and 0 for none).
func (d Dist) Bounds() (lo, hi float64) {
	switch d.Dist {
	case DistFixed:
		return d.Value, d.Value
	case DistUniform:
		return d.Min, d.Max
	case DistNormal:
		return d.Mean - 3*d.SD, d.Mean + 3*d.SD
	case DistLogNormal:
		return math.Exp(d.Mu - 3*d.Sigma), math.Exp(d.Mu + 3*d.Sigma)
	case DistEmpirical:
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range d.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return lo, hi
	}
	return 0, 0
}

// Lower is the first of Bounds.
func (d Dist) Lower() float64 { lo, _ := d.Bounds(); return lo }

// Upper is the second of Bounds.
func (d Dist) Upper() float64 { _, hi := d.Bounds(); return hi }

// MeanValue is the distribution's mean (1 for none, a neutral factor).
func (d Dist) MeanValue() float64 {
	switch d.Dist {
	case DistFixed:
		return d.Value
	case DistUniform:
		return (d.Min + d.Max) / 2
	case DistNormal:
		return d.Mean
	case DistLogNormal:
		return math.Exp(d.Mu + d.Sigma*d.Sigma/2)
	case DistEmpirical:
		var s float64
		for _, v := range d.Values {
			s += v
		}
		return s / float64(len(d.Values))
	}
	return 1
}

// validate checks the parameters the chosen distribution uses.
func (d Dist) validate(field string) config.Problems {
	var ps config.Problems
	bad := func(f, format string, args ...any) {
		ps = append(ps, config.Problem{Field: field + "." + f, Msg: fmt.Sprintf(format, args...)})
	}
	finite := func(f string, v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad(f, "%v is not a finite number", v)
			return false
		}
		return true
	}
	switch d.Dist {
	case DistNone:
	case DistFixed:
		finite("value", d.Value)
	case DistUniform:
		if finite("min", d.Min) && finite("max", d.Max) && d.Max < d.Min {
			bad("max", "%v is below min %v: want max >= min", d.Max, d.Min)
		}
	case DistNormal:
		finite("mean", d.Mean)
		if finite("sd", d.SD) && d.SD < 0 {
			bad("sd", "%v: want a standard deviation >= 0", d.SD)
		}
	case DistLogNormal:
		finite("mu", d.Mu)
		if finite("sigma", d.Sigma) && d.Sigma < 0 {
			bad("sigma", "%v: want a standard deviation >= 0", d.Sigma)
		}
	case DistEmpirical:
		if len(d.Values) == 0 {
			bad("values", "empty: want at least one value")
		}
		for i, v := range d.Values {
			finite(fmt.Sprintf("values[%d]", i), v)
		}
	default:
		ps = append(ps, config.Problem{Field: field + ".dist", Msg: fmt.Sprintf("%q is not a distribution: want none, fixed, uniform, normal, lognormal or empirical", d.Dist)})
	}
	return ps
}
