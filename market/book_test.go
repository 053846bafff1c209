package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refBook is the naive reference for Book: one slice of resting orders,
// scanned linearly for the best crossing order at every step. It is written
// for obviousness, not speed.
type refBook struct {
	price  TradePrice
	orders []refOrder // in arrival order
	seq    uint64
}

type refOrder struct {
	BookOrder
	seq uint64
}

// beats reports whether resting order x has priority over y (same side).
func (x refOrder) beats(y refOrder) bool {
	if x.Price != y.Price {
		if x.Side == Buy {
			return x.Price > y.Price
		}
		return x.Price < y.Price
	}
	return x.seq < y.seq
}

func (r *refBook) submit(o BookOrder) []Fill {
	var fills []Fill
	rem := o.Qty
	for rem > 0 {
		best := -1
		for i, x := range r.orders {
			if x.Side == o.Side {
				continue
			}
			if (o.Side == Buy && x.Price > o.Price) || (o.Side == Sell && x.Price < o.Price) {
				continue
			}
			if best < 0 || x.beats(r.orders[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		x := &r.orders[best]
		q := min(rem, x.Qty)
		f := Fill{Qty: q, Price: x.Price}
		if r.price == MidpointPrice {
			lo, hi := min(x.Price, o.Price), max(x.Price, o.Price)
			f.Price = lo + (hi-lo)/2
		}
		if o.Side == Buy {
			f.Buy, f.Sell, f.BuyOwner, f.SellOwner = o.ID, x.ID, o.Owner, x.Owner
		} else {
			f.Buy, f.Sell, f.BuyOwner, f.SellOwner = x.ID, o.ID, x.Owner, o.Owner
		}
		fills = append(fills, f)
		rem -= q
		x.Qty -= q
		if x.Qty == 0 {
			r.orders = slices.Delete(r.orders, best, best+1)
		}
	}
	if rem > 0 && !o.IOC {
		o.Qty = rem
		r.orders = append(r.orders, refOrder{o, r.seq})
	}
	r.seq++
	return fills
}

func (r *refBook) cancel(id int64) (int, bool) {
	for i, x := range r.orders {
		if x.ID == id {
			r.orders = slices.Delete(r.orders, i, i+1)
			return x.Qty, true
		}
	}
	return 0, false
}

func (r *refBook) best(side Side) (float64, int, bool) {
	var p float64
	found := false
	for _, x := range r.orders {
		if x.Side == side && (!found || (side == Buy && x.Price > p) || (side == Sell && x.Price < p)) {
			p, found = x.Price, true
		}
	}
	q := 0
	for _, x := range r.orders {
		if x.Side == side && x.Price == p {
			q += x.Qty
		}
	}
	return p, q, found
}

func (r *refBook) resting(id int64) bool {
	return slices.ContainsFunc(r.orders, func(x refOrder) bool { return x.ID == id })
}

// bookChecker drives a Book and the reference side by side and checks the
// invariants after every operation:
//
//   - the fills equal the reference's (so price-time priority is the one the
//     linear scan defines) and each lies between the sell and the buy limit;
//   - for every order ever submitted, its quantity equals what it filled (as
//     incoming or resting order) plus what rests plus what was cancelled plus
//     what an IOC dropped;
//   - the book is never left crossed: best bid < best ask;
//   - best bid and ask, Len, Lookup and Depth agree with the reference.
type bookChecker struct {
	t      *testing.T
	book   *Book
	ref    refBook
	orders map[int64]*orderAccount // by id; an id is reused only after its order left
	log    []string                // operations so far, for failure messages
}

type orderAccount struct {
	o                          BookOrder
	filled, cancelled, dropped int
}

func newBookChecker(t *testing.T, price TradePrice) *bookChecker {
	return &bookChecker{
		t:      t,
		book:   &Book{Price: price},
		ref:    refBook{price: price},
		orders: make(map[int64]*orderAccount),
	}
}

func (c *bookChecker) fail(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("after %s:\n"+format, append([]any{strings.Join(c.log, "; ")}, args...)...)
}

func (c *bookChecker) submit(o BookOrder) []Fill {
	c.t.Helper()
	c.log = append(c.log, fmt.Sprintf("submit %+v", o))
	got := c.book.Submit(o)
	want := c.ref.submit(o)
	if !slices.Equal(got, want) {
		c.fail("Submit returned fills %+v; the reference book gives %+v", got, want)
	}
	acc := &orderAccount{o: o}
	c.orders[o.ID] = acc
	filled := 0
	for _, f := range got {
		buy, sell := c.orders[f.Buy], c.orders[f.Sell]
		if buy == nil || sell == nil || buy.o.Side != Buy || sell.o.Side != Sell {
			c.fail("fill %+v names orders that are not a submitted buy and sell", f)
		}
		if f.Qty < 1 || !(sell.o.Price <= f.Price && f.Price <= buy.o.Price) {
			c.fail("fill %+v: quantity must be >= 1 and the price within [sell limit %v, buy limit %v]",
				f, sell.o.Price, buy.o.Price)
		}
		buy.filled += f.Qty
		sell.filled += f.Qty
		filled += f.Qty
	}
	if o.IOC {
		acc.dropped = o.Qty - filled
	}
	c.check()
	return got
}

func (c *bookChecker) cancel(id int64) {
	c.t.Helper()
	c.log = append(c.log, fmt.Sprintf("cancel %d", id))
	q, ok := c.book.Cancel(id)
	wq, wok := c.ref.cancel(id)
	if q != wq || ok != wok {
		c.fail("Cancel(%d) = %d, %v; the reference book gives %d, %v", id, q, ok, wq, wok)
	}
	if ok {
		c.orders[id].cancelled += q
	}
	c.check()
}

func (c *bookChecker) check() {
	c.t.Helper()
	b := c.book
	for _, side := range []Side{Buy, Sell} {
		var p float64
		var q int
		var ok bool
		if side == Buy {
			p, q, ok = b.BestBid()
		} else {
			p, q, ok = b.BestAsk()
		}
		wp, wq, wok := c.ref.best(side)
		if p != wp || q != wq || ok != wok {
			c.fail("best %v is (%v, %d, %v); the reference book gives (%v, %d, %v)", side, p, q, ok, wp, wq, wok)
		}
	}
	bid, _, okb := b.BestBid()
	ask, _, oka := b.BestAsk()
	if okb && oka && !(bid < ask) {
		c.fail("the book is left crossed: best bid %v, best ask %v", bid, ask)
	}
	if b.Len() != len(c.ref.orders) {
		c.fail("Len() = %d; %d orders rest in the reference book", b.Len(), len(c.ref.orders))
	}
	resting := 0
	for _, side := range []Side{Buy, Sell} {
		levels := b.Depth(side, nil)
		for k, l := range levels {
			if k > 0 && ((side == Buy && l.Price >= levels[k-1].Price) || (side == Sell && l.Price <= levels[k-1].Price)) {
				c.fail("Depth(%v) = %+v is not in strictly best-first order", side, levels)
			}
			resting += l.Orders
		}
	}
	if resting != b.Len() {
		c.fail("Depth lists %d orders, Len() = %d", resting, b.Len())
	}
	var submitted, filled, rest, cancelled, dropped int
	for id, acc := range c.orders {
		r, ok := b.Lookup(id)
		restQty := 0
		if ok {
			restQty = r.Qty
			if r.Side != acc.o.Side || r.Price != acc.o.Price || r.Owner != acc.o.Owner {
				c.fail("Lookup(%d) = %+v, but the order was submitted as %+v", id, r, acc.o)
			}
		}
		if ok != c.ref.resting(id) {
			c.fail("Lookup(%d) says resting = %v; the reference book disagrees", id, ok)
		}
		if acc.o.Qty != acc.filled+restQty+acc.cancelled+acc.dropped {
			c.fail("order %+v: filled %d + resting %d + cancelled %d + dropped %d != submitted %d",
				acc.o, acc.filled, restQty, acc.cancelled, acc.dropped, acc.o.Qty)
		}
		submitted += acc.o.Qty
		filled += acc.filled
		rest += restQty
		cancelled += acc.cancelled
		dropped += acc.dropped
	}
	if submitted != filled+rest+cancelled+dropped {
		c.fail("volume not conserved: submitted %d, filled %d (both sides), resting %d, cancelled %d, dropped %d",
			submitted, filled, rest, cancelled, dropped)
	}
}

// reusable reports whether id may be submitted: it never was, or its order
// has left the book.
func (c *bookChecker) reusable(id int64) bool {
	_, ok := c.book.Lookup(id)
	return !ok
}

// forget drops finished orders from the accounts so that their id can be
// reused; their conservation was checked while they were known.
func (c *bookChecker) forget(id int64) {
	if c.reusable(id) {
		delete(c.orders, id)
	}
}

// FuzzBook runs arbitrary sequences of submits and cancels on a Book and the
// linear reference and checks the invariants of bookChecker after every one.
//
//	byte 0       bit 0: trade price rule (resting or midpoint)
//	then 4 bytes per operation (at most 64):
//	  b0 % 8     0-2 buy, 3-5 sell, 6 cancel, 7 IOC (side from b3 bit 7)
//	  b1         price in halves from -4 to 11.5 (so equal prices are common),
//	             or for a cancel the op index of the order to cancel
//	  b2         quantity 1..8
//	  b3         owner (bits 0-1); bit 6: reuse the id of an earlier order that
//	             has left the book
func FuzzBook(f *testing.F) {
	f.Add([]byte{0, 0, 10, 3, 0, 3, 10, 5, 1, 3, 9, 1, 2})
	f.Add([]byte{1, 0, 10, 3, 0, 0, 12, 2, 1, 3, 8, 7, 2, 6, 0, 0, 0, 7, 4, 9, 0x80})
	f.Add([]byte{0, 1, 20, 2, 0, 4, 20, 2, 1, 0, 20, 2, 2, 6, 1, 0, 0, 3, 20, 5, 3})
	f.Add([]byte{1, 7, 5, 1, 0, 7, 5, 1, 0x80, 0, 5, 4, 0x40, 3, 2, 9, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		c := newBookChecker(t, TradePrice(data[0]&1))
		data = data[1:]
		var ids []int64
		for k := 0; k < min(len(data)/4, 64); k++ {
			b := data[4*k:]
			op := b[0] % 8
			if op == 6 {
				if len(ids) == 0 {
					c.cancel(99)
					continue
				}
				c.cancel(ids[int(b[1])%len(ids)])
				continue
			}
			o := BookOrder{
				ID:    int64(1000 + k),
				Owner: int(b[3] & 3),
				Side:  Buy,
				Qty:   1 + int(b[2]%8),
				Price: float64(int(b[1]%32)-8) / 2,
			}
			switch {
			case op >= 3 && op <= 5:
				o.Side = Sell
			case op == 7:
				o.IOC = true
				if b[3]&0x80 != 0 {
					o.Side = Sell
				}
			}
			if b[3]&0x40 != 0 && len(ids) > 0 {
				if old := ids[int(b[1])%len(ids)]; c.reusable(old) {
					c.forget(old)
					o.ID = old
				}
			}
			c.submit(o)
			ids = append(ids, o.ID)
		}
	})
}

// TestBookCases pins hand-worked sequences. Each step is a submit (or a
// cancel when cancel != 0) with the fills it must produce and the best bid
// and ask after it ("-" for an empty side, else "price x qty").
func TestBookCases(t *testing.T) {
	type step struct {
		o         BookOrder
		cancel    int64
		fills     []Fill
		bid, ask  string
		cancelled int
	}
	buy := func(id int64, qty int, price float64) BookOrder {
		return BookOrder{ID: id, Owner: int(id) * 10, Side: Buy, Qty: qty, Price: price}
	}
	sell := func(id int64, qty int, price float64) BookOrder {
		return BookOrder{ID: id, Owner: int(id) * 10, Side: Sell, Qty: qty, Price: price}
	}
	fill := func(b, s int64, qty int, price float64) Fill {
		return Fill{Buy: b, Sell: s, BuyOwner: int(b) * 10, SellOwner: int(s) * 10, Qty: qty, Price: price}
	}
	ioc := func(o BookOrder) BookOrder { o.IOC = true; return o }
	for _, tc := range []struct {
		name  string
		price TradePrice
		steps []step
	}{
		{"orders that do not cross rest", RestingPrice, []step{
			{o: buy(1, 5, 10), bid: "10 x 5", ask: "-"},
			{o: sell(2, 3, 12), bid: "10 x 5", ask: "12 x 3"},
			{o: buy(3, 2, 10), bid: "10 x 7", ask: "12 x 3"},
		}},
		{"a crossing buy trades at the resting ask's price", RestingPrice, []step{
			{o: sell(1, 4, 12), bid: "-", ask: "12 x 4"},
			{o: buy(2, 3, 15), fills: []Fill{fill(2, 1, 3, 12)}, bid: "-", ask: "12 x 1"},
		}},
		{"a crossing sell trades at the resting bid's price", RestingPrice, []step{
			{o: buy(1, 4, 15), bid: "15 x 4", ask: "-"},
			{o: sell(2, 4, 12), fills: []Fill{fill(1, 2, 4, 15)}, bid: "-", ask: "-"},
		}},
		{"equal limits trade", RestingPrice, []step{
			{o: buy(1, 2, 10), bid: "10 x 2", ask: "-"},
			{o: sell(2, 2, 10), fills: []Fill{fill(1, 2, 2, 10)}, bid: "-", ask: "-"},
		}},
		{"best price first, then earliest, remainder rests", RestingPrice, []step{
			{o: sell(1, 2, 11), ask: "11 x 2", bid: "-"},
			{o: sell(2, 2, 10), ask: "10 x 2", bid: "-"},
			{o: sell(3, 2, 10), ask: "10 x 4", bid: "-"},
			{o: sell(4, 2, 13), ask: "10 x 4", bid: "-"},
			{o: buy(5, 7, 12), fills: []Fill{fill(5, 2, 2, 10), fill(5, 3, 2, 10), fill(5, 1, 2, 11)},
				bid: "12 x 1", ask: "13 x 2"},
		}},
		{"IOC remainder is dropped", RestingPrice, []step{
			{o: sell(1, 2, 10), ask: "10 x 2", bid: "-"},
			{o: ioc(buy(2, 5, 10)), fills: []Fill{fill(2, 1, 2, 10)}, bid: "-", ask: "-"},
			{o: ioc(sell(3, 1, 1)), bid: "-", ask: "-"},
		}},
		{"cancel removes the order and its priority", RestingPrice, []step{
			{o: buy(1, 2, 10), bid: "10 x 2", ask: "-"},
			{o: buy(2, 3, 10), bid: "10 x 5", ask: "-"},
			{cancel: 1, cancelled: 2, bid: "10 x 3", ask: "-"},
			{cancel: 1, bid: "10 x 3", ask: "-"},
			{o: buy(1, 1, 10), bid: "10 x 4", ask: "-"}, // id 1 reused: it comes last
			{o: sell(3, 3, 9), fills: []Fill{fill(2, 3, 3, 10)}, bid: "10 x 1", ask: "-"},
		}},
		{"midpoint price", MidpointPrice, []step{
			{o: sell(1, 2, 10), ask: "10 x 2", bid: "-"},
			{o: buy(2, 3, 13), fills: []Fill{fill(2, 1, 2, 11.5)}, bid: "13 x 1", ask: "-"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &Book{Price: tc.price}
			for k, s := range tc.steps {
				var fills []Fill
				what := fmt.Sprintf("step %d (submit %+v)", k, s.o)
				if s.cancel != 0 {
					what = fmt.Sprintf("step %d (cancel %d)", k, s.cancel)
					q, ok := b.Cancel(s.cancel)
					if q != s.cancelled || ok != (s.cancelled > 0) {
						t.Fatalf("%s: Cancel = %d, %v; want %d", what, q, ok, s.cancelled)
					}
				} else {
					fills = b.Submit(s.o)
				}
				if !slices.Equal(fills, s.fills) {
					t.Fatalf("%s: fills %+v, want %+v", what, fills, s.fills)
				}
				if got := showBest(b.BestBid()); got != s.bid {
					t.Fatalf("%s: best bid %s, want %s", what, got, s.bid)
				}
				if got := showBest(b.BestAsk()); got != s.ask {
					t.Fatalf("%s: best ask %s, want %s", what, got, s.ask)
				}
			}
		})
	}
}

func showBest(p float64, q int, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%v x %d", p, q)
}

// TestBookMatchesReference runs long random sequences against the linear
// reference, with prices on a coarse grid (many equal prices, so time
// priority decides) and continuous, and with both trade price rules.
func TestBookMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name  string
		grid  bool
		price TradePrice
	}{
		{"grid prices, resting", true, RestingPrice},
		{"grid prices, midpoint", true, MidpointPrice},
		{"continuous prices, resting", false, RestingPrice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(17, 4))
			for seq := range 40 {
				c := newBookChecker(t, tc.price)
				var ids []int64
				for k := range 300 {
					if rng.IntN(3) == 0 && len(ids) > 0 {
						c.cancel(ids[rng.IntN(len(ids))])
						continue
					}
					o := BookOrder{ID: int64(seq*1000 + k), Owner: rng.IntN(5), Side: Buy, Qty: 1 + rng.IntN(10), IOC: rng.IntN(10) == 0}
					if rng.IntN(2) == 0 {
						o.Side = Sell
					}
					if tc.grid {
						o.Price = float64(95 + rng.IntN(11))
					} else {
						o.Price = 100 + 5*rng.NormFloat64()
					}
					c.submit(o)
					ids = append(ids, o.ID)
				}
				c.log = c.log[:0]
				c.book.Reset()
				c.ref = refBook{price: tc.price}
				clear(c.orders)
				if c.book.Len() != 0 {
					t.Fatalf("Len() = %d after Reset", c.book.Len())
				}
			}
		})
	}
}

