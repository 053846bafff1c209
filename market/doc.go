// Package market clears freight spot markets: it decides which waiting
// containers ride a departing truck and at what prices. It is pure data, with
// no clock and no agents: callers (package agents, scheduled by package
// experiments) hand it the orders waiting at a departure and get a [Clearing]
// back.
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
// feasible set of jobs could reach, from true values and costs: the
// denominator of allocative efficiency (MODEL section 6). It runs the same
// solver.
package market
