package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func newTestZIP(t *testing.T, p ZIPParams, seed uint64) *ZIP {
	t.Helper()
	z, err := NewZIP(p, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		t.Fatalf("NewZIP(%+v): %v", p, err)
	}
	return z
}

// marginOK reports whether mu is in a ZIP trader's range.
func marginOK(carrier bool, mu float64) bool {
	if carrier {
		return mu >= 0 && !math.IsInf(mu, 0)
	}
	return mu >= 0 && mu <= 1
}

// After many updates on random outcomes, some of them absurd, prices never
// cross their limits and the margin stays in its range.
func TestZIPBounds(t *testing.T) {
	wild := ZIPParams{Beta: FloatRange{1, 1}, Gamma: FloatRange{0.9, 0.9}, Margin: FloatRange{0, 1}, CR: 0.9, CA: 3}
	for _, carrier := range []bool{true, false} {
		for _, useLast := range []bool{false, true} {
			for pi, base := range []ZIPParams{CliffZIP(), wild} {
				p := base
				p.Carrier, p.UseLast = carrier, useLast
				name := fmt.Sprintf("%s/uselast=%v/params%d", side(carrier), useLast, pi)
				t.Run(name, func(t *testing.T) {
					for seed := range uint64(4) {
						z := newTestZIP(t, p, seed)
						env := rand.New(rand.NewPCG(seed, 8))
						for step := range 5000 {
							j, v := randomJob(env)
							lim := limit(carrier, j, v)
							q := z.Quote(nil, j, v, nil)
							if carrier && q < lim || !carrier && (q > lim || q < 0) {
								t.Fatalf("seed %d step %d: margin %v quoted %v for a limit of %v: a %s must not cross its limit", seed, step, z.Margin(), q, lim, side(carrier))
							}
							o := Outcome{Carrier: carrier, Quote: q, Limit: lim, Traded: env.IntN(2) == 0, Last: math.NaN()}
							if o.Traded {
								o.Price = q * (0.2 + 1.6*env.Float64()) // on either side of the quote, even beyond the limit
							}
							if env.IntN(5) > 0 {
								o.Last = lim * 3 * env.Float64()
							}
							switch env.IntN(50) { // outcomes that teach nothing
							case 0:
								o.Limit = 0
							case 1:
								o.Price = math.NaN()
							case 2:
								o.Carrier = !carrier
							}
							z.Watch(o)
							if mu := z.Margin(); !marginOK(carrier, mu) {
								t.Fatalf("seed %d step %d: margin %v after outcome %+v: want >= 0 (and <= 1 for a shipper)", seed, step, mu, o)
							}
						}
					}
				})
			}
		}
	}
}

func TestNewZIPDraws(t *testing.T) {
	for _, carrier := range []bool{true, false} {
		p := CliffZIP()
		p.Carrier = carrier
		for seed := range uint64(1000) {
			z := newTestZIP(t, p, seed)
			if z.Beta() < 0.1 || z.Beta() > 0.5 || z.Gamma() < 0 || z.Gamma() > 0.1 || z.Margin() < 0.05 || z.Margin() > 0.35 {
				t.Fatalf("%s seed %d drew beta %v, gamma %v, margin %v: want Cliff's ranges [0.1,0.5], [0,0.1], [0.05,0.35]",
					side(carrier), seed, z.Beta(), z.Gamma(), z.Margin())
			}
		}
	}
}

