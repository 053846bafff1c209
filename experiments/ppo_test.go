package experiments

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/policy/ppo"
)

// ppo.anneal_lr anneals PPO's steps over the whole training: episodes
// 0..E are E+1 updates, so batches of k episodes make ceil((E+1)/k)
// batches (bilateral: E = 4000); without the key the steps are constant.
func TestPPOAnnealsOverTheTraining(t *testing.T) {
	for _, c := range []struct {
		anneal   bool
		episodes int
		want     int
	}{{false, 1, 0}, {true, 1, 4001}, {true, 4, 1001}, {true, 3, 1334}} {
		sets := []string{"shippers[0].strategy.learner=ppo",
			fmt.Sprintf("shippers[0].strategy.ppo.anneal_lr=%v", c.anneal),
			fmt.Sprintf("shippers[0].strategy.ppo.episodes=%d", c.episodes)}
		sc, err := scenario.ResolveWith("bilateral", sets)
		if err != nil {
			t.Fatal(err)
		}
		st, err := buildStrategy(&sc, sc.Shippers[0].Strategy, Agent{Rand: rand.New(rand.NewPCG(1, 1)), Scales: sc.Scales()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		l, ok := st.(*agents.Trained)
		if !ok {
			t.Fatalf("the PPO shipper's strategy is a %T, want *agents.Trained", st)
		}
		o, ok := l.Rule.(*ppo.PPO)
		if !ok {
			t.Fatalf("the PPO shipper's rule is a %T, want *ppo.PPO", l.Rule)
		}
		if got := o.Config().Anneal; got != c.want {
			t.Errorf("anneal_lr %v, episodes %d a batch over %d training episodes: PPO anneals over %d batches, want %d",
				c.anneal, c.episodes, sc.Training.Episodes, got, c.want)
		}
	}
}
