package chart

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Sweep figures read an aggregated table: one row per point of a sweep, a
// column for each swept parameter, and for each metric the columns
// <metric>_mean, <metric>_ci95_low and <metric>_ci95_high, as [results.Summarize]
// gives them over the replicates at that point (other columns are ignored).
// A parameter may be a key or a value column; a missing value (NaN) of a
// parameter is an error, of a metric a gap in the figure.

// sweepPoint is one row of an aggregated table.
type sweepPoint struct {
	group, x        float64
	mean, low, high float64
	bandLo, bandHi  float64 // a theory band, when drawn
}

// MetricVsAxis plots a metric against one swept parameter, axis: the mean
// with its 95 % confidence band, one line per value of the parameter group
// when group is not empty. It reads an aggregated table with the columns
// <axis.Name>, <group> (when given), <metric.Name>_mean,
// <metric.Name>_ci95_low and <metric.Name>_ci95_high; two rows at the same
// axis and group value are an error. Lines get their colours by ascending
// group value.
//
// Its data has no key column and the value columns <group> (when given),
// <axis>, <metric>_mean, <metric>_ci95_low and <metric>_ci95_high, sorted by
// group, then axis. Its name is sweep_<metric>_vs_<axis>, followed by
// _by_<group> when given.
func MetricVsAxis(agg *results.Table, axis, metric results.Metric, group string) (*Figure, error) {
	return metricVsAxis(agg, axis, metric, group, nil, nil)
}

// MetricVsAxisByText is [MetricVsAxis] grouped by a text parameter, such as
// a strategy kind: the column group holds the index of a value in
// groupValues, and the legend names the values.
func MetricVsAxisByText(agg *results.Table, axis, metric results.Metric, group string, groupValues []string) (*Figure, error) {
	return metricVsAxis(agg, axis, metric, group, groupValues, nil)
}

// TheoryBand names the columns of an aggregated table that hold, at each
// point, the ends of a band that theory predicts for the metric, such as
// the competitive-equilibrium price band.
type TheoryBand struct {
	Low, High string // columns of the band's ends
	Label     string // its legend
}

// MetricVsAxisBand is [MetricVsAxis] without groups, with the band that
// theory predicts drawn behind the learned values: shaded grey between
// the columns band.Low and band.High at each point (a band of zero width is
// drawn as a dashed line). Its data adds the columns band_low and
// band_high. Its name is sweep_<metric>_vs_<axis>_theory.
func MetricVsAxisBand(agg *results.Table, axis, metric results.Metric, band TheoryBand) (*Figure, error) {
	return metricVsAxis(agg, axis, metric, "", nil, &band)
}

// sweepPoints reads the points of an aggregated table at the values of
// axis (and group, when given) with the metric's mean and interval, and
// the band's ends when band is given, sorted by group, then axis; two rows
// at the same axis and group value are an error.
func sweepPoints(agg *results.Table, axis, metric results.Metric, group string, band *TheoryBand) ([]sweepPoint, error) {
	const table = "aggregated"
	xs, err := paramColumn(agg, table, axis.Name)
	if err != nil {
		return nil, err
	}
	gs := make([]float64, len(agg.Rows))
	if group != "" {
		if gs, err = paramColumn(agg, table, group); err != nil {
			return nil, err
		}
	}
	pts, err := sweepMetric(agg, metric.Name)
	if err != nil {
		return nil, err
	}
	var bandLo, bandHi []float64
	if band != nil {
		if bandLo, err = paramColumn(agg, table, band.Low); err != nil {
			return nil, err
		}
		if bandHi, err = paramColumn(agg, table, band.High); err != nil {
			return nil, err
		}
	}
	for i := range pts {
		pts[i].group, pts[i].x = gs[i], xs[i]
		if band != nil {
			pts[i].bandLo, pts[i].bandHi = bandLo[i], bandHi[i]
		}
	}
	slices.SortFunc(pts, func(a, b sweepPoint) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.x, b.x))
	})
	for i := 1; i < len(pts); i++ {
		if pts[i].group == pts[i-1].group && pts[i].x == pts[i-1].x {
			where := fmt.Sprintf("%s = %s", axis.Name, results.FormatFloat(pts[i].x))
			if group != "" {
				where += fmt.Sprintf(", %s = %s", group, results.FormatFloat(pts[i].group))
			}
			return nil, fmt.Errorf("%s table: two rows at %s", table, where)
		}
	}
	return pts, nil
}

