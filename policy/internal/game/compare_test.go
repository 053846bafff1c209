package game

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/freightsim/freightsim/policy"
	"github.com/freightsim/freightsim/policy/ppo"
)

// TestCompareLearners is an opt-in measurement, not a check: it trains 8
// replicates (seeds 1000 to 1007) of both sides of one market with PPO or
// the default learner and logs each replicate (on the deterministic
// market each job's mean quotes and sigma too, sigma read in each job's
// state, which a state-dependent sigma needs) and the means, for the
// figures of docs/EXPERIMENTS.md (section on bilateral trading). Set
// FREIGHTSIM_COMPARE to "bilateral" (k = 1/2, 4000 episodes, sigma 0.2) or
// "deterministic" (P1's market, 3000 episodes, sigma 10);
// FREIGHTSIM_LEARNER to "natural" (else PPO); FREIGHTSIM_PPO to a JSON
// ppo.Config whose fields override the defaults (e.g. {"LR":0.0003});
// FREIGHTSIM_FLOOR to a floor of sigma (as a share of the initial sigma,
// e.g. 0.0625) for either learner. About 2 minutes of CPU for PPO on
// bilateral, 10 s for the default learner.
func TestCompareLearners(t *testing.T) {
	market := os.Getenv("FREIGHTSIM_COMPARE")
	if market == "" {
		t.Skip("set FREIGHTSIM_COMPARE=bilateral or deterministic")
	}
	var cfg ppo.Config
	if s := os.Getenv("FREIGHTSIM_PPO"); s != "" {
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			t.Fatalf("FREIGHTSIM_PPO: %v", err)
		}
	}
	var floor float64
	if s := os.Getenv("FREIGHTSIM_FLOOR"); s != "" {
		if err := json.Unmarshal([]byte(s), &floor); err != nil || !(floor > 0 && floor < 1) {
			t.Fatalf("FREIGHTSIM_FLOOR is %q: want a share of sigma in (0, 1)", s)
		}
	}
	dim, sigma0 := 2, 0.2
	if market == "deterministic" {
		dim, sigma0 = 4, 10
	}
	agent := func(seed, stream uint64) (*Gaussian, func() float64) {
		phi := make([]float64, dim)
		phi[0] = 1
		if os.Getenv("FREIGHTSIM_LEARNER") == "natural" {
			n := policy.NewNatural(dim, sigma0)
			if floor > 0 {
				n.Policy.(*policy.LinearGaussian).MinSigma = floor * sigma0
			}
			return &Gaussian{Policy: n.Policy, Rule: n}, func() float64 { _, s := n.Policy.Dist(phi); return s }
		}
		c := cfg
		c.Sigma0 = sigma0
		if floor > 0 {
			c.MinSigma = floor * sigma0
		}
		o := ppo.New(rand.New(rand.NewPCG(seed, stream)), dim, c)
		return &Gaussian{Policy: o.Policy, Rule: o}, o.Policy.Sigma
	}
	const n = 8
	out := make([][]float64, n)
	onTwoCores(n, func(r int) {
		seed := uint64(1000 + r)
		a, sa := agent(seed, 7)
		b, sb := agent(seed, 8)
		if market == "deterministic" {
			phi4 := make([]float64, 4)
			f := P1Deterministic()
			if err := f.Train(seed, a, b, 3000); err != nil {
				t.Error(err)
				return
			}
			sA := func(phi []float64) float64 { _, s := a.Policy.Dist(phi); return s }
			sB := func(phi []float64) float64 { _, s := b.Policy.Dist(phi); return s }
			o := f.Evaluate(a, b, sA, sB)
			for _, j := range f.Jobs {
				f.Features(phi4, j)
				ma, xa := a.Policy.Dist(phi4)
				mb, xb := b.Policy.Dist(phi4)
				t.Logf("replicate %d, job of value %.0f and cost %.0f: bid %.1f (sigma %.2f), ask %.1f (sigma %.2f)", r, j.Value, j.Cost, ma, xa, mb, xb)
			}
			out[r] = []float64{o.Adherence, o.Trade, o.Wrong, sa(), sb()}
			t.Logf("replicate %d: adherence %.4f, trade %.3f, wrong %.4f, bids %.1f, asks %.1f, sigma %.3f %.3f", r, o.Adherence, o.Trade, o.Wrong, o.Bids, o.Asks, sa(), sb())
			return
		}
		g := Bilateral{K: 0.5, Rounds: 50}
		if err := g.Train(seed, a, b, 4000); err != nil {
			t.Error(err)
			return
		}
		b0, b1 := Line(a, 0, 1)
		a0, a1 := Line(b, 0, 1)
		e0, e1, e2, e3 := g.Equilibrium()
		// The RMS distance over every type, and over the types that
		// can trade at the equilibrium (v >= 1/4, c <= 3/4).
		da := Distance(a, func(v float64) float64 { return e0 + e1*v }, 0, 1)
		db := Distance(b, func(c float64) float64 { return e2 + e3*c }, 0, 1)
		ta := Distance(a, func(v float64) float64 { return e0 + e1*v }, 0.25, 1)
		tb := Distance(b, func(c float64) float64 { return e2 + e3*c }, 0, 0.75)
		out[r] = []float64{b0, b1, a0, a1, math.Sqrt((da*da + db*db) / 2), math.Sqrt((ta*ta + tb*tb) / 2), sa(), sb()}
		t.Logf("replicate %d: bid %.3f + %.3f v, ask %.3f + %.3f c, distance %.4f (traded types %.4f), sigma %.3f %.3f", r, b0, b1, a0, a1, out[r][4], out[r][5], sa(), sb())
	})
	mean := make([]float64, len(out[0]))
	for _, x := range out {
		for i, v := range x {
			mean[i] += v / n
		}
	}
	if market == "deterministic" {
		t.Logf("mean of %d: adherence %.4f, trade %.3f, wrong %.4f, sigma %.3f %.3f", n, mean[0], mean[1], mean[2], mean[3], mean[4])
		return
	}
	t.Logf("mean of %d: bid %.3f + %.3f v, ask %.3f + %.3f c, distance %.4f (traded types %.4f), sigma %.3f %.3f", n, mean[0], mean[1], mean[2], mean[3], mean[4], mean[5], mean[6], mean[7])
}
