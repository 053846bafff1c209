package agents

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
)

// randomJob returns a job of random volume U{1..10}, distance U[10,100),
// due U{0..5} and value U[0,200), with its reservation set as the exchange
// sets it for a penalty of 20 per volume unit (so in [20, 400)), and a view
// whose departing carrier has a random cost rate U[0,0.5) (so costs in
// [0, 500)): the two sides' limits overlap widely.
func randomJob(rng *rand.Rand) (*Job, *View) {
	j := &Job{Volume: 1 + rng.IntN(10), Distance: 10 + 90*rng.Float64(), Due: rng.IntN(6), Value: 200 * rng.Float64()}
	j.Due0 = j.Due
	j.Reserve = j.Value + 20*float64(j.Volume)
	v := &View{Carrier: &Carrier{CostRate: 0.5 * rng.Float64(), Capacity: 80}, Capacity: 80}
	return j, v
}

func side(carrier bool) string {
	if carrier {
		return "carrier"
	}
	return "shipper"
}

// wantParamError checks that err is a *ParamError for param with the given text.
func wantParamError(t *testing.T, what string, err error, param, text string) {
	t.Helper()
	if text == "" {
		if err != nil {
			t.Errorf("%s: got error %q, want none", what, err)
		}
		return
	}
	var pe *ParamError
	if !errors.As(err, &pe) {
		t.Errorf("%s: got error %v, want a *ParamError for %q", what, err, param)
		return
	}
	if pe.Param != param || err.Error() != text {
		t.Errorf("%s: got error %q for parameter %q, want %q for %q", what, err, pe.Param, text, param)
	}
}

func TestMarkupBounds(t *testing.T) {
	for i, m := range []Markup{
		{Carrier: true, Rate: 0}, {Carrier: true, Rate: 0.1}, {Carrier: true, Rate: 1}, {Carrier: true, Rate: 2.5},
		{Carrier: false, Rate: 0}, {Carrier: false, Rate: 0.1}, {Carrier: false, Rate: 0.5}, {Carrier: false, Rate: 1},
	} {
		t.Run(fmt.Sprintf("%s/%v", side(m.Carrier), m.Rate), func(t *testing.T) {
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			rng := rand.New(rand.NewPCG(1, uint64(i)))
			var rec Record
			for range 10000 {
				j, v := randomJob(rng)
				q := m.Quote(rng, j, v, &rec)
				if m.Carrier {
					c := v.Carrier.Cost(j)
					if want := c * (1 + m.Rate); q != want || q < c {
						t.Fatalf("markup %v on a job of cost %v asked %v: want exactly cost*(1+markup) = %v, never below the cost", m.Rate, c, q, want)
					}
				} else {
					r := j.Reserve
					if want := r * (1 - m.Rate); q != want || q < 0 || q > r {
						t.Fatalf("markdown %v on a job of reservation %v bid %v: want exactly reservation*(1-markup) = %v, in [0, reservation]", m.Rate, r, q, want)
					}
				}
			}
			if rec.Len() != 0 || rec.Total != 0 {
				t.Errorf("a fixed strategy wrote %d decisions into the record: want it left alone", rec.Len())
			}
		})
	}
}

// A job of negative value can have a negative reservation; the markdown
// must still keep the bid at or below it.
func TestMarkupNegativeLimit(t *testing.T) {
	j := &Job{Volume: 1, Distance: 10, Value: -100, Reserve: -80}
	v := &View{Carrier: &Carrier{CostRate: 0.1, Capacity: 80}}
	for _, tc := range []struct {
		rate, want float64
	}{{0, -80}, {0.25, -100}, {1, -160}} {
		if got := (Markup{Rate: tc.rate}).Quote(nil, j, v, nil); got != tc.want {
			t.Errorf("markdown %v on reservation -80 bid %v, want %v (the reservation lowered by the markdown times its size)", tc.rate, got, tc.want)
		}
	}
}

