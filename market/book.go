package market

import (
	"fmt"
	"math"
	"slices"
)

// Side is the side of a [BookOrder]: a bid to buy transport capacity (a
// shipper) or an ask to sell it (a carrier). The zero value is no side, so an
// order whose side was forgotten fails [BookOrder.Validate].
type Side int

const (
	Buy  Side = 1 // a bid: the shipper pays at most the limit price per unit
	Sell Side = 2 // an ask: the carrier receives at least the limit price per unit
)

// String returns "buy" or "sell".
func (s Side) String() string {
	switch s {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	}
	return fmt.Sprintf("Side(%d)", int(s))
}

// BookOrder is a limit order for a [Book]. Price is per volume unit: an order
// for Qty units at Price trades any part q of its quantity for q times a unit
// price no worse than Price.
type BookOrder struct {
	ID    int64   // the caller's id; unique among the orders resting in the book
	Owner int     // the caller's id of the shipper or carrier, copied into fills
	Side  Side    // Buy or Sell
	Qty   int     // volume units, >= 1
	Price float64 // limit price per volume unit, finite
	IOC   bool    // immediate or cancel: drop what does not trade at once instead of resting it
}

// Validate reports whether the order can be submitted: a known side, a
// quantity of at least 1 and a finite price. [Book.Submit] panics on an order
// that fails it.
func (o BookOrder) Validate() error {
	if o.Side != Buy && o.Side != Sell {
		return fmt.Errorf("book order %d: side %d, want Buy or Sell", o.ID, int(o.Side))
	}
	if o.Qty < 1 {
		return fmt.Errorf("book order %d: quantity %d, want >= 1", o.ID, o.Qty)
	}
	if math.IsNaN(o.Price) || math.IsInf(o.Price, 0) {
		return fmt.Errorf("book order %d: price %v, want a finite number", o.ID, o.Price)
	}
	return nil
}

// Fill is one trade between an incoming order and a resting one: Qty units at
// Price per unit, so the buyer pays and the seller receives Qty*Price.
type Fill struct {
	Buy, Sell           int64 // the ids of the buy and the sell order
	BuyOwner, SellOwner int   // their owners
	Qty                 int
	Price               float64 // per unit, between the sell and the buy limit
}

// Level is one price level of a [Book]: the resting quantity and number of
// orders at one limit price.
type Level struct {
	Price  float64
	Qty    int
	Orders int
}

// Book is a continuous double auction: a limit order book with price-time
// priority. The zero value is an empty book that trades at the resting
// order's price; [NewBook] returns the same. A Book owns reusable buffers: it
// is not safe for concurrent use, and once its buffers have grown to the
// largest book it has held, submits and cancels allocate nothing.
//
// Each side is a 4-ary heap of resting orders keyed by (price, arrival), so
// the best order is at the root; an open-addressing table maps order ids to
// orders for Cancel. See the package documentation for why a heap and not
// sorted price levels.
type Book struct {
	// Price is the rule for the trade price; the zero value is RestingPrice.
	Price TradePrice

	nodes []bookNode  // resting orders, and free slots listed in free
	free  []int32     // indices of free slots in nodes
	bids  []heapEntry // max-heap on (price, -seq)
	asks  []heapEntry // max-heap on (-price, -seq)
	ids   idTable     // order id -> index in nodes
	seq   uint64      // arrivals so far: the time part of the priority
	fills []Fill      // what the last Submit returned
	depth []heapEntry // scratch for Depth
}

// NewBook returns an empty book that trades at the resting order's price.
func NewBook() *Book { return new(Book) }

type bookNode struct {
	id    int64
	owner int
	qty   int
	price float64
	pos   int32 // index of the node's entry in its side's heap
	side  Side
}

// heapEntry is a resting order's place in a heap. Keys are kept in the entry,
// not in the node, so that sifting reads contiguous memory. key is the price
// for bids and minus the price for asks, so both heaps put the largest key,
// then the smallest seq, at the root.
type heapEntry struct {
	key  float64
	seq  uint64
	node int32
}

func (e heapEntry) before(f heapEntry) bool {
	return e.key > f.key || (e.key == f.key && e.seq < f.seq)
}

