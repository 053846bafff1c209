package market

import (
	"fmt"
	"math"
	"slices"
)

// Assignment is the result of assigning jobs to several carriers departing at
// one clearing ([Broker.Assign]). Its slices are owned by the Broker and valid
// until its next Assign, AssignExact or AssignHeuristic; copy them to keep
// them.
type Assignment struct {
	Carrier []int     // Carrier[j] is the carrier of job j, or -1 if it does not ship
	Pay     []float64 // Pay[j] is what the shipper of job j pays (0 if it does not ship)
	Receive []float64 // Receive[j] is what its carrier receives (0 if it does not ship)
	Load    []int     // Load[c] is the volume assigned to carrier c
	Volume  int       // total assigned volume
	Spread  float64   // total spread, summed in ascending order of job
	Kept    float64   // total kept by the broker: the sum of Pay[j] - Receive[j]
	Exact   bool      // whether the assignment is proven optimal
	Search  Search    // whether the exact search ran and how it ended
	Nodes   int       // the search nodes it visited (0 if it did not run)
	Large   bool      // whether the heuristic for large markets found it (see AssignLargePairs)
}

// Search says whether the exact search of an assignment ran and how it
// ended: a caller tells a proven optimum from the best answer found within
// the budget.
type Search int

const (
	// NotSearched: the search did not run. The answer is optimal by
	// construction (Exact: one carrier, or every job fits at its best
	// carrier) or the heuristic's (more than [AssignExactJobs] jobs with an
	// eligible carrier, or [Broker.AssignHeuristic]).
	NotSearched Search = iota
	// SearchProved: the search ran to its end; the answer is optimal (Exact).
	SearchProved
	// SearchStopped: the search used up its node budget ([Broker.Assign]
	// only). The answer is the best found, the heuristic's or better, and
	// is not proven optimal.
	SearchStopped
)

var searchNames = [...]string{NotSearched: "not searched", SearchProved: "proved", SearchStopped: "stopped at budget"}

// String returns "not searched", "proved" or "stopped at budget".
func (s Search) String() string {
	if s >= 0 && int(s) < len(searchNames) {
		return searchNames[s]
	}
	return fmt.Sprintf("Search(%d)", int(s))
}

// Assign assigns each job to at most one carrier so as to maximise the total
// spread sum(bids[j] - asks[c][j]) over assigned pairs, subject to each
// carrier's capacity, using only pairs the tie rule makes eligible (spread
// > 0 under [TieStrict], >= 0 under [TieMaxVolume]); among assignments of
// equal spread the tie rule prefers the larger (TieMaxVolume) or smaller
// (TieStrict) total volume. Prices follow b.Price, as for [Broker.Clear].
//
// asks[c][j] is carrier c's ask for job j; volumes[j] is job j's volume and
// capacities[c] carrier c's capacity. With one carrier the result is exactly
// that of Clear (same selection, same tie breaking) and Exact is true.
//
// This is a multiple knapsack problem with assignment-dependent profits, a
// generalized assignment problem, and NP-hard. Assign runs the heuristic of
// [Broker.AssignHeuristic] and then, when at most [AssignExactJobs] jobs have
// an eligible carrier, tries to prove or improve it with the branch and bound
// of [Broker.AssignExact] within a budget of [AssignExactNodes] search nodes
// (fewer with more than [AssignExactCarriers] carriers, so that the time of
// the search stays bounded whatever the number of carriers). Exact reports
// whether the answer is proven optimal; Search tells an optimum proved by
// the search ([SearchProved]) from the best answer found within the budget
// ([SearchStopped]) and from an answer where the search did not run
// ([NotSearched]: optimal by construction, one carrier or every job fitting
// at its best carrier, or the heuristic's). The simulation calls Assign
// only, so its worst case is bounded.
//
// It panics, as for a programmer error, if the slices disagree in length, if
// a capacity is negative, if a volume is below 1, if a bid or ask is not
// finite, or if the broker fails [Broker.Validate].
func (b *Broker) Assign(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("Assign", bids, asks, volumes, capacities, assignAuto)
}

