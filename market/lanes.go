package market

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// LaneAssignment is the result of [Broker.AssignLanes]: an [Assignment] of
// jobs to trucks (Carrier[j] is the truck of job j, or -1) and the
// destination each truck serves. Unlike Assign's, its slices belong to it.
type LaneAssignment struct {
	Assignment
	Dest []int // Dest[t] is the destination of truck t's jobs, or -1 if it carries none
}

// AssignLanes assigns jobs to trucks at one hub when each truck carries
// jobs of one destination only: dests[j] is job j's destination, asks[t][j]
// truck t's ask for it. It maximises the total spread as [Broker.Assign]
// does, under the tie rule, subject to each truck's capacity and the
// one-destination constraint; prices follow b.Price.
//
// When every job has one destination the constraint is void and the result
// is AssignHeuristic's (Clear's with one truck). Otherwise it is a heuristic,
// sequential knapsacks: trucks in order of decreasing capacity (ties: lower
// index) each take, among the destinations, the exact knapsack of the jobs
// still unassigned that has the largest spread (ties: more volume under
// [TieMaxVolume], less under [TieStrict], then the lower destination);
// then, with at most 16 trucks, a local search over the destinations:
// a truck changes its destination (or gives it up), or two trucks trade
// theirs, when that raises the total spread (trucks alike in capacity and
// asks are interchangeable: the search moves one of them at a time and
// never trades them); each destination's jobs are assigned to its trucks
// by [Broker.AssignHeuristic], without the exact search (the trucks of one
// carrier ask alike, and the exact search, blind to that symmetry, can
// spend its whole budget on a handful of jobs). Exact reports whether the
// result is proven optimal (one truck). Measured gap to
// [Broker.AssignLanesExact] on 400 random cases of 4 to 12 jobs, 2 to 4
// trucks and 2 or 3 destinations with binding capacities: mean 0.46 %
// (standard error 0.16 %), optimal in 95.5 %, worst 38 %
// (TestAssignLanesHeuristicGap).
//
// It panics, as Assign does, on slices of different lengths, a capacity
// below 0, a volume below 1, a bid or ask that is not finite.
func (b *Broker) AssignLanes(bids []float64, asks [][]float64, volumes, dests, capacities []int) LaneAssignment {
	return b.assignLanes(bids, asks, volumes, dests, capacities, false)
}

// AssignLanesExact is [Broker.AssignLanes] solved exactly: every choice of
// a destination (or none) per truck, each destination's trucks assigned by
// [Broker.AssignExact]. It takes (D+1)^T such choices for D destinations and
// T trucks, and panics beyond 10^5 of them: it is meant for small cases
// and for measuring the heuristic.
func (b *Broker) AssignLanesExact(bids []float64, asks [][]float64, volumes, dests, capacities []int) LaneAssignment {
	return b.assignLanes(bids, asks, volumes, dests, capacities, true)
}

// laneGroup is one destination's subproblem: its jobs, and the trucks
// assigned to it.
type laneGroup struct {
	jobs   []int
	trucks []int
}

func (b *Broker) assignLanes(bids []float64, asks [][]float64, volumes, dests, capacities []int, exact bool) LaneAssignment {
	return b.lanes(bids, asks, volumes, dests, capacities, exact, true)
}

