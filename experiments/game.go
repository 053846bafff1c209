package experiments

import (
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
)

// game is a replicate as the equilibrium measurement sees it
// (equilibrium.Market): its learning roles, and episodes played with some
// of their strategies replaced.
type game struct {
	r       *replicate
	roles   []equilibrium.Role
	learned []agents.Strategy // each role's learned strategy, restored by Use(k, nil)
}

// newGame lists the replicate's distinct learning policies, shippers'
// first.
func newGame(r *replicate) *game {
	g := &game{r: r}
	find := func(d agents.Described, carrier bool) *equilibrium.Role {
		for k := range g.roles {
			if g.roles[k].Policy == d {
				return &g.roles[k]
			}
		}
		g.roles = append(g.roles, equilibrium.Role{Policy: d, Carrier: carrier})
		g.learned = append(g.learned, d)
		return &g.roles[len(g.roles)-1]
	}
	for i, s := range r.x.Shippers {
		if d, ok := s.Strategy.(agents.Described); ok {
			l := find(d, false)
			l.Agents = append(l.Agents, i)
		}
	}
	for i, c := range r.x.Carriers {
		if d, ok := c.Strategy.(agents.Described); ok {
			l := find(d, true)
			l.Carrier = true
			l.Agents = append(l.Agents, i)
		}
	}
	return g
}

func (g *game) Roles() []equilibrium.Role { return g.roles }

// Use makes role k play s (nil restores its learned policy).
func (g *game) Use(k int, s agents.Strategy) {
	if s == nil {
		s = g.learned[k]
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

// Play runs n measurement episodes of evaluation point `point` without
// learning and returns, per episode, each role's utility; with surplus, the
// observer measures the efficient gains from trade per episode on the way.
func (g *game) Play(point uint64, fresh bool, n int, surplus bool, u [][]float64) ([][]float64, float64) {
	r := g.r
	r.x.Learning = false
	defer func() { r.x.Observer = &r.obs }()
	r.x.Observer = nil
	if surplus {
		r.x.Observer = &r.obs
		r.obs.eval = true
		r.obs.ev.Reset()
	}
	u = u[:0]
	for e := range n {
		r.use(r.streams(equilibrium.Phase(point, fresh, e)))
		r.events += r.w.episode(r.sc.Equilibrium.Horizon)
		if r.x.Observer != nil {
			r.obs.endEvaluationEpisode()
		}
		row := make([]float64, len(g.roles))
		for k := range g.roles {
			row[k] = g.utility(k)
		}
		u = append(u, row)
		_ = r.x.EndEpisode() // not learning: nothing to fail
	}
	s := math.NaN()
	if surplus {
		s = r.obs.ev.Surplus()
	}
	return u, s
}
