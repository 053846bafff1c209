package scenario

import (
	"math"
	"reflect"

	"github.com/freightsim/freightsim/agents"
)

func (sc *Config) Generator() agents.Generator {
	j := sc.Jobs
	return agents.Generator{
		Arrivals: agents.IntRange(j.Arrivals),
		Volume:   agents.IntRange(j.Volume),
		Due:      agents.IntRange(j.Due),
		Distance: agents.IntRange(j.Distance),
		Sharing:  j.Sharing,
		Shippers: len(sc.Shippers),
		Value:    SamplerOf(j.Value),
	}
}

// SamplerOf is d as an agents.Sampler, nil when it draws nothing.
func SamplerOf(d Dist) agents.Sampler {
	if !d.Set() {
		return nil
	}
	return d
}

// fixedJobs returns the templates of a fixed job stream, or nil.
func (sc *Config) FixedJobs() []agents.Job {
	var out []agents.Job
	for _, f := range sc.Jobs.Fixed {
		out = append(out, agents.Job{Volume: f.Volume, Distance: float64(f.Distance), Due: f.Due, Due0: f.Due,
			Value: f.Value, Shipper: f.Shipper, Shares: true})
	}
	return out
}

// scales are the feature scales of the scenario's job stream and carriers.
func (sc *Config) Scales() agents.Scales {
	j := sc.Jobs
	vmax, lmax, dmax, arrivals := j.Volume.Max, j.Distance.Max, j.Due.Max, j.Arrivals.Max
	if sc.IsNetwork() {
		vmax, lmax, dmax, arrivals = 0, 0, 0, 0
		for k, d := range sc.Network.Demand {
			vmax, lmax, dmax = max(vmax, sc.ODVolume(k).Max), max(lmax, sc.ODDistance(k).Max), max(dmax, sc.ODDue(k).Max)
			arrivals += d.Arrivals.Max
		}
	}
	if len(j.Fixed) > 0 {
		vmax, lmax, dmax, arrivals = 0, 0, 0, len(j.Fixed)
		for _, f := range j.Fixed {
			vmax, lmax, dmax = max(vmax, f.Volume), max(lmax, f.Distance), max(dmax, f.Due)
		}
	}
	var money float64
	for _, c := range sc.Carriers {
		factor := 1.0
		if c.CostFactor.Set() {
			factor = c.CostFactor.Upper()
		}
		money = max(money, c.CostRate*factor*float64(vmax)*float64(lmax))
	}
	if sc.Jobs.Value.Set() {
		money = max(money, sc.Jobs.Value.Upper())
	}
	for _, f := range j.Fixed {
		money = max(money, f.Value)
	}
	s := agents.Scales{
		Volume:   float64(max(vmax, 1)),
		Distance: float64(max(lmax, 1)),
		Due:      float64(max(dmax, 1)),
		Money:    money,
		Count:    float64(max(arrivals*(dmax+1), 1)),
	}
	if s.Money <= 0 {
		s.Money = 1
	}
	return s
}

// LowestMoney is the lowest price the market's jobs can have: the lowest
// job cost (over carriers, cost_rate times the cost factor's Lower times
// the job's volume and distance: of each fixed job, or the smallest of the
// random ones) or value (the value distribution's Lower, a fixed job's
// value; 0 when jobs carry no value). It is the origin of a strategy's
// money features with money_origin lowest.
func (sc *Config) LowestMoney() float64 {
	j := sc.Jobs
	type size struct{ volume, distance int }
	sizes := []size{{j.Volume.Min, j.Distance.Min}}
	if sc.IsNetwork() {
		sizes = sizes[:0]
		for k := range sc.Network.Demand {
			sizes = append(sizes, size{sc.ODVolume(k).Min, sc.ODDistance(k).Min})
		}
	}
	low := 0.0 // a job without a value
	switch {
	case len(j.Fixed) > 0:
		sizes, low = sizes[:0], math.Inf(1)
		for _, f := range j.Fixed {
			sizes, low = append(sizes, size{f.Volume, f.Distance}), min(low, f.Value)
		}
	case j.Value.Set():
		low = j.Value.Lower()
	}
	for _, c := range sc.Carriers {
		factor := 1.0
		if c.CostFactor.Set() {
			factor = c.CostFactor.Lower()
		}
		for _, z := range sizes {
			low = min(low, c.CostRate*factor*float64(z.volume)*float64(z.distance))
		}
	}
	return low
}

// ScalesFor is Scales as the features of strategy st see them: with
// money_origin lowest, money is measured from LowestMoney, when that is
// below the price scale (otherwise from 0, as with money_origin zero).
func (sc *Config) ScalesFor(st Strategy) agents.Scales {
	s := sc.Scales()
	if st.Origin == OriginLowest {
		if low := sc.LowestMoney(); low < s.Money && !math.IsInf(low, 0) {
			s.Origin = low
		}
	}
	return s
}

