package report

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/freightsim/freightsim/results"
)

// FileName is the name of the report in its directory.
const FileName = "report.html"

// Page is what a report shows, in this order: the title, the paragraphs
// that say what was run, the tables (the headline with its intervals
// first, then theory next to what was learned), every figure, and links
// to the files.
type Page struct {
	Title   string
	Intro   []string // the scenario in words, a paragraph each
	Tables  []Table
	Figures []Figure
	Links   []Link
	Notes   []string // what is missing, and why
	Footer  string   // provenance: version, command
}

// Table is a small table of text cells.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// Figure is an image embedded in the page.
type Figure struct {
	Name string // file name, e.g. plots/bid_ask.svg
	MIME string // image/png or image/svg+xml
	Data []byte
}

// Link is a file of the directory the page links to.
type Link struct {
	Href string // relative to the page
	Note string // what the file holds
}

// src is the figure's src attribute, a data URL. It is written as it is,
// without the template's escaping, which would cost as much as the rest of
// the page: the MIME type is one of ReadFigures' two and base64's alphabet
// (letters, digits, +, / and =) needs no escaping in a quoted attribute.
func (f Figure) src() template.HTMLAttr {
	mime := "image/png"
	if f.MIME == "image/svg+xml" {
		mime = f.MIME
	}
	return template.HTMLAttr(`src="data:` + mime + ";base64," + base64.StdEncoding.EncodeToString(f.Data) + `"`)
}

// alt is the figure's text for readers that show no images: its file's
// stem in words.
func (f Figure) alt() string {
	stem := strings.TrimSuffix(filepath.Base(f.Name), filepath.Ext(f.Name))
	return "figure " + strings.ReplaceAll(stem, "_", " ")
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"src": Figure.src,
	"alt": Figure.alt,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="freightsim">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 0.2rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f4f4; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(27rem, 1fr)); gap: 1rem; }
figure { margin: 0 0 1rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
.note { color: #8a4b00; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #666; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Intro}}<p>{{.}}</p>
{{end}}
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}
{{range .Tables}}<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}
{{if .Figures}}<h2>Figures</h2>
<div class="figures">
{{range .Figures}}<figure>
<img {{src .}} alt="{{alt .}}">
<figcaption>{{.Name}}</figcaption>
</figure>
{{end}}</div>
{{end}}
{{if .Links}}<h2>Files</h2>
<ul>
{{range .Links}}<li><a href="{{.Href}}">{{.Href}}</a>: {{.Note}}</li>
{{end}}</ul>
{{end}}
<footer>{{.Footer}}</footer>
</body>
</html>
`))

// Write renders the page as HTML.
func (p *Page) Write(w io.Writer) error {
	return page.Execute(w, p)
}

// WriteFile writes the page as dir/report.html, atomically.
func (p *Page) WriteFile(dir string) error {
	if err := results.WriteDerived(filepath.Join(dir, FileName), p.Write); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// ReadFigures reads the figures in dir/sub (sub may be "."), sorted by
// name: the SVG of each, or its PNG when there is no SVG. An SVG is
// crisp at any zoom and a fraction of the PNG's size (a default run's
// page: 0.2 MB against 1.4 MB with PNG), and needs no decoding to embed.
// Names are relative to dir. A missing directory gives no figure.
func ReadFigures(dir, sub string) ([]Figure, error) {
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	var figs []Figure
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		mime := map[string]string{".png": "image/png", ".svg": "image/svg+xml"}[ext]
		if mime == "" || (ext == ".png" && have[stem+".svg"]) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, sub, name))
		if err != nil {
			return nil, err
		}
		figs = append(figs, Figure{Name: filepath.ToSlash(filepath.Join(sub, name)), MIME: mime, Data: b})
	}
	slices.SortFunc(figs, func(a, b Figure) int { return strings.Compare(a.Name, b.Name) })
	return figs, nil
}

// Links lists the files of dir among names that exist, with their notes,
// in the order given.
func Links(dir string, names []string, notes map[string]string) []Link {
	var out []Link
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			out = append(out, Link{Href: n, Note: notes[n]})
		}
	}
	return out
}
