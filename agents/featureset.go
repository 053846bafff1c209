package agents

import (
	"fmt"
	"slices"
	"strings"
)

// Scales are the largest values the features are divided by, so that each
// is about [0,1]. Money features (cost, value, reservation) share one scale
// so that their weights compare, and are measured from Origin: (x -
// Origin) / (Money - Origin), x / Money with the zero Origin.
type Scales struct {
	Volume   float64 // largest job volume
	Distance float64 // largest job distance
	Due      float64 // largest due (at least 1)
	Money    float64 // price scale: the largest job cost
	Count    float64 // most jobs that can wait at once
	Origin   float64 // the money the money features are measured from: 0, or the market's lowest price (below Money)
}

// money is x as a money feature: measured from the origin, divided by the
// span from the origin to the price scale.
func (s *Scales) money(x float64) float64 { return (x - s.Origin) / (s.Money - s.Origin) }

// feature is one named, scaled feature: fn divides its quantity by the
// scale that unit names (FeatureSet.InUnits undoes it).
type feature struct {
	name string
	doc  string
	fn   func(j *Job, v *View, s *Scales) float64
	unit unit
}

// unit is the scale a feature's quantity is divided by.
type unit int

const (
	ratio       unit = iota // none: the feature is a ratio as it stands
	perVolume               // Scales.Volume
	perDistance             // Scales.Distance
	perDue                  // Scales.Due
	perCount                // Scales.Count
	perMoney                // money from Scales.Origin over Scales.Money - Origin
)

// of returns what s divides a feature in unit u by, and the origin it is
// measured from.
func (u unit) of(s *Scales) (div, origin float64) {
	switch u {
	case perVolume:
		return s.Volume, 0
	case perDistance:
		return s.Distance, 0
	case perDue:
		return s.Due, 0
	case perCount:
		return s.Count, 0
	case perMoney:
		return s.Money - s.Origin, s.Origin
	}
	return 1, 0
}

// featureTable lists every named feature, in the order FeatureNames gives.
func featureTable() []feature {
	return []feature{
		{"bias", "1", func(*Job, *View, *Scales) float64 { return 1 }, ratio},
		{"volume", "job volume / largest volume", func(j *Job, _ *View, s *Scales) float64 { return float64(j.Volume) / s.Volume }, perVolume},
		{"distance", "job distance / largest distance", func(j *Job, _ *View, s *Scales) float64 { return j.Distance / s.Distance }, perDistance},
		{"due", "clearings left after this one / largest due", func(j *Job, _ *View, s *Scales) float64 { return float64(j.Due) / s.Due }, perDue},
		{"cost", "the departing carrier's cost k*v*l / price scale (from the money origin, see money_origin)", func(j *Job, v *View, s *Scales) float64 { return s.money(v.Carrier.Cost(j)) }, perMoney},
		{"value", "the job's private value V / price scale (from the money origin)", func(j *Job, _ *View, s *Scales) float64 { return s.money(j.Value) }, perMoney},
		{"reservation", "V + p*v, the most shipping now is worth to the shipper / price scale (from the money origin)", func(j *Job, _ *View, s *Scales) float64 { return s.money(j.Reserve) }, perMoney},
		{"waiting_volume", "volume waiting / the departing capacity", func(_ *Job, v *View, _ *Scales) float64 {
			if v.Capacity == 0 {
				return 0
			}
			return float64(v.WaitingVolume) / float64(v.Capacity)
		}, ratio},
		{"waiting_count", "jobs waiting / most that can wait", func(_ *Job, v *View, s *Scales) float64 { return float64(v.Waiting) / s.Count }, perCount},
		{"backhaul", "network: the job's lane against its reverse, (expected volume back - forth) / their sum, in [-1, 1]; > 0 on a back-haul lane (0 without a network)", backhaul, ratio},
		{"dest_outbound", "network: the expected volume arising per epoch at the job's destination / the busiest hub's (0 without a network)", destOutbound, ratio},
		{"dest_waiting", "network: the volume waiting at the job's destination / the volume waiting at all hubs (0 without a network)", destWaiting, ratio},
		{"fleet_here", "network: the share of the quoting carrier's trucks at the hub that clears or on their way to it (0 without a network)", fleetHere, ratio},
		{"fleet_dest", "network: the share of the quoting carrier's trucks at the job's destination or on their way to it (0 without a network)", fleetDest, ratio},
	}
}

func backhaul(j *Job, v *View, _ *Scales) float64 {
	if v.Net == nil {
		return 0
	}
	return v.Net.Backhaul[j.From][j.To]
}