// TestBookPanics checks that programmer errors stop Submit with a message
// that names the problem.
func TestBookPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		book *Book
		o    BookOrder
		want string
	}{
		{"zero quantity", NewBook(), BookOrder{ID: 1, Side: Buy, Qty: 0, Price: 1}, "quantity 0"},
		{"NaN price", NewBook(), BookOrder{ID: 1, Side: Sell, Qty: 1, Price: math.NaN()}, "price NaN"},
		{"infinite price", NewBook(), BookOrder{ID: 1, Side: Buy, Qty: 1, Price: math.Inf(1)}, "price +Inf"},
		{"no side", NewBook(), BookOrder{ID: 1, Qty: 1, Price: 1}, "side 0"},
		{"unknown price rule", &Book{Price: 9}, BookOrder{ID: 1, Side: Buy, Qty: 1, Price: 1}, "rule 9"},
		{"duplicate id", func() *Book {
			b := NewBook()
			b.Submit(BookOrder{ID: 7, Side: Buy, Qty: 1, Price: 1})
			return b
		}(), BookOrder{ID: 7, Side: Sell, Qty: 1, Price: 5}, "order 7 is already resting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("Submit(%+v) panicked with %v; want a panic mentioning %q", tc.o, r, tc.want)
				}
			}()
			tc.book.Submit(tc.o)
		})
	}
}

