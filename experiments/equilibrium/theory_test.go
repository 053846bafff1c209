package equilibrium

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestTheoryDeterministic checks the theory of strategic-bidding-deterministic
// against values worked out by hand: jobs (volume, distance, value) of
// (10, 50, 120), (20, 30, 150), (5, 100, 90), (15, 80, 100), cost 0.1*v*l,
// one truck of capacity 80.
func TestTheoryDeterministic(t *testing.T) {
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		t.Fatal(err)
	}
	th := NewTheory(&sc)
	if len(th.ClosedForm) != 4 {
		t.Fatalf("closed form has %d jobs, want 4 (note: %q)", len(th.ClosedForm), th.ClosedFormNote)
	}
	for i, w := range []struct {
		trades    bool
		low, high float64
	}{{true, 50, 120}, {true, 60, 150}, {true, 50, 90}, {false, math.NaN(), math.NaN()}} {
		jb := th.ClosedForm[i]
		if jb.Trades != w.trades || (w.trades && (math.Abs(jb.Low-w.low) > 1e-9 || jb.High != w.high)) {
			t.Errorf("job %d: %+v, want trades=%v in [%v, %v]", i, jb, w.trades, w.low, w.high)
		}
	}
	// The three jobs worth shipping: mean cost (50+60+50)/3, mean value (120+150+90)/3.
	if math.Abs(th.Band.Low-160.0/3) > 1e-9 || th.Band.High != 120 {
		t.Errorf("band %+v, want [53.33, 120]", th.Band)
	}
	// Efficient surplus: (120-50) + (150-60) + (90-50) = 200, every clearing.
	if th.Clearings != 1 || math.Abs(th.Surplus.Mean-200) > 1e-9 {
		t.Errorf("efficient surplus %+v over %d clearings, want 200 over 1", th.Surplus, th.Clearings)
	}
	// Capacity 80 is slack for the 35 volume units worth shipping: the
	// competitive price is the cost (1 per unit of cost), quantity 35.
	c := th.Competitive
	if c.Quantity.Mean != 35 || c.Low.Mean != 1 || c.High.Mean != 1 {
		t.Errorf("competitive equilibrium quantity %v band [%v, %v], want 35 at [1, 1]", c.Quantity.Mean, c.Low.Mean, c.High.Mean)
	}
	if math.Abs(th.DemandRatio-50.0/80) > 1e-12 {
		t.Errorf("demand ratio %v, want 50/80", th.DemandRatio)
	}
}

// TestTheoryBindingCapacity: when capacity binds, the competitive price rises
// above cost, between the marginal jobs' reservation/cost ratios.
func TestTheoryBindingCapacity(t *testing.T) {
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		t.Fatal(err)
	}
	sc.Carriers[0].Capacity = 25
	th := NewTheory(&sc)
	// Demand per unit of cost, highest first: job 2 at 2.5 (20 units), job
	// 1 at 2.4 (10), job 3 at 1.8 (5). 25 units: all of job 2, half of job
	// 1: the price lies between 2.4 (the marginal unit's) and 2.4.
	c := th.Competitive
	if c.Quantity.Mean != 25 || math.Abs(c.Low.Mean-2.4) > 1e-12 || math.Abs(c.High.Mean-2.4) > 1e-12 {
		t.Errorf("binding: quantity %v band [%v, %v], want 25 at [2.4, 2.4]", c.Quantity.Mean, c.Low.Mean, c.High.Mean)
	}
	if th.ClosedForm != nil || !strings.Contains(th.ClosedFormNote, "capacity binds") {
		t.Errorf("binding capacity has no per-job closed form; got %v, note %q", th.ClosedForm, th.ClosedFormNote)
	}
}

