package market

import (
	"fmt"
	"math"
	"slices"
)

// SurplusCells is the largest number of eligible jobs times capacity for
// which [Broker.EfficientSurplus] solves one carrier's knapsack exactly
// (about 0.3 s and 16 MB of choice bits at that size). The presets reach at
// most 4.6 million.
const SurplusCells = 1 << 27

// surplusRounds bounds the subgradient steps of the Lagrangian bound, and
// surplusGreedyEvery says how often the greedy allocation is rebuilt at the
// best prices so far, to raise the lower bound the steps aim at.
const (
	surplusRounds      = 100
	surplusGreedyEvery = 5
)

// SurplusMethod says how [Broker.EfficientSurplus] computed its answer.
type SurplusMethod int

const (
	// SurplusKnapsack: one carrier, the exact knapsack of [Broker.MaxSurplus].
	SurplusKnapsack SurplusMethod = iota
	// SurplusAssign: several carriers, the assignment of [Broker.Assign]
	// (under [TieStrict]); exact when Assign proves it.
	SurplusAssign
	// SurplusBounds: too large for those; a feasible allocation built
	// greedily and an upper bound (Dantzig's with one carrier, a Lagrangian
	// bound with several).
	SurplusBounds
)

var surplusMethodNames = [...]string{SurplusKnapsack: "knapsack", SurplusAssign: "assign", SurplusBounds: "bounds"}

// String returns "knapsack", "assign" or "bounds".
func (s SurplusMethod) String() string {
	if s >= 0 && int(s) < len(surplusMethodNames) {
		return surplusMethodNames[s]
	}
	return fmt.Sprintf("SurplusMethod(%d)", int(s))
}

// Surplus is the efficient benchmark of a set of jobs and carriers
// ([Broker.EfficientSurplus]): the largest total surplus, or bounds on it.
type Surplus struct {
	// Lower is the total surplus of a feasible allocation, summed in
	// ascending order of job: the optimum when Exact. It is the value the
	// benchmark had before bounds existed ([Broker.MaxSurplus] with one
	// carrier, Assign's spread with several) wherever those are used.
	Lower float64
	// Upper is at least the largest total surplus (rounding included);
	// equal to Lower when Exact.
	Upper  float64
	Exact  bool          // whether Lower is proven to be the largest total surplus
	Method SurplusMethod // how it was computed
}

// Gap returns Upper - Lower, the most by which Lower may fall short of the
// optimum.
func (s Surplus) Gap() float64 { return s.Upper - s.Lower }

