package sensitivity

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
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
	values := e.estimate(nil, nil)
	boot := make([][]float64, len(values)) // boot[index][resample]
	for i := range boot {
		boot[i] = make([]float64, b.Resamples)
	}
	w := make([]float64, len(used))
	est := make([]float64, len(values))
	for r := range b.Resamples {
		resample(w, rng)
		e.estimate(w, est)
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

// estimator holds, for the complete base samples, the centred outputs and
// the terms whose means make up the indices, so that each bootstrap
// resample is a handful of dot products with its weights.
type estimator struct {
	k      int
	second bool
	sum    []float64   // f(A)_j + f(B)_j
	sq     []float64   // f(A)_j² + f(B)_j²
	first  [][]float64 // first[i][j] = f(B)_j (f(A_B^i)_j - f(A)_j)
	total  [][]float64 // total[i][j] = (f(A)_j - f(A_B^i)_j)²
	ab     [][]float64 // second order: ab[i][j] = f(A_B^i)_j
	ba     [][]float64 // second order: ba[i][j] = f(B_A^i)_j
	prod   []float64   // second order: f(A)_j f(B)_j
	wba    []float64   // second order: scratch for weights times ba[i]
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
	matrix := func() [][]float64 {
		m := make([][]float64, k)
		for i := range m {
			m[i] = make([]float64, n)
		}
		return m
	}
	e := &estimator{k: k, second: d.second, sum: make([]float64, n), sq: make([]float64, n), first: matrix(), total: matrix()}
	if d.second {
		e.ab, e.ba, e.prod, e.wba = matrix(), matrix(), make([]float64, n), make([]float64, n)
	}
	for u, j := range used {
		runs := y[j*g : (j+1)*g]
		a, b := runs[0]-centre, runs[g-1]-centre
		e.sum[u], e.sq[u] = a+b, a*a+b*b
		for i := range k {
			ab := runs[1+i] - centre
			e.first[i][u] = b * (ab - a)
			e.total[i][u] = (a - ab) * (a - ab)
			if d.second {
				e.ab[i][u], e.ba[i][u] = ab, runs[1+k+i]-centre
			}
		}
		if d.second {
			e.prod[u] = a * b
		}
	}
	return e
}

// resample sets w to the number of times each base sample is drawn in n
// draws with replacement, n = len(w).
func resample(w []float64, rng *rand.Rand) {
	clear(w)
	for range w {
		w[rng.IntN(len(w))]++
	}
}

// estimate returns S1 for each factor, then ST, then (with second order) S2
// for each pair in order, each base sample weighted by w (nil: weight 1),
// into dst when it is long enough. Every index is NaN when V is zero.
func (e *estimator) estimate(w, dst []float64) []float64 {
	k := e.k
	size := 2 * k
	if e.second {
		size += k * (k - 1) / 2
	}
	if len(dst) < size {
		dst = make([]float64, size)
	}
	dst = dst[:size]
	n := float64(len(e.sum))
	dot := func(x []float64) float64 {
		if w == nil {
			return floats.Sum(x)
		}
		return floats.Dot(w, x)
	}
	m := dot(e.sum) / (2 * n)
	v := dot(e.sq)/(2*n) - m*m
	if v <= 0 {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return dst
	}
	for i := range k {
		dst[i] = dot(e.first[i]) / n / v
		dst[k+i] = dot(e.total[i]) / (2 * n) / v
	}
	if e.second {
		ab := dot(e.prod)
		p := 2 * k
		for i := range k {
			wba := e.ba[i]
			if w != nil {
				floats.MulTo(e.wba, w, e.ba[i])
				wba = e.wba
			}
			for l := i + 1; l < k; l++ {
				dst[p] = (floats.Dot(wba, e.ab[l])-ab)/n/v - dst[i] - dst[l]
				p++
			}
		}
	}
	return dst
}
