// Package kdouble computes the Bayesian equilibria of the m x m k-double
// auction with one price (Rustichini, Satterthwaite and Williams 1994,
// "Convergence to efficiency in a simple market with incomplete
// information", Econometrica 62(5)): each round m buyers with one unit
// each, values uniform on [0, 1], and m sellers with one unit each, costs
// uniform on [0, 1], quote at once; the 2m quotes are sorted, s(1) <= ...
// <= s(2m), and every trade clears at p = (1-k) s(m) + k s(m+1) (the rule
// [market.KDoubleUniform] prices a clearing by).
//
// [Market.Linear] computes the symmetric equilibrium among quotes linear
// in the type, the strategies a linear policy on (1, type) can take; at
// m = 1 it is Chatterjee and Samuelson's closed form, at k = 1 the buyer's
// bid double auction's (sellers ask their cost, buyers bid m/(m+1) of their
// value; Satterthwaite and Williams 1989) and at k = 0 its mirror, as the
// tests check. [Market.Tables]
// searches the equilibrium among all quote functions, starting from it.
// Both compute expected gains exactly on a grid (no sampling), so the
// answers are deterministic.
//
// The package knows no scenario and no learner: experiments/equilibrium
// asks it for the theory of a scenario that is this market, and the
// learners' test bench (policy/internal/game) for its checks.
package kdouble
