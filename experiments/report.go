package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
)

// The report of a run or a curve (report.html, package report), drawn from
// the files of its directory alone, so that freightsim report DIR draws it
// again.

// runFileNotes say what each file of a run directory holds, for the
// report's links.
var runFileNotes = map[string]string{
	"summary.json":        "each metric of the final evaluation: mean, sd, 95 % CI, n",
	"evaluations.csv":     "one row per replicate and evaluation point, one column per metric",
	"evaluations.parquet": "the same as Parquet",
	"episodes.csv":        "one row per replicate and training episode",
	"episodes.parquet":    "the same as Parquet",
	"trades.csv":          "one row per trade of the evaluation episodes",
	"trades.parquet":      "the same as Parquet",
	"lanes.csv":           "a network's lanes at each evaluation point",
	"theory.json":         "what theory predicts: equilibrium bands, the competitive equilibrium, references",
	"config.yaml":         "the effective scenario: freightsim run config.yaml reproduces the run",
	"manifest.json":       "provenance: version, command, seeds, timings, machine",
	"curve.csv":           "one row per demand/capacity ratio: learned means and intervals, and the equilibrium's",
	PlotsDir:              "the figures as PNG, SVG and the CSV of the data each shows",
}

// WriteRunReport writes dir/report.html for the run in dir: the scenario in
// words, the final evaluation's metrics with their 95 % intervals, theory
// next to what was learned, the figures in dir/plots and links to the
// tables.
func WriteRunReport(dir string) error {
	sc, err := scenario.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return fmt.Errorf("the report of %s: %w", dir, err)
	}
	var sum results.Summary
	if err := readJSON(filepath.Join(dir, "summary.json"), &sum); err != nil {
		return fmt.Errorf("the report of %s: %w", dir, err)
	}
	p := &report.Page{Title: "freightsim run: " + sc.Name, Intro: DescribeScenario(sc)}
	p.Intro = append(p.Intro, fmt.Sprintf("The final evaluation after %d training episodes, over %s, base seed %d.", sum.Episode, plural(sum.Replicates, "replicate"), sum.Seed))
	p.Tables = append(p.Tables, headline(sum))
	if t, ok := learnedTable(&sc, sum); ok {
		p.Tables = append(p.Tables, t)
	}
	th, err := equilibrium.ReadTheory(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Notes = append(p.Notes, "No theory.json: nothing to compare with theory.")
	case err != nil:
		return err
	default:
		p.Tables = append(p.Tables, theoryTable(th, sum, &sc))
		if th.ClosedFormNote != "" {
			p.Intro = append(p.Intro, "Theory: "+th.ClosedFormNote+".")
		}
	}
	if p.Figures, err = report.ReadFigures(dir, PlotsDir); err != nil {
		return err
	}
	if len(p.Figures) == 0 {
		p.Notes = append(p.Notes, "No figures to show: plots/ holds no PNG or SVG file (the run was made with --no-plots, with --plot-format pdf, or with its tables as Parquet only). freightsim plot DIR draws them; freightsim report DIR then redraws this page.")
	}
	p.Links = report.Links(dir, []string{"summary.json", "evaluations.csv", "evaluations.parquet", "episodes.csv", "episodes.parquet",
		"trades.csv", "trades.parquet", "lanes.csv", "theory.json", "config.yaml", "manifest.json", PlotsDir}, runFileNotes)
	p.Footer = footer(dir)
	return p.WriteFile(dir)
}

