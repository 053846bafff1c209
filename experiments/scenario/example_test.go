package scenario_test

import (
	"fmt"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// A scenario file is read over the defaults; keys it leaves out keep them.
func ExampleParse() {
	sc, err := scenario.Parse("mine.yaml", []byte("name: mine\ncarriers:\n  - capacity: 60\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(sc.Name, sc.Carriers[0].Capacity, sc.Carriers[0].CostRate, sc.Training.Episodes)
	// Output:
	// mine 60 0.1 4000
}

// Every problem is reported at once, each with its file, line and field.
func ExampleParse_problems() {
	_, err := scenario.Parse("market.yaml", []byte("carriers:\n  - capacity: -80\n    cost_rat: 0.1\n"))
	fmt.Println(err)
	// Output:
	// market.yaml:2: carriers[0].capacity: -80 is too small: want a whole number >= 0
	// market.yaml:3: carriers[0].cost_rat: unknown key "cost_rat"; did you mean "cost_rate"?
}
