package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"git.sr.ht/~sbinet/gg"
	"github.com/freightsim/freightsim/results"
	xdraw "golang.org/x/image/draw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a plot together with the data it shows, so that two figures can
// be compared as data, not pixels.
type Figure struct {
	Name string         // file stem, e.g. "learning_avg_bidding_cost"
	Plot *plot.Plot     // the plot, ready to draw at any size
	Data *results.Table // the plotted series, tidy, one row per x value
	// Width and Height are the size Save draws at unless told otherwise:
	// 16 x 10 cm, taller when the legend has many entries.
	Width, Height vg.Length

	entries int       // legend entries, laid out by arrange
	grown   vg.Length // what arrange added to Height for them
}

// Figure sizes and resolution. Text is set in Liberation Sans, which gonum
// embeds (so layout never depends on the machine's fonts) and which is
// metric-compatible with Arial, the fallback named in the SVG files.
const (
	figureWidth  = 16 * vg.Centimeter
	figureHeight = 10 * vg.Centimeter
	pngDPI       = 150
	// FontSize is the size of the axis labels unless Output says another;
	// titles are 1.2 times it, tick labels and legends 0.9 times.
	FontSize vg.Length = 10 // points
)

// Formats are the file formats a figure can be saved as.
var Formats = []string{"png", "svg", "pdf"}

// Output says how figures are saved. Its zero value saves PNG and SVG at
// each figure's own size with 10 pt labels.
type Output struct {
	// Formats among "png", "svg" and "pdf"; none means png and svg.
	Formats []string
	// Width and Height, when positive, replace the figures' own size, e.g.
	// 8.5 x 6 cm for one column of a journal page.
	Width, Height vg.Length
	// FontSize, when positive, replaces [FontSize].
	FontSize vg.Length
	// DPI, when positive, is the PNG files' resolution in dots per inch
	// instead of 150: 300 for print or a large screen, 100 for lighter
	// files drawn faster (the size of matplotlib's default figure).
	DPI int
}

// ParseOutput reads the formats ("png,svg"), the size in centimetres
// ("16x10", or "" for the figures' own) and the font size in points (0 for
// 10) of figure options given as text, as the command line gives them.
func ParseOutput(formats, size string, fontSize float64) (Output, error) {
	var o Output
	for _, f := range strings.Split(formats, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(Formats, f) {
			return o, fmt.Errorf("figure format %q: want png, svg or pdf, or several comma-separated, e.g. png,pdf", f)
		}
		if !slices.Contains(o.Formats, f) {
			o.Formats = append(o.Formats, f)
		}
	}
	if size != "" {
		w, h, ok := strings.Cut(strings.ToLower(size), "x")
		wd, errW := strconv.ParseFloat(strings.TrimSpace(w), 64)
		ht, errH := strconv.ParseFloat(strings.TrimSpace(h), 64)
		if !ok || errW != nil || errH != nil || !(wd >= 3 && wd <= 100) || !(ht >= 3 && ht <= 100) {
			return o, fmt.Errorf("figure size %q: want WIDTHxHEIGHT in centimetres, each from 3 to 100, e.g. 8.5x6", size)
		}
		o.Width, o.Height = vg.Length(wd)*vg.Centimeter, vg.Length(ht)*vg.Centimeter
	}
	if fontSize != 0 {
		if !(fontSize >= 4 && fontSize <= 40) {
			return o, fmt.Errorf("font size %v: want points from 4 to 40", fontSize)
		}
		o.FontSize = vg.Points(fontSize)
	}
	return o, nil
}

func (o Output) formats() []string {
	if len(o.Formats) == 0 {
		return []string{"png", "svg"}
	}
	return o.Formats
}

