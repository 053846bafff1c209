package sensitivity

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// maxSobolDim is the number of dimensions the embedded direction numbers
// cover: dimension 1 and the 1000 lines of joeKuo.
const maxSobolDim = 1001

// sequence generates the points of a Sobol' sequence (Sobol' 1967, with
// Joe and Kuo's 2008 direction numbers) in Antonov and Saleev's gray-code
// order, each coordinate a 64-bit binary fraction. Scrambled, it applies to
// every dimension a random linear matrix scramble and a random digital shift
// (Matoušek 1998, the scrambling SciPy's qmc.Sobol applies by default): the
// points stay a (t, m, s)-net in base 2, each is uniform on [0, 1)^s, and
// different generators give independent randomisations.
type sequence struct {
	v [][64]uint64 // direction numbers v[d][i-1] = m_i / 2^i, as 64-bit fractions
	x []uint64     // the current point
	n uint64       // the index of the current point
}

// newSequence returns the generator of a dim-dimensional Sobol' sequence,
// scrambled with draws from rng unless rng is nil. Its first point is the
// one of index 0 (the origin, unscrambled).
func newSequence(dim int, rng *rand.Rand) (*sequence, error) {
	if dim < 1 || dim > maxSobolDim {
		return nil, fmt.Errorf("a Sobol' sequence of %d dimensions: want 1 to %d", dim, maxSobolDim)
	}
	s := &sequence{v: make([][64]uint64, dim), x: make([]uint64, dim)}
	for i := range 64 {
		s.v[0][i] = 1 << (63 - i)
	}
	lines := strings.SplitN(joeKuo, "\n", dim)
	for d := 1; d < dim; d++ {
		if err := directions(&s.v[d], lines[d-1]); err != nil {
			return nil, fmt.Errorf("direction numbers of dimension %d: %w", d+1, err)
		}
	}
	if rng == nil {
		return s, nil
	}
	for d := range s.v {
		var rows [64]uint64 // rows[r]: the bits that output digit r+1 adds up
		for r := range rows {
			pos := 63 - r
			rows[r] = rng.Uint64()&(^uint64(0)<<(pos+1)) | 1<<pos
		}
		for i, v := range s.v[d] {
			s.v[d][i] = scramble(&rows, v)
		}
		s.x[d] = rng.Uint64() // the digital shift: the first point
	}
	return s, nil
}

// scramble returns L v over GF(2), L the lower-triangular matrix whose row r
// (digit r+1, the most significant first) is rows[r].
func scramble(rows *[64]uint64, v uint64) uint64 {
	var out uint64
	for r, row := range rows {
		out |= uint64(bits.OnesCount64(row&v)&1) << (63 - r)
	}
	return out
}

// directions fills v from one line "d s a m_1 ... m_s" of joeKuo.
func directions(v *[64]uint64, line string) error {
	f := strings.Fields(line)
	if len(f) < 4 {
		return fmt.Errorf("line %q is too short", line)
	}
	nums := make([]uint64, len(f))
	for i, w := range f {
		n, err := strconv.ParseUint(w, 10, 64)
		if err != nil {
			return fmt.Errorf("line %q: %w", line, err)
		}
		nums[i] = n
	}
	s, a, m := int(nums[1]), nums[2], nums[3:]
	if s < 1 || len(m) != s {
		return fmt.Errorf("line %q: degree %d with %d initial numbers", line, s, len(m))
	}
	for i := range 64 {
		if i < s {
			v[i] = m[i] << (63 - i)
			continue
		}
		// m_i = 2 a_1 m_{i-1} ^ 4 a_2 m_{i-2} ^ ... ^ 2^s m_{i-s} ^ m_{i-s}
		x := v[i-s] ^ v[i-s]>>s
		for k := 1; k < s; k++ {
			if a>>(s-1-k)&1 == 1 {
				x ^= v[i-k]
			}
		}
		v[i] = x
	}
	return nil
}

// next moves to the following point.
func (s *sequence) next() {
	s.n++
	c := bits.TrailingZeros64(s.n)
	for d := range s.x {
		s.x[d] ^= s.v[d][c]
	}
}

// point writes the current point to dst as float64s in [0, 1): the 53 most
// significant bits of each coordinate.
func (s *sequence) point(dst []float64) {
	for d, x := range s.x {
		dst[d] = float64(x>>11) * 0x1p-53
	}
}