func TestTheoryRandomStream(t *testing.T) {
	sc := scenario.Default()
	th := NewTheory(&sc)
	if th.ClosedForm != nil || !strings.Contains(th.ClosedFormNote, "random") {
		t.Errorf("P2 has no closed form; note %q", th.ClosedFormNote)
	}
	if math.Abs(th.DemandRatio-27.5/80) > 1e-12 {
		t.Errorf("demand ratio %v, want 27.5/80 (MODEL section 7)", th.DemandRatio)
	}
	// Mean cost of a job 0.1 * 5.5 * 55 = 30.25, mean reservation 20 * 5.5 =
	// 110; the sample means over the clearings sampled (at least 200, about
	// 1,000 jobs: the standard error of the mean cost is then 2.6 %/sqrt(10)
	// of it) are within 3 % of them.
	if math.Abs(th.Band.Low-30.25) > 0.03*30.25 || math.Abs(th.Band.High-110) > 0.03*110 {
		t.Errorf("band %+v, want about [30.25, 110]", th.Band)
	}
	// Sampling stops at 5 % precision (or 2,000 clearings), in batches of 100.
	if th.Clearings < theoryMin || th.Clearings > theoryMax || th.Clearings%theoryBatch != 0 || th.Surplus.N != th.Clearings {
		t.Errorf("sampled %d clearings (%d surpluses), want a multiple of %d in [%d, %d]", th.Clearings, th.Surplus.N, theoryBatch, theoryMin, theoryMax)
	}
	if th.Precision > theoryPrecision && th.Clearings < theoryMax {
		t.Errorf("stopped at %d clearings with precision %v, want %v", th.Clearings, th.Precision, theoryPrecision)
	}
	if half := th.Surplus.CI95High - th.Surplus.Mean; math.Abs(half/th.Surplus.Mean-th.Precision) > 1e-12 {
		t.Errorf("precision %v, want the relative half-width %v", th.Precision, half/th.Surplus.Mean)
	}
	if again := NewTheory(&sc); again.Surplus != th.Surplus {
		t.Error("the theory of a random stream is not reproducible")
	}
}

func TestTheoryJSONRoundTrip(t *testing.T) {
	for _, name := range scenario.Presets() {
		sc, err := scenario.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		th := NewTheory(&sc)
		b, err := json.Marshal(th)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "theory.json"), b, 0o644); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := ReadTheory(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Every key is snake_case, as in every other file of a run.
		if k := regexp.MustCompile(`"[A-Za-z0-9_]*[A-Z][A-Za-z0-9_]*":`).Find(b); k != nil {
			t.Errorf("%s: theory.json has the key %s: want snake_case", name, k)
		}
		if len(back.References) != len(th.References) {
			t.Errorf("%s: %d references read back, want %d", name, len(back.References), len(th.References))
		}
		for m, r := range th.References {
			if back.References[m] != r {
				t.Errorf("%s: reference of %s reads back as %+v, want %+v", name, m, back.References[m], r)
			}
		}
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if !same(back.Band.Low, th.Band.Low) || !same(back.Band.High, th.Band.High) || back.DemandRatio != th.DemandRatio ||
			len(back.ClosedForm) != len(th.ClosedForm) || !same(back.Surplus.Mean, th.Surplus.Mean) || len(back.Corridors) != len(th.Corridors) {
			t.Errorf("%s: theory.json reads back as %+v, want %+v", name, back, th)
		}
	}
}

