package game

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

// fixedLine quotes b0 + b1*x, deterministically.
type fixedLine struct{ b0, b1 float64 }

func (f fixedLine) Quote(_ *rand.Rand, phi []float64) (a, mu, sigma float64) {
	m := f.b0 + f.b1*phi[1]
	return m, m, 0
}
func (f fixedLine) Update(*policy.Batch) error { return nil }
func (f fixedLine) Mean(phi []float64) float64 { return f.b0 + f.b1*phi[1] }

// PPO's buyer against a seller fixed at its equilibrium ask (k = 1/2)
// learns its best response, 2/3 v + 1/12, where it matters: over the
// values whose best bid can trade (v >= 1/4). Measured as the RMS distance
// of its network's mean bid from the best response there, over seeds 1..6
// after 1000 episodes of 50 rounds (about 1 s each): 0.027 to 0.079. The
// bound 0.12 leaves room, and is below what a learner that did not learn
// scores: 0.14 for a truthful bid, 0.53 for bidding 0. (Both sides learning
// for 4000 episodes is measured in the report of issue 12, not here: it
// takes minutes.)
func TestPPOLearnsTheBilateralBestResponse(t *testing.T) {
	const ppoEpisodes, ppoTol = 1000, 0.12
	g := Bilateral{K: 0.5, Rounds: 50}
	b0, b1, a0, a1 := g.Equilibrium()
	for seed := range uint64(2) {
		o := ppo.New(rand.New(rand.NewPCG(seed, 1)), 2, ppo.Config{Sigma0: 0.2})
		buyer := &Gaussian{Policy: o.Policy, Rule: o}
		if err := g.Train(seed+1, buyer, fixedLine{a0, a1}, ppoEpisodes); err != nil {
			t.Fatal(err)
		}
		x0, x1 := Line(buyer, 0.25, 1)
		d := Distance(buyer, func(v float64) float64 { return b0 + b1*v }, 0.25, 1)
		t.Logf("seed %d: bid %.3f + %.3f v over v in [1/4, 1], RMS distance %.4f, sigma %.3f", seed+1, x0, x1, d, o.Policy.Sigma())
		if d > ppoTol {
			t.Errorf("seed %d: PPO's mean bid is %.4f from the best response %.3f + %.3f v (RMS over v in [1/4, 1]), want at most %v", seed+1, d, b0, b1, ppoTol)
		}
	}
}

// Both sides learning with PPO with the linear path and the penalty on
// the hidden layers (Linear, Ridge 1) for the bilateral preset's 4000
// episodes of 50 rounds (k = 1/2, sigma 0.2) get near Chatterjee and
// Samuelson's equilibrium, bid 2/3 v + 1/12 and ask 2/3 c + 1/4, over the
// types that trade there (v >= 1/4, c <= 3/4): the lines fitted to the
// networks' mean quotes, averaged over seeds 1..4, are within ppoCoefTol
// of the closed form in each coefficient, and each seed's quotes within
// ppoDistTol (RMS over those types, both sides). Measured: bid
// 0.014 + 0.771 v, ask 0.252 + 0.677 c (the bid's slope 0.104 off, its
// intercept 0.069), distances 0.015 to 0.038. The default learner meets
// 0.05 on every coefficient (TestDefaultLearnerReachesChatterjeeSamuelson
// in experiments); PPO does not yet, so the bound is 0.15, which a learner
// that stayed truthful (slope 1, 0.33 off) or did not learn fails. About
// 10 s of CPU per seed.
//
// It is a benchmark, not a test, to keep the test suite within a minute:
// CI runs every benchmark once (go test -run '^$' -bench . -benchtime 1x),
// and a failed check fails it.
func BenchmarkPPOReachesChatterjeeSamuelson(b *testing.B) {
	for range b.N {
		ppoReachesChatterjeeSamuelson(b)
	}
}

