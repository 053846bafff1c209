package chart

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The marks below are small plot.Plotters that, unlike gonum's, accept NaN:
// a NaN breaks a line or a band into runs, so a missing value shows as a
// gap rather than an error or a made-up number.

// finiteRuns returns the maximal runs [i, j) of indices at which ok holds.
func finiteRuns(n int, ok func(i int) bool) [][2]int {
	var runs [][2]int
	for i := 0; i < n; {
		if !ok(i) {
			i++
			continue
		}
		j := i
		for j < n && ok(j) {
			j++
		}
		runs = append(runs, [2]int{i, j})
		i = j
	}
	return runs
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// rangeOf returns the least and greatest finite values of the slices, or
// +Inf and -Inf when there is none (which leaves a plot's range alone).
func rangeOf(xss ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, xs := range xss {
		for _, x := range xs {
			if isFinite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	return lo, hi
}

// line is a series drawn as a line, with a dot at each point when there
// are few points (dots), broken where y is NaN.
type plotLine struct {
	xs, ys []float64
	style  draw.LineStyle
	dots   bool
	shape  draw.GlyphDrawer // of the dots; a circle when nil
}

func newLine(xs, ys []float64, c color.Color) *plotLine {
	return &plotLine{xs: xs, ys: ys, style: draw.LineStyle{Color: c, Width: vg.Points(1.5)}, dots: len(xs) <= 40}
}

func (l *plotLine) dot() draw.GlyphStyle {
	shape := l.shape
	if shape == nil {
		shape = draw.CircleGlyph{}
	}
	return draw.GlyphStyle{Color: l.style.Color, Radius: vg.Points(2.2), Shape: shape}
}

func (l *plotLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	dot := l.dot()
	for _, r := range finiteRuns(len(l.xs), func(i int) bool { return isFinite(l.ys[i]) }) {
		pts := make([]vg.Point, 0, r[1]-r[0])
		for i := r[0]; i < r[1]; i++ {
			pts = append(pts, vg.Point{X: trX(l.xs[i]), Y: trY(l.ys[i])})
		}
		if len(pts) > 1 {
			c.StrokeLines(l.style, c.ClipLinesXY(pts)...)
		}
		if l.dots || len(pts) == 1 {
			for _, pt := range pts {
				c.DrawGlyph(dot, pt)
			}
		}
	}
}

// GlyphBoxes makes room for the dots at the edges of the data area, so that
// the first and last are drawn whole and clear of the figure's edge.
func (l *plotLine) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if !l.dots {
		return nil
	}
	return glyphBoxes(p, l.xs, l.ys, 3*l.dot().Radius)
}

// glyphBoxes are the boxes of half-width d around each point (xs[i], ys[i])
// with both coordinates finite.
func glyphBoxes(p *plot.Plot, xs, ys []float64, d vg.Length) []plot.GlyphBox {
	r := vg.Rectangle{Min: vg.Point{X: -d, Y: -d}, Max: vg.Point{X: d, Y: d}}
	var boxes []plot.GlyphBox
	for i, x := range xs {
		if isFinite(x) && isFinite(ys[i]) {
			boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(x), Y: p.Y.Norm(ys[i]), Rectangle: r})
		}
	}
	return boxes
}

func (l *plotLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = rangeOf(l.xs)
	ymin, ymax = rangeOf(l.ys)
	return
}

func (l *plotLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.style, c.Min.X, y, c.Max.X, y)
	if l.dots && l.shape != nil {
		c.DrawGlyph(l.dot(), c.Center())
	}
}

// band is a shaded confidence band between lo and hi, broken where either
// is NaN.
type plotBand struct {
	xs, lo, hi []float64
	color      color.Color
}

func (b *plotBand) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ok := func(i int) bool { return isFinite(b.lo[i]) && isFinite(b.hi[i]) }
	for _, r := range finiteRuns(len(b.xs), ok) {
		if r[1]-r[0] < 2 {
			continue // a single point has no area; its dot shows the mean
		}
		pts := make([]vg.Point, 0, 2*(r[1]-r[0]))
		for i := r[0]; i < r[1]; i++ {
			pts = append(pts, vg.Point{X: trX(b.xs[i]), Y: trY(b.hi[i])})
		}
		for i := r[1] - 1; i >= r[0]; i-- {
			pts = append(pts, vg.Point{X: trX(b.xs[i]), Y: trY(b.lo[i])})
		}
		c.FillPolygon(b.color, c.ClipPolygonXY(pts))
	}
}

func (b *plotBand) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = rangeOf(b.xs)
	ymin, ymax = rangeOf(b.lo, b.hi)
	return
}

func (b *plotBand) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.color, []vg.Point{c.Min, {X: c.Min.X, Y: c.Max.Y}, c.Max, {X: c.Max.X, Y: c.Min.Y}})
}

// hline is a horizontal reference line across the whole data area.
type plotHLine struct {
	y     float64
	style draw.LineStyle
}

func (h *plotHLine) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	c.StrokeLines(h.style, c.ClipLinesY([]vg.Point{{X: c.Min.X, Y: y}, {X: c.Max.X, Y: y}})...)
}

func (h *plotHLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), h.y, h.y
}

func (h *plotHLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// hband is a horizontal band [lo, hi] across the whole data area.
type plotHBand struct {
	lo, hi float64
	color  color.Color
}

func (h *plotHBand) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	lo, hi := trY(h.lo), trY(h.hi)
	c.FillPolygon(h.color, c.ClipPolygonY([]vg.Point{{X: c.Min.X, Y: lo}, {X: c.Min.X, Y: hi}, {X: c.Max.X, Y: hi}, {X: c.Max.X, Y: lo}}))
}

func (h *plotHBand) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), h.lo, h.hi
}

func (h *plotHBand) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(h.color, []vg.Point{c.Min, {X: c.Min.X, Y: c.Max.Y}, c.Max, {X: c.Max.X, Y: c.Min.Y}})
}
