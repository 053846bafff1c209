package results_test

import (
	"fmt"
	"os"

	"github.com/freightsim/freightsim/results"
)

// Summarize a metric over five replicates.
func ExampleSummarize() {
	s := results.Summarize([]float64{-48.2, -51.3, -46.7, -50.0, -47.9})
	fmt.Printf("mean %.2f, 95%% CI [%.2f, %.2f], n %d\n", s.Mean, s.CI95Low, s.CI95High, s.N)
	// Output:
	// mean -48.82, 95% CI [-51.08, -46.56], n 5
}

// Write a tidy table as CSV.
func ExampleTable_WriteCSV() {
	t := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"avg_bidding_cost"}}
	t.Append([]int64{0, 0}, []float64{-117.35})
	t.Append([]int64{0, 4000}, []float64{-51.33})
	if err := t.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// replicate,episode,avg_bidding_cost
	// 0,0,-117.35
	// 0,4000,-51.33
}
