package policy

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// exact is the tolerance for values computed by hand in the same order of
// operations as the code: a few ulps.
const exact = 1e-12

func TestBaselineScales(t *testing.T) {
	b := NewBatch(1)
	// Group 0: returns 1, 3 (mean 2, sum of squares 2). Group 2: one return 5.
	b.Add([]float64{1}, 0, 0, 1, 1, 0)
	b.Add([]float64{1}, 0, 0, 1, 3, 0)
	b.Add([]float64{1}, 0, 0, 1, 5, 2)
	for _, c := range []struct {
		compat bool
		scale0 float64
	}{
		{true, math.Sqrt(2) / 2}, // P2 quirk (b): sqrt(sum)/n
		{false, 1},               // population sd: sqrt(2/2)
	} {
		var bl Baseline
		bl.Fit(b, c.compat)
		if bl.Mean[0] != 2 || bl.Mean[2] != 5 {
			t.Errorf("compat=%v: group means %v, want [2 _ 5]", c.compat, bl.Mean)
		}
		if !scalar.EqualWithinAbs(bl.Scale[0], c.scale0, exact) {
			t.Errorf("compat=%v: group 0 scale %v, want %v", c.compat, bl.Scale[0], c.scale0)
		}
		if bl.Scale[1] != 1 || bl.Count[1] != 0 {
			t.Errorf("compat=%v: empty group 1 has scale %v and count %d, want 1 and 0", c.compat, bl.Scale[1], bl.Count[1])
		}
		if bl.Scale[2] != 1 {
			t.Errorf("compat=%v: group 2 has a single return, so zero spread, so scale 1; got %v", c.compat, bl.Scale[2])
		}
	}
}

// twoDecisions is a batch worked through by hand below: one trajectory, two
// decisions in one group with returns -1 and +1 (mean 0).
func twoDecisions() *Batch {
	b := NewBatch(2)
	b.Add([]float64{1, 0.5}, 3, 1, 2, -1, 0) // a - mu = 2
	b.Add([]float64{1, 1}, 0, 1, 2, 1, 0)    // a - mu = -1
	b.EndTrajectory()
	return b
}

func TestReinforceCompatIsSequential(t *testing.T) {
	p := &Linear{Theta: []float64{1, 0}, Sigma: 2}
	r := Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, Compat: true}
	if err := r.Update(p, twoDecisions()); err != nil {
		t.Fatal(err)
	}
	// Scale (quirk b): sqrt(1+1)/2 = 1/sqrt2, so advantages are -sqrt2 and +sqrt2.
	adv := math.Sqrt2
	theta := []float64{1, 0}
	sigma := 2.0
	// Decision 1: a - mu = 2, sigma_d = 2, advantage -adv.
	c := 0.1 * sigma * sigma * 2 / 4 * -adv
	theta[0] += c * 1
	theta[1] += c * 0.5
	sigma += 0.01 * sigma * sigma * -adv * (4 - sigma*sigma) / (sigma * sigma * sigma)
	// Decision 2 sees the new sigma (quirk c): a - mu = -1, sigma_d = 2.
	c = 0.1 * sigma * sigma * -1 / 4 * adv
	theta[0] += c * 1
	theta[1] += c * 1
	sigma += 0.01 * sigma * sigma * adv * (1 - sigma*sigma) / (sigma * sigma * sigma)

	for f := range theta {
		if !scalar.EqualWithinAbs(p.Theta[f], theta[f], exact) {
			t.Errorf("theta[%d] = %v, want %v", f, p.Theta[f], theta[f])
		}
	}
	if !scalar.EqualWithinAbs(p.Sigma, sigma, exact) {
		t.Errorf("sigma = %v, want %v", p.Sigma, sigma)
	}
}

