package kdouble

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The grid's resolution (quotes in steps of 1/4000, 400 types) and the
// iteration's tolerance allow the computed lines an error of about 1e-3;
// the checks below allow 2e-3.
const tolLine = 2e-3

// linear is Market.Linear at a tolerance of 1e-4 (the theory asks 1e-5;
// the checks allow 2e-3).
func linear(t *testing.T, m int, k float64) (bid, ask Line) {
	t.Helper()
	bid, ask, moved, err := Market{M: m, K: k}.Linear(400, 200, 1e-4)
	if err != nil && !(moved < 1e-3) {
		t.Fatalf("m %d, k %v: %v", m, k, err)
	}
	return bid, ask
}

func near(a, b Line) bool {
	return math.Abs(a.Intercept-b.Intercept) <= tolLine && math.Abs(a.Slope-b.Slope) <= tolLine
}

// At m = 1 the market is bilateral trading, and the linear equilibrium is
// Chatterjee and Samuelson's for every k: bid = v/(1+k) + k(1-k)/(2(1+k)),
// ask = c/(2-k) + (1-k)/2.
func TestLinearIsChatterjeeSamuelsonAtOne(t *testing.T) {
	for _, k := range []float64{0, 0.25, 0.5, 0.75, 1} {
		bid, ask := linear(t, 1, k)
		wb := Line{Slope: 1 / (1 + k), Intercept: k * (1 - k) / (2 * (1 + k))}
		wa := Line{Slope: 1 / (2 - k), Intercept: (1 - k) / 2}
		if !near(bid, wb) || !near(ask, wa) {
			t.Errorf("k %v: bid %.4f + %.4f v, ask %.4f + %.4f c; Chatterjee and Samuelson: %.4f + %.4f v, %.4f + %.4f c",
				k, bid.Intercept, bid.Slope, ask.Intercept, ask.Slope, wb.Intercept, wb.Slope, wa.Intercept, wa.Slope)
		}
	}
}

// At k = 1 the price is s(m+1), the buyer's bid double auction: a seller
// who sells has an ask among the m lowest, so it never sets her price, and
// asking her cost is dominant; against truthful sellers with uniform costs
// the buyers' equilibrium bid is m/(m+1) v (Satterthwaite and Williams
// 1989; at m = 1, Chatterjee and Samuelson's v/2). At k = 0 the roles
// swap: buyers bid their values, sellers ask (m c + 1)/(m+1).
func TestLinearIsTheBuyersBidDoubleAuctionsAtKOne(t *testing.T) {
	truthful := Line{Slope: 1}
	for _, m := range []int{1, 2, 4, 8} {
		r := float64(m) / float64(m+1)
		bid, ask := linear(t, m, 1)
		if !near(ask, truthful) || !near(bid, Line{Slope: r}) {
			t.Errorf("m %d, k 1: bid %.4f + %.4f v, ask %.4f + %.4f c; want %.4f v and the cost", m, bid.Intercept, bid.Slope, ask.Intercept, ask.Slope, r)
		}
		bid, ask = linear(t, m, 0)
		if !near(bid, truthful) || !near(ask, Line{Slope: r, Intercept: 1 - r}) {
			t.Errorf("m %d, k 0: bid %.4f + %.4f v, ask %.4f + %.4f c; want the value and %.4f c + %.4f", m, bid.Intercept, bid.Slope, ask.Intercept, ask.Slope, r, 1-r)
		}
	}
}

// Exchanging buyers and sellers (v -> 1-c, every quote q -> 1-q) reverses
// the sorted quotes, so s(m) and s(m+1) swap and k becomes 1-k: the bid at
// k is the mirror of the ask at 1-k, bid_k(v) = 1 - ask_{1-k}(1-v), that is
// the same slope and bid intercept = 1 - ask intercept - slope.
func TestLinearMirrorsBuyersAndSellers(t *testing.T) {
	for _, c := range []struct {
		m int
		k float64
	}{{2, 0.5}, {4, 0.25}, {4, 0.5}, {8, 0.75}} {
		bid, _ := linear(t, c.m, c.k)
		_, ask := linear(t, c.m, 1-c.k)
		mirror := Line{Slope: ask.Slope, Intercept: 1 - ask.Intercept - ask.Slope}
		if !near(bid, mirror) {
			t.Errorf("m %d: bid at k %v is %.4f + %.4f v, the mirror of the ask at k %v is %.4f + %.4f v",
				c.m, c.k, bid.Intercept, bid.Slope, 1-c.k, mirror.Intercept, mirror.Slope)
		}
	}
}

