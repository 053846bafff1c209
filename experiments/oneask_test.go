package experiments

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// TestOneAskPerClearing: a learning carrier of the large-market preset
// quotes one ask for all the jobs of a clearing, records it as each job's
// action, and draws a new one at the next clearing.
func TestOneAskPerClearing(t *testing.T) {
	o := &oneAsk{Described: largeMarketCarrier(t), open: new(clearings)}
	car := &agents.Carrier{Capacity: 1, CostRate: 1}
	rng := rand.New(rand.NewPCG(2, 2))
	var asks []float64
	for clearing := range 2 {
		v := &agents.View{Now: float64(clearing) + 0.5, Carrier: car, Capacity: 1, Waiting: 3}
		for j := range 3 {
			job := &agents.Job{ID: int64(3*clearing + j), Volume: 1, Distance: 1, CostFactors: []float64{0.4}}
			var rec agents.Record
			a := o.Quote(rng, job, v, &rec)
			if len(rec.Action) != 1 || rec.Action[0] != a {
				t.Fatalf("clearing %d, job %d: quoted %v, recorded actions %v; want the quote recorded once", clearing, j, a, rec.Action)
			}
			asks = append(asks, a)
		}
	}
	if asks[0] != asks[1] || asks[0] != asks[2] || asks[3] != asks[4] || asks[3] != asks[5] || asks[0] == asks[3] {
		t.Errorf("asks %v: want one ask per clearing of three jobs, a new one at the next", asks)
	}
}