func destOutbound(j *Job, v *View, _ *Scales) float64 {
	if v.Net == nil {
		return 0
	}
	return v.Net.Outbound[j.To]
}

func destWaiting(j *Job, v *View, _ *Scales) float64 {
	if v.Net == nil {
		return 0
	}
	total := 0
	for _, w := range v.Net.Waiting {
		total += w
	}
	if total == 0 {
		return 0
	}
	return float64(v.Net.Waiting[j.To]) / float64(total)
}

// fleetShare is the share of the quoting carrier's trucks at (or bound
// for) hub h; 0 without a network or a carrier.
func fleetShare(v *View, h int) float64 {
	if v.Net == nil || v.Carrier == nil || v.Net.Trucks[v.Carrier.Index] == 0 {
		return 0
	}
	c := v.Carrier.Index
	return float64(v.Net.Fleet[c][h]) / float64(v.Net.Trucks[c])
}

func fleetHere(_ *Job, v *View, _ *Scales) float64 { return fleetShare(v, v.Hub) }
func fleetDest(j *Job, v *View, _ *Scales) float64 { return fleetShare(v, j.To) }

// FeatureNames lists the features a [FeatureSet] may name, with what each
// is, in a fixed order. "p2" is not among them: it names [P2Features].
func FeatureNames() [][2]string {
	table := featureTable()
	out := make([][2]string, len(table))
	for i, f := range table {
		out[i] = [2]string{f.name, f.doc}
	}
	return out
}

// FeatureSet is a policy's features chosen by name from [FeatureNames],
// each scaled by [Scales].
type FeatureSet struct {
	names  []string
	fns    []func(j *Job, v *View, s *Scales) float64
	units  []unit
	scales Scales
}

// NewFeatureSet returns the named features. It reports an unknown or
// repeated name, listing the allowed ones.
func NewFeatureSet(names []string, s Scales) (*FeatureSet, error) {
	fs := &FeatureSet{scales: s}
	table := featureTable()
	for _, n := range names {
		if slices.Contains(fs.names, n) {
			return nil, fmt.Errorf("feature %q is listed twice", n)
		}
		i := slices.IndexFunc(table, func(f feature) bool { return f.name == n })
		if i < 0 {
			allowed := make([]string, len(table))
			for k, f := range table {
				allowed[k] = f.name
			}
			return nil, fmt.Errorf("unknown feature %q: want p2, or a list of %s", n, strings.Join(allowed, ", "))
		}
		fs.names = append(fs.names, n)
		fs.fns = append(fs.fns, table[i].fn)
		fs.units = append(fs.units, table[i].unit)
	}
	if len(fs.names) == 0 {
		return nil, fmt.Errorf("no features: want at least one")
	}
	return fs, nil
}

// Names are the features in order.
func (fs *FeatureSet) Names() []string { return fs.names }

// Dim is the number of features.
func (fs *FeatureSet) Dim() int { return len(fs.fns) }

// Fill writes the features of j.
func (fs *FeatureSet) Fill(dst []float64, j *Job, v *View) {
	for i, f := range fs.fns {
		dst[i] = f(j, v, &fs.scales)
	}
}

// InUnits returns weights w on these features as weights on the features
// in their own units, so that w . Fill(j, v) is InUnits(w) . the unscaled
// features: a money feature (cost, value, reservation) per unit of money
// measured from 0 (what the money origin adds moved into the bias), volume
// per volume unit, distance per distance unit, due per clearing,
// waiting_count per job waiting. The bias, waiting_volume (the volume
// waiting / the departing capacity) and the network's features are ratios
// and keep their weights. It returns nil when len(w) is not Dim, or when
// money is measured from an origin other than 0 and there is no bias to
// take the origin's share.
func (fs *FeatureSet) InUnits(w []float64) []float64 {
	if len(w) != len(fs.names) {
		return nil
	}
	out := slices.Clone(w)
	bias := slices.Index(fs.names, "bias")
	for i, u := range fs.units {
		if u == ratio {
			continue // kept; the bias may already hold an origin's share
		}
		div, origin := u.of(&fs.scales)
		out[i] = w[i] / div
		if origin != 0 {
			if bias < 0 {
				return nil
			}
			out[bias] -= origin * out[i]
		}
	}
	return out
}

// Features writes into dst the features a policy sees for job j given the
// market view v. Implementations must write every element of dst.
type Features interface {
	Dim() int
	Fill(dst []float64, j *Job, v *View)
}

