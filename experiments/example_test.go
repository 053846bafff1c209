package experiments_test

import (
	"context"
	"fmt"

	"github.com/freightsim/freightsim/experiments"
)

// Run a short version of the smart-container market and read the summary.
func ExampleRun() {
	sc, err := experiments.Resolve("smart-containers-2020")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc.Replicates = 2
	sc.Training.Episodes = 200
	res, err := experiments.Run(context.Background(), sc, experiments.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary.Metrics["ship_share"]
	fmt.Printf("after %d episodes, %d replicates ship %.0f%% of jobs\n", res.Summary.Episode, s.N, 100*s.Mean)
	// Output:
	// after 200 episodes, 2 replicates ship 99% of jobs
}

// A configuration error names the file, line and field.
func ExampleParse() {
	_, err := experiments.Parse("market.yaml", []byte("carriers:\n  - capacity: -80\n    cost_rat: 0.1\n"))
	fmt.Println(err)
	// Output:
	// market.yaml:2: carriers[0].capacity: -80 is too small: want a whole number >= 0
	// market.yaml:3: carriers[0].cost_rat: unknown key "cost_rat"; did you mean "cost_rate"?
}
