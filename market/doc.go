// Package market clears freight spot markets: it decides which waiting
// containers ride a departing truck and at what prices. It is pure data, with
// no clock and no agents: callers (package agents, scheduled by package
// experiments) hand it the orders waiting at a departure and get a [Clearing]
// back. Besides the knapsack broker for one departure it offers the
// assignment of jobs to several carriers departing together
// ([Broker.Assign]), a continuous double auction ([Book]) and the competitive
// equilibrium of step curves ([CompetitiveEquilibrium]).
//
// # The knapsack broker
//
// At a departure of integer capacity C, each waiting [Order] j has an integer
// volume v_j, a bid b_j from its shipper and an ask a_j from the carrier. The
// [Broker] solves the 0-1 knapsack problem
//
//	maximise    sum over S of (b_j - a_j)
//	subject to  sum over S of v_j <= C,  S within the orders with b_j >= a_j,
//
// as in the batch broker of van Heeswijk, "Strategic bidding in freight
// transport using deep reinforcement learning", Annals of Operations Research
// 350 (2025), arXiv 2102.09253 (P1), and the carrier's acceptance rule of van
// Heeswijk, "Smart Containers With Bidding Capacity: A Policy Gradient
// Algorithm for Semi-Cooperative Learning", ICCL 2020, arXiv 2005.00565 (P2).
//
// The solution is exact: the dynamic programme over capacity for the 0-1
// knapsack (Kellerer, Pferschy and Pisinger, Knapsack Problems, Springer
// 2004, chapter 2), with one bit per item and capacity recording the choice
// for the backtrack. Shortcuts that keep it exact: ineligible orders and
// orders larger than C are dropped; if the eligible orders fit together they
// are all taken; volumes and C are divided by the volumes' greatest common
// divisor; and for each item only the capacities that can still reach the
// final answer are computed (at most the volume so far, at least C minus the
// volume still to come). Time is O(n*C) and the choice bits take O(n*C/64)
// words, with n the eligible orders and C the capacity after these
// reductions; a reused Broker allocates nothing once its buffers have grown.
// Clearing 1,000 orders of volume 1..100 against capacity 10,000 takes about
// 9 ms on one core (see BenchmarkClear).
//
// # Ties
//
// At an equilibrium a bid equals its ask, so the spread is exactly zero and
// ties are the normal case, not an accident. The [Tie] rule makes them
// explicit:
//
//   - [TieStrict] (P2 compatibility): an order of spread zero (or less) is
//     never taken, like the paper's carrier, which takes only jobs of strictly
//     positive net value; among selections of equal total spread, the
//     smaller total volume wins.
//   - [TieMaxVolume] (P1 default): orders of spread zero or more are eligible;
//     among selections of equal total spread, the larger total volume wins,
//     so trades at equilibrium prices do happen.
//
// Spreads are compared exactly, as float64 values, with no tolerance: a tie
// is an exact tie. The total spread of a selection is the float64 sum of
// b_j - a_j in ascending order of index, which is what the dynamic programme
// accumulates and what [Clearing.Spread] reports; the maximum of that sum is
// found exactly. With continuous random bids exact ties have probability
// zero; at an equilibrium b == a exactly. When sums round (prices that are not
// small multiples of a power of two), two selections whose exact totals
// differ can round to the same float64; the volume rule then compares what
// the dynamic programme kept, which in rare cases is not the larger (or
// smaller) volume. With integer-valued prices (cents, say) or small multiples
// of a power of two (quarters), every sum is exact and so is the whole rule.
//
// Selections equal in both spread and volume are broken deterministically in
// favour of earlier orders: going from the last order to the first, an order
// is left out whenever an equally good selection without it exists.
// Equivalently, the chosen set, read as a binary number with bit i for order
// i, is the smallest among the optimal ones. The same input always gives the
// same selection.
//
// # Prices
//
// A [PriceRule] says what changes hands for a traded order with bid b and
// ask a:
//
//	rule                 shipper pays   carrier receives   broker keeps
//	spread (P1 default)  b              a                  b - a
//	k-double, k in [0,1] a + k(b-a)     a + k(b-a)         0
//	pay-as-bid (P2)      b              b                  0
//
// Every price lies in [a, b].
//
// # P2 acceptance
//
// In P2 there is no ask: the carrier solves the same knapsack on net value
// b_j - c_j, where c_j is its cost of job j, takes only jobs of strictly
// positive net value, and is paid the bid. That is a Broker with asks equal to
// the costs, [TieStrict] and [PayAsBid]; [P2Acceptance] returns it.
//
// # Efficient benchmark
//
// [Broker.MaxSurplus] is the largest total surplus sum(value - cost) any
// feasible set of jobs could reach against one capacity, from true values
// and costs: the denominator of allocative efficiency (MODEL section 6). It
// runs the same solver.
//
// [Broker.EfficientSurplus] is the benchmark of a whole episode, with one
// carrier or several, at any size: it returns a lower bound (the total of a
// feasible allocation), an upper bound, whether they are equal (Exact) and
// how they were found ([SurplusMethod]). Where the benchmark was computed
// before, it gives the same number bit for bit: MaxSurplus with one carrier
// when the eligible jobs times the capacity stay below [SurplusCells] (or
// the eligible jobs all fit), the spread of [Broker.Assign] under
// [TieStrict] with several below Assign's thresholds for large markets; the
// presets are all there. Beyond, with one carrier it returns the Dantzig
// bound and the greedy of the same order (the gap is at most one job's
// surplus; O(n log n)); with several, the Lagrangian relaxation of the
// capacities, minimised by subgradient steps from the pooled Dantzig price,
// and greedy allocations at the prices found (O(nm) a step, at most 100
// steps, O(n + m) memory). Measured on episodes of 11 epochs of balanced
// scaled by k (165k jobs, 2k carriers of capacity 451; go test -run '^$'
// -bench EfficientSurplusScale ./market):
//
//	k     carriers alike (as in the presets)   carriers whose costs differ
//	      time       gap       before          time       gap       before
//	1     0.30 ms    0.0093 %  0.52 ms         1.8 ms     0.061 %   1.7 ms
//	3     4.6 ms     0.0003 %  7.9 ms          29 ms      0.19 %    30 ms
//	10    0.68 ms    0         0.16 s          9.6 ms     0.14 %    0.43 s
//	30    5.0 ms     0         3.1 s           73 ms      0.21 %    10 s
//	100   63 ms      0         199 s           0.85 s     0.74 %    289 s
//
// (gap: (upper - lower) / upper; before: Assign under TieStrict, what
// experiments computed, with the code before the rewrite. At k = 1 and 3
// the lower bound is Assign's answer, bit for bit, with an upper bound
// added; above, the bounds.) With carriers alike the pooled price is
// already optimal and the bounds meet; when costs differ the subgradient
// needs more steps the more carriers there are, and the greedy lower bound
// is weaker than the assignment heuristic: at k = 30 and 100 it is 0.03 %
// and 0.54 % below what the old heuristic found in 10 s and 289 s (both
// inside the bounds). One carrier with 100,000 jobs against capacity
// 200,000: gap 3e-8 of the total, 30 ms.
//
// # Several carriers
//
// When several carriers depart at one clearing, [Broker.Assign] gives each
// job to at most one carrier c, maximising the total spread
// sum(b_j - a_jc) subject to each carrier's capacity, with the eligibility,
// tie and price rules of Clear. With one carrier it is Clear. With several it
// is a multiple knapsack problem whose profits depend on the knapsack, a
// generalized assignment problem with equal weights across knapsacks, and
// NP-hard (Martello and Toth, Knapsack Problems: Algorithms and Computer
// Implementations, Wiley 1990, chapters 6 and 7; Kellerer, Pferschy and
// Pisinger 2004, chapter 10, for the multiple knapsack problem). Three
// solvers:
//
//   - [Broker.AssignExact]: branch and bound, started from the heuristic's
//     answer, cut by the smaller of two Dantzig bounds (pooled capacity with
//     each job at its best carrier; each carrier on its own). It is exact
//     and unbounded, for tests and measurement; on random binding instances
//     of 20 jobs and 3 carriers it takes about 0.1 ms on average
//     (BenchmarkAssignExact) and 15 ms at worst in 300.
//   - [Broker.AssignHeuristic]: four constructions (sequential exact
//     knapsacks, with Clear's solver, largest or smallest carrier first; the
//     regret greedy of Martello and Toth by spread or by spread per unit),
//     each improved to a local optimum by swaps between carriers and by
//     re-solving each carrier's knapsack against the others; the best is
//     kept. The regret greedy keeps each job's best and runner-up carrier
//     with room and updates only the jobs a carrier no longer has room for
//     (a heap gives the next job), instead of rescanning every job at every
//     step, and sorts each job's carriers lazily. 1,000 jobs, 5 carriers
//     and binding capacities of about 2,000 each take about 130 ms; 30 jobs
//     and 3 carriers of capacity 30..60 about 45 µs (BenchmarkAssign).
//   - above [AssignLargePairs] (16,384) job-carrier pairs, or
//     [AssignLargeCells] jobs times the largest capacity, Assign and
//     AssignHeuristic switch to a heuristic for large markets
//     ([Assignment.Large]): the two regret greedy constructions, each
//     improved by at most 4 cycles of re-solves bounded to each carrier's
//     jobs and the 2*own+16 densest others (filled greedily above 65,536
//     cells) and of swaps bounded to 256 partners a job. Its time grows in
//     proportion to the pairs. It falls short of the four-start heuristic
//     by 0.026 % on average (worst 0.40 %) just above the threshold
//     (BenchmarkAssignLargeGap), by 0.22 % on small instances
//     (TestAssignLargeGap), and finds planted optima of up to 200 carriers.
//     No preset comes near the threshold (at most 1,574 pairs), so their
//     results are those of the four-start heuristic, unchanged.
//
// [Broker.Assign] runs the heuristic and, when at most [AssignExactJobs] (24)
// jobs have an eligible carrier, the exact search with a budget of
// [AssignExactNodes] (100,000) nodes, about 10 ms, shrunk in proportion
// above [AssignExactCarriers] (4) carriers, whose nodes cost more, so that
// the search's time stays bounded whatever the instance. [Assignment.Exact]
// says whether the answer is proven optimal and [Assignment.Search] whether
// the search proved it ([SearchProved]), stopped at its budget with the
// best answer found ([SearchStopped]) or did not run ([NotSearched]).
//
// Measured gap of the heuristic to the optimum, (optimum - heuristic) /
// optimum, over 2,000 random instances of 5..14 jobs and 2 or 3 carriers with
// binding capacities and carrier-dependent asks: mean 0.099 % (standard error
// 0.019 %), worst 17.6 %, optimal in 96.5 % of the instances. The worst
// cases are tiny instances where one large job lands at the wrong carrier and
// no single swap or re-solve can move it. Reproduce with
//
//	go test -run TestAssignHeuristicGap -v ./market
//
// # Speed and scaling
//
// A clearing of balanced scaled by k (2k carriers of capacity 38..44, 15
// jobs per carrier, about 80 % of the pairs eligible; go test -run '^$'
// -bench AssignScale ./market), median of 6 runs on a shared 2-core
// machine (absolute times vary up to twice with the other load; the ratios
// are paired), no allocation once warm:
//
//	k     pairs      Assign     before the rewrite   new/before
//	1     60         40 µs      36 µs                1.04 to 1.09
//	3     540        0.39 ms    0.55 ms              0.96
//	10    6,000      6.4 ms     8.7 ms               0.77 to 0.84
//	30    54,000     16 ms      0.34 s               0.048
//	100   600,000    0.16 s     6.5 s                0.025
//
// The fitted exponent of time against pairs is 0.88 over k = 1..100 (0.95
// from 30 to 100, where the large-market heuristic answers): time grows
// near-linearly with the input, every carrier's ask for every job. Against
// k it is 1.8, since jobs and carriers both grow with k and the pairs as
// k^2; before the rewrite it was 1.33 against pairs (2.7 against k), the
// regret greedy rescanning every job at every step. The ratios for k up to
// 10 come from BenchmarkAssignVsReference, which runs the code before the
// rewrite (kept in assign_ref_test.go) and the new one on the same
// instances in the same process; those for 30 and 100 from one run of
// each. On 64 clearings of fresh arrivals of balanced (the sample of
// theory.json), where the exact search runs, the ratio is 0.91: the same
// nodes, with the bounds' data laid out in order.
//
// # Trucks with one destination each
//
// In a freight network a truck at a hub carries jobs that share one
// destination. [Broker.AssignLanes] assigns a hub's waiting jobs to the
// trucks present under that constraint, maximising the total spread: given
// each truck's destination the problem splits into one assignment problem
// per destination; the destinations are chosen by
// sequential knapsacks (each truck, largest first, takes the best
// destination's knapsack of the jobs left) improved by a local search
// (a truck changes or gives up its destination, two trucks trade theirs).
// Each destination's assignment is AssignHeuristic's (the trucks of one
// carrier ask alike, a symmetry the exact search does not see).
// [Broker.AssignLanesExact] enumerates the destination choices for small
// cases. Measured gap over 400 random instances of 4..12 jobs, 2..4 trucks
// and 2 or 3 destinations: mean 0.46 % (standard error 0.16 %), worst 38 %,
// optimal in 95.5 %
// (go test -run TestAssignLanesHeuristicGap -v ./market).
//
// # The continuous double auction
//
// A [Book] is a limit order book with price-time priority, the continuous
// double auction of Smith, "An Experimental Study of Competitive Market
// Behavior", Journal of Political Economy 70 (1962), and of Gode and Sunder,
// "Allocative Efficiency of Markets with Zero-Intelligence Traders", Journal
// of Political Economy 101 (1993). Shippers submit buy orders (bids for
// transport capacity), carriers sell orders (asks), each for an integer
// quantity of volume units at a limit price per unit. An incoming order
// trades at once with the best crossing resting orders of the other side,
// best price first and among equal prices the earliest, possibly in part,
// until it is filled or no longer crosses; the rest rests in the book, or is
// dropped for an immediate-or-cancel order. A fill trades at the resting
// order's price ([RestingPrice], the usual convention: the order that arrives
// takes the price the book offered), or at the midpoint of the two limits
// ([MidpointPrice]). Orders can be cancelled by id.
//
// Each side of the book is a 4-ary heap of resting orders keyed by (price,
// arrival), with an open-addressing table from order id to heap position, so
// that submit, fill and cancel cost O(log n) for n resting orders whatever
// the prices. Sorted price levels with FIFO queues, the other usual layout,
// were measured on the same event stream (BenchmarkBook: submits and 40 %
// cancels, about 500 orders resting): 22 million events/s with prices on a
// grid of whole units but 11.6 million with continuous prices, where nearly
// every order opens its own level and inserting a level moves half the
// array; the heap does 16 and 18 million. Learned bids in this simulator are
// continuous, so the heap was chosen. A warmed-up book allocates nothing.
//
// # Competitive equilibrium
//
// [CompetitiveEquilibrium] computes the Walrasian equilibrium of step demand
// and supply curves, for the equilibrium curves of capacity scenarios (MODEL
// section 6): the quantity, the band of market-clearing prices and the
// efficient surplus, with jobs expanded into volume units of value V/v. Its
// documentation states the definition, the conventions at the ends of the
// curves and how it treats indivisible jobs (as a fractional upper bound).
package market
