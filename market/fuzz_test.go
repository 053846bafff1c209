package market

import (
	"math"
	"testing"
)

// decodeClearing turns fuzz bytes into a broker, a capacity and orders:
//
//	byte 0      bit 0: tie rule; (byte>>1)%3: price kind
//	byte 1      k = byte/255
//	bytes 2-3   capacity, 0..511
//	then 3 bytes per order (at most 24 orders): volume 1..40, bid in
//	quarters from -32 to 31.75, spread in halves from -2 to 5.5
//
// Prices are multiples of 1/4 and small, so every sum is exact in float64
// and ties, zero spreads included, are common.
func decodeClearing(data []byte) (Broker, int, []Order) {
	if len(data) < 4 {
		return Broker{}, 0, nil
	}
	br := Broker{
		Tie:   Tie(data[0] & 1),
		Price: PriceRule{Kind: PriceKind(int(data[0]>>1) % 3), K: float64(data[1]) / 255},
	}
	capacity := (int(data[2])<<8 | int(data[3])) % 512
	data = data[4:]
	n := min(len(data)/3, 24)
	orders := make([]Order, n)
	for i := range orders {
		b := data[3*i:]
		bid := float64(int8(b[1])) / 4
		spread := float64(int(b[2]%16)-4) / 2
		orders[i] = Order{Volume: 1 + int(b[0]%40), Bid: bid, Ask: bid - spread}
	}
	return br, capacity, orders
}

// FuzzClear checks the market's invariants on arbitrary clearings: capacity
// never exceeded, only eligible orders selected, prices between ask and bid,
// money conserved (sum pay = sum receive + kept), and, with at most 12
// orders, the selection equal to the best subset by enumeration.
func FuzzClear(f *testing.F) {
	f.Add([]byte{0, 128, 0, 10, 5, 10, 6, 3, 20, 4, 7, 30, 4})
	f.Add([]byte{1, 0, 0, 80, 9, 40, 4, 9, 40, 4, 9, 40, 4, 1, 0, 12})
	f.Add([]byte{3, 255, 1, 255, 39, 200, 15, 0, 0, 0, 20, 100, 8, 20, 100, 8})
	f.Add([]byte{4, 77, 0, 0, 1, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		br, capacity, orders := decodeClearing(data)
		c := br.Clear(orders, capacity)
		checkClearing(t, "fuzz", orders, capacity, br.Tie, c)

		var sumPay, sumReceive, scale float64
		for i, j := range c.Selected {
			o := orders[j]
			pay, receive := c.Pay[i], c.Receive[i]
			if !(o.Ask <= pay && pay <= o.Bid && o.Ask <= receive && receive <= o.Bid) {
				t.Fatalf("%v: order %d %+v pays %v and receives %v; both must lie in [ask, bid]", br.Price, j, o, pay, receive)
			}
			sumPay += pay
			sumReceive += receive
			scale += math.Abs(pay) + math.Abs(receive)
		}
		// Each of the three sums carries a rounding error of at most
		// n*eps*scale (the standard bound for recursive summation), so
		// 3*n*eps*scale bounds the imbalance.
		tol := 3 * float64(len(c.Selected)+1) * 0x1p-52 * scale
		if d := sumPay - sumReceive - c.Kept; math.Abs(d) > tol {
			t.Fatalf("%v: shippers pay %v, carriers receive %v and the broker keeps %v: %v unaccounted for (tolerance %v)",
				br.Price, sumPay, sumReceive, c.Kept, d, tol)
		}

		if len(orders) <= 12 {
			want := bruteForce(orders, capacity, br.Tie)
			if c.Spread != want.spread || c.Volume != want.volume || maskOf(c.Selected) != want.mask {
				t.Fatalf("tie %v, capacity %d, orders %+v: selected %v (spread %v, volume %d); enumeration finds mask %b (spread %v, volume %d)",
					br.Tie, capacity, orders, c.Selected, c.Spread, c.Volume, want.mask, want.spread, want.volume)
			}
		}
	})
}
