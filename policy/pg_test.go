package policy

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
)

// stubCritic predicts Slope*phi[1] and records what it was fitted on.
type stubCritic struct {
	Slope  float64
	fitted []float64
}

func (c *stubCritic) Value(phi []float64) float64 { return c.Slope * phi[1] }
func (c *stubCritic) Fit(b *Batch, returns []float64) {
	c.fitted = append(c.fitted[:0], returns...)
}

// handBatch is the batch of the hand-computed updates below: two decisions
// of one trajectory in one group, both drawn around mu = 1 with sigma = 2
// by a policy with theta = (1, 0).
func handBatch(r0, r1 float64, trajectories int) *Batch {
	b := NewBatch(2)
	b.Add([]float64{1, 0.5}, 3, 1, 2, r0, 0) // a - mu = 2,  z² = 1
	b.Add([]float64{1, 1}, 0, 1, 2, r1, 0)   // a - mu = -1, z² = 1/4
	b.Trajectories = trajectories
	return b
}

// TestPGUpdateByHand checks one SGD step (LR 1) against the gradient worked
// out by hand: with advantages (adv0, adv1) and N trajectories,
//
//	d/dtheta = (1/N) [adv0 * 2/4 * (1, 0.5) + adv1 * (-1/4) * (1, 1)]
//	d/dc     = (1/N) [adv0 * (1 - 1)         + adv1 * (1/4 - 1)]
//
// plus Entropy/D * 2 decisions on d/dc.
func TestPGUpdateByHand(t *testing.T) {
	grad := func(adv0, adv1, n float64) []float64 {
		return []float64{
			(adv0*0.5 - adv1*0.25) / n,
			(adv0*0.25 - adv1*0.25) / n,
			(adv1 * -0.75) / n,
		}
	}
	uNeg, uPos := 1-math.E, 1-1/math.E // u(-1) and u(1) with lambda = 1
	for _, c := range []struct {
		name   string
		pg     PG
		b      *Batch
		want   []float64 // the gradient, so the change of (theta0, theta1, c)
		fitted []float64 // what a stub critic must have been fitted on
	}{
		{"no baseline", PG{}, handBatch(-1, 1, 1), grad(-1, 1, 1), nil},
		{"no baseline, uncentred returns", PG{}, handBatch(-2, 0, 1), grad(-2, 0, 1), nil},
		{"group baseline centres returns", PG{Baseline: BaselineGroup}, handBatch(-2, 0, 1), grad(-1, 1, 1), nil},
		{"divided by trajectories", PG{}, handBatch(-1, 1, 2), grad(-1, 1, 2), nil},
		{"normalised by the sd of (-2, 2)", PG{Normalize: true}, handBatch(-2, 2, 1), grad(-1, 1, 1), nil},
		{"entropy bonus 0.4 on log sigma", PG{Entropy: 0.4}, handBatch(-1, 1, 1), floats.AddTo(make([]float64, 3), grad(-1, 1, 1), []float64{0, 0, 0.4}), nil},
		{"risk-averse utility", PG{Utility: Utility{Lambda: 1}}, handBatch(-1, 1, 1), grad(uNeg, uPos, 1), nil},
		{"critic sees utilities", PG{Baseline: BaselineCritic, Critic: &stubCritic{Slope: 0.5}, Utility: Utility{Lambda: 1}},
			handBatch(-1, 1, 1), grad(uNeg-0.25, uPos-0.5, 1), []float64{uNeg, uPos}},
	} {
		p := NewLinearGaussian(2, 2, false)
		p.SetMeanOffset(1)
		before := append([]float64(nil), p.Params()...)
		pg := c.pg
		pg.Policy, pg.Opt = p, SGD{LR: 1}
		st, err := pg.Update(c.b)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i, w := range c.want {
			if got := p.Params()[i] - before[i]; !scalar.EqualWithinAbs(got, w, exact) {
				t.Errorf("%s: parameter %d moved by %v, want %v", c.name, i, got, w)
			}
		}
		if !scalar.EqualWithinAbs(st.GradNorm, floats.Norm(c.want, 2), exact) {
			t.Errorf("%s: Stats.GradNorm %v, want %v", c.name, st.GradNorm, floats.Norm(c.want, 2))
		}
		if h := 0.5 * math.Log(2*math.Pi*math.E*4); !scalar.EqualWithinAbs(st.Entropy, h, exact) {
			t.Errorf("%s: Stats.Entropy %v, want the entropy at sigma 2, %v", c.name, st.Entropy, h)
		}
		if st.Decisions != 2 || st.Trajectories != c.b.Trajectories {
			t.Errorf("%s: Stats counts %d decisions and %d trajectories, want 2 and %d", c.name, st.Decisions, st.Trajectories, c.b.Trajectories)
		}
		if want := (c.b.Return[0] + c.b.Return[1]) / 2; st.MeanReturn != want {
			t.Errorf("%s: Stats.MeanReturn %v, want %v (before the utility)", c.name, st.MeanReturn, want)
		}
		if c.fitted != nil {
			got := c.pg.Critic.(*stubCritic).fitted
			if !floats.EqualApprox(got, c.fitted, exact) {
				t.Errorf("%s: critic fitted on %v, want the utilities %v", c.name, got, c.fitted)
			}
		}
	}
}

