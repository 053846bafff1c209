package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"path/filepath"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a plot together with the data it shows, so that two figures can
// be compared as data, not pixels.
type Figure struct {
	Name string         // file stem, e.g. "learning_avg_bidding_cost"
	Plot *plot.Plot     // the plot, ready to draw at any size
	Data *results.Table // the plotted series, tidy, one row per x value
	// Width and Height are the size Save draws at: 16 x 10 cm, taller when
	// the legend has many entries.
	Width, Height vg.Length
}

// Figure sizes and resolution. Text is set in Liberation Sans, which gonum
// embeds (so layout never depends on the machine's fonts) and which is
// metric-compatible with Arial, the fallback named in the SVG files.
const (
	figureWidth  = 16 * vg.Centimeter
	figureHeight = 10 * vg.Centimeter
	pngDPI       = 200
)

// Save writes dir/Name.png, dir/Name.svg and dir/Name.csv (the data),
// each atomically with [results.WriteFile]. The SVG and CSV files depend only on the
// figure: the same figure gives the same bytes.
func (f *Figure) Save(dir string) error {
	base := filepath.Join(dir, f.Name)
	if err := results.WriteFile(base+".csv", f.Data.WriteCSV); err != nil {
		return fmt.Errorf("saving figure %s: %w", f.Name, err)
	}
	if err := results.WriteFile(base+".svg", f.WriteSVG); err != nil {
		return fmt.Errorf("saving figure %s: %w", f.Name, err)
	}
	if err := results.WriteFile(base+".png", f.WritePNG); err != nil {
		return fmt.Errorf("saving figure %s: %w", f.Name, err)
	}
	return nil
}

// WriteSVG draws the figure as SVG at its size. Text refers to the font
// family Liberation Sans with Arial, Helvetica and sans-serif as fallbacks.
func (f *Figure) WriteSVG(w io.Writer) error {
	c := vgsvg.New(f.size())
	f.Plot.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	b := bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	_, err := w.Write(b)
	return err
}

// WritePNG draws the figure as PNG at its size and 200 dots per inch.
func (f *Figure) WritePNG(w io.Writer) error {
	wd, ht := f.size()
	c := vgimg.NewWith(vgimg.UseWH(wd, ht), vgimg.UseDPI(pngDPI))
	f.Plot.Draw(draw.New(c))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

func (f *Figure) size() (vg.Length, vg.Length) {
	w, h := f.Width, f.Height
	if w <= 0 {
		w = figureWidth
	}
	if h <= 0 {
		h = figureHeight
	}
	return w, h
}

// Colours: the palette of Okabe and Ito ("Color Universal Design", 2008),
// distinguishable with the common colour-vision deficiencies. A series keeps
// its colour in every figure (seriesColor).
var (
	colorBlack     = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	colorOrange    = color.NRGBA{0xe6, 0x9f, 0x00, 0xff}
	colorSkyBlue   = color.NRGBA{0x56, 0xb4, 0xe9, 0xff}
	colorGreen     = color.NRGBA{0x00, 0x9e, 0x73, 0xff}
	colorYellow    = color.NRGBA{0xf0, 0xe4, 0x42, 0xff}
	colorBlue      = color.NRGBA{0x00, 0x72, 0xb2, 0xff}
	colorVermilion = color.NRGBA{0xd5, 0x5e, 0x00, 0xff}
	colorPurple    = color.NRGBA{0xcc, 0x79, 0xa7, 0xff}
	colorGrey      = color.NRGBA{0x99, 0x99, 0x99, 0xff}
)

// groupColors is the order in which groups of a sweep get their colours.
func groupColors() []color.NRGBA {
	return []color.NRGBA{colorBlue, colorVermilion, colorGreen, colorOrange, colorSkyBlue, colorPurple, colorYellow, colorBlack}
}

// seriesColor is the colour of a named series, the same in every figure.
func seriesColor(name string) color.NRGBA {
	switch name {
	case "mean_bid":
		return colorBlue
	case "mean_ask":
		return colorVermilion
	case "mean_price":
		return colorGreen
	case "utilization":
		return colorOrange
	case "shipper_reward_share":
		return colorPurple
	}
	return colorBlue
}

// translucent is c at the opacity of a confidence band.
func translucent(c color.NRGBA) color.NRGBA {
	c.A = 0x48
	return c
}

// chart is a plot under construction that counts its legend entries.
type chart struct {
	p       *plot.Plot
	entries int
	floor   bool // the y axis starts at the data (a histogram's zero)
	exact   bool // the y axis spans the data exactly (a heat map)
}

// newChart returns a plot with a title, axis labels, a light grid and the
// house fonts.
func newChart(title, xLabel, yLabel string) *chart {
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 12)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 10)
		a.Tick.Label.Font = font.From(sans, 9)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sans, 9)
	p.Legend.Padding = vg.Points(1.5)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe0}
	g.Horizontal.Color = color.Gray{0xe0}
	p.Add(g)
	return &chart{p: p}
}

// legend adds an entry.
func (c *chart) legend(name string, thumbs ...plot.Thumbnailer) {
	c.p.Legend.Add(name, thumbs...)
	c.entries++
}

// figure finishes the chart: the legend goes into a strip between the title
// and the data area, so it never covers data, and the figure grows taller by
// the height of each entry beyond the third.
func (c *chart) figure(name string, data *results.Table) *Figure {
	f := &Figure{Name: name, Plot: c.p, Data: data, Width: figureWidth, Height: figureHeight}
	// 3 % of the y range above and below the data, so that no line, band
	// or reference runs along the frame.
	if y := &c.p.Y; isFinite(y.Min) && isFinite(y.Max) && y.Max > y.Min && !c.exact {
		pad := 0.03 * (y.Max - y.Min)
		if !c.floor {
			y.Min -= pad
		}
		y.Max += pad
	}
	if c.entries == 0 {
		return f
	}
	l := &c.p.Legend
	h := l.Rectangle(draw.Canvas{}).Size().Y
	n := vg.Length(c.entries)
	entry := (h - (n-1)*l.Padding) / n
	gap := vg.Points(4)
	l.Top, l.Left = true, true
	// Legend.Draw puts the top entry at Max.Y-entry-descent+YOffs of the
	// area below the title; lift the last entry to gap above that area.
	l.YOffs = gap + (n-1)*(entry+l.Padding) + entry + l.TextStyle.FontExtents().Descent
	c.p.Title.Padding = h + 2*gap
	if c.entries > 3 {
		f.Height += (n - 3) * entry
	}
	return f
}

// axisLabel is "name (unit)", or name alone when the unit is unknown.
func axisLabel(name, unit string) string {
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}