// TestTheorySegments: with market.candidates, a sampled clearing is one
// segment's, the segments in turn, each job in the segment of its ID
// modulo the number of segments, as in a run. The fixed stream of
// strategic-bidding-deterministic (see TestTheoryDeterministic) with two
// carriers alike and candidates 1 has two segments: the first clearing's
// jobs 0 and 2 go to segment 0 (spreads 70 and 40), the second clearing's
// IDs 4 to 7 put jobs 1 and 3 in segment 1 (spread 90; job 3 is not worth
// shipping). Each sample is twice its segment's surplus, 220 and 180, and
// their mean is the whole market's, 200, as capacity is slack; the
// competitive quantity likewise (2 * 15 and 2 * 20, mean 35).
func TestTheorySegments(t *testing.T) {
	sc, err := scenario.Resolve("strategic-bidding-deterministic")
	if err != nil {
		t.Fatal(err)
	}
	sc.Carriers = append(sc.Carriers, sc.Carriers[0])
	sc.Market.Candidates = 1
	if ps := sc.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	th := NewTheory(&sc)
	if th.Segments != 2 || th.Clearings != 2 {
		t.Fatalf("%d segments, %d clearings sampled; want 2 and 2", th.Segments, th.Clearings)
	}
	if math.Abs(th.Surplus.Mean-200) > 1e-9 || math.Abs(th.Surplus.SD-math.Sqrt(800)) > 1e-9 {
		t.Errorf("efficient surplus %+v, want samples 220 and 180", th.Surplus)
	}
	if th.Competitive.Quantity.Mean != 35 || th.Competitive.Quantity.SD != math.Sqrt(50) {
		t.Errorf("competitive quantity %+v, want samples 30 and 40", th.Competitive.Quantity)
	}
	// Every carrier in one segment: the theory of the whole market.
	sc.Market.Candidates = 2
	if whole := NewTheory(&sc); whole.Segments != 0 || whole.Clearings != 1 || math.Abs(whole.Surplus.Mean-200) > 1e-9 {
		t.Errorf("candidates = carriers: %d segments, %d clearings, surplus %v; want no segments, 1 clearing of 200",
			whole.Segments, whole.Clearings, whole.Surplus.Mean)
	}
}

// TestInSegment counts the arrivals of each segment one by one.
func TestInSegment(t *testing.T) {
	for g := 1; g <= 5; g++ {
		for id := int64(0); id < 12; id++ {
			for n := 0; n < 12; n++ {
				for seg := range g {
					want := 0
					for i := id; i < id+int64(n); i++ {
						if i%int64(g) == int64(seg) {
							want++
						}
					}
					if got := inSegment(id, n, g, seg); got != want {
						t.Fatalf("inSegment(%d, %d, %d, %d) = %d, want %d", id, n, g, seg, got, want)
					}
				}
			}
		}
	}
}

// TestTheoryBilateralWithoutClosedForm: bilateral trading on supports where
// no linear equilibrium is claimed says why. Values on [2, 3] above costs
// on [0, 1]: every price from 1 to 2 is a one-price equilibrium (the
// ladder's one-price rungs measure them); values on [1, 3] against costs
// on [0.5, 2] at k = 0.3: the linear profile would need the top ask. On
// the shared support the closed form stands and there is no note.
func TestTheoryBilateralWithoutClosedForm(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string // in the note; "" for none and a closed form
	}{
		{[]string{"jobs.value.min=2", "jobs.value.max=3"}, "bid = ask = p is an equilibrium for every p from 1 to 2 (a continuum)"},
		{[]string{"jobs.value.min=1", "jobs.value.max=3", "carriers[0].cost_factor.min=0.5", "carriers[0].cost_factor.max=2", "market.k=0.3"},
			"values on [1, 3] and costs on [0.5, 2]: the linear profile is no equilibrium here"},
		{nil, ""},
	} {
		sc, err := scenario.ResolveWith("bilateral", c.sets)
		if err != nil {
			t.Fatal(err)
		}
		th := NewTheory(&sc)
		if c.want == "" {
			if th.Bilateral == nil || th.ClosedFormNote != "" {
				t.Errorf("%v: closed form %v, note %q; want Chatterjee and Samuelson's and no note", c.sets, th.Bilateral, th.ClosedFormNote)
			}
			continue
		}
		if th.Bilateral != nil || !strings.Contains(th.ClosedFormNote, c.want) {
			t.Errorf("%v: closed form %v, note %q; want none and a note saying %q", c.sets, th.Bilateral, th.ClosedFormNote, c.want)
		}
	}
}