// lanes is assignLanes, with the local search over the destinations when
// search is true (and there are at most maxLaneSearchTrucks trucks).
func (b *Broker) lanes(bids []float64, asks [][]float64, volumes, dests, capacities []int, exact, search bool) LaneAssignment {
	n, m := len(bids), len(capacities)
	if len(volumes) != n || len(dests) != n || len(asks) != m {
		panic(fmt.Sprintf("market: Broker.AssignLanes with %d bids, %d volumes, %d destinations, %d rows of asks and %d capacities",
			n, len(volumes), len(dests), len(asks), m))
	}
	out := LaneAssignment{Dest: make([]int, m)}
	out.Carrier = make([]int, n)
	out.Pay = make([]float64, n)
	out.Receive = make([]float64, n)
	out.Load = make([]int, m)
	for t := range out.Dest {
		out.Dest[t] = -1
	}
	for j := range out.Carrier {
		out.Carrier[j] = -1
	}
	if !exact && search && m > MaxLaneClearingTrucks && !alikeUnits(asks, volumes, capacities) {
		b.lanesBlocks(bids, asks, volumes, dests, capacities, &out)
		b.priceLanes(bids, asks, volumes, &out)
		return out
	}
	ds := slices.Clone(dests)
	slices.Sort(ds)
	ds = slices.Compact(ds)
	if len(ds) <= 1 {
		var a Assignment
		switch {
		case exact:
			a = b.AssignExact(bids, asks, volumes, capacities)
		case m == 1:
			a = b.Assign(bids, asks, volumes, capacities)
		case alikeUnits(asks, volumes, capacities):
			a = b.dealUnits(bids, asks[0], capacities)
		default:
			a = b.AssignHeuristic(bids, asks, volumes, capacities)
		}
		copy(out.Carrier, a.Carrier)
		copy(out.Pay, a.Pay)
		copy(out.Receive, a.Receive)
		copy(out.Load, a.Load)
		out.Volume, out.Spread, out.Kept, out.Exact = a.Volume, a.Spread, a.Kept, a.Exact
		for t, l := range a.Load {
			if l > 0 {
				out.Dest[t] = ds[0]
			}
		}
		return out
	}
	for t, c := range capacities {
		if c < 0 {
			panic(fmt.Sprintf("market: Broker.AssignLanes: truck %d has capacity %d, want >= 0", t, c))
		}
	}
	groups := make([]laneGroup, len(ds))
	for j, d := range dests {
		k, _ := slices.BinarySearch(ds, d)
		groups[k].jobs = append(groups[k].jobs, j)
	}
	var choice []int // per truck: the index into ds of its destination, or -1
	if exact {
		choice = b.lanesExact(bids, asks, volumes, capacities, groups)
		out.Exact = true
	} else {
		if alikeUnits(asks, volumes, capacities) {
			choice = b.lanesSequentialUnits(bids, asks[0], capacities[0], m, groups)
		} else {
			choice = b.lanesSequential(bids, asks, volumes, capacities, groups)
		}
		if search && m <= maxLaneSearchTrucks {
			b.lanesImprove(bids, asks, volumes, capacities, groups, choice)
		}
		out.Exact = m <= 1
	}
	for k := range groups {
		groups[k].trucks = groups[k].trucks[:0]
	}
	for t, k := range choice {
		if k >= 0 {
			groups[k].trucks = append(groups[k].trucks, t)
		}
	}
	for k := range groups {
		g := &groups[k]
		if len(g.trucks) == 0 {
			continue
		}
		sub := b.solveGroup(bids, asks, volumes, capacities, g, exact)
		for q, j := range g.jobs {
			if c := sub.Carrier[q]; c >= 0 {
				t := g.trucks[c]
				out.Carrier[j] = t
				out.Dest[t] = ds[k]
			}
		}
	}
	b.priceLanes(bids, asks, volumes, &out)
	return out
}

// priceLanes prices the jobs of out (out.Carrier) and sums the loads,
// volume, spread and what the broker keeps.
func (b *Broker) priceLanes(bids []float64, asks [][]float64, volumes []int, out *LaneAssignment) {
	for j, t := range out.Carrier {
		if t < 0 {
			continue
		}
		pay, receive := b.Price.Prices(bids[j], asks[t][j])
		out.Pay[j], out.Receive[j] = pay, receive
		out.Load[t] += volumes[j]
		out.Volume += volumes[j]
		out.Spread += bids[j] - asks[t][j]
		out.Kept += pay - receive
	}
}

// MaxLaneClearingTrucks is the most trucks at one clearing that
// AssignLanes assigns in one piece (unless they are alike and the jobs of
// one unit); beyond it, the clearing is cut into blocks (lanesBlocks).
const MaxLaneClearingTrucks = 2 * maxLaneSearchTrucks

