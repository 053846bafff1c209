package market

// This file keeps the assignment code as it was before the near-linear
// rewrite (commit 8c0109a, market/assign.go and market/knapsack.go), renamed,
// so that tests can check that the rewrite returns exactly the same
// assignments. It is not used outside tests.

import (
	"fmt"
	"math"
	"slices"
)

// refBroker is the Broker of commit 8c0109a, reduced to what Assign uses.
type refBroker struct {
	Tie   Tie
	Price PriceRule

	// Budget, if set, replaces the node budget of Assign's search (the one
	// change made to the copy, so that it can follow the budget that now
	// shrinks with the number of carriers).
	Budget func(m int) int

	ks        refKnapsack
	as        refAssigner
	asPay     []float64
	asReceive []float64
	asLoad    []int
}

const (
	refExactJobs  = 24
	refExactNodes = 100_000
)

func (b *refBroker) Assign(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("Assign", bids, asks, volumes, capacities, refAuto)
}

func (b *refBroker) AssignExact(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("AssignExact", bids, asks, volumes, capacities, refExact)
}

func (b *refBroker) AssignHeuristic(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("AssignHeuristic", bids, asks, volumes, capacities, refHeuristic)
}

// Validate is Broker.Validate.
func (b *refBroker) Validate() error { return (&Broker{Tie: b.Tie, Price: b.Price}).Validate() }

type refMode int

const (
	refAuto refMode = iota
	refExact
	refHeuristic
)

// refRounds bounds the improvement cycles of the heuristic. Each step
// that changes anything raises the objective strictly, so this only guards
// against cycling through rounding; on the benchmarks a handful are used.
const refRounds = 50

// refAssigner holds the state and buffers of one assignment problem.
type refAssigner struct {
	n, m     int
	sign     int       // +1 under TieMaxVolume, -1 under TieStrict: the tie key is sign*volume
	spread   []float64 // spread[j*m+c] = bids[j] - asks[c][j]
	ok       []bool    // ok[j*m+c]: the pair is eligible and the job fits the carrier's capacity
	vol      []int
	capacity []int
	rem      []int // remaining capacity per carrier
	cur      []int // carrier of each job, or -1
	byCap    []int // carriers in the order of a sequential construction
	hBest    []int // the best assignment of the heuristic so far
	shipped  []int // the assigned jobs, for swap
	sel      []int // refKnapsack selection

	// branch and bound
	order      []int     // jobs with an eligible carrier, by decreasing best spread per unit
	cands      []int     // cands[q*m:q*m+ncand[q]]: eligible carriers of order[q], by decreasing spread
	ncand      []int     // number of eligible carriers of order[q]
	maxS       []float64 // best eligible spread of each job
	best       []int     // incumbent
	bestS      float64
	bestT      int
	tol        float64
	posOf      []int // position of each job in order
	byCarrier  []int // each carrier's eligible jobs by decreasing spread per unit,
	carrierEnd []int // carrier c's in byCarrier[carrierEnd[c-1]:carrierEnd[c]]
	freeCap    int   // sum of rem
	nodes      int
	budget     int // 0: none
	aborted    bool
}