// P2Features are the eight features of van Heeswijk (2020), each scaled to
// about [0,1] by the largest value the job generator can produce:
//
//	0 bias, 1
//	1 shared volume waiting / (max arrivals * max due * max volume)
//	2 shared average due / max due
//	3 shared average distance / max distance
//	4 shared count / (max arrivals * max due)
//	5 own volume / max volume
//	6 own remaining due / max due
//	7 own distance / max distance
//
// A job that does not share its information sees zeros in features 1-4.
// With the P2 generator the scales are 500, 5, 100, 50, 10, 5 and 100.
type P2Features struct {
	MaxArrivals int
	MaxVolume   int
	MaxDue      int
	MaxDistance float64
}

// P2FeaturesFor returns the P2 features scaled for generator g. A scale of
// 0 counts as 1, as in Scales: with jobs.due.max 0 (every job ships at its
// first clearing or never) P2's divisions by the largest due gave NaN and
// the broker refused the bids; the features are then 0 for the due and the
// shared volume per arrival and volume unit.
func P2FeaturesFor(g *Generator) P2Features {
	return P2Features{
		MaxArrivals: max(g.Arrivals.Max, 1),
		MaxVolume:   max(g.Volume.Max, 1),
		MaxDue:      max(g.Due.Max, 1),
		MaxDistance: float64(max(g.Distance.Max, 1)),
	}
}

// Dim is 8.
func (P2Features) Dim() int { return 8 }

// Fill writes the eight features.
func (f P2Features) Fill(dst []float64, j *Job, v *View) {
	f.FillJob(dst, j.Volume, j.Due, j.Distance, j.Shares, v)
}

// FillJob writes the eight features of a job given by its volume, remaining
// due, distance and whether it shares its information: Fill for a caller
// that keeps its jobs in arrays rather than as *Job.
func (f P2Features) FillJob(dst []float64, volume, due int, distance float64, shares bool, v *View) {
	var market [4]float64
	if shares {
		market = f.Market(v)
	}
	f.FillWith(dst, &market, volume, due, distance)
}

// Market returns features 1-4, the market's, which every sharing job sees
// alike at a clearing.
func (f P2Features) Market(v *View) [4]float64 {
	return [4]float64{
		float64(v.SharedVolume) / float64(f.MaxArrivals*f.MaxDue*f.MaxVolume),
		v.SharedDue / float64(f.MaxDue),
		v.SharedDistance / f.MaxDistance,
		float64(v.SharedCount) / float64(f.MaxArrivals*f.MaxDue),
	}
}

// FillWith writes the eight features of a job given the market's features
// (Market for a sharing job, zeros for one that does not share): FillJob
// for a caller that computes them once per clearing.
func (f P2Features) FillWith(dst []float64, market *[4]float64, volume, due int, distance float64) {
	v, d, x := f.Own(volume, due, distance)
	f.Put(dst, market, v, d, x)
}

// Own returns features 5-7, the job's own: its volume, remaining due and
// distance, scaled.
func (f P2Features) Own(volume, due int, distance float64) (v, d, x float64) {
	return float64(volume) / float64(f.MaxVolume), float64(due) / float64(f.MaxDue), distance / f.MaxDistance
}

// Names are the eight features' names, as their weights are reported.
func (P2Features) Names() []string {
	return []string{"bias", "shared_volume", "shared_due", "shared_distance", "shared_count", "volume", "due", "distance"}
}

// InUnits returns weights w on the eight features as weights on them
// unscaled, so that w . Fill(j, v) is InUnits(w) . the unscaled features:
// the shared volume per volume unit, the shared average due per clearing,
// the shared average distance per distance unit, the shared count per job,
// the job's volume, remaining due and distance per volume unit, clearing
// and distance unit. The bias keeps its weight. It returns nil when len(w)
// is not 8.
func (f P2Features) InUnits(w []float64) []float64 {
	if len(w) != 8 {
		return nil
	}
	arr, due, vol, dist := float64(f.MaxArrivals), float64(f.MaxDue), float64(f.MaxVolume), f.MaxDistance
	return []float64{w[0], w[1] / (arr * due * vol), w[2] / due, w[3] / dist, w[4] / (arr * due), w[5] / vol, w[6] / due, w[7] / dist}
}

// Put writes the eight features given the market's (as FillWith) and the
// job's own (Own): FillWith for a caller that keeps a job's own features.
func (P2Features) Put(dst []float64, market *[4]float64, v, d, x float64) {
	dst = dst[:8]
	dst[0] = 1
	dst[1], dst[2], dst[3], dst[4] = market[0], market[1], market[2], market[3]
	dst[5], dst[6], dst[7] = v, d, x
}