func TestMarkupValidate(t *testing.T) {
	for _, tc := range []struct {
		m    Markup
		want string // "" for no error
	}{
		{Markup{Carrier: true, Rate: 0}, ""},
		{Markup{Carrier: true, Rate: 2.5}, ""},
		{Markup{Carrier: false, Rate: 1}, ""},
		{Markup{Carrier: true, Rate: -0.1}, "markup: -0.1: want a finite number >= 0"},
		{Markup{Carrier: false, Rate: math.NaN()}, "markup: NaN: want a finite number >= 0"},
		{Markup{Carrier: true, Rate: math.Inf(1)}, "markup: +Inf: want a finite number >= 0"},
		{Markup{Carrier: false, Rate: 1.5}, "markup: 1.5: want at most 1 for a shipper, whose bid reservation*(1-markup) would be negative"},
	} {
		wantParamError(t, fmt.Sprintf("%s markup %v", side(tc.m.Carrier), tc.m.Rate), tc.m.Validate(), "markup", tc.want)
	}
}

func TestLinearHandComputed(t *testing.T) {
	// Every input is a binary fraction, so every product and sum below is
	// exact and the price must equal the hand-computed value exactly.
	fs, err := NewFeatureSet([]string{"bias", "volume", "distance", "cost", "reservation"},
		Scales{Volume: 8, Distance: 64, Due: 5, Money: 256, Count: 50})
	if err != nil {
		t.Fatal(err)
	}
	j := &Job{Volume: 4, Distance: 48, Value: 16, Reserve: 96}
	v := &View{Carrier: &Carrier{CostRate: 0.25, Capacity: 80}, Capacity: 80}
	// features: 1, 4/8 = 0.5, 48/64 = 0.75, cost 0.25*4*48 = 48 -> 48/256 = 0.1875, 96/256 = 0.375
	// price: 10*1 - 2*0.5 + 4*0.75 + 16*0.1875 + 8*0.375 = 10 - 1 + 3 + 3 + 3 = 18
	w := []float64{10, -2, 4, 16, 8}
	l, err := NewLinear(fs, w)
	if err != nil {
		t.Fatal(err)
	}
	w[0] = 1000 // NewLinear must have copied the weights
	if got := l.Quote(nil, j, v, nil); got != 18 {
		t.Errorf("linear price = %v, want 18 (10*1 - 2*0.5 + 4*0.75 + 16*0.1875 + 8*0.375)", got)
	}
}

