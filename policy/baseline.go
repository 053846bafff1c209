package policy

import "math"

// Baseline is the per-group normalisation of returns used by [Reinforce]:
// decision i's advantage is (Return[i] - Mean[g]) / Scale[g] for its group g.
type Baseline struct {
	Mean  []float64 // mean return per group (0 for an empty group)
	Scale []float64 // scale per group (1 for an empty group or a zero spread)
	Count []int     // decisions per group
}

// Fit computes the baseline of b. With compat set the scale is
// sqrt(sum (G-m)²)/n, as in the smart-container paper's code; otherwise it is
// the population standard deviation sqrt(sum (G-m)²/n). Either is 1 where it
// would be 0. Fit reuses the baseline's memory.
func (bl *Baseline) Fit(b *Batch, compat bool) {
	groups := 0
	for _, g := range b.Group {
		if g+1 > groups {
			groups = g + 1
		}
	}
	bl.Mean = resize(bl.Mean, groups)
	bl.Scale = resize(bl.Scale, groups)
	if cap(bl.Count) < groups {
		bl.Count = make([]int, groups)
	}
	bl.Count = bl.Count[:groups]
	clear(bl.Count)
	for i, g := range b.Group {
		bl.Mean[g] += b.Return[i]
		bl.Count[g]++
	}
	for g, n := range bl.Count {
		if n > 0 {
			bl.Mean[g] /= float64(n)
		}
	}
	for i, g := range b.Group {
		d := b.Return[i] - bl.Mean[g]
		bl.Scale[g] += d * d
	}
	for g, n := range bl.Count {
		switch {
		case n == 0:
			bl.Scale[g] = 1
		case compat:
			bl.Scale[g] = math.Sqrt(bl.Scale[g]) / float64(n)
		default:
			bl.Scale[g] = math.Sqrt(bl.Scale[g] / float64(n))
		}
		if bl.Scale[g] == 0 {
			bl.Scale[g] = 1
		}
	}
}

// Advantage is decision i's normalised return.
func (bl *Baseline) Advantage(b *Batch, i int) float64 {
	g := b.Group[i]
	return (b.Return[i] - bl.Mean[g]) / bl.Scale[g]
}

// resize returns s with length n and every element zero, reusing its memory.
func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}
