package experiments_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// Run a short version of the smart-container market and read the summary.
func ExampleRun() {
	sc, err := scenario.Resolve("smart-containers-2020")
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

// urgentMarkup is a planner's pricing rule: ask the cost plus 10 %, and 5 %
// more for every clearing less the job has left (urgent jobs pay more).
type urgentMarkup struct{}

func (urgentMarkup) Quote(_ *rand.Rand, j *agents.Job, v *agents.View, _ *agents.Record) float64 {
	urgency := float64(5 - j.Due)
	return v.Carrier.Cost(j) * (1.10 + 0.05*urgency)
}

// A planner tests a pricing rule of their own, written in Go, against a
// shipper that learns to bid (with the default learner, natural: p2_compat
// is off): the scenario names it as strategy kind custom,
// and the run is given it under that name.
func ExampleOptions_strategies() {
	sc, err := scenario.ParseWith("planner", nil, []string{
		"p2_compat=false",
		"training.episodes=300",
		"market.price=spread",
		"market.tie=max-volume",
		"carriers[0].strategy={kind: custom, name: urgent-markup}",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc.Replicates = 2
	res, err := experiments.Run(context.Background(), sc, experiments.Options{
		Strategies: map[string]experiments.StrategyFunc{
			"urgent-markup": func(experiments.Agent) (agents.Strategy, error) { return urgentMarkup{}, nil },
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := res.Summary.Metrics
	fmt.Printf("the learning shipper ships %.0f%% of its jobs at %.2f times their transport cost\n",
		100*m["ship_share"].Mean, m["price_per_cost"].Mean)
	// Output:
	// the learning shipper ships 97% of its jobs at 1.81 times their transport cost
}