// Save writes dir/Name.csv (the data) and dir/Name.<format> for each format
// of o, each atomically with [results.WriteDerived], and returns the names of
// the files written. The SVG, PDF and CSV files depend only on the figure
// and o: the same figure gives the same bytes.
func (f *Figure) Save(dir string, o Output) ([]string, error) {
	w, h := f.size()
	if o.FontSize > 0 {
		h += f.arrange(o.FontSize) - f.grown
	}
	if o.Width > 0 {
		w = o.Width
	}
	if o.Height > 0 {
		h = o.Height
	}
	f.Plot.Title.Text = wrapTitle(f.Plot.Title.Text, w, f.Plot.Title.TextStyle.Font.Size)
	files := []string{f.Name + ".csv"}
	if err := results.WriteDerived(filepath.Join(dir, f.Name+".csv"), f.Data.WriteCSV); err != nil {
		return nil, fmt.Errorf("saving figure %s: %w", f.Name, err)
	}
	for _, format := range o.formats() {
		dpi := o.DPI
		if dpi <= 0 {
			dpi = pngDPI
		}
		png := func(out io.Writer, wd, ht vg.Length) error { return f.writePNG(out, wd, ht, dpi) }
		write := map[string]func(io.Writer, vg.Length, vg.Length) error{"png": png, "svg": f.writeSVG, "pdf": f.writePDF}[format]
		if write == nil {
			return nil, fmt.Errorf("saving figure %s: unknown format %q", f.Name, format)
		}
		name := f.Name + "." + format
		if err := results.WriteDerived(filepath.Join(dir, name), func(out io.Writer) error { return write(out, w, h) }); err != nil {
			return nil, fmt.Errorf("saving figure %s: %w", f.Name, err)
		}
		files = append(files, name)
	}
	return files, nil
}

// SaveAll saves figs into dir as [Figure.Save] does, drawing as many at once
// as there are CPUs, those with the most data first (so that no CPU is
// left drawing a long one alone at the end), and returns the names of the
// files written, in the order of figs. On an error it returns the first
// figure's error.
func SaveAll(dir string, figs []*Figure, o Output) ([]string, error) {
	files := make([][]string, len(figs))
	errs := make([]error, len(figs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(figs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], errs[i] = figs[i].Save(dir, o)
			}
		}()
	}
	rows := func(f *Figure) int {
		if f.Data == nil {
			return 0
		}
		return len(f.Data.Rows)
	}
	order := make([]int, len(figs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rows(figs[b]) - rows(figs[a]) })
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []string
	for i := range figs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, files[i]...)
	}
	return out, nil
}

// WriteSVG draws the figure as SVG at its size. Text refers to the font
// family Liberation Sans with Arial, Helvetica and sans-serif as fallbacks.
func (f *Figure) WriteSVG(w io.Writer) error {
	wd, ht := f.size()
	return f.writeSVG(w, wd, ht)
}

