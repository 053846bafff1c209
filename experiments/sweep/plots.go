package sweep

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
	"github.com/freightsim/freightsim/results/sensitivity"
)

// The figures of a sweep, in plots/, each as PNG, SVG and the CSV of its
// data (chart.Figure.Save):
//
//   - each aggregated metric against each numeric axis, the mean with its
//     95 % band (chart.MetricVsAxis), or, for a random or lhs design whose
//     neighbouring points differ in other axes too, points with intervals
//     (chart.MetricVsAxisPoints): sweep_<metric>_vs_<axis>;
//   - in a grid of two axes, one line per value of the other axis:
//     sweep_<metric>_vs_<axis>_by_<other>, and for two numeric axes a heat
//     map of the mean: heatmap_<metric>_<axis1>_<axis2>.
//
// A text axis (a strategy kind, a price rule) groups the lines of a numeric
// one (chart.MetricVsAxisByText), its values named in the legend. A grid of text axes only is drawn as points with
// intervals (chart.MetricByCategory): the first axis across, the second's
// values side by side in each column. What cannot be drawn is skipped
// and said so (Finished.Skipped, the manifest's plots_skipped): more than
// two axes in a grid, a random or lhs design's heat maps (its points form no
// grid), a sampled axis whose points repeat its values, more groups than
// there are colours, a metric with no value.

// maxGroups is the most lines of one figure: the colours of the palette.
const maxGroups = 8

// plotTable is the aggregated table the figures read: point, then each
// axis (a text axis as the index of its value), then each aggregated
// metric's mean and 95 % interval.
func (fz *finisher) plotTable() *results.Table {
	t := &results.Table{Keys: []string{"point"}}
	for _, ax := range fz.sw.Axes {
		t.Values = append(t.Values, ax.Name)
	}
	for _, m := range fz.sw.Metrics {
		t.Values = append(t.Values, m+"_mean", m+"_ci95_low", m+"_ci95_high")
	}
	return t
}

// plotAxes are a point's axis values in the figures' table.
func (sw *Spec) plotAxes(vals []AxisValue) []float64 {
	out := make([]float64, 0, len(vals)+3*len(sw.Metrics))
	for a, v := range vals {
		if sw.Axes[a].Numeric {
			out = append(out, v.Num)
		} else {
			out = append(out, float64(sw.Axes[a].Index(v)))
		}
	}
	return out
}

