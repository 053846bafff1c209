package results

import (
	"math"
	"testing"
)

// TestSummarizeMetricClips: a share's t interval that passes 1 is cut at 1
// (the case of the issue: four replicates near full utilisation), its mean,
// sd and lower end untouched; an unbounded metric keeps its interval.
func TestSummarizeMetricClips(t *testing.T) {
	xs := []float64{0.99, 0.99, 1, 0.97}
	raw := Summarize(xs)
	if !(raw.CI95High > 1) {
		t.Fatalf("the t interval of %v ends at %v: the case no longer shows the problem", xs, raw.CI95High)
	}
	got := SummarizeMetric("utilization", xs)
	if got.CI95High != 1 || got.CI95Low != raw.CI95Low || got.Mean != raw.Mean || got.SD != raw.SD || got.N != raw.N {
		t.Errorf("utilization: got %+v, want %+v with the high end 1", got, raw)
	}
	low := SummarizeMetric("ship_share", []float64{0.01, 0, 0.03, 0})
	if low.CI95Low != 0 || !(low.CI95High > 0) {
		t.Errorf("ship_share near 0: interval [%v, %v], want it to start at 0", low.CI95Low, low.CI95High)
	}
	if got := SummarizeMetric("price_per_cost", xs); got != raw {
		t.Errorf("an unbounded metric changed: %+v, want %+v", got, raw)
	}
	if one := SummarizeMetric("utilization", []float64{0.5}); !math.IsNaN(one.CI95High) || !math.IsNaN(one.CI95Low) {
		t.Errorf("one value: interval [%v, %v], want it undefined (NaN)", one.CI95Low, one.CI95High)
	}
}
