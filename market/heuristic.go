package market

import "slices"

// knapsackFor solves carrier c's knapsack exactly, with the broker's solver.
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
func (b *Broker) knapsackFor(c int, improve bool) bool {
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
	return a.apply(c, improve, oldS, oldV)
}

// apply gives carrier c the jobs of a.sel (ascending), taking them from
// where they are, and drops c's other jobs: the end of a re-solve of c
// (improve true) or a step of the sequential construction. A re-solve is
// applied only when the new total spread beats the old, or equals it and
// moves the volume the tie rule's way; oldS and oldV are c's spread (summed
// in ascending order of job) and volume before. It reports whether it was
// applied.
func (a *assigner) apply(c int, improve bool, oldS float64, oldV int) bool {
	m := a.m
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
func (b *Broker) heuristic() {
	a := &b.as
	a.hBest = grow(a.hBest, a.n)
	var bestS float64
	var bestT int
	equalCaps := !slices.ContainsFunc(a.capacity, func(k int) bool { return k != a.capacity[0] })
	for start := range 4 {
		if start == 1 && equalCaps {
			// With equal capacities both sequential orders are the index
			// order (stable sorts): start 1 would repeat start 0 step by
			// step and could not beat it.
			continue
		}
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
// or for at most heuristicRounds cycles.
func (b *Broker) improve() {
	a := &b.as
	steps := a.m + 1 // step a.m is the swap pass
	idle := 0
	for k := 0; idle < steps && k < heuristicRounds*steps; k++ {
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

// swap does one pass of improving swaps: two jobs at different carriers
// trade places when both pairs are eligible, both fit and the total spread
// rises. It reports whether it changed anything.
func (a *assigner) swap() bool {
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