// figures draws the sweep's figures from the table of plotTable.
func (sw *Spec) figures(t *results.Table) ([]*chart.Figure, []string) {
	var figs []*chart.Figure
	var skipped []string
	skip := func(format string, args ...any) { skipped = append(skipped, fmt.Sprintf(format, args...)) }
	var numeric, text []int
	for a, ax := range sw.Axes {
		if ax.Numeric {
			numeric = append(numeric, a)
		} else {
			text = append(text, a)
		}
	}
	switch {
	case len(sw.Axes) == 0:
		skip("all figures: the sweep has no axis, so one point; aggregate.csv holds it")
		return nil, skipped
	case len(numeric) == 0 && (sw.Design != DesignGrid || len(sw.Axes) > 2):
		skip("all figures: no axis is numeric (%s are text) and the points form no grid of one or two axes; aggregate.csv holds every point", sw.axisNames(text))
		return nil, skipped
	}
	var metrics []string
	for _, m := range sw.Metrics {
		c := t.Column(m + "_mean")
		if slices.ContainsFunc(t.Rows, func(r results.Row) bool { return !math.IsNaN(r.Values[c]) }) {
			metrics = append(metrics, m)
		} else {
			skip("%s: no value at any point", m)
		}
	}
	draw := func(f *chart.Figure, err error) *chart.Figure {
		if err != nil {
			skip("a figure: %v", err)
			return nil
		}
		figs = append(figs, f)
		return f
	}
	switch {
	case sw.sens != nil:
		skip("figures against each axis: the points of a %s design are not a sample to draw against an axis; see sensitivity_<metric>", sw.Design)
	case len(numeric) == 0:
		var group string
		var groupValues []string
		if len(sw.Axes) == 2 {
			if len(sw.Axes[1].Values) > maxGroups {
				skip("%s by %s: %d values side by side, more than the %d colours", sw.Axes[0].Name, sw.Axes[1].Name, len(sw.Axes[1].Values), maxGroups)
				return figs, skipped
			}
			group, groupValues = sw.Axes[1].Name, sw.Axes[1].texts()
		}
		for _, m := range metrics {
			draw(chart.MetricByCategory(t, sw.axisMetric(0), sw.Axes[0].texts(), metricOf(m), group, groupValues))
		}
	case sw.Design != DesignGrid:
		for _, a := range numeric {
			if n := distinctCount(t, sw.Axes[a].Name); n < len(t.Rows) {
				skip("%s: its %d points share %d values, so a line through them is not defined; aggregate.csv holds them", sw.Axes[a].Name, len(t.Rows), n)
				continue
			}
			for _, m := range metrics {
				sw.logX(draw(chart.MetricVsAxisPoints(t, sw.axisMetric(a), metricOf(m))), a)
			}
		}
		if len(numeric) >= 2 {
			skip("heat maps: the points of a %s design form no grid; see the figures against each axis", sw.Design)
		}
	case len(sw.Axes) == 1:
		for _, m := range metrics {
			sw.logX(draw(chart.MetricVsAxis(t, sw.axisMetric(0), metricOf(m), "")), 0)
		}
	case len(sw.Axes) == 2:
		for _, a := range numeric {
			b := 1 - a
			other := sw.Axes[b]
			if len(other.Values) > maxGroups {
				skip("%s by %s: %d lines, more than the %d colours; the heat map shows them", sw.Axes[a].Name, other.Name, len(other.Values), maxGroups)
				continue
			}
			for _, m := range metrics {
				if other.Numeric {
					sw.logX(draw(chart.MetricVsAxis(t, sw.axisMetric(a), metricOf(m), other.Name)), a)
				} else {
					sw.logX(draw(chart.MetricVsAxisByText(t, sw.axisMetric(a), metricOf(m), other.Name, other.texts())), a)
				}
			}
		}
		if len(numeric) == 2 {
			for _, m := range metrics {
				draw(chart.HeatMap(t, sw.axisMetric(0), sw.axisMetric(1), metricOf(m)))
			}
		} else {
			skip("heat maps: %s is text", sw.axisNames(text))
		}
	default:
		skip("all figures: %d axes, and a figure shows one or two; aggregate.csv holds every point", len(sw.Axes))
	}
	return figs, skipped
}

// logX draws the x axis of f on a log scale when axis a is a log-scale range.
func (sw *Spec) logX(f *chart.Figure, a int) *chart.Figure {
	if f != nil && sw.Axes[a].Log {
		chart.LogX(f)
	}
	return f
}

// texts are the axis's values as text, in the order of the sweep file.
func (ax *Axis) texts() []string {
	out := make([]string, len(ax.Values))
	for i, v := range ax.Values {
		out[i] = v.Text
	}
	return out
}

func (sw *Spec) axisNames(axes []int) string {
	var names []string
	for _, a := range axes {
		names = append(names, sw.Axes[a].Name)
	}
	return strings.Join(names, ", ")
}

func (sw *Spec) axisMetric(a int) results.Metric {
	return results.Metric{Name: sw.Axes[a].Name, Unit: sw.Axes[a].Unit}
}

func distinctCount(t *results.Table, name string) int {
	c := t.Column(name)
	xs := make([]float64, len(t.Rows))
	for i, r := range t.Rows {
		xs[i] = r.Values[c]
	}
	slices.Sort(xs)
	return len(slices.Compact(xs))
}

// metricOf is the metric called name with its unit, as the figures label it.
func metricOf(name string) results.Metric {
	for _, ms := range [][]results.Metric{results.P2Metrics(), results.MarketMetrics(), equilibrium.Columns()} {
		for _, m := range ms {
			if m.Name == name {
				return results.Metric{Name: name, Unit: m.Unit}
			}
		}
	}
	if strings.HasPrefix(name, "theta_") || strings.HasPrefix(name, "ask_theta_") {
		return results.Metric{Name: name, Unit: "money per feature unit"}
	}
	return results.Metric{Name: name}
}