// load validates an instance and sets up b.as for it: spreads, eligibility,
// every job unassigned and every carrier empty.
func (b *refBroker) load(name string, bids []float64, asks [][]float64, volumes []int, capacities []int) {
	if err := b.Validate(); err != nil {
		panic(fmt.Sprintf("market: Broker.%s: %v", name, err))
	}
	n, m := len(bids), len(capacities)
	if len(volumes) != n || len(asks) != m {
		panic(fmt.Sprintf("market: Broker.%s with %d bids, %d volumes, %d rows of asks and %d capacities",
			name, n, len(volumes), len(asks), m))
	}
	for c, k := range capacities {
		if k < 0 {
			panic(fmt.Sprintf("market: Broker.%s: carrier %d has capacity %d, want >= 0", name, c, k))
		}
		if len(asks[c]) != n {
			panic(fmt.Sprintf("market: Broker.%s: carrier %d has %d asks for %d jobs", name, c, len(asks[c]), n))
		}
	}
	a := &b.as
	a.n, a.m = n, m
	a.sign = -1
	if b.Tie == TieMaxVolume {
		a.sign = 1
	}
	a.spread = grow(a.spread, n*m)
	a.ok = grow(a.ok, n*m)
	a.cur = grow(a.cur, n)
	a.rem = grow(a.rem, m)
	a.vol = volumes
	a.capacity = capacities
	copy(a.rem, capacities)
	for j, bid := range bids {
		switch {
		case volumes[j] < 1:
			panic(fmt.Sprintf("market: Broker.%s: job %d has volume %d, want >= 1", name, j, volumes[j]))
		case math.IsNaN(bid) || math.IsInf(bid, 0):
			panic(fmt.Sprintf("market: Broker.%s: job %d has bid %v, want a finite number", name, j, bid))
		}
		a.cur[j] = -1
		for c := range m {
			ask := asks[c][j]
			if math.IsNaN(ask) || math.IsInf(ask, 0) {
				panic(fmt.Sprintf("market: Broker.%s: carrier %d has ask %v for job %d, want a finite number", name, c, ask, j))
			}
			s := bid - ask
			a.spread[j*m+c] = s
			a.ok[j*m+c] = (s > 0 || (s == 0 && b.Tie == TieMaxVolume)) && volumes[j] <= capacities[c]
		}
	}
}

func (b *refBroker) assign(name string, bids []float64, asks [][]float64, volumes []int, capacities []int, mode refMode) Assignment {
	b.load(name, bids, asks, volumes, capacities)
	a := &b.as
	m := a.m

	exact := false
	switch {
	case m == 1:
		b.knapsackFor(0, false)
		exact = true
	case a.bestFits():
		exact = true
	default:
		b.heuristic()
		if mode == refExact || (mode == refAuto && a.eligibleJobs() <= refExactJobs) {
			a.budget = 0
			if mode == refAuto {
				a.budget = refExactNodes
				if b.Budget != nil {
					a.budget = b.Budget(m)
				}
			}
			exact = a.branchAndBound()
		}
	}
	r := b.price(bids, asks, exact)
	a.vol, a.capacity = nil, nil // do not keep the caller's slices alive
	return r
}

// bestFits puts every job at its best eligible carrier (largest spread, ties:
// lower index) and reports whether that respects every capacity, in which
// case it is optimal: it reaches the largest spread of every job and the
// largest (TieMaxVolume) or only possible (TieStrict) volume. Otherwise it
// leaves every job unassigned.
func (a *refAssigner) bestFits() bool {
	fits := true
	for j := range a.n {
		best := -1
		for c := range a.m {
			if a.ok[j*a.m+c] && (best < 0 || a.spread[j*a.m+c] > a.spread[j*a.m+best]) {
				best = c
			}
		}
		a.cur[j] = best
		if best >= 0 {
			a.rem[best] -= a.vol[j]
			fits = fits && a.rem[best] >= 0
		}
	}
	if !fits {
		for j := range a.n {
			a.cur[j] = -1
		}
		copy(a.rem, a.capacity)
	}
	return fits
}

func (a *refAssigner) eligibleJobs() int {
	k := 0
	for j := range a.n {
		if slices.Contains(a.ok[j*a.m:(j+1)*a.m], true) {
			k++
		}
	}
	return k
}