func (f *Figure) writeSVG(w io.Writer, wd, ht vg.Length) error {
	c := vgsvg.New(wd, ht)
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

// WritePNG draws the figure as PNG at its size and 150 dots per inch (945 x
// 591 pixels for 16 x 10 cm: sharp on a screen; for print, save SVG or PDF),
// with the fast encoder of encodePNG.
func (f *Figure) WritePNG(w io.Writer) error {
	wd, ht := f.size()
	return f.writePNG(w, wd, ht, pngDPI)
}

func (f *Figure) writePNG(w io.Writer, wd, ht vg.Length, dpi int) error {
	img := canvases.get(func() *image.RGBA { return new(image.RGBA) })
	defer func() {
		if len(img.Pix) <= 1<<24 {
			canvases.put(img)
		}
	}()
	f.drawPNG(img, wd, ht, dpi)
	return encodePNG(w, img)
}

// drawPNG draws the figure at wd x ht into img, made the size of the
// figure at dpi.
func (f *Figure) drawPNG(img *image.RGBA, wd, ht vg.Length, dpi int) {
	// vgimg.NewWith would copy a fresh image into the context it makes;
	// giving it both saves a tenth of the time, and it paints the image
	// white whatever it held before. The context is set up as
	// NewWith sets up its own, except that glyphs are placed by nearest
	// neighbour: a glyph lands on whole pixels, where it is the same as
	// bilinear, and the copy takes the fast path of image/draw instead of a
	// generic resampling (a third of the drawing time).
	fitCanvas(img, image.Rect(0, 0, pixels(wd, dpi), pixels(ht, dpi)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	c := vgimg.NewWith(vgimg.UseDPI(dpi), vgimg.UseImageWithContext(img, ctx))
	// The canvas starts white; the plot's own white background, painted
	// as an anti-aliased polygon over every pixel, would only cost time.
	bg := f.Plot.BackgroundColor
	f.Plot.BackgroundColor = nil
	f.Plot.Draw(draw.New(pngCanvas{c, ctx}))
	f.Plot.BackgroundColor = bg
}

// pixels is how many pixels a length spans at dpi.
func pixels(l vg.Length, dpi int) int { return int(l/vg.Inch*vg.Length(dpi) + 0.5) }

// fitCanvas makes img the rectangle r, reusing its pixels' memory when it
// is large enough. New memory has room for half as many rows again, so
// that a later figure with a taller legend fits: memory never written
// costs nothing, and a second image would cost its page faults again.
func fitCanvas(img *image.RGBA, r image.Rectangle) {
	n := 4 * r.Dx() * r.Dy()
	if cap(img.Pix) < n {
		img.Pix = make([]byte, n+n/2)
	}
	*img = image.RGBA{Pix: img.Pix[:n], Stride: 4 * r.Dx(), Rect: r}
}

// canvases are the images writePNG draws into, reused (up to 16 MB
// each) rather than made afresh for each figure (see spares).
var canvases = make(spares[*image.RGBA], 4)

// writePDF draws the figure as PDF, its fonts embedded.
func (f *Figure) writePDF(w io.Writer, wd, ht vg.Length) error {
	c := vgpdf.New(wd, ht)
	c.EmbedFonts(true)
	f.Plot.Draw(draw.New(c))
	_, err := c.WriteTo(w)
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

// groupColors is the order in which groups of a sweep get their colours:
// each far from the ones before it in hue and lightness, the light sky blue
// and yellow last (the fifth was sky blue, hard to tell from the first's
// blue).
func groupColors() []color.NRGBA {
	return []color.NRGBA{colorBlue, colorVermilion, colorGreen, colorPurple, colorBlack, colorOrange, colorSkyBlue, colorYellow}
}

// groupShapes are the marks of the groups, in the same order: a second cue
// besides colour, for grey print and colour-blind readers.
func groupShapes() []draw.GlyphDrawer {
	return []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{},
		draw.RingGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}
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
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.Padding = vg.Points(1.5)
	p.X.Tick.Marker, p.Y.Tick.Marker = shortTicks{}, shortTicks{}
	setFonts(p, FontSize)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe0}
	g.Horizontal.Color = color.Gray{0xe0}
	p.Add(g)
	return &chart{p: p}
}

// setFonts sets the plot's text in Liberation Sans: axis labels at size,
// the title at 1.2 times it, tick labels and the legend at 0.9 times.
func setFonts(p *plot.Plot, size vg.Length) {
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p.Title.TextStyle.Font = font.From(sans, 1.2*size)
	p.Title.TextStyle.Handler = measured{}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, size)
		a.Label.TextStyle.Handler = measured{}
		a.Tick.Label.Font = font.From(sans, 0.9*size)
		a.Tick.Label.Handler = measured{}
	}
	p.Legend.TextStyle.Font = font.From(sans, 0.9*size)
	p.Legend.TextStyle.Handler = measured{}
}

// measured is gonum's plain text, each string measured once: a figure
// measures its tick labels and legend many times while it lays itself
// out, twice over for PNG and SVG, and every figure the same few strings.
type measured struct{}

type textKey struct {
	txt string
	fnt font.Font
}

var widths, extents sync.Map // textKey -> vg.Length, font.Font -> font.Extents

// widthsHeld counts the strings in widths, which is emptied when it holds
// maxWidths of them: a long-lived process (a sweep drawing thousands of
// figures) keeps a bounded cache, not every label it ever drew.
var widthsHeld atomic.Int64

const maxWidths = 1 << 14

func (measured) plain() text.Plain { return text.Plain{Fonts: font.DefaultCache} }

func (measured) Cache() *font.Cache { return font.DefaultCache }

func (measured) Lines(txt string) []string { return text.Plain{}.Lines(txt) }

func (h measured) Extents(fnt font.Font) font.Extents {
	if e, ok := extents.Load(fnt); ok {
		return e.(font.Extents)
	}
	e := h.plain().Extents(fnt)
	extents.Store(fnt, e)
	return e
}

