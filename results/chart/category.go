package chart

import (
	"fmt"
	"image/color"
	"math"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MetricByCategory plots a metric against a text parameter, such as a
// strategy kind, as points with their 95 % confidence intervals (error
// bars): one column per value of axis, in the order of values, and, when
// group is not empty, one point per value of group side by side in each
// column, told apart by colour and mark. A line through the points would
// suggest an order between the values that there is not.
//
// It reads an aggregated table in which the columns <axis.Name> and
// <group> hold the index of a value in values and groupValues, and the
// columns <metric.Name>_mean, _ci95_low and _ci95_high. Its data and name
// are those of [MetricVsAxis] (the indices as values).
func MetricByCategory(agg *results.Table, axis results.Metric, values []string, metric results.Metric, group string, groupValues []string) (*Figure, error) {
	pts, err := sweepPoints(agg, axis, metric, group, nil)
	if err != nil {
		return nil, err
	}
	for _, p := range pts {
		if p.x != math.Trunc(p.x) || p.x < 0 || int(p.x) >= len(values) {
			return nil, fmt.Errorf("aggregated table, column %q: %v is not the index of one of its %d values", axis.Name, p.x, len(values))
		}
		if group != "" && (p.group != math.Trunc(p.group) || p.group < 0 || int(p.group) >= len(groupValues)) {
			return nil, fmt.Errorf("aggregated table, column %q: %v is not the index of one of its %d values", group, p.group, len(groupValues))
		}
	}
	data := sweepData(pts, axis, metric, group, false)

	title := capitalize(Label(metric.Name)) + " by " + Label(axis.Name)
	if group != "" {
		title += " and " + Label(group)
	}
	c := newChart(title+"\nmean over replicates, 95 % CI", Label(axis.Name), axisLabel(Label(metric.Name), metric.Unit))
	ng := 1
	if group != "" {
		ng = len(groupValues)
	}
	// Points of a column spread over 40 % of its width, so that columns
	// stand apart.
	offset := func(int) float64 { return 0 }
	if ng > 1 {
		offset = func(g int) float64 { return -0.2 + 0.4*float64(g)/float64(ng-1) }
	}
	marks := make([]*plotIntervals, ng)
	for g := range marks {
		marks[g] = &plotIntervals{color: groupColors()[g%len(groupColors())], shape: groupShapes()[g%len(groupShapes())]}
	}
	for _, p := range pts {
		g := int(p.group)
		m := marks[g]
		m.xs = append(m.xs, p.x+offset(g))
		m.mean, m.lo, m.hi = append(m.mean, p.mean), append(m.lo, p.low), append(m.hi, p.high)
	}
	for g, m := range marks {
		c.p.Add(m)
		label := "mean, 95 % CI"
		if group != "" {
			label = Label(group) + ": " + groupValues[g]
		}
		c.legend(label, m)
	}
	ticks := make(plot.ConstantTicks, len(values))
	for i, v := range values {
		ticks[i] = plot.Tick{Value: float64(i), Label: v}
	}
	c.p.X.Tick.Marker = ticks
	c.p.X.Min, c.p.X.Max = -0.5, float64(len(values))-0.5
	c.p.X.Padding = 0
	return c.figure(sweepName(metric, axis, group, false), data), nil
}

// MetricVsAxisPoints plots a metric against one swept parameter as points
// with their 95 % intervals, unjoined: for a random or Latin hypercube
// design, in which neighbouring points differ in the other parameters too,
// so that a line between them would draw a trend that is not there. Its
// data and name are those of [MetricVsAxis] without a group.
func MetricVsAxisPoints(agg *results.Table, axis, metric results.Metric) (*Figure, error) {
	pts, err := sweepPoints(agg, axis, metric, "", nil)
	if err != nil {
		return nil, err
	}
	c := newChart(capitalize(Label(metric.Name))+" against "+Label(axis.Name)+"\nmean over replicates at each point, 95 % CI; the other parameters vary too",
		axisLabel(Label(axis.Name), axis.Unit), axisLabel(Label(metric.Name), metric.Unit))
	m := &plotIntervals{color: colorBlue, shape: draw.CircleGlyph{}}
	for _, p := range pts {
		m.xs, m.mean, m.lo, m.hi = append(m.xs, p.x), append(m.mean, p.mean), append(m.lo, p.low), append(m.hi, p.high)
	}
	c.p.Add(m)
	c.legend("mean, 95 % CI", m)
	return c.figure(sweepName(metric, axis, "", false), sweepData(pts, axis, metric, "", false)), nil
}

// plotIntervals are points with vertical 95 % intervals; a NaN mean is
// left out, a NaN end leaves the point without its bar.
type plotIntervals struct {
	xs, mean, lo, hi []float64
	color            color.Color
	shape            draw.GlyphDrawer
}

func (m *plotIntervals) glyph() draw.GlyphStyle {
	return draw.GlyphStyle{Color: m.color, Radius: vg.Points(3), Shape: m.shape}
}

func (m *plotIntervals) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	bar := draw.LineStyle{Color: m.color, Width: vg.Points(1.2)}
	end := vg.Points(3)
	for i, x := range m.xs {
		if !isFinite(m.mean[i]) {
			continue
		}
		px := trX(x)
		if isFinite(m.lo[i]) && isFinite(m.hi[i]) {
			lo, hi := trY(m.lo[i]), trY(m.hi[i])
			c.StrokeLine2(bar, px, lo, px, hi)
			c.StrokeLine2(bar, px-end, lo, px+end, lo)
			c.StrokeLine2(bar, px-end, hi, px+end, hi)
		}
		c.DrawGlyph(m.glyph(), vg.Point{X: px, Y: trY(m.mean[i])})
	}
}

// GlyphBoxes makes room for the marks at the edges of the data area, so
// that the first and last are drawn whole.
func (m *plotIntervals) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	return glyphBoxes(p, m.xs, m.mean, 2*m.glyph().Radius)
}

func (m *plotIntervals) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = rangeOf(m.xs)
	ymin, ymax = rangeOf(m.mean, m.lo, m.hi)
	return
}

func (m *plotIntervals) Thumbnail(c *draw.Canvas) {
	ctr := c.Center()
	c.StrokeLine2(draw.LineStyle{Color: m.color, Width: vg.Points(1.2)}, ctr.X, c.Min.Y, ctr.X, c.Max.Y)
	c.DrawGlyph(m.glyph(), ctr)
}
