package sensitivity

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The embedded table starts as the published file new-joe-kuo-6.21201 does
// (its lines for dimensions 2 to 9) and has one line for each dimension up
// to maxSobolDim, in order.
func TestDirectionTable(t *testing.T) {
	published := []string{
		"2 1 0 1", "3 2 1 1 3", "4 3 1 1 3 1", "5 3 2 1 1 1",
		"6 4 1 1 1 3 3", "7 4 4 1 3 5 13", "8 5 2 1 1 5 5 17", "9 5 4 1 1 5 5 5",
	}
	lines := strings.Split(strings.TrimSuffix(joeKuo, "\n"), "\n")
	for i, want := range published {
		if lines[i] != want {
			t.Errorf("line %d of the table is %q, the published file has %q", i+1, lines[i], want)
		}
	}
	if len(lines) != maxSobolDim-1 {
		t.Fatalf("the table has %d lines, want %d (dimensions 2 to %d)", len(lines), maxSobolDim-1, maxSobolDim)
	}
	for i, l := range lines {
		if d := strings.Fields(l)[0]; d != strconv.Itoa(i+2) {
			t.Errorf("line %d is for dimension %s, want %d", i+1, d, i+2)
		}
	}
}

// The unscrambled sequence is the one Boost computes from the same
// direction numbers. Reference: Boost 1.74's boost::random::sobol
// (Debian's libboost1.74-dev) in 1001 dimensions, which starts at our point
// 1 (it skips the origin): the FNV-1a hash of its first 256 points, each
// coordinate's 64 bits little-endian, dimension after dimension.
func TestSequenceMatchesBoost(t *testing.T) {
	s, err := newSequence(maxSobolDim, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	var buf [8]byte
	for range 256 {
		s.next()
		for _, x := range s.x {
			binary.LittleEndian.PutUint64(buf[:], x)
			h.Write(buf[:])
		}
	}
	if got, want := h.Sum64(), uint64(0xea94802de8967eaa); got != want {
		t.Errorf("hash of points 1 to 256 in %d dimensions is %#x, Boost's is %#x", maxSobolDim, got, want)
	}
	// The first points in three dimensions written out: dimension 1 is van
	// der Corput's sequence in gray-code order, dimensions 2 and 3 as Boost
	// gives them.
	want := [][]float64{{0, 0, 0}, {0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, {0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}}
	s, _ = newSequence(3, nil)
	p := make([]float64, 3)
	for i, w := range want {
		if i > 0 {
			s.next()
		}
		s.point(p)
		for d := range w {
			if p[d] != w[d] {
				t.Errorf("point %d is %v, want %v", i, p, w)
				break
			}
		}
	}
}

// Scrambling keeps the net property: the first 2^m points of each
// coordinate fall one in each interval [i/2^m, (i+1)/2^m), and those of
// dimensions 1 and 2 (a (0, m, 2)-net unscrambled) one in each box of area
// 2^-m, [a/2^u, (a+1)/2^u) x [b/2^(m-u), (b+1)/2^(m-u)), for every u. A
// scramble that broke the digits' triangular structure would fail this.
func TestScrambledSequenceIsANet(t *testing.T) {
	const m = 10
	for seed := range uint64(4) {
		s, err := newSequence(40, rand.New(rand.NewPCG(seed, 1)))
		if err != nil {
			t.Fatal(err)
		}
		pts := make([][]uint64, 1<<m)
		for i := range pts {
			if i > 0 {
				s.next()
			}
			pts[i] = append([]uint64(nil), s.x...)
		}
		for d := range 40 {
			seen := make([]bool, 1<<m)
			for i, p := range pts {
				cell := p[d] >> (64 - m)
				if seen[cell] {
					t.Fatalf("seed %d, dimension %d: point %d falls in interval %d, already taken", seed, d+1, i, cell)
				}
				seen[cell] = true
			}
		}
		for u := 0; u <= m; u++ {
			seen := make([]bool, 1<<m)
			for i, p := range pts {
				cell := p[0]>>(64-u)<<(m-u) | p[1]>>(64-(m-u)) // a shift by 64 gives 0
				if seen[cell] {
					t.Fatalf("seed %d, boxes 2^-%d x 2^-%d: point %d falls in a taken box", seed, u, m-u, i)
				}
				seen[cell] = true
			}
		}
	}
}

// Scrambles differ with the seed and repeat with it; unscrambled, the
// first point is the origin and scrambled it is not.
func TestScrambleFollowsSeed(t *testing.T) {
	first := func(seed uint64) []uint64 {
		s, err := newSequence(5, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		s.next()
		return append([]uint64(nil), s.x...)
	}
	a, b, c := first(1), first(1), first(2)
	for d := range a {
		if a[d] != b[d] {
			t.Fatalf("two sequences from seed 1 differ in dimension %d: %#x, %#x", d, a[d], b[d])
		}
	}
	same := 0
	for d := range a {
		if a[d] == c[d] {
			same++
		}
	}
	if same == len(a) {
		t.Errorf("seeds 1 and 2 give the same point %v", a)
	}
	if _, err := newSequence(maxSobolDim+1, nil); err == nil {
		t.Errorf("a sequence of %d dimensions was made; the table covers %d", maxSobolDim+1, maxSobolDim)
	}
}
