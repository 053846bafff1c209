package agents

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFillFromSameAsFill: jobs drawn from a PCG generator itself (FillFrom,
// DrawFrom) are the jobs, and the draws, of Fill and Draw on a rand.Rand
// over math/rand/v2's PCG of the same seeds: ranges of every kind of width (one value, powers of two, the
// P2 generator's, widths near 2^63 that make Lemire's method reject), the
// value drawn through the rand.Rand, and the stream in step afterwards.
func TestFillFromSameAsFill(t *testing.T) {
	gens := []Generator{
		P2Generator(),
		{Arrivals: IntRange{0, 0}, Volume: IntRange{1, 1}, Due: IntRange{0, 7}, Distance: IntRange{3, 66}, Sharing: 0.5, Shippers: 3},
		{Arrivals: IntRange{0, 1 << 62}, Volume: IntRange{1, 3<<61 + 1}, Due: IntRange{0, 1<<62 + 5}, Distance: IntRange{-7, 1 << 40}, Sharing: 0.25, Shippers: 1 << 20,
			Value: samplerFunc(func(rng *rand.Rand) float64 { return rng.NormFloat64() })},
	}
	for gi, g := range gens {
		a, b := rand.NewPCG(uint64(gi), 9), NewPCG(uint64(gi), 9)
		ra, rb := rand.New(a), rand.New(b)
		for i := range 20000 {
			var x, y Job
			n, m := g.Arrivals.Draw(ra), g.Arrivals.DrawFrom(b)
			g.Fill(ra, &x)
			g.FillFrom(b, rb, &y)
			if n != m || x.Volume != y.Volume || x.Due != y.Due || x.Due0 != y.Due0 || x.Distance != y.Distance ||
				x.Shares != y.Shares || x.Shipper != y.Shipper || x.Value != y.Value {
				t.Fatalf("generator %d, job %d: Fill %d %+v, FillFrom %d %+v", gi, i, n, x, m, y)
			}
		}
		if ra.Uint64() != rb.Uint64() {
			t.Fatalf("generator %d: the streams are out of step", gi)
		}
	}
}

type samplerFunc func(rng *rand.Rand) float64

func (f samplerFunc) Sample(rng *rand.Rand) float64 { return f(rng) }

// TestPCGSameAsRand: PCG draws math/rand/v2's PCG's numbers, a rand.Rand
// over it the same as over that one, and its NormFloat64 rand.Rand's,
// bit for bit, over two million normal draws (some twenty thousand of them
// in the ziggurat's rare cases, handed to rand.Rand), interleaved with the
// rand.Rand's own draws from the same stream; the common case is computed
// here, not handed over.
func TestPCGSameAsRand(t *testing.T) {
	fast := 0
	for _, k := range zigK {
		if k > 0 {
			fast++
		}
	}
	if fast < 120 {
		t.Fatalf("the ziggurat's tables were read for %d strips of 128: NormFloat64 hands nearly every draw to rand.Rand", fast)
	}
	for seed := range uint64(4) {
		ref, p := rand.New(rand.NewPCG(seed, ^seed)), NewPCG(seed, ^seed)
		via := rand.New(p)
		for i := range 500_000 {
			if i%100 == 0 {
				if a, b := ref.Float64(), via.Float64(); a != b {
					t.Fatalf("seed %d, draw %d: rand.Rand over PCG %v, over rand.PCG %v", seed, i, b, a)
				}
			}
			if a, b := ref.NormFloat64(), p.NormFloat64(); math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("seed %d, draw %d: NormFloat64 %v, rand.Rand's %v", seed, i, b, a)
			}
		}
		if ref.Uint64() != p.Uint64() {
			t.Fatalf("seed %d: the streams are out of step", seed)
		}
	}
}
