package game

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Job is one job of the [Freight] market: the shipper's value of shipping
// it and the carrier's cost of carrying it (cost rate * volume * distance).
type Job struct {
	Volume      int
	Value, Cost float64
}

// Freight is the deterministic market of the strategic-bidding-deterministic
// preset: every epoch the same jobs arrive, each with one chance to ship;
// the shipper bids and the carrier asks for each, from the features (bias,
// reservation, cost, volume), the money ones divided by the price scale
// Money and the volume by the largest volume; a job ships iff bid >= ask
// (the truck's capacity does not bind: the preset's 80 units exceed the 50
// that arrive, so the knapsack broker ships every crossing job), the shipper
// pays its bid, the carrier receives its ask, and the broker keeps the
// spread. Each job is a one-decision trajectory per side; both update once
// per episode of Epochs epochs.
type Freight struct {
	Jobs   []Job
	Epochs int
	Money  float64 // price scale of the features
}

// P1Deterministic returns the preset's market: four jobs (values 120, 150,
// 90, 100; costs 50, 60, 50, 120), 20 epochs, price scale 200.
func P1Deterministic() Freight {
	return Freight{
		Jobs: []Job{
			{Volume: 10, Value: 120, Cost: 50},
			{Volume: 20, Value: 150, Cost: 60},
			{Volume: 5, Value: 90, Cost: 50},
			{Volume: 15, Value: 100, Cost: 120},
		},
		Epochs: 20,
		Money:  200,
	}
}

// Features writes job j's features.
func (f Freight) Features(dst []float64, j Job) {
	vmax := 0
	for _, x := range f.Jobs {
		vmax = max(vmax, x.Volume)
	}
	dst[0], dst[1], dst[2], dst[3] = 1, j.Value/f.Money, j.Cost/f.Money, float64(j.Volume)/float64(vmax)
}

// Train plays episodes, each followed by both sides' updates.
func (f Freight) Train(seed uint64, shipper, carrier Agent, episodes int) error {
	rs := rand.New(rand.NewPCG(seed, roleBuyer))
	rc := rand.New(rand.NewPCG(seed, roleSeller))
	bs, bc := policy.NewBatch(4), policy.NewBatch(4)
	phi := make([]float64, 4)
	for ep := range episodes {
		bs.Reset()
		bc.Reset()
		for range f.Epochs {
			for _, j := range f.Jobs {
				f.Features(phi, j)
				bid, mb, sb := shipper.Quote(rs, phi)
				ask, mc, sc := carrier.Quote(rc, phi)
				var gs, gc float64
				if bid >= ask {
					gs, gc = j.Value-bid, ask-j.Cost
				}
				bs.Add(phi, bid, mb, sb, gs, 0)
				bs.EndTrajectory()
				bc.Add(phi, ask, mc, sc, gc, 0)
				bc.EndTrajectory()
			}
		}
		if err := shipper.Update(bs); err != nil {
			return fmt.Errorf("shipper, episode %d: %w", ep, err)
		}
		if err := carrier.Update(bc); err != nil {
			return fmt.Errorf("carrier, episode %d: %w", ep, err)
		}
	}
	return nil
}

// Outcome is what the learned quotes of a [Freight] market give, computed
// exactly from the Gaussian quotes N(mu, sigma²) of each side.
type Outcome struct {
	Adherence float64 // 1 - NashConv / first-best gains, clipped to [0, 1]
	Trade     float64 // mean probability that a job worth shipping ships
	Wrong     float64 // probability that the job not worth shipping ships (mean over such jobs)
	Bids      []float64
	Asks      []float64
}

// Evaluate measures the learned quotes: for each job the mean and standard
// deviation of the bid and the ask, each side's expected gain, and its best
// response to the other side's quote distribution over deterministic
// prices (searched on a grid of 4001 prices between 0 and 1.5 times the
// largest value, then refined). NashConv is the sum over jobs and sides of
// best-response gain minus learned gain; adherence divides it by the
// first-best gains per epoch (freightsim's definition, here with the best
// response of each job priced on its own, which a linear policy on these
// four features can represent).
func (f Freight) Evaluate(shipper, carrier Agent, sigmaS, sigmaC func(phi []float64) float64) Outcome {
	var out Outcome
	phi := make([]float64, 4)
	var nashConv, best float64
	var worth, notWorth int
	top := 0.0
	for _, j := range f.Jobs {
		top = max(top, j.Value)
	}
	for _, j := range f.Jobs {
		f.Features(phi, j)
		mb, ma := shipper.Mean(phi), carrier.Mean(phi)
		sb, sa := sigmaS(phi), sigmaC(phi)
		out.Bids = append(out.Bids, mb)
		out.Asks = append(out.Asks, ma)
		s := math.Hypot(sb, sa)
		m := mb - ma
		p := normCDF(m / s)
		pdf := normPDF(m / s)
		gainS := (j.Value-mb)*p - sb*sb/s*pdf
		gainC := (ma-j.Cost)*p - sa*sa/s*pdf
		brS := maximise(func(x float64) float64 { return (j.Value - x) * normCDF((x-ma)/sa) }, 0, 1.5*top)
		brC := maximise(func(x float64) float64 { return (x - j.Cost) * (1 - normCDF((x-mb)/sb)) }, 0, 1.5*top)
		nashConv += math.Max(brS-gainS, 0) + math.Max(brC-gainC, 0)
		if j.Value > j.Cost {
			best += j.Value - j.Cost
			out.Trade += p
			worth++
		} else {
			out.Wrong += p
			notWorth++
		}
	}
	out.Adherence = min(max(1-nashConv/best, 0), 1)
	if worth > 0 {
		out.Trade /= float64(worth)
	}
	if notWorth > 0 {
		out.Wrong /= float64(notWorth)
	}
	return out
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

// maximise returns the largest value of g on [lo, hi]: a grid search, then
// golden-section refinement around the best grid point.
func maximise(g func(float64) float64, lo, hi float64) float64 {
	const n = 4000
	h := (hi - lo) / n
	bx, by := lo, g(lo)
	for i := 1; i <= n; i++ {
		x := lo + float64(i)*h
		if y := g(x); y > by {
			bx, by = x, y
		}
	}
	a, b := max(lo, bx-h), min(hi, bx+h)
	const r = 0.6180339887498949
	for range 60 {
		c, d := b-r*(b-a), a+r*(b-a)
		if g(c) > g(d) {
			b = d
		} else {
			a = c
		}
	}
	return math.Max(by, g((a+b)/2))
}
