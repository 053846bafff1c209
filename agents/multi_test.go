package agents

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/market"
)

// TestDepartAllAssignsJobsToCarriers clears two carriers departing together:
// every job ships with at most one, no carrier exceeds its capacity, each
// carrier is paid what it asked (spread rule) and learns only from its own
// record.
func TestDepartAllAssignsJobsToCarriers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		bids := fixedBid{}
		x := &Exchange{
			Shippers: []*Shipper{{HoldingCost: 1, Penalty: 20, Strategy: bids}},
			Carriers: []*Carrier{
				{Index: 0, Capacity: 1 + rng.IntN(15), CostRate: 0.1, Strategy: TruthfulAsk{}},
				{Index: 1, Capacity: 1 + rng.IntN(15), CostRate: 0.05 + 0.1*rng.Float64(), Strategy: TruthfulAsk{}},
			},
			Broker: &market.Broker{Tie: market.TieMaxVolume, Price: market.PriceRule{Kind: market.Spread}},
		}
		rec := &recorder{}
		x.Observer = rec
		n := 1 + rng.IntN(12)
		for range n {
			j := x.addJob(1+rng.IntN(8), 0, float64(10+rng.IntN(90)))
			bids[j.ID] = 100 * rng.Float64()
		}
		x.DepartAll(0.5, []int{0, 1})
		if len(rec.done) != n {
			t.Fatalf("trial %d: %d of %d jobs finished at their only chance", trial, len(rec.done), n)
		}
		for c, car := range x.Carriers {
			if rec.cleared[c] > car.Capacity {
				t.Errorf("trial %d: carrier %d shipped %d volume units, capacity %d", trial, c, rec.cleared[c], car.Capacity)
			}
		}
		if x.Carriers[0].Reward < 0 || x.Carriers[1].Reward < 0 {
			t.Errorf("trial %d: a truthful carrier paid its ask lost money: %v, %v", trial, x.Carriers[0].Reward, x.Carriers[1].Reward)
		}
	}
}

// TestCDATradesInsideLimits runs rounds of a continuous double auction with
// zero-intelligence traders and checks every trade: a job trades once, with
// a carrier that had capacity left, at a price between the carrier's cost
// and the shipper's reservation (ZI-C never quotes at a loss).
func TestCDATradesInsideLimits(t *testing.T) {
	values := []float64{1.6, 1.4, 1.2, 1.0, 0.8, 0.6}
	costs := []float64{0.4, 0.6, 0.8, 1.0, 1.2, 1.4}
	x := &Exchange{Broker: &market.Broker{}}
	for range values {
		x.Shippers = append(x.Shippers, &Shipper{Strategy: &ZIC{Floor: 0}, Rand: rand.New(rand.NewPCG(1, uint64(len(x.Shippers))))})
	}
	for i, c := range costs {
		x.Carriers = append(x.Carriers, &Carrier{Index: i, Capacity: 1, CostRate: c, Strategy: &ZIC{Carrier: true, Cap: 2}, Rand: rand.New(rand.NewPCG(2, uint64(i)))})
	}
	rec := &recorder{}
	x.Observer = rec
	cda := NewCDA(x, market.RestingPrice)
	rng := rand.New(rand.NewPCG(3, 3))
	var trades, rounds int
	var surplus float64
	for round := range 200 {
		arriveOneEach(x, values)
		cda.Open()
		for range 240 {
			cda.Quote(float64(round), rng)
		}
		// Check the trades before the round settles.
		used := make([]int, len(costs))
		for _, j := range x.Waiting() {
			if j.tradedWith < 0 {
				continue
			}
			cost := x.Carriers[j.tradedWith].Cost(j)
			if j.price < cost-1e-12 || j.price > j.Reserve+1e-12 {
				t.Fatalf("round %d: a job worth %v traded with a carrier of cost %v at %v", round, j.Reserve, cost, j.price)
			}
			used[j.tradedWith]++
			surplus += j.Reserve - cost
			trades++
		}
		for c, u := range used {
			if u > 1 {
				t.Fatalf("round %d: carrier %d with one slot traded %d times", round, c, u)
			}
		}
		cda.Settle(float64(round) + 0.5)
		if len(x.Waiting()) != 0 {
			t.Fatalf("round %d: %d jobs left after a round of jobs that cannot wait", round, len(x.Waiting()))
		}
		rounds++
	}
	// Gode and Sunder (1993): ZI-C traders reach high allocative efficiency
	// in a double auction. The most a round can realise is 2.4; with 20
	// quotes a trader per round (240 quote events, 12 traders) this seed
	// measures 0.959. A round's efficiency varies with sd about 0.1, so over
	// 200 rounds the standard error is about 0.007: the bound 0.93 is four
	// standard errors below.
	eff := surplus / (2.4 * float64(rounds))
	t.Logf("ZI-C efficiency %.4f over %d rounds, %d trades", eff, rounds, trades)
	if eff < 0.93 || eff > 1+1e-9 {
		t.Errorf("ZI-C efficiency %v over %d rounds, want in [0.93, 1] (Gode and Sunder report about 0.97)", eff, rounds)
	}
	if math.IsNaN(eff) || trades == 0 {
		t.Fatal("no trades")
	}
}

