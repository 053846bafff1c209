package market

import (
	"slices"
)

const (
	// AssignLargePairs is the number of job-carrier pairs (jobs times
	// carriers) above which [Broker.Assign] and [Broker.AssignHeuristic]
	// switch to the near-linear heuristic for large markets. The presets stay
	// far below it: measured over full runs of every preset, at most 1,574
	// pairs (the efficient benchmark of an evaluation episode of balanced,
	// freight-driven or capacity-driven: 787 jobs, 2 carriers).
	AssignLargePairs = 1 << 14
	// AssignLargeCells is the number of jobs times the largest capacity above
	// which they switch too, whatever the number of pairs: each exact
	// knapsack of the small-market heuristic costs up to that many cells.
	// The presets reach at most 5.4 million (capacity-driven's benchmark:
	// 787 jobs, capacity 6,944), a twelfth of it.
	AssignLargeCells = 1 << 26
)

// largeRounds bounds the improvement cycles of the large-market heuristic.
// Measured on 40 instances just above AssignLargePairs, its mean shortfall
// against the four-start heuristic is 0.073 % with 2 cycles, 0.033 % with
// 3, 0.026 % with 4 and 0.024 % with 8; on a clearing of 3,000 jobs and 200
// carriers 8 cycles cost 1.5 times as much as 4.
const largeRounds = 4

// largeDPCells bounds the dynamic programme of one re-solve in the
// large-market heuristic (candidates times capacity); above it the re-solve
// fills the carrier greedily instead.
const largeDPCells = 1 << 16

// isLarge reports whether the loaded instance is one for the large-market
// heuristic.
func (a *assigner) isLarge() bool {
	if a.n*a.m > AssignLargePairs {
		return true
	}
	c := 0
	for _, k := range a.capacity {
		c = max(c, k)
	}
	return a.n > AssignLargeCells/max(c, 1)
}

// largeState holds the buffers of the large-market heuristic.
type largeState struct {
	own   []int     // the carrier's own jobs, ascending
	heap  []int     // outside candidates kept, a min-heap on density
	gain  []float64 // what each job is worth to the carrier being re-solved
	vol   []int     // the jobs' volumes
	merge []int

	start []int // start[c]..start[c+1]: carrier c's jobs in jobs
	jobs  []int // shipped jobs grouped by carrier
	at    []int // position of each shipped job in jobs
}

// largeHeuristic is the heuristic for large markets: the regret greedy, by
// spread per unit and then by spread, each improved by at most largeRounds
// cycles of bounded re-solves of every carrier ([Broker.resolve]) and a pass
// of swaps ([assigner.swapLarge]); the better is kept (ties: the first).
// Each cycle reads every job-carrier pair once or twice; the sorting of the
// carriers costs at most n m log m and usually O(n m). Its time grows in
// proportion to the pairs (BenchmarkAssignScale).
func (b *Broker) largeHeuristic() {
	a := &b.as
	a.hBest = grow(a.hBest, a.n)
	a.curS = grow(a.curS, a.n)
	a.lg.gain = grow(a.lg.gain, a.n)
	a.lg.vol = a.vol
	// One order of each job's carriers, by spread, serves both greedy
	// constructions and the swaps.
	a.sortCarriers(false)
	var bestS float64
	var bestT int
	for start := range 2 {
		for j := range a.n {
			a.cur[j] = -1
		}
		copy(a.rem, a.capacity)
		a.greedy(start == 0)
		for j, c := range a.cur[:a.n] {
			if c >= 0 {
				a.curS[j] = a.spread[j*a.m+c]
			}
		}
		for range largeRounds {
			changed := false
			for c := range a.m {
				if b.resolve(c) {
					changed = true
				}
			}
			if a.swapLarge() {
				changed = true
			}
			if !changed {
				break
			}
		}
		if s, t := a.total(); start == 0 || s > bestS || (s == bestS && t > bestT) {
			bestS, bestT = s, t
			copy(a.hBest, a.cur[:a.n])
		}
	}
	copy(a.cur, a.hBest[:a.n])
	a.resetRem()
	a.lg.vol = nil
}

// resolve re-optimises carrier c as knapsackFor(c, true) does, on fewer
// candidates: c's own jobs and, of the others (unassigned jobs worth their
// spread at c, jobs at other carriers worth their positive gain), the
// 2*own+16 of largest worth per unit of volume (ties: lower job). When the
// candidates times c's capacity exceed largeDPCells, the knapsack is filled
// greedily by worth per unit instead of exactly. It reports whether the
// result was applied.
func (b *Broker) resolve(c int) bool {
	a := &b.as
	l := &a.lg
	asks := a.asks[c]
	capacity := a.capacity[c]
	maxVolume := b.Tie == TieMaxVolume
	l.own = l.own[:0]
	for j, k := range a.cur[:a.n] {
		if k == c {
			l.own = append(l.own, j)
		}
	}
	limit := 2*len(l.own) + 16
	l.heap = l.heap[:0]
	oldS, oldV := 0.0, 0
	for j, k := range a.cur[:a.n] {
		s := a.bids[j] - asks[j] // spread[j*m+c]
		if k == c {
			oldS += s
			oldV += a.vol[j]
			l.gain[j] = s
			continue
		}
		if a.vol[j] > capacity || !(s > 0 || (s == 0 && maxVolume)) {
			continue // not eligible at c
		}
		if k >= 0 {
			s -= a.curS[j]
			if !(s > 0) {
				continue
			}
		}
		l.gain[j] = s
		if len(l.heap) < limit {
			l.heap = append(l.heap, j)
			l.up(len(l.heap) - 1)
		} else if t := l.heap[0]; s*float64(a.vol[t]) > l.gain[t]*float64(a.vol[j]) {
			l.heap[0] = j
			l.down(0)
		}
	}
	slices.Sort(l.heap)
	// Merge own and kept candidates in ascending order of job.
	l.merge = l.merge[:0]
	x, y := 0, 0
	for x < len(l.own) || y < len(l.heap) {
		if y == len(l.heap) || (x < len(l.own) && l.own[x] < l.heap[y]) {
			l.merge = append(l.merge, l.own[x])
			x++
		} else {
			l.merge = append(l.merge, l.heap[y])
			y++
		}
	}
	if len(l.merge)*capacity <= largeDPCells {
		b.ks.reset(capacity, b.Tie)
		for _, j := range l.merge {
			b.ks.add(j, a.vol[j], l.gain[j])
		}
		a.sel = b.ks.solve(a.sel[:0])
	} else {
		a.sel = l.greedy(a, c, b.Tie)
	}
	if !a.apply(c, true, oldS, oldV) {
		return false
	}
	for _, j := range a.sel {
		a.curS[j] = a.bids[j] - asks[j]
	}
	return true
}

