package market

// knapsack is the exact 0-1 knapsack solver behind [Broker.Clear] and
// [Broker.MaxSurplus]. It keeps its buffers between solves, so that a solve
// whose sizes do not exceed an earlier one allocates nothing.
//
// Use: reset, add every candidate in ascending index order, then solve.
//
// The objective is lexicographic: first the total spread, then the total
// volume (larger under TieMaxVolume, smaller under TieStrict). The volume part
// is carried as a signed tie key t = +v or -v, so both rules maximise
// (spread, t). Among selections equal in both, the one whose set of indices,
// read as a binary number with bit i for candidate i, is smallest wins: going
// from the last candidate to the first, a candidate is left out whenever an
// equally good selection without it exists. That is what taking an item only
// when it is strictly better, and backtracking from the last item, gives.
type knapsack struct {
	capacity int
	tie      Tie

	items []item   // eligible candidates, ascending idx
	total int      // their total volume
	cells []cell   // cells[w]: best (spread, tie key) within capacity w
	bits  []uint64 // choice bits, one row of stride words per item
}

type item struct {
	idx    int     // the caller's index
	vol    int     // volume, divided by the gcd of all volumes during solve
	spread float64 // bid - ask (or value - cost)
}

type cell struct {
	s float64 // total spread
	t int     // tie key: +volume (TieMaxVolume) or -volume (TieStrict)
}

// reset starts a new problem with the given capacity (>= 0) and tie rule.
func (k *knapsack) reset(capacity int, tie Tie) {
	k.capacity = capacity
	k.tie = tie
	k.items = k.items[:0]
	k.total = 0
}

// add offers candidate idx with volume vol (>= 1) and spread s. Candidates that
// can never be part of the optimum the rule asks for are dropped here: a
// negative (or NaN) spread, a zero spread under TieStrict, and a volume larger
// than the capacity.
func (k *knapsack) add(idx, vol int, s float64) {
	eligible := s > 0 || (s == 0 && k.tie == TieMaxVolume)
	if !eligible || vol > k.capacity {
		return
	}
	k.items = append(k.items, item{idx: idx, vol: vol, spread: s})
	k.total += vol
}

// solve appends the indices of the optimal selection to dst in ascending
// order and returns the extended slice.
func (k *knapsack) solve(dst []int) []int {
	n := len(k.items)
	if n == 0 {
		return dst
	}
	// Every eligible candidate adds to the objective (spread > 0, or spread 0
	// and volume under TieMaxVolume), so if they all fit, all of them is the
	// unique optimum.
	if k.total <= k.capacity {
		for _, it := range k.items {
			dst = append(dst, it.idx)
		}
		return dst
	}

	// Divide volumes and capacity by the volumes' gcd: sum(v/g) <= C/g (floor)
	// exactly when sum(v) <= C, because sum(v/g) is an integer.
	g := 0
	for _, it := range k.items {
		g = gcd(g, it.vol)
	}
	W := k.capacity / g
	total := k.total / g
	if g > 1 {
		for i := range k.items {
			k.items[i].vol /= g
		}
	}
	sign := -1
	if k.tie == TieMaxVolume {
		sign = 1
	}

	stride := W>>6 + 1
	k.cells = grow(k.cells, W+1)
	k.bits = grow(k.bits, n*stride)
	cells := k.cells[:W+1]
	bits := k.bits[:n*stride]

	// cells holds row i of the table in place. Only the part that can still
	// matter is computed: capacities above the prefix volume P (all items so
	// far fit, so the value equals the one at P; filled in as P grows) and
	// below W - after (the items after i cannot bring the backtrack that low)
	// are skipped.
	cells[0] = cell{}
	P := 0
	after := total
	for i := range k.items {
		v := k.items[i].vol
		s := k.items[i].spread
		t := sign * v
		after -= v
		newP := min(W, P+v)
		for w := P + 1; w <= newP; w++ {
			cells[w] = cells[P]
		}
		P = newP
		lo := max(v, W-after)
		hi := P
		row := bits[i*stride : (i+1)*stride]
		if lo > hi {
			continue // bits of this row are never read
		}
		clear(row[lo>>6 : hi>>6+1])
		// Descending w so that cells[w-v] still holds row i-1.
		src := cells[lo-v : hi-v+1]
		dstc := cells[lo : hi+1]
		for j := len(dstc) - 1; j >= 0; j-- {
			cs := src[j].s + s
			ct := src[j].t + t
			d := &dstc[j]
			if cs > d.s || (cs == d.s && ct > d.t) {
				d.s, d.t = cs, ct
				w := lo + j
				row[w>>6] |= 1 << (w & 63)
			}
		}
	}

	// Backtrack from the last item. At item i the capacity is clamped to the
	// prefix volume P_i: above it everything fits and the decision is the same.
	start := len(dst)
	w := W
	prefix := total
	for i := n - 1; i >= 0; i-- {
		v := k.items[i].vol
		wc := min(w, prefix)
		prefix -= v
		w = wc
		if wc < v {
			continue
		}
		if bits[i*stride+wc>>6]&(1<<(wc&63)) != 0 {
			dst = append(dst, k.items[i].idx)
			w = wc - v
		}
	}
	sel := dst[start:]
	for a, b := 0, len(sel)-1; a < b; a, b = a+1, b-1 {
		sel[a], sel[b] = sel[b], sel[a]
	}
	return dst
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// grow returns s with length at least n, reusing its array when it can. The
// contents are not preserved.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}