// sweepData is the data of a sweep figure: the value columns <group> (when
// given), <axis>, <metric>_mean, <metric>_ci95_low and <metric>_ci95_high,
// then band_low and band_high when there is a band.
func sweepData(pts []sweepPoint, axis, metric results.Metric, group string, band bool) *results.Table {
	data := &results.Table{}
	if group != "" {
		data.Values = append(data.Values, group)
	}
	data.Values = append(data.Values, axis.Name, metric.Name+"_mean", metric.Name+"_ci95_low", metric.Name+"_ci95_high")
	if band {
		data.Values = append(data.Values, "band_low", "band_high")
	}
	for _, p := range pts {
		vals := []float64{p.x, p.mean, p.low, p.high}
		if group != "" {
			vals = append([]float64{p.group}, vals...)
		}
		if band {
			vals = append(vals, p.bandLo, p.bandHi)
		}
		data.Append(nil, vals)
	}
	return data
}

func metricVsAxis(agg *results.Table, axis, metric results.Metric, group string, groupValues []string, band *TheoryBand) (*Figure, error) {
	pts, err := sweepPoints(agg, axis, metric, group, band)
	if err != nil {
		return nil, err
	}
	data := sweepData(pts, axis, metric, group, band != nil)

	title := capitalize(Label(metric.Name)) + " against " + Label(axis.Name)
	if group != "" {
		title += ", by " + Label(group)
	}
	c := newChart(title+"\nmean over replicates, 95 % CI", axisLabel(Label(axis.Name), axis.Unit), axisLabel(Label(metric.Name), metric.Unit))
	var ss []*seriesSummary
	var colors []color.NRGBA
	var labels []string
	var xss [][]float64
	for i := 0; i < len(pts); {
		j := i
		s := &seriesSummary{name: metric.Name}
		var x []float64
		for ; j < len(pts) && pts[j].group == pts[i].group; j++ {
			x = append(x, pts[j].x)
			s.mean, s.lo, s.hi = append(s.mean, pts[j].mean), append(s.lo, pts[j].low), append(s.hi, pts[j].high)
			s.hasBand = s.hasBand || (isFinite(pts[j].low) && isFinite(pts[j].high))
		}
		label := "mean, 95 % CI"
		switch g := int(pts[i].group); {
		case group != "" && groupValues != nil && float64(g) == pts[i].group && g >= 0 && g < len(groupValues):
			label = Label(group) + ": " + groupValues[g]
		case group != "":
			label = fmt.Sprintf("%s = %s", Label(group), shortNum(pts[i].group))
		}
		ss, xss = append(ss, s), append(xss, x)
		colors = append(colors, groupColors()[len(colors)%len(groupColors())])
		labels = append(labels, label)
		i = j
	}
	// The theory band goes behind everything: shaded, its edges dashed, so
	// that a band of zero width still shows; the legend shows both.
	if band != nil {
		var bx, blo, bhi []float64
		flat := true
		for _, p := range pts {
			bx, blo, bhi = append(bx, p.x), append(blo, p.bandLo), append(bhi, p.bandHi)
			flat = flat && p.bandLo == p.bandHi
		}
		grey := color.NRGBA{R: 150, G: 150, B: 150, A: 110}
		shade := &plotBand{xs: bx, lo: blo, hi: bhi, color: grey}
		c.p.Add(shade)
		edge := func(ys []float64) *plotLine {
			l := newLine(bx, ys, color.NRGBA{R: 90, G: 90, B: 90, A: 255})
			l.style.Dashes, l.dots = []vg.Length{vg.Points(4), vg.Points(3)}, false
			c.p.Add(l)
			return l
		}
		lo := edge(blo)
		if flat {
			c.legend(band.Label+" (dashed)", lo)
		} else {
			edge(bhi)
			c.legend(band.Label+" (shaded, dashed edges)", &plotBand{color: grey}, lo)
		}
	}
	// Lines of different groups have different xs: draw them group by group,
	// bands first.
	for i := range ss {
		if ss[i].hasBand {
			c.p.Add(&plotBand{xs: xss[i], lo: ss[i].lo, hi: ss[i].hi, color: translucent(colors[i])})
		}
	}
	for i, s := range ss {
		l := newLine(xss[i], s.mean, colors[i])
		if group != "" {
			l.shape = groupShapes()[i%len(groupShapes())]
		}
		c.p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if s.hasBand {
			thumbs = []plot.Thumbnailer{&plotBand{color: translucent(colors[i])}, l}
		}
		c.legend(labels[i], thumbs...)
	}
	return c.figure(sweepName(metric, axis, group, band != nil), data), nil
}