func TestNewLinearErrors(t *testing.T) {
	fs, err := NewFeatureSet([]string{"bias", "volume"}, Scales{Volume: 10, Distance: 100, Due: 5, Money: 100, Count: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		f     Features
		w     []float64
		param string
		want  string
	}{
		{"no features", nil, []float64{1}, "features", "features: none: want at least one"},
		{"too many weights", fs, []float64{1, 2, 3}, "weights", "weights: 3 given for 2 features: want one weight per feature"},
		{"too few weights", fs, []float64{1}, "weights", "weights: 1 given for 2 features: want one weight per feature"},
		{"NaN weight", fs, []float64{1, math.NaN()}, "weights[1]", "weights[1]: NaN: want a finite number"},
		{"infinite weight", fs, []float64{math.Inf(-1), 1}, "weights[0]", "weights[0]: -Inf: want a finite number"},
		{"valid", fs, []float64{-3, 0.5}, "", ""},
	} {
		l, err := NewLinear(tc.f, tc.w)
		wantParamError(t, tc.name, err, tc.param, tc.want)
		if (l == nil) == (tc.want == "") {
			t.Errorf("%s: got strategy %v with error %v: want exactly one of them", tc.name, l, err)
		}
	}
}

func TestZICBounds(t *testing.T) {
	for i, z := range []ZIC{
		{Carrier: true, Cap: 200}, {Carrier: true, Cap: 1000},
		{Carrier: false, Floor: 0}, {Carrier: false, Floor: 100},
	} {
		name := fmt.Sprintf("ask/cap%v", z.Cap)
		if !z.Carrier {
			name = fmt.Sprintf("bid/floor%v", z.Floor)
		}
		t.Run(name, func(t *testing.T) {
			if err := z.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			rng := rand.New(rand.NewPCG(2, uint64(i)))
			var degenerate int
			for range 20000 {
				j, v := randomJob(rng)
				q := z.Quote(rng, j, v, nil)
				if z.Carrier {
					c := v.Carrier.Cost(j)
					if c >= z.Cap {
						degenerate++
						if q != c {
							t.Fatalf("cost %v at or above the cap %v: asked %v, want exactly the cost", c, z.Cap, q)
						}
					} else if q < c || q > z.Cap {
						t.Fatalf("cost %v, cap %v: asked %v, want an ask in [cost, cap]", c, z.Cap, q)
					}
				} else {
					r := j.Reserve
					if r <= z.Floor {
						degenerate++
						if q != r {
							t.Fatalf("reservation %v at or below the floor %v: bid %v, want exactly the reservation", r, z.Floor, q)
						}
					} else if q < z.Floor || q > r {
						t.Fatalf("floor %v, reservation %v: bid %v, want a bid in [floor, reservation]", z.Floor, r, q)
					}
				}
			}
			t.Logf("%d of 20000 jobs had a limit beyond the bound", degenerate)
		})
	}
}

// Draws must cover the interval uniformly. With N = 20000 uniform draws on
// an interval of width w, the chance that the smallest stays more than
// w/1000 above the low end is (1-1/1000)^N < 3e-9, and likewise for the
// largest; the mean's standard error is w/sqrt(12N), and we allow 4 of them.
func TestZICCoversInterval(t *testing.T) {
	const n = 20000
	j := &Job{Volume: 4, Distance: 50, Value: 20, Reserve: 100}
	v := &View{Carrier: &Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80}
	for _, z := range []ZIC{{Carrier: true, Cap: 120}, {Carrier: false, Floor: 10}} {
		lo, hi := v.Carrier.Cost(j), z.Cap
		if !z.Carrier {
			lo, hi = z.Floor, j.Reserve
		}
		width := hi - lo
		rng := rand.New(rand.NewPCG(3, 0))
		smallest, largest, sum := math.Inf(1), math.Inf(-1), 0.0
		for range n {
			q := z.Quote(rng, j, v, nil)
			smallest, largest, sum = min(smallest, q), max(largest, q), sum+q
		}
		if smallest-lo > width/1000 || hi-largest > width/1000 {
			t.Errorf("%s ZIC on [%v, %v]: %d draws spanned [%v, %v], want both ends within %v", side(z.Carrier), lo, hi, n, smallest, largest, width/1000)
		}
		mean, se := sum/n, width/math.Sqrt(12*n)
		if mid := (lo + hi) / 2; math.Abs(mean-mid) > 4*se {
			t.Errorf("%s ZIC on [%v, %v]: mean of %d draws %v, want the midpoint %v within 4 standard errors (%v)", side(z.Carrier), lo, hi, n, mean, mid, 4*se)
		}
	}
}

// ZIC draws exactly one number per quote, whether or not the limit is
// beyond its bound, so that a job's limit does not shift the stream.
func TestZICDrawsOnce(t *testing.T) {
	v := &View{Carrier: &Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80}
	for _, tc := range []struct {
		name string
		z    ZIC
		j    *Job
	}{
		{"ask below cap", ZIC{Carrier: true, Cap: 100}, &Job{Volume: 1, Distance: 10}},
		{"cost above cap", ZIC{Carrier: true, Cap: 1}, &Job{Volume: 1, Distance: 100}},
		{"bid above floor", ZIC{Floor: 5}, &Job{Volume: 1, Reserve: 20}},
		{"reservation below floor", ZIC{Floor: 50}, &Job{Volume: 1, Reserve: 20}},
	} {
		a, b := rand.New(rand.NewPCG(4, 0)), rand.New(rand.NewPCG(4, 0))
		tc.z.Quote(a, tc.j, v, nil)
		b.Float64()
		if a.Uint64() != b.Uint64() {
			t.Errorf("%s: the stream after one quote differs from the stream after one Float64: want exactly one draw", tc.name)
		}
	}
}

func TestZICValidate(t *testing.T) {
	for _, tc := range []struct {
		z     ZIC
		param string
		want  string
	}{
		{ZIC{Carrier: true, Cap: 100}, "", ""},
		{ZIC{Carrier: false, Floor: 0}, "", ""},
		{ZIC{Carrier: false, Floor: 5, Cap: -1}, "", ""}, // a shipper ignores the cap
		{ZIC{Carrier: true, Cap: 0}, "cap", "cap: 0: want a finite number > 0, the highest ask"},
		{ZIC{Carrier: true, Cap: -5}, "cap", "cap: -5: want a finite number > 0, the highest ask"},
		{ZIC{Carrier: true, Cap: math.Inf(1)}, "cap", "cap: +Inf: want a finite number > 0, the highest ask"},
		{ZIC{Carrier: false, Floor: -1}, "floor", "floor: -1: want a finite number >= 0, the lowest bid"},
		{ZIC{Carrier: false, Floor: math.NaN()}, "floor", "floor: NaN: want a finite number >= 0, the lowest bid"},
	} {
		wantParamError(t, fmt.Sprintf("%s ZIC floor %v cap %v", side(tc.z.Carrier), tc.z.Floor, tc.z.Cap), tc.z.Validate(), tc.param, tc.want)
	}
}

func TestFixedQuoteAllocs(t *testing.T) {
	fs, err := NewFeatureSet([]string{"bias", "cost", "waiting_volume"}, Scales{Volume: 10, Distance: 100, Due: 5, Money: 100, Count: 50})
	if err != nil {
		t.Fatal(err)
	}
	lin, err := NewLinear(fs, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	j := &Job{Volume: 4, Distance: 50, Value: 20, Reserve: 100}
	v := &View{Carrier: &Carrier{CostRate: 0.1, Capacity: 80}, Capacity: 80, WaitingVolume: 40}
	rng := rand.New(rand.NewPCG(5, 0))
	var rec Record
	for _, tc := range []struct {
		name string
		s    Strategy
	}{
		{"markup ask", Markup{Carrier: true, Rate: 0.2}},
		{"markup bid", Markup{Rate: 0.2}},
		{"linear", lin},
		{"ZIC ask", ZIC{Carrier: true, Cap: 100}},
		{"ZIC bid", ZIC{Floor: 10}},
	} {
		if n := testing.AllocsPerRun(1000, func() { tc.s.Quote(rng, j, v, &rec) }); n != 0 {
			t.Errorf("%s: %v allocations per quote, want 0", tc.name, n)
		}
	}
}

// TestBidForRecordsAFixedRulesBids: a fixed rule's bid is recorded as a
// decision without features (group: the remaining due), so that its
// returns count in P2's avg_bidding_cost; a learner records its own, and
// bidFor adds none.
func TestBidForRecordsAFixedRulesBids(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	j, v := randomJob(rng)
	sh := &Shipper{Strategy: Markup{Rate: 0.1}, Rand: rng}
	for i, due := range []int{2, 1, 0} {
		j.Due = due
		b := bidFor(sh, j, v)
		if j.Ship.Len() != i+1 || j.Ship.Action[i] != b || j.Ship.Group[i] != due || len(j.Ship.Features(i)) != 0 {
			t.Fatalf("quote %d of a markup rule: %d decisions, action %v group %v features %v; want %d, %v, %d, none",
				i, j.Ship.Len(), j.Ship.Action, j.Ship.Group, j.Ship.Features(i), i+1, b, due)
		}
	}
	j.Ship.Pay(-30)
	if r := j.Ship.Returns(nil); r[0] != -30 || r[2] != -30 {
		t.Errorf("returns %v, want -30 for every decision", r)
	}
	j.Ship.Reset()
	sh.Strategy = NewGaussian(P2Features{}, 10, policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01})
	bidFor(sh, j, v)
	if j.Ship.Len() != 1 || len(j.Ship.Features(0)) != 8 {
		t.Errorf("a learner's quote: %d decisions with %d features, want 1 with P2's 8", j.Ship.Len(), len(j.Ship.Features(0)))
	}
}
