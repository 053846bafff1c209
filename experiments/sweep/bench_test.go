package sweep

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// BenchmarkSweep runs a CPU-bound sweep of 40 runs of about 10 ms on 1 and
// on 2 workers, with the collector set as freightsim sweep sets it
// (GOGC=400): the ratio of the two is the speed-up of a second worker
// (docs/SWEEPS.md measures it on testdata/sweeps/speed.yaml).
//
//	go test -run '^$' -bench Sweep -count 5 ./experiments
func BenchmarkSweep(b *testing.B) {
	text := "name: bench\nbase: smart-containers-2020\nreplicates: 10\nplots: false\nmetrics: [ship_share]\n" +
		"set:\n  training.episodes: 300\n  training.horizon: 30\n  evaluation.horizon: 200\n  evaluation.every: 1000\n" +
		"axes:\n  - key: carriers[0].capacity\n    values: [40, 60, 80, 100]\n"
	sw, err := Parse("bench.yaml", []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			dir := b.TempDir()
			n := 0
			for b.Loop() {
				n++
				d, err := Create(filepath.Join(dir, fmt.Sprint(n)), sw, Shard{}, false)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.Run(context.Background(), Options{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sw.Runs()*b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// BenchmarkSweepPoints builds the scenarios of a grid of 1000 points: what
// reading a sweep file costs per point, and each run pays once more.
func BenchmarkSweepPoints(b *testing.B) {
	text := "base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    from: 1\n    to: 100\n    steps: 100\n" +
		"  - key: shippers[*].strategy.sigma\n    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
	for b.Loop() {
		if _, err := Parse("points.yaml", []byte(text)); err != nil {
			b.Fatal(err)
		}
	}
}