// A trader moves its margin the way Cliff's rule says, whatever the job.
func TestZIPAdapts(t *testing.T) {
	const rounds = 300
	for _, tc := range []struct {
		name    string
		carrier bool
		useLast bool
		traded  bool
		price   float64 // trade price (or last market price with useLast) as a multiple of the quote
		raises  bool    // the margin must rise (else fall)
		toZero  bool    // the margin must reach 0
	}{
		{"seller whose asks trade 10% above them raises its margin", true, false, true, 1.1, true, false},
		{"seller whose asks trade at them (spread rule) raises its margin", true, false, true, 1, true, false},
		{"seller whose asks trade 10% below them lowers its margin", true, false, true, 0.9, false, true},
		{"seller whose asks never trade lowers its margin to 0", true, false, false, 0, false, true},
		{"buyer whose bids trade 10% below them raises its margin", false, false, true, 0.9, true, false},
		{"buyer whose bids trade at them (spread rule) raises its margin", false, false, true, 1, true, false},
		{"buyer whose bids trade 10% above them lowers its margin", false, false, true, 1.1, false, true},
		{"buyer whose bids never trade lowers its margin to 0", false, false, false, 0, false, true},
		{"seller (use last) with untraded asks below the last price raises its margin", true, true, false, 1.2, true, false},
		{"seller (use last) with untraded asks above the last price lowers its margin", true, true, false, 0.8, false, true},
		{"buyer (use last) with untraded bids above the last price raises its margin", false, true, false, 0.8, true, false},
		{"buyer (use last) with untraded bids below the last price lowers its margin", false, true, false, 1.2, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := CliffZIP()
			p.Carrier, p.UseLast = tc.carrier, tc.useLast
			z := newTestZIP(t, p, 11)
			env := rand.New(rand.NewPCG(11, 9))
			first := z.Margin()
			prev := first
			for step := range rounds {
				j, v := randomJob(env)
				q := z.Quote(nil, j, v, nil)
				o := Outcome{Carrier: tc.carrier, Quote: q, Limit: limit(tc.carrier, j, v), Traded: tc.traded, Last: math.NaN()}
				if tc.traded {
					o.Price = tc.price * q
				} else if tc.useLast {
					o.Last = tc.price * q
				}
				z.Watch(o)
				mu := z.Margin()
				if tc.raises && mu < prev || !tc.raises && mu > prev {
					t.Fatalf("step %d: margin went from %v to %v: want it never to %s", step, prev, mu, map[bool]string{true: "fall", false: "rise"}[tc.raises])
				}
				if !marginOK(tc.carrier, mu) {
					t.Fatalf("step %d: margin %v out of range", step, mu)
				}
				prev = mu
			}
			switch {
			case tc.toZero && prev != 0:
				t.Errorf("margin went from %v to %v in %d rounds: want 0", first, prev, rounds)
			case tc.raises && prev <= first:
				t.Errorf("margin went from %v to %v in %d rounds: want it higher", first, prev, rounds)
			}
		})
	}
}

// One step at a time with no perturbation (c_R = c_A = 0), fixed beta 0.2
// and gamma 0.5, against the Widrow-Hoff rule with momentum done by hand.
// The tolerance 1e-12 covers a few roundings of numbers near 1.
func TestZIPStepByHand(t *testing.T) {
	type step struct {
		o    Outcome
		want float64 // margin after the step
	}
	for _, tc := range []struct {
		name    string
		carrier bool
		steps   []step
	}{
		{"seller", true, []step{
			// limit 100, margin 0.25: price 125. Trade at 145: Delta = 0.2*(145-125)/100 = 0.04, Gamma = 0.5*0.04 = 0.02.
			{Outcome{Carrier: true, Quote: 125, Limit: 100, Traded: true, Price: 145}, 0.27},
			// price 127, trade at it: Delta = 0, Gamma = 0.5*0.02 = 0.01: momentum alone.
			{Outcome{Carrier: true, Quote: 127, Limit: 100, Traded: true, Price: 127}, 0.28},
			// price 128, no trade: target the quote itself, Delta = 0, Gamma = 0.005.
			{Outcome{Carrier: true, Quote: 128, Limit: 100}, 0.285},
			// another job, limit 50: price 64.25, trade at 70: Delta = 0.2*5.75/50 = 0.023, Gamma = 0.0025 + 0.0115 = 0.014.
			{Outcome{Carrier: true, Quote: 64.25, Limit: 50, Traded: true, Price: 70}, 0.299},
		}},
		{"buyer", false, []step{
			// limit 200, margin 0.25: price 150. Trade at 140: Delta = 0.2*(140-150)/200 = -0.01, Gamma = -0.005: margin up.
			{Outcome{Quote: 150, Limit: 200, Traded: true, Price: 140}, 0.255},
			// price 149, no trade: target the quote, Delta = 0, Gamma = -0.0025.
			{Outcome{Quote: 149, Limit: 200}, 0.2575},
			// a quote for the other side teaches nothing.
			{Outcome{Carrier: true, Quote: 1, Limit: 1, Traded: true, Price: 100}, 0.2575},
		}},
	} {
		p := ZIPParams{Carrier: tc.carrier, Beta: FloatRange{0.2, 0.2}, Gamma: FloatRange{0.5, 0.5}, Margin: FloatRange{0.25, 0.25}}
		z := newTestZIP(t, p, 1)
		for i, s := range tc.steps {
			z.Watch(s.o)
			if got := z.Margin(); math.Abs(got-s.want) > 1e-12 {
				t.Errorf("%s step %d (%+v): margin %v, want %v", tc.name, i, s.o, got, s.want)
			}
		}
	}
}