// greedy fills carrier c with the candidates of l.merge by decreasing worth
// per unit (ties: lower job), skipping those that no longer fit, and
// returns the selection in ascending order of job in a.sel.
func (l *largeState) greedy(a *assigner, c int, tie Tie) []int {
	slices.SortFunc(l.merge, func(x, y int) int {
		if l.denser(x, y) {
			return -1
		}
		return 1
	})
	sel := a.sel[:0]
	room := a.capacity[c]
	for _, j := range l.merge {
		g := l.gain[j]
		if a.vol[j] <= room && (g > 0 || (g == 0 && tie == TieMaxVolume)) {
			sel = append(sel, j)
			room -= a.vol[j]
		}
	}
	slices.Sort(sel)
	return sel
}

// denser reports whether job x is worth more per unit than job y, ties by
// lower job.
func (l *largeState) denser(x, y int) bool {
	lx, ly := l.gain[x]*float64(l.vol[y]), l.gain[y]*float64(l.vol[x])
	return lx > ly || (lx == ly && x < y)
}

// up and down keep l.heap a min-heap: its top is the least dense kept.
func (l *largeState) up(i int) {
	h := l.heap
	for i > 0 {
		p := (i - 1) / 2
		if !l.denser(h[p], h[i]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (l *largeState) down(i int) {
	h := l.heap
	for {
		s := 2*i + 1
		if s >= len(h) {
			return
		}
		if r := s + 1; r < len(h) && l.denser(h[s], h[r]) {
			s = r
		}
		if !l.denser(h[i], h[s]) {
			return
		}
		h[i], h[s] = h[s], h[i]
		i = s
	}
}

// swapChecks bounds the partners swapLarge examines for one job.
const swapChecks = 256

// swapLarge does one pass of improving swaps for large markets: for each
// shipped job j, in ascending order, the carriers d where j is worth more
// than at its own carrier c are searched, best first, for a job k of d that
// can take j's place at c (both eligible, both fit); j trades places with
// the k of largest gain at the first d where the total spread rises. The
// search of one job stops after swapChecks partners, so a pass costs
// O(n swapChecks) at most. It reports whether it changed anything.
func (a *assigner) swapLarge() bool {
	n, m := a.n, a.m
	l := &a.lg
	l.start = grow(l.start, m+1)
	l.at = grow(l.at, n)
	clear(l.start)
	for _, c := range a.cur[:n] {
		if c >= 0 {
			l.start[c+1]++
		}
	}
	for c := range m {
		l.start[c+1] += l.start[c]
	}
	l.jobs = grow(l.jobs, l.start[m])
	fill := l.merge[:0]
	fill = append(fill, l.start[:m]...)
	for j, c := range a.cur[:n] {
		if c >= 0 {
			l.at[j] = fill[c]
			l.jobs[fill[c]] = j
			fill[c]++
		}
	}
	l.merge = fill
	g := &a.rg
	changed := false
	for j := range n {
		c := a.cur[j]
		if c < 0 {
			continue
		}
		sjc := a.spread[j*m+c]
		checks := 0
		for i := range int(g.count[j]) {
			d := int(a.carrierAt(j, i))
			sjd := a.spread[j*m+d]
			if d == c || checks >= swapChecks || !(sjd > sjc) {
				break
			}
			checks += l.start[d+1] - l.start[d]
			lo, hi := a.vol[j]-a.rem[d], a.vol[j]+a.rem[c] // the volumes k may have
			bestK, bestG := -1, 0.0
			for _, k := range l.jobs[l.start[d]:l.start[d+1]] {
				if v := a.vol[k]; v < lo || v > hi || !a.ok[k*m+c] {
					continue
				}
				if in, out := sjd+a.spread[k*m+c], sjc+a.spread[k*m+d]; in > out && (bestK < 0 || in-out > bestG) {
					bestK, bestG = k, in-out
				}
			}
			if bestK < 0 {
				continue
			}
			k := bestK
			dv := a.vol[j] - a.vol[k]
			a.cur[j], a.cur[k] = d, c
			a.curS[j], a.curS[k] = sjd, a.spread[k*m+c]
			a.rem[c] += dv
			a.rem[d] -= dv
			l.jobs[l.at[j]], l.jobs[l.at[k]] = k, j
			l.at[j], l.at[k] = l.at[k], l.at[j]
			changed = true
			break
		}
	}
	return changed
}
