package chart

import (
	"fmt"
	"math"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PowerSeries is one quantity of a log-log figure: its points, one per
// replicate and x, and the power law fitted to them, log y = Intercept +
// Slope log x with the slope's 95 % interval [Low, High]. Theory, when not
// 0, is the slope theory predicts, drawn dashed through the fitted line's
// value at the smallest x.
type PowerSeries struct {
	Name                        string
	X, Y                        []float64
	Slope, Intercept, Low, High float64
	Theory                      float64
}

// LogLog draws quantities against x on log-log axes: each series' points
// and its fitted power law, labelled with the slope and its interval, and
// the slope of theory dashed. Its data are the points with the fitted
// value at each: columns series (index), x, y, fitted.
func LogLog(name, title, xLabel, yLabel string, series []PowerSeries) (*Figure, error) {
	c := newChart(title, xLabel, yLabel)
	c.p.X.Scale, c.p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	c.p.X.Tick.Marker, c.p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	c.exact = true // no linear padding: it could take a log axis below 0
	data := &results.Table{Values: []string{"series", "x", "y", "fitted"}}
	colors, shapes := groupColors(), groupShapes()
	for i, s := range series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return nil, fmt.Errorf("log-log figure %s: series %s has %d x and %d y", name, s.Name, len(s.X), len(s.Y))
		}
		col := colors[i%len(colors)]
		xy := make(plotter.XYs, 0, len(s.X))
		lo, hi := math.Inf(1), math.Inf(-1)
		for k, x := range s.X {
			if !(x > 0) || !(s.Y[k] > 0) {
				return nil, fmt.Errorf("log-log figure %s: series %s has the point (%v, %v), want both > 0", name, s.Name, x, s.Y[k])
			}
			xy = append(xy, plotter.XY{X: x, Y: s.Y[k]})
			lo, hi = min(lo, x), max(hi, x)
			data.Append(nil, []float64{float64(i), x, s.Y[k], math.Exp(s.Intercept) * math.Pow(x, s.Slope)})
		}
		pts, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("log-log figure %s: %w", name, err)
		}
		pts.GlyphStyle = draw.GlyphStyle{Color: translucent(col), Radius: vg.Points(2.5), Shape: shapes[i%len(shapes)]}
		xs := []float64{lo, hi}
		fit := newLine(xs, []float64{math.Exp(s.Intercept) * math.Pow(lo, s.Slope), math.Exp(s.Intercept) * math.Pow(hi, s.Slope)}, col)
		fit.dots = false
		c.p.Add(pts, fit)
		c.legend(fmt.Sprintf("%s: slope %.2f [%.2f, %.2f]", s.Name, s.Slope, s.Low, s.High), pts, fit)
		if s.Theory != 0 {
			y0 := math.Exp(s.Intercept) * math.Pow(lo, s.Slope)
			th := newLine(xs, []float64{y0, y0 * math.Pow(hi/lo, s.Theory)}, col)
			th.dots = false
			th.style.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			th.style.Width = vg.Points(1)
			c.p.Add(th)
			c.legend(fmt.Sprintf("%s: theory, slope %g", s.Name, s.Theory), th)
		}
	}
	return c.figure(name, data), nil
}
