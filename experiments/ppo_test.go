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
		o := bilateralShipperPPO(t, sets)
		if got := o.Config().Anneal; got != c.want {
			t.Errorf("anneal_lr %v, episodes %d a batch over 4000 training episodes: PPO anneals over %d batches, want %d",
				c.anneal, c.episodes, got, c.want)
		}
	}
}

// bilateralShipperPPO builds the PPO learner of the bilateral preset's
// shipper with the given --set flags.
func bilateralShipperPPO(t *testing.T, sets []string) *ppo.PPO {
	t.Helper()
	sc, err := scenario.ResolveWith("bilateral", sets)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Training.Episodes != 4000 {
		t.Fatalf("the bilateral preset trains %d episodes, want 4000", sc.Training.Episodes)
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
	return o
}

// ppo.state_sigma reaches the PPO learner (off by default): its policy's
// sigma then has a head of its own (one more parameter per feature).
func TestPPOStateSigmaReachesTheLearner(t *testing.T) {
	var n [2]int
	for i, on := range []bool{false, true} {
		o := bilateralShipperPPO(t, []string{"shippers[0].strategy.learner=ppo", fmt.Sprintf("shippers[0].strategy.ppo.state_sigma=%v", on)})
		if got := o.Config().StateSigma; got != on {
			t.Errorf("state_sigma %v: the learner's StateSigma is %v", on, got)
		}
		n[i] = len(o.Policy.Params())
	}
	if dim := 2; n[1] != n[0]+dim {
		t.Errorf("state_sigma adds %d parameters to the policy, want one per feature (%d)", n[1]-n[0], dim)
	}
}