// knapsackFor solves carrier c's refKnapsack exactly, with the broker's solver.
//
// With improve false, it does so on the unassigned jobs and assigns the
// selection to c: a step of the sequential construction.
//
// With improve true, it re-optimises c against the current assignment: the
// candidates are c's own jobs and the unassigned ones, worth their spread at
// c, and the jobs at other carriers that c may take, worth their gain
// s_jc - s_j,cur(j) when that is positive (taking such a job frees its
// volume at its carrier). The selection's total is then exactly the new total
// spread minus the old one plus c's old spread, so the selection is applied
// when it raises the total spread, or keeps it and moves the volume the tie
// rule's way; it reports whether it was applied. This one step covers moving
// a job to a carrier where it is worth more, also when jobs of c must make
// room for it, and refilling c from the unassigned jobs.
func (b *refBroker) knapsackFor(c int, improve bool) bool {
	a := &b.as
	m := a.m
	b.ks.reset(a.capacity[c], b.Tie)
	oldS, oldV := 0.0, 0
	for j := range a.n {
		k := a.cur[j]
		switch {
		case k == -1 || (improve && k == c):
			b.ks.add(j, a.vol[j], a.spread[j*m+c])
		case improve && a.ok[j*m+c]:
			if g := a.spread[j*m+c] - a.spread[j*m+k]; g > 0 {
				b.ks.add(j, a.vol[j], g)
			}
		}
		if k == c {
			oldS += a.spread[j*m+c]
			oldV += a.vol[j]
		}
	}
	a.sel = b.ks.solve(a.sel[:0])
	newS, newV, load := 0.0, 0, 0 // newV counts only the volume that was not shipped before
	for _, j := range a.sel {
		k := a.cur[j]
		load += a.vol[j]
		if k >= 0 && k != c {
			newS += a.spread[j*m+c] - a.spread[j*m+k]
		} else {
			newS += a.spread[j*m+c]
			newV += a.vol[j]
		}
	}
	if improve && !(newS > oldS || (newS == oldS && a.sign*newV > a.sign*oldV)) {
		return false
	}
	for j := range a.n {
		if a.cur[j] == c {
			a.cur[j] = -1
		}
	}
	for _, j := range a.sel {
		if k := a.cur[j]; k >= 0 {
			a.rem[k] += a.vol[j]
		}
		a.cur[j] = c
	}
	a.rem[c] = a.capacity[c] - load
	return true
}

// heuristic runs the four constructions, improves each to a local optimum
// and keeps the best; see [Broker.AssignHeuristic].
func (b *refBroker) heuristic() {
	a := &b.as
	a.hBest = grow(a.hBest, a.n)
	var bestS float64
	var bestT int
	for start := range 4 {
		for j := range a.n {
			a.cur[j] = -1
		}
		copy(a.rem, a.capacity)
		switch start {
		case 0, 1:
			a.byCap = a.byCap[:0]
			for c := range a.m {
				a.byCap = append(a.byCap, c)
			}
			slices.SortStableFunc(a.byCap, func(x, y int) int {
				if start == 0 {
					return a.capacity[y] - a.capacity[x]
				}
				return a.capacity[x] - a.capacity[y]
			})
			for _, c := range a.byCap {
				b.knapsackFor(c, false)
			}
		case 2, 3:
			a.regret(start == 3)
		}
		b.improve()
		if s, t := a.total(); start == 0 || s > bestS || (s == bestS && t > bestT) {
			bestS, bestT = s, t
			copy(a.hBest, a.cur[:a.n])
		}
	}
	copy(a.cur, a.hBest[:a.n])
	a.resetRem()
}

// improve applies the improving steps in a cycle, the swap pass and then each
// carrier's re-solve, until a whole cycle of steps in a row changes nothing,
// or for at most refRounds cycles.
func (b *refBroker) improve() {
	a := &b.as
	steps := a.m + 1 // step a.m is the swap pass
	idle := 0
	for k := 0; idle < steps && k < refRounds*steps; k++ {
		var changed bool
		if s := k % steps; s == a.m {
			changed = a.swap()
		} else {
			changed = b.knapsackFor(s, true)
		}
		if changed {
			idle = 0
		} else {
			idle++
		}
	}
}

func (a *refAssigner) resetRem() {
	copy(a.rem, a.capacity)
	for j, c := range a.cur[:a.n] {
		if c >= 0 {
			a.rem[c] -= a.vol[j]
		}
	}
}

