package report

import (
	"bytes"
	"encoding/base64"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWriteEscapes: text from the files (a scenario's description, a
// metric's name) cannot inject markup into the page.
func TestWriteEscapes(t *testing.T) {
	p := &Page{Title: "a <b>bold</b> title", Intro: []string{`<script>alert("x")</script>`},
		Tables: []Table{{Header: []string{"<i>h</i>"}, Rows: [][]string{{"<td>"}}}}}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<b>bold", "<script>", "<i>h", "<td><td>"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
}

// TestReadFigures: a figure's SVG is preferred to its PNG, a PNG without
// an SVG is taken, other files are not; the bytes embedded are the file's.
func TestReadFigures(t *testing.T) {
	dir := t.TempDir()
	plots := filepath.Join(dir, "plots")
	if err := os.Mkdir(plots, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"a.png": "PNGA", "a.svg": "<svg>a</svg>", "a.csv": "x\n1\n", "b.png": "PNGB"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(plots, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	figs, err := ReadFigures(dir, "plots")
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 || figs[0].Name != "plots/a.svg" || figs[0].MIME != "image/svg+xml" || figs[1].Name != "plots/b.png" || figs[1].MIME != "image/png" {
		t.Fatalf("figures %+v, want plots/a.svg (SVG) and plots/b.png (PNG)", figs)
	}
	var buf bytes.Buffer
	if err := (&Page{Title: "t", Figures: figs}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	srcs := regexp.MustCompile(`src="data:([^;]+);base64,([^"]+)"`).FindAllStringSubmatch(html.UnescapeString(buf.String()), -1)
	if len(srcs) != 2 {
		t.Fatalf("%d images in the page, want 2", len(srcs))
	}
	for i, want := range []string{"<svg>a</svg>", "PNGB"} {
		b, err := base64.StdEncoding.DecodeString(srcs[i][2])
		if err != nil || string(b) != want {
			t.Errorf("image %d decodes to %q (%v), want %q", i, b, err, want)
		}
	}
	if figs, err := ReadFigures(dir, "none"); err != nil || figs != nil {
		t.Errorf("a missing directory: %v, %v; want no figure and no error", figs, err)
	}
}