// Submit adds an order to the book. It first trades against the best
// crossing resting orders of the other side, best price first and, among
// equal prices, earliest first, each fill as large as both quantities allow,
// until the order is filled or the best remaining order no longer crosses (a
// buy crosses an ask whose price is at most its limit; a sell crosses a bid at
// least its limit). What is left rests in the book, unless the order is IOC.
//
// It returns the fills in the order they happened. The slice is owned by the
// book and valid until the next call of a method of the book.
//
// Submit panics, as for a programmer error, if the order fails
// [BookOrder.Validate], if an order with the same id is resting in the book,
// or if b.Price is not a known rule. An id may be reused once its order has
// left the book.
func (b *Book) Submit(o BookOrder) []Fill {
	if err := o.Validate(); err != nil {
		panic("market: Book.Submit: " + err.Error())
	}
	if b.Price != RestingPrice && b.Price != MidpointPrice {
		panic(fmt.Sprintf("market: Book.Submit: unknown trade price rule %d", int(b.Price)))
	}
	if b.ids.find(o.ID) >= 0 {
		panic(fmt.Sprintf("market: Book.Submit: order %d is already resting in the book", o.ID))
	}
	b.fills = b.fills[:0]
	rem := o.Qty
	if o.Side == Buy {
		rem = b.match(&b.asks, o, rem)
	} else {
		rem = b.match(&b.bids, o, rem)
	}
	if rem > 0 && !o.IOC {
		b.rest(o, rem)
	}
	b.seq++
	return b.fills
}

// match trades the incoming order o, with rem units left, against the heap h
// of the other side and returns what is left.
func (b *Book) match(h *[]heapEntry, o BookOrder, rem int) int {
	for rem > 0 && len(*h) > 0 {
		top := (*h)[0].node
		n := &b.nodes[top]
		var f Fill
		if o.Side == Buy {
			if n.price > o.Price {
				break
			}
			f = Fill{Buy: o.ID, Sell: n.id, BuyOwner: o.Owner, SellOwner: n.owner}
		} else {
			if n.price < o.Price {
				break
			}
			f = Fill{Buy: n.id, Sell: o.ID, BuyOwner: n.owner, SellOwner: o.Owner}
		}
		f.Qty = min(rem, n.qty)
		f.Price = n.price
		if b.Price == MidpointPrice {
			f.Price = lerp(min(n.price, o.Price), max(n.price, o.Price), 0.5)
		}
		b.fills = append(b.fills, f)
		rem -= f.Qty
		n.qty -= f.Qty
		if n.qty == 0 {
			b.ids.remove(n.id)
			heapRemove(*h, b.nodes, 0)
			*h = (*h)[:len(*h)-1]
			b.free = append(b.free, top)
		}
	}
	return rem
}

// rest puts qty units of o into the book.
func (b *Book) rest(o BookOrder, qty int) {
	var i int32
	if k := len(b.free); k > 0 {
		i = b.free[k-1]
		b.free = b.free[:k-1]
	} else {
		i = int32(len(b.nodes))
		b.nodes = append(b.nodes, bookNode{})
	}
	b.nodes[i] = bookNode{id: o.ID, owner: o.Owner, qty: qty, price: o.Price, side: o.Side}
	e := heapEntry{key: o.Price, seq: b.seq, node: i}
	h := &b.bids
	if o.Side == Sell {
		e.key = -o.Price
		h = &b.asks
	}
	*h = append(*h, e)
	siftUp(*h, b.nodes, len(*h)-1)
	b.ids.insert(o.ID, i)
}

// Cancel removes the resting order with this id and returns its remaining
// quantity. It returns 0, false if no such order rests in the book (it never
// did, it was filled, or it was cancelled).
func (b *Book) Cancel(id int64) (qty int, ok bool) {
	i := b.ids.find(id)
	if i < 0 {
		return 0, false
	}
	n := &b.nodes[i]
	h := &b.bids
	if n.side == Sell {
		h = &b.asks
	}
	heapRemove(*h, b.nodes, int(n.pos))
	*h = (*h)[:len(*h)-1]
	b.ids.remove(id)
	b.free = append(b.free, i)
	return n.qty, true
}

// Lookup returns the resting order with this id, with its remaining
// quantity, or false if no such order rests in the book.
func (b *Book) Lookup(id int64) (BookOrder, bool) {
	i := b.ids.find(id)
	if i < 0 {
		return BookOrder{}, false
	}
	n := &b.nodes[i]
	return BookOrder{ID: n.id, Owner: n.owner, Side: n.side, Qty: n.qty, Price: n.price}, true
}

