package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestSummarize(t *testing.T) {
	// Values 1..5: mean 3, sample sd sqrt(2.5); t(0.975, 4) = 2.7764451051977987.
	s := Summarize([]float64{1, 2, 3, 4, 5, math.NaN()})
	half := 2.7764451051977987 * math.Sqrt(2.5) / math.Sqrt(5)
	if s.N != 5 || s.Mean != 3 {
		t.Errorf("n %d mean %v, want 5 and 3 (NaN skipped)", s.N, s.Mean)
	}
	if !scalar.EqualWithinAbs(s.SD, math.Sqrt(2.5), 1e-12) {
		t.Errorf("sd %v, want sqrt(2.5)", s.SD)
	}
	// Tolerance 1e-9: gonum's t quantile is an iterative inverse, good to ~1e-12.
	if !scalar.EqualWithinAbs(s.CI95Low, 3-half, 1e-9) || !scalar.EqualWithinAbs(s.CI95High, 3+half, 1e-9) {
		t.Errorf("CI [%v, %v], want 3 ± %v", s.CI95Low, s.CI95High, half)
	}
	one := Summarize([]float64{7})
	if one.N != 1 || one.Mean != 7 || !math.IsNaN(one.SD) || !math.IsNaN(one.CI95Low) {
		t.Errorf("one value: %+v, want mean 7 and undefined sd and interval", one)
	}
	if none := Summarize(nil); none.N != 0 || !math.IsNaN(none.Mean) {
		t.Errorf("no values: %+v, want n 0 and NaN mean", none)
	}
}

func TestStatJSONRoundTrip(t *testing.T) {
	for _, s := range []Stat{Summarize([]float64{1, 2, 4}), Summarize([]float64{3})} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if s.N == 1 && !strings.Contains(string(b), `"sd":null`) {
			t.Errorf("undefined sd written as %s, want null", b)
		}
		var back Stat
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if !same(back.Mean, s.Mean) || !same(back.SD, s.SD) || !same(back.CI95Low, s.CI95Low) || !same(back.CI95High, s.CI95High) || back.N != s.N {
			t.Errorf("round trip of %+v gave %+v via %s", s, back, b)
		}
	}
}

func TestTableCSVRoundTrip(t *testing.T) {
	tab := &Table{Keys: []string{"replicate", "episode"}, Values: []string{"a", "b"}}
	a, b := 0.1, 0.2 // variables: Go folds the constant 0.1 + 0.2 to exactly 0.3
	tab.Append([]int64{0, 1000}, []float64{-48.25, a + b})
	tab.Append([]int64{1, 1000}, []float64{math.NaN(), 1e-300})
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "replicate,episode,a,b\n0,1000,-48.25,0.30000000000000004\n1,1000,,1e-300\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	back, err := ReadCSV(&buf, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 2 || back.Rows[0].Values[1] != a+b || !math.IsNaN(back.Rows[1].Values[0]) || back.Column("b") != 1 {
		t.Errorf("read back %+v", back)
	}
	if _, err := ReadCSV(strings.NewReader("r,x\n1,abc\n"), 1); err == nil || !strings.Contains(err.Error(), "line 2, column x") {
		t.Errorf("bad number: error %v, want one naming line 2, column x", err)
	}
}

func TestSummarizeAt(t *testing.T) {
	tab := &Table{Keys: []string{"replicate", "episode"}, Values: []string{"m"}}
	tab.Append([]int64{0, 0}, []float64{100})
	tab.Append([]int64{0, 10}, []float64{1})
	tab.Append([]int64{1, 0}, []float64{200})
	tab.Append([]int64{1, 10}, []float64{3})
	got := SummarizeAt(tab, 1, 10)["m"]
	if got.N != 2 || got.Mean != 2 {
		t.Errorf("summary at episode 10: %+v, want n 2 mean 2", got)
	}
}

func TestWriteFileKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk full")
	err := WriteFile(p, func(w io.Writer) error {
		io.WriteString(w, "half a new fi")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Errorf("error %v, want it to wrap the writer's error", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("after a failed write the file holds %q, want the old content", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory after a failed write, want 1 (no temporary left)", len(entries))
	}
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("after a good write the file holds %q, want %q", b, "new")
	}
}

func TestEvaluationMetrics(t *testing.T) {
	var e Evaluation
	// Group 0: returns -10, -20 (mean -15); group 2: -40. Group 1 is empty and skipped.
	e.AddDecision(0, -10)
	e.AddDecision(0, -20)
	e.AddDecision(2, -40)
	e.AddJob(-30, true)
	e.AddJob(-50, false)
	e.AddClearing(80, 20)
	e.AddClearing(80, 0)
	e.AddTrade(30, 30, 25)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"avg_bidding_cost", e.AvgBiddingCost(), (-15 - 40) / 2.0},
		{"cost_per_job", e.CostPerJob(), 40},
		{"ship_share", e.ShipShare(), 0.5},
		{"utilization", e.Utilization(), 20.0 / 160},
		{"mean_winning_bid", e.MeanWinningBid(), 30},
		{"mean_transport_cost", e.MeanTransportCost(), 25},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	e.Reset()
	if !math.IsNaN(e.CostPerJob()) || !math.IsNaN(e.AvgBiddingCost()) {
		t.Errorf("an empty evaluation gives %v and %v, want NaN (undefined)", e.CostPerJob(), e.AvgBiddingCost())
	}
}

func TestWriteFileIsReadableByOthers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "summary.json")
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "{}"); return err }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("a run file has mode %v, want 0644 so collaborators can read it", st.Mode().Perm())
	}
}

// TestWriteDerived: like WriteFile, the file appears whole or not at all,
// and a failed write leaves the earlier file and no temporary behind.
func TestWriteDerived(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fig.csv")
	if err := WriteDerived(path, func(w io.Writer) error { _, err := io.WriteString(w, "x\n1\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if err := WriteDerived(path, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("disk full") }); err == nil {
		t.Error("a failed write reported no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "x\n1\n" {
		t.Errorf("after a failed write the file holds %q, want the earlier one", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary left)", len(entries))
	}
}

// The gains metrics on cases worked by hand: Jain's index is 1 when every
// agent gains alike, 1/n when one gains everything, and counts a loss as
// no gain; the shippers' share of 30 against 10 is 3/4 and undefined when
// nobody gains; efficiency counts what the broker kept; the volatility of
// prices per unit of cost 1.2 and 1.6 (sd of two) is 0.2 sqrt(2), and
// undefined for one trade.
func TestEvaluationGainsKnownAnswers(t *testing.T) {
	var e Evaluation
	near := func(name string, got, want float64) {
		t.Helper()
		if !(math.Abs(got-want) <= 1e-12) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for i := range 3 {
		e.AddShipperGain(i, 10)
	}
	e.AddCarrierGain(0, 10)
	e.AddCarrierGain(1, 10)
	near("jain, five alike", e.Jain(), 1)
	e.Reset()
	e.AddShipperGain(0, 40)
	e.AddShipperGain(1, 0)
	e.AddCarrierGain(0, 0)
	e.AddCarrierGain(1, -5)
	near("jain, one of four gains all (a loss counted as 0)", e.Jain(), 0.25)
	e.Reset()
	e.AddShipperGain(0, 30)
	e.AddCarrierGain(0, 10)
	e.AddKept(10)
	e.AddBenchmark(100)
	near("shipper_share", e.ShipperShare(), 0.75)
	near("efficiency", e.Efficiency(), 0.5)
	e.AddJob(-12, true)
	e.AddTrade(12, 12, 10)
	if v := e.PriceVolatility(); !math.IsNaN(v) {
		t.Errorf("price_volatility of one trade = %v, want NaN", v)
	}
	e.AddJob(-16, true)
	e.AddTrade(16, 16, 10)
	near("price_per_cost", e.PricePerCost(), 1.4)
	near("price_volatility", e.PriceVolatility(), 0.2*math.Sqrt2)
	// A free truck's trade has no price per cost: it counts in neither.
	e.AddJob(-5, true)
	e.AddTrade(5, 5, 0)
	near("price_per_cost, a free truck left out", e.PricePerCost(), 1.4)
	near("price_volatility, a free truck left out", e.PriceVolatility(), 0.2*math.Sqrt2)
	// Every price the same multiple of its cost: no volatility at all (the
	// sum of squares less n times the squared mean left 6.7e-8 on 20 trades
	// at 2.4, 1.8e-7 on 1,000 at 1.8).
	for _, c := range []struct {
		n           int
		price, cost float64
	}{{20, 120, 50}, {20, 85, 50}, {40, 90, 50}, {1000, 90, 50}} {
		e.Reset()
		for range c.n {
			e.AddJob(-c.price, true)
			e.AddTrade(c.price, c.price, c.cost)
		}
		if v := e.PriceVolatility(); v != 0 {
			t.Errorf("price_volatility of %d trades at %v times their cost = %v, want 0", c.n, c.price/c.cost, v)
		}
	}
	e.Reset()
	if s := e.ShipperShare(); !math.IsNaN(s) {
		t.Errorf("shipper_share with no gains = %v, want NaN", s)
	}
}