// WriteCurveReport writes dir/report.html for the equilibrium curve in dir
// (curve.csv, config.yaml and the curve's figures).
func WriteCurveReport(dir string) error {
	sc, err := scenario.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return fmt.Errorf("the report of %s: %w", dir, err)
	}
	t, err := readCSV(filepath.Join(dir, "curve.csv"), 1)
	if err != nil {
		return fmt.Errorf("the report of %s: %w", dir, err)
	}
	p := &report.Page{Title: "freightsim curve: " + sc.Name}
	p.Intro = append([]string{fmt.Sprintf("The learned market's price and utilisation at each ratio of demanded volume to offered capacity, next to the competitive equilibrium's; every ratio with the same base seed, %d. The scenario at ratio 1:", sc.Seed)},
		DescribeScenario(sc)...)
	tab := report.Table{Caption: "Learned (mean and 95 % CI over replicates) against the competitive equilibrium",
		Header: []string{"demand / capacity", "price / cost", "equilibrium price / cost", "utilisation", "equilibrium utilisation", "share shipped"}}
	col := func(r results.Row, name string) float64 {
		if c := t.Column(name); c >= 0 {
			return r.Values[c]
		}
		return math.NaN()
	}
	ci := func(r results.Row, m string) string {
		return withCI(col(r, m+"_mean"), col(r, m+"_ci95_low"), col(r, m+"_ci95_high"))
	}
	for _, r := range t.Rows {
		tab.Rows = append(tab.Rows, []string{cell(col(r, "demand_ratio")), ci(r, "price_per_cost"),
			cell(col(r, "ce_price_low")) + " to " + cell(col(r, "ce_price_high")), ci(r, "utilization"), cell(col(r, "ce_utilization")), ci(r, "ship_share")})
	}
	p.Tables = append(p.Tables, tab)
	if p.Figures, err = report.ReadFigures(dir, "."); err != nil {
		return err
	}
	p.Links = report.Links(dir, []string{"curve.csv", "config.yaml", "manifest.json"}, runFileNotes)
	p.Footer = footer(dir)
	return p.WriteFile(dir)
}

// DescribeScenario says in words what a scenario runs: its name and
// description, the agents, the jobs, the market and the training (not its
// seed and replicates, which a sweep or a curve sets again).
func DescribeScenario(sc scenario.Config) []string {
	var out []string
	head := sc.Name
	if sc.Description != "" {
		head += ": " + sc.Description
	}
	out = append(out, strings.TrimSuffix(head, ".")+".")
	out = append(out, fmt.Sprintf("%s (%s) and %s (%s); %s.",
		plural(len(sc.Shippers), "shipper"), kinds(sc.Shippers, func(s scenario.Shipper) string { return s.Strategy.Kind.String() }),
		plural(len(sc.Carriers), "carrier"), kinds(sc.Carriers, func(c scenario.Carrier) string {
			return fmt.Sprintf("%s, capacity %d", c.Strategy.Kind, c.Capacity)
		}), marketText(sc.Market)))
	j := sc.Jobs
	if len(j.Fixed) > 0 {
		out = append(out, fmt.Sprintf("The same %s every episode.", plural(len(j.Fixed), "job")))
	} else {
		out = append(out, fmt.Sprintf("Each epoch %s jobs arrive, of volume %s, due within %s clearings, over a distance of %s.",
			rangeText(j.Arrivals), rangeText(j.Volume), rangeText(j.Due), rangeText(j.Distance)))
	}
	if sc.DemandRatio > 0 {
		out = append(out, fmt.Sprintf("Capacities are scaled so that expected demand / capacity is %s.", results.FormatFloat(sc.DemandRatio)))
	}
	out = append(out, fmt.Sprintf("Training: %d episodes of %d epochs, evaluated every %d episodes (and after the last) over %s of %d epochs.",
		sc.Training.Episodes+1, sc.Training.Horizon+1, sc.Evaluation.Every, plural(sc.Evaluation.Episodes, "episode"), sc.Evaluation.Horizon+1))
	return out
}

// kinds lists the distinct descriptions of agents with their counts:
// "learn" or "2 truthful, 1 learn", in order of first appearance.
func kinds[T any](agents []T, describe func(T) string) string {
	var names []string
	count := map[string]int{}
	for _, a := range agents {
		d := describe(a)
		if count[d] == 0 {
			names = append(names, d)
		}
		count[d]++
	}
	if len(names) == 1 {
		return names[0]
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%d %s", count[n], n)
	}
	return strings.Join(parts, "; ")
}

func marketText(m scenario.Market) string {
	s := fmt.Sprintf("cleared by %s, price rule %s", m.Clearing, m.Price)
	if p := m.Price.String(); p == "k-double" || p == "k-double-uniform" {
		s += fmt.Sprintf(" (k = %s)", results.FormatFloat(m.K))
	}
	return s
}

