package agents

import (
	"fmt"
	"math/rand/v2"
)

// IntRange is a discrete uniform distribution on {Min, ..., Max}.
type IntRange struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

// Draw returns a uniform integer in [Min, Max].
func (r IntRange) Draw(rng *rand.Rand) int { return r.Min + rng.IntN(r.Max-r.Min+1) }

// Mean is (Min+Max)/2.
func (r IntRange) Mean() float64 { return float64(r.Min+r.Max) / 2 }

// Validate reports a range that is empty or starts below least.
func (r IntRange) Validate(least int) error {
	if r.Min < least {
		return fmt.Errorf("min is %d: want at least %d", r.Min, least)
	}
	if r.Max < r.Min {
		return fmt.Errorf("max is %d, below min %d", r.Max, r.Min)
	}
	return nil
}

// Generator draws the jobs that arrive at the start of an epoch: in van
// Heeswijk (2020) U{0..10} jobs with volume U{1..10}, due U{1..5} and
// distance U{10..100}, every one sharing its information.
type Generator struct {
	Arrivals IntRange // jobs per epoch
	Volume   IntRange // volume units per job
	Due      IntRange // clearings after the first before it fails
	Distance IntRange // distance per job
	Sharing  float64  // probability that a job shares its information, in [0,1]
	Shippers int      // jobs are dealt to shippers uniformly; 0 means 1
	Value    Sampler  // a job's private value V; nil: no value (0)
}

// P2Generator is the job stream of van Heeswijk (2020).
func P2Generator() Generator {
	return Generator{
		Arrivals: IntRange{0, 10},
		Volume:   IntRange{1, 10},
		Due:      IntRange{1, 5},
		Distance: IntRange{10, 100},
		Sharing:  1,
	}
}

// MeanVolume is the expected volume arriving per epoch.
func (g *Generator) MeanVolume() float64 { return g.Arrivals.Mean() * g.Volume.Mean() }

// Fill sets the random attributes of j. Every attribute is drawn, in a fixed
// order, whatever the configuration, so that changing one knob does not
// shift the random stream of the others.
func (g *Generator) Fill(rng *rand.Rand, j *Job) {
	j.Volume = g.Volume.Draw(rng)
	j.Due = g.Due.Draw(rng)
	j.Due0 = j.Due
	j.Distance = float64(g.Distance.Draw(rng))
	j.Shares = rng.Float64() < g.Sharing
	j.Shipper = rng.IntN(max(1, g.Shippers))
	if g.Value != nil {
		j.Value = g.Value.Sample(rng)
	}
}

// Sampler draws a number from a distribution, using the random stream it is
// given (package experiments builds them from the scenario, with gonum's
// distributions).
type Sampler interface {
	Sample(rng *rand.Rand) float64
}