// Features returns the feature map of strategy st: P2's, or the named
// features at the scales of ScalesFor.
func (sc *Config) Features(st Strategy) (agents.Features, error) {
	if len(st.Features) == 1 && st.Features[0] == "p2" {
		gen := sc.Generator()
		return agents.P2FeaturesFor(&gen), nil
	}
	return agents.NewFeatureSet(st.Features, sc.ScalesFor(st))
}

// alikeJobs reports whether every job has one volume and one distance.
func (sc *Config) AlikeJobs() bool {
	if f := sc.Jobs.Fixed; len(f) > 0 {
		for _, j := range f {
			if j.Volume != f[0].Volume || j.Distance != f[0].Distance {
				return false
			}
		}
		return true
	}
	return sc.Jobs.Volume.Min == sc.Jobs.Volume.Max && sc.Jobs.Distance.Min == sc.Jobs.Distance.Max
}

// isPreset reports whether sc is the preset name in everything that shapes
// its market and learning: seed, replicates and the length and frequency of
// training and evaluation may differ.
func IsPreset(sc *Config, name string) bool {
	b, err := PresetYAML(name)
	if err != nil {
		return false
	}
	p, err := Parse(name, b)
	if err != nil {
		return false
	}
	a := *sc
	a.Seed, a.Replicates, a.Training.Episodes, a.Evaluation.Every = p.Seed, p.Replicates, p.Training.Episodes, p.Evaluation.Every
	return reflect.DeepEqual(a, p)
}

// DemandRatioReached is the demand/capacity ratio sc reaches with its
// demand_ratio set, and whether that is within 10 % of demand_ratio.
// demand_ratio scales the carriers' capacities, which are whole units (at
// least 1 a carrier or truck), so a scenario of small capacities reaches
// only some ratios: bilateral none above 1, the corridor's trucks 0.3, 0.6
// and 1.2 of the defaults.
func (sc *Config) DemandRatioReached() (got float64, ok bool) {
	got = sc.DemandCapacityRatio()
	return got, math.Abs(got-sc.DemandRatio) <= 0.1*sc.DemandRatio
}

// DemandCapacityRatio is the expected volume arriving per epoch over the capacity
// offered per epoch.
//
// In a network a truck's capacity comes back only after a trip, and a
// truck that carries a load must come back, loaded or empty. The ratio is
// then the truck capacity-time the demand needs over the fleet's capacity:
// for each pair of hubs, the larger of its two expected flows (volume per
// epoch) times the round trip's time (for a lane from a hub to itself, its
// flow times its time), summed, over the total capacity of the trucks.
// It is exact for a corridor and ignores round trips through three or more
// hubs (an upper bound on the need): > 1 means the fleet cannot carry the
// demand.
func (sc *Config) DemandCapacityRatio() float64 {
	if sc.IsNetwork() {
		fleet := sc.fleetCapacity(sc.Capacities())
		if fleet == 0 {
			return math.Inf(1)
		}
		return sc.networkNeed() / fleet
	}
	var capacity float64
	for i, c := range sc.Capacities() {
		capacity += float64(c) / sc.Carriers[i].Schedule.Period
	}
	if capacity == 0 {
		return math.Inf(1)
	}
	return sc.ExpectedDemand() / capacity
}

// fleetCapacity is the total capacity of the carriers' trucks, capacity
// caps[i] for carrier i's.
func (sc *Config) fleetCapacity(caps []int) float64 {
	var fleet float64
	for i, c := range sc.Carriers {
		for _, f := range c.Trucks {
			fleet += float64(f.Count * caps[i])
		}
	}
	return fleet
}

// networkNeed is the truck capacity-time a network's demand needs per
// epoch (see DemandCapacityRatio); +Inf when a flow has no way back.
func (sc *Config) networkNeed() float64 {
	n := &sc.Network
	flow := make([][]float64, len(n.Hubs))
	for i := range flow {
		flow[i] = make([]float64, len(n.Hubs))
	}
	for k, d := range n.Demand {
		a, b := n.HubIndex(d.From), n.HubIndex(d.To)
		if a < 0 || b < 0 {
			continue // not valid: Validate says so
		}
		flow[a][b] += agents.IntRange(d.Arrivals).Mean() * agents.IntRange(sc.ODVolume(k)).Mean()
	}
	var need float64
	for a := range flow {
		for b := a; b < len(flow); b++ {
			f := max(flow[a][b], flow[b][a])
			if f == 0 {
				continue
			}
			ab, ba := n.LaneIndex(a, b), n.LaneIndex(b, a)
			switch {
			case a == b:
				need += f * n.Lanes[ab].Time
			case ab >= 0 && ba >= 0:
				need += f * (n.Lanes[ab].Time + n.Lanes[ba].Time)
			default:
				return math.Inf(1) // a lane with no way back: trucks pile up
			}
		}
	}
	return need
}