// EfficientSurplus is the efficient benchmark of an episode (MODEL section
// 6): the largest total surplus sum(values[j] - costs[c][j]) of an
// allocation of jobs to carriers, each job to at most one carrier c, within
// each carrier's capacity, or, where that is too costly, bounds on it.
// costs[c][j] is carrier c's cost of job j.
//
// With one carrier it is [Broker.MaxSurplus], exact, when the eligible jobs
// (positive surplus, volume within the capacity) fit together or number at
// most [SurplusCells] divided by the capacity; with several carriers it is
// the spread of [Broker.Assign] under [TieStrict], exact when Assign proves
// it, as long as Assign does not switch to its heuristic for large markets
// ([AssignLargePairs], [AssignLargeCells]). On those instances the result is
// the same number as those methods give (Lower), with an upper bound added.
//
// Beyond, it returns bounds (Method [SurplusBounds]), in O(n log n) time
// with one carrier and O(n m) per step with several, and O(n + m) memory:
//
//   - one carrier: the Dantzig bound (the fractional knapsack: jobs by
//     decreasing surplus per unit, the first that does not fit taken in
//     part) and the greedy allocation (the same order, each job taken if it
//     still fits). The gap is at most the surplus of one job.
//   - several carriers: the Lagrangian relaxation of the capacities,
//     L(lambda) = sum_c lambda_c C_c + sum_j max(0, max_c s_jc - lambda_c v_j),
//     which bounds the linear relaxation and so the optimum for any
//     lambda >= 0, minimised by at most 100 subgradient steps from the
//     pooled Dantzig price (Held, Wolfe and Crowder 1974; Martello and Toth
//     1990, chapter 7, for this relaxation of the generalized assignment
//     problem); and the best of greedy allocations at the best prices
//     found, rebuilt every 5 steps: each job proposes to its carrier of
//     largest reduced surplus, each carrier keeps its proposals by
//     decreasing surplus per unit while they fit, and the rest go, by
//     decreasing surplus per unit, to the carrier with room where they are
//     worth most. When carriers are alike (the same cost of each job) the
//     pooled price is already optimal and the gap is that of one knapsack;
//     when they differ it is larger (see the package documentation).
//
// The upper bound is widened by a bound on the rounding of its sums. It
// reuses the buffers of Assign: an [Assignment] of b is invalid after it.
// It panics, as Assign does, on slices of different lengths, a negative
// capacity, a volume below 1 or a value or cost that is not finite.
func (b *Broker) EfficientSurplus(values []float64, costs [][]float64, volumes []int, capacities []int) Surplus {
	n, m := len(values), len(capacities)
	if len(volumes) != n || len(costs) != m {
		panic(fmt.Sprintf("market: Broker.EfficientSurplus with %d values, %d volumes, %d rows of costs and %d capacities",
			n, len(volumes), len(costs), m))
	}
	maxCap := 0
	for c, k := range capacities {
		if k < 0 {
			panic(fmt.Sprintf("market: Broker.EfficientSurplus: carrier %d has capacity %d, want >= 0", c, k))
		}
		if len(costs[c]) != n {
			panic(fmt.Sprintf("market: Broker.EfficientSurplus: carrier %d has %d costs for %d jobs", c, len(costs[c]), n))
		}
		for j, x := range costs[c] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				panic(fmt.Sprintf("market: Broker.EfficientSurplus: carrier %d has cost %v for job %d, want a finite number", c, x, j))
			}
		}
		maxCap = max(maxCap, k)
	}
	for j, v := range values {
		switch {
		case volumes[j] < 1:
			panic(fmt.Sprintf("market: Broker.EfficientSurplus: job %d has volume %d, want >= 1", j, volumes[j]))
		case math.IsNaN(v) || math.IsInf(v, 0):
			panic(fmt.Sprintf("market: Broker.EfficientSurplus: job %d has value %v, want a finite number", j, v))
		}
	}
	switch {
	case m == 0:
		return Surplus{Exact: true, Method: SurplusAssign}
	case m == 1:
		eligible, total := 0, 0
		for j, v := range values {
			if v-costs[0][j] > 0 && volumes[j] <= capacities[0] {
				eligible++
				total += volumes[j]
			}
		}
		if total <= capacities[0] || eligible <= SurplusCells/max(capacities[0], 1) {
			s := b.MaxSurplus(values, costs[0], volumes, capacities[0])
			return Surplus{Lower: s, Upper: s, Exact: true, Method: SurplusKnapsack}
		}
		return b.sb.dantzig(values, costs[0], volumes, capacities[0])
	case n*m <= AssignLargePairs && n <= AssignLargeCells/max(maxCap, 1):
		tie, price := b.Tie, b.Price
		b.Tie, b.Price = TieStrict, PriceRule{}
		a := b.Assign(values, costs, volumes, capacities)
		b.Tie, b.Price = tie, price
		r := Surplus{Lower: a.Spread, Upper: a.Spread, Exact: a.Exact, Method: SurplusAssign}
		if !a.Exact {
			_, upper := b.sb.bounds(values, costs, volumes, capacities, a.Spread)
			r.Upper = max(a.Spread, upper)
		}
		return r
	}
	lower, upper := b.sb.bounds(values, costs, volumes, capacities, math.Inf(-1))
	return Surplus{Lower: lower, Upper: upper, Method: SurplusBounds}
}

// surplusBounds holds the buffers of the bounds of EfficientSurplus.
type surplusBounds struct {
	order     []int     // jobs by decreasing best surplus per unit
	top       []float64 // per job: its largest surplus at a carrier that may take it
	topAt     []int32   // and that carrier, or -1
	best      []float64 // per job: its best reduced surplus at the current prices
	arg       []int32   // and that carrier, or -1
	price     []float64 // per carrier: lambda
	bestPrice []float64 // the prices of the lowest bound found
	load      []int     // per carrier: the volume of the jobs whose best it is
	room      []int     // per carrier
	at        []int32   // per job: its carrier in the greedy allocation, or -1
	start     []int     // bucket starts per carrier
	bucket    []int
	saved     []float64
}

// dantzig returns the Dantzig bound and the greedy allocation of one
// carrier's knapsack.
func (sb *surplusBounds) dantzig(values, costs []float64, volumes []int, capacity int) Surplus {
	sb.order = sb.order[:0]
	sb.best = grow(sb.best, len(values))
	for j, v := range values {
		s := v - costs[j]
		sb.best[j] = s
		if s > 0 && volumes[j] <= capacity {
			sb.order = append(sb.order, j)
		}
	}
	slices.SortFunc(sb.order, func(x, y int) int {
		if d := perUnitDesc(sb.best[x], volumes[x], sb.best[y], volumes[y]); d != 0 {
			return d
		}
		return x - y
	})
	sb.at = grow(sb.at, len(values))
	for j := range sb.at {
		sb.at[j] = -1
	}
	upper, mag := 0.0, 0.0
	room, fractional := capacity, false
	for _, j := range sb.order {
		s, v := sb.best[j], volumes[j]
		if !fractional {
			mag += s
			if v <= room {
				upper += s
			} else {
				upper += s * float64(room) / float64(v)
				fractional = true
			}
		}
		if v <= room {
			sb.at[j] = 0
			room -= v
		}
	}
	lower := 0.0
	for j, c := range sb.at {
		if c == 0 {
			lower += sb.best[j]
		}
	}
	// The upper bound sums at most n+1 terms below mag in total; each term
	// rounds by at most 3 ulps (the part taken of the last).
	upper += float64(len(sb.order)+4) * 0x1p-52 * mag
	return Surplus{Lower: lower, Upper: max(upper, lower), Method: SurplusBounds}
}

