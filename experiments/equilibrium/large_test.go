package equilibrium

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/market/kdouble"
)

// preset reads a preset with overrides.
func preset(t *testing.T, name string, sets ...string) *scenario.Config {
	t.Helper()
	sc, err := scenario.ResolveWith(name, sets)
	if err != nil {
		t.Fatalf("%s %v: %v", name, sets, err)
	}
	return &sc
}

// The large-market preset and its variants are the m x m market; the
// theory names m, and gives the closed forms where theory has them:
// Chatterjee and Samuelson's at m = 1, the buyer's bid double auction at
// k = 1 (m/(m+1) v against the cost) and its mirror at k = 0; elsewhere
// kdouble's computed lines. On values and costs on [10, 12] every quote of
// the unit market q becomes 10 + 2q.
func TestLargeFormOfTheLargeMarkets(t *testing.T) {
	cs := func(k float64) (Line, Line) {
		b := newBilateral(k, 0, 1)
		return b.Bid, b.Ask
	}
	computed := func(m int, k float64) (Line, Line) {
		b, a, _, err := kdouble.Market{M: m, K: k}.Linear(400, 200, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		return Line{b.Intercept, b.Slope}, Line{a.Intercept, a.Slope}
	}
	on1012 := func(l Line) Line { return Line{Slope: l.Slope, Intercept: 10*(1-l.Slope) + 2*l.Intercept} }
	cases := []struct {
		name   string
		sets   []string
		m      int
		method string
		lines  func() (Line, Line)
		scale  bool
	}{
		{"the preset", nil, 4, "computed", func() (Line, Line) { return computed(4, 0.5) }, false},
		{"m = 1", []string{"market.candidates=1"}, 1, "Chatterjee and Samuelson", func() (Line, Line) { return cs(0.5) }, false},
		{"m = 1, k = 0.2", []string{"market.candidates=1", "market.k=0.2"}, 1, "Chatterjee and Samuelson", func() (Line, Line) { return cs(0.2) }, false},
		{"m = 1, the pair's k-double price", []string{"market.candidates=1", "market.price=k-double"}, 1, "Chatterjee and Samuelson", func() (Line, Line) { return cs(0.5) }, false},
		{"one segment (candidates 0)", []string{"market.candidates=0", "market.k=1"}, 16, "buyer's bid", func() (Line, Line) { return Line{Slope: 16.0 / 17}, Line{Slope: 1} }, false},
		{"candidates beyond the carriers", []string{"market.candidates=40", "market.k=1"}, 16, "buyer's bid", func() (Line, Line) { return Line{Slope: 16.0 / 17}, Line{Slope: 1} }, false},
		{"k = 1", []string{"market.k=1"}, 4, "buyer's bid", func() (Line, Line) { return Line{Slope: 0.8}, Line{Slope: 1} }, false},
		{"k = 0", []string{"market.k=0"}, 4, "seller's ask", func() (Line, Line) { return Line{Slope: 1}, Line{Slope: 0.8, Intercept: 0.2} }, false},
		{"m = 8", []string{"market.candidates=8"}, 8, "computed", func() (Line, Line) { return computed(8, 0.5) }, false},
		{"on [10, 12], m = 1", []string{"market.candidates=1", "jobs.value={dist: uniform, min: 10, max: 12}", "carriers[*].cost_factor={dist: uniform, min: 10, max: 12}"}, 1, "Chatterjee and Samuelson", func() (Line, Line) { return cs(0.5) }, true},
		{"on [10, 12], m = 4", []string{"jobs.value={dist: uniform, min: 10, max: 12}", "carriers[*].cost_factor={dist: uniform, min: 10, max: 12}"}, 4, "computed", func() (Line, Line) { return computed(4, 0.5) }, true},
	}
	for _, c := range cases {
		sc := preset(t, "large-market", c.sets...)
		l, why, ok := largeForm(sc)
		if !ok {
			t.Errorf("%s: not the m x m market (%q)", c.name, why)
			continue
		}
		bid, ask := c.lines()
		if c.scale {
			bid, ask = on1012(bid), on1012(ask)
		}
		if l.M != c.m || !strings.Contains(l.Method, c.method) {
			t.Errorf("%s: m %d by %q, want m %d by %s", c.name, l.M, l.Method, c.m, c.method)
		}
		for _, p := range []struct {
			what      string
			got, want float64
		}{{"bid intercept", l.Bid.Intercept, bid.Intercept}, {"bid slope", l.Bid.Slope, bid.Slope},
			{"ask intercept", l.Ask.Intercept, ask.Intercept}, {"ask slope", l.Ask.Slope, ask.Slope}} {
			if math.Abs(p.got-p.want) > 1e-9 {
				t.Errorf("%s: %s %v, want %v", c.name, p.what, p.got, p.want)
			}
		}
		if th := NewTheory(sc); th.Large == nil || th.Bilateral != nil || th.ClosedFormNote != "" {
			t.Errorf("%s: theory.json has large_market %v, bilateral %v, note %q; want the large market's alone", c.name, th.Large, th.Bilateral, th.ClosedFormNote)
		}
	}
}

// Markets that are not the m x m market get no such theory, and say why
// only where they are that market but for the support.
func TestLargeFormElsewhere(t *testing.T) {
	for _, c := range []struct {
		name string
		sets []string
		note string // in the note; "" for none
	}{
		{"segments that do not divide the carriers", []string{"market.candidates=3"}, ""},
		{"one job fewer than carriers", []string{"jobs.arrivals={min: 15, max: 15}"}, ""},
		{"random arrivals", []string{"jobs.arrivals={min: 15, max: 16}"}, ""},
		{"a cost per job", []string{"carriers[*].cost_draw=job"}, ""},
		{"a truck of two units", []string{"carriers[3].capacity=2"}, ""},
		{"the spread rule", []string{"market.price=spread"}, ""},
		{"the pair's k-double price at m = 4", []string{"market.price=k-double"}, ""},
		{"jobs that can wait", []string{"jobs.due={min: 0, max: 1}"}, ""},
		{"a failure penalty", []string{"shippers[0].penalty=0.1"}, ""},
		{"two volumes", []string{"jobs.volume={min: 1, max: 2}"}, ""},
		{"a dearer carrier", []string{"carriers[2].cost_rate=2"}, ""},
		{"costs on [0, 2]", []string{"carriers[*].cost_factor={dist: uniform, min: 0, max: 2}"}, "share one support"},
		{"m = 1, every value above every cost", []string{"market.candidates=1", "jobs.value={dist: uniform, min: 2, max: 3}"}, "no equilibrium here"},
	} {
		sc := preset(t, "large-market", c.sets...)
		l, why, ok := largeForm(sc)
		if ok || l != nil {
			t.Errorf("%s: the m x m market's theory claimed (%+v)", c.name, l)
		}
		if c.note == "" && why != "" || c.note != "" && !strings.Contains(why, c.note) {
			t.Errorf("%s: note %q, want one containing %q", c.name, why, c.note)
		}
		if th := NewTheory(sc); th.Large != nil || (c.note != "" && !strings.Contains(th.ClosedFormNote, c.note)) {
			t.Errorf("%s: theory.json has large_market %v and note %q", c.name, th.Large, th.ClosedFormNote)
		}
	}
	// At m = 1 on supports of their own where bilateral trading's linear
	// profile is an equilibrium: its lines, as for the bilateral preset.
	sc := preset(t, "large-market", "market.candidates=1", "carriers[*].cost_factor={dist: uniform, min: 0.25, max: 1.25}")
	want, ok := newBilateralApart(0.5, 0, 1, 0.25, 1.25)
	if l, _, got := largeForm(sc); !ok || !got || l.Bid != want.Bid || l.Ask != want.Ask || l.CostLo == nil || *l.CostLo != 0.25 || *l.CostHi != 1.25 {
		t.Errorf("m = 1, costs on [0.25, 1.25]: %+v, want the bilateral lines %+v and %+v on that support", l, want.Bid, want.Ask)
	}
	// Bilateral trading itself keeps its own theory.
	if th := NewTheory(preset(t, "bilateral")); th.Bilateral == nil || th.Large != nil {
		t.Errorf("bilateral: bilateral %v, large_market %v; want the bilateral theory alone", th.Bilateral, th.Large)
	}
	if l, ok := LargeForm(preset(t, "bilateral")); ok || l != nil {
		t.Errorf("bilateral: LargeForm gives %+v, want none (eq_distance is the bilateral game's)", l)
	}
}

// eq_distance in the m x m market, on linear rules whose answer is known
// by algebra: over the 201 types t_i = lo + w i/200, a quote off the
// equilibrium line by a + b (t - lo)/w has mean square a² + ab + b² 401/1200
// (the mean of i/200 is 1/2, of its square 401/1200). Each side's mean
// square is averaged over its agents; no trade (bids at or below the
// lowest cost, asks at or above the highest value) is at distance 0.
func TestLargeDistanceByHand(t *testing.T) {
	ms := func(a, b float64) float64 { return a*a + a*b + b*b*401/1200 }
	for _, sup := range [][2]float64{{0, 1}, {10, 12}} {
		lo, w := sup[0], sup[1]-sup[0]
		sets := []string{"jobs.value={dist: uniform, min: " + num(sup[0]) + ", max: " + num(sup[1]) + "}",
			"carriers[*].cost_factor={dist: uniform, min: " + num(sup[0]) + ", max: " + num(sup[1]) + "}"}
		sc := preset(t, "large-market", sets...)
		l, ok := LargeForm(sc)
		if !ok {
			t.Fatalf("on %v: not the m x m market", sup)
		}
		scales := agents.Scales{Volume: 1, Distance: 1, Due: 1, Money: 1, Count: 1}
		// off returns the rule quote(t) = line(t) + a + b (t - lo)/w on the feature.
		off := func(feature string, line Line, a, b float64) agents.Strategy {
			f, err := agents.NewFeatureSet([]string{"bias", feature}, scales)
			if err != nil {
				t.Fatal(err)
			}
			r, err := agents.NewLinear(f, []float64{line.Intercept + a - b*lo/w, line.Slope + b/w})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		carriers := func(rules ...agents.Strategy) []*agents.Carrier {
			out := make([]*agents.Carrier, len(sc.Carriers))
			for i := range out {
				out[i] = &agents.Carrier{Index: i, Capacity: 1, CostRate: sc.Carriers[i].CostRate, Strategy: rules[i%len(rules)]}
			}
			return out
		}
		apart := preset(t, "large-market", append(sets[:1:1], "market.candidates=1", "carriers[*].cost_factor={dist: uniform, min: "+num(lo+0.25*w)+", max: "+num(lo+1.25*w)+"}")...)
		la, ok := LargeForm(apart)
		if !ok || la.CostLo == nil {
			t.Fatalf("on %v, m = 1, costs a quarter above: not the bilateral lines on supports of their own (%+v)", sup, la)
		}
		clo, wc := *la.CostLo, *la.CostHi-*la.CostLo
		for _, c := range []struct {
			name string
			bid  agents.Strategy
			ask  agents.Strategy
			want float64
		}{
			{"the equilibrium", off("value", la.Bid, 0, 0), off("cost", la.Ask, 0, 0), 0},
			{"truthful", agents.TruthfulBid{}, agents.TruthfulAsk{},
				math.Sqrt(ms(lo-la.Bid.At(lo), (1-la.Bid.Slope)*w) + ms(clo-la.Ask.At(clo), (1-la.Ask.Slope)*wc))},
			{"no trade", off("value", Line{Intercept: clo}, 0, 0), off("cost", Line{Intercept: lo + w}, 0, 0), 0},
		} {
			cars := make([]*agents.Carrier, len(apart.Carriers))
			for i := range cars {
				cars[i] = &agents.Carrier{Index: i, Capacity: 1, CostRate: 1, Strategy: c.ask}
			}
			if got := la.Distance(apart, []agents.Strategy{c.bid}, cars); math.Abs(got-c.want) > 1e-9*(1+lo) {
				t.Errorf("on %v, m = 1, costs a quarter above, %s: eq_distance %v, want %v", sup, c.name, got, c.want)
			}
		}
		for _, c := range []struct {
			name     string
			shippers []agents.Strategy
			carriers []*agents.Carrier
			want     float64
		}{
			{"the equilibrium", []agents.Strategy{off("value", l.Bid, 0, 0)}, carriers(off("cost", l.Ask, 0, 0)), 0},
			{"bids off by 0.1 w", []agents.Strategy{off("value", l.Bid, 0.1*w, 0)}, carriers(off("cost", l.Ask, 0, 0)), 0.1 * w},
			{"bids and asks off by lines", []agents.Strategy{off("value", l.Bid, 0.03*w, -0.05*w)}, carriers(off("cost", l.Ask, -0.02*w, 0.04*w)),
				math.Sqrt(ms(0.03*w, -0.05*w) + ms(-0.02*w, 0.04*w))},
			{"two shippers and carriers of two kinds", []agents.Strategy{off("value", l.Bid, 0.02*w, 0), off("value", l.Bid, 0, 0.06*w)},
				carriers(off("cost", l.Ask, 0, 0), off("cost", l.Ask, -0.04*w, 0)),
				math.Sqrt((ms(0.02*w, 0)+ms(0, 0.06*w))/2 + (0+ms(-0.04*w, 0))/2)},
			{"truthful", []agents.Strategy{agents.TruthfulBid{}}, carriers(agents.TruthfulAsk{}),
				math.Sqrt(ms(lo-l.Bid.At(lo), (1-l.Bid.Slope)*w) + ms(lo-l.Ask.At(lo), (1-l.Ask.Slope)*w))},
			{"no trade", []agents.Strategy{off("value", Line{Intercept: lo - 0.5*w}, 0, 0)}, carriers(off("cost", Line{Intercept: lo + 1.3*w}, 0, 0)), 0},
		} {
			got := l.Distance(sc, c.shippers, c.carriers)
			if math.Abs(got-c.want) > 1e-9*(1+lo) {
				t.Errorf("on %v, %s: eq_distance %v, want %v", sup, c.name, got, c.want)
			}
		}
	}
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
