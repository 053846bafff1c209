package results

import "math"

// bounded are the metrics whose every value lies in [0, 1] by definition:
// shares of jobs and of volume, shares of agents, and relative utility
// losses (defined only where 0 <= U(profile) <= U(best response)).
var bounded = []string{"ship_share", "utilization", "ne_adherence", "br_exact_shipper", "br_exact_carrier",
	"utility_loss_shipper", "utility_loss_carrier"}

// Bounds returns the least and greatest value metric name can take, when
// they are known: [0, 1] for a share of jobs or of volume. The mean of such
// values lies in the bounds too, but its Student t interval need not: with
// four replicates at 0.99, 0.99, 1 and 0.97 it reaches 1.012.
func Bounds(name string) (lo, hi float64, ok bool) {
	for _, b := range bounded {
		if b == name {
			return 0, 1, true
		}
	}
	return math.Inf(-1), math.Inf(1), false
}

// SummarizeMetric is [Summarize] of the values of metric name, its 95 %
// interval clipped to the metric's [Bounds]: a bound is certain, so the
// part of the interval beyond it holds no possible mean. (Clipping keeps
// the t interval's coverage, since it removes only impossible values; a
// Wilson interval would assume the values are successes out of trials, which
// a share of volume is not.)
func SummarizeMetric(name string, xs []float64) Stat {
	s := Summarize(xs)
	if lo, hi, ok := Bounds(name); ok {
		s = s.Within(lo, hi)
	}
	return s
}

// Within returns s with its 95 % interval clipped to [lo, hi]. NaN stays
// NaN.
func (s Stat) Within(lo, hi float64) Stat {
	if s.CI95Low < lo {
		s.CI95Low = lo
	}
	if s.CI95High > hi {
		s.CI95High = hi
	}
	return s
}
