package market

import (
	"math"
	"slices"
)

// branchAndBound searches for an optimal assignment, starting from the
// current one as incumbent, and leaves the best found in cur. It reports
// whether the search finished (within the budget, if any).
func (a *assigner) branchAndBound() bool {
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
		return perUnitDesc(a.maxS[x], a.vol[x], a.maxS[y], a.vol[y])
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
			return perUnitDesc(a.spread[x*m+c], a.vol[x], a.spread[y*m+c], a.vol[y])
		})
		a.carrierEnd[c] = len(a.byCarrier)
	}
	// The same, laid out for the inner loops of branch.
	a.ordVol = grow(a.ordVol, len(a.order))
	a.ordMaxS = grow(a.ordMaxS, len(a.order))
	for q, j := range a.order {
		a.ordVol[q], a.ordMaxS[q] = a.vol[j], a.maxS[j]
	}
	a.bcPos = grow(a.bcPos, len(a.byCarrier))
	a.bcVol = grow(a.bcVol, len(a.byCarrier))
	a.bcS = grow(a.bcS, len(a.byCarrier))
	from := 0
	for c := range m {
		for i := from; i < a.carrierEnd[c]; i++ {
			j := a.byCarrier[i]
			a.bcPos[i], a.bcVol[i], a.bcS[i] = a.posOf[j], a.vol[j], a.spread[j*m+c]
		}
		from = a.carrierEnd[c]
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
func (a *assigner) branch(p int, curS float64, curT int) {
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
	minRem, maxRem := a.rem[0], a.rem[0]
	for _, r := range a.rem[1:m] {
		minRem, maxRem = min(minRem, r), max(maxRem, r)
	}
	for q := p; q < len(a.order); q++ {
		v := a.ordVol[q]
		if v > maxRem {
			continue // fits no carrier
		}
		// Every job in order has an eligible carrier: with room at every
		// carrier it fits.
		fits := v <= minRem
		for _, c := range a.cands[q*m : q*m+a.ncand[q]] {
			if fits || v <= a.rem[c] {
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
			ubS += a.ordMaxS[q]
			left -= v
		} else {
			ubS += a.ordMaxS[q] * float64(left) / float64(v)
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
		rem := a.rem[c]
		left := rem
		end := a.carrierEnd[c]
		for i := from; i < end; i++ {
			if left == 0 {
				break
			}
			v := a.bcVol[i]
			if a.bcPos[i] < p || v > rem {
				continue
			}
			if v <= left {
				sep += a.bcS[i]
				left -= v
			} else {
				sep += a.bcS[i] * float64(left) / float64(v)
				break
			}
		}
		from = end
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
func (a *assigner) cut(ubS float64, ubT int) bool {
	return ubS+a.tol < a.bestS || (ubS+a.tol <= a.bestS && ubT <= a.bestT)
}

// perUnitDesc orders by decreasing spread per unit of volume: it compares
// sx/vx with sy/vy without dividing (volumes are positive), -1 when x comes
// first.
func perUnitDesc(sx float64, vx int, sy float64, vy int) int {
	l, r := sx*float64(vy), sy*float64(vx)
	switch {
	case l > r:
		return -1
	case l < r:
		return 1
	}
	return 0
}
