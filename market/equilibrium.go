package market

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Step is one step of a demand or a supply curve: Qty volume units, each
// valued (demand) or costing (supply) Price. A job of value V and volume v
// gives the demand step {V/v, v}; a carrier of cost k per volume unit and
// capacity C gives the supply step {k, C}.
type Step struct {
	Price float64 // per volume unit, finite
	Qty   int     // volume units, >= 0; a step of 0 units is ignored
}

// Validate reports whether the step has a finite price and a quantity of at
// least 0.
func (s Step) Validate() error {
	if s.Qty < 0 {
		return fmt.Errorf("step quantity %d, want >= 0", s.Qty)
	}
	if math.IsNaN(s.Price) || math.IsInf(s.Price, 0) {
		return fmt.Errorf("step price %v, want a finite number", s.Price)
	}
	return nil
}

// Equilibrium is the competitive equilibrium of step curves: the quantity
// traded, the band of market-clearing prices and the surplus of the efficient
// trades. See [CompetitiveEquilibrium].
type Equilibrium struct {
	Quantity  int     // Q: the largest efficient quantity, in volume units
	Low, High float64 // the market-clearing prices [Low, High]; may be -Inf or +Inf
	Surplus   float64 // sum over the first Q units of (d_k - s_k)
}

// CompetitiveEquilibrium returns the Walrasian equilibrium of a demand and a
// supply curve given as steps, in any order.
//
// Definition. The curves are expanded into volume units: demand unit values
// d_1 >= d_2 >= ... (every step's units, highest price first) and supply unit
// costs s_1 <= s_2 <= .... By convention d_k = -Inf beyond the last demand
// unit (nobody buys more at any price), s_k = +Inf beyond the last supply
// unit (nobody sells more at any price), and d_0 = +Inf, s_0 = -Inf. Then
//
//	Q    = the largest k >= 0 with d_k >= s_k
//	Low  = max(s_Q, d_{Q+1})
//	High = min(d_Q, s_{Q+1})
//	Surplus = sum over k = 1..Q of (d_k - s_k)
//
// Units with d_k = s_k trade (the quantity is the largest of the efficient
// ones, like [TieMaxVolume]). Low <= High always holds, and the band is
// exactly the set of prices p at which Q units can change hands with every
// trader content: with D>(p), D>=(p) the demand units valued above, at least,
// p, and S<(p), S<=(p) the supply units costing below, at most, p,
//
//	D>(p) <= Q <= D>=(p)  and  S<(p) <= Q <= S<=(p)  exactly when  Low <= p <= High.
//
// At any p outside the band, no quantity satisfies both (demand and supply
// cannot be matched). With no demand Low is -Inf, with no supply High is
// +Inf; with both empty the band is the whole line.
//
// Indivisible jobs. Expanding a job of volume v into v units of value V/v
// treats it as divisible: the curves are those of the fractional market, and
// Surplus is an upper bound on what indivisible jobs can reach. For one
// carrier with cost k per unit and capacity C it is the fractional knapsack
// bound, at least [Broker.MaxSurplus] with costs k*v_j; the two are equal when
// the fractional optimum takes no job in part.
//
// Surplus is summed block by block, (d - s)*n for each run of n units with the
// same d and s, in order of k. The function sorts copies of its arguments (it
// allocates) and panics if a step fails [Step.Validate].
func CompetitiveEquilibrium(demand, supply []Step) Equilibrium {
	for i, s := range demand {
		if err := s.Validate(); err != nil {
			panic(fmt.Sprintf("market: CompetitiveEquilibrium: demand step %d: %v", i, err))
		}
	}
	for i, s := range supply {
		if err := s.Validate(); err != nil {
			panic(fmt.Sprintf("market: CompetitiveEquilibrium: supply step %d: %v", i, err))
		}
	}
	d := nonEmpty(demand)
	s := nonEmpty(supply)
	slices.SortStableFunc(d, func(a, b Step) int { return cmp.Compare(b.Price, a.Price) })
	slices.SortStableFunc(s, func(a, b Step) int { return cmp.Compare(a.Price, b.Price) })

	var e Equilibrium
	dQ, sQ := math.Inf(1), math.Inf(-1) // d_Q and s_Q
	i, j := 0, 0                        // the steps holding units Q+1
	ri, rj := 0, 0                      // units of steps i and j not yet traded
	if len(d) > 0 {
		ri = d[0].Qty
	}
	if len(s) > 0 {
		rj = s[0].Qty
	}
	for i < len(d) && j < len(s) && d[i].Price >= s[j].Price {
		n := min(ri, rj)
		e.Quantity += n
		e.Surplus += (d[i].Price - s[j].Price) * float64(n)
		dQ, sQ = d[i].Price, s[j].Price
		ri -= n
		rj -= n
		if ri == 0 {
			if i++; i < len(d) {
				ri = d[i].Qty
			}
		}
		if rj == 0 {
			if j++; j < len(s) {
				rj = s[j].Qty
			}
		}
	}
	dNext, sNext := math.Inf(-1), math.Inf(1) // d_{Q+1} and s_{Q+1}
	if i < len(d) {
		dNext = d[i].Price
	}
	if j < len(s) {
		sNext = s[j].Price
	}
	e.Low = math.Max(sQ, dNext)
	e.High = math.Min(dQ, sNext)
	return e
}

// nonEmpty returns a copy of the steps with at least one unit.
func nonEmpty(steps []Step) []Step {
	out := make([]Step, 0, len(steps))
	for _, s := range steps {
		if s.Qty > 0 {
			out = append(out, s)
		}
	}
	return out
}
