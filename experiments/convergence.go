package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
)

// ConvergenceMetrics are the columns of evaluations.csv, after the
// equilibrium measurement's, that show whether training has settled: how
// far the learned quotes moved since the previous evaluation point. They
// are there when the equilibrium measurement is on or an early stop is set.
func ConvergenceMetrics() []results.Metric {
	return []results.Metric{
		{Name: "movement", Unit: "money", Description: "root mean square change, since the previous evaluation point, of the first learning shipper's mean bid over 64 fixed probe states (features uniform on [0, 1], bias 1); empty at the first point and without a learning shipper"},
		{Name: "movement_carrier", Unit: "money", Description: "the same for the first learning carrier's mean ask"},
	}
}

// hasConvergence reports whether evaluations.csv has the convergence columns.
func hasConvergence(sc *scenario.Config) bool {
	return sc.Equilibrium.Enabled || sc.Training.Stop.Enabled()
}

// probeStates is how many fixed states the movement is measured at.
const probeStates = 64

// mover measures how far a learner's mean quote moves between evaluation
// points, at fixed probe states: the same for every replicate, drawn from
// a stream of their own so that they change no other stream.
type mover struct {
	l      agents.Described
	probes [][]float64
	last   []float64 // mean quotes at the previous point; nil before the first
}

func newMover(l agents.Described) *mover {
	if l == nil {
		return nil
	}
	d := l.FeatureMap().Dim()
	rng := rand.New(rand.NewPCG(0x70726f6265, uint64(d)))
	m := &mover{l: l, probes: make([][]float64, probeStates)}
	for i := range m.probes {
		phi := make([]float64, d)
		for j := range phi {
			phi[j] = rng.Float64()
		}
		phi[0] = 1 // bias, or P2's constant feature
		m.probes[i] = phi
	}
	return m
}

// move returns the root mean square change of the mean quote at the
// probes since the previous call, NaN at the first (and without a learner).
func (m *mover) move() float64 {
	if m == nil {
		return math.NaN()
	}
	now := make([]float64, len(m.probes))
	for i, phi := range m.probes {
		now[i] = m.l.MeanAt(phi)
	}
	defer func() { m.last = now }()
	if m.last == nil {
		return math.NaN()
	}
	var ss float64
	for i := range now {
		d := now[i] - m.last[i]
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(now)))
}

// Stopped says when and why a replicate's training stopped early.
type Stopped = results.Stopped

// stopper applies a scenario's training.stop rule, one evaluation point at a time.
type stopper struct {
	rule   scenario.Stop
	streak int
}

// check takes one evaluation point's relative gap (NashConv/S) and the two
// movements (NaN where there is no learner on that side), and returns a
// reason to stop, or "" to go on.
func (s *stopper) check(gap, moveS, moveC float64) string {
	r := s.rule
	if !r.Enabled() {
		return ""
	}
	ok := true
	if r.Gap > 0 && !(gap <= r.Gap) {
		ok = false
	}
	if r.Movement > 0 {
		for _, m := range []float64{moveS, moveC} {
			if !(m <= r.Movement) && !math.IsNaN(m) {
				ok = false
			}
		}
		if math.IsNaN(moveS) && math.IsNaN(moveC) {
			ok = false // the first point: nothing has been measured to move yet
		}
	}
	if !ok {
		s.streak = 0
		return ""
	}
	s.streak++
	if s.streak < r.Evaluations {
		return ""
	}
	var why string
	if r.Gap > 0 {
		why = fmt.Sprintf("gap NashConv/S %.4g at most %v", gap, r.Gap)
	}
	if r.Movement > 0 {
		if why != "" {
			why += " and "
		}
		why += fmt.Sprintf("movement %.4g (shipper), %.4g (carrier) at most %v", moveS, moveC, r.Movement)
	}
	return fmt.Sprintf("%s at %d evaluation points in a row (training.stop)", why, r.Evaluations)
}
