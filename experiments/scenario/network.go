package scenario

import (
	"fmt"
	"math"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/config"
)

// Network is a freight network: named hubs, the lanes between them and an
// origin-destination demand table. A scenario without hubs is the one-hub
// market of the other sections (every job leaves from and returns to one
// place, and every carrier's capacity is back at each of its departures).
// With hubs, every carrier has trucks at hubs (Carrier.Trucks); a truck at a
// hub at one of its carrier's departures carries jobs that share one
// destination to it, arrives after the lane's travel time, and is then
// available there.
type Network struct {
	Hubs       []Hub      `yaml:"hubs,omitempty"`
	Lanes      []Lane     `yaml:"lanes,omitempty"`
	Demand     []OD       `yaml:"demand,omitempty"`
	Reposition Reposition `yaml:"reposition,omitempty"` // what a truck with no load does: "demand" or "wait"
	// EmptyReturns says who bears a truck's empty running in the carriers'
	// learning: "carrier" (its total only) or "cargo" (the loads that
	// brought the truck, and a load that takes it on instead is credited).
	EmptyReturns EmptyReturns `yaml:"empty_returns,omitempty"`
}

// EmptyReturns is who bears empty running in the carriers' learning.
type EmptyReturns uint8

// The values of EmptyReturns.
const (
	EmptyToCarrier EmptyReturns = iota // carrier
	EmptyToCargo                       // cargo
)

var emptyReturnsEnum = config.Enum{What: "a bearer of empty returns", Names: []string{"carrier", "cargo"}}

func (v EmptyReturns) String() string                    { return emptyReturnsEnum.Name(int(v)) }
func (v EmptyReturns) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *EmptyReturns) UnmarshalText(b []byte) error     { return setEnum(v, emptyReturnsEnum, string(b)) }
func (v *EmptyReturns) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, emptyReturnsEnum, n) }

// Hub is a place where jobs arise and trucks meet them.
type Hub struct {
	Name string  `yaml:"name"`
	X    float64 `yaml:"x"` // coordinates for the network figure (e.g. longitude)
	Y    float64 `yaml:"y"` // (e.g. latitude)
}

// Lane is a directed link between two hubs.
type Lane struct {
	From     string  `yaml:"from"`
	To       string  `yaml:"to"`
	Distance float64 `yaml:"distance"` // distance units (km in the presets)
	Time     float64 `yaml:"time"`     // travel time, epochs (any number > 0)
}

// OD is one row of the origin-destination demand table: jobs arising at
// From for To, drawn every epoch like the jobs of a one-hub market.
type OD struct {
	From     string `yaml:"from"`
	To       string `yaml:"to"`
	Arrivals Range  `yaml:"arrivals"`           // jobs per epoch
	Volume   Range  `yaml:"volume,omitempty"`   // volume units per job; unset: jobs.volume
	Due      Range  `yaml:"due,omitempty"`      // clearings a job may wait; unset: jobs.due
	Distance Range  `yaml:"distance,omitempty"` // distance per job; unset: the lane's distance
}

// Fleet is a number of a carrier's trucks starting an episode at a hub.
type Fleet struct {
	Hub   string `yaml:"hub"`
	Count int    `yaml:"count"`
}

// Reposition is what a truck that found no load does.
type Reposition uint8

// The values of Reposition.
const (
	RepositionDemand Reposition = iota // demand
	RepositionWait                     // wait
)

var repositionEnum = config.Enum{What: "a reposition rule", Names: []string{"demand", "wait"}}

func (v Reposition) String() string                    { return repositionEnum.Name(int(v)) }
func (v Reposition) MarshalText() ([]byte, error)      { return []byte(v.String()), nil }
func (v *Reposition) UnmarshalText(b []byte) error     { return setEnum(v, repositionEnum, string(b)) }
func (v *Reposition) UnmarshalYAML(n *yaml.Node) error { return decodeEnum(v, repositionEnum, n) }

// CarrierReposition is how a carrier's trucks without a load choose where
// to go.
type CarrierReposition uint8

// The values of CarrierReposition.
const (
	RepositionByRule CarrierReposition = iota // rule: network.reposition
	RepositionLearn                           // learn
)

var carrierRepositionEnum = config.Enum{What: "a carrier's repositioning", Names: []string{"rule", "learn"}}

