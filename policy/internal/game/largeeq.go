package game

import (
	"math/rand/v2"

	"github.com/freightsim/freightsim/market/kdouble"
	"github.com/freightsim/freightsim/policy"
)

// Table is a quote as a function of the trader's type on [0, 1]
// (kdouble.Table): an [Agent] that does not learn.
type Table kdouble.Table

// At is the table's quote for type t.
func (q Table) At(t float64) float64 { return kdouble.Table(q).At(t) }

// Quote returns the table's quote at phi = (1, type), without noise.
func (q Table) Quote(_ *rand.Rand, phi []float64) (a, mu, sigma float64) {
	a = q.At(phi[1])
	return a, a, 0
}

// Update does nothing: a table does not learn.
func (Table) Update(*policy.Batch) error { return nil }

// Mean is the table's quote at phi = (1, type).
func (q Table) Mean(phi []float64) float64 { return q.At(phi[1]) }

// Equilibrium is kdouble.Market.Tables for the market's M and K: the
// symmetric Bayesian equilibrium among all quote functions, searched on a
// grid from the linear one.
func (g Large) Equilibrium(n, iters int, tol float64) (bid, ask Table, err error) {
	b, a, err := kdouble.Market{M: g.M, K: g.K}.Tables(n, iters, tol)
	return Table(b), Table(a), err
}

// LinearEquilibrium is kdouble.Market.Linear for the market's M and K: the
// symmetric equilibrium among linear quotes, as (intercept, slope) of the
// bid in the value and of the ask in the cost.
func (g Large) LinearEquilibrium(n, iters int, tol float64) (bid, ask [2]float64, err error) {
	b, a, _, err := kdouble.Market{M: g.M, K: g.K}.Linear(n, iters, tol)
	return [2]float64{b.Intercept, b.Slope}, [2]float64{a.Intercept, a.Slope}, err
}