func (h measured) width(txt string, fnt font.Font) vg.Length {
	k := textKey{txt, fnt}
	if w, ok := widths.Load(k); ok {
		return w.(vg.Length)
	}
	face := font.DefaultCache.Lookup(fnt, fnt.Size)
	w := face.Width(txt)
	if widthsHeld.Add(1) > maxWidths {
		widths.Clear()
		widthsHeld.Store(1)
	}
	widths.Store(k, w)
	return w
}

func (h measured) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	e := h.Extents(fnt)
	return h.width(txt, fnt), e.Ascent, e.Descent
}

// Draw is text.Plain.Draw with the widths measured once.
func (h measured) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	fnt := font.DefaultCache.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin
	lines := h.Lines(txt)
	pt.Y += sty.Height(txt)*vg.Length(sty.YAlign) - h.Extents(sty.Font).Ascent
	for i, line := range lines {
		xoffs := vg.Length(sty.XAlign) * h.width(line, sty.Font)
		n := vg.Length(len(lines) - i)
		c.FillString(fnt, pt.Add(vg.Point{X: xoffs, Y: n * sty.Font.Size}), line)
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// legend adds an entry.
func (c *chart) legend(name string, thumbs ...plot.Thumbnailer) {
	c.p.Legend.Add(name, thumbs...)
	c.entries++
}

// figure finishes the chart: 3 % of the y range above and below the data,
// so that no line, band or reference runs along the frame, and the legend
// laid out by arrange.
func (c *chart) figure(name string, data *results.Table) *Figure {
	f := &Figure{Name: name, Plot: c.p, Data: data, Width: figureWidth, Height: figureHeight, entries: c.entries}
	if y := &c.p.Y; isFinite(y.Min) && isFinite(y.Max) && y.Max > y.Min && !c.exact {
		pad := 0.03 * (y.Max - y.Min)
		if !c.floor {
			y.Min -= pad
		}
		y.Max += pad
	}
	f.grown = f.arrange(FontSize)
	f.Height += f.grown
	return f
}

// arrange sets the figure's fonts from size (setFonts) and puts the legend
// into a strip between the title and the data area, so that it never
// covers data. It returns how much taller the figure must grow: the height
// of each entry beyond the third.
func (f *Figure) arrange(size vg.Length) vg.Length {
	setFonts(f.Plot, size)
	if f.entries == 0 {
		return 0
	}
	l := &f.Plot.Legend
	h := l.Rectangle(draw.Canvas{}).Size().Y
	n := vg.Length(f.entries)
	entry := (h - (n-1)*l.Padding) / n
	gap := vg.Points(4)
	l.Top, l.Left = true, true
	// Legend.Draw puts the top entry at Max.Y-entry-descent+YOffs of the
	// area below the title; lift the last entry to gap above that area.
	l.YOffs = gap + (n-1)*(entry+l.Padding) + entry + l.TextStyle.FontExtents().Descent
	f.Plot.Title.Padding = h + 2*gap
	if f.entries > 3 {
		return (n - 3) * entry
	}
	return 0
}

// shortTicks are gonum's default ticks labelled with as few digits as
// their values need: 250, not 250.00.
type shortTicks struct{}

func (shortTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

// wrapTitle breaks each line of a title that would not fit across a figure
// of the given width, at a font of the given size, between words. A
// character of Liberation Sans is about 0.55 of the font size wide on
// average; lines are kept to 95 % of the width, and a line broken in k
// pieces is broken into pieces of about equal length.
func wrapTitle(title string, width, size vg.Length) string {
	fit := int(0.95 * float64(width) / (0.55 * float64(size)))
	var out []string
	for _, line := range strings.Split(title, "\n") {
		n := len([]rune(line))
		pieces := (n + fit - 1) / fit
		limit := fit
		if pieces > 1 {
			limit = min(fit, n/pieces+n/(4*pieces)+1) // a quarter of a piece of slack for the word breaks
		}
		for len([]rune(line)) > limit {
			cut := strings.LastIndex(string([]rune(line)[:limit]), " ")
			if cut <= 0 {
				break
			}
			out = append(out, line[:cut])
			line = strings.TrimLeft(line[cut:], " ")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// axisLabel is "name (unit)", or name alone when the unit is unknown.
func axisLabel(name, unit string) string {
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}
