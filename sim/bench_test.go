package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchSizes are the numbers of pending events the benchmarks keep in the
// queue: a handler rescheduling itself, a busy market, a very large one.
var benchSizes = []int{1, 1_000, 100_000}

// churn is a handler that reschedules itself after a delay taken in turn
// from a fixed table of exponential delays, so the queue keeps its size and
// new events land at random depths of the heap.
type churn struct {
	e      *Engine
	delays []float64 // length a power of two
	k      int
}

func (c *churn) Handle(now float64, arg int64) {
	c.k++
	c.e.After(c.delays[c.k&(len(c.delays)-1)], c, arg)
}

// newChurn returns an engine holding pending events of one churn handler.
func newChurn(pending int) (*Engine, *churn) {
	rng := rand.New(rand.NewPCG(1, 2))
	delays := make([]float64, 1<<12)
	for i := range delays {
		delays[i] = rng.ExpFloat64()
	}
	e := new(Engine)
	c := &churn{e: e, delays: delays}
	for i := range pending {
		e.Schedule(rng.ExpFloat64(), c, int64(i))
	}
	return e, c
}

// BenchmarkStep measures one event: pop the next event and let its handler
// schedule a replacement, with the queue holding a steady number of events.
func BenchmarkStep(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			e, _ := newChurn(n)
			for range 2 * n { // let the heap reach its steady shape
				e.Step()
			}
			b.ReportAllocs()
			for b.Loop() {
				e.Step()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkRun measures Run over batches of 1,024 events handled by a
// HandlerFunc that schedules the next batch member at the current time plus
// one, with one event pending at a time.
func BenchmarkRun(b *testing.B) {
	const batch = 1 << 10
	e := new(Engine)
	var left int
	var h HandlerFunc
	h = func(now float64, arg int64) {
		if left > 0 {
			left--
			e.Schedule(now+1, h, arg)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		left = batch - 1
		e.After(1, h, 0)
		if got := e.Run(); got != batch {
			b.Fatalf("Run handled %d events, want %d", got, batch)
		}
	}
	b.ReportMetric(float64(b.N)*batch/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkScheduleCancel measures scheduling an event and cancelling it,
// as a timeout that is cleared before it fires, with pending other events in
// the queue.
func BenchmarkScheduleCancel(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			e, c := newChurn(n)
			k := 0
			b.ReportAllocs()
			for b.Loop() {
				k++
				id := e.After(c.delays[k&(len(c.delays)-1)], c, 0)
				if !e.Cancel(id) {
					b.Fatal("Cancel of an event just scheduled returned false")
				}
			}
		})
	}
}
