package experiments

import (
	"math"
	"testing"

	"github.com/freightsim/freightsim/agents"
)

// TestBenchmarkOfSegments: the efficient benchmark of a market in segments
// (market.candidates) allocates each job within its segment only. Two
// carriers of cost rates 0.1 and 0.2 with room for everything, six jobs of
// volume 1, distance 10 and reservation 20: with every carrier quoting
// every job each ships at the cheaper carrier, surplus 6*(20-1) = 114;
// with one carrier per segment, jobs 0, 2 and 4 (segment 0) ship at cost 1
// and jobs 1, 3 and 5 (segment 1) at cost 2: 3*19 + 3*18 = 111.
func TestBenchmarkOfSegments(t *testing.T) {
	for _, c := range []struct {
		candidates int
		want       float64
	}{{0, 114}, {2, 114}, {1, 111}} {
		x := &agents.Exchange{Candidates: c.candidates}
		for i, rate := range []float64{0.1, 0.2} {
			x.Carriers = append(x.Carriers, &agents.Carrier{Index: i, Capacity: 100, CostRate: rate})
		}
		o := &observer{x: x, eval: true}
		x.Observer = o
		var jobs []*agents.Job
		for range 6 {
			j := x.NewJob()
			j.Volume, j.Distance, j.Reserve = 1, 10, 20
			jobs = append(jobs, j)
		}
		o.Arrived(jobs)
		o.departed(0, 100)
		o.departed(1, 100)
		o.benchmark()
		if got := o.ev.Benchmark; math.Abs(got-c.want) > 1e-9 {
			t.Errorf("candidates %d: benchmark %v, want %v", c.candidates, got, c.want)
		}
		if b := o.benchStats; b.Episodes != 1 || b.Exact != 1 {
			t.Errorf("candidates %d: benchmark stats %+v, want one exact episode", c.candidates, b)
		}
	}
}
