package sensitivity

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The analyses' cost is the bootstrap's: resamples × samples × indices.
func BenchmarkSobolAnalyze(b *testing.B) {
	for _, c := range []struct {
		k, n   int
		second bool
	}{{3, 1024, false}, {3, 4096, true}, {20, 1024, false}} {
		b.Run(fmt.Sprintf("k=%d/N=%d/second=%v", c.k, c.n, c.second), func(b *testing.B) {
			d := mustSobol(b, c.k, c.n, SobolOptions{SecondOrder: c.second}, 1)
			y := evaluate(d, func(x []float64) float64 { return x[0] + x[1]*x[1] + x[0]*x[c.k-1] })
			for b.Loop() {
				if _, err := d.Analyze(y, Bootstrap{}, rand.New(rand.NewPCG(1, 1))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMorrisAnalyze(b *testing.B) {
	for _, c := range []struct{ k, r int }{{5, 100}, {20, 500}} {
		b.Run(fmt.Sprintf("k=%d/r=%d", c.k, c.r), func(b *testing.B) {
			d := mustMorris(b, c.k, c.r, MorrisOptions{}, 1)
			y := evaluate(d, func(x []float64) float64 { return x[0] + x[1]*x[1] + x[0]*x[c.k-1] })
			for b.Loop() {
				if _, err := d.Analyze(y, Bootstrap{}, rand.New(rand.NewPCG(1, 1))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewSobol(b *testing.B) {
	for _, k := range []int{3, 20} {
		b.Run(fmt.Sprintf("k=%d/N=4096", k), func(b *testing.B) {
			names := make([]string, k)
			for i := range names {
				names[i] = fmt.Sprint("x", i)
			}
			for b.Loop() {
				if _, err := NewSobol(names, 4096, SobolOptions{}, rand.New(rand.NewPCG(1, 1))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
