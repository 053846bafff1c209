package agents

import "math"

// DistKind is the family of a quote distribution.
type DistKind uint8

// The families of a quote distribution.
const (
	PointQuote   DistKind = iota // always At
	NormalQuote                  // normal with mean At and standard deviation SD
	UniformQuote                 // uniform on [Lo, Hi]
)

// QuoteDist is the distribution of a strategy's quote for one job at one
// clearing: what the equilibrium measurement needs to compute a best
// response exactly rather than by search.
type QuoteDist struct {
	Kind   DistKind
	At     float64 // the point, or the normal's mean
	SD     float64 // the normal's standard deviation (>= 0)
	Lo, Hi float64 // the uniform's ends (Lo <= Hi)
}

// Point is the distribution of a quote that is always x.
func Point(x float64) QuoteDist { return QuoteDist{Kind: PointQuote, At: x} }

// Normal is the distribution of a quote drawn from N(mean, sd); a zero or
// negative sd is read as its absolute value, as the policies draw.
func Normal(mean, sd float64) QuoteDist {
	sd = math.Abs(sd)
	if sd == 0 {
		return Point(mean)
	}
	return QuoteDist{Kind: NormalQuote, At: mean, SD: sd}
}

// Uniform is the distribution of a quote drawn uniformly on [lo, hi].
func Uniform(lo, hi float64) QuoteDist {
	if hi <= lo {
		return Point(lo)
	}
	return QuoteDist{Kind: UniformQuote, Lo: lo, Hi: hi}
}

// Mean is the distribution's mean.
func (d QuoteDist) Mean() float64 {
	if d.Kind == UniformQuote {
		return (d.Lo + d.Hi) / 2
	}
	return d.At
}

// Distributor is a strategy that can say how it quotes: the distribution of
// its quote for job j seen through v, without drawing it. A strategy whose
// quote depends on what it has seen in the episode (ZIP) is not one.
type Distributor interface {
	QuoteDist(j *Job, v *View) QuoteDist
}

// DistOf is the distribution of strategy s's quote for job j seen through
// v, and whether it is known: s is a Distributor, or a learner that says
// what it has learned (Described: normal with its mean and standard
// deviation at j's features).
func DistOf(s Strategy, j *Job, v *View, phi []float64) (QuoteDist, bool) {
	switch s := s.(type) {
	case Distributor:
		return s.QuoteDist(j, v), true
	case Described:
		f := s.FeatureMap()
		if cap(phi) < f.Dim() {
			phi = make([]float64, f.Dim())
		}
		phi = phi[:f.Dim()]
		f.Fill(phi, j, v)
		return Normal(s.MeanAt(phi), s.SigmaAt(phi)), true
	}
	return QuoteDist{}, false
}

// QuoteDist is a point at the job's reservation.
func (TruthfulBid) QuoteDist(j *Job, _ *View) QuoteDist { return Point(j.Reserve) }

// QuoteDist is a point at the carrier's cost.
func (TruthfulAsk) QuoteDist(j *Job, v *View) QuoteDist { return Point(v.Carrier.Cost(j)) }

// QuoteDist is a point at the quote.
func (m Markup) QuoteDist(j *Job, v *View) QuoteDist { return Point(m.Quote(nil, j, v, nil)) }

// QuoteDist is a point at the quote.
func (l *Linear) QuoteDist(j *Job, v *View) QuoteDist { return Point(l.Quote(nil, j, v, nil)) }

// QuoteDist is uniform on [cost, Cap] or [Floor, reservation], a point
// where that interval is empty.
func (z ZIC) QuoteDist(j *Job, v *View) QuoteDist {
	if z.Carrier {
		c := v.Carrier.Cost(j)
		if c >= z.Cap {
			return Point(c)
		}
		return Uniform(c, z.Cap)
	}
	r := j.Reserve
	if r <= z.Floor {
		return Point(r)
	}
	return Uniform(z.Floor, r)
}
