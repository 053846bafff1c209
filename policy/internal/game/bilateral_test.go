package game

import (
	"flag"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/freightsim/freightsim/policy"
)

// payoff is the buyer's (or, with seller, the seller's) exact expected gain
// per round from the deterministic linear quote t0 + t1*x against the
// deterministic linear quote o0 + o1*y of the other side, x and y uniform
// on [0, 1]: the opponent's quote is uniform on [o0, o0+o1], so the inner
// integral is in closed form; the outer one is the midpoint rule on 4000
// points (error below 1e-7).
func payoff(seller bool, k, t0, t1, o0, o1 float64) float64 {
	const n = 4000
	var sum float64
	for i := range n {
		x := (float64(i) + 0.5) / n
		q := t0 + t1*x
		if !seller {
			// Asks a in [o0, min(q, o0+o1)] trade; gain x - k q - (1-k) a.
			hi := min(max(q, o0), o0+o1)
			sum += ((x-k*q)*(hi-o0) - (1-k)*(hi*hi-o0*o0)/2) / o1
		} else {
			// Bids b in [max(q, o0), o0+o1] trade; gain k b + (1-k) q - x.
			lo := min(max(q, o0), o0+o1)
			top := o0 + o1
			sum += (((1-k)*q-x)*(top-lo) + k*(top*top-lo*lo)/2) / o1
		}
	}
	return sum / n
}

// The closed form of Bilateral.Equilibrium is checked, not trusted: each
// side's equilibrium line is a best response to the other's, and so no
// shift or tilt of 0.02 raises its payoff (the payoff is smooth there, so
// a best response loses about curvature*0.02² ≈ 1e-4 to each, far above
// the integration error of 1e-7).
func TestBilateralEquilibriumIsMutualBestResponse(t *testing.T) {
	for _, k := range []float64{0.2, 0.35, 0.5, 0.65, 0.8} {
		b0, b1, a0, a1 := Bilateral{K: k}.Equilibrium()
		for _, side := range []struct {
			seller         bool
			t0, t1, o0, o1 float64
		}{{false, b0, b1, a0, a1}, {true, a0, a1, b0, b1}} {
			at := payoff(side.seller, k, side.t0, side.t1, side.o0, side.o1)
			for _, d := range [][2]float64{{0.02, 0}, {-0.02, 0}, {0, 0.02}, {0, -0.02}, {0.02, -0.02}, {-0.02, 0.02}} {
				if off := payoff(side.seller, k, side.t0+d[0], side.t1+d[1], side.o0, side.o1); off >= at {
					t.Errorf("k %v, seller %v: moving the equilibrium line by %v raises the payoff from %v to %v", k, side.seller, d, at, off)
				}
			}
		}
	}
}

// At k = 1/2 the equilibrium trades iff v >= c + 1/4 and realises 27/32 of
// the first-best gains (MODEL.md section 8); k = 0 and k = 1 are the
// one-sided offers, where the equilibrium realises 3/4 (ask = (1+c)/2
// against truthful bids: trade iff v >= (1+c)/2).
func TestBilateralEquilibriumEfficiency(t *testing.T) {
	for _, c := range []struct{ k, want float64 }{{0.5, 27.0 / 32}, {0, 0.75}, {1, 0.75}} {
		if got := (Bilateral{K: c.k}).EquilibriumEfficiency(); math.Abs(got-c.want) > 1e-7 {
			t.Errorf("k %v: equilibrium efficiency %v, want %v", c.k, got, c.want)
		}
	}
}

