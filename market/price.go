package market

import (
	"fmt"
	"math"
)

// PriceKind names a rule that turns a traded order's bid and ask into what
// the shipper pays and what the carrier receives.
type PriceKind int

const (
	// Spread: the shipper pays its bid, the carrier receives its ask and the
	// broker keeps the spread. P1's default.
	Spread PriceKind = iota
	// KDouble: both trade at a + k(b-a), k in [0,1]; the broker keeps nothing.
	KDouble
	// PayAsBid: both trade at the bid; the broker keeps nothing. P2's rule.
	PayAsBid
	// KDoubleUniform: every trade of a clearing at one price, the k-double
	// auction of Rustichini, Satterthwaite and Williams (1994): lo + k(hi-lo)
	// on the band [lo, hi] of prices at which the clearing's allocation is
	// competitive (uniform.go); the broker keeps nothing.
	KDoubleUniform
)

var priceKindNames = [...]string{Spread: "spread", KDouble: "k-double", PayAsBid: "pay-as-bid", KDoubleUniform: "k-double-uniform"}

// String returns the name used in configuration: "spread", "k-double",
// "pay-as-bid" or "k-double-uniform".
func (k PriceKind) String() string {
	if k >= 0 && int(k) < len(priceKindNames) {
		return priceKindNames[k]
	}
	return fmt.Sprintf("PriceKind(%d)", int(k))
}

// ParsePriceKind is the inverse of [PriceKind.String].
func ParsePriceKind(s string) (PriceKind, error) {
	for k, name := range priceKindNames {
		if s == name {
			return PriceKind(k), nil
		}
	}
	return 0, fmt.Errorf("unknown price rule %q (allowed: %q, %q, %q, %q)",
		s, priceKindNames[Spread], priceKindNames[KDouble], priceKindNames[PayAsBid], priceKindNames[KDoubleUniform])
}

// MarshalText implements encoding.TextMarshaler, so configuration files can
// name the rule.
func (k PriceKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(priceKindNames) {
		return nil, fmt.Errorf("unknown price rule %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParsePriceKind].
func (k *PriceKind) UnmarshalText(text []byte) error {
	v, err := ParsePriceKind(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// PriceRule is a price rule with its parameter. The zero value is [Spread].
//
//	rule         shipper pays   carrier receives   broker keeps
//	spread       b              a                  b - a
//	k-double     a + k(b-a)     a + k(b-a)         0
//	pay-as-bid   b              b                  0
//	k-double-uniform  one price p of the clearing, lo + k(hi-lo), for all  0
//
// Broker.Clear and Broker.Assign price a k-double-uniform clearing as a
// whole; [PriceRule.Prices] alone, seeing one pair, gives its k-double price.
type PriceRule struct {
	Kind PriceKind
	K    float64 // the k of KDouble and KDoubleUniform, in [0,1]; ignored by the other rules
}

// Validate reports whether the rule is known and, for the k-double rules,
// whether K is a finite number in [0,1].
func (r PriceRule) Validate() error {
	switch r.Kind {
	case Spread, PayAsBid:
		return nil
	case KDouble, KDoubleUniform:
		if !(r.K >= 0 && r.K <= 1) { // also rejects NaN
			return fmt.Errorf("price rule %v: k = %v, want a number in [0,1]", r.Kind, r.K)
		}
		return nil
	}
	return fmt.Errorf("unknown price rule %d", int(r.Kind))
}

// String returns the rule's name, with k for k-double: "k-double(k=0.5)".
func (r PriceRule) String() string {
	if r.Kind == KDouble || r.Kind == KDoubleUniform {
		return fmt.Sprintf("%v(k=%v)", r.Kind, r.K)
	}
	return r.Kind.String()
}

// Prices returns what the shipper pays and what the carrier receives when an
// order with this bid and ask trades (bid >= ask). Both lie between ask and
// bid: the k-double price is a + k(b-a) computed so that k = 0 gives exactly
// the ask, k = 1 exactly the bid, and rounding never leaves [ask, bid]. The
// rule is assumed valid (see [PriceRule.Validate]); an unknown kind panics.
func (r PriceRule) Prices(bid, ask float64) (pay, receive float64) {
	switch r.Kind {
	case Spread:
		return bid, ask
	case PayAsBid:
		return bid, bid
	case KDouble, KDoubleUniform:
		p := lerp(ask, bid, r.K)
		return p, p
	}
	panic(fmt.Sprintf("market: PriceRule.Prices with unknown kind %d", int(r.Kind)))
}

// lerp returns a + k(b-a), exact at k = 0 and k = 1 and clamped between a
// and b against rounding.
func lerp(a, b, k float64) float64 {
	var p float64
	if k <= 0.5 {
		p = a + k*(b-a)
	} else {
		p = b - (1-k)*(b-a)
	}
	lo, hi := math.Min(a, b), math.Max(a, b)
	return math.Min(math.Max(p, lo), hi)
}
