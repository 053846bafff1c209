package market

import (
	"math"
	"slices"
)

// regretState holds the buffers of the incremental regret greedy
// ([assigner.regret]).
//
// Each unassigned job keeps its eligible carriers sorted by decreasing value
// (ties: lower carrier first) and two cursors on that list: the first and
// the second carrier that still have room for the job. They are its best
// carrier and its runner-up, exactly those of a scan in ascending order of
// carrier with strict comparisons. Room only shrinks during the greedy, so a
// carrier that no longer has room for a job never has again and the cursors
// only move forward: over the whole greedy they cost O(n m).
//
// A carrier's room shrinks when it receives a job; the jobs it loses are
// then those whose volume lies between its new and its old room. The jobs
// are kept sorted by decreasing volume with, per carrier, a cursor past the
// jobs too large for its room; moving it visits exactly the jobs the carrier
// loses, and only those whose best or runner-up it was change key.
//
// The unassigned jobs with a carrier left sit in a binary heap ordered by
// (regret descending, best value descending, job ascending): its top is the
// job the scan of the plain greedy picks.
type regretState struct {
	carriers    []int32   // carriers[j*m : j*m+count[j]]: job j's eligible carriers by decreasing value
	count       []int32   // number of eligible carriers of each job
	first       []int32   // cursor on the best carrier with room, as an index into job j's list
	second      []int32   // cursor on the runner-up with room, or count[j] if none
	best        []float64 // value at the best carrier with room
	regret      []float64 // best minus runner-up value (+Inf with one carrier left)
	heap        []int32   // jobs, a binary heap on (regret, best, -job)
	pos         []int32   // position of each job in heap, or -1
	byVol       []int32   // jobs by decreasing volume (ties: ascending job)
	tooBig      []int32   // tooBig[c]: byVol[:tooBig[c]] are jobs larger than carrier c's room
	perUnit     bool
	sorted      []int32        // the first sorted[j] of job j's list are in order
	sortPerUnit bool           // whether the lists are ordered by spread per unit
	keyed       []keyedCarrier // extend's scratch
	chosen      []bool         // extend's scratch, all false between calls
}

// value is what the regret greedy ranks job j's carrier c by: the spread,
// or the spread per unit of volume.
func (a *assigner) value(j, c int) float64 {
	f := a.spread[j*a.m+c]
	if a.rg.perUnit {
		f /= float64(a.vol[j])
	}
	return f
}

// regret is the greedy construction of Martello and Toth for the generalized
// assignment problem: repeatedly, among the unassigned jobs that fit some
// eligible carrier, take the one whose best carrier beats its second best by
// the most (a job with one carrier left first; ties: the larger best value,
// then the lower job), and give it to its best carrier (ties: the lower
// carrier). Carriers are ranked by spread, or by spread per unit if perUnit.
//
// The choices are those of rescanning every job at every step; the
// bookkeeping of [regretState] makes the whole greedy cost at most
// O(n m log m + (n + changes) log n) instead of O(n^2 m).
func (a *assigner) regret(perUnit bool) {
	a.sortCarriers(perUnit)
	a.greedy(perUnit)
}

// sortCarriers lists every job's eligible carriers, to be read in
// decreasing order of value, spread or spread per unit (ties: lower
// carrier), through carrierAt. With more than 8 carriers a list is sorted
// lazily: carrierAt selects the next best ones when it is read past its
// sorted part, in chunks that double, so that a job whose best carriers
// keep room costs O(m), not O(m log m).
func (a *assigner) sortCarriers(perUnit bool) {
	n, m := a.n, a.m
	g := &a.rg
	g.sortPerUnit = perUnit
	g.carriers = grow(g.carriers, n*m)
	g.count = grow(g.count, n)
	g.sorted = grow(g.sorted, n)
	for j := range n {
		list := g.carriers[j*m : j*m]
		for c := range m {
			if a.ok[j*m+c] {
				list = append(list, int32(c))
			}
		}
		g.count[j] = int32(len(list))
		g.sorted[j] = 0
		if len(list) <= 8 {
			a.extend(j, len(list)-1)
		}
	}
}

// carrierAt returns job j's p-th eligible carrier in decreasing order of
// value (p < count[j]).
func (a *assigner) carrierAt(j, p int) int32 {
	if p >= int(a.rg.sorted[j]) {
		a.extend(j, p)
	}
	return a.rg.carriers[j*a.m+p]
}

// extend sorts job j's list at least up to position p: it selects the best
// of the unsorted rest, at least 8 of them and at least as many as are
// sorted, in one pass that keeps them in a small sorted buffer, and moves
// them to the front of the rest.
func (a *assigner) extend(j, p int) {
	g := &a.rg
	count, done := int(g.count[j]), int(g.sorted[j])
	if p < done || done == count {
		return
	}
	list := g.carriers[j*a.m : j*a.m+count]
	want := min(count-done, max(p+1-done, 8, done))
	// g.keyed[:want] holds the best of the rest so far, best first.
	top := g.keyed[:0]
	for _, c := range list[done:] {
		f := a.spread[j*a.m+int(c)]
		if g.sortPerUnit {
			f /= float64(a.vol[j])
		}
		e := keyedCarrier{f, c}
		if len(top) == want && !e.before(top[want-1]) {
			continue
		}
		if len(top) < want {
			top = append(top, e)
		}
		i := len(top) - 1
		for i > 0 && e.before(top[i-1]) {
			top[i] = top[i-1]
			i--
		}
		top[i] = e
	}
	g.keyed = top
	// The rest: the chosen ones first, in order, then the others in the
	// order they had.
	g.chosen = grow(g.chosen, a.m)
	for _, e := range top {
		g.chosen[e.c] = true
	}
	rest := list[done:]
	w := len(rest) - 1
	for i := len(rest) - 1; i >= 0; i-- {
		if c := rest[i]; !g.chosen[c] {
			rest[w] = c // w >= i: the others after i number at most len-1-i
			w--
		}
	}
	for i, e := range top {
		rest[i] = e.c
		g.chosen[e.c] = false
	}
	g.sorted[j] = int32(done + want)
}