// With beta 1 and gamma 0 the price jumps to the target, which must lie
// where Cliff puts it: in [q, q*(1+c_R) + c_A*|limit|] when rising and in
// [q*(1-c_R) - c_A*|limit|, q] when falling (c_A scaled by the job's
// limit). The tolerance 1e-9 relative covers the division and
// multiplication by the limit. The perturbations must also use their whole
// range: some step must move at least 80% of the largest allowed distance
// (each of R and A is then near its end; in about 1000 unclamped steps per
// direction this fails with a tiny probability, and the seed is fixed).
func TestZIPTargetRange(t *testing.T) {
	const cr, ca = 0.05, 0.05
	for _, carrier := range []bool{true, false} {
		p := ZIPParams{Carrier: carrier, Beta: FloatRange{1, 1}, Gamma: FloatRange{0, 0}, Margin: FloatRange{0.2, 0.2}, CR: cr, CA: ca}
		z := newTestZIP(t, p, 2)
		env := rand.New(rand.NewPCG(2, 9))
		var reach [2]float64 // largest share of the allowed move, down and up
		for step := range 2000 {
			lim := 10 + 490*env.Float64()
			q := z.price(&z.lanes[0], lim)
			// Alternate a trade at the quote (margin up) and no trade (margin down).
			traded := step%2 == 0
			z.Watch(Outcome{Carrier: carrier, Quote: q, Limit: lim, Traded: traded, Price: q})
			up := traded == carrier // a seller's price rises on a trade, a buyer's on no trade
			lo, hi := q*(1-cr)-ca*lim, q
			if up {
				lo, hi = q, q*(1+cr)+ca*lim
			}
			got, tol := z.price(&z.lanes[0], lim), 1e-9*(q+lim)
			if got < lo-tol || got > hi+tol {
				if got == lim || !carrier && got == 0 { // the margin was clamped at 0 (or at 1 for a buyer)
					continue
				}
				t.Fatalf("%s step %d: quote %v for limit %v moved to %v: want the target in [%v, %v]", side(carrier), step, q, lim, got, lo, hi)
			}
			if got == lim || !carrier && got == 0 {
				continue
			}
			k := 0
			if up {
				k = 1
			}
			reach[k] = max(reach[k], math.Abs(got-q)/(hi-lo))
		}
		if reach[0] < 0.8 || reach[1] < 0.8 {
			t.Errorf("%s: the largest moves used %.2f (down) and %.2f (up) of the range c_R*q + c_A*|limit|: want both above 0.8", side(carrier), reach[0], reach[1])
		}
	}
}

