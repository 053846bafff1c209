package game

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Bilateral is the bilateral k-double auction: each round a buyer (the
// shipper) with value v and a seller (the carrier) with cost c, both
// uniform on [0, 1] and private, quote at once from features (1, v) and
// (1, c); if bid >= ask the job ships at k*bid + (1-k)*ask, the buyer gains
// v - price and the seller price - c; otherwise both gain 0. Each round is
// one trajectory of one decision per side (a job with due 0, as in the
// bilateral preset), and both sides update once per episode of Rounds
// rounds.
//
// Scale, if set, is the unit of money: values and costs are uniform on
// [0, Scale] and the features are (1, v/Scale) and (1, c/Scale), as package
// agents scales them, so that a scale-free learner learns Scale times the
// same coefficients.
type Bilateral struct {
	K      float64 // weight of the bid in the price
	Rounds int     // rounds per episode (the preset: 50)
	Scale  float64 // unit of money; 0 means 1
}

func (g Bilateral) scale() float64 {
	if g.Scale == 0 {
		return 1
	}
	return g.Scale
}

// Equilibrium returns the linear Bayesian equilibrium of Chatterjee and
// Samuelson (1983) for Scale 1: bid = b0 + b1*v and ask = a0 + a1*c.
func (g Bilateral) Equilibrium() (b0, b1, a0, a1 float64) {
	k := g.K
	return k * (1 - k) / (2 * (1 + k)), 1 / (1 + k), (1 - k) / 2, 1 / (2 - k)
}

// EquilibriumEfficiency is the share of the first-best gains from trade
// (1/6 a round) that the linear equilibrium realises (27/32 at k = 1/2).
// Trade happens iff c <= t(v) = (b0 - a0 + b1*v)/a1; the gains are
// integrated exactly in c and by the midpoint rule in v (error below 1e-8).
func (g Bilateral) EquilibriumEfficiency() float64 {
	b0, b1, a0, a1 := g.Equilibrium()
	const n = 20000
	var gains float64
	for i := range n {
		v := (float64(i) + 0.5) / n
		t := min(max((b0-a0+b1*v)/a1, 0), 1)
		gains += (v*t - t*t/2) / n
	}
	return gains / (1.0 / 6)
}

// Stream roles of a run: nature draws values and costs, each side its noise.
const (
	roleNature = iota
	roleBuyer
	roleSeller
)

// Train plays episodes of the game, each followed by both sides' updates,
// with streams derived from seed. It returns the first update error.
func (g Bilateral) Train(seed uint64, buyer, seller Agent, episodes int) error {
	r := g.Start(seed, buyer, seller)
	for ep := range episodes {
		if err := r.Episode(); err != nil {
			return fmt.Errorf("episode %d: %w", ep, err)
		}
	}
	return nil
}

// BilateralRun is a training run of a [Bilateral] game, episode by episode.
type BilateralRun struct {
	g             Bilateral
	buyer, seller Agent
	nature        *rand.Rand
	rb, rs        *rand.Rand
	bb, bs        *policy.Batch
	phiB, phiS    []float64
}

// Start begins a training run with streams derived from seed.
func (g Bilateral) Start(seed uint64, buyer, seller Agent) *BilateralRun {
	return &BilateralRun{
		g: g, buyer: buyer, seller: seller,
		nature: rand.New(rand.NewPCG(seed, roleNature)),
		rb:     rand.New(rand.NewPCG(seed, roleBuyer)),
		rs:     rand.New(rand.NewPCG(seed, roleSeller)),
		bb:     policy.NewBatch(2), bs: policy.NewBatch(2),
		phiB: []float64{1, 0}, phiS: []float64{1, 0},
	}
}

// Episode plays one episode and applies both sides' updates.
func (r *BilateralRun) Episode() error {
	g, m := r.g, r.g.scale()
	r.bb.Reset()
	r.bs.Reset()
	for range g.Rounds {
		v, c := m*r.nature.Float64(), m*r.nature.Float64()
		r.phiB[1], r.phiS[1] = v/m, c/m
		bid, mb, sb := r.buyer.Quote(r.rb, r.phiB)
		ask, ms, ss := r.seller.Quote(r.rs, r.phiS)
		var gb, gs float64
		if bid >= ask {
			p := g.K*bid + (1-g.K)*ask
			gb, gs = v-p, p-c
		}
		r.bb.Add(r.phiB, bid, mb, sb, gb, 0)
		r.bb.EndTrajectory()
		r.bs.Add(r.phiS, ask, ms, ss, gs, 0)
		r.bs.EndTrajectory()
	}
	if err := r.buyer.Update(r.bb); err != nil {
		return fmt.Errorf("buyer: %w", err)
	}
	if err := r.seller.Update(r.bs); err != nil {
		return fmt.Errorf("seller: %w", err)
	}
	return nil
}

// Efficiency plays rounds rounds with the stochastic policies, learning
// nothing, and returns the realised gains from trade over the first-best
// gains (what freightsim's evaluations report).
func (g Bilateral) Efficiency(seed uint64, buyer, seller Agent, rounds int) float64 {
	nature := rand.New(rand.NewPCG(seed, roleNature))
	rb := rand.New(rand.NewPCG(seed, roleBuyer))
	rs := rand.New(rand.NewPCG(seed, roleSeller))
	phiB, phiS := []float64{1, 0}, []float64{1, 0}
	var got, best float64
	m := g.scale()
	for range rounds {
		v, c := m*nature.Float64(), m*nature.Float64()
		phiB[1], phiS[1] = v/m, c/m
		bid, _, _ := buyer.Quote(rb, phiB)
		ask, _, _ := seller.Quote(rs, phiS)
		if bid >= ask {
			got += v - c
		}
		best += max(v-c, 0)
	}
	return got / best
}

// Line fits the mean price of a to b0 + b1*x by least squares over the
// feature x in [lo, hi] (a grid of 201 points), with features (1, x): the
// coefficients of a linear policy exactly, and the best line through any
// other.
func Line(a Agent, lo, hi float64) (b0, b1 float64) {
	const n = 201
	var sx, sy, sxx, sxy float64
	phi := []float64{1, 0}
	for i := range n {
		x := lo + (hi-lo)*float64(i)/(n-1)
		phi[1] = x
		y := a.Mean(phi)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	b1 = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	b0 = (sy - b1*sx) / n
	return b0, b1
}

// Distance is the root mean square, over the feature x in [lo, hi] (a grid
// of 201 points), of the difference between a's mean price at features
// (1, x) and f(x): the L2 distance of a learned strategy to a closed form.
func Distance(a Agent, f func(x float64) float64, lo, hi float64) float64 {
	const n = 201
	phi := []float64{1, 0}
	var ss float64
	for i := range n {
		x := lo + (hi-lo)*float64(i)/(n-1)
		phi[1] = x
		d := a.Mean(phi) - f(x)
		ss += d * d
	}
	return math.Sqrt(ss / n)
}