// AssignExact is [Broker.Assign] with the branch and bound always run to the
// end, with no budget: the result is optimal (Exact is true, Search is
// [SearchProved]), but the time grows exponentially with the number of jobs
// in the worst case (TestAssignAutoBudget builds instances where it does).
// It is meant for tests and for measuring the heuristic, on small
// instances; nothing in the simulation calls it. On random instances
// of 20 jobs and 3 carriers with binding capacities it takes 0.2 ms on
// average and 15 ms at worst in 300 (see BenchmarkAssignExact).
//
// Search: depth first from the heuristic's assignment, jobs in order of
// decreasing best spread per volume unit, each tried at its eligible carriers
// with room in order of decreasing spread and then left unassigned. A node is
// cut when the smaller of two upper bounds on what the jobs left can add
// cannot beat the best assignment found: the Dantzig bound (fractional
// knapsack) of the jobs left, each at its best spread, into the carriers'
// pooled remaining capacity, and the sum over carriers of each carrier's own
// Dantzig bound. Jobs that fit no carrier's remaining capacity are left out
// of both (Martello and Toth 1990, chapters 6 and 7, for these bounds).
// Totals are compared as in Clear, summed in ascending order of job; the
// bounds are widened by (2nm+8)*m*2^-52 times the largest possible total,
// more than the rounding of the sums, so no optimal branch is cut by
// rounding. Among assignments equal in spread and volume, the first found
// wins.
func (b *Broker) AssignExact(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("AssignExact", bids, asks, volumes, capacities, assignExact)
}

// AssignHeuristic is [Broker.Assign] without the exact search: a
// multi-start local search. It builds four assignments,
//
//   - sequential knapsacks, largest capacity first: each carrier in turn
//     solves its knapsack exactly, with Clear's solver, on the jobs still
//     unassigned;
//   - sequential knapsacks, smallest capacity first;
//   - the regret greedy of Martello and Toth for the generalized assignment
//     problem, ranking a job's carriers by spread: repeatedly, the unassigned
//     job whose best carrier with room beats its second best by the most (a
//     job with one carrier left first) goes to its best carrier;
//   - the same, ranking carriers by spread per volume unit,
//
// improves each to a local optimum and keeps the best (ties: the earlier in
// this list). The improving steps, applied in a cycle until a whole cycle
// changes nothing (at most 50 cycles):
//
//   - swaps: two jobs at different carriers trade places when both fit and
//     the total spread rises;
//   - re-solves: carrier c solves its knapsack again on its own jobs and the
//     unassigned ones, worth their spread at c, and on the jobs of other
//     carriers worth more at c, worth the gain; the result is taken if it
//     raises the total spread (or keeps it and moves the volume the tie
//     rule's way). This moves jobs to where they are worth more, also when c
//     must drop jobs to make room, and refills carriers from the unassigned.
//
// Every step keeps the assignment feasible and never lowers the objective.
// Its measured gap to the optimum is in the package documentation. Exact is
// true only when the answer is optimal by construction.
//
// Above [AssignLargePairs] job-carrier pairs, or [AssignLargeCells] jobs
// times the largest capacity, it runs the heuristic for large markets
// instead (Large is set): two regret greedy constructions, each improved by
// bounded re-solves and swaps, at a cost that grows near-linearly with the
// number of pairs; see the package documentation. No preset comes near
// these sizes, so their results are those of the four-start search.
func (b *Broker) AssignHeuristic(bids []float64, asks [][]float64, volumes []int, capacities []int) Assignment {
	return b.assign("AssignHeuristic", bids, asks, volumes, capacities, assignHeuristic)
}

const (
	// AssignExactJobs is the largest number of jobs with an eligible carrier
	// for which [Broker.Assign] runs the exact search after the heuristic.
	AssignExactJobs = 24
	// AssignExactNodes is the node budget of that search with at most
	// [AssignExactCarriers] carriers; with m more carriers it is
	// AssignExactNodes*AssignExactCarriers/m, since a node costs time in
	// proportion to the carriers. At 70 to 110 ns a node (20 to 24 jobs, 3
	// to 5 carriers) it bounds the search at about 10 ms whatever the
	// number of carriers.
	AssignExactNodes = 100_000
	// AssignExactCarriers is the number of carriers up to which the search
	// has the whole of AssignExactNodes.
	AssignExactCarriers = 4
)

// exactBudget is the node budget of Assign's exact search with m carriers.
func exactBudget(m int) int {
	return max(1, AssignExactNodes*AssignExactCarriers/max(m, AssignExactCarriers))
}

type assignMode int

const (
	assignAuto assignMode = iota
	assignExact
	assignHeuristic
)

// heuristicRounds bounds the improvement cycles of the heuristic. Each step
// that changes anything raises the objective strictly, so this only guards
// against cycling through rounding; on the benchmarks a handful are used.
const heuristicRounds = 50

