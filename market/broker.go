package market

import (
	"fmt"
	"math"
)

// Order is one container (one job) waiting at a clearing.
type Order struct {
	Volume int     // integer volume units, >= 1
	Bid    float64 // what the shipper offers
	Ask    float64 // what the carrier asks (its cost under P2 acceptance)
}

// Validate reports whether the order can be cleared: a volume of at least 1
// and a finite bid and ask. [Broker.Clear] panics on an order that fails it.
func (o Order) Validate() error {
	if o.Volume < 1 {
		return fmt.Errorf("order volume %d, want >= 1", o.Volume)
	}
	if math.IsNaN(o.Bid) || math.IsInf(o.Bid, 0) {
		return fmt.Errorf("order bid %v, want a finite number", o.Bid)
	}
	if math.IsNaN(o.Ask) || math.IsInf(o.Ask, 0) {
		return fmt.Errorf("order ask %v, want a finite number", o.Ask)
	}
	return nil
}

// Tie is the rule that decides eligibility of zero-spread orders and breaks
// ties between selections of equal total spread.
type Tie int

const (
	// TieStrict (P2 compatibility): an order whose spread is zero or negative
	// is never taken; among selections of equal total spread, the smaller
	// total volume wins.
	TieStrict Tie = iota
	// TieMaxVolume (P1 default): orders with spread >= 0 are eligible; among
	// selections of equal total spread, the larger total volume wins.
	TieMaxVolume
)

var tieNames = [...]string{TieStrict: "strict", TieMaxVolume: "max-volume"}

// String returns the name used in configuration: "strict" or "max-volume".
func (t Tie) String() string {
	if t >= 0 && int(t) < len(tieNames) {
		return tieNames[t]
	}
	return fmt.Sprintf("Tie(%d)", int(t))
}

// ParseTie is the inverse of [Tie.String].
func ParseTie(s string) (Tie, error) {
	for t, name := range tieNames {
		if s == name {
			return Tie(t), nil
		}
	}
	return 0, fmt.Errorf("unknown tie rule %q (allowed: %q, %q)",
		s, tieNames[TieStrict], tieNames[TieMaxVolume])
}

