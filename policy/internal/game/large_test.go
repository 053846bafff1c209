package game

import (
	"math"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/freightsim/freightsim/policy"
	"gonum.org/v1/gonum/stat"
)

// Known answers of the m x m market. Truthful quotes: no misreport and,
// the k-double auction being efficient when everyone is truthful, no
// inefficiency, at every M. At M = 1 it is bilateral trading: Chatterjee
// and Samuelson's linear equilibrium realises 27/32 of the first best
// (200,000 rounds: the standard error of the ratio is about 0.002, the
// tolerance 0.01 five of them).
func TestLargeKnownAnswers(t *testing.T) {
	truthful := fixedLine{0, 1}
	for _, m := range []int{1, 2, 5, 16} {
		g := Large{M: m, K: 0.5}
		mis, ineff := g.Measure(1, truthful, truthful, 2000)
		if mis != 0 || math.Abs(ineff) > 1e-12 {
			t.Errorf("M %d, truthful: misreport %v, inefficiency %v, want 0 and 0", m, mis, ineff)
		}
	}
	g := Large{M: 1, K: 0.5}
	b0, b1, a0, a1 := Bilateral{K: 0.5}.Equilibrium()
	_, ineff := g.Measure(2, fixedLine{b0, b1}, fixedLine{a0, a1}, 200000)
	if math.Abs(ineff-5.0/32) > 0.01 {
		t.Errorf("M 1 at Chatterjee-Samuelson: inefficiency %v, want 5/32 = %v", ineff, 5.0/32)
	}
}

// TestLargeMarketMisreport trains the default learner on the m x m market
// for M = 1, 2, 4, 8, 16 (4000 episodes of about 50 quotes a side, rounds
// = 50/M) over 4 seeds and fits the slopes of log misreport and log
// inefficiency against log M (issue 12: theory says -1 and -2). Measured:
// misreport 0.164, 0.119, 0.072, 0.050, 0.041, slope -0.57 (95 % CI -0.71
// to -0.43); inefficiency 0.159, 0.049, 0.012, 0.0015, 0.0007, slope -2.19
// (-2.50 to -1.87). The test checks what holds with room: the
// inefficiency slope within 0.5 of -2, and misreport at least halved from
// M = 1 to M = 16. Run it with
// FREIGHTSIM_LARGE=1 go test -run TestLargeMarketMisreport -v ./policy/internal/game
// (about 15 s on two cores).
func TestLargeMarketMisreport(t *testing.T) {
	if os.Getenv("FREIGHTSIM_LARGE") == "" {
		t.Skip("set FREIGHTSIM_LARGE=1 to train the m x m market (minutes)")
	}
	episodes := 4000
	if s := os.Getenv("FREIGHTSIM_LARGE_EPISODES"); s != "" {
		episodes, _ = strconv.Atoi(s)
	}
	ms := []int{1, 2, 4, 8, 16}
	const seeds = 4
	mis := make([][]float64, len(ms))
	ineff := make([][]float64, len(ms))
	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, 2)
	for i, m := range ms {
		mis[i], ineff[i] = make([]float64, seeds), make([]float64, seeds)
		for s := range seeds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				g := Large{M: m, K: 0.5, Rounds: max(1, 50/m)}
				nb, ns := policy.NewNatural(2, 0.2), policy.NewNatural(2, 0.2)
				x, y, err := trainLarge(t, g, s, nb, ns, episodes, 20000/m)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				mis[i][s], ineff[i][s] = x, y
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	var lx, lm, li []float64
	for i, m := range ms {
		for s := range seeds {
			lx = append(lx, math.Log(float64(m)))
			lm = append(lm, math.Log(mis[i][s]))
			li = append(li, math.Log(max(ineff[i][s], 1e-6)))
		}
		t.Logf("M %2d: misreport %.4f, inefficiency %.4f (means of %d seeds)", m, stat.Mean(mis[i], nil), stat.Mean(ineff[i], nil), seeds)
	}
	if a, b := stat.Mean(mis[0], nil), stat.Mean(mis[len(ms)-1], nil); !(b <= a/2) {
		t.Errorf("misreport %v at M = 1 and %v at M = 16: want it at least halved", a, b)
	}
	for _, c := range []struct {
		name string
		y    []float64
		want float64 // the slope checked; NaN: reported only
	}{{"misreport", lm, math.NaN()}, {"inefficiency", li, -2}} {
		alpha, beta := stat.LinearRegression(lx, c.y, nil, false)
		// Standard error of the slope.
		var sse, sxx float64
		mx := stat.Mean(lx, nil)
		for i := range lx {
			r := c.y[i] - alpha - beta*lx[i]
			sse += r * r
			sxx += (lx[i] - mx) * (lx[i] - mx)
		}
		se := math.Sqrt(sse / float64(len(lx)-2) / sxx)
		t.Logf("log %s = %.3f %+.3f log M, slope 95 %% CI %.3f to %.3f", c.name, alpha, beta, beta-2.10*se, beta+2.10*se)
		if !math.IsNaN(c.want) && math.Abs(beta-c.want) > 0.5 {
			t.Errorf("%s: slope %.3f against log M, want %v within 0.5", c.name, beta, c.want)
		}
	}
}

