package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Fixed strategies price by a rule that does not learn: for planners who
// test a pricing rule, and as baselines a learning agent can face (MODEL
// section 5). [TruthfulBid] and [TruthfulAsk] quote value and cost;
// [Markup] quotes a fixed margin from its side's limit; [Linear] a fixed
// linear function of named features; [ZIC] a uniform draw between its
// side's limit and a bound, after Gode and Sunder (1993). [ZIP] (zip.go)
// adapts its margin to the market, after Cliff (1997).
//
// A side's limit is the most it can quote without losing on the job: a
// shipper's is the job's reservation j.Reserve (value + penalty*volume),
// a carrier's its cost v.Carrier.Cost(j). Fixed strategies leave the
// Record alone.

// ParamError reports a strategy parameter outside what is allowed. Param
// names the parameter as the scenario config does ("markup", "cap",
// "weights[2]"); Msg gives its value and what is allowed. Error joins them:
// "markup: -0.1: want a finite number >= 0".
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

func paramError(param, format string, args ...any) error {
	return &ParamError{Param: param, Msg: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// limit is the side's limit for j: the departing carrier's cost, or the
// job's reservation.
func limit(carrier bool, j *Job, v *View) float64 {
	if carrier {
		return v.Carrier.Cost(j)
	}
	return j.Reserve
}

// above returns x raised by the fraction m >= 0 of its size: x*(1+m) for
// x >= 0, x*(1-m) for x < 0. It is never below x.
func above(x, m float64) float64 {
	if x >= 0 {
		return x * (1 + m)
	}
	return x * (1 - m)
}

// below returns x lowered by the fraction m >= 0 of its size: x*(1-m) for
// x >= 0, x*(1+m) for x < 0. It is never above x.
func below(x, m float64) float64 {
	if x >= 0 {
		return x * (1 - m)
	}
	return x * (1 + m)
}

// Markup quotes at a fixed margin from its side's limit, the way a planner
// prices: a carrier asks its cost times 1+Rate, a shipper bids its
// reservation times 1-Rate (a markdown).
//
// Bounds, for a valid Markup: an ask is exactly cost*(1+Rate), so it lies
// in [cost, cost*(1+Rate)]; a bid is exactly reservation*(1-Rate), so it
// lies in [0, reservation]. A negative limit (a job of negative value) is
// moved by Rate times its size, the ask up and the bid down, so that no
// quote ever crosses its limit.
type Markup struct {
	Carrier bool    // ask from the departing carrier's cost; else bid from the job's reservation
	Rate    float64 // m: >= 0 for a carrier; in [0, 1] for a shipper, whose bid would otherwise be negative
}

// Validate reports a rate that is not finite, is negative, or exceeds 1
// for a shipper. Its error is a *[ParamError] for parameter "markup".
func (m Markup) Validate() error {
	if !finite(m.Rate) || m.Rate < 0 {
		return paramError("markup", "%v: want a finite number >= 0", m.Rate)
	}
	if !m.Carrier && m.Rate > 1 {
		return paramError("markup", "%v: want at most 1 for a shipper, whose bid reservation*(1-markup) would be negative", m.Rate)
	}
	return nil
}

// Quote returns the carrier's cost of j times 1+Rate, or j's reservation
// times 1-Rate. It draws nothing.
func (m Markup) Quote(_ *rand.Rand, j *Job, v *View, _ *Record) float64 {
	if m.Carrier {
		return above(v.Carrier.Cost(j), m.Rate)
	}
	return below(j.Reserve, m.Rate)
}

// Linear quotes a fixed linear function of features: the price is
// sum_i w_i*f_i, without noise. It knows no side and no bound: a planner's
// rule may quote beyond its side's limit, which the market then prices in.
// Build it with [NewLinear], its features with [NewFeatureSet] and the
// scenario's [Scales]. A Linear keeps a buffer: use one per replicate.
type Linear struct {
	features Features
	weights  []float64
	phi      []float64
}

// NewLinear returns the rule with weights w on features f (w is copied). It
// reports, as a *[ParamError], missing features ("features"), a number of
// weights that is not the number of features ("weights"), and a weight
// that is not finite ("weights[i]").
func NewLinear(f Features, w []float64) (*Linear, error) {
	if f == nil || f.Dim() == 0 {
		return nil, paramError("features", "none: want at least one")
	}
	if len(w) != f.Dim() {
		return nil, paramError("weights", "%d given for %d features: want one weight per feature", len(w), f.Dim())
	}
	for i, x := range w {
		if !finite(x) {
			return nil, paramError(fmt.Sprintf("weights[%d]", i), "%v: want a finite number", x)
		}
	}
	return &Linear{features: f, weights: append([]float64(nil), w...), phi: make([]float64, f.Dim())}, nil
}

// Weights are the rule's weights, in the order of its features (a view).
func (l *Linear) Weights() []float64 { return l.weights }

// Features are the rule's features.
func (l *Linear) Features() Features { return l.features }

// Quote returns sum_i w_i*f_i(j, v), summed in feature order. It draws nothing.
func (l *Linear) Quote(_ *rand.Rand, j *Job, v *View, _ *Record) float64 {
	l.features.Fill(l.phi, j, v)
	var p float64
	for i, w := range l.weights {
		p += w * l.phi[i]
	}
	return p
}

// ZIC is the zero-intelligence constrained trader of Gode and Sunder,
// "Allocative efficiency of markets with zero-intelligence traders" (JPE
// 101, 1993): it quotes uniformly at random, but never beyond its limit. A
// carrier asks uniformly on [cost, Cap]; a shipper bids uniformly on
// [Floor, reservation].
//
// Bounds: an ask lies in [cost, Cap], and is exactly the cost when the
// cost is at or above Cap; a bid lies in [Floor, reservation], and is
// exactly the reservation when the reservation is at or below Floor. So a
// quote never crosses its limit, and draws cover the whole interval.
//
// Quote draws exactly one number from the rng it is given at every call,
// whatever the job, so that changing a job does not shift the stream.
type ZIC struct {
	Carrier bool    // ask from the departing carrier's cost; else bid from the job's reservation
	Floor   float64 // a shipper's lowest bid: finite and >= 0 (a carrier ignores it)
	Cap     float64 // a carrier's highest ask: finite and > 0 (a shipper ignores it)
}

// Validate reports, as a *[ParamError], a carrier's Cap ("cap") that is not
// finite and positive, or a shipper's Floor ("floor") that is not finite
// and non-negative. A zero cap is refused because it would make ZIC the
// truthful ask: it is most likely a cap left unset.
func (z ZIC) Validate() error {
	if z.Carrier {
		if !finite(z.Cap) || z.Cap <= 0 {
			return paramError("cap", "%v: want a finite number > 0, the highest ask", z.Cap)
		}
		return nil
	}
	if !finite(z.Floor) || z.Floor < 0 {
		return paramError("floor", "%v: want a finite number >= 0, the lowest bid", z.Floor)
	}
	return nil
}

// Quote returns a uniform ask on [cost, Cap] or a uniform bid on
// [Floor, reservation], drawn from rng.
func (z ZIC) Quote(rng *rand.Rand, j *Job, v *View, _ *Record) float64 {
	u := rng.Float64()
	if z.Carrier {
		c := v.Carrier.Cost(j)
		if c >= z.Cap {
			return c
		}
		// c + (Cap-c)*u is never below c; rounding may take it one ulp past Cap.
		return min(c+(z.Cap-c)*u, z.Cap)
	}
	r := j.Reserve
	if r <= z.Floor {
		return r
	}
	return min(z.Floor+(r-z.Floor)*u, r)
}