// The same seed gives the same trader and the same margins, bit for bit.
func TestZIPDeterministic(t *testing.T) {
	run := func(seed uint64) []float64 {
		p := CliffZIP()
		p.Carrier = true
		z := newTestZIP(t, p, seed)
		env := rand.New(rand.NewPCG(99, 0))
		var margins []float64
		for range 1000 {
			j, v := randomJob(env)
			q := z.Quote(nil, j, v, nil)
			traded := env.IntN(2) == 0
			z.Watch(Outcome{Carrier: true, Quote: q, Limit: v.Carrier.Cost(j), Traded: traded, Price: q * (1 + 0.1*env.Float64()), Last: math.NaN()})
			margins = append(margins, z.Margin())
		}
		return margins
	}
	a, b, c := run(5), run(5), run(6)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: margins %v and %v from the same seed: want identical runs", i, a[i], b[i])
		}
	}
	if a[0] == c[0] {
		t.Errorf("seeds 5 and 6 gave the same first margin %v: want different traders", a[0])
	}
}

// Outcomes that teach nothing leave the margin and the stream alone.
func TestZIPIgnores(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Outcome
	}{
		{"other side", Outcome{Carrier: false, Quote: 10, Limit: 5, Traded: true, Price: 20}},
		{"zero limit", Outcome{Carrier: true, Quote: 0, Limit: 0, Traded: true, Price: 20}},
		{"NaN limit", Outcome{Carrier: true, Quote: 10, Limit: math.NaN()}},
		{"infinite quote", Outcome{Carrier: true, Quote: math.Inf(1), Limit: 5}},
		{"NaN trade price", Outcome{Carrier: true, Quote: 10, Limit: 5, Traded: true, Price: math.NaN()}},
	} {
		p := CliffZIP()
		p.Carrier = true
		rng, twin := rand.New(rand.NewPCG(3, 3)), rand.New(rand.NewPCG(3, 3))
		z, err := NewZIP(p, rng)
		if err != nil {
			t.Fatal(err)
		}
		NewZIP(p, twin)
		before := z.Margin()
		z.Watch(tc.o)
		if z.Margin() != before || rng.Uint64() != twin.Uint64() {
			t.Errorf("%s: margin %v -> %v, or the stream advanced: want the outcome ignored", tc.name, before, z.Margin())
		}
	}
}