// watchingAsk asks its cost and records what it hears.
type watchingAsk struct {
	TruthfulAsk
	heard []Outcome
}

func (w *watchingAsk) Watch(o Outcome) { w.heard = append(w.heard, o) }

// TestCDACarrierHearsOfItsUnits: in a continuous double auction a carrier
// sells units of capacity, so after a round it hears of each unit: one
// traded outcome per job it carries, at that job's price, and one untraded
// outcome per unit left unsold; nothing of jobs that traded with another
// carrier.
func TestCDACarrierHearsOfItsUnits(t *testing.T) {
	x := &Exchange{Broker: &market.Broker{}, Learning: true}
	x.Shippers = []*Shipper{{Strategy: TruthfulBid{}}}
	cheap, dear := &watchingAsk{}, &watchingAsk{}
	x.Carriers = []*Carrier{
		{Index: 0, Capacity: 5, CostRate: 0.5, Strategy: cheap},
		{Index: 1, Capacity: 2, CostRate: 0.9, Strategy: dear},
	}
	cda := NewCDA(x, market.RestingPrice)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, v := range []float64{2, 2, 0.7} { // the last only the cheap carrier can carry
		j := x.NewJob()
		j.Volume, j.Distance, j.Value, j.Shipper = 1, 1, v, 0
		x.Arrive(j)
	}
	ws := x.Waiting()
	cda.Open()
	for range 200 {
		cda.Quote(0, rng)
	}
	sold := map[int]int{}
	for _, j := range ws {
		if j.tradedWith >= 0 {
			sold[j.tradedWith]++
		}
	}
	if sold[0]+sold[1] != 3 {
		t.Fatalf("%d of 3 jobs traded (with the cheap carrier %d, the dear %d): every one is worth more than the cheap carrier's cost", sold[0]+sold[1], sold[0], sold[1])
	}
	cda.Settle(0.5)
	for c, w := range []*watchingAsk{cheap, dear} {
		capacity := x.Carriers[c].Capacity
		var traded, untraded int
		for _, o := range w.heard {
			if !o.Carrier || o.Limit != x.Carriers[c].CostRate {
				t.Errorf("carrier %d heard %+v: want its own asks, limit its cost %v", c, o, x.Carriers[c].CostRate)
			}
			if o.Traded {
				traded++
				if o.Price < o.Limit {
					t.Errorf("carrier %d heard of a trade at %v, below its cost %v", c, o.Price, o.Limit)
				}
			} else {
				untraded++
			}
		}
		if traded != sold[c] || untraded != capacity-sold[c] {
			t.Errorf("carrier %d (capacity %d, sold %d) heard %d traded and %d untraded outcomes, want %d and %d",
				c, capacity, sold[c], traded, untraded, sold[c], capacity-sold[c])
		}
	}
}

