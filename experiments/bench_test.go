package experiments

import (
	"context"
	"testing"
)

// BenchmarkP2Replicate is one full replicate of smart-containers-2020 on one
// goroutine: 4001 training episodes of 101 epochs, their updates, and five
// evaluations of 1001 epochs. The author's Python code needs 281 s of CPU
// for the same work (MODEL section 7).
func BenchmarkP2Replicate(b *testing.B) {
	sc := Default()
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		r, err := newReplicate(&sc, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.run(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		events += r.events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