func rangeText(r scenario.Range) string {
	if r.Min == r.Max {
		return fmt.Sprint(r.Min)
	}
	return fmt.Sprintf("%d to %d", r.Min, r.Max)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// headline is the table of the final evaluation: each measured metric in
// words, its unit, mean and 95 % interval, and n.
func headline(sum results.Summary) report.Table {
	t := report.Table{Caption: "Final evaluation: mean over replicates with its 95 % confidence interval",
		Header: []string{"metric", "unit", "mean", "95 % CI", "n", "column"}}
	units := map[string]string{}
	var order []string
	for _, ms := range [][]results.Metric{results.P2Metrics(), results.MarketMetrics(), results.EquilibriumMetrics(), NetworkMetrics(), MisreportMetrics()} {
		for _, m := range ms {
			if _, ok := units[m.Name]; !ok {
				order = append(order, m.Name)
			}
			units[m.Name] = m.Unit
		}
	}
	var rest []string
	for name := range sum.Metrics {
		if !slices.Contains(order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range append(order, rest...) {
		st, ok := sum.Metrics[name]
		if !ok || st.N == 0 || strings.HasPrefix(name, "theta_") || strings.HasPrefix(name, "ask_theta_") {
			continue // not measured, or a policy's weight (evaluations.csv holds them)
		}
		interval := "–"
		if !math.IsNaN(st.CI95Low) {
			interval = "[" + cell(st.CI95Low) + ", " + cell(st.CI95High) + "]"
		}
		t.Rows = append(t.Rows, []string{chart.Label(name), units[name], cell(st.Mean), interval, fmt.Sprint(st.N), name})
	}
	return t
}

// theoryTable puts what theory predicts next to what was learned.
func theoryTable(th *equilibrium.Theory, sum results.Summary, sc *scenario.Config) report.Table {
	t := report.Table{Caption: "Theory next to what was learned (final evaluation, mean and 95 % CI)",
		Header: []string{"quantity", "theory", "learned"}}
	learned := func(name string) string {
		st, ok := sum.Metrics[name]
		if !ok || st.N == 0 {
			return "not measured"
		}
		return withCI(st.Mean, st.CI95Low, st.CI95High)
	}
	if !math.IsNaN(th.Band.Low) && !math.IsNaN(th.Band.High) {
		t.Rows = append(t.Rows, []string{"price of a job worth shipping (money per job)",
			"equilibrium band " + cell(th.Band.Low) + " to " + cell(th.Band.High), "mean price paid " + learned("mean_price")})
	}
	if c := th.Competitive; !math.IsNaN(c.Low.Mean) {
		t.Rows = append(t.Rows, []string{"competitive equilibrium price, " + c.Unit,
			cell(c.Low.Mean) + " to " + cell(c.High.Mean), "price per unit of transport cost " + learned("price_per_cost")})
	}
	if l := th.Large; l != nil {
		if bid, ask, ok := LearnedLines(sc, sum); ok {
			m := strconv.Itoa(l.M)
			t.Rows = append(t.Rows, []string{"bid, in the value v (money): the " + m + " x " + m + " market's linear equilibrium", l.Bid.Format("v", cell), bid.Format("v", cell)},
				[]string{"ask, in the cost c (money): the " + m + " x " + m + " market's linear equilibrium", l.Ask.Format("c", cell), ask.Format("c", cell)})
		}
	}
	if b := th.Bilateral; b != nil {
		if bid, ask, ok := LearnedLines(sc, sum); ok {
			t.Rows = append(t.Rows, []string{"bid, in the value v (money)", b.Bid.Format("v", cell), bid.Format("v", cell)},
				[]string{"ask, in the cost c (money)", b.Ask.Format("c", cell), ask.Format("c", cell)})
		}
		for _, carrier := range []bool{false, true} {
			if best, against, ok := BestToFixed(sc, th, carrier); ok {
				if got, ok := LearnedLine(sc, sum, carrier); ok {
					what, x := "bid, in the value v (money): the best response to "+against, "v"
					if carrier {
						what, x = "ask, in the cost c (money): the best response to "+against, "c"
					}
					t.Rows = append(t.Rows, []string{what, best.Format(x, cell), got.Format(x, cell)})
				}
			}
		}
	}
	names := make([]string, 0, len(th.References))
	for name := range th.References {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		r := th.References[name]
		t.Rows = append(t.Rows, []string{chart.Label(name) + " (" + name + ")", cell(r.Value) + " (" + r.Label + ")", learned(name)})
	}
	return t
}

// LearnedLines are the mean learned bid and ask of a bilateral market in
// money (LearnedLine of each side), when both sides learn one.
func LearnedLines(sc *scenario.Config, sum results.Summary) (bid, ask equilibrium.Line, ok bool) {
	bid, okb := LearnedLine(sc, sum, false)
	ask, oka := LearnedLine(sc, sum, true)
	return bid, ask, okb && oka
}

// BestToFixed is theory's line for a side that learns against a fixed
// rule in the bilateral trading game (the first agent of the other side
// quotes its type, a markup on it, or a linear rule in it): its best
// response (equilibrium.Bilateral's BestBidTo, BestAskTo), and whom it
// answers ("a seller who asks her cost"); false where theory gives none.
func BestToFixed(sc *scenario.Config, th *equilibrium.Theory, carrier bool) (equilibrium.Line, string, bool) {
	if th == nil || th.Bilateral == nil || len(sc.Shippers) != 1 || len(sc.Carriers) == 0 {
		return equilibrium.Line{}, "", false
	}
	// The other side: who it is, how it quotes, in what type.
	other, who, verb, quote, typ, x := sc.Carriers[0].Strategy, "seller", "asks", "ask", "cost", "c"
	if carrier {
		other, who, verb, quote, typ, x = sc.Shippers[0].Strategy, "buyer", "bids", "bid", "value", "v"
	}
	var rule equilibrium.Line
	var against string
	switch other.Kind {
	case scenario.KindTruthful:
		rule, against = equilibrium.Line{Slope: 1}, "a "+who+" who "+verb+" her "+typ
	case scenario.KindMarkup:
		m := 1 + other.Markup
		if carrier {
			m = 1 - other.Markup
		}
		rule, against = equilibrium.Line{Slope: m}, "a "+who+" who "+verb+" "+cell(m)+" x her "+typ
	case scenario.KindLinear:
		var ok bool
		if len(other.Weights) != 2 {
			return equilibrium.Line{}, "", false
		}
		if rule, ok = typeLine(sc, other, !carrier, other.Weights[0], other.Weights[1]); !ok {
			return equilibrium.Line{}, "", false
		}
		against = "the " + who + "'s rule, " + quote + "(" + x + ") = " + rule.Format(x, cell)
	default:
		return equilibrium.Line{}, "", false
	}
	best, ok := th.Bilateral.BestBidTo(rule)
	if carrier {
		best, ok = th.Bilateral.BestAskTo(rule)
	}
	return best, against, ok
}

// LearnedLine is a side's mean learned quote in money, from the final
// evaluation's mean weights: the shipper's bid in the value (theta_0,
// theta_1), or the carrier's ask in the cost (ask_theta_0, ask_theta_1),
// when the market has one shipper and that side's first agent learns a
// linear policy on the features [bias, value] or [bias, reservation], or
// [bias, cost] (typeLine).
func LearnedLine(sc *scenario.Config, sum results.Summary, carrier bool) (equilibrium.Line, bool) {
	if len(sc.Shippers) != 1 || len(sc.Carriers) == 0 {
		return equilibrium.Line{}, false
	}
	st, prefix := sc.Shippers[0].Strategy, "theta_"
	if carrier {
		st, prefix = sc.Carriers[0].Strategy, "ask_theta_"
	}
	w0, ok0 := sum.Metrics[prefix+"0"]
	w1, ok1 := sum.Metrics[prefix+"1"]
	if st.Kind != scenario.KindLearn || !ok0 || !ok1 || w0.N == 0 || w1.N == 0 {
		return equilibrium.Line{}, false // not learned, or not linear: no weights
	}
	return typeLine(sc, st, carrier, w0.Mean, w1.Mean)
}

// typeLine is the quote of weights w0 and w1 on the features of st, in
// money, as a line in the quoting side's type: [bias, value] or [bias,
// reservation] for a shipper, [bias, cost] for a carrier (false on other
// features). Money features are divided by the price scale and measured
// from the money origin (Config.ScalesFor); the line undoes that
// (inUnits).
func typeLine(sc *scenario.Config, st scenario.Strategy, carrier bool, w0, w1 float64) (equilibrium.Line, bool) {
	features := [][]string{{"bias", "value"}, {"bias", "reservation"}}
	if carrier {
		features = [][]string{{"bias", "cost"}}
	}
	if !slices.ContainsFunc(features, func(f []string) bool { return slices.Equal(f, st.Features) }) {
		return equilibrium.Line{}, false
	}
	_, u, ok := inUnits(sc, st, []float64{w0, w1})
	if !ok {
		return equilibrium.Line{}, false
	}
	return equilibrium.Line{Intercept: u[0], Slope: u[1]}, true
}

// LearnedRule is the pricing rule the first learning shipper (carrier)
// learned, from the mean weights of the last evaluation (theta_i,
// ask_theta_i): its features' names and the weights per unit of each, in
// money, volume, distance and clearings (agents.FeatureSet.InUnits); false
// where no shipper (carrier) learns a linear policy on named or P2's
// features.
func LearnedRule(sc *scenario.Config, sum results.Summary, carrier bool) ([]string, []float64, bool) {
	var sts []scenario.Strategy
	prefix := "theta_"
	if carrier {
		prefix = "ask_theta_"
		for _, c := range sc.Carriers {
			sts = append(sts, c.Strategy)
		}
	} else {
		for _, s := range sc.Shippers {
			sts = append(sts, s.Strategy)
		}
	}
	i := slices.IndexFunc(sts, func(st scenario.Strategy) bool { return st.Kind == scenario.KindLearn })
	if i < 0 {
		return nil, nil, false
	}
	var w []float64
	for k := 0; ; k++ {
		m, ok := sum.Metrics[fmt.Sprintf("%s%d", prefix, k)]
		if !ok || m.N == 0 {
			break
		}
		w = append(w, m.Mean)
	}
	return inUnits(sc, sts[i], w)
}

// learnedTable is the rule the first learning shipper and carrier learned
// (LearnedRule), written out; false where neither learned one.
func learnedTable(sc *scenario.Config, sum results.Summary) (report.Table, bool) {
	t := report.Table{Caption: "What was learned: the first learning shipper's bid and carrier's ask, in money per unit of each feature (mean weights of the final evaluation)",
		Header: []string{"who", "rule"}}
	for _, carrier := range []bool{false, true} {
		if names, u, ok := LearnedRule(sc, sum, carrier); ok {
			who := "shipper: bid ="
			if carrier {
				who = "carrier: ask ="
			}
			t.Rows = append(t.Rows, []string{who, RuleText(names, u)})
		}
	}
	return t, len(t.Rows) > 0
}

// RuleText writes weights w on the named features as a pricing rule,
// "57.75 - 0.275*reservation + 0.375*cost", each weight to 4 significant
// digits, the bias's as a number, wherever it stands.
func RuleText(names []string, w []float64) string {
	var b strings.Builder
	for i, x := range w {
		switch {
		case i == 0 && x < 0:
			b.WriteString("-")
		case i > 0 && x < 0:
			b.WriteString(" - ")
		case i > 0:
			b.WriteString(" + ")
		}
		b.WriteString(cell(math.Abs(x)))
		if i < len(names) && names[i] != "bias" {
			b.WriteString("*" + names[i])
		}
	}
	return b.String()
}

// inUnits is w, weights on the features of st, per unit of each feature
// (agents.FeatureSet.InUnits), with the features' names; false where w
// does not fit the features or they have no such reading.
func inUnits(sc *scenario.Config, st scenario.Strategy, w []float64) ([]string, []float64, bool) {
	f, err := sc.Features(st)
	if err != nil || len(w) != f.Dim() {
		return nil, nil, false
	}
	named, ok := f.(interface {
		Names() []string
		InUnits([]float64) []float64
	})
	if !ok {
		return nil, nil, false
	}
	u := named.InUnits(w)
	return named.Names(), u, u != nil
}

// withCI writes "mean [low, high]", or the mean alone without an interval.
func withCI(mean, lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return cell(mean)
	}
	return cell(mean) + " [" + cell(lo) + ", " + cell(hi) + "]"
}

// cell writes a number for a table: 4 significant digits, – when missing.
func cell(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return results.FormatFloat(roundSig(x, 4))
}

func roundSig(x float64, digits int) float64 {
	if x == 0 || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// footer is the provenance line: version and command, from the manifest.
func footer(dir string) string {
	m, err := ReadManifest(dir)
	if err != nil {
		return "Written by freightsim report; no manifest.json."
	}
	return fmt.Sprintf("freightsim %s; command: %s; started %s.", m.Version, strings.Join(m.Command, " "), m.Start.UTC().Format("2006-01-02 15:04 MST"))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
