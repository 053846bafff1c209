package market

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchOrders returns n orders with volumes uniform in 1..maxVol, asks
// uniform in [10, 60) and bids the ask plus a spread uniform in [-5, 45), so
// about 90 % are eligible.
func benchOrders(n, maxVol int, seed uint64) []Order {
	rng := rand.New(rand.NewPCG(seed, 1))
	orders := make([]Order, n)
	for i := range orders {
		ask := 10 + 50*rng.Float64()
		orders[i] = Order{
			Volume: 1 + rng.IntN(maxVol),
			Ask:    ask,
			Bid:    ask - 5 + 50*rng.Float64(),
		}
	}
	return orders
}

// BenchmarkClear clears n orders with volumes 1..100 (about 90 % eligible)
// against capacity C. Capacity binds, so the DP runs, except at n=10 with
// C >= 1000 and n=100 with C=10000, where the take-all shortcut answers. The
// goal for n=1000, C=10000 is at most 20 ms/op and 0 allocs/op.
func BenchmarkClear(b *testing.B) {
	for _, tie := range []Tie{TieMaxVolume, TieStrict} {
		for _, n := range []int{10, 100, 1000} {
			for _, capacity := range []int{80, 1000, 10000} {
				name := fmt.Sprintf("tie=%v/n=%d/C=%d", tie, n, capacity)
				b.Run(name, func(b *testing.B) {
					orders := benchOrders(n, 100, uint64(n*100000+capacity))
					br := &Broker{Tie: tie}
					br.Clear(orders, capacity) // warm-up: grow the buffers
					b.ReportAllocs()
					for b.Loop() {
						br.Clear(orders, capacity)
					}
				})
			}
		}
	}
}

// BenchmarkP2Acceptance is the typical clearing of the smart-containers
// paper: about 10 jobs, volumes 1..10, capacity 80 (rarely binding).
func BenchmarkP2Acceptance(b *testing.B) {
	orders := benchOrders(10, 10, 42)
	br := P2Acceptance()
	br.Clear(orders, 80)
	b.ReportAllocs()
	for b.Loop() {
		br.Clear(orders, 80)
	}
}

// BenchmarkP2AcceptanceBinding is the same with 30 jobs, so capacity binds.
func BenchmarkP2AcceptanceBinding(b *testing.B) {
	orders := benchOrders(30, 10, 43)
	br := P2Acceptance()
	br.Clear(orders, 80)
	b.ReportAllocs()
	for b.Loop() {
		br.Clear(orders, 80)
	}
}

// BenchmarkMaxSurplus is the efficient benchmark at the largest normal size.
func BenchmarkMaxSurplus(b *testing.B) {
	orders := benchOrders(1000, 100, 7)
	values := make([]float64, len(orders))
	costs := make([]float64, len(orders))
	volumes := make([]int, len(orders))
	for i, o := range orders {
		values[i], costs[i], volumes[i] = o.Bid, o.Ask, o.Volume
	}
	var br Broker
	br.MaxSurplus(values, costs, volumes, 10000)
	b.ReportAllocs()
	for b.Loop() {
		br.MaxSurplus(values, costs, volumes, 10000)
	}
}