func TestReinforceCorrectedIsOneBatchStep(t *testing.T) {
	p := &Linear{Theta: []float64{1, 0}, Sigma: 2}
	r := Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, MinSigma: 0.5}
	if err := r.Update(p, twoDecisions()); err != nil {
		t.Fatal(err)
	}
	// Population sd of (-1, 1) is 1: advantages -1 and +1. sigma stays 2 throughout.
	// theta step: 0.1 * [(2)(1,0.5)(-1) + (-1)(1,1)(+1)] = 0.1 * (-3, -2)
	want := []float64{1 - 0.3, -0.2}
	// sigma step: 0.01 * 4 * [(-1)(4-4)/8 + (1)(1-4)/8] = -0.015
	wantSigma := 2 - 0.015
	for f := range want {
		if !scalar.EqualWithinAbs(p.Theta[f], want[f], exact) {
			t.Errorf("theta[%d] = %v, want %v", f, p.Theta[f], want[f])
		}
	}
	if !scalar.EqualWithinAbs(p.Sigma, wantSigma, exact) {
		t.Errorf("sigma = %v, want %v", p.Sigma, wantSigma)
	}
}

func TestReinforceFloorsSigmaOnlyWhenCorrected(t *testing.T) {
	for _, compat := range []bool{false, true} {
		p := &Linear{Theta: []float64{0}, Sigma: 1}
		b := NewBatch(1)
		// Actions far closer to the mean than sigma, with positive advantage,
		// pull sigma down hard.
		b.Add([]float64{1}, 0, 0, 1, 1, 0)
		b.Add([]float64{1}, 5, 0, 1, -1, 0)
		b.EndTrajectory()
		r := Reinforce{AlphaMu: 0, AlphaSigma: 10, MinSigma: 0.25, Compat: compat}
		err := r.Update(p, b)
		if compat {
			if !errors.Is(err, ErrDiverged) {
				t.Errorf("compat: sigma %v after a huge step, want an ErrDiverged error, got %v", p.Sigma, err)
			}
			continue
		}
		if err != nil || p.Sigma != 0.25 {
			t.Errorf("corrected: sigma %v (err %v), want it held at the floor 0.25", p.Sigma, err)
		}
	}
}

func TestReinforceEmptyBatchChangesNothing(t *testing.T) {
	p := &Linear{Theta: []float64{1, 2}, Sigma: 3}
	b := NewBatch(2)
	b.Add([]float64{1, 1}, 5, 3, 3, -10, 0) // a decision but no completed trajectory
	r := Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01}
	if err := r.Update(p, b); err != nil {
		t.Fatal(err)
	}
	if p.Theta[0] != 1 || p.Theta[1] != 2 || p.Sigma != 3 {
		t.Errorf("policy changed to %v, %v without a completed trajectory", p.Theta, p.Sigma)
	}
}

// TestReinforceLearnsABandit trains a policy on a contextual bandit whose
// best action is 2 + 3x: reward -(a - 2 - 3x)². Both update forms must find
// it; a sign or scaling error in the update does not.
func TestReinforceLearnsABandit(t *testing.T) {
	for _, compat := range []bool{true, false} {
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed, 11))
			p := NewLinear(2, 2)
			r := Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, Compat: compat, MinSigma: 0.01}
			b := NewBatch(2)
			for range 3000 {
				b.Reset()
				for range 20 {
					x := rng.Float64()
					phi := []float64{1, x}
					a, mu := p.Sample(rng, phi)
					d := a - 2 - 3*x
					b.Add(phi, a, mu, p.Sigma, -d*d, 0)
					b.EndTrajectory()
				}
				if err := r.Update(p, b); err != nil {
					t.Fatalf("compat=%v seed %d: %v", compat, seed, err)
				}
			}
			// Tolerance 0.15: after 3000 updates the weights sit within a few
			// hundredths of (2, 3) for these seeds; a wrong sign leaves them far away.
			if math.Abs(p.Theta[0]-2) > 0.15 || math.Abs(p.Theta[1]-3) > 0.15 {
				t.Errorf("compat=%v seed %d: learned theta %v, want about (2, 3)", compat, seed, p.Theta)
			}
			if p.Sigma > 1 {
				t.Errorf("compat=%v seed %d: sigma %v did not shrink from 2", compat, seed, p.Sigma)
			}
		}
	}
}