// sensitivityFigure draws the indices of one metric as bars with their
// bootstrap intervals as whiskers, one group of bars per axis:
// sensitivity_<metric>. Morris: mu* (with its interval) and sigma; Sobol:
// S1 and ST, each with its interval. Colours are Okabe and Ito's blue and
// orange, told apart in every common colour-vision deficiency.
func sensitivityFigure(r sensitivityResult) *chart.Figure {
	ix := r.indices
	kinds := []sensitivity.Kind{sensitivity.First, sensitivity.Total}
	title, yLabel := "Sobol' indices of "+r.metric, "share of the variance"
	if _, ok := ix.Get(0, sensitivity.MuStar); ok {
		kinds = []sensitivity.Kind{sensitivity.MuStar, sensitivity.Sigma}
		title, yLabel = "Morris elementary effects on "+r.metric, "effect over an axis's range"
		if u := metricOf(r.metric).Unit; u != "" {
			yLabel += " (" + u + ")"
		}
	}
	colors := []color.Color{color.RGBA{0x00, 0x72, 0xB2, 0xff}, color.RGBA{0xE6, 0x9F, 0x00, 0xff}}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s\nbars: estimates; whiskers: %g %% bootstrap intervals (%d resamples)", title, 100*ix.Level, ix.Resamples)
	p.Y.Label.Text = yLabel
	p.X.Label.Text = "axis"
	p.Legend.Top = true
	data := &results.Table{Keys: []string{"factor"}}
	for _, k := range kinds {
		data.Values = append(data.Values, k.String(), k.String()+"_ci_low", k.String()+"_ci_high")
	}
	nf := len(ix.Factors)
	rows := make([][]float64, nf)
	width := vg.Points(18)
	for j, k := range kinds {
		vals := make(plotter.Values, nf)
		var whiskers errorBars
		for f := range nf {
			x, _ := ix.Get(f, k)
			vals[f] = x.Value
			if math.IsNaN(x.Value) {
				vals[f] = 0
			}
			rows[f] = append(rows[f], x.Value, x.Low, x.High)
			if !math.IsNaN(x.Low) {
				whiskers = append(whiskers, errorBar{x: float64(f) + 0.3*(float64(j)-float64(len(kinds)-1)/2), y: x.Value, low: x.Value - x.Low, high: x.High - x.Value})
			}
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			continue
		}
		bars.Color, bars.LineStyle.Width = colors[j], 0
		dx := 0.3 * (float64(j) - float64(len(kinds)-1)/2) // bars side by side, in units of the axis
		bars.XMin = dx
		p.Add(bars)
		p.Legend.Add(k.String(), bars)
		if len(whiskers) > 0 {
			eb, err := plotter.NewYErrorBars(whiskers)
			if err == nil {
				eb.LineStyle.Width = vg.Points(1)
				p.Add(eb)
			}
		}
	}
	for f := range nf {
		data.Append([]int64{int64(f)}, rows[f])
	}
	p.NominalX(ix.Factors...)
	p.X.Min, p.X.Max = -0.6, float64(nf)-0.4+0.5 // room at the right for the legend
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // the axes are categories: no line through their bars
	p.Add(grid)
	return &chart.Figure{Name: "sensitivity_" + r.metric, Plot: p, Data: data}
}

// errorBars are the whiskers of a bar chart: plotter.XYer and YErrorer.
type errorBars []errorBar

type errorBar struct{ x, y, low, high float64 }

func (e errorBars) Len() int                        { return len(e) }
func (e errorBars) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errorBars) YError(i int) (float64, float64) { return e[i].low, e[i].high }

// The report of a sweep, report.html (package report): the sweep in words,
// each point's aggregated metrics with their 95 % intervals, the figures
// and links to the tables. It is drawn from the sweep directory's files
// alone: Finish writes it, and freightsim report DIR draws it again.

// maxReportRows is the most points the report's table lists; aggregate.csv
// holds them all.
const maxReportRows = 200

