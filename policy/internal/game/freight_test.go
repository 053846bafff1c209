package game

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
)

// The default learner in the deterministic strategic-bidding market (P1's
// setting; prices of 50 to 150, sigma 10 as in the preset, 3000 episodes
// of 20 epochs): quotes must not collapse into no-trade, and the learned
// profile must be near a Nash equilibrium. Over seeds 1..8 adherence is
// 0.959 to 0.966, the three jobs worth shipping ship with probability
// 0.95 to 0.98 and the one that is not with at most 0.002; what is lost is
// the price of quoting with sigma at its floor, 1.25, as each side keeps
// a margin of a few sigma. The bounds (adherence >= 0.95, P1's figure for
// deterministic markets; trade >= 0.9; wrong trade <= 0.02) hold on three
// seeds with room, and a market that stops trading fails all of them.
func TestNaturalTradesInTheDeterministicFreightMarket(t *testing.T) {
	f := P1Deterministic()
	for seed := range uint64(3) {
		ns, nc := policy.NewNatural(4, 10), policy.NewNatural(4, 10)
		sh := &Gaussian{Policy: ns.Policy, Rule: ns}
		ca := &Gaussian{Policy: nc.Policy, Rule: nc}
		if err := f.Train(seed+1, sh, ca, 3000); err != nil {
			t.Fatal(err)
		}
		sigma := func(p policy.Gaussian) func([]float64) float64 {
			return func(phi []float64) float64 { _, s := p.Dist(phi); return s }
		}
		o := f.Evaluate(sh, ca, sigma(sh.Policy), sigma(ca.Policy))
		t.Logf("seed %d: adherence %.3f, trade %.3f, wrong %.4f, bids %.1f, asks %.1f", seed+1, o.Adherence, o.Trade, o.Wrong, o.Bids, o.Asks)
		if o.Adherence < 0.95 || o.Trade < 0.9 || o.Wrong > 0.02 {
			t.Errorf("seed %d: adherence %.3f (want >= 0.95), jobs worth shipping ship with probability %.3f (want >= 0.9), the other with %.4f (want <= 0.02)",
				seed+1, o.Adherence, o.Trade, o.Wrong)
		}
		for j, job := range f.Jobs[:3] {
			if b, a := o.Bids[j], o.Asks[j]; !(job.Cost <= a && b <= job.Value) {
				t.Errorf("seed %d, job %d: bid %.1f and ask %.1f, want both in [cost %v, value %v]", seed+1, j, b, a, job.Cost, job.Value)
			}
		}
	}
}

// Adherence is tested on profiles whose answer is known: near an
// equilibrium with almost no noise (bid p + 0.01 and ask p - 0.01, p in
// [cost, value], for the jobs worth shipping, no trade for the other; sigma
// 1e-3, so each job trades with probability 1 - 1e-20) it is 1 but for
// the spread of 0.02 either side could take, 0.12 of 200 a round,
// and if the carrier asks far above every value (nobody trades) the
// shipper can gain nothing, but the carrier forgoes the whole surplus (its
// best response asks just below the bids, which are the values), so
// adherence is near 0.
func TestFreightAdherenceOnKnownProfiles(t *testing.T) {
	f := P1Deterministic()
	const s = 1e-3
	eq := fixedQuotes{f: f, price: []float64{89.99, 99.99, 69.99, 200}}
	bid := fixedQuotes{f: f, price: []float64{90.01, 100.01, 70.01, 0}}
	sig := func([]float64) float64 { return s }
	if o := f.Evaluate(bid, eq, sig, sig); math.Abs(o.Adherence-(1-0.12/200)) > 2e-4 || o.Trade < 1-1e-9 || o.Wrong > 1e-9 {
		t.Errorf("equilibrium profile: adherence %v, trade %v, wrong %v; want 1 - 0.12/200 (within the best responses' margin of a few sigma, 2e-4), 1, 0", o.Adherence, o.Trade, o.Wrong)
	}
	values := fixedQuotes{f: f, price: []float64{120, 150, 90, 100}}
	high := fixedQuotes{f: f, price: []float64{1000, 1000, 1000, 1000}}
	o := f.Evaluate(values, high, sig, sig)
	if o.Adherence > 0.01 || o.Trade > 1e-9 {
		t.Errorf("no-trade profile with truthful bids: adherence %v, trade %v; want about 0 and 0", o.Adherence, o.Trade)
	}
	if math.IsNaN(o.Adherence) {
		t.Error("adherence is NaN")
	}
}

// fixedQuotes quotes a fixed mean price per job of f, recognised by its
// features.
type fixedQuotes struct {
	f     Freight
	price []float64
}

func (q fixedQuotes) Mean(phi []float64) float64 {
	x := make([]float64, 4)
	for j, job := range q.f.Jobs {
		q.f.Features(x, job)
		if x[1] == phi[1] && x[2] == phi[2] && x[3] == phi[3] {
			return q.price[j]
		}
	}
	panic("unknown job")
}
func (fixedQuotes) Quote(*rand.Rand, []float64) (float64, float64, float64) { panic("not played") }
func (fixedQuotes) Update(*policy.Batch) error                              { return nil }