// assigner holds the state and buffers of one assignment problem.
type assigner struct {
	n, m     int
	sign     int       // +1 under TieMaxVolume, -1 under TieStrict: the tie key is sign*volume
	spread   []float64 // spread[j*m+c] = bids[j] - asks[c][j]
	ok       []bool    // ok[j*m+c]: the pair is eligible and the job fits the carrier's capacity
	vol      []int
	capacity []int
	bids     []float64   // the caller's bids and asks: bids[j]-asks[c][j] is spread[j*m+c]
	asks     [][]float64 // (read by carrier, in the large-market heuristic)
	rem      []int       // remaining capacity per carrier
	cur      []int       // carrier of each job, or -1
	byCap    []int       // carriers in the order of a sequential construction
	hBest    []int       // the best assignment of the heuristic so far
	shipped  []int       // the assigned jobs, for swap
	sel      []int       // knapsack selection
	rg       regretState
	lg       largeState
	curS     []float64 // spread of each job at its carrier (large-market heuristic)

	// branch and bound
	order      []int     // jobs with an eligible carrier, by decreasing best spread per unit
	cands      []int     // cands[q*m:q*m+ncand[q]]: eligible carriers of order[q], by decreasing spread
	ncand      []int     // number of eligible carriers of order[q]
	maxS       []float64 // best eligible spread of each job
	best       []int     // incumbent
	bestS      float64
	bestT      int
	tol        float64
	posOf      []int     // position of each job in order
	byCarrier  []int     // each carrier's eligible jobs by decreasing spread per unit,
	carrierEnd []int     // carrier c's in byCarrier[carrierEnd[c-1]:carrierEnd[c]]
	ordVol     []int     // ordVol[q], ordMaxS[q]: volume and best spread of order[q]
	ordMaxS    []float64 //
	bcPos      []int     // bcPos[i], bcVol[i], bcS[i]: position in order, volume and
	bcVol      []int     // spread at the carrier of byCarrier[i]
	bcS        []float64 //
	freeCap    int       // sum of rem
	nodes      int
	budget     int // 0: none
	aborted    bool
}

// load validates an instance and sets up b.as for it: spreads, eligibility,
// every job unassigned and every carrier empty.
func (b *Broker) load(name string, bids []float64, asks [][]float64, volumes []int, capacities []int) {
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
	a.bids, a.asks = bids, asks
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

func (b *Broker) assign(name string, bids []float64, asks [][]float64, volumes []int, capacities []int, mode assignMode) Assignment {
	b.load(name, bids, asks, volumes, capacities)
	a := &b.as
	m := a.m

	exact, large, search := false, false, NotSearched
	a.nodes = 0
	switch {
	case m == 1:
		b.knapsackFor(0, false)
		exact = true
	case mode != assignHeuristic && a.unitAlike():
		a.matchSorted()
		exact = true
	case a.bestFits():
		exact = true
	default:
		if a.isLarge() {
			b.largeHeuristic()
			large = true
		} else {
			b.heuristic()
		}
		if mode == assignExact || (mode == assignAuto && a.eligibleJobs() <= AssignExactJobs) {
			a.budget = 0
			if mode == assignAuto {
				a.budget = exactBudget(m)
			}
			exact = a.branchAndBound()
			search = SearchStopped
			if exact {
				search = SearchProved
			}
		}
	}
	r := b.price(bids, asks, exact)
	r.Search, r.Nodes, r.Large = search, a.nodes, large
	a.vol, a.capacity, a.bids, a.asks = nil, nil, nil, nil // do not keep the caller's slices alive
	return r
}

// bestFits puts every job at its best eligible carrier (largest spread, ties:
// lower index) and reports whether that respects every capacity, in which
// case it is optimal: it reaches the largest spread of every job and the
// largest (TieMaxVolume) or only possible (TieStrict) volume. Otherwise it
// leaves every job unassigned.
func (a *assigner) bestFits() bool {
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

func (a *assigner) eligibleJobs() int {
	k := 0
	for j := range a.n {
		if slices.Contains(a.ok[j*a.m:(j+1)*a.m], true) {
			k++
		}
	}
	return k
}

func (a *assigner) resetRem() {
	copy(a.rem, a.capacity)
	for j, c := range a.cur[:a.n] {
		if c >= 0 {
			a.rem[c] -= a.vol[j]
		}
	}
}

// total returns the objective of the current assignment: the spread summed
// in ascending order of job, and the tie key sign*volume.
func (a *assigner) total() (float64, int) {
	s, v := 0.0, 0
	for j, c := range a.cur[:a.n] {
		if c >= 0 {
			s += a.spread[j*a.m+c]
			v += a.vol[j]
		}
	}
	return s, a.sign * v
}

// price fills the broker's Assignment from the current assignment.
func (b *Broker) price(bids []float64, asks [][]float64, exact bool) Assignment {
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
	if b.Price.Kind == KDoubleUniform {
		uniformAssign(b.Price.K, bids, asks, a.vol, a.capacity, &r)
	}
	return r
}
