package experiments

import (
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestDescribeScenario: the report's words for P2 name its agents, jobs,
// market and training as the preset sets them; agents of several kinds are
// counted by kind.
func TestDescribeScenario(t *testing.T) {
	sc, err := scenario.Resolve("smart-containers-2020")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(DescribeScenario(sc), " ")
	for _, want := range []string{
		"smart-containers-2020: P2 exactly",
		"1 shipper (learn) and 1 carrier (truthful, capacity 80)",
		"Each epoch 0 to 10 jobs arrive, of volume 1 to 10, due within 1 to 5 clearings, over a distance of 10 to 100.",
		"Training: 4001 episodes of 101 epochs, evaluated every 1000 episodes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the description lacks %q:\n%s", want, got)
		}
	}
	cl, err := scenario.Resolve("classroom")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(DescribeScenario(cl), " "); !strings.Contains(got, "6 shippers") || !strings.Contains(got, "6 carriers") {
		t.Errorf("the classroom's description does not count its six buyers and sellers:\n%s", got)
	}
}