// regret is the greedy construction of Martello and Toth for the generalized
// assignment problem: repeatedly, among the unassigned jobs that fit some
// eligible carrier, take the one whose best carrier beats its second best by
// the most (a job with one carrier left first), and give it to its best
// carrier. Carriers are ranked by spread, or by spread per unit if perUnit.
func (a *refAssigner) regret(perUnit bool) {
	m := a.m
	for {
		pick, pickC := -1, -1
		var pickR, pickF float64
		for j := range a.n {
			if a.cur[j] != -1 {
				continue
			}
			bc := -1
			f1, f2 := math.Inf(-1), math.Inf(-1)
			for c := range m {
				if !a.ok[j*m+c] || a.vol[j] > a.rem[c] {
					continue
				}
				f := a.spread[j*m+c]
				if perUnit {
					f /= float64(a.vol[j])
				}
				if f > f1 {
					f1, f2, bc = f, f1, c
				} else if f > f2 {
					f2 = f
				}
			}
			if bc < 0 {
				continue
			}
			r := f1 - f2 // +Inf with one carrier left
			if pick < 0 || r > pickR || (r == pickR && f1 > pickF) {
				pick, pickC, pickR, pickF = j, bc, r, f1
			}
		}
		if pick < 0 {
			return
		}
		a.cur[pick] = pickC
		a.rem[pickC] -= a.vol[pick]
	}
}

// swap does one pass of improving swaps: two jobs at different carriers
// trade places when both pairs are eligible, both fit and the total spread
// rises. It reports whether it changed anything.
func (a *refAssigner) swap() bool {
	m := a.m
	a.shipped = a.shipped[:0]
	for j, c := range a.cur[:a.n] {
		if c >= 0 {
			a.shipped = append(a.shipped, j)
		}
	}
	changed := false
	for x, j := range a.shipped {
		for _, k := range a.shipped[x+1:] {
			cj, ck := a.cur[j], a.cur[k]
			if cj == ck || !a.ok[j*m+ck] || !a.ok[k*m+cj] {
				continue
			}
			d := a.vol[j] - a.vol[k] // what carrier cj gains in room, ck loses
			if a.rem[cj]+d < 0 || a.rem[ck]-d < 0 {
				continue
			}
			if a.spread[j*m+ck]+a.spread[k*m+cj] > a.spread[j*m+cj]+a.spread[k*m+ck] {
				a.cur[j], a.cur[k] = ck, cj
				a.rem[cj] += d
				a.rem[ck] -= d
				changed = true
			}
		}
	}
	return changed
}

// total returns the objective of the current assignment: the spread summed
// in ascending order of job, and the tie key sign*volume.
func (a *refAssigner) total() (float64, int) {
	s, v := 0.0, 0
	for j, c := range a.cur[:a.n] {
		if c >= 0 {
			s += a.spread[j*a.m+c]
			v += a.vol[j]
		}
	}
	return s, a.sign * v
}

