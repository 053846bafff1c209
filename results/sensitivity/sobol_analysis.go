package sensitivity

import (
	"errors"
	"math"
	"math/rand/v2"
)

// Analyze estimates, for each factor i, the first-order index S1 with
// Saltelli et al.'s (2010) estimator, mean_j f(B)_j (f(A_B^i)_j - f(A)_j) / V,
// and the total index ST with Jansen's (1999),
// mean_j (f(A)_j - f(A_B^i)_j)^2 / (2V), where V is the variance (divisor
// 2N) of the 2N outputs f(A) and f(B); with second order, S2 for each pair
// (i, l), mean_j (f(B_A^i)_j f(A_B^l)_j - f(A)_j f(B)_j) / V - S1_i - S1_l
// (Saltelli 2002, as SALib computes it). Outputs are first centred on
// their mean, which leaves the indices' meaning alone and lowers the
// estimators' variance, as SALib does. Intervals come from the bootstrap:
// base samples drawn with replacement, the same draws for every index.
//
// y holds the outputs by run index. A NaN output is a failed run: its whole
// base sample is left out (listed in Dropped) and every index rests on the
// others (N in each row); leaving out runs that fail for some inputs more
// than for others biases the indices, which Dropped lets the caller judge.
// When the outputs of A and B do not vary, as for a constant model, the
// indices are undefined: NaN values and intervals. It is an error that no
// base sample is complete.
func (d *Sobol) Analyze(y []float64, b Bootstrap, rng *rand.Rand) (*Indices, error) {
	if err := checkOutputs(y, d.Len()); err != nil {
		return nil, err
	}
	b, err := b.withDefaults()
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("a Sobol analysis needs a random generator for its bootstrap")
	}
	ix := &Indices{Factors: d.Factors(), Level: b.Level, Resamples: b.Resamples}
	g := d.group()
	var used []int
	for j := range d.n {
		complete := true
		for _, v := range y[j*g : (j+1)*g] {
			complete = complete && !math.IsNaN(v)
		}
		if complete {
			used = append(used, j)
		} else {
			ix.Dropped = append(ix.Dropped, j)
		}
	}
	if len(used) == 0 {
		return nil, errors.New("every base sample has a failed run: no index can be estimated")
	}
	e := newEstimator(d, y, used)
	all := make([]int, len(used))
	for j := range all {
		all[j] = j
	}
	values := e.estimate(all, nil)
	boot := make([][]float64, len(values)) // boot[index][resample]
	for i := range boot {
		boot[i] = make([]float64, b.Resamples)
	}
	draw := make([]int, len(used))
	est := make([]float64, len(values))
	for r := range b.Resamples {
		for j := range draw {
			draw[j] = rng.IntN(len(used))
		}
		e.estimate(draw, est)
		for i, v := range est {
			boot[i][r] = v
		}
	}
	n := len(used)
	row := func(i, f, other int, kind Kind) Index {
		low, high := interval(values[i], boot[i], n, b.Level)
		return Index{Factor: f, Other: other, Kind: kind, Value: values[i], Low: low, High: high, N: n}
	}
	k := len(d.names)
	for f := range k {
		ix.Rows = append(ix.Rows, row(f, f, -1, First), row(k+f, f, -1, Total))
	}
	if d.second {
		i := 2 * k
		for f := range k {
			for o := f + 1; o < k; o++ {
				ix.Rows = append(ix.Rows, row(i, f, o, Second))
				i++
			}
		}
	}
	return ix, nil
}

// estimator holds the centred outputs of the complete base samples by role.
type estimator struct {
	k      int
	second bool
	a, b   []float64   // f(A)_j, f(B)_j
	ab     [][]float64 // ab[i][j] = f(A_B^i)_j
	ba     [][]float64 // ba[i][j] = f(B_A^i)_j, with second order
}

func newEstimator(d *Sobol, y []float64, used []int) *estimator {
	k, g, n := len(d.names), d.group(), len(used)
	var centre float64
	for _, j := range used {
		for _, v := range y[j*g : (j+1)*g] {
			centre += v
		}
	}
	centre /= float64(n * g)
	e := &estimator{k: k, second: d.second, a: make([]float64, n), b: make([]float64, n), ab: make([][]float64, k)}
	for i := range e.ab {
		e.ab[i] = make([]float64, n)
	}
	if d.second {
		e.ba = make([][]float64, k)
		for i := range e.ba {
			e.ba[i] = make([]float64, n)
		}
	}
	for u, j := range used {
		runs := y[j*g : (j+1)*g]
		e.a[u], e.b[u] = runs[0]-centre, runs[g-1]-centre
		for i := range k {
			e.ab[i][u] = runs[1+i] - centre
			if d.second {
				e.ba[i][u] = runs[1+k+i] - centre
			}
		}
	}
	return e
}

// estimate returns S1 for each factor, then ST, then (with second order) S2
// for each pair in order, from the base samples listed in draw (positions
// among the complete ones, repeats allowed), into dst when it is long
// enough. Every index is NaN when V is zero.
func (e *estimator) estimate(draw []int, dst []float64) []float64 {
	k := e.k
	size := 2 * k
	if e.second {
		size += k * (k - 1) / 2
	}
	if len(dst) < size {
		dst = make([]float64, size)
	}
	dst = dst[:size]
	n := float64(len(draw))
	var sum float64
	for _, j := range draw {
		sum += e.a[j] + e.b[j]
	}
	m := sum / (2 * n)
	var v float64
	for _, j := range draw {
		v += (e.a[j]-m)*(e.a[j]-m) + (e.b[j]-m)*(e.b[j]-m)
	}
	v /= 2 * n
	if v == 0 {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return dst
	}
	for i := range k {
		ab := e.ab[i]
		var first, total float64
		for _, j := range draw {
			first += e.b[j] * (ab[j] - e.a[j])
			total += (e.a[j] - ab[j]) * (e.a[j] - ab[j])
		}
		dst[i] = first / n / v
		dst[k+i] = total / (2 * n) / v
	}
	if e.second {
		p := 2 * k
		for i := range k {
			for l := i + 1; l < k; l++ {
				var s float64
				for _, j := range draw {
					s += e.ba[i][j]*e.ab[l][j] - e.a[j]*e.b[j]
				}
				dst[p] = s/n/v - dst[i] - dst[l]
				p++
			}
		}
	}
	return dst
}
