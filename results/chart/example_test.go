package chart_test

import (
	"fmt"

	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
)

// A learning curve over three replicates, with the paper's figure as a
// reference line. The figure's data is what it draws; fig.Save(dir) writes
// it as CSV next to the PNG and SVG.
func ExampleLearningCurve() {
	evals := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"avg_bidding_cost"}}
	for r, costs := range [][]float64{{-118, -52}, {-116, -49}, {-117, -51}} {
		evals.Append([]int64{int64(r), 0}, []float64{costs[0]})
		evals.Append([]int64{int64(r), 1000}, []float64{costs[1]})
	}
	m := results.P2Metrics()[0] // avg_bidding_cost, money per decision
	fig, err := chart.LearningCurve(evals, m, &chart.Reference{Value: -48.3, Label: "P2: -48.3"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Name)
	fmt.Println(fig.Plot.Y.Label.Text)
	fmt.Println(fig.Data.Keys, fig.Data.Values)
	for _, r := range fig.Data.Rows {
		fmt.Printf("%d %.2f [%.2f, %.2f] n %v, ref %v\n", r.Keys[0], r.Values[0], r.Values[1], r.Values[2], r.Values[3], r.Values[4])
	}
	// Output:
	// learning_avg_bidding_cost
	// average bidding cost (money per decision)
	// [episode] [avg_bidding_cost_mean avg_bidding_cost_ci95_low avg_bidding_cost_ci95_high avg_bidding_cost_n reference]
	// 0 -117.00 [-119.48, -114.52] n 3, ref -48.3
	// 1000 -50.67 [-54.46, -46.87] n 3, ref -48.3
}

// Figures for one column of a journal page, as PDF and SVG, with 8 pt
// labels: the options that freightsim's --plot-format, --plot-size and
// --font-size give, read as the command line gives them.
func ExampleParseOutput() {
	o, err := chart.ParseOutput("pdf,svg", "8.5x6", 8)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Formats, o.Width.Points() > 240, o.FontSize)
	_, err = chart.ParseOutput("gif", "", 0)
	fmt.Println(err)
	// Output:
	// [pdf svg] true 8
	// figure format "gif": want png, svg or pdf, or several comma-separated, e.g. png,pdf
}