// sweepName is sweep_<metric>_vs_<axis>, then _by_<group> or _theory.
func sweepName(metric, axis results.Metric, group string, theory bool) string {
	name := "sweep_" + metric.Name + "_vs_" + axis.Name
	if group != "" {
		name += "_by_" + group
	}
	if theory {
		name += "_theory"
	}
	return name
}

// HeatMap plots the mean of a metric over two swept parameters, x and y, as
// coloured cells with a colour bar. The colours run from dark purple (low)
// to yellow (high) with luminance linear in the value, through the control
// colours of viridis (van der Walt and Smith, matplotlib, 2015), readable
// in grey and with the common colour-vision deficiencies. It reads an aggregated table
// with the columns <x.Name>, <y.Name> and <metric.Name>_mean; two rows at the
// same x and y are an error. The cells form the grid of the distinct x and y
// values, of equal size along an axis of at most 12 values (each labelled
// with its value, so a log range reads evenly); a cell with no row or a
// missing mean is grey.
//
// Its data has no key column and the value columns <x>, <y> and
// <metric>_mean, one row per cell of the grid, sorted by y, then x (missing
// means empty). Its name is heatmap_<metric>_<x>_<y>.
func HeatMap(agg *results.Table, x, y, metric results.Metric) (*Figure, error) {
	const table = "aggregated"
	xs, err := paramColumn(agg, table, x.Name)
	if err != nil {
		return nil, err
	}
	ys, err := paramColumn(agg, table, y.Name)
	if err != nil {
		return nil, err
	}
	mc, err := valueColumn(agg, table, metric.Name+"_mean")
	if err != nil {
		return nil, err
	}
	gx, gy := distinct(xs), distinct(ys)
	z := make([]float64, len(gx)*len(gy))
	filled := make([]bool, len(z))
	for i := range z {
		z[i] = math.NaN()
	}
	for i, r := range agg.Rows {
		cx, _ := slices.BinarySearch(gx, xs[i])
		cy, _ := slices.BinarySearch(gy, ys[i])
		if filled[cy*len(gx)+cx] {
			return nil, fmt.Errorf("%s table: two rows at %s = %s, %s = %s", table, x.Name, results.FormatFloat(xs[i]), y.Name, results.FormatFloat(ys[i]))
		}
		if v := r.Values[mc]; math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s table, column %q, data row %d: infinite value", table, metric.Name+"_mean", i+1)
		}
		filled[cy*len(gx)+cx] = true
		z[cy*len(gx)+cx] = r.Values[mc]
	}
	lo, hi := rangeOf(z)
	if math.IsInf(lo, 0) {
		return nil, fmt.Errorf("%s table: column %q holds no value", table, metric.Name+"_mean")
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}

	data := &results.Table{Values: []string{x.Name, y.Name, metric.Name + "_mean"}}
	for cy, vy := range gy {
		for cx, vx := range gx {
			data.Append(nil, []float64{vx, vy, z[cy*len(gx)+cx]})
		}
	}

	cm, err := moreland.NewLuminance([]color.Color{
		color.NRGBA{0x44, 0x01, 0x54, 0xff}, color.NRGBA{0x3b, 0x52, 0x8b, 0xff}, color.NRGBA{0x21, 0x91, 0x8c, 0xff},
		color.NRGBA{0x5e, 0xc9, 0x62, 0xff}, color.NRGBA{0xfd, 0xe7, 0x25, 0xff},
	})
	if err != nil {
		panic(err) // the control colours are constant and increase in luminance
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	cx, tx := gridCells(gx)
	cy, ty := gridCells(gy)
	hm := plotter.NewHeatMap(heatGrid{cx, cy, z}, cm.Palette(256))
	hm.Min, hm.Max = lo, hi
	hm.NaN = colorGrey
	c := newChart(fmt.Sprintf("%s over %s and %s\nmean over replicates", capitalize(Label(metric.Name)), Label(x.Name), Label(y.Name)),
		axisLabel(Label(x.Name), x.Unit), axisLabel(Label(y.Name), y.Unit))
	c.p.Add(hm, &colorBar{cm: cm, label: axisLabel(Label(metric.Name)+", mean", metric.Unit)})
	c.exact = true
	c.p.X.Tick.Marker, c.p.Y.Tick.Marker = tx, ty
	return c.figure("heatmap_"+metric.Name+"_"+x.Name+"_"+y.Name, data), nil
}

// LogX draws the x axis of f on a log scale, labelled at 1, 2, 3 and 5
// times each power of ten (1, 2 and 5 over more than two decades), which a
// range of less than a decade still shows.
func LogX(f *Figure) {
	f.Plot.X.Scale = plot.LogScale{}
	f.Plot.X.Tick.Marker = logTicks{}
}