// evaluate computes, at prices sb.price, each job's best reduced surplus
// max(0, max_c s_jc - price_c v_j) and its carrier, each carrier's load of
// the jobs that choose it, and returns the Lagrangian bound and the sum of
// the magnitudes of its terms (for the rounding allowance).
func (sb *surplusBounds) evaluate(values []float64, costs [][]float64, volumes, capacities []int) (bound, mag float64) {
	n, m := len(values), len(capacities)
	best, arg := sb.best[:n], sb.arg[:n]
	for j := range n {
		best[j], arg[j] = 0, -1
	}
	maxVol := 0
	for _, v := range volumes {
		maxVol = max(maxVol, v)
	}
	for c := range m {
		p := sb.price[c]
		row := costs[c][:n]
		limit := capacities[c]
		// With price p >= 0, s <= 0 gives r <= s <= 0 (rounding is
		// monotone), which never beats best >= 0: only the volume needs a
		// test, and none when every job fits.
		for j, v := range values {
			if r := v - row[j] - p*float64(volumes[j]); r > best[j] && (maxVol <= limit || volumes[j] <= limit) {
				best[j], arg[j] = r, int32(c)
			}
		}
	}
	clear(sb.load)
	for c := range m {
		t := sb.price[c] * float64(capacities[c])
		bound += t
		mag += t
	}
	for j, c := range sb.arg[:n] {
		if c >= 0 {
			bound += sb.best[j]
			sb.load[c] += volumes[j]
			// s + p v bounds the magnitude of both operands of s - p v.
			mag += values[j] - costs[c][j] + sb.price[c]*float64(volumes[j])
		}
	}
	return bound, mag
}

// bounds returns a lower and an upper bound on the largest total surplus of
// several carriers: the best of known (a feasible total, or -Inf) and of the
// greedy allocations at the prices visited, and the lowest Lagrangian bound
// found by subgradient steps from the pooled Dantzig price, widened by its
// rounding. The steps are Polyak's, towards the lower bound, from a quarter
// of the full step, halved after three steps without progress; they stop
// when the bounds are within 0.01 % of each other or after surplusRounds.
func (sb *surplusBounds) bounds(values []float64, costs [][]float64, volumes, capacities []int, known float64) (lower, upper float64) {
	n, m := len(values), len(capacities)
	sb.best = grow(sb.best, n)
	sb.arg = grow(sb.arg, n)
	sb.top = grow(sb.top, n)
	sb.topAt = grow(sb.topAt, n)
	sb.price = grow(sb.price, m)
	sb.bestPrice = grow(sb.bestPrice, m)
	sb.load = grow(sb.load, m)

	// Each job's largest surplus and its carrier: the best at zero prices.
	clear(sb.price)
	sb.evaluate(values, costs, volumes, capacities)
	copy(sb.top, sb.best)
	copy(sb.topAt, sb.arg)

	// The pooled Dantzig price: jobs at their largest surplus, by
	// decreasing surplus per unit, into the carriers' pooled capacity; the
	// price is the surplus per unit of the first that does not fit (0 if
	// all fit). With one price for all carriers the Lagrangian bound is the
	// Dantzig bound of that pooled knapsack.
	sb.byDensity(volumes)
	pooled := 0
	for _, k := range capacities {
		pooled += k
	}
	p0 := 0.0
	for _, j := range sb.order {
		if volumes[j] > pooled {
			p0 = sb.top[j] / float64(volumes[j])
			break
		}
		pooled -= volumes[j]
	}
	for c := range sb.price {
		sb.price[c] = p0
	}
	copy(sb.bestPrice, sb.price)
	lower = max(known, sb.greedy(values, costs, volumes, capacities))

	best, bestMag := math.Inf(1), 0.0
	theta, stale := 0.25, 0
	for r := range surplusRounds {
		if r > 0 && r%surplusGreedyEvery == 0 {
			lower = max(lower, sb.greedyAtBest(values, costs, volumes, capacities))
		}
		bound, mag := sb.evaluate(values, costs, volumes, capacities)
		if bound < best {
			best, bestMag = bound, mag
			copy(sb.bestPrice, sb.price)
			stale = 0
		} else if stale++; stale >= 3 {
			theta /= 2
			stale = 0
		}
		norm := 0.0
		for c, k := range capacities {
			g := float64(k - sb.load[c])
			norm += g * g
		}
		gap := best - lower
		if norm == 0 || gap <= 1e-4*math.Abs(best) {
			break
		}
		step := theta * (bound - lower) / norm
		for c, k := range capacities {
			sb.price[c] = max(0, sb.price[c]-step*float64(k-sb.load[c]))
		}
	}
	lower = max(lower, sb.greedyAtBest(values, costs, volumes, capacities))
	// Each of the n+m terms rounds by at most a few ulps of the magnitudes,
	// and their sum by n+m ulps of its magnitude.
	upper = best + float64(n+m+8)*0x1p-52*2*bestMag
	return lower, max(upper, lower)
}