// trainLarge trains buyers nb and sellers ns on g for episodes episodes
// (seed 1000 M + s), measures their mean quotes over rounds rounds (seed
// s), logs the result with the learned lines and returns the misreport
// and the inefficiency.
func trainLarge(t *testing.T, g Large, s int, nb, ns *policy.Natural, episodes, rounds int) (mis, ineff float64, err error) {
	b, sl := &Gaussian{Policy: nb.Policy, Rule: nb}, &Gaussian{Policy: ns.Policy, Rule: ns}
	if err := g.Train(uint64(1000*g.M+s), b, sl, episodes); err != nil {
		return 0, 0, err
	}
	mis, ineff = g.Measure(uint64(s), b, sl, rounds)
	b0, b1 := Line(b, 0, 1)
	a0, a1 := Line(sl, 0, 1)
	t.Logf("M %2d seed %d: misreport %.4f, inefficiency %.4f, bid %.3f + %.3f v, ask %.3f + %.3f c", g.M, s, mis, ineff, b0, b1, a0, a1)
	return mis, ineff, nil
}

// TestLargeMarketVariants trains the default learner on the m x m market at
// M = 4 and 16 (seeds 0 and 1) with one setting changed at a time, and logs
// the learned lines beside the symmetric linear equilibrium
// (Large.LinearEquilibrium): what docs/EXPERIMENTS.md, "Large markets",
// reports on variants of the learner. Settings, from the environment:
// FREIGHTSIM_LARGE_EPISODES (4000), _QUOTES (quotes a side per episode,
// 50), _SIGMA (initial sigma, 0.2; the floor is 1/8 of it), _HALVING
// (updates after which the step has halved, 200; 0 keeps it constant),
// _FULL (1: the full Fisher matrix), _TRUTHFUL (1: start at bid = value,
// ask = cost instead of 0), _FLOOR (sigma's floor instead of 1/8 of the
// initial sigma), _ANNEAL_SIGMA and _ANNEAL_UPDATES (policy.Anneal: the
// floor falls from _ANNEAL_SIGMA to the policy's over that many updates).
// It checks nothing; run it with
//
//	FREIGHTSIM_LARGE=1 FREIGHTSIM_LARGE_FULL=1 go test -run TestLargeMarketVariants -v ./policy/internal/game
func TestLargeMarketVariants(t *testing.T) {
	if os.Getenv("FREIGHTSIM_LARGE") == "" {
		t.Skip("set FREIGHTSIM_LARGE=1 to train the m x m market")
	}
	env := func(k string, d float64) float64 {
		if s := os.Getenv("FREIGHTSIM_LARGE_" + k); s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("FREIGHTSIM_LARGE_%s: %v", k, err)
			}
			return v
		}
		return d
	}
	episodes, quotes, sigma, halving := int(env("EPISODES", 4000)), env("QUOTES", 50), env("SIGMA", 0.2), env("HALVING", 200)
	full, truthful, floor := env("FULL", 0) != 0, env("TRUTHFUL", 0) != 0, env("FLOOR", 0)
	anneal := policy.Anneal{Sigma: env("ANNEAL_SIGMA", 0), Updates: env("ANNEAL_UPDATES", 0)}
	if halving == 0 {
		halving = math.Inf(1)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, m := range []int{4, 16} {
		g := Large{M: m, K: 0.5, Rounds: max(1, int(quotes)/m)}
		eb, ea, err := g.LinearEquilibrium(400, 200, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		emis, _ := g.Measure(7, fixedLine{eb[0], eb[1]}, fixedLine{ea[0], ea[1]}, 40000/m)
		t.Logf("M %2d, linear equilibrium: misreport %.4f, bid %.3f + %.3f v, ask %.3f + %.3f c", m, emis, eb[0], eb[1], ea[0], ea[1])
		for s := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				nb, ns := policy.NewNatural(2, sigma), policy.NewNatural(2, sigma)
				for _, n := range []*policy.Natural{nb, ns} {
					n.Halving, n.Full, n.Anneal = halving, full, anneal
					if floor > 0 {
						n.Policy.(*policy.LinearGaussian).MinSigma = floor
					}
					if truthful {
						n.Policy.Params()[1] = 1
					}
				}
				if _, _, err := trainLarge(t, g, s, nb, ns, episodes, 40000/m); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}