func ppoReachesChatterjeeSamuelson(t testing.TB) {
	const seeds, episodes, ppoCoefTol, ppoDistTol = 4, 4000, 0.15, 0.06
	g := Bilateral{K: 0.5, Rounds: 50}
	e := make([]float64, 4)
	e[0], e[1], e[2], e[3] = g.Equilibrium()
	got := make([][5]float64, seeds)
	cfg := ppo.Config{Sigma0: 0.2, Linear: true, Ridge: 1}
	onTwoCores(seeds, func(r int) {
		seed := uint64(r + 1)
		buyer := ppo.New(rand.New(rand.NewPCG(seed, 7)), 2, cfg)
		seller := ppo.New(rand.New(rand.NewPCG(seed, 8)), 2, cfg)
		a := &Gaussian{Policy: buyer.Policy, Rule: buyer}
		b := &Gaussian{Policy: seller.Policy, Rule: seller}
		if err := g.Train(seed, a, b, episodes); err != nil {
			t.Error(err)
			return
		}
		got[r][0], got[r][1] = Line(a, 0.25, 1)
		got[r][2], got[r][3] = Line(b, 0, 0.75)
		da := Distance(a, func(v float64) float64 { return e[0] + e[1]*v }, 0.25, 1)
		db := Distance(b, func(c float64) float64 { return e[2] + e[3]*c }, 0, 0.75)
		got[r][4] = math.Sqrt((da*da + db*db) / 2)
		t.Logf("seed %d: bid %.3f + %.3f v, ask %.3f + %.3f c, distance %.4f, sigma %.3f %.3f", seed,
			got[r][0], got[r][1], got[r][2], got[r][3], got[r][4], buyer.Policy.Sigma(), seller.Policy.Sigma())
	})
	if t.Failed() {
		return
	}
	names := []string{"bid intercept", "bid slope", "ask intercept", "ask slope"}
	for i, name := range names {
		var m float64
		for _, x := range got {
			m += x[i] / seeds
		}
		if math.Abs(m-e[i]) > ppoCoefTol {
			t.Errorf("%s: %.3f over %d seeds, want %.3f within %v", name, m, seeds, e[i], ppoCoefTol)
		}
	}
	for r, x := range got {
		if x[4] > ppoDistTol {
			t.Errorf("seed %d: quotes %.4f from the equilibrium (RMS over the types that trade), want at most %v", r+1, x[4], ppoDistTol)
		}
	}
}

// On P1's deterministic market, PPO with the linear path and the penalty
// on its hidden layers (configuration D of docs/EXPERIMENTS.md: Anneal
// over the 750 batches of 4 episodes in 3000, Hidden [4], Linear, Ridge
// 10) and a state-dependent sigma (StateSigma, Entropy 0.003) keeps the
// job that must not trade out of the trap in which neither side's quote
// for it trades, so that neither gets a gradient, and the carrier's ask
// drifts below the job's value: over 8 replicates (seeds 1000 to 1007, as
// TestCompareLearners) every replicate's adherence is at least
// trapTol, and their mean at least the default learner's on the same
// seeds. Measured: replicates 0.9626 to 0.9661, mean 0.9649 (default
// learner 0.9635); without StateSigma and Entropy the same configuration
// has replicates at 0.853 and 0.915 (mean 0.934; with Ridge 3, 0.787 and
// 0.835, mean 0.892), which fail both bounds. About 10 s of CPU.
//
// A benchmark run once by CI, like BenchmarkPPOReachesChatterjeeSamuelson.
func BenchmarkPPOStateSigmaAvoidsTheUntradedJobTrap(b *testing.B) {
	for range b.N {
		ppoStateSigmaAvoidsTheTrap(b)
	}
}

func ppoStateSigmaAvoidsTheTrap(t testing.TB) {
	const n, episodes, trapTol = 8, 3000, 0.955
	cfg := ppo.Config{Sigma0: 10, Anneal: 750, Episodes: 4, Hidden: []int{4}, Linear: true, Ridge: 10, StateSigma: true, Entropy: 0.003}
	f := P1Deterministic()
	var got, def [n]float64
	onTwoCores(n, func(r int) {
		seed := uint64(1000 + r)
		for k, natural := range []bool{false, true} {
			var a, c *Gaussian
			if natural {
				ns, nc := policy.NewNatural(4, 10), policy.NewNatural(4, 10)
				a, c = &Gaussian{Policy: ns.Policy, Rule: ns}, &Gaussian{Policy: nc.Policy, Rule: nc}
			} else {
				os, oc := ppo.New(rand.New(rand.NewPCG(seed, 7)), 4, cfg), ppo.New(rand.New(rand.NewPCG(seed, 8)), 4, cfg)
				a, c = &Gaussian{Policy: os.Policy, Rule: os}, &Gaussian{Policy: oc.Policy, Rule: oc}
			}
			if err := f.Train(seed, a, c, episodes); err != nil {
				t.Error(err)
				return
			}
			sa := func(phi []float64) float64 { _, s := a.Policy.Dist(phi); return s }
			sc := func(phi []float64) float64 { _, s := c.Policy.Dist(phi); return s }
			o := f.Evaluate(a, c, sa, sc)
			[]*[n]float64{&got, &def}[k][r] = o.Adherence
		}
	})
	if t.Failed() {
		return
	}
	var mean, meanDef float64
	for r := range n {
		mean += got[r] / n
		meanDef += def[r] / n
		if got[r] < trapTol {
			t.Errorf("replicate %d (seed %d): adherence %.4f, want at least %v (the untraded job trapped?)", r, 1000+r, got[r], trapTol)
		}
	}
	t.Logf("PPO with a state-dependent sigma: adherence %.4f over %d replicates (%v); the default learner %.4f", mean, n, got, meanDef)
	if mean < meanDef {
		t.Errorf("mean adherence %.4f over %d replicates, below the default learner's %.4f", mean, n, meanDef)
	}
}