func TestParseTradePrice(t *testing.T) {
	for _, p := range []TradePrice{RestingPrice, MidpointPrice} {
		text, err := p.MarshalText()
		var back TradePrice
		if err != nil || back.UnmarshalText(text) != nil || back != p {
			t.Errorf("TradePrice %v does not survive MarshalText/UnmarshalText (text %q, err %v, back %v)", p, text, err, back)
		}
	}
	if _, err := ParseTradePrice("mid"); err == nil || !strings.Contains(err.Error(), `"midpoint"`) {
		t.Errorf("ParseTradePrice(%q) error = %v; want an error that lists the allowed names", "mid", err)
	}
}

// TestIDTable exercises the id table's backward-shift deletion with ids that
// collide, against a map.
func TestIDTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var tab idTable
	want := map[int64]int32{}
	for k := range 200000 {
		id := int64(rng.IntN(3000)) << rng.IntN(40) // clustered ids, some far apart
		if node, ok := want[id]; ok {
			if got := tab.find(id); got != node {
				t.Fatalf("step %d: find(%d) = %d, want %d", k, id, got, node)
			}
			tab.remove(id)
			delete(want, id)
		} else {
			if got := tab.find(id); got != -1 {
				t.Fatalf("step %d: find(%d) = %d for an absent id", k, id, got)
			}
			tab.insert(id, int32(k))
			want[id] = int32(k)
		}
		if tab.n != len(want) {
			t.Fatalf("step %d: table holds %d ids, want %d", k, tab.n, len(want))
		}
	}
	for id, node := range want {
		if got := tab.find(id); got != node {
			t.Fatalf("at the end: find(%d) = %d, want %d", id, got, node)
		}
	}
}

// TestBookNoAllocs checks that a warmed-up book allocates nothing per order
// event: replaying a stream on a book whose buffers have grown.
func TestBookNoAllocs(t *testing.T) {
	events, _ := bookEvents(4096, false, 5)
	b := NewBook()
	replay := func() {
		b.Reset()
		for _, e := range events {
			if e.cancel {
				b.Cancel(e.o.ID)
			} else {
				b.Submit(e.o)
			}
		}
	}
	replay()
	if allocs := testing.AllocsPerRun(5, replay); allocs != 0 {
		t.Errorf("replaying %d order events on a warmed-up book allocates %v times, want 0", len(events), allocs)
	}
}