// largeMarketCarrier builds the learner of the large-market preset's first
// carrier.
func largeMarketCarrier(t *testing.T) agents.Described {
	t.Helper()
	sc, err := scenario.Resolve("large-market")
	if err != nil {
		t.Fatal(err)
	}
	st, err := buildStrategy(&sc, sc.Carriers[0].Strategy, Agent{Carrier: true, Rand: rand.New(rand.NewPCG(1, 1)), Scales: sc.Scales()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := st.(agents.Described)
	if !ok {
		t.Fatalf("the large-market carrier's strategy %T is not a described learner", st)
	}
	return d
}

// spy records what a oneAsk hands its learner.
type spy struct {
	agents.Described
	actions, returns []float64
	updates          int
}

func (s *spy) Learn(rec *agents.Record) {
	for i, r := range rec.Returns(nil) {
		s.actions, s.returns = append(s.actions, rec.Action[i]), append(s.returns, r)
	}
}

func (s *spy) Update() error { s.updates++; return nil }

// TestOneAskLearnsOneDecisionPerClearing: the records of a clearing's
// jobs reach the learner as one decision, the clearing's ask, whose
// return is the sum of theirs (exact: the rewards are dyadic), whatever
// the order the jobs finish in; a clearing whose records are not all in
// by the update is handed on then.
func TestOneAskLearnsOneDecisionPerClearing(t *testing.T) {
	s := &spy{Described: largeMarketCarrier(t)}
	o := &oneAsk{Described: s, open: new(clearings)}
	car := &agents.Carrier{Capacity: 1, CostRate: 1}
	rng := rand.New(rand.NewPCG(2, 2))
	var recs [2][3]agents.Record
	var asks [2]float64
	for c := range 2 {
		v := &agents.View{Now: float64(c) + 0.5, Carrier: car, Capacity: 1, Waiting: 3}
		for j := range 3 {
			job := &agents.Job{ID: int64(3*c + j), Volume: 1, Distance: 1, CostFactors: []float64{0.4}}
			asks[c] = o.Quote(rng, job, v, &recs[c][j])
			recs[c][j].Pay(float64(j+1) / 4)
		}
	}
	o.Learn(&recs[1][2])
	o.Learn(&recs[0][1])
	o.Learn(&recs[0][0])
	if len(s.actions) != 0 {
		t.Fatalf("handed on %v before a clearing's records were all learned", s.actions)
	}
	o.Learn(&recs[0][2])
	if len(s.actions) != 1 || s.actions[0] != asks[0] || s.returns[0] != 1.5 {
		t.Fatalf("after clearing 0's three records: handed actions %v, returns %v; want [%v] and [1.5]", s.actions, s.returns, asks[0])
	}
	if err := o.Update(); err != nil {
		t.Fatal(err)
	}
	if len(s.actions) != 2 || s.actions[1] != asks[1] || s.returns[1] != 0.75 || s.updates != 1 {
		t.Errorf("after the update: handed actions %v, returns %v, %d updates; want clearing 1's ask %v with the one record learned (0.75), one update", s.actions, s.returns, s.updates, asks[1])
	}
}

// TestShareOneLearner: carriers whose strategy says share have one
// learner and one list of open clearings, and the learner is updated once
// an episode; strategies that differ cannot share.
func TestShareOneLearner(t *testing.T) {
	sc, err := scenario.ResolveWith("large-market", []string{"carriers[*].strategy.share=true"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := newReplicate(&sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	first := r.x.Carriers[0].Strategy.(*oneAsk)
	for i, c := range r.x.Carriers {
		o, ok := c.Strategy.(*oneAsk)
		if !ok || o.Described != first.Described || o.open != first.open || o == first && i > 0 {
			t.Fatalf("carrier %d: strategy %T does not share carrier 0's learner and open clearings", i, c.Strategy)
		}
	}
	s := &spy{Described: first.Described}
	for _, c := range r.x.Carriers {
		c.Strategy.(*oneAsk).Described = s
	}
	r.x.Learning = true
	if err := r.x.EndEpisode(); err != nil {
		t.Fatal(err)
	}
	if s.updates != 1 {
		t.Errorf("the shared learner was updated %d times at an episode's end, want once", s.updates)
	}
	bad := sc
	bad.Carriers = slices.Clone(sc.Carriers)
	bad.Carriers[3].Strategy.Sigma = 0.3
	if ps := bad.Validate(); !strings.Contains(fmt.Sprint(ps), "carriers[3].strategy.share") {
		t.Errorf("carrier 3 with another sigma shares: Validate gave %v, want a problem at carriers[3].strategy.share", ps)
	}
}

// sameAsk quotes 1/2 whatever the job: every clearing's ask is the same.
type sameAsk struct{ agents.Described }

func (s sameAsk) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	s.Described.Quote(rng, j, v, rec)
	rec.Action[len(rec.Action)-1] = 0.5
	return 0.5
}

// TestOneAskTellsClearingsWithTheSameAskApart: three open clearings with
// the same ask (a float tie, or sigma 0) each get the returns of their own
// jobs' records, whatever the order the records are learned in.
func TestOneAskTellsClearingsWithTheSameAskApart(t *testing.T) {
	s := &spy{Described: sameAsk{largeMarketCarrier(t)}}
	o := &oneAsk{Described: s, open: new(clearings)}
	car := &agents.Carrier{Capacity: 1, CostRate: 1}
	rng := rand.New(rand.NewPCG(2, 2))
	var recs [3][2]agents.Record
	pay := [3][2]float64{{0.25, 0.5}, {1, 2}, {4, 8}}
	for c := range 3 {
		v := &agents.View{Now: float64(c) + 0.5, Carrier: car, Capacity: 1, Waiting: 2}
		for j := range 2 {
			job := &agents.Job{ID: int64(2*c + j), Volume: 1, Distance: 1, CostFactors: []float64{0.4}}
			o.Quote(rng, job, v, &recs[c][j])
			recs[c][j].Pay(pay[c][j])
		}
	}
	for _, r := range [][2]int{{2, 0}, {1, 0}, {0, 0}} {
		o.Learn(&recs[r[0]][r[1]])
	}
	if len(s.returns) != 0 {
		t.Fatalf("handed on returns %v before a clearing's records were all learned", s.returns)
	}
	for _, r := range [][2]int{{2, 1}, {0, 1}, {1, 1}} {
		o.Learn(&recs[r[0]][r[1]])
	}
	if want := []float64{12, 0.75, 3}; !slices.Equal(s.returns, want) {
		t.Errorf("handed returns %v; want clearing 2's 4+8, then clearing 0's 0.25+0.5, then clearing 1's 1+2", s.returns)
	}
	if len(o.open.list) != 0 || len(o.open.tied) != 0 {
		t.Errorf("after every record: %d clearings open, %d tied decisions listed; want none", len(o.open.list), len(o.open.tied))
	}
}
