package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReportOfARun: a run writes report.html with its headline table, the
// theory table and every figure embedded (as SVG); plot --plot-format pdf at a
// journal's size, then report, redraws the page from the files, with the
// figures it finds; a directory that is not a run is a usage error.
func TestReportOfARun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := freightsim(t, "run", "strategic-bidding-deterministic", "--episodes", "20",
		"--replicates", "2", "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	page := string(read(t, filepath.Join(dir, "report.html")))
	pngs, _ := filepath.Glob(filepath.Join(dir, "plots", "*.png"))
	svgs, _ := filepath.Glob(filepath.Join(dir, "plots", "*.svg"))
	imgs := regexp.MustCompile(`<img src="data:image/svg\+xml;base64,`).FindAllString(page, -1)
	if len(pngs) == 0 || len(svgs) != len(pngs) || len(imgs) != len(svgs) {
		t.Errorf("the report embeds %d SVG images, the run drew %d PNG and %d SVG figures", len(imgs), len(pngs), len(svgs))
	}
	for _, want := range []string{"Final evaluation", "Theory next to what was learned", "strategic-bidding-deterministic", `href="evaluations.csv"`, "95 % CI"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	// Figures for a journal column, as PDF only: the report then has none to
	// embed, and says how to get them.
	if err := os.RemoveAll(filepath.Join(dir, "plots")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := freightsim(t, "plot", dir, "--plot-format", "pdf", "--plot-size", "8.5x6", "--font-size", "8"); code != 0 {
		t.Fatalf("plot: exit %d\n%s", code, stderr)
	}
	if pdfs, _ := filepath.Glob(filepath.Join(dir, "plots", "*.pdf")); len(pdfs) != len(pngs) {
		t.Errorf("plot --plot-format pdf drew %d PDF files, want %d", len(pdfs), len(pngs))
	}
	if code, stdout, stderr := freightsim(t, "report", dir); code != 0 || !strings.Contains(stdout, "report.html") {
		t.Fatalf("report: exit %d\n%s%s", code, stdout, stderr)
	}
	if page := string(read(t, filepath.Join(dir, "report.html"))); strings.Contains(page, "<img") || !strings.Contains(page, "No figures") {
		t.Error("a report without PNG or SVG figures embeds images or does not say so")
	}

	for _, args := range [][]string{{"report", t.TempDir()}, {"report"}, {"plot", dir, "--plot-format", "gif"}, {"plot", dir, "--plot-size", "8x"}, {"plot", dir, "--font-size", "100"}, {"plot", dir, "--plot-dpi", "1000"}} {
		if code, _, stderr := freightsim(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", args, code, stderr)
		}
	}
	if _, _, stderr := freightsim(t, "plot", dir, "--plot-dpi", "40"); !strings.Contains(stderr, "--plot-dpi 40: want dots per inch from 50 to 600") {
		t.Errorf("--plot-dpi 40: %q, want the flag named and what it allows", stderr)
	}
}

// TestSweepOfTextAxes: the student's sweep, two text axes, draws its
// figures as points with intervals and writes its report; the same command
// with --resume and figure flags redraws the figures in the new format and
// leaves the tables as they were. One evaluation episode of each run, not
// the preset's 20: the figures and the report are what is checked, and
// their intervals still come from the 8 replicates of each point.
func TestSweepOfTextAxes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "classroom")
	base := []string{"sweep", "../../docs/sweeps/classroom-strategies.yaml", "--set", "training.episodes=4", "--set", "evaluation.episodes=1",
		"--out", out, "--quiet"}
	if code, _, stderr := freightsim(t, base...); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "plots", "sweep_*_vs_buyers_by_sellers.png"))
	if len(pngs) != 4 {
		t.Errorf("%d figures of the 4 metrics against the buyers' strategy by the sellers'", len(pngs))
	}
	if page := string(read(t, filepath.Join(out, "report.html"))); strings.Count(page, "<img ") != 4 || !strings.Contains(page, "zi-c") {
		t.Error("the sweep's report lacks its figures or its points")
	}
	aggregate := read(t, filepath.Join(out, "aggregate.csv"))
	if code, _, stderr := freightsim(t, append(base, "--resume", "--plot-format", "pdf", "--plot-size", "8.5x6")...); code != 0 {
		t.Fatalf("sweep --resume with figure flags: exit %d\n%s", code, stderr)
	}
	if pdfs, _ := filepath.Glob(filepath.Join(out, "plots", "*.pdf")); len(pdfs) != 4 {
		t.Errorf("%d PDF figures after --resume --plot-format pdf, want 4", len(pdfs))
	}
	if again := read(t, filepath.Join(out, "aggregate.csv")); string(again) != string(aggregate) {
		t.Error("redrawing the figures changed aggregate.csv")
	}
}