func TestZIPParamsValidate(t *testing.T) {
	mod := func(f func(p *ZIPParams)) ZIPParams {
		p := CliffZIP()
		f(&p)
		return p
	}
	for _, tc := range []struct {
		name  string
		p     ZIPParams
		param string
		want  string
	}{
		{"Cliff's, shipper", CliffZIP(), "", ""},
		{"Cliff's, carrier", mod(func(p *ZIPParams) { p.Carrier = true }), "", ""},
		{"carrier margin above 1", mod(func(p *ZIPParams) { p.Carrier, p.Margin = true, FloatRange{2, 3} }), "", ""},
		{"zero beta", mod(func(p *ZIPParams) { p.Beta = FloatRange{0, 0.5} }), "beta", "beta: [0, 0.5]: want 0 < min <= max <= 1"},
		{"beta min above max", mod(func(p *ZIPParams) { p.Beta = FloatRange{0.5, 0.1} }), "beta", "beta: [0.5, 0.1]: want 0 < min <= max <= 1"},
		{"NaN beta", mod(func(p *ZIPParams) { p.Beta = FloatRange{0.1, math.NaN()} }), "beta", "beta: [0.1, NaN]: want 0 < min <= max <= 1"},
		{"gamma 1", mod(func(p *ZIPParams) { p.Gamma = FloatRange{0, 1} }), "gamma", "gamma: [0, 1]: want 0 <= min <= max < 1"},
		{"negative gamma", mod(func(p *ZIPParams) { p.Gamma = FloatRange{-0.1, 0.1} }), "gamma", "gamma: [-0.1, 0.1]: want 0 <= min <= max < 1"},
		{"negative margin", mod(func(p *ZIPParams) { p.Margin = FloatRange{-0.05, 0.35} }), "margin", "margin: [-0.05, 0.35]: want 0 <= min <= max <= 1 for a shipper"},
		{"shipper margin above 1", mod(func(p *ZIPParams) { p.Margin = FloatRange{0.5, 1.5} }), "margin", "margin: [0.5, 1.5]: want 0 <= min <= max <= 1 for a shipper"},
		{"infinite carrier margin", mod(func(p *ZIPParams) { p.Carrier, p.Margin = true, FloatRange{0, math.Inf(1)} }), "margin", "margin: [0, +Inf]: want 0 <= min <= max, finite"},
		{"cr 1", mod(func(p *ZIPParams) { p.CR = 1 }), "cr", "cr: 1: want a number in [0, 1)"},
		{"negative ca", mod(func(p *ZIPParams) { p.CA = -0.05 }), "ca", "ca: -0.05: want a finite number >= 0"},
		{"infinite ca", mod(func(p *ZIPParams) { p.CA = math.Inf(1) }), "ca", "ca: +Inf: want a finite number >= 0"},
	} {
		wantParamError(t, tc.name, tc.p.Validate(), tc.param, tc.want)
		z, err := NewZIP(tc.p, rand.New(rand.NewPCG(1, 1)))
		wantParamError(t, "NewZIP with "+tc.name, err, tc.param, tc.want)
		if (z == nil) == (tc.want == "") {
			t.Errorf("NewZIP with %s: got trader %v with error %v: want exactly one of them", tc.name, z, err)
		}
	}
}

func TestZIPAllocs(t *testing.T) {
	for _, carrier := range []bool{true, false} {
		p := CliffZIP()
		p.Carrier = carrier
		z := newTestZIP(t, p, 1)
		j := &Job{Volume: 4, Distance: 50, Value: 20, Reserve: 100}
		v := &View{Carrier: &Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80}
		var rec Record
		var s Strategy = z
		if n := testing.AllocsPerRun(1000, func() { s.Quote(nil, j, v, &rec) }); n != 0 {
			t.Errorf("%s ZIP: %v allocations per quote, want 0", side(carrier), n)
		}
		var w Watcher = z
		o := Outcome{Carrier: carrier, Quote: 30, Limit: 20, Traded: true, Price: 35, Last: 33}
		if n := testing.AllocsPerRun(1000, func() { w.Watch(o) }); n != 0 {
			t.Errorf("%s ZIP: %v allocations per update, want 0", side(carrier), n)
		}
	}
}

