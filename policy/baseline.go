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
	bl.fit(&decisions{dim: b.Dim(), ret: b.Return, group: b.Group, action: b.Action}, compat)
}

// fit is Fit over the update's decisions, in their order.
func (bl *Baseline) fit(d *decisions, compat bool) {
	bl.Mean, bl.Count = groupMeans(d.group, d.ret, d.order, bl.Mean, bl.Count)
	bl.Scale = resize(bl.Scale, len(bl.Mean))
	for k := range d.len() {
		i := d.row(k)
		g := d.group[i]
		x := d.ret[i] - bl.Mean[g]
		bl.Scale[g] += x * x
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
// group with none) and their number, group[i] being decision i's group,
// summed in the order of the rows order lists (all, in order, when it is
// nil); it reuses the memory of mean and count.
func groupMeans(group []int, x []float64, order []int, mean []float64, count []int) ([]float64, []int) {
	d := decisions{ret: x, group: group, action: x, order: order}
	mean, count = mean[:0], count[:0] // grown to the largest group as they come: one pass
	for k := range d.len() {
		i := d.row(k)
		g := group[i]
		for g >= len(mean) {
			mean, count = append(mean, 0), append(count, 0)
		}
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