// logTicks labels a log axis at 1, 2, 3 and 5 times each power of ten.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	ks := []float64{1, 2, 3, 5}
	if hi > 100*lo {
		ks = []float64{1, 2, 5}
	}
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		for _, k := range ks {
			v := k * math.Pow(10, e)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				ts = append(ts, plot.Tick{Value: v, Label: results.FormatFloat(math.Round(v/math.Pow(10, e-1)) * math.Pow(10, e-1))})
			}
		}
	}
	return ts
}

// gridCells places the cells of a grid axis of values vs. A grid of at most
// 12 values gets cells of equal size, one per value in order, each labelled
// with its value, so that a log range or an uneven list reads as evenly as
// its cells; a longer grid keeps the values as coordinates, with gonum's
// ticks.
func gridCells(vs []float64) ([]float64, plot.Ticker) {
	if len(vs) > 12 {
		return vs, plot.DefaultTicks{}
	}
	at := make([]float64, len(vs))
	ts := make(plot.ConstantTicks, len(vs))
	for i, v := range vs {
		at[i] = float64(i)
		ts[i] = plot.Tick{Value: float64(i), Label: shortNum(v)}
	}
	return at, ts
}

// paramColumn is a swept parameter's column; it may not be missing.
func paramColumn(t *results.Table, table, name string) ([]float64, error) {
	xs, err := anyColumn(t, table, name)
	if err != nil {
		return nil, err
	}
	for i, x := range xs {
		if math.IsNaN(x) {
			return nil, fmt.Errorf("%s table, column %q, data row %d: missing value", table, name, i+1)
		}
	}
	return xs, nil
}

// sweepMetric reads a metric's mean and confidence interval per row.
func sweepMetric(t *results.Table, metric string) ([]sweepPoint, error) {
	var cols [3][]float64
	for i, suffix := range []string{"_mean", "_ci95_low", "_ci95_high"} {
		var err error
		if _, err = valueColumn(t, "aggregated", metric+suffix); err != nil {
			return nil, err
		}
		if cols[i], err = anyColumn(t, "aggregated", metric+suffix); err != nil {
			return nil, err
		}
	}
	pts := make([]sweepPoint, len(t.Rows))
	for i := range pts {
		pts[i].mean, pts[i].low, pts[i].high = cols[0][i], cols[1][i], cols[2][i]
	}
	return pts, nil
}

// distinct returns the sorted distinct values of xs.
func distinct(xs []float64) []float64 {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// grid is a plotter.GridXYZ over distinct sorted xs and ys; z is row-major
// by y.
type heatGrid struct {
	xs, ys, z []float64
}

func (g heatGrid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g heatGrid) Z(c, r int) float64 { return g.z[r*len(g.xs)+c] }
func (g heatGrid) X(c int) float64    { return g.xs[c] }
func (g heatGrid) Y(r int) float64    { return g.ys[r] }

// colorBar draws the colour scale of a heat map in a margin it reserves to
// the right of the data area, with its own axis and label.
type colorBar struct {
	cm    palette.ColorMap
	label string
}

// The colour bar's margin: a gap, then its label, ticks and bar, then a
// right margin.
const (
	colorBarGap    = 0.4 * vg.Centimeter
	colorBarWidth  = 2.4 * vg.Centimeter
	colorBarMargin = 0.3 * vg.Centimeter
)

func (b *colorBar) Plot(c draw.Canvas, p *plot.Plot) {
	bar := plot.New()
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	bar.Y.Label.Text = b.label
	bar.Y.Label.TextStyle.Font = p.Y.Label.TextStyle.Font
	bar.Y.Tick.Label.Font = p.Y.Tick.Label.Font
	bar.Add(&plotter.ColorBar{ColorMap: b.cm, Vertical: true, Colors: 256})
	area := c
	area.Min.X = c.Max.X + colorBarGap
	area.Max.X = area.Min.X + colorBarWidth
	bar.Draw(area)
}

// GlyphBoxes reserves the margin: a box as wide as the bar at the right edge.
func (b *colorBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: 1, Y: 0.5, Rectangle: vg.Rectangle{Min: vg.Point{X: 0}, Max: vg.Point{X: colorBarGap + colorBarWidth + colorBarMargin}}}}
}

// shortNum writes x for a legend or a tick label: at most 4 significant
// digits, so that a log range's 0.0430886938006 reads 0.04309 (the data
// files keep every digit).
func shortNum(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