// branchAndBound searches for an optimal assignment, starting from the
// current one as incumbent, and leaves the best found in cur. It reports
// whether the search finished (within the budget, if any).
func (a *refAssigner) branchAndBound() bool {
	n, m := a.n, a.m
	a.best = append(a.best[:0], a.cur[:n]...)
	a.bestS, a.bestT = a.total()

	a.order = a.order[:0]
	a.maxS = grow(a.maxS, n)
	sum := 0.0
	for j := range n {
		a.maxS[j] = math.Inf(-1)
		for c := range m {
			if a.ok[j*m+c] {
				a.maxS[j] = math.Max(a.maxS[j], a.spread[j*m+c])
			}
		}
		if !math.IsInf(a.maxS[j], -1) {
			a.order = append(a.order, j)
			sum += a.maxS[j]
		}
	}
	slices.SortStableFunc(a.order, func(x, y int) int {
		return refPerUnitDesc(a.maxS[x], a.vol[x], a.maxS[y], a.vol[y])
	})
	a.cands = grow(a.cands, len(a.order)*m)
	a.ncand = grow(a.ncand, len(a.order))
	for q, j := range a.order {
		cs := a.cands[q*m : q*m]
		for c := range m {
			if a.ok[j*m+c] {
				cs = append(cs, c)
			}
		}
		slices.SortStableFunc(cs, func(x, y int) int {
			switch sx, sy := a.spread[j*m+x], a.spread[j*m+y]; {
			case sx > sy:
				return -1
			case sx < sy:
				return 1
			}
			return 0
		})
		a.ncand[q] = len(cs)
	}
	// Each carrier's eligible jobs by decreasing spread per unit, for the
	// second bound.
	a.posOf = grow(a.posOf, n)
	for q, j := range a.order {
		a.posOf[j] = q
	}
	a.byCarrier = a.byCarrier[:0]
	a.carrierEnd = grow(a.carrierEnd, m)
	for c := range m {
		from := len(a.byCarrier)
		for _, j := range a.order {
			if a.ok[j*m+c] {
				a.byCarrier = append(a.byCarrier, j)
			}
		}
		slices.SortStableFunc(a.byCarrier[from:], func(x, y int) int {
			return refPerUnitDesc(a.spread[x*m+c], a.vol[x], a.spread[y*m+c], a.vol[y])
		})
		a.carrierEnd[c] = len(a.byCarrier)
	}
	// Rounding: the bounds are sums of at most n*m+2 terms below m*sum in
	// total, the exact totals sums of at most n terms below sum.
	a.tol = float64(2*n*m+8) * 0x1p-52 * float64(m) * sum

	for j := range n {
		a.cur[j] = -1
	}
	copy(a.rem, a.capacity)
	a.freeCap = 0
	for _, r := range a.rem {
		a.freeCap += r
	}
	a.nodes = 0
	a.aborted = false
	a.branch(0, 0, 0)

	copy(a.cur, a.best)
	copy(a.rem, a.capacity)
	for j, c := range a.cur[:n] {
		if c >= 0 {
			a.rem[c] -= a.vol[j]
		}
	}
	return !a.aborted
}

// branch explores the assignments of order[p:] given the decisions on
// order[:p], whose spread summed in search order is curS and tie key curT.
func (a *refAssigner) branch(p int, curS float64, curT int) {
	if a.budget > 0 && a.nodes >= a.budget {
		a.aborted = true
		return
	}
	a.nodes++
	m := a.m

	// Dantzig bound on the spread and a bound on the tie key, over the jobs
	// left that fit some eligible carrier's remaining capacity.
	ubS := curS
	left := a.freeCap
	fitVol := 0
	fractional := false
	open := false
	for q := p; q < len(a.order); q++ {
		j := a.order[q]
		v := a.vol[j]
		fits := false
		for _, c := range a.cands[q*m : q*m+a.ncand[q]] {
			if v <= a.rem[c] {
				fits = true
				break
			}
		}
		if !fits {
			continue
		}
		open = true
		fitVol += v
		if fractional {
			continue
		}
		if v <= left {
			ubS += a.maxS[j]
			left -= v
		} else {
			ubS += a.maxS[j] * float64(left) / float64(v)
			fractional = true
		}
	}
	if !open {
		// Nothing left can be assigned: the current assignment is a leaf.
		s, t := a.total()
		if s > a.bestS || (s == a.bestS && t > a.bestT) {
			a.bestS, a.bestT = s, t
			copy(a.best, a.cur[:a.n])
		}
		return
	}
	ubT := curT
	if a.sign > 0 {
		ubT += min(fitVol, a.freeCap)
	}
	if a.cut(ubS, ubT) {
		return
	}
	// Second bound: each carrier's own Dantzig bound over the jobs left that
	// fit it, summed (a job may count at several carriers).
	sep := curS
	from := 0
	for c := range m {
		left := a.rem[c]
		for _, j := range a.byCarrier[from:a.carrierEnd[c]] {
			if left == 0 {
				break
			}
			v := a.vol[j]
			if a.posOf[j] < p || v > a.rem[c] {
				continue
			}
			if v <= left {
				sep += a.spread[j*m+c]
				left -= v
			} else {
				sep += a.spread[j*m+c] * float64(left) / float64(v)
				break
			}
		}
		from = a.carrierEnd[c]
	}
	if a.cut(min(ubS, sep), ubT) {
		return
	}

	j := a.order[p]
	v := a.vol[j]
	for _, c := range a.cands[p*m : p*m+a.ncand[p]] {
		if v > a.rem[c] {
			continue
		}
		a.cur[j] = c
		a.rem[c] -= v
		a.freeCap -= v
		a.branch(p+1, curS+a.spread[j*m+c], curT+a.sign*v)
		a.rem[c] += v
		a.freeCap += v
		a.cur[j] = -1
		if a.aborted {
			return
		}
	}
	a.branch(p+1, curS, curT)
}

