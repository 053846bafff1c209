package sweep

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/sensitivity"
)

// The figures of a sweep, in plots/, each as PNG, SVG and the CSV of its
// data (chart.Figure.Save):
//
//   - each aggregated metric against each numeric axis, the mean with its
//     95 % band (chart.MetricVsAxis): sweep_<metric>_vs_<axis>;
//   - in a grid of two axes, one line per value of the other axis:
//     sweep_<metric>_vs_<axis>_by_<other>, and for two numeric axes a heat
//     map of the mean: heatmap_<metric>_<axis1>_<axis2>.
//
// A text axis (a strategy kind, a price rule) is never an x axis; it groups
// the lines of a numeric one, its values numbered in the order of the sweep
// file, the numbers explained in the title. What cannot be drawn is skipped
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
	case len(numeric) == 0:
		skip("all figures: no axis is numeric (%s are text); aggregate.csv holds every point", sw.axisNames(text))
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
	case sw.Design != DesignGrid:
		for _, a := range numeric {
			if n := distinctCount(t, sw.Axes[a].Name); n < len(t.Rows) {
				skip("%s: its %d points share %d values, so a line through them is not defined; aggregate.csv holds them", sw.Axes[a].Name, len(t.Rows), n)
				continue
			}
			for _, m := range metrics {
				sw.logX(draw(chart.MetricVsAxis(t, sw.axisMetric(a), metricOf(m), "")), a)
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
				f := sw.logX(draw(chart.MetricVsAxis(t, sw.axisMetric(a), metricOf(m), other.Name)), a)
				if f != nil && !other.Numeric {
					f.Plot.Title.Text += "\n" + other.Name + ": " + other.legend()
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
		f.Plot.X.Scale = plot.LogScale{}
		f.Plot.X.Tick.Marker = logTicks{}
	}
	return f
}

// logTicks labels a log axis at 1, 2 and 5 times each power of ten, which
// a range of less than a decade still shows.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		for _, k := range []float64{1, 2, 5} {
			v := k * math.Pow(10, e)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				ts = append(ts, plot.Tick{Value: v, Label: results.FormatFloat(math.Round(v/math.Pow(10, e-1)) * math.Pow(10, e-1))})
			}
		}
	}
	return ts
}

func (sw *Spec) axisNames(axes []int) string {
	var names []string
	for _, a := range axes {
		names = append(names, sw.Axes[a].Name)
	}
	return strings.Join(names, ", ")
}

// legend explains the numbers of a text axis's values: 0 = learn, 1 = truthful.
func (ax *Axis) legend() string {
	parts := make([]string, len(ax.Values))
	for i, v := range ax.Values {
		parts[i] = fmt.Sprintf("%d = %s", i, v.Text)
	}
	return strings.Join(parts, ", ")
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