func (v CarrierReposition) String() string               { return carrierRepositionEnum.Name(int(v)) }
func (v CarrierReposition) MarshalText() ([]byte, error) { return []byte(v.String()), nil }
func (v *CarrierReposition) UnmarshalText(b []byte) error {
	return setEnum(v, carrierRepositionEnum, string(b))
}
func (v *CarrierReposition) UnmarshalYAML(n *yaml.Node) error {
	return decodeEnum(v, carrierRepositionEnum, n)
}

// Limits on the keys that size a network's work.
const (
	MaxHubs   = 64     // network.hubs
	MaxTrucks = 10_000 // trucks over all carriers
)

// IsNetwork reports whether the scenario is a network (it has hubs).
func (sc *Config) IsNetwork() bool { return len(sc.Network.Hubs) > 0 }

// HubIndex is the index of the hub called name, or -1.
func (n *Network) HubIndex(name string) int {
	return slices.IndexFunc(n.Hubs, func(h Hub) bool { return h.Name == name })
}

// LaneIndex is the index of the lane from a to b (hub indices), or -1.
func (n *Network) LaneIndex(a, b int) int {
	for i, l := range n.Lanes {
		if n.HubIndex(l.From) == a && n.HubIndex(l.To) == b {
			return i
		}
	}
	return -1
}

// ODVolume is row k's job volume range: its own, or jobs.volume.
func (sc *Config) ODVolume(k int) Range {
	if r := sc.Network.Demand[k].Volume; r != (Range{}) {
		return r
	}
	return sc.Jobs.Volume
}

// ODDue is row k's due range: its own, or jobs.due.
func (sc *Config) ODDue(k int) Range {
	if r := sc.Network.Demand[k].Due; r != (Range{}) {
		return r
	}
	return sc.Jobs.Due
}

// ODDistance is row k's distance range: its own, or the lane's distance
// (rounded to whole distance units, as a random job's distance is).
func (sc *Config) ODDistance(k int) Range {
	d := sc.Network.Demand[k]
	if d.Distance != (Range{}) {
		return d.Distance
	}
	n := &sc.Network
	l := n.LaneIndex(n.HubIndex(d.From), n.HubIndex(d.To))
	if l < 0 {
		return Range{}
	}
	v := int(math.Round(n.Lanes[l].Distance))
	return Range{v, v}
}

// Trucks is the number of trucks of all carriers.
func (sc *Config) Trucks() int {
	n := 0
	for _, c := range sc.Carriers {
		for _, f := range c.Trucks {
			n += f.Count
		}
	}
	return n
}

