package experiments

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
)

// A replicate that panics fails the run with an error naming what
// reproduces it, instead of killing the process with a goroutine dump.
func TestAPanicInAReplicateIsRecoveredAndNamesItsSeed(t *testing.T) {
	sc, err := scenario.ParseWith("panicky", nil, []string{"carriers[0].strategy={kind: custom, name: boom}", "training.episodes=3", "seed=7"})
	if err != nil {
		t.Fatal(err)
	}
	sc.Replicates = 3
	res, err := Run(context.Background(), sc, Options{Workers: 2, Strategies: map[string]StrategyFunc{
		"boom": func(Agent) (agents.Strategy, error) { panic("the custom strategy broke") },
	}})
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Run of a scenario whose strategy panics: got %v, want a *PanicError", err)
	}
	if res == nil || res.Complete() {
		t.Errorf("a run with a crashed replicate must return its result, incomplete: %+v", res)
	}
	if pe.Seed != seed.Replicate(7, pe.Replicate) || pe.BaseSeed != 7 || pe.Scenario != sc.Name {
		t.Errorf("the panic names scenario %q, base seed %d, replicate %d with seed %d: want %q, 7 and the replicate's derived seed",
			pe.Scenario, pe.BaseSeed, pe.Replicate, pe.Seed, sc.Name)
	}
	for _, want := range []string{"the custom strategy broke", "base seed 7", "TestAPanicInAReplicateIsRecoveredAndNamesItsSeed", "robust_test.go:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q (the panic's value, seed and where it happened):\n%v", want, err)
		}
	}
}