// replicates trains n pairs of default learners (policy.NewNatural, sigma
// 0.2 as in the bilateral preset) on g, replicate r from seed base*1000+r,
// on two goroutines (each run is independent and deterministic), and
// returns each replicate's fitted lines and efficiency.
func replicates(t *testing.T, g Bilateral, base uint64, n, episodes int) [][5]float64 {
	out := make([][5]float64, n)
	errs := make([]error, n)
	onTwoCores(n, func(r int) {
		nb, ns := policy.NewNatural(2, 0.2*g.scale()), policy.NewNatural(2, 0.2*g.scale())
		buyer := &Gaussian{Policy: nb.Policy, Rule: nb}
		seller := &Gaussian{Policy: ns.Policy, Rule: ns}
		seed := base*1000 + uint64(r)
		if errs[r] = g.Train(seed, buyer, seller, episodes); errs[r] != nil {
			return
		}
		b0, b1 := Line(buyer, 0, 1)
		a0, a1 := Line(seller, 0, 1)
		out[r] = [5]float64{b0, b1, a0, a1, g.Efficiency(seed, buyer, seller, 50000)}
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// bilateralAll runs TestNaturalReachesTheBilateralEquilibrium on every k
// and both seeds.
var bilateralAll = flag.Bool("bilateral.all", false, "TestNaturalReachesTheBilateralEquilibrium on every k and both seeds")

// onTwoCores runs f(0), ..., f(n-1), two at a time, and waits for them.
func onTwoCores(n int, f func(r int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for r := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(r)
		}()
	}
	wg.Wait()
}

// TestNaturalReachesTheBilateralEquilibrium is issue 12's test of the
// default learner: on the bilateral k-double auction as the preset plays it
// (4000 episodes of 50 rounds, sigma 0.2, features (1, value) and
// (1, cost)), for k from 0.2 to 0.8, the mean over 8 replicates of every
// learned coefficient is within 0.05 of the closed form of Chatterjee and
// Samuelson, and the mean efficiency within 0.05 of the equilibrium's, on
// two base seeds. The tolerance is the requirement, not derived
// from the noise; measured over 16 replicates, the largest error of a mean
// coefficient is 0.040 (k = 0.2), 0.035 (0.5) and 0.011 (0.8), and a
// replicate's coefficients scatter with a standard deviation of about 0.04,
// so a mean of 8 is within about 0.015 of the mean of many. What is left
// is bias: sigma ends at its floor 0.025 (the equilibrium of the noisy game
// is 0.01 to 0.03 away), and the slope of the side that pays the smaller
// share of the price converges last. P2's rule as the preset sets it
// stops 0.08 to 0.2 away (see the package example).
//
// It trains 24 pairs (k 0.2, 0.5 and 0.8, seed 1); with -bilateral.all,
// 80 (every k, seeds 1 and 2; about 4 s on two idle cores). The whole
// sweep is checked in any case through the bilateral preset, with the same
// k, seeds, replicates and tolerance, by package experiments'
// BenchmarkDefaultLearnerReachesChatterjeeSamuelson (run once as a check
// by CI): this test isolates the learner.
func TestNaturalReachesTheBilateralEquilibrium(t *testing.T) {
	const tol = 0.05
	ks, bases := []float64{0.2, 0.5, 0.8}, []uint64{1}
	if *bilateralAll {
		ks, bases = []float64{0.2, 0.35, 0.5, 0.65, 0.8}, []uint64{1, 2}
	}
	for _, k := range ks {
		g := Bilateral{K: k, Rounds: 50}
		b0, b1, a0, a1 := g.Equilibrium()
		want := [5]float64{b0, b1, a0, a1, g.EquilibriumEfficiency()}
		names := [5]string{"bid intercept", "bid slope", "ask intercept", "ask slope", "efficiency"}
		for _, base := range bases {
			reps := replicates(t, g, base, 8, 4000)
			var mean [5]float64
			for _, r := range reps {
				for i, x := range r {
					mean[i] += x / float64(len(reps))
				}
			}
			t.Logf("k %.2f seed %d: bid %.3f + %.3f v (%.3f + %.3f), ask %.3f + %.3f c (%.3f + %.3f), efficiency %.3f (%.3f)",
				k, base, mean[0], mean[1], b0, b1, mean[2], mean[3], a0, a1, mean[4], want[4])
			for i := range mean {
				if math.Abs(mean[i]-want[i]) > tol {
					t.Errorf("k %v, seed %d: mean %s over 8 replicates %.4f, want %.4f within %v", k, base, names[i], mean[i], want[i], tol)
				}
			}
		}
	}
}

// The default learner does not care in which unit prices are quoted: in a
// market whose values and costs are 64 times larger (features scaled back
// by agents' price scale, sigma0 64 times larger) it learns 64 times the
// same coefficients. Over 100 episodes the two runs differ only by
// rounding (1e-9 relative leaves a factor 1000 above what is measured),
// while a step in the units of the parameters, as Adam's, would differ by
// orders of magnitude.
func TestNaturalIsScaleFreeInTheBilateralMarket(t *testing.T) {
	var lines [2][4]float64
	for i, m := range []float64{1, 64} {
		g := Bilateral{K: 0.5, Rounds: 50, Scale: m}
		r := replicates(t, g, 7, 1, 100)[0]
		for j := range 4 {
			lines[i][j] = r[j] / m
		}
	}
	for j := range 4 {
		if d := math.Abs(lines[0][j] - lines[1][j]); d > 1e-9*math.Max(1, math.Abs(lines[0][j])) {
			t.Errorf("coefficient %d: %v at unit scale, %v/64 at scale 64", j, lines[0][j], lines[1][j])
		}
	}
}

// Same seed, same policy, bit for bit.
func TestBilateralTrainingIsReproducible(t *testing.T) {
	g := Bilateral{K: 0.5, Rounds: 50}
	a := replicates(t, g, 3, 2, 200)
	b := replicates(t, g, 3, 2, 200)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("two runs from the same seeds differ:\n%v\n%v", a, b)
	}
}

// Distance is tested on strategies whose distance is known: a line
// shifted by 0.1 is 0.1 away everywhere, and the truthful bid v is
// sqrt(mean over [1/4, 1] of (v/3 - 1/12)²) = 0.1443 from 2/3 v + 1/12
// (the exact integral is 0.14434; the grid of 201 equally weighted points,
// ends included, overweights the ends by O(1/200): 0.14452, so 1e-3).
func TestDistance(t *testing.T) {
	br := func(v float64) float64 { return 2.0/3*v + 1.0/12 }
	if d := Distance(fixedLine{1.0/12 + 0.1, 2.0 / 3}, br, 0, 1); math.Abs(d-0.1) > 1e-12 {
		t.Errorf("a line shifted by 0.1 is %v away, want 0.1", d)
	}
	if d := Distance(fixedLine{0, 1}, br, 0.25, 1); math.Abs(d-0.14434) > 1e-3 {
		t.Errorf("the truthful bid is %v away, want 0.14434", d)
	}
}