// Rustichini, Satterthwaite and Williams: equilibrium misreport shrinks
// like 1/m. The line's shading 1 - slope falls at every doubling of m and
// m(1 - slope) stays bounded (it rises to about 1/2: 0.33 at m = 1, 0.45 at
// 4, 0.485 at 16).
func TestLinearShadingShrinksLikeOneOverM(t *testing.T) {
	prev := math.Inf(1)
	for _, m := range []int{1, 2, 4, 8, 16} {
		bid, ask := linear(t, m, 0.5)
		shade := 1 - bid.Slope
		if !(shade < prev) || !(shade > 0) {
			t.Errorf("m %d: bid slope %.4f, shading %.4f, want positive and below the previous %.4f", m, bid.Slope, shade, prev)
		}
		if s := float64(m) * shade; s < 0.3 || s > 0.5+tolLine {
			t.Errorf("m %d: m (1 - slope) = %.3f, want it within [0.3, 0.5]", m, s)
		}
		if math.Abs(ask.Slope-bid.Slope) > tolLine {
			t.Errorf("m %d, k 1/2: slopes %.4f and %.4f, want equal (the mirror)", m, bid.Slope, ask.Slope)
		}
		prev = shade
	}
}

// The computed profile is an equilibrium among lines, checked by play
// rather than by the grid's integrals: in 400,000 simulated rounds of the
// 2 x 2 market (others on the computed lines), no buyer's line moved by
// 0.05 in intercept or slope gains more than the equilibrium line, and no
// seller's either. The moves cost about 1e-3 a round; the common random
// numbers make the comparison's noise far smaller.
func TestLinearIsABestLineInPlay(t *testing.T) {
	const m, k, rounds = 2, 0.5, 400000
	bid, ask := linear(t, m, k)
	gain := func(buyer bool, own Line) float64 {
		rng := rand.New(rand.NewPCG(7, 11))
		var total float64
		q := make([]float64, 2*m)
		for range rounds {
			var types [2 * m]float64
			for i := range types {
				types[i] = rng.Float64()
			}
			for i := range m {
				q[i], q[m+i] = bid.At(types[i]), ask.At(types[m+i])
			}
			if buyer {
				q[0] = own.At(types[0])
			} else {
				q[m] = own.At(types[m])
			}
			s := slices.Clone(q)
			slices.Sort(s)
			p := (1-k)*s[m-1] + k*s[m]
			switch {
			case buyer && q[0] >= p:
				total += types[0] - p
			case !buyer && q[m] <= p:
				total += p - types[m]
			}
		}
		return total / rounds
	}
	for _, buyer := range []bool{true, false} {
		eq := bid
		if !buyer {
			eq = ask
		}
		base := gain(buyer, eq)
		for _, d := range []Line{{0.05, 0}, {-0.05, 0}, {0, 0.05}, {0, -0.05}} {
			moved := Line{eq.Intercept + d.Intercept, eq.Slope + d.Slope}
			if g := gain(buyer, moved); g > base+2e-5 {
				t.Errorf("buyer %v: the line %.4f + %.4f t gains %.6f a round, more than the equilibrium's %.6f", buyer, moved.Intercept, moved.Slope, g, base)
			}
		}
	}
}

// Bad arguments are an error, not a panic or a loop.
func TestLinearRejectsBadArguments(t *testing.T) {
	for _, g := range []Market{{M: 0, K: 0.5}, {M: 2, K: -0.1}, {M: 2, K: 1.5}, {M: 2, K: math.NaN()}} {
		if _, _, _, err := g.Linear(400, 10, 1e-5); err == nil {
			t.Errorf("%+v: no error", g)
		}
	}
	if _, _, _, err := (Market{M: 2, K: 0.5}).Linear(1, 10, 1e-5); err == nil {
		t.Error("1 type: no error")
	}
}
