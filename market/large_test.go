package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// largeCase draws a market of m carriers of truck size (capacity 30..59)
// and about 20 jobs per carrier, of the kind of sameCase, so that it has
// more than AssignLargePairs pairs when m >= 30.
func largeCase(rng *rand.Rand, m, kind int) assignCase {
	c := sameCase(rng, 20*m+rng.IntN(20), m, kind)
	if kind != 5 {
		for k := range c.capacities {
			c.capacities[k] = 30 + rng.IntN(30)
		}
	}
	return c
}

// TestAssignLargeFeasible checks Assign on markets above AssignLargePairs:
// the large-market heuristic answers (Large set, no search), the assignment
// is feasible with the right totals and prices, AssignHeuristic gives the
// same, and a reused broker gives the same again.
func TestAssignLargeFeasible(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	cases := 12
	if testing.Short() {
		cases = 3
	}
	prices := []PriceRule{{Kind: Spread}, {Kind: KDouble, K: 0.5}, {Kind: PayAsBid}}
	for k := range cases {
		m := 30 + rng.IntN(30)
		kind := k % 6
		c := largeCase(rng, m, kind)
		br := &Broker{Tie: Tie(k % 2), Price: prices[k%3]}
		what := fmt.Sprintf("case %d (kind %d, %d jobs, %d carriers, tie %v)", k, kind, len(c.bids), m, br.Tie)
		a := br.Assign(c.bids, c.asks, c.volumes, c.capacities)
		checkAssignment(t, what, br, c, a)
		if !a.Large && !a.Exact || a.Search != NotSearched {
			t.Fatalf("%s: large %v, exact %v, search %v; want the large-market heuristic, no search", what, a.Large, a.Exact, a.Search)
		}
		first := append([]int(nil), a.Carrier...)
		h := br.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities)
		if d := sameAssignment(h, a); d != "" {
			t.Fatalf("%s: AssignHeuristic differs from Assign: %s", what, d)
		}
		again := br.Assign(c.bids, c.asks, c.volumes, c.capacities)
		if fmt.Sprint(again.Carrier) != fmt.Sprint(first) {
			t.Fatalf("%s: a second Assign on the same broker assigns %v, the first %v", what, again.Carrier, first)
		}
	}
}

// TestAssignLargeKnownOptimum plants an optimum: each carrier has its own
// jobs, worth 10 to 11 per unit there and at most 1 per unit elsewhere,
// whose volumes fill it exactly, and filler jobs worth 0.5 per unit at every
// carrier. Any other assignment gives up at least 9 per unit of some own job
// for at most 1, so the optimum ships exactly the own jobs at their
// carriers. The large-market heuristic must find it, on markets of 40 to
// 200 carriers.
func TestAssignLargeKnownOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 4))
	sizes := []int{40, 90, 200}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, m := range sizes {
		var c assignCase
		var owner []int
		for k := range m {
			c.capacities = append(c.capacities, 0)
			for range 2 + rng.IntN(6) {
				v := 1 + rng.IntN(10)
				c.capacities[k] += v
				c.volumes = append(c.volumes, v)
				owner = append(owner, k)
			}
		}
		for range 10 * m {
			c.volumes = append(c.volumes, 1+rng.IntN(10))
			owner = append(owner, -1)
		}
		n := len(c.volumes)
		// Shuffle the jobs so that a carrier's own jobs are not neighbours.
		rng.Shuffle(n, func(x, y int) {
			c.volumes[x], c.volumes[y] = c.volumes[y], c.volumes[x]
			owner[x], owner[y] = owner[y], owner[x]
		})
		c.bids = make([]float64, n)
		c.asks = make([][]float64, m)
		for k := range m {
			c.asks[k] = make([]float64, n)
		}
		for j, v := range c.volumes {
			c.bids[j] = 20 * float64(v)
			for k := range m {
				per := 0.5
				switch {
				case owner[j] == k:
					per = 10 + rng.Float64()
				case owner[j] >= 0:
					per = rng.Float64()
				}
				c.asks[k][j] = c.bids[j] - per*float64(v)
			}
		}
		want := 0.0
		for j, k := range owner {
			if k >= 0 {
				want += c.bids[j] - c.asks[k][j]
			}
		}
		br := &Broker{Tie: TieStrict}
		a := br.Assign(c.bids, c.asks, c.volumes, c.capacities)
		checkAssignment(t, fmt.Sprintf("%d carriers", m), br, c, a)
		for j, k := range a.Carrier {
			if k != owner[j] {
				t.Fatalf("%d carriers, %d jobs (large %v): job %d goes to carrier %d, its owner is %d; spread %v, optimum %v",
					m, n, a.Large, j, k, owner[j], a.Spread, want)
			}
		}
		if a.Spread != want || !a.Large {
			t.Fatalf("%d carriers: spread %v (large %v), want %v by the large-market heuristic", m, a.Spread, a.Large, want)
		}
	}
}