// cut reports whether a node whose completions have spread at most ubS (up
// to rounding) and tie key at most ubT cannot beat the incumbent.
func (a *refAssigner) cut(ubS float64, ubT int) bool {
	return ubS+a.tol < a.bestS || (ubS+a.tol <= a.bestS && ubT <= a.bestT)
}

// price fills the broker's Assignment from the current assignment.
func (b *refBroker) price(bids []float64, asks [][]float64, exact bool) Assignment {
	a := &b.as
	n, m := a.n, a.m
	b.asPay = grow(b.asPay, n)
	b.asReceive = grow(b.asReceive, n)
	b.asLoad = grow(b.asLoad, m)
	r := Assignment{
		Carrier: a.cur[:n],
		Pay:     b.asPay[:n],
		Receive: b.asReceive[:n],
		Load:    b.asLoad[:m],
		Exact:   exact,
	}
	clear(r.Load)
	for j, c := range r.Carrier {
		if c < 0 {
			r.Pay[j], r.Receive[j] = 0, 0
			continue
		}
		pay, receive := b.Price.Prices(bids[j], asks[c][j])
		r.Pay[j], r.Receive[j] = pay, receive
		r.Load[c] += a.vol[j]
		r.Volume += a.vol[j]
		r.Spread += bids[j] - asks[c][j]
		r.Kept += pay - receive
	}
	return r
}

// refPerUnitDesc orders by decreasing spread per unit of volume: it compares
// sx/vx with sy/vy without dividing (volumes are positive), -1 when x comes
// first.
func refPerUnitDesc(sx float64, vx int, sy float64, vy int) int {
	l, r := sx*float64(vy), sy*float64(vx)
	switch {
	case l > r:
		return -1
	case l < r:
		return 1
	}
	return 0
}

type refKnapsack struct {
	capacity int
	tie      Tie

	items []refItem // eligible candidates, ascending idx
	total int       // their total volume
	cells []refCell // cells[w]: best (spread, tie key) within capacity w
	bits  []uint64  // choice bits, one row of stride words per refItem
}

type refItem struct {
	idx    int     // the caller's index
	vol    int     // volume, divided by the gcd of all volumes during solve
	spread float64 // bid - ask (or value - cost)
}

type refCell struct {
	s float64 // total spread
	t int     // tie key: +volume (TieMaxVolume) or -volume (TieStrict)
}

// reset starts a new problem with the given capacity (>= 0) and tie rule.
func (k *refKnapsack) reset(capacity int, tie Tie) {
	k.capacity = capacity
	k.tie = tie
	k.items = k.items[:0]
	k.total = 0
}

// add offers candidate idx with volume vol (>= 1) and spread s. Candidates that
// can never be part of the optimum the rule asks for are dropped here: a
// negative (or NaN) spread, a zero spread under TieStrict, and a volume larger
// than the capacity.
func (k *refKnapsack) add(idx, vol int, s float64) {
	eligible := s > 0 || (s == 0 && k.tie == TieMaxVolume)
	if !eligible || vol > k.capacity {
		return
	}
	k.items = append(k.items, refItem{idx: idx, vol: vol, spread: s})
	k.total += vol
}

// solve appends the indices of the optimal selection to dst in ascending
// order and returns the extended slice.
func (k *refKnapsack) solve(dst []int) []int {
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
	cells[0] = refCell{}
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

	// Backtrack from the last refItem. At refItem i the capacity is clamped to the
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