// BestBid returns the highest resting buy price and the total quantity
// resting at exactly that price, or ok = false if no bid rests.
func (b *Book) BestBid() (price float64, qty int, ok bool) {
	return b.best(b.bids)
}

// BestAsk returns the lowest resting sell price and the total quantity
// resting at exactly that price, or ok = false if no ask rests.
func (b *Book) BestAsk() (price float64, qty int, ok bool) {
	return b.best(b.asks)
}

func (b *Book) best(h []heapEntry) (float64, int, bool) {
	if len(h) == 0 {
		return 0, 0, false
	}
	root := &b.nodes[h[0].node]
	return root.price, sumAtKey(h, b.nodes, 0, h[0].key), true
}

// sumAtKey adds the quantities of the entries with this key in the subtree at
// i. An entry's key is at most its parent's, so the subtrees whose root has a
// smaller key are skipped; the cost is proportional to the orders at the best
// price.
func sumAtKey(h []heapEntry, nodes []bookNode, i int, key float64) int {
	if h[i].key != key {
		return 0
	}
	q := nodes[h[i].node].qty
	for c := arity*i + 1; c <= arity*i+arity && c < len(h); c++ {
		q += sumAtKey(h, nodes, c, key)
	}
	return q
}

// Len returns the number of orders resting in the book, on both sides.
func (b *Book) Len() int { return len(b.bids) + len(b.asks) }

// Depth appends the price levels of one side to dst, best first (highest bid
// or lowest ask), and returns the extended slice. It sorts a copy of the side,
// so it costs O(n log n) for n resting orders: it is for reports and tests,
// not for the inner loop of a simulation.
func (b *Book) Depth(side Side, dst []Level) []Level {
	var h []heapEntry
	switch side {
	case Buy:
		h = b.bids
	case Sell:
		h = b.asks
	default:
		panic(fmt.Sprintf("market: Book.Depth with side %d, want Buy or Sell", int(side)))
	}
	b.depth = append(b.depth[:0], h...)
	slices.SortFunc(b.depth, func(e, f heapEntry) int {
		switch {
		case e.before(f):
			return -1
		case f.before(e):
			return 1
		}
		return 0
	})
	for k, e := range b.depth {
		n := &b.nodes[e.node]
		if k == 0 || e.key != b.depth[k-1].key {
			dst = append(dst, Level{Price: n.price})
		}
		l := &dst[len(dst)-1]
		l.Qty += n.qty
		l.Orders++
	}
	return dst
}

// Reset empties the book and restarts arrival order, keeping its buffers and
// its trade price rule.
func (b *Book) Reset() {
	b.nodes = b.nodes[:0]
	b.free = b.free[:0]
	b.bids = b.bids[:0]
	b.asks = b.asks[:0]
	b.ids.clear()
	b.seq = 0
	b.fills = b.fills[:0]
}

// TradePrice is the rule for the price of a fill in a [Book].
type TradePrice int

const (
	// RestingPrice: a fill trades at the resting order's limit price, the
	// usual rule of continuous double auctions. The incoming order gets the
	// price improvement.
	RestingPrice TradePrice = iota
	// MidpointPrice: a fill trades halfway between the buy and the sell
	// limit, so both sides share the improvement.
	MidpointPrice
)

var tradePriceNames = [...]string{RestingPrice: "resting", MidpointPrice: "midpoint"}

// String returns the name used in configuration: "resting" or "midpoint".
func (p TradePrice) String() string {
	if p >= 0 && int(p) < len(tradePriceNames) {
		return tradePriceNames[p]
	}
	return fmt.Sprintf("TradePrice(%d)", int(p))
}

// ParseTradePrice is the inverse of [TradePrice.String].
func ParseTradePrice(s string) (TradePrice, error) {
	for p, name := range tradePriceNames {
		if s == name {
			return TradePrice(p), nil
		}
	}
	return 0, fmt.Errorf("unknown trade price rule %q (allowed: %q, %q)",
		s, tradePriceNames[RestingPrice], tradePriceNames[MidpointPrice])
}

// MarshalText implements encoding.TextMarshaler.
func (p TradePrice) MarshalText() ([]byte, error) {
	if p < 0 || int(p) >= len(tradePriceNames) {
		return nil, fmt.Errorf("unknown trade price rule %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseTradePrice].
func (p *TradePrice) UnmarshalText(text []byte) error {
	v, err := ParseTradePrice(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