// TestCDAZIPTradersFindTheEquilibrium: ZIP buyers and sellers in the
// classroom market (values 1.6 down to 0.6, costs 0.4 up to 1.4, one unit
// each), learning from every shout, reach high allocative efficiency in
// evaluation rounds, and evaluation rounds leave every trader's margin as
// training left it. Over 3 seeds, 200 training and 100 evaluation rounds
// each, efficiency measured 1.000 on every seed (ZI-C traders: 0.95); the
// bound 0.95 says ZIP does at least as well as zero intelligence. With the
// margins of an evaluation round kept instead (Mark not called on every
// trader), margins fall to 0 and this test fails.
func TestCDAZIPTradersFindTheEquilibrium(t *testing.T) {
	values := []float64{1.6, 1.4, 1.2, 1.0, 0.8, 0.6}
	costs := []float64{0.4, 0.6, 0.8, 1.0, 1.2, 1.4}
	for seed := range uint64(3) {
		x := &Exchange{Broker: &market.Broker{}}
		var zips []*ZIP
		for i := range values {
			z, err := NewZIP(CliffZIP(), rand.New(rand.NewPCG(seed, uint64(i))))
			if err != nil {
				t.Fatal(err)
			}
			zips = append(zips, z)
			x.Shippers = append(x.Shippers, &Shipper{Strategy: z, Rand: rand.New(rand.NewPCG(seed, 10+uint64(i)))})
		}
		for i, c := range costs {
			p := CliffZIP()
			p.Carrier = true
			z, err := NewZIP(p, rand.New(rand.NewPCG(seed, 20+uint64(i))))
			if err != nil {
				t.Fatal(err)
			}
			zips = append(zips, z)
			x.Carriers = append(x.Carriers, &Carrier{Index: i, Capacity: 1, CostRate: c, Strategy: z, Rand: rand.New(rand.NewPCG(seed, 30+uint64(i)))})
		}
		cda := NewCDA(x, market.RestingPrice)
		rng := rand.New(rand.NewPCG(seed, 99))
		round := func() (surplus float64) {
			arriveOneEach(x, values)
			cda.Open()
			for range 240 {
				cda.Quote(0, rng)
			}
			for _, j := range x.Waiting() {
				if j.tradedWith >= 0 {
					surplus += j.Reserve - x.Carriers[j.tradedWith].Cost(j)
				}
			}
			cda.Settle(0.5)
			return surplus
		}
		x.Learning = true
		for range 200 {
			round()
		}
		x.Learning = false
		var margins []float64
		for _, z := range zips {
			margins = append(margins, z.Margin())
		}
		var surplus float64
		const rounds = 100
		for range rounds {
			surplus += round()
		}
		eff := surplus / (2.4 * rounds)
		t.Logf("seed %d: ZIP efficiency %.4f over %d evaluation rounds", seed, eff, rounds)
		if eff < 0.95 || eff > 1+1e-9 {
			t.Errorf("seed %d: ZIP traders' efficiency %v, want in [0.95, 1]", seed, eff)
		}
		for i, z := range zips {
			if z.Margin() != margins[i] {
				t.Errorf("seed %d: trader %d's margin went from %v to %v in evaluation rounds", seed, i, margins[i], z.Margin())
			}
		}
	}
}

// arriveOneEach brings shipper i a job of volume and distance 1 worth values[i].
func arriveOneEach(x *Exchange, values []float64) {
	for i, v := range values {
		j := x.NewJob()
		j.Volume, j.Distance, j.Value, j.Shipper = 1, 1, v, i
		x.Arrive(j)
	}
}
