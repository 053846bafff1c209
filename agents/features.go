package agents

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

// P2FeaturesFor returns the P2 features scaled for generator g.
func P2FeaturesFor(g *Generator) P2Features {
	return P2Features{
		MaxArrivals: g.Arrivals.Max,
		MaxVolume:   g.Volume.Max,
		MaxDue:      g.Due.Max,
		MaxDistance: float64(g.Distance.Max),
	}
}

// Dim is 8.
func (P2Features) Dim() int { return 8 }

// Fill writes the eight features.
func (f P2Features) Fill(dst []float64, j *Job, v *View) {
	dst = dst[:8]
	dst[0] = 1
	if j.Shares {
		dst[1] = float64(v.SharedVolume) / float64(f.MaxArrivals*f.MaxDue*f.MaxVolume)
		dst[2] = v.SharedDue / float64(f.MaxDue)
		dst[3] = v.SharedDistance / f.MaxDistance
		dst[4] = float64(v.SharedCount) / float64(f.MaxArrivals*f.MaxDue)
	} else {
		dst[1], dst[2], dst[3], dst[4] = 0, 0, 0, 0
	}
	dst[5] = float64(j.Volume) / float64(f.MaxVolume)
	dst[6] = float64(j.Due) / float64(f.MaxDue)
	dst[7] = j.Distance / f.MaxDistance
}
