package sweep_test

import (
	"fmt"

	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/experiments/sweep"
)

// Read a sweep: its points, their seeds and scenarios; a bad value is
// reported with the sweep file, its line, the axis and the scenario key.
func ExampleParse() {
	sw, err := sweep.Parse("risk.yaml", []byte(`base: strategic-bidding-deterministic
axes:
  - key: carriers[0].strategy.risk
    values: [0.05, 0, -0.1]
replicates: 10
metrics: [shipper_share, ne_adherence]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sw.Points(), "points,", sw.Runs(), "runs; axis", sw.Axes[0].Name)
	for p := range sw.Points() {
		sc, _ := sw.PointScenario(p)
		fmt.Println(p, sw.Point(p)[0].Text, sc.Carriers[0].Strategy.Risk, sc.Seed == seed.Point(sw.Seed, p))
	}

	_, err = sweep.Parse("risk.yaml", []byte(`base: strategic-bidding-deterministic
axes:
  - key: carriers[0].strategy.risk
    values: [0.05, high]
`))
	fmt.Println(err)
	// Output:
	// 3 points, 30 runs; axis risk
	// 0 0.05 0.05 true
	// 1 0 0 true
	// 2 -0.1 -0.1 true
	// risk.yaml:4: axes[0].values[1]: carriers[0].strategy.risk: "high" is a string: want a number
}
