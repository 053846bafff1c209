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
	bl.Mean, bl.Count = groupMeans(b.Group, b.Return, bl.Mean, bl.Count)
	bl.Scale = resize(bl.Scale, len(bl.Mean))
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
// groupMeans returns the mean of x over each group's decisions (0 for a
// group with none) and their number, group[i] being decision i's group;
// it reuses the memory of mean and count.
func groupMeans(group []int, x, mean []float64, count []int) ([]float64, []int) {
	groups := 0
	for _, g := range group {
		groups = max(groups, g+1)
	}
	mean = resize(mean, groups)
	if cap(count) < groups {
		count = make([]int, groups)
	}
	count = count[:groups]
	clear(count)
	for i, g := range group {
		mean[g] += x[i]
		count[g]++
	}
	for g, n := range count {
		if n > 0 {
			mean[g] /= float64(n)
		}
	}
	return mean, count
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}
