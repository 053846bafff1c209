package chart

import (
	"math/bits"
	"slices"
)

// The deflate stream (RFC 1951) of encodePNG: lz77's tokens in one final
// block with dynamic Huffman codes.

// deflate writes e.toks as one final deflate block of dynamic Huffman codes.
func (e *pngEncoder) deflate() {
	var litFreq [286]int32
	var distFreq [30]int32
	for _, t := range e.toks {
		if t&matchFlag == 0 {
			litFreq[t]++
			continue
		}
		sym, _, _ := lengthCode(int(t >> 16 & 0xff))
		litFreq[sym]++
		dc, _, _ := distCode(int(t & 0xffff))
		distFreq[dc]++
	}
	litFreq[256] = 1 // end of block
	var litLen [286]uint8
	var distLen [30]uint8
	huffLengths(litFreq[:], 15, litLen[:])
	huffLengths(distFreq[:], 15, distLen[:])
	nlit := max(257, lastNonZero(litLen[:])+1)
	ndist := max(1, lastNonZero(distLen[:])+1)

	// The code lengths, run-length coded with the symbols 16 (repeat the
	// last length 3 to 6 times), 17 (3 to 10 zeros) and 18 (11 to 138
	// zeros), each with its extra bits in the upper byte.
	seq := append(append(make([]uint8, 0, nlit+ndist), litLen[:nlit]...), distLen[:ndist]...)
	var clSyms []uint16
	for i := 0; i < len(seq); {
		v, n := seq[i], 1
		for i+n < len(seq) && seq[i+n] == v {
			n++
		}
		i += n
		if v == 0 {
			for ; n >= 11; n -= min(n, 138) {
				clSyms = append(clSyms, 18|uint16(min(n, 138)-11)<<8)
			}
			if n >= 3 {
				clSyms = append(clSyms, 17|uint16(n-3)<<8)
				n = 0
			}
		} else {
			clSyms = append(clSyms, uint16(v))
			n--
			for ; n >= 3; n -= min(n, 6) {
				clSyms = append(clSyms, 16|uint16(min(n, 6)-3)<<8)
			}
		}
		for ; n > 0; n-- {
			clSyms = append(clSyms, uint16(v))
		}
	}
	var clFreq [19]int32
	for _, s := range clSyms {
		clFreq[s&0xff]++
	}
	var clLen [19]uint8
	huffLengths(clFreq[:], 7, clLen[:])
	order := [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	ncl := 4
	for i, s := range order {
		if clLen[s] > 0 {
			ncl = max(ncl, i+1)
		}
	}

	w := &e.bw
	w.write(1|2<<1, 3) // final block, dynamic Huffman codes
	w.write(uint64(nlit-257), 5)
	w.write(uint64(ndist-1), 5)
	w.write(uint64(ncl-4), 4)
	for _, s := range order[:ncl] {
		w.write(uint64(clLen[s]), 3)
	}
	var clCode [19]uint16
	huffCodes(clLen[:], clCode[:])
	extra := [19]uint{16: 2, 17: 3, 18: 7}
	for _, s := range clSyms {
		sym := s & 0xff
		w.write(uint64(clCode[sym]), uint(clLen[sym]))
		w.write(uint64(s>>8), extra[sym])
	}

	var litCode [286]uint16
	var dCode [30]uint16
	huffCodes(litLen[:], litCode[:])
	huffCodes(distLen[:], dCode[:])
	for _, t := range e.toks {
		if t&matchFlag == 0 {
			w.write(uint64(litCode[t]), uint(litLen[t]))
			continue
		}
		sym, nb, ex := lengthCode(int(t >> 16 & 0xff))
		w.write(uint64(litCode[sym])|uint64(ex)<<litLen[sym], uint(litLen[sym])+nb)
		dc, nb, ex := distCode(int(t & 0xffff))
		w.write(uint64(dCode[dc])|uint64(ex)<<distLen[dc], uint(distLen[dc])+nb)
	}
	w.write(uint64(litCode[256]), uint(litLen[256]))
}

// lengthCode returns the symbol of a match of length l+3 (3 to 258 bytes),
// and the number and value of its extra bits.
func lengthCode(l int) (sym int, nbits uint, extra int) {
	switch {
	case l == 255:
		return 285, 0, 0
	case l < 8:
		return 257 + l, 0, 0
	}
	n := bits.Len(uint(l)) - 1 // 3 to 7
	return 257 + 4*(n-1) + (l>>(n-2))&3, uint(n - 2), l & (1<<(n-2) - 1)
}

// distCode returns the code of a distance d (1 to 32768), and the number
// and value of its extra bits.
func distCode(d int) (code int, nbits uint, extra int) {
	v := d - 1
	if v < 4 {
		return v, 0, 0
	}
	n := bits.Len(uint(v)) - 1 // 2 to 14
	return 2*n + (v>>(n-1))&1, uint(n - 1), v & (1<<(n-1) - 1)
}

func lastNonZero(l []uint8) int {
	for i := len(l) - 1; i >= 0; i-- {
		if l[i] != 0 {
			return i
		}
	}
	return -1
}

// huffLengths sets lengths to the code lengths of a Huffman code for freq,
// none longer than limit: the frequencies are halved until the code fits.
// Fewer than two used symbols get company (symbols 0 and 1), so that the
// code is complete, as every decoder accepts. Ties break by symbol, so
// the lengths depend only on freq.
func huffLengths(freq []int32, limit int, lengths []uint8) {
	f := slices.Clone(freq)
	used := 0
	for _, x := range f {
		if x > 0 {
			used++
		}
	}
	for i := 0; used < 2; i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	type node struct {
		freq   int64
		parent int
	}
	for {
		var syms []int
		for s, x := range f {
			if x > 0 {
				syms = append(syms, s)
			}
		}
		slices.SortStableFunc(syms, func(a, b int) int { return int(f[a] - f[b]) })
		// Two queues: the leaves in order of frequency, and the inner
		// nodes, made in order of frequency.
		nodes := make([]node, 0, 2*len(syms))
		for _, s := range syms {
			nodes = append(nodes, node{freq: int64(f[s]), parent: -1})
		}
		leaf, inner := 0, len(syms)
		pick := func() int {
			if leaf < len(syms) && (inner >= len(nodes) || nodes[leaf].freq <= nodes[inner].freq) {
				leaf++
				return leaf - 1
			}
			inner++
			return inner - 1
		}
		for len(nodes) < 2*len(syms)-1 {
			a := pick()
			b := pick()
			nodes = append(nodes, node{freq: nodes[a].freq + nodes[b].freq, parent: -1})
			nodes[a].parent, nodes[b].parent = len(nodes)-1, len(nodes)-1
		}
		depth := make([]int, len(nodes))
		longest := 0
		for i := len(nodes) - 2; i >= 0; i-- {
			depth[i] = depth[nodes[i].parent] + 1
			longest = max(longest, depth[i])
		}
		if longest <= limit {
			clear(lengths)
			for i, s := range syms {
				lengths[s] = uint8(depth[i])
			}
			return
		}
		for i := range f {
			if f[i] > 0 {
				f[i] = (f[i] + 1) / 2
			}
		}
	}
}

// huffCodes sets codes to the canonical Huffman codes of lengths (RFC
// 1951, 3.2.2), bit-reversed, as deflate writes them from the lowest bit.
func huffCodes(lengths []uint8, codes []uint16) {
	var count, next [16]uint16
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	code := uint16(0)
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lengths {
		if l > 0 {
			codes[s] = bits.Reverse16(next[l]) >> (16 - l)
			next[l]++
		}
	}
}

// bitWriter collects bits from the lowest, as deflate orders them.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) reset() { w.buf, w.acc, w.n = w.buf[:0], 0, 0 }

// write appends the n lowest bits of v (n at most 32).
func (w *bitWriter) write(v uint64, n uint) {
	w.acc |= v << w.n
	w.n += n
	if w.n >= 32 {
		w.buf = append(w.buf, byte(w.acc), byte(w.acc>>8), byte(w.acc>>16), byte(w.acc>>24))
		w.acc >>= 32
		w.n -= 32
	}
}

// flush writes the bits left, padded with zeros to a whole byte.
func (w *bitWriter) flush() {
	for w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= min(w.n, 8)
	}
}

// bytes appends whole bytes; the writer must be at a byte boundary.
func (w *bitWriter) bytes(b ...byte) { w.buf = append(w.buf, b...) }