// laneBlockTrucks is the number of trucks of a block of lanesBlocks.
const laneBlockTrucks = 8

// laneBlockPoolHalves is the volume of a block's pool of jobs, in halves
// of the block's capacity: 1.5 times the capacity (twice it gives 98.3 %
// of the whole hub's spread rather than 97.7 %, at 1.25 times the cost of
// a network's epoch, BenchmarkNetworkEpochPartLoads in package
// experiments).
const laneBlockPoolHalves = 3

// laneBlockOffers is the most blocks a job is offered to.
const laneBlockOffers = 5

// lanesBlocks is AssignLanes for more than MaxLaneClearingTrucks trucks,
// whose sequential knapsacks and assignment heuristic would cost a multiple
// of the trucks times the jobs: the clearing is cut into blocks of
// laneBlockTrucks trucks, in order of decreasing capacity (ties: lower
// index), and each block is assigned by AssignLanes (without the local
// search) against a bounded pool of jobs: the eligible jobs not taken, in
// order of their best spread per unit of volume over the trucks' rows of
// asks (ties: lower index), until the pool holds 1.5 times the block's
// capacity (laneBlockPoolHalves); a job offered to laneBlockOffers blocks
// is not offered again. The work is that of sorting the jobs plus a
// bounded clearing per block: linear in the trucks, n log n in the jobs.
// Its spread is 97.7 % (worst 95.5 %) of the whole hub's sequential
// heuristic's on random hubs of 40 to 120 trucks (TestAssignLanesBlocks). It fills out.Carrier and out.Dest; rows
// of asks that are one slice (the trucks of one carrier at a hub) count
// once.
func (b *Broker) lanesBlocks(bids []float64, asks [][]float64, volumes, dests, capacities []int, out *LaneAssignment) {
	n, m := len(bids), len(capacities)
	var rows [][]float64 // the distinct rows of asks, by identity
	for t, c := range capacities {
		if c < 0 {
			panic(fmt.Sprintf("market: Broker.AssignLanes: truck %d has capacity %d, want >= 0", t, c))
		}
		if n > 0 && !slices.ContainsFunc(rows, func(r []float64) bool { return &r[0] == &asks[t][0] }) {
			rows = append(rows, asks[t])
		}
	}
	key := make([]float64, n) // best spread per unit of volume
	var ranked []int
	for j := range n {
		if volumes[j] < 1 {
			panic(fmt.Sprintf("market: Broker.AssignLanes: job %d has volume %d, want >= 1", j, volumes[j]))
		}
		best := math.Inf(-1)
		for _, r := range rows {
			if math.IsNaN(r[j]) || math.IsInf(r[j], 0) || math.IsNaN(bids[j]) || math.IsInf(bids[j], 0) {
				panic(fmt.Sprintf("market: Broker.AssignLanes: job %d has bid %v and an ask %v, want finite", j, bids[j], r[j]))
			}
			best = max(best, bids[j]-r[j])
		}
		if b.eligible(best) {
			key[j] = best / float64(volumes[j])
			ranked = append(ranked, j)
		}
	}
	slices.SortFunc(ranked, func(i, j int) int {
		if c := cmp.Compare(key[j], key[i]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	order := make([]int, m)
	for t := range order {
		order[t] = t
	}
	slices.SortStableFunc(order, func(x, y int) int { return capacities[y] - capacities[x] })
	var pool, left, rest, sub []int // the block's jobs in rank order; those offered before and not taken; by index
	seen := make([]int8, n)         // per job: the blocks that were offered it
	var sb []float64
	var sa [][]float64
	var sv, sd, sc []int
	next := 0
	for lo := 0; lo < m; lo += laneBlockTrucks {
		block := order[lo:min(m, lo+laneBlockTrucks)]
		room := 0
		for _, t := range block {
			room += capacities[t]
		}
		pool, rest = pool[:0], rest[:0]
		vol := 0
		for _, j := range left {
			if 2*vol < laneBlockPoolHalves*room {
				pool = append(pool, j)
				vol += volumes[j]
			} else {
				rest = append(rest, j)
			}
		}
		for ; next < len(ranked) && 2*vol < laneBlockPoolHalves*room; next++ {
			j := ranked[next]
			pool = append(pool, j)
			vol += volumes[j]
		}
		if len(pool) == 0 {
			break
		}
		sub = append(sub[:0], pool...)
		slices.Sort(sub)
		sb, sv, sd = sb[:0], sv[:0], sd[:0]
		for _, j := range sub {
			sb, sv, sd = append(sb, bids[j]), append(sv, volumes[j]), append(sd, dests[j])
		}
		sa, sc = sa[:0], sc[:0]
		for _, t := range block {
			row := make([]float64, len(sub))
			for q, j := range sub {
				row[q] = asks[t][j]
			}
			sa, sc = append(sa, row), append(sc, capacities[t])
		}
		a := b.lanes(sb, sa, sv, sd, sc, false, false)
		for q, r := range a.Carrier {
			if r >= 0 {
				t := block[r]
				out.Carrier[sub[q]] = t
				out.Dest[t] = dests[sub[q]]
			}
		}
		// The jobs left, in rank order: those of the pool offered fewer
		// than laneBlockOffers times, then those the pool had no room for.
		left = left[:0]
		for _, j := range pool {
			if seen[j]++; out.Carrier[j] < 0 && seen[j] < laneBlockOffers {
				left = append(left, j)
			}
		}
		if len(rest) > 0 {
			// rest ranks between the pool's jobs from left and its fresh ones.
			k := 0
			for k < len(left) && seen[left[k]] > 1 {
				k++
			}
			left = slices.Insert(left, k, rest...)
		}
	}
}

// solveGroup assigns a destination's jobs to its trucks: by AssignExact
// when exact, else by Clear's exact knapsack for one truck and by
// AssignHeuristic for several (the trucks of one carrier at a hub ask
// alike, and the exact search, blind to that symmetry, can spend its whole
// budget on a handful of jobs).
func (b *Broker) solveGroup(bids []float64, asks [][]float64, volumes, capacities []int, g *laneGroup, exact bool) Assignment {
	sb := make([]float64, len(g.jobs))
	sv := make([]int, len(g.jobs))
	for q, j := range g.jobs {
		sb[q], sv[q] = bids[j], volumes[j]
	}
	sa := make([][]float64, len(g.trucks))
	sc := make([]int, len(g.trucks))
	for r, t := range g.trucks {
		sa[r] = make([]float64, len(g.jobs))
		for q, j := range g.jobs {
			sa[r][q] = asks[t][j]
		}
		sc[r] = capacities[t]
	}
	switch {
	case exact:
		return b.AssignExact(sb, sa, sv, sc)
	case len(sc) == 1:
		return b.Assign(sb, sa, sv, sc) // Clear's exact knapsack
	case alikeUnits(sa, sv, sc):
		return b.dealUnits(sb, sa[0], sc)
	}
	return b.AssignHeuristic(sb, sa, sv, sc)
}

// better reports whether (s1, v1) beats (s2, v2) under the tie rule.
func (b *Broker) better(s1 float64, v1 int, s2 float64, v2 int) bool {
	if s1 != s2 {
		return s1 > s2
	}
	if b.Tie == TieMaxVolume {
		return v1 > v2
	}
	return v1 < v2
}

// lanesSequential is the heuristic's choice of a destination per truck.
func (b *Broker) lanesSequential(bids []float64, asks [][]float64, volumes, capacities []int, groups []laneGroup) []int {
	m := len(capacities)
	order := make([]int, m)
	for t := range order {
		order[t] = t
	}
	slices.SortStableFunc(order, func(x, y int) int { return capacities[y] - capacities[x] })
	taken := make([]bool, len(bids))
	choice := make([]int, m)
	var orders []Order
	var idx []int
	for _, t := range order {
		choice[t] = -1
		bestS, bestV := 0.0, 0
		var bestSel []int
		for k, g := range groups {
			orders, idx = orders[:0], idx[:0]
			for _, j := range g.jobs {
				if !taken[j] {
					orders = append(orders, Order{Volume: volumes[j], Bid: bids[j], Ask: asks[t][j]})
					idx = append(idx, j)
				}
			}
			if len(orders) == 0 {
				continue
			}
			cl := b.Clear(orders, capacities[t])
			if len(cl.Selected) == 0 {
				continue
			}
			if choice[t] < 0 || b.better(cl.Spread, cl.Volume, bestS, bestV) {
				choice[t], bestS, bestV = k, cl.Spread, cl.Volume
				bestSel = bestSel[:0]
				for _, i := range cl.Selected {
					bestSel = append(bestSel, idx[i])
				}
			}
		}
		for _, j := range bestSel {
			taken[j] = true
		}
	}
	// Destinations with two or more trucks are assigned jointly afterwards
	// (assignLanes); a truck left without a destination stays so.
	return choice
}

// maxLaneSearchTrucks is the most trucks at one clearing for which
// AssignLanes improves the sequential choice by local search.
const maxLaneSearchTrucks = 16

// lanesImprove improves a choice of destinations by local search: a truck
// changes its destination (or gives it up) when that raises the total
// spread of the destinations' joint assignments (by Assign), under the tie
// rule, or two trucks trade their destinations when that does; repeated
// until no change helps (at most 20 rounds).
func (b *Broker) lanesImprove(bids []float64, asks [][]float64, volumes, capacities []int, groups []laneGroup, choice []int) {
	m, d := len(capacities), len(groups)
	memo := map[[2]int]laneValue{}
	value := func(k, mask int) laneValue {
		if mask == 0 {
			return laneValue{}
		}
		if r, ok := memo[[2]int{k, mask}]; ok {
			return r
		}
		g := laneGroup{jobs: groups[k].jobs}
		for t := range m {
			if mask&(1<<t) != 0 {
				g.trucks = append(g.trucks, t)
			}
		}
		a := b.solveGroup(bids, asks, volumes, capacities, &g, false)
		r := laneValue{a.Spread, a.Volume}
		memo[[2]int{k, mask}] = r
		return r
	}
	masks := make([]int, d)
	for t, k := range choice {
		if k >= 0 {
			masks[k] |= 1 << t
		}
	}
	// Trucks alike (same capacity, same asks) are interchangeable: of the
	// alike trucks serving one destination only the first is moved, and
	// alike trucks never trade destinations.
	class := make([]int, m)
	for t := range m {
		class[t] = t
		for u := range t {
			if capacities[u] == capacities[t] && slices.Equal(asks[u], asks[t]) {
				class[t] = class[u]
				break
			}
		}
	}
	firstOfClass := func(t int) bool {
		for u := range t {
			if class[u] == class[t] && choice[u] == choice[t] {
				return false
			}
		}
		return true
	}
	for range 20 {
		improved := false
		for t := range m {
			if !firstOfClass(t) {
				continue
			}
			from := choice[t]
			for to := -1; to < d; to++ {
				if to == from {
					continue
				}
				// The change touches the groups from and to only.
				var old, neu laneValue
				if from >= 0 {
					old = old.plus(value(from, masks[from]))
					neu = neu.plus(value(from, masks[from]&^(1<<t)))
				}
				if to >= 0 {
					old = old.plus(value(to, masks[to]))
					neu = neu.plus(value(to, masks[to]|1<<t))
				}
				if b.better(neu.s, neu.v, old.s, old.v) && neu.s > old.s-1e-12*(1+math.Abs(old.s)) {
					if from >= 0 {
						masks[from] &^= 1 << t
					}
					if to >= 0 {
						masks[to] |= 1 << t
					}
					choice[t], from, improved = to, to, true
				}
			}
		}
		// Two trucks trade destinations.
		for t := range m {
			for u := t + 1; u < m; u++ {
				a, c := choice[t], choice[u]
				if a == c || class[t] == class[u] {
					continue
				}
				var old, neu laneValue
				for _, k := range []int{a, c} {
					if k < 0 {
						continue
					}
					old = old.plus(value(k, masks[k]))
					neu = neu.plus(value(k, masks[k]^(1<<t)^(1<<u)))
				}
				if b.better(neu.s, neu.v, old.s, old.v) && neu.s > old.s-1e-12*(1+math.Abs(old.s)) {
					for _, k := range []int{a, c} {
						if k >= 0 {
							masks[k] ^= 1<<t | 1<<u
						}
					}
					choice[t], choice[u], improved = c, a, true
				}
			}
		}
		if !improved {
			return
		}
	}
}

// laneValue is a spread and a volume.
type laneValue struct {
	s float64
	v int
}

func (x laneValue) plus(y laneValue) laneValue { return laneValue{x.s + y.s, x.v + y.v} }

// maxLaneChoices bounds AssignLanesExact's enumeration.
const maxLaneChoices = 100_000

// lanesExact enumerates every destination choice per truck and returns
// the best (ties: the first in the enumeration's order, trucks' choices
// counted from "none" upwards, truck 0 fastest).
func (b *Broker) lanesExact(bids []float64, asks [][]float64, volumes, capacities []int, groups []laneGroup) []int {
	m, d := len(capacities), len(groups)
	if math.Pow(float64(d+1), float64(m)) > maxLaneChoices {
		panic(fmt.Sprintf("market: Broker.AssignLanesExact with %d trucks and %d destinations: more than %d choices", m, d, maxLaneChoices))
	}
	type val = laneValue
	memo := map[[2]int]val{} // (destination, truck mask) -> optimum
	group := func(k, mask int) val {
		if mask == 0 {
			return val{}
		}
		if r, ok := memo[[2]int{k, mask}]; ok {
			return r
		}
		g := laneGroup{jobs: groups[k].jobs}
		for t := range m {
			if mask&(1<<t) != 0 {
				g.trucks = append(g.trucks, t)
			}
		}
		a := b.solveGroup(bids, asks, volumes, capacities, &g, true)
		r := val{a.Spread, a.Volume}
		memo[[2]int{k, mask}] = r
		return r
	}
	cur := make([]int, m) // 0: none, k+1: destination k
	best := make([]int, m)
	bestS, bestV, first := 0.0, 0, true
	masks := make([]int, d)
	for {
		clear(masks)
		for t, c := range cur {
			if c > 0 {
				masks[c-1] |= 1 << t
			}
		}
		var s float64
		var v int
		for k := range d {
			r := group(k, masks[k])
			s += r.s
			v += r.v
		}
		if first || b.better(s, v, bestS, bestV) {
			copy(best, cur)
			bestS, bestV, first = s, v, false
		}
		t := 0
		for t < m {
			cur[t]++
			if cur[t] <= d {
				break
			}
			cur[t] = 0
			t++
		}
		if t == m {
			break
		}
	}
	for t := range best {
		best[t]--
	}
	return best
}

// Trucks alike and jobs of one unit: the case of one carrier's full-truckload
// (or pallet) fleet at a hub, where AssignLanes needs no search. Trucks alike
// in capacity and asks are interchangeable, and a job of volume 1 fits in any
// room, so the jobs that k such trucks of capacity c should take are the
// k*c of largest spread, and a truck's best knapsack on a lane is the c
// largest spreads left there. Both are found by sorting, in O(n log n) for n
// jobs, where the knapsacks and the assignment heuristic cost a multiple of
// the trucks times the jobs.

// alikeUnits reports whether there are at least two trucks, all of one
// capacity and one row of asks, and every job has volume 1.
func alikeUnits(asks [][]float64, volumes, capacities []int) bool {
	if len(capacities) < 2 {
		return false
	}
	for t := 1; t < len(capacities); t++ {
		if capacities[t] != capacities[0] || !slices.Equal(asks[t], asks[0]) {
			return false
		}
	}
	for _, v := range volumes {
		if v != 1 {
			return false
		}
	}
	return true
}

// eligible reports whether a job of this spread may trade under the tie rule.
func (b *Broker) eligible(s float64) bool {
	return s > 0 || (s == 0 && b.Tie == TieMaxVolume)
}

// bySpread sorts jobs by decreasing spread, ties by increasing index: the
// order in which Clear's knapsack prefers jobs of volume 1.
func bySpread(jobs []int, bids, ask []float64) {
	slices.SortFunc(jobs, func(i, j int) int {
		if c := cmp.Compare(bids[j]-ask[j], bids[i]-ask[i]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
}

// dealUnits assigns jobs of volume 1 to alike trucks (capacities, one row of
// asks): the eligible jobs of largest spread (ties: lower index), as many as
// the trucks hold, dealt to the trucks in order of index, each job in order
// of index going to the first truck with room. The result is optimal
// (Exact), and its spread the one a knapsack of the trucks' total capacity
// reaches.
func (b *Broker) dealUnits(bids, ask []float64, capacities []int) Assignment {
	n, m := len(bids), len(capacities)
	a := Assignment{Carrier: make([]int, n), Pay: make([]float64, n), Receive: make([]float64, n), Load: make([]int, m), Exact: true}
	var jobs []int
	for j := range n {
		a.Carrier[j] = -1
		if b.eligible(bids[j] - ask[j]) {
			jobs = append(jobs, j)
		}
	}
	room := 0
	for _, c := range capacities {
		room += c
	}
	bySpread(jobs, bids, ask)
	jobs = jobs[:min(len(jobs), room)]
	slices.Sort(jobs)
	t := 0
	for _, j := range jobs {
		for a.Load[t] == capacities[t] {
			t++
		}
		a.Carrier[j] = t
		a.Load[t]++
	}
	for j, t := range a.Carrier {
		if t < 0 {
			continue
		}
		pay, receive := b.Price.Prices(bids[j], ask[j])
		a.Pay[j], a.Receive[j] = pay, receive
		a.Volume++
		a.Spread += bids[j] - ask[j]
		a.Kept += pay - receive
	}
	return a
}

// lanesSequentialUnits is lanesSequential for m alike trucks of capacity
// c (one row of asks) and jobs of volume 1: each truck in turn takes the
// lane whose c largest spreads left (ties: lower index) add up to the most,
// compared as lanesSequential compares its knapsacks (spread summed in
// order of index, then the tie rule on volume, then the lower destination).
func (b *Broker) lanesSequentialUnits(bids, ask []float64, c, m int, groups []laneGroup) []int {
	lists := make([][]int, len(groups)) // per destination: its eligible jobs, best first
	for k, g := range groups {
		for _, j := range g.jobs {
			if b.eligible(bids[j] - ask[j]) {
				lists[k] = append(lists[k], j)
			}
		}
		bySpread(lists[k], bids, ask)
	}
	next := make([]int, len(groups)) // per destination: its best job not taken
	var sel []int
	choice := make([]int, m)
	for t := range choice {
		choice[t] = -1
		bestS, bestV := 0.0, 0
		for k := range groups {
			if c == 0 || next[k] == len(lists[k]) {
				continue
			}
			sel = append(sel[:0], lists[k][next[k]:min(len(lists[k]), next[k]+c)]...)
			slices.Sort(sel)
			var s float64
			for _, j := range sel {
				s += bids[j] - ask[j]
			}
			if choice[t] < 0 || b.better(s, len(sel), bestS, bestV) {
				choice[t], bestS, bestV = k, s, len(sel)
			}
		}
		if k := choice[t]; k >= 0 {
			next[k] = min(len(lists[k]), next[k]+c)
		}
	}
	return choice
}