func TestReinforceUpdateDoesNotAllocate(t *testing.T) {
	p := NewLinear(8, 10)
	b := NewBatch(8)
	phi := make([]float64, 8)
	for i := range 100 {
		phi[i%8] = float64(i)
		b.Add(phi, float64(i), 0, 10, float64(-i), i%6)
		b.EndTrajectory()
	}
	for _, compat := range []bool{true, false} {
		r := Reinforce{AlphaMu: 1e-6, AlphaSigma: 1e-6, Compat: compat}
		_ = r.Update(p, b) // warm up buffers
		if n := testing.AllocsPerRun(100, func() { _ = r.Update(p, b) }); n != 0 {
			t.Errorf("compat=%v: Update allocates %v times per call, want 0", compat, n)
		}
	}
}

func TestReinforceValidate(t *testing.T) {
	for _, r := range []Reinforce{{AlphaMu: -1}, {AlphaSigma: math.NaN()}, {MinSigma: math.Inf(1)}} {
		if r.Validate() == nil {
			t.Errorf("Validate(%+v) accepted a bad value", r)
		}
	}
	if err := (&Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01}).Validate(); err != nil {
		t.Errorf("Validate rejected P2's step sizes: %v", err)
	}
}

// TestUpdateRowsSameAsUpdate: decisions left in rows of their own order,
// visited through Order, give Update's step from a Batch holding them in
// that order, bit for bit, sequential (Compat) and batched.
func TestUpdateRowsSameAsUpdate(t *testing.T) {
	const dim, n = 3, 40
	for _, compat := range []bool{true, false} {
		rng := rand.New(rand.NewPCG(5, 6))
		rows := Rows{Phi: make([]float64, n*dim), Action: make([]float64, n), Mean: make([]float64, n), Sigma: make([]float64, n), Return: make([]float64, n), Group: make([]int, n)}
		for i := range n {
			for f := range dim {
				rows.Phi[i*dim+f] = rng.NormFloat64()
			}
			rows.Action[i], rows.Mean[i], rows.Sigma[i] = 10*rng.NormFloat64(), rng.NormFloat64(), 1+rng.Float64()
			rows.Return[i], rows.Group[i] = -20*rng.Float64(), rng.IntN(4)
		}
		rows.Order, rows.Trajectories = rng.Perm(n)[:n-5], 7 // some rows unvisited
		b := NewBatch(dim)
		for _, i := range rows.Order {
			b.Add(rows.Phi[i*dim:(i+1)*dim], rows.Action[i], rows.Mean[i], rows.Sigma[i], rows.Return[i], rows.Group[i])
		}
		b.Trajectories = rows.Trajectories
		p, q := NewLinear(dim, 2), NewLinear(dim, 2)
		r1 := Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, Compat: compat, MinSigma: 0.01}
		r2 := r1
		if err := r1.Update(p, b); err != nil {
			t.Fatal(err)
		}
		if err := r2.UpdateRows(q, &rows); err != nil {
			t.Fatal(err)
		}
		for f := range dim {
			if math.Float64bits(p.Theta[f]) != math.Float64bits(q.Theta[f]) {
				t.Errorf("compat %v: theta[%d] %v by Update, %v by UpdateRows", compat, f, p.Theta[f], q.Theta[f])
			}
		}
		if math.Float64bits(p.Sigma) != math.Float64bits(q.Sigma) || p.Sigma == 2 {
			t.Errorf("compat %v: sigma %v by Update, %v by UpdateRows (must be the same bits, moved from 2)", compat, p.Sigma, q.Sigma)
		}
	}
}
