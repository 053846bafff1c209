package sensitivity

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Base says where a Sobol design's base samples come from.
type Base int

const (
	// QuasiRandom takes base sample j from point j of a 2k-dimensional
	// Sobol' sequence (Joe and Kuo's 2008 direction numbers), scrambled by
	// a random linear matrix scramble and digital shift (Matoušek 1998):
	// A_j is its first k coordinates, B_j its last k. Use a power of two
	// for N: the first 2^m points are balanced, other counts less so.
	QuasiRandom Base = iota
	// PseudoRandom draws every coordinate of A_j and then of B_j from
	// rng.Float64, base sample after base sample: plain Monte Carlo,
	// whose bootstrap intervals are exact in the limit.
	PseudoRandom
)

// String returns "quasi-random" or "pseudo-random".
func (b Base) String() string {
	switch b {
	case QuasiRandom:
		return "quasi-random"
	case PseudoRandom:
		return "pseudo-random"
	}
	return fmt.Sprintf("Base(%d)", int(b))
}

// SobolOptions are the choices of a Sobol design. The zero value asks for a
// scrambled Sobol' sequence and first and total indices only.
type SobolOptions struct {
	Base        Base
	SecondOrder bool // add the runs B_A^i needed for the second-order indices
}

// Sobol is Saltelli's design for Sobol' indices (Saltelli 2002; Saltelli et
// al. 2010): N base samples, each a pair of points A_j and B_j in [0, 1]^k,
// and for each the runs A_j, then A_B^i for i = 1..k (A_j with factor i taken
// from B_j), then, with second order, B_A^i for i = 1..k (B_j with factor i
// from A_j), then B_j. Base sample j holds runs j(k+2) to j(k+2)+k+1, or
// j(2k+2) to j(2k+2)+2k+1 with second order: N(k+2) or N(2k+2) runs.
type Sobol struct {
	names  []string
	n      int
	second bool
	base   Base
	ab     []float64 // for each base sample, A_j then B_j: 2k values
}

// NewSobol draws a Sobol design of n base samples over the named factors.
// The same generator state gives the same design, bit for bit: the
// quasi-random base draws the scramble of each of the 2k dimensions in
// turn (64 rows of its matrix, then its shift, 65 Uint64 each), the
// pseudo-random base its 2kN coordinates.
func NewSobol(factors []string, n int, o SobolOptions, rng *rand.Rand) (*Sobol, error) {
	if err := checkNames(factors); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("a Sobol design needs a random generator")
	}
	if n < 1 {
		return nil, fmt.Errorf("%d base samples: want at least 1", n)
	}
	k := len(factors)
	d := &Sobol{names: append([]string(nil), factors...), n: n, second: o.SecondOrder, base: o.Base, ab: make([]float64, n*2*k)}
	switch o.Base {
	case QuasiRandom:
		if 2*k > maxSobolDim {
			return nil, fmt.Errorf("%d factors: the Sobol' sequence here has direction numbers for %d, enough for %d factors; use the pseudo-random base", k, maxSobolDim, maxSobolDim/2)
		}
		seq, err := newSequence(2*k, rng)
		if err != nil {
			return nil, err
		}
		for j := range n {
			if j > 0 {
				seq.next()
			}
			seq.point(d.ab[j*2*k : (j+1)*2*k])
		}
	case PseudoRandom:
		for i := range d.ab {
			d.ab[i] = rng.Float64()
		}
	default:
		return nil, fmt.Errorf("base %d: want QuasiRandom or PseudoRandom", int(o.Base))
	}
	return d, nil
}

// Factors returns the names of the factors, in order.
func (d *Sobol) Factors() []string { return append([]string(nil), d.names...) }

// Samples returns N, the number of base samples.
func (d *Sobol) Samples() int { return d.n }

// SecondOrder reports whether the design has the runs for second-order indices.
func (d *Sobol) SecondOrder() bool { return d.second }

// Base returns where the base samples come from.
func (d *Sobol) Base() Base { return d.base }

// group returns the number of runs per base sample: k+2, or 2k+2.
func (d *Sobol) group() int {
	if d.second {
		return 2*len(d.names) + 2
	}
	return len(d.names) + 2
}

// Len returns the number of runs, N(k+2) or N(2k+2).
func (d *Sobol) Len() int { return d.n * d.group() }

// Run returns run i, 0 ≤ i < Len(), with a fresh slice of factor values.
func (d *Sobol) Run(i int) Run {
	k, g := len(d.names), d.group()
	j, s := i/g, i%g
	a, b := d.ab[j*2*k:j*2*k+k], d.ab[j*2*k+k:(j+1)*2*k]
	x := make([]float64, k)
	switch {
	case s == g-1: // B_j
		copy(x, b)
	case s <= k: // A_j (s = 0), or A_B^i with i = s
		copy(x, a)
		if s > 0 {
			x[s-1] = b[s-1]
		}
	default: // B_A^i with i = s-k
		copy(x, b)
		x[s-k-1] = a[s-k-1]
	}
	return Run{Index: i, Group: j, Step: s, X: x}
}