// banditEpisode fills b with k one-decision trajectories of the contextual
// bandit: x ~ U(0, 1), features (1, x), reward -(a - best(x))², best(x) = 2 + 3x.
func banditEpisode(p Gaussian, rng *rand.Rand, b *Batch, k int) {
	b.Reset()
	phi := make([]float64, 2)
	for range k {
		x := rng.Float64()
		phi[0], phi[1] = 1, x
		a, mu, s := Sample(p, rng, phi)
		d := a - 2 - 3*x
		b.Add(phi, a, mu, s, -d*d, 0)
		b.EndTrajectory()
	}
}

func trainBandit(t *testing.T, pg *PG, rng *rand.Rand, episodes int) {
	t.Helper()
	b := NewBatch(pg.Policy.Dim())
	for e := range episodes {
		banditEpisode(pg.Policy, rng, b, 50)
		if _, err := pg.Update(b); err != nil {
			t.Fatalf("episode %d: %v", e, err)
		}
	}
}

// TestPGLearnsABandit trains each kind of learner on the contextual bandit
// from N(0, 2²) for 2000 episodes of 50 decisions. The floor MinSigma = 0.05
// keeps every learner exploring: without it Adam drives log sigma down at
// its full step size and an MLP can freeze before its mean arrives.
// Tolerances: over seeds 0..9 the linear learners end within 0.05 of
// best(x) and the MLPs within 0.15; 0.1 and 0.3 leave room, while a sign
// error in a gradient sends the mean away from best(x), which spans 2..5.
func TestPGLearnsABandit(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(rng *rand.Rand) *PG
		tol  float64
	}{
		{"linear, Adam, group baseline", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(2, 2, false), Opt: &Adam{LR: 0.02}, Baseline: BaselineGroup, Normalize: true}
		}, 0.1},
		{"linear, Adam, no baseline", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(2, 2, false), Opt: &Adam{LR: 0.02}, Normalize: true}
		}, 0.1},
		{"linear, Adam, linear critic", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(2, 2, false), Opt: &Adam{LR: 0.02}, Baseline: BaselineCritic, Critic: NewLinearCritic(2), Normalize: true}
		}, 0.1},
		{"linear state sigma, Adam, group baseline", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(2, 2, true), Opt: &Adam{LR: 0.02}, Baseline: BaselineGroup, Normalize: true}
		}, 0.1},
		{"mlp 16, Adam, group baseline", func(rng *rand.Rand) *PG {
			return &PG{Policy: NewMLPGaussian(rng, 2, []int{16}, 2, false), Opt: &Adam{LR: 0.02}, Baseline: BaselineGroup, Normalize: true}
		}, 0.3},
		{"mlp 8-8 state sigma, Adam, mlp critic", func(rng *rand.Rand) *PG {
			return &PG{Policy: NewMLPGaussian(rng, 2, []int{8, 8}, 2, true), Opt: &Adam{LR: 0.02}, Baseline: BaselineCritic, Critic: NewMLPCritic(rng, 2, []int{16}), Normalize: true}
		}, 0.3},
	} {
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed, 1))
			pg := c.make(rng)
			switch p := pg.Policy.(type) {
			case *LinearGaussian:
				p.MinSigma = 0.05
			case *MLPGaussian:
				p.MinSigma = 0.05
			}
			trainBandit(t, pg, rng, 2000)
			for _, x := range []float64{0, 0.5, 1} {
				mu, sigma := pg.Policy.Dist([]float64{1, x})
				if best := 2 + 3*x; math.Abs(mu-best) > c.tol {
					t.Errorf("%s, seed %d: mean at x = %v is %v, want the best action %v within %v", c.name, seed, x, mu, best, c.tol)
				}
				if sigma > 0.5 {
					t.Errorf("%s, seed %d: sigma at x = %v is %v, want it shrunk from 2 to below 0.5", c.name, seed, x, sigma)
				}
			}
		}
	}
}

