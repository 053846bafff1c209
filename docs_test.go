package freightsim

import (
	"os"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// TestReadmeNamesEveryMetricAndPreset keeps the README's tables complete:
// every metric a run reports and every built-in preset must appear in it.
func TestReadmeNamesEveryMetricAndPreset(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, ms := range [][]results.Metric{results.P2Metrics(), results.MarketMetrics(), results.EquilibriumMetrics()} {
		for _, m := range ms {
			if !strings.Contains(readme, "`"+m.Name+"`") {
				t.Errorf("README.md does not document the metric `%s` (%s)", m.Name, m.Description)
			}
		}
	}
	for _, p := range scenario.Presets() {
		if !strings.Contains(readme, "`"+p+"`") {
			t.Errorf("README.md does not list the preset `%s`", p)
		}
	}
}
