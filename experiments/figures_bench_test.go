package experiments

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results/chart"
)

// BenchmarkRunFigures is what a default run (smart-containers-2020, one
// replicate) spends on its figures after its tables are written: drawing
// them as PNG, SVG and CSV into plots/ (WritePlots, from the tables in
// memory as WriteRun draws them), and report.html.
// cpu-s/op is the CPU time of both (user and system, all threads, the
// figures drawn as many at once as there are CPUs); the run's own CPU,
// for comparison, is BenchmarkP2Replicate's.
func BenchmarkRunFigures(b *testing.B) {
	dir := b.TempDir()
	sc := scenario.Default()
	sc.Replicates = 1
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := NewManifest(sc, []string{"freightsim", "run"}, 1, time.Now())
	m.Finish(res, nil)
	if err := WriteRun(dir, res, m, Formats{CSV: true}); err != nil {
		b.Fatal(err)
	}
	cpu := cpuSeconds()
	for b.Loop() {
		if err := os.RemoveAll(filepath.Join(dir, PlotsDir)); err != nil {
			b.Fatal(err)
		}
		tables := &chart.RunTables{Evaluations: res.Evaluations, Episodes: res.Episodes, Trades: res.Trades}
		if _, err := writePlots(dir, chart.Output{}, tables); err != nil {
			b.Fatal(err)
		}
		if err := WriteRunReport(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}