// WriteReport writes dir/report.html for the finished sweep in dir.
func WriteReport(dir string) error {
	sw, err := Load(filepath.Join(dir, "sweep.yaml"))
	if err != nil {
		return fmt.Errorf("the report of %s: %w", dir, err)
	}
	p := &report.Page{Title: "freightsim sweep: " + sw.Name}
	if sw.Description != "" {
		p.Intro = append(p.Intro, strings.TrimSuffix(sw.Description, ".")+".")
	}
	var axes []string
	for _, ax := range sw.Axes {
		vals := ax.texts()
		if len(vals) > 8 {
			vals = append(vals[:3:3], "…", vals[len(vals)-1])
		}
		axes = append(axes, fmt.Sprintf("%s (%s: %s)", chart.Label(ax.Name), ax.Key, strings.Join(vals, ", ")))
	}
	design := fmt.Sprintf("a %s design of %d points", sw.Design, sw.Points())
	p.Intro = append(p.Intro, fmt.Sprintf("It varies %s, in %s, each over %d replicates (base seed %d), and aggregates %s.",
		strings.Join(axes, "; "), design, sw.Replicates, sw.Seed, strings.Join(sw.Metrics, ", ")))
	p.Intro = append(p.Intro, "The base scenario:")
	p.Intro = append(p.Intro, experiments.DescribeScenario(sw.Base)...)

	tab, err := aggregateTable(filepath.Join(dir, "aggregate.csv"), sw)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Notes = append(p.Notes, "No aggregate.csv (the tables are written as Parquet only): see aggregate.parquet.")
	case err != nil:
		return err
	default:
		if len(tab.Rows) > maxReportRows {
			p.Notes = append(p.Notes, fmt.Sprintf("The table lists the first %d of %d points; aggregate.csv holds them all.", maxReportRows, len(tab.Rows)))
			tab.Rows = tab.Rows[:maxReportRows]
		}
		p.Tables = append(p.Tables, tab)
	}
	if p.Figures, err = report.ReadFigures(dir, "plots"); err != nil {
		return err
	}
	p.Footer = "Written by freightsim report; no manifest.json."
	if m, err := ReadManifest(dir); err == nil {
		if len(m.PlotsSkipped) > 0 {
			p.Notes = append(p.Notes, "Figures not drawn: "+strings.Join(m.PlotsSkipped, "; ")+".")
		}
		p.Footer = fmt.Sprintf("freightsim %s; command: %s; started %s.", m.Version, strings.Join(m.Command, " "), m.Start.UTC().Format("2006-01-02 15:04 MST"))
	}
	p.Links = report.Links(dir, []string{"aggregate.csv", "aggregate.parquet", "runs.csv", "runs.parquet", "points.csv", "sweep.yaml", "base.yaml", "manifest.json", "plots"},
		map[string]string{
			"aggregate.csv":     "one row per point: the axes, then each metric's mean, sd, 95 % CI and n",
			"aggregate.parquet": "the same as Parquet",
			"runs.csv":          "one row per run: point, replicate, the axes, seed, status and every metric",
			"runs.parquet":      "the same as Parquet",
			"points.csv":        "the points and their seeds",
			"sweep.yaml":        "the effective sweep: freightsim sweep sweep.yaml runs it again",
			"base.yaml":         "the effective base scenario",
			"manifest.json":     "provenance: version, command, shards, timings",
			"plots":             "the figures as PNG, SVG and the CSV of the data each shows",
		})
	return p.WriteFile(dir)
}

// aggregateTable reads aggregate.csv as text: the point, the axes, and each
// metric's mean with its 95 % interval.
func aggregateTable(path string, sw *Spec) (report.Table, error) {
	t := report.Table{Caption: "Each point: mean over its replicates with the 95 % confidence interval"}
	f, err := os.Open(path)
	if err != nil {
		return t, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		return t, fmt.Errorf("reading %s: %v", path, err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	t.Header = append(t.Header, "point")
	for _, ax := range sw.Axes {
		t.Header = append(t.Header, chart.Label(ax.Name))
	}
	t.Header = append(t.Header, "replicates")
	for _, m := range sw.Metrics {
		t.Header = append(t.Header, chart.Label(m))
	}
	for _, rec := range recs[1:] {
		row := []string{get(rec, "point")}
		for _, ax := range sw.Axes {
			row = append(row, short(get(rec, ax.Name)))
		}
		row = append(row, get(rec, "replicates_ok"))
		for _, m := range sw.Metrics {
			v := short(get(rec, m+"_mean"))
			if lo, hi := get(rec, m+"_ci95_low"), get(rec, m+"_ci95_high"); lo != "" && hi != "" {
				v += " [" + short(lo) + ", " + short(hi) + "]"
			}
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// short writes a number of a table cell with 4 significant digits; text
// stays as it is.
func short(s string) string {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}