// TestZIPShoutRule checks Cliff's rule for shouts in a continuous double
// auction, case by case: which traders move their price, and which way.
// With c_R = c_A = 0 the target is the shout's price itself.
func TestZIPShoutRule(t *testing.T) {
	const lim = 1.0
	for _, c := range []struct {
		name    string
		carrier bool
		price   float64 // the trader's price before the shout
		shout   Shout
		active  bool
		want    int // +1 the trader's price rises, -1 falls, 0 stays
	}{
		{"seller below a trade raises", true, 1.2, Shout{Ask: true, Price: 1.3, Traded: true}, false, +1},
		{"seller above a traded bid lowers", true, 1.4, Shout{Price: 1.3, Traded: true}, true, -1},
		{"inactive seller above a traded bid stays", true, 1.4, Shout{Price: 1.3, Traded: true}, false, 0},
		{"seller above a traded ask stays", true, 1.4, Shout{Ask: true, Price: 1.3, Traded: true}, true, 0},
		{"seller above an untraded ask lowers", true, 1.4, Shout{Ask: true, Price: 1.3}, true, -1},
		{"seller below an untraded ask stays", true, 1.2, Shout{Ask: true, Price: 1.3}, true, 0},
		{"seller and an untraded bid stay", true, 1.4, Shout{Price: 1.3}, true, 0},
		{"buyer above a trade lowers", false, 0.8, Shout{Price: 0.7, Traded: true}, false, -1},
		{"buyer below a traded ask raises", false, 0.6, Shout{Ask: true, Price: 0.7, Traded: true}, true, +1},
		{"inactive buyer below a traded ask stays", false, 0.6, Shout{Ask: true, Price: 0.7, Traded: true}, false, 0},
		{"buyer below a traded bid stays", false, 0.6, Shout{Price: 0.7, Traded: true}, true, 0},
		{"buyer below an untraded bid raises", false, 0.6, Shout{Price: 0.7}, true, +1},
		{"buyer above an untraded bid stays", false, 0.8, Shout{Price: 0.7}, true, 0},
		{"buyer and an untraded ask stay", false, 0.6, Shout{Ask: true, Price: 0.7}, true, 0},
	} {
		p := ZIPParams{Carrier: c.carrier, Beta: FloatRange{0.5, 0.5}, Gamma: FloatRange{0, 0}}
		if c.carrier {
			p.Margin = FloatRange{c.price - 1, c.price - 1}
		} else {
			p.Margin = FloatRange{1 - c.price, 1 - c.price}
		}
		z, err := NewZIP(p, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		before := z.price(&z.lanes[0], lim)
		z.Shout(rand.New(rand.NewPCG(3, 4)), c.shout, lim, c.active)
		after := z.price(&z.lanes[0], lim)
		got := 0
		switch {
		case after > before+1e-12:
			got = +1
		case after < before-1e-12:
			got = -1
		}
		if got != c.want {
			t.Errorf("%s: price %v -> %v, want direction %d", c.name, before, after, c.want)
		}
		if c.want != 0 {
			// Half way (beta 0.5) to the shout's price.
			if want := before + 0.5*(c.shout.Price-before); math.Abs(after-want) > 1e-9 {
				t.Errorf("%s: price %v -> %v, want %v", c.name, before, after, want)
			}
		}
	}
}

// TestZIPMarginPerLane checks that a ZIP keeps a margin per lane: outcomes
// and shouts of one lane move that lane's margin only, every lane starts at
// the initial margin, and Reset returns each lane to its Mark (a lane first
// used after the Mark, to the initial margin).
func TestZIPMarginPerLane(t *testing.T) {
	p := CliffZIP()
	p.Carrier = true
	z := newTestZIP(t, p, 3)
	start := z.Margin()
	z.Mark()
	for range 20 { // trades above the quote on lane 0 to 1 raise its margin
		q := z.price(z.lane(0, 1), 100)
		z.Watch(Outcome{Carrier: true, Quote: q, Limit: 100, Traded: true, Price: 2 * q, From: 0, To: 1})
	}
	for range 20 { // shouts on lane 1 to 0 that do not trade lower its margin
		z.Shout(z.rng, Shout{Ask: true, Price: 100 * (1 + start/2), From: 1, To: 0}, 100, true)
	}
	up, down := z.LaneMargin(0, 1), z.LaneMargin(1, 0)
	if !(up > start && down < start) {
		t.Fatalf("margins from %v: lane 0 to 1 (trades above the quote) %v, want higher; lane 1 to 0 (asks not taken) %v, want lower", start, up, down)
	}
	if z.Margin() != start || z.LaneMargin(2, 3) != start {
		t.Errorf("lanes without outcomes moved: 0 to 0 %v, 2 to 3 %v, want the initial %v", z.Margin(), z.LaneMargin(2, 3), start)
	}
	z.Reset()
	if z.LaneMargin(0, 1) != start || z.LaneMargin(1, 0) != start {
		t.Errorf("after Reset: lane 0 to 1 %v, 1 to 0 %v, want the marked (initial) %v", z.LaneMargin(0, 1), z.LaneMargin(1, 0), start)
	}
}