// validateNetwork checks the network and the carriers' fleets.
func (sc *Config) validateNetwork() config.Problems {
	var ps config.Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, config.Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	n := &sc.Network
	if !sc.IsNetwork() {
		if len(n.Lanes) > 0 || len(n.Demand) > 0 {
			bad("network.hubs", "empty, but the network has lanes or demand: want its hubs")
		}
		for i, c := range sc.Carriers {
			if len(c.Trucks) > 0 {
				bad(fmt.Sprintf("carriers[%d].trucks", i), "trucks need a network: want network.hubs, or no trucks")
			}
			if c.Reposition != RepositionByRule {
				bad(fmt.Sprintf("carriers[%d].reposition", i), "%s: repositioning needs a network: want rule, or network.hubs", c.Reposition)
			}
		}
		return ps
	}
	finite := func(field string, v, lo float64, open bool) {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			bad(field, "%v is not a finite number: want a number %s %v", v, map[bool]string{true: ">", false: ">="}[open], lo)
		case open && v <= lo, v < lo:
			bad(field, "%v is out of range: want a number %s %v", v, map[bool]string{true: ">", false: ">="}[open], lo)
		}
	}
	hub := func(field, name string) int {
		h := n.HubIndex(name)
		if h < 0 {
			names := make([]string, len(n.Hubs))
			for i, x := range n.Hubs {
				names[i] = x.Name
			}
			msg := fmt.Sprintf("%q is not a hub: want one of network.hubs", name)
			if s := config.DidYouMean(name, names); s != "" && name != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			bad(field, "%s", msg)
		}
		return h
	}
	if len(n.Hubs) > MaxHubs {
		bad("network.hubs", "%d hubs: want at most %d", len(n.Hubs), MaxHubs)
	}
	for i, h := range n.Hubs {
		p := fmt.Sprintf("network.hubs[%d]", i)
		if h.Name == "" {
			bad(p+".name", "empty: want a name")
		} else if n.HubIndex(h.Name) != i {
			bad(p+".name", "%q is the name of an earlier hub: want names that differ", h.Name)
		}
		finite(p+".x", h.X, math.Inf(-1), false)
		finite(p+".y", h.Y, math.Inf(-1), false)
	}
	for i, l := range n.Lanes {
		p := fmt.Sprintf("network.lanes[%d]", i)
		a, b := hub(p+".from", l.From), hub(p+".to", l.To)
		if a >= 0 && b >= 0 && n.LaneIndex(a, b) != i {
			bad(p, "a second lane from %s to %s: want one lane per direction", l.From, l.To)
		}
		finite(p+".distance", l.Distance, 0, false)
		finite(p+".time", l.Time, 0, true)
	}
	if len(n.Demand) == 0 {
		bad("network.demand", "empty: want at least one origin-destination row")
	}
	for i, d := range n.Demand {
		p := fmt.Sprintf("network.demand[%d]", i)
		a, b := hub(p+".from", d.From), hub(p+".to", d.To)
		if a >= 0 && b >= 0 && n.LaneIndex(a, b) < 0 {
			bad(p, "no lane from %s to %s: want a lane for every origin-destination pair", d.From, d.To)
		}
		rangeOK := func(field string, r Range, least int, unsetOK bool) {
			if unsetOK && r == (Range{}) {
				return
			}
			if r.Min < least {
				bad(field+".min", "%d is too small: want a whole number >= %d", r.Min, least)
			}
			if r.Max < r.Min {
				bad(field+".max", "%d is below min %d: want max >= min", r.Max, r.Min)
			}
		}
		rangeOK(p+".arrivals", d.Arrivals, 0, false)
		rangeOK(p+".volume", d.Volume, 1, true)
		rangeOK(p+".due", d.Due, 0, true)
		rangeOK(p+".distance", d.Distance, 0, true)
	}
	trucks := 0
	for i, c := range sc.Carriers {
		p := fmt.Sprintf("carriers[%d]", i)
		if len(c.Trucks) == 0 {
			bad(p+".trucks", "empty: in a network every carrier wants trucks at hubs")
		}
		for k, f := range c.Trucks {
			q := fmt.Sprintf("%s.trucks[%d]", p, k)
			hub(q+".hub", f.Hub)
			if f.Count < 1 {
				bad(q+".count", "%d is too small: want a whole number >= 1", f.Count)
			}
			trucks += max(f.Count, 0)
		}
		finite(p+".empty_cost_rate", c.EmptyCostRate, 0, false)
	}
	if trucks > MaxTrucks {
		bad("carriers", "%d trucks in all: want at most %d", trucks, MaxTrucks)
	}
	if len(sc.Jobs.Fixed) > 0 {
		bad("jobs.fixed", "a network draws its jobs from network.demand: want no fixed jobs")
	}
	return ps
}

// validateUnitLanes is validateUnitJobs for a network: a continuous double
// auction trades units of capacity on each lane, so every job of a lane has
// volume 1 and the lane's one distance.
func (sc *Config) validateUnitLanes() config.Problems {
	var ps config.Problems
	n := &sc.Network
	dist := map[[2]string]Range{}
	for k, d := range n.Demand {
		p := fmt.Sprintf("network.demand[%d]", k)
		if v := sc.ODVolume(k); v.Min != 1 || v.Max != 1 {
			field := p + ".volume"
			if d.Volume == (Range{}) {
				field = "jobs.volume"
			}
			ps = append(ps, config.Problem{Field: field, Msg: fmt.Sprintf("%d to %d: a continuous double auction trades units of capacity: want every job of volume 1", v.Min, v.Max)})
		}
		r := sc.ODDistance(k)
		if r.Min != r.Max {
			ps = append(ps, config.Problem{Field: p + ".distance", Msg: "want min = max: every job of a lane of one distance, so that a unit of capacity on it has one cost"})
			continue
		}
		key := [2]string{d.From, d.To}
		if o, ok := dist[key]; ok && o != r {
			ps = append(ps, config.Problem{Field: p + ".distance", Msg: fmt.Sprintf("%d, but an earlier row from %s to %s has %d: want one distance per lane, so that a unit of capacity on it has one cost", r.Min, d.From, d.To, o.Min)})
		}
		dist[key] = r
	}
	return ps
}
