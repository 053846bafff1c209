package experiments

import (
	"fmt"
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// game is a replicate as the equilibrium measurement sees it
// (equilibrium.Market): its agents as roles, and episodes played with some
// of their strategies replaced.
type game struct {
	r       *replicate
	roles   []equilibrium.Role
	profile []agents.Strategy // each role's strategy in the profile, restored by Use(k, nil)
}

// newGame lists the replicate's roles, shippers' first: each distinct
// learned policy (shared by the agents that use it), and each agent with a
// fixed strategy. A role's best response is searched among quotes linear in
// its features: a learner's own, or those its scenario entry names.
func newGame(r *replicate) (*game, error) {
	g := &game{r: r}
	add := func(carrier bool, i int, s agents.Strategy, st scenario.Strategy) error {
		if d, ok := s.(agents.Described); ok {
			for k := range g.roles {
				if g.roles[k].Strategy == s {
					g.roles[k].Agents = append(g.roles[k].Agents, i)
					return nil
				}
			}
			g.roles = append(g.roles, equilibrium.Role{Carrier: carrier, Agents: []int{i}, Strategy: s, Features: d.FeatureMap(), Label: label(carrier, i, st.Kind)})
			g.profile = append(g.profile, s)
			return nil
		}
		f, err := r.sc.Features(st)
		if err != nil {
			return fmt.Errorf("%s: the features of its best responses: %w", label(carrier, i, st.Kind), err)
		}
		g.roles = append(g.roles, equilibrium.Role{Carrier: carrier, Agents: []int{i}, Strategy: s, Features: f, Label: label(carrier, i, st.Kind)})
		g.profile = append(g.profile, s)
		return nil
	}
	for i, s := range r.x.Shippers {
		if err := add(false, i, s.Strategy, r.sc.Shippers[i].Strategy); err != nil {
			return nil, err
		}
	}
	for i, c := range r.x.Carriers {
		if err := add(true, i, c.Strategy, r.sc.Carriers[i].Strategy); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func label(carrier bool, i int, k scenario.Kind) string {
	who := "shipper"
	if carrier {
		who = "carrier"
	}
	return fmt.Sprintf("%s %d (%s)", who, i, k)
}

func (g *game) Roles() []equilibrium.Role { return g.roles }

// Use makes role k play s (nil restores its strategy in the profile).
func (g *game) Use(k int, s agents.Strategy) {
	if s == nil {
		s = g.profile[k]
	}
	l := g.roles[k]
	for _, i := range l.Agents {
		if l.Carrier {
			g.r.x.Carriers[i].Strategy = s
		} else {
			g.r.x.Shippers[i].Strategy = s
		}
	}
}

// utility is role k's total reward in the current episode.
func (g *game) utility(k int) float64 {
	var u float64
	l := g.roles[k]
	for _, i := range l.Agents {
		if l.Carrier {
			u += g.r.x.Carriers[i].Reward
		} else {
			u += g.r.x.Shippers[i].Reward
		}
	}
	return u
}

// Play runs measurement episodes of an evaluation point without learning
// and returns, per episode, each role's utility; with Surplus, the
// observer measures the efficient gains from trade per episode on the way.
func (g *game) Play(p equilibrium.Play) equilibrium.Played {
	r := g.r
	r.x.Learning = false
	defer func() { r.x.Observer = &r.obs }()
	r.x.Observer = nil
	if p.Surplus {
		r.x.Observer = &r.obs
		r.obs.eval = true
		r.obs.ev.Reset()
	}
	u := p.U[:0]
	for e := range p.Episodes {
		if p.Start != nil {
			p.Start(e)
		}
		r.use(r.streams(equilibrium.Phase(p.Point, p.Fresh, p.First+e)))
		r.events += r.w.episode(r.sc.Equilibrium.Horizon)
		if r.x.Observer != nil {
			r.obs.endEvaluationEpisode()
		}
		var row []float64 // the row of an earlier play, reused when there is one
		if e < cap(u) {
			row = u[:e+1][e][:0]
		}
		for k := range g.roles {
			row = append(row, g.utility(k))
		}
		u = append(u, row)
		_ = r.x.EndEpisode() // not learning: nothing to fail
	}
	s := math.NaN()
	if p.Surplus {
		s = r.obs.ev.Surplus()
	}
	return equilibrium.Played{U: u, Surplus: s}
}