// byDensity sorts the jobs with a carrier that may take them by decreasing
// sb.top per unit of volume (ties: lower job) into sb.order.
func (sb *surplusBounds) byDensity(volumes []int) {
	sb.order = sb.order[:0]
	for j, c := range sb.topAt[:len(volumes)] {
		if c >= 0 {
			sb.order = append(sb.order, j)
		}
	}
	slices.SortFunc(sb.order, func(x, y int) int {
		if d := perUnitDesc(sb.top[x], volumes[x], sb.top[y], volumes[y]); d != 0 {
			return d
		}
		return x - y
	})
}

// greedyAtBest runs greedy at sb.bestPrice, leaving sb.price as it was.
func (sb *surplusBounds) greedyAtBest(values []float64, costs [][]float64, volumes, capacities []int) float64 {
	sb.saved = append(sb.saved[:0], sb.price...)
	copy(sb.price, sb.bestPrice)
	total := sb.greedy(values, costs, volumes, capacities)
	copy(sb.price, sb.saved)
	return total
}

// greedy returns the total surplus, summed in ascending order of job, of
// the greedy allocation at prices sb.price: each job proposes to its
// carrier of largest reduced surplus, each carrier keeps its proposals by
// decreasing surplus per unit while they fit, and the jobs left go, by
// decreasing largest surplus per unit (sb.order), to the carrier with room
// where they are worth most (ties: lower carrier).
func (sb *surplusBounds) greedy(values []float64, costs [][]float64, volumes, capacities []int) float64 {
	n, m := len(values), len(capacities)
	sb.evaluate(values, costs, volumes, capacities)

	// Proposals, bucketed by carrier.
	sb.start = grow(sb.start, m+1)
	clear(sb.start)
	for _, c := range sb.arg[:n] {
		if c >= 0 {
			sb.start[c+1]++
		}
	}
	for c := range m {
		sb.start[c+1] += sb.start[c]
	}
	sb.bucket = grow(sb.bucket, sb.start[m])
	sb.room = grow(sb.room, m)
	copy(sb.room, sb.start[:m]) // next free place of each bucket
	for j, c := range sb.arg[:n] {
		if c >= 0 {
			sb.bucket[sb.room[c]] = j
			sb.room[c]++
		}
	}
	sb.at = grow(sb.at, n)
	for j := range n {
		sb.at[j] = -1
	}
	copy(sb.room, capacities)
	for c := range m {
		jobs := sb.bucket[sb.start[c]:sb.start[c+1]]
		row := costs[c]
		slices.SortFunc(jobs, func(x, y int) int {
			if d := perUnitDesc(values[x]-row[x], volumes[x], values[y]-row[y], volumes[y]); d != 0 {
				return d
			}
			return x - y
		})
		for _, j := range jobs {
			if volumes[j] <= sb.room[c] {
				sb.at[j] = int32(c)
				sb.room[c] -= volumes[j]
			}
		}
	}

	// The jobs left, to the carrier with room where they are worth most.
	maxRoom := slices.Max(sb.room)
	for _, j := range sb.order {
		v := volumes[j]
		if sb.at[j] >= 0 || v > maxRoom {
			continue
		}
		bc, bs := -1, 0.0
		for c := range m {
			if v > sb.room[c] {
				continue
			}
			if s := values[j] - costs[c][j]; s > 0 && v <= capacities[c] && (bc < 0 || s > bs) {
				bc, bs = c, s
			}
		}
		if bc >= 0 {
			sb.at[j] = int32(bc)
			if sb.room[bc] == maxRoom {
				sb.room[bc] -= v
				maxRoom = slices.Max(sb.room)
			} else {
				sb.room[bc] -= v
			}
		}
	}
	total := 0.0
	for j, c := range sb.at[:n] {
		if c >= 0 {
			total += values[j] - costs[c][j]
		}
	}
	return total
}
