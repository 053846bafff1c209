package agents

import (
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/market"
)

// TestActiveSet: the k-th member found by the Fenwick tree is the k-th of
// the members listed in order, through random inserts and removals, for
// sizes around powers of two.
func TestActiveSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for _, n := range []int{1, 2, 3, 7, 8, 9, 64, 100} {
		var a activeSet
		a.reset(n)
		in := make([]bool, n)
		for op := range 20 * n {
			i := rng.IntN(n)
			if in[i] {
				a.add(i, -1)
			} else {
				a.add(i, 1)
			}
			in[i] = !in[i]
			var list []int
			for k, ok := range in {
				if ok {
					list = append(list, k)
				}
			}
			if a.count != len(list) {
				t.Fatalf("n %d, op %d: count %d, want %d", n, op, a.count, len(list))
			}
			for k, want := range list {
				if got := a.kth(k); got != want {
					t.Fatalf("n %d, op %d: member %d is %d, want %d (members %v)", n, op, k, got, want, list)
				}
			}
		}
	}
}

// laneLearner asks its cost (plus markup) for a job, records the decision
// with the job's destination as its one feature, and keeps every decision
// it learns from with its return.
type laneLearner struct {
	markup  float64
	learned [][2]float64 // (destination, return)
}

func (l *laneLearner) Quote(_ *rand.Rand, j *Job, v *View, rec *Record) float64 {
	ask := v.Carrier.Cost(j) + l.markup
	rec.Decide([]float64{float64(j.To)}, ask, ask, 1, j.Due)
	return ask
}

func (l *laneLearner) Learn(rec *Record) {
	for i, g := range rec.Returns(nil) {
		l.learned = append(l.learned, [2]float64{rec.Features(i)[0], g})
	}
}

func (l *laneLearner) Update() error { return nil }

// TestCDALearningCarrierAsks: a learning carrier's asks in a network's
// auction. Two trucks at hub 0 ask on the lanes to hubs 1 (a unit costs
// 10, bid 20) and 2 (cost 30, above the bid): the three jobs for hub 1
// trade at the midpoint 15, and each takes into its carrier record the one
// ask that sold it, of return 15 - 10 = 5; every ask on the lane to hub 2,
// and every ask replaced before it traded, is learned with return 0.
func TestCDALearningCarrierAsks(t *testing.T) {
	l := &laneLearner{}
	x := &Exchange{
		Shippers: []*Shipper{{Penalty: 20, Strategy: TruthfulBid{}}},
		Carriers: []*Carrier{{Capacity: 2, CostRate: 0.1, Strategy: l}},
		Learning: true,
	}
	for _, to := range []int{1, 2, 1, 1} {
		j := x.NewJob()
		j.Volume, j.Distance, j.Due, j.From, j.To = 1, []float64{0, 100, 300}[to], 0, 0, to
		x.Arrive(j)
	}
	cda := NewCDA(x, market.MidpointPrice)
	cda.OpenHubs([][]Truck{{{Carrier: 0, Capacity: 2}, {Carrier: 0, Capacity: 1}}, nil, nil})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		cda.Quote(0.25, rng)
	}
	cda.SettleHubs(0.5, nil)
	var sold, lost, lane2 int
	for _, d := range l.learned {
		switch {
		case d[1] == 5 && d[0] == 1:
			sold++
		case d[1] == 0:
			lost++
			if d[0] == 2 {
				lane2++
			}
		default:
			t.Errorf("a decision on the lane to hub %v learned with return %v: want 5 (sold on the lane to 1) or 0", d[0], d[1])
		}
	}
	if sold != 3 || lane2 == 0 {
		t.Errorf("%d asks learned as sold (want one per job traded, 3), %d asks on the lane to hub 2 learned (want at least 1), %d with return 0 in all", sold, lane2, lost)
	}
}