// TestAssignLargeGap compares the large-market heuristic with the
// small-market one (both called directly, whatever the size) on 300 random
// instances of 40 to 200 jobs and 5 to 20 carriers, of every kind of
// sameCase, alternating the tie rules: the relative shortfall (small -
// large) / small of the total spread, counted as 0 where small is 0.
//
// Such small instances are the hard case for the large-market heuristic
// (fewer starts, bounded re-solves and swaps): measured mean 0.22 % with a
// standard error of 0.04 %; three other seeds gave 0.22 %, 0.28 % and
// 0.22 %, worst 6.8 %, and the large heuristic was better on some instances
// (by up to 2.6 %). The assertion bounds the mean at 0.5 %, the largest
// seed mean plus five standard errors. On instances of 16,384 to 25,000
// pairs, where Assign does use it, the shortfall is smaller still (mean
// 0.03 %, see BenchmarkAssignLargeGap).
func TestAssignLargeGap(t *testing.T) {
	rng := rand.New(rand.NewPCG(0, 77))
	cases := 300
	if testing.Short() {
		cases = 60
	}
	var sum, sumSq, worst float64
	br := &Broker{}
	for k := range cases {
		n, m := 40+rng.IntN(161), 5+rng.IntN(16)
		c := sameCase(rng, n, m, rng.IntN(6))
		br.Tie = Tie(k % 2)
		small, large := br.heuristicTotals(c)
		g := 0.0
		if small > 0 {
			g = (small - large) / small
		}
		sum += g
		sumSq += g * g
		worst = max(worst, g)
	}
	mean := sum / float64(cases)
	se := math.Sqrt((sumSq/float64(cases) - mean*mean) / float64(cases-1))
	t.Logf("large-market heuristic short of the small-market one by %.3f %% on average (standard error %.3f %%), worst %.2f %%, over %d instances",
		100*mean, 100*se, 100*worst, cases)
	if mean > 0.005 {
		t.Errorf("mean shortfall %.3f %% exceeds the 0.5 %% bound", 100*mean)
	}
}

// heuristicTotals runs both heuristics on c and returns their total spreads.
func (b *Broker) heuristicTotals(c assignCase) (small, large float64) {
	b.load("heuristicTotals", c.bids, c.asks, c.volumes, c.capacities)
	b.heuristic()
	small, _ = b.as.total()
	b.load("heuristicTotals", c.bids, c.asks, c.volumes, c.capacities)
	b.largeHeuristic()
	large, _ = b.as.total()
	return small, large
}

// TestAssignLargeNoAllocs checks that a warmed-up broker allocates nothing
// for a large market.
func TestAssignLargeNoAllocs(t *testing.T) {
	bids, asks, volumes, capacities := benchAssignCase(1200, 40, 10, 38, 44, 9)
	br := &Broker{Tie: TieMaxVolume}
	if a := br.Assign(bids, asks, volumes, capacities); !a.Large {
		t.Fatalf("1,200 jobs and 40 carriers: not the large-market heuristic")
	}
	if allocs := testing.AllocsPerRun(3, func() { br.Assign(bids, asks, volumes, capacities) }); allocs != 0 {
		t.Errorf("Assign of a large market allocates %v times per call on a warmed-up broker, want 0", allocs)
	}
}
