// Package game holds three small markets that drive the learners of package
// policy the way package agents does (features in, a quote out, each
// round's reward as the return of a one-decision trajectory, one update per
// episode), without the rest of freightsim, so that the learners can be
// developed, tested and benchmarked against known equilibria:
//
//   - [Bilateral], the bilateral k-double auction of Chatterjee and
//     Samuelson (1983): value and cost uniform on [0, 1], trade when the bid
//     is at least the ask, at price k*bid + (1-k)*ask. Its linear Bayesian
//     equilibrium is bid(v) = v/(1+k) + k(1-k)/(2(1+k)) and
//     ask(c) = c/(2-k) + (1-k)/2 ([Bilateral.Equilibrium]).
//   - [Freight], the deterministic market of the strategic-bidding preset
//     (van Heeswijk 2025, P1): the same four jobs every epoch, a shipper's
//     bid and a carrier's ask per job, the broker keeps the spread. Any
//     bid = ask = p with cost <= p <= value is an equilibrium for a job worth
//     shipping; [Freight.Adherence] measures how far the learned quotes are.
//   - [Large], the m x m k-double auction of Rustichini, Satterthwaite and
//     Williams (1994): M buyers and M sellers with one unit each, one price
//     for every trade; in equilibrium misreporting shrinks like 1/M and
//     inefficiency like 1/M² ([Large.Measure] measures both).
//
// It is internal: a test bench, not a model.
package game
