package report_test

import (
	"bytes"
	"fmt"
	"html"
	"regexp"

	"github.com/freightsim/freightsim/results/report"
)

// A page with a table, a figure and a link. The figure is embedded as a
// data URL, so the page needs no other file to show it.
func ExamplePage_Write() {
	p := &report.Page{
		Title: "freightsim run: balanced",
		Intro: []string{"3 shippers and 2 carriers trade in a knapsack market."},
		Tables: []report.Table{{
			Caption: "Final evaluation",
			Header:  []string{"metric", "mean", "95 % CI"},
			Rows:    [][]string{{"allocative efficiency", "0.93", "[0.91, 0.95]"}},
		}},
		Figures: []report.Figure{{Name: "plots/tiny.svg", MIME: "image/svg+xml", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}},
		Links:   []report.Link{{Href: "summary.json", Note: "each metric: mean, sd, 95 % CI, n"}},
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		fmt.Println(err)
		return
	}
	html := html.UnescapeString(buf.String()) // "+" is written &#43; in an attribute
	fmt.Println(regexp.MustCompile(`<title>.*</title>`).FindString(html))
	fmt.Println(regexp.MustCompile(`<td>allocative efficiency</td>`).MatchString(html))
	fmt.Println(regexp.MustCompile(`<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="figure tiny">`).MatchString(html))
	fmt.Println(regexp.MustCompile(`<a href="summary.json">`).MatchString(html))
	// Output:
	// <title>freightsim run: balanced</title>
	// true
	// true
	// true
}
