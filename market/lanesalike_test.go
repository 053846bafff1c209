package market

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// alikeCase draws jobs of volume 1 for dests destinations and m alike
// trucks of capacity c; spreads are drawn from few values so that ties
// are common.
func alikeCase(rng *rand.Rand, n, m, c, dests int) (bids []float64, asks [][]float64, volumes, ds, caps []int) {
	ask := make([]float64, n)
	for j := range n {
		bids = append(bids, float64(rng.IntN(7))-1)
		ask[j] = float64(rng.IntN(3))
		volumes = append(volumes, 1)
		ds = append(ds, rng.IntN(dests))
	}
	for range m {
		asks = append(asks, ask)
		caps = append(caps, c)
	}
	return
}

// TestDealUnitsOptimal: for alike trucks and jobs of volume 1, dealUnits
// reaches the exact optimum (AssignExact's spread and, under the tie rule,
// its volume), within every truck's capacity, on 300 random cases.
func TestDealUnitsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for _, tie := range []Tie{TieStrict, TieMaxVolume} {
		b := &Broker{Tie: tie}
		for k := range 300 {
			n, m, c := 1+rng.IntN(9), 2+rng.IntN(3), rng.IntN(4)
			bids, asks, volumes, _, caps := alikeCase(rng, n, m, c, 1)
			got := b.dealUnits(bids, asks[0], caps)
			want := b.AssignExact(bids, asks, volumes, caps)
			if math.Abs(got.Spread-want.Spread) > 1e-9 || got.Volume != want.Volume {
				t.Fatalf("tie %v, case %d (bids %v, asks %v, capacity %d x %d): spread %v volume %d, exact %v and %d",
					tie, k, bids, asks[0], c, m, got.Spread, got.Volume, want.Spread, want.Volume)
			}
			load := make([]int, m)
			for j, tr := range got.Carrier {
				if tr >= 0 {
					load[tr]++
					if !b.eligible(bids[j] - asks[0][j]) {
						t.Fatalf("case %d: job %d of spread %v shipped under tie %v", k, j, bids[j]-asks[0][j], tie)
					}
				}
			}
			for tr := range m {
				if load[tr] > c || load[tr] != got.Load[tr] {
					t.Fatalf("case %d: truck %d loads %d (reported %d), capacity %d", k, tr, load[tr], got.Load[tr], c)
				}
			}
		}
	}
}

// TestLanesSequentialUnits: for alike trucks and jobs of volume 1 the
// sorted choice of destinations is the sequential knapsacks' choice,
// truck by truck, on 300 random cases with ties.
func TestLanesSequentialUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	for _, tie := range []Tie{TieStrict, TieMaxVolume} {
		b := &Broker{Tie: tie}
		for k := range 300 {
			n, m, c, d := 1+rng.IntN(14), 2+rng.IntN(4), rng.IntN(4), 2+rng.IntN(3)
			bids, asks, volumes, ds, caps := alikeCase(rng, n, m, c, d)
			groups := make([]laneGroup, d)
			for j, x := range ds {
				groups[x].jobs = append(groups[x].jobs, j)
			}
			want := b.lanesSequential(bids, asks, volumes, caps, groups)
			got := b.lanesSequentialUnits(bids, asks[0], c, m, groups)
			if !slices.Equal(got, want) {
				t.Fatalf("tie %v, case %d (bids %v, asks %v, destinations %v, capacity %d x %d): choice %v, the knapsacks' %v",
					tie, k, bids, asks[0], ds, c, m, got, want)
			}
		}
	}
}