// MarshalText implements encoding.TextMarshaler.
func (t Tie) MarshalText() ([]byte, error) {
	if t < 0 || int(t) >= len(tieNames) {
		return nil, fmt.Errorf("unknown tie rule %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseTie].
func (t *Tie) UnmarshalText(text []byte) error {
	v, err := ParseTie(string(text))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Broker clears orders against a capacity. The zero value clears with
// [TieStrict] and the [Spread] price rule. A Broker owns reusable buffers: it
// is not safe for concurrent use, and after a warm-up its clearings allocate
// nothing.
type Broker struct {
	Tie   Tie
	Price PriceRule

	ks      knapsack
	sel     []int // Clearing.Selected
	pay     []float64
	receive []float64
	scratch []int // MaxSurplus's selection, kept apart so it leaves the last Clearing intact

	as        assigner // Assign's problem and buffers
	asPay     []float64
	asReceive []float64
	asLoad    []int

	sb surplusBounds // EfficientSurplus's bounds

	// The rules last validated: Clear validates them again only when they
	// change (ok: they were valid).
	okTie   Tie
	okPrice PriceRule
	ok      bool
}

// P2Acceptance returns the broker of the smart-containers paper (van Heeswijk
// 2020): the carrier takes the jobs that maximise its total net value bid -
// cost under its capacity, only jobs of strictly positive net value, and is
// paid the bid. Give each order Ask = the carrier's cost of the job.
func P2Acceptance() *Broker {
	return &Broker{Tie: TieStrict, Price: PriceRule{Kind: PayAsBid}}
}

// Validate reports whether the broker's tie rule and price rule are known and
// valid. [Broker.Clear] panics if they are not.
func (b *Broker) Validate() error {
	if b.Tie != TieStrict && b.Tie != TieMaxVolume {
		return fmt.Errorf("unknown tie rule %d", int(b.Tie))
	}
	if err := b.Price.Validate(); err != nil {
		return err
	}
	return nil
}

// Clearing is the result of one clearing. Its slices are owned by the Broker
// and valid until its next Clear; copy them to keep them.
type Clearing struct {
	Selected []int     // indices into the orders slice, ascending
	Pay      []float64 // Pay[i] is what the shipper of Selected[i] pays
	Receive  []float64 // Receive[i] is what the carrier of Selected[i] receives
	Volume   int       // total selected volume
	Spread   float64   // total bid-ask spread of the selection
	Kept     float64   // total kept by the broker
}

// Clear selects the feasible set of orders of maximum total spread under
// b.Tie and prices it under b.Price. Spread and Kept are summed in ascending
// order of index; Kept is the sum of Pay[i]-Receive[i], so under [Spread] it
// equals Spread exactly and under the other rules it is exactly 0.
//
// Capacity 0 selects nothing. Clear panics, as for a programmer error, if
// capacity < 0, if an order fails [Order.Validate], or if the broker fails
// [Broker.Validate].
func (b *Broker) Clear(orders []Order, capacity int) Clearing {
	if capacity < 0 {
		panic(fmt.Sprintf("market: Broker.Clear with capacity %d, want >= 0", capacity))
	}
	if !b.ok || b.Tie != b.okTie || b.Price != b.okPrice {
		if err := b.Validate(); err != nil {
			panic("market: Broker.Clear: " + err.Error())
		}
		b.ok, b.okTie, b.okPrice = true, b.Tie, b.Price
	}
	// The candidates the knapsack would keep (knapsack.add), in one pass:
	// when they fit together they are its unique optimum (knapsack.solve's
	// first case), and the knapsack runs only when they do not.
	sel, total := b.sel[:0], 0
	for i, o := range orders {
		// x-x is 0 exactly when x is finite: the test of Order.Validate
		// without its call, which runs only to name what is wrong.
		if o.Volume < 1 || o.Bid-o.Bid != 0 || o.Ask-o.Ask != 0 {
			panic(fmt.Sprintf("market: Broker.Clear: order %d: %v (check orders with Order.Validate)", i, o.Validate()))
		}
		if b.Eligible(o, capacity) {
			sel = append(sel, i)
			total += o.Volume
		}
	}
	if total > capacity {
		b.ks.reset(capacity, b.Tie)
		for _, i := range sel {
			o := orders[i]
			b.ks.add(i, o.Volume, o.Bid-o.Ask)
		}
		sel = b.ks.solve(sel[:0])
	}
	b.sel = sel

	n := len(b.sel)
	b.pay = grow(b.pay, n)
	b.receive = grow(b.receive, n)
	c := Clearing{Selected: b.sel, Pay: b.pay[:n], Receive: b.receive[:n]}
	for i, j := range b.sel {
		o := orders[j]
		pay, receive := b.Price.Prices(o.Bid, o.Ask)
		c.Pay[i], c.Receive[i] = pay, receive
		c.Volume += o.Volume
		c.Spread += o.Bid - o.Ask
		c.Kept += pay - receive
	}
	if b.Price.Kind == KDoubleUniform {
		uniformClear(b.Price.K, orders, capacity, &c)
	}
	return c
}

// Eligible reports whether [Broker.Clear] may select order o under b.Tie
// at the capacity: its spread Bid-Ask is positive (or zero under
// [TieMaxVolume]) and its volume within the capacity. When the eligible
// orders' volumes sum to at most the capacity, Clear selects exactly them
// and prices each by b.Price.Prices, but under [KDoubleUniform], whose
// one price may take more.
func (b *Broker) Eligible(o Order, capacity int) bool {
	s := o.Bid - o.Ask
	return (s > 0 || (s == 0 && b.Tie == TieMaxVolume)) && o.Volume <= capacity
}

// MaxSurplus is the efficient benchmark of one clearing (MODEL section 6):
// the largest total surplus sum(values[j] - costs[j]) of a set of jobs whose
// volumes fit in capacity, computed by the same exact knapsack as Clear with
// bid = value and ask = cost, and summed in ascending order of index like
// Clearing.Spread. It returns 0 when no job has positive surplus. It does not
// disturb the last Clearing.
//
// It panics if the slices differ in length, if capacity < 0, or if a job has
// a volume below 1 or a value or cost that is not finite.
func (b *Broker) MaxSurplus(values, costs []float64, volumes []int, capacity int) float64 {
	if len(values) != len(costs) || len(values) != len(volumes) {
		panic(fmt.Sprintf("market: Broker.MaxSurplus with %d values, %d costs and %d volumes",
			len(values), len(costs), len(volumes)))
	}
	if capacity < 0 {
		panic(fmt.Sprintf("market: Broker.MaxSurplus with capacity %d, want >= 0", capacity))
	}
	// The maximum total is the same under both tie rules; TieStrict has fewer
	// candidates.
	b.ks.reset(capacity, TieStrict)
	for j, v := range values {
		c := costs[j]
		switch {
		case volumes[j] < 1:
			panic(fmt.Sprintf("market: Broker.MaxSurplus: job %d has volume %d, want >= 1", j, volumes[j]))
		case math.IsNaN(v) || math.IsInf(v, 0):
			panic(fmt.Sprintf("market: Broker.MaxSurplus: job %d has value %v, want a finite number", j, v))
		case math.IsNaN(c) || math.IsInf(c, 0):
			panic(fmt.Sprintf("market: Broker.MaxSurplus: job %d has cost %v, want a finite number", j, c))
		}
		b.ks.add(j, volumes[j], v-c)
	}
	b.scratch = b.ks.solve(b.scratch[:0])
	var s float64
	for _, j := range b.scratch {
		s += values[j] - costs[j]
	}
	return s
}