// TestPGEntropyKeepsSigma trains with and without an entropy bonus. Without
// normalisation the objective per decision is -(mu - best)² - sigma² +
// beta*log sigma, maximised at sigma = sqrt(beta/2): 0.5 for beta = 0.5.
// Without the bonus sigma keeps shrinking (to about 0.09 here). The bound
// ±0.1 around 0.5 allows for Adam's jitter.
func TestPGEntropyKeepsSigma(t *testing.T) {
	for seed := range uint64(3) {
		var sigma [2]float64
		for i, beta := range []float64{0, 0.5} {
			rng := rand.New(rand.NewPCG(seed, 1))
			pg := &PG{Policy: NewLinearGaussian(2, 2, false), Opt: &Adam{LR: 0.02}, Baseline: BaselineGroup, Entropy: beta}
			trainBandit(t, pg, rng, 2000)
			_, sigma[i] = pg.Policy.Dist([]float64{1, 0.5})
		}
		if !(sigma[1] > sigma[0]) {
			t.Errorf("seed %d: sigma %v with entropy bonus 0.5, %v without: want strictly higher with it", seed, sigma[1], sigma[0])
		}
		if math.Abs(sigma[1]-0.5) > 0.1 {
			t.Errorf("seed %d: sigma %v with entropy bonus 0.5, want the optimum sqrt(0.5/2) = 0.5 within 0.1", seed, sigma[1])
		}
		if sigma[0] > 0.2 {
			t.Errorf("seed %d: sigma %v without entropy bonus, want it below 0.2", seed, sigma[0])
		}
	}
}

func TestPGClipBoundsTheStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, clip := range []float64{0.01, 0.5, 3} {
		p := NewLinearGaussian(2, 2, true)
		pg := &PG{Policy: p, Opt: SGD{LR: 1}, ClipNorm: clip}
		b := NewBatch(2)
		for range 20 {
			banditEpisode(p, rng, b, 10)
			before := append([]float64(nil), p.Params()...)
			st, err := pg.Update(b)
			if err != nil {
				t.Fatal(err)
			}
			step := floats.Distance(p.Params(), before, 2)
			// SGD with LR 1 moves by exactly the clipped gradient: its norm
			// is min(GradNorm, clip), up to rounding (1e-12 relative).
			want := math.Min(st.GradNorm, clip)
			if !scalar.EqualWithinRel(step, want, 1e-12) {
				t.Fatalf("clip %v: step of norm %v for a gradient of norm %v, want %v", clip, step, st.GradNorm, want)
			}
		}
	}
}

func TestPGRejectsNonFiniteInput(t *testing.T) {
	for _, c := range []struct {
		name   string
		ret, a float64
		lr     float64
	}{
		{"NaN return", math.NaN(), 3, 1},
		{"infinite return", math.Inf(-1), 3, 1},
		{"NaN action", -1, math.NaN(), 1},
		{"step to infinity", -1, 3, math.Inf(1)},
	} {
		p := NewLinearGaussian(2, 2, false)
		before := append([]float64(nil), p.Params()...)
		b := handBatch(c.ret, 1, 1)
		b.Action[0] = c.a
		pg := &PG{Policy: p, Opt: SGD{LR: c.lr}, Baseline: BaselineCritic, Critic: NewLinearCritic(2)}
		_, err := pg.Update(b)
		if !errors.Is(err, ErrDiverged) {
			t.Errorf("%s: Update returned %v, want an error wrapping ErrDiverged", c.name, err)
			continue
		}
		if c.lr == 1 && !floats.Equal(p.Params(), before) {
			t.Errorf("%s: parameters changed from %v to %v on a rejected batch", c.name, before, p.Params())
		}
	}
}