// greedy runs the regret greedy on the lists of sortCarriers, ranking
// carriers by spread per unit if perUnit, else by spread. The lists'
// order decides which of two carriers of equal value is best; the values
// decide the regrets.
func (a *assigner) greedy(perUnit bool) {
	n, m := a.n, a.m
	g := &a.rg
	g.perUnit = perUnit
	g.first = grow(g.first, n)
	g.second = grow(g.second, n)
	g.best = grow(g.best, n)
	g.regret = grow(g.regret, n)
	g.pos = grow(g.pos, n)
	g.heap = g.heap[:0]
	for j := range n {
		g.pos[j] = -1
		if a.cur[j] != -1 {
			continue
		}
		g.first[j], g.second[j] = 0, 0
		if a.refresh(j) {
			g.pos[j] = int32(len(g.heap))
			g.heap = append(g.heap, int32(j))
		}
	}
	for i := len(g.heap)/2 - 1; i >= 0; i-- {
		g.down(i)
	}

	g.byVol = grow(g.byVol, n)
	for j := range n {
		g.byVol[j] = int32(j)
	}
	slices.SortStableFunc(g.byVol, func(x, y int32) int { return a.vol[y] - a.vol[x] })
	g.tooBig = grow(g.tooBig, m)
	for c := range m {
		k := 0
		for k < n && a.vol[g.byVol[k]] > a.rem[c] {
			k++
		}
		g.tooBig[c] = int32(k)
	}

	for len(g.heap) > 0 {
		j := int(g.heap[0])
		c := int(g.carriers[j*m+int(g.first[j])])
		a.cur[j] = c
		a.rem[c] -= a.vol[j]
		g.remove(j)
		// The jobs carrier c no longer has room for.
		k := int(g.tooBig[c])
		for k < n && a.vol[g.byVol[k]] > a.rem[c] {
			x := int(g.byVol[k])
			k++
			if g.pos[x] < 0 || !a.ok[x*m+c] {
				continue
			}
			list := g.carriers[x*m : x*m+int(g.count[x])]
			if int(list[g.first[x]]) != c && (int(g.second[x]) == len(list) || int(list[g.second[x]]) != c) {
				continue // neither its best nor its runner-up: no change
			}
			if a.refresh(x) {
				g.fix(x)
			} else {
				g.remove(x)
			}
		}
		g.tooBig[c] = int32(k)
	}
}

type keyedCarrier struct {
	f float64
	c int32
}

// before reports whether e comes before x: larger value, ties lower carrier.
func (e keyedCarrier) before(x keyedCarrier) bool {
	return e.f > x.f || (e.f == x.f && e.c < x.c)
}

// refresh moves job j's cursors past the carriers without room for it and
// recomputes its best value and regret. It reports whether a carrier is
// left.
func (a *assigner) refresh(j int) bool {
	g := &a.rg
	m := a.m
	count := int(g.count[j])
	v := a.vol[j]
	p := int(g.first[j])
	for p < count && v > a.rem[a.carrierAt(j, p)] {
		p++
	}
	if p == count {
		return false
	}
	q := max(int(g.second[j]), p+1)
	for q < count && v > a.rem[a.carrierAt(j, q)] {
		q++
	}
	g.first[j], g.second[j] = int32(p), int32(q)
	f1, f2 := a.value(j, int(g.carriers[j*m+p])), math.Inf(-1)
	if q < count {
		f2 = a.value(j, int(g.carriers[j*m+q]))
	}
	g.best[j] = f1
	g.regret[j] = f1 - f2 // +Inf with one carrier left
	return true
}

// before reports whether job x comes before job y in the heap's order.
func (g *regretState) before(x, y int32) bool {
	rx, ry := g.regret[x], g.regret[y]
	if rx != ry {
		return rx > ry
	}
	if fx, fy := g.best[x], g.best[y]; fx != fy {
		return fx > fy
	}
	return x < y
}

func (g *regretState) up(i int) {
	h := g.heap
	x := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !g.before(x, h[p]) {
			break
		}
		h[i] = h[p]
		g.pos[h[i]] = int32(i)
		i = p
	}
	h[i] = x
	g.pos[x] = int32(i)
}

func (g *regretState) down(i int) {
	h := g.heap
	x := h[i]
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		if r := l + 1; r < len(h) && g.before(h[r], h[l]) {
			l = r
		}
		if !g.before(h[l], x) {
			break
		}
		h[i] = h[l]
		g.pos[h[i]] = int32(i)
		i = l
	}
	h[i] = x
	g.pos[x] = int32(i)
}

// fix restores the heap after job j's key changed.
func (g *regretState) fix(j int) {
	i := int(g.pos[j])
	g.up(i)
	g.down(int(g.pos[j]))
}

// remove takes job j out of the heap.
func (g *regretState) remove(j int) {
	i := int(g.pos[j])
	last := len(g.heap) - 1
	g.pos[j] = -1
	x := g.heap[last]
	g.heap = g.heap[:last]
	if i == last {
		return
	}
	g.heap[i] = x
	g.pos[x] = int32(i)
	g.up(i)
	g.down(int(g.pos[x]))
}