func TestPGEmptyBatchChangesNothing(t *testing.T) {
	p := NewLinearGaussian(2, 2, false)
	pg := &PG{Policy: p, Opt: SGD{LR: 1}}
	b := handBatch(-1, 1, 0) // decisions but no completed trajectory
	st, err := pg.Update(b)
	if err != nil || p.Params()[0] != 0 || p.Params()[1] != 0 || st.GradNorm != 0 {
		t.Errorf("Update without a completed trajectory: err %v, parameters %v, stats %+v; want nothing to change", err, p.Params(), st)
	}
}

func TestPGValidate(t *testing.T) {
	p, o := NewLinearGaussian(1, 1, false), SGD{LR: 1}
	for _, c := range []struct {
		name string
		pg   PG
		ok   bool
	}{
		{"complete", PG{Policy: p, Opt: o, Entropy: 0.01, ClipNorm: 1, Utility: Utility{Lambda: -0.1}}, true},
		{"no policy", PG{Opt: o}, false},
		{"no optimiser", PG{Policy: p}, false},
		{"critic baseline without critic", PG{Policy: p, Opt: o, Baseline: BaselineCritic}, false},
		{"unknown baseline", PG{Policy: p, Opt: o, Baseline: 7}, false},
		{"negative entropy", PG{Policy: p, Opt: o, Entropy: -1}, false},
		{"NaN clip", PG{Policy: p, Opt: o, ClipNorm: math.NaN()}, false},
		{"infinite lambda", PG{Policy: p, Opt: o, Utility: Utility{Lambda: math.Inf(1)}}, false},
	} {
		if err := c.pg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate returned %v, want ok = %v", c.name, err, c.ok)
		}
	}
}

func TestBaselineKindText(t *testing.T) {
	for _, k := range []BaselineKind{BaselineNone, BaselineGroup, BaselineCritic} {
		text, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back BaselineKind
		if err := back.UnmarshalText(text); err != nil || back != k {
			t.Errorf("baseline %v encodes as %q, which decodes to %v (err %v)", k, text, back, err)
		}
	}
	var k BaselineKind
	if err := k.UnmarshalText([]byte("mean")); err == nil {
		t.Errorf("UnmarshalText accepted the unknown baseline \"mean\"")
	}
}

func TestPGUpdateDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct {
		name string
		pg   *PG
	}{
		{"linear, Adam, group, entropy, clip", &PG{Policy: NewLinearGaussian(2, 1, true), Opt: &Adam{LR: 1e-3}, Baseline: BaselineGroup, Entropy: 0.01, ClipNorm: 1, Normalize: true}},
		{"mlp, Adam, linear critic, utility", &PG{Policy: NewMLPGaussian(rng, 2, []int{8, 8}, 1, true), Opt: &Adam{LR: 1e-3}, Baseline: BaselineCritic, Critic: NewLinearCritic(2), Utility: Utility{Lambda: 0.1}}},
		{"mlp, SGD, mlp critic", &PG{Policy: NewMLPGaussian(rng, 2, []int{8}, 1, false), Opt: SGD{LR: 1e-3}, Baseline: BaselineCritic, Critic: NewMLPCritic(rng, 2, []int{8})}},
	} {
		b := NewBatch(2)
		banditEpisode(c.pg.Policy, rng, b, 100)
		if _, err := c.pg.Update(b); err != nil { // warm up the buffers
			t.Fatal(err)
		}
		n := testing.AllocsPerRun(50, func() {
			if _, err := c.pg.Update(b); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("%s: Update allocates %v times per call, want 0", c.name, n)
		}
	}
}

// Batch.Ends records where each trajectory ends, and Reset forgets them.
func TestBatchEnds(t *testing.T) {
	b := NewBatch(1)
	for _, n := range []int{2, 1, 3} {
		for range n {
			b.Add([]float64{1}, 0, 0, 1, 0, 0)
		}
		b.EndTrajectory()
	}
	if got := b.Ends; len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 6 || b.Trajectories != 3 {
		t.Errorf("ends %v after trajectories of 2, 1 and 3 decisions, want [2 3 6]", got)
	}
	b.Reset()
	if len(b.Ends) != 0 || b.Trajectories != 0 {
		t.Errorf("Reset left ends %v", b.Ends)
	}
}
