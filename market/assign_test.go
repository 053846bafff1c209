package market

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// assignCase is one instance of the several-carrier problem.
type assignCase struct {
	bids       []float64
	asks       [][]float64
	volumes    []int
	capacities []int
}

func (c assignCase) String() string {
	return fmt.Sprintf("bids %v, asks %v, volumes %v, capacities %v", c.bids, c.asks, c.volumes, c.capacities)
}

// randomAssignCase draws n jobs and m carriers. Volumes are 1..10; carrier
// c's ask for job j is the job's volume times a per-unit cost around a
// carrier-specific level, so spreads differ between carriers; bids sit around
// the asks, some below. Total capacity is about half to all of the total
// volume, so capacity usually binds. With integer set, prices are small
// integers and ties (zero spreads, equal totals) are frequent.
func randomAssignCase(rng *rand.Rand, n, m int, integer bool) assignCase {
	c := assignCase{
		bids:       make([]float64, n),
		asks:       make([][]float64, m),
		volumes:    make([]int, n),
		capacities: make([]int, m),
	}
	total := 0
	for j := range n {
		c.volumes[j] = 1 + rng.IntN(10)
		total += c.volumes[j]
	}
	level := make([]float64, m)
	for k := range m {
		level[k] = 2 + 2*rng.Float64()
		c.asks[k] = make([]float64, n)
	}
	for j := range n {
		v := float64(c.volumes[j])
		if integer {
			c.bids[j] = float64(rng.IntN(8))
		} else {
			c.bids[j] = v * (2 + 3*rng.Float64())
		}
		for k := range m {
			if integer {
				c.asks[k][j] = float64(rng.IntN(6))
			} else {
				c.asks[k][j] = v * level[k] * (0.7 + 0.6*rng.Float64())
			}
		}
	}
	for k := range m {
		c.capacities[k] = rng.IntN(total/m + 2)
	}
	return c
}

type assignBest struct {
	spread float64
	key    int // tie key: +volume (TieMaxVolume) or -volume (TieStrict)
}

// bruteAssign enumerates all (m+1)^n assignments (carrier m meaning none)
// and returns the best objective: spread summed in ascending order of job,
// then the tie key.
func bruteAssign(c assignCase, tie Tie) assignBest {
	n, m := len(c.bids), len(c.capacities)
	sign := -1
	if tie == TieMaxVolume {
		sign = 1
	}
	var best assignBest
	choice := make([]int, n)
	for j := range choice {
		choice[j] = m
	}
	load := make([]int, m)
	for {
		clear(load)
		s, v := 0.0, 0
		ok := true
		for j, k := range choice {
			if k == m {
				continue
			}
			sp := c.bids[j] - c.asks[k][j]
			if sp < 0 || (sp == 0 && tie == TieStrict) {
				ok = false
				break
			}
			load[k] += c.volumes[j]
			s += sp
			v += c.volumes[j]
		}
		for k := range m {
			ok = ok && load[k] <= c.capacities[k]
		}
		if ok && (s > best.spread || (s == best.spread && sign*v > best.key)) {
			best = assignBest{s, sign * v}
		}
		// next choice vector, odometer style
		j := 0
		for j < n && choice[j] == 0 {
			choice[j] = m
			j++
		}
		if j == n {
			return best
		}
		choice[j]--
	}
}

type assignMethod struct {
	name string
	f    func(bids []float64, asks [][]float64, volumes, capacities []int) Assignment
}

// assignMethods lists the broker's three assignment methods, the two that
// must be exact first.
func assignMethods(br *Broker) []assignMethod {
	return []assignMethod{{"Assign", br.Assign}, {"AssignExact", br.AssignExact}, {"AssignHeuristic", br.AssignHeuristic}}
}

// checkAssignment verifies feasibility, eligibility, prices and that the
// reported totals match the assignment.
func checkAssignment(t *testing.T, what string, br *Broker, c assignCase, a Assignment) {
	t.Helper()
	n, m := len(c.bids), len(c.capacities)
	if len(a.Carrier) != n || len(a.Pay) != n || len(a.Receive) != n || len(a.Load) != m {
		t.Fatalf("%s: assignment has %d carriers, %d pays, %d receives, %d loads for %d jobs and %d carriers",
			what, len(a.Carrier), len(a.Pay), len(a.Receive), len(a.Load), n, m)
	}
	load := make([]int, m)
	s, v, kept := 0.0, 0, 0.0
	for j, k := range a.Carrier {
		if k == -1 {
			if a.Pay[j] != 0 || a.Receive[j] != 0 {
				t.Fatalf("%s: unassigned job %d pays %v and receives %v", what, j, a.Pay[j], a.Receive[j])
			}
			continue
		}
		if k < 0 || k >= m {
			t.Fatalf("%s: job %d has carrier %d", what, j, k)
		}
		sp := c.bids[j] - c.asks[k][j]
		if sp < 0 || (sp == 0 && br.Tie == TieStrict) {
			t.Fatalf("%s: job %d assigned to carrier %d with spread %v, not eligible under %v", what, j, k, sp, br.Tie)
		}
		pay, receive := br.Price.Prices(c.bids[j], c.asks[k][j])
		if a.Pay[j] != pay || a.Receive[j] != receive {
			t.Fatalf("%s: job %d pays %v and receives %v; %v gives %v and %v", what, j, a.Pay[j], a.Receive[j], br.Price, pay, receive)
		}
		load[k] += c.volumes[j]
		s += sp
		v += c.volumes[j]
		kept += pay - receive
	}
	for k := range m {
		if load[k] > c.capacities[k] {
			t.Fatalf("%s: carrier %d carries %d, capacity %d", what, k, load[k], c.capacities[k])
		}
	}
	if !slices.Equal(load, a.Load) || v != a.Volume || s != a.Spread || kept != a.Kept {
		t.Fatalf("%s: reported loads %v, volume %d, spread %v, kept %v; the assignment %v has %v, %d, %v, %v",
			what, a.Load, a.Volume, a.Spread, a.Kept, a.Carrier, load, v, s, kept)
	}
}

// TestAssignExactMatchesBruteForce compares the branch and bound, and Assign,
// with enumeration of all (m+1)^n assignments for n <= 7 and m <= 3, under
// both tie rules, with continuous prices and with small integer prices (many
// ties). Both sum spreads in ascending order of job, so they agree exactly.
func TestAssignExactMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 1))
	brokers := []*Broker{{Tie: TieStrict}, {Tie: TieMaxVolume, Price: PriceRule{Kind: KDouble, K: 0.5}}}
	for k := range 3000 {
		n, m := rng.IntN(8), 1+rng.IntN(3)
		c := randomAssignCase(rng, n, m, k%2 == 0)
		for _, br := range brokers {
			want := bruteAssign(c, br.Tie)
			for _, method := range assignMethods(br)[:2] {
				what := fmt.Sprintf("case %d, %s, tie %v, %v", k, method.name, br.Tie, c)
				a := method.f(c.bids, c.asks, c.volumes, c.capacities)
				checkAssignment(t, what, br, c, a)
				got := assignBest{a.Spread, br.as.sign * a.Volume}
				if got != want || !a.Exact {
					t.Fatalf("%s: found spread %v with tie key %d (exact %v); enumeration finds %v with %d",
						what, got.spread, got.key, a.Exact, want.spread, want.key)
				}
			}
		}
	}
}

// TestAssignOneCarrierIsClear checks that with one carrier every method gives
// exactly Clear's clearing: the same jobs, prices and totals.
func TestAssignOneCarrierIsClear(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 2))
	for k := range 2000 {
		c := randomAssignCase(rng, rng.IntN(40), 1, k%2 == 0)
		orders := make([]Order, len(c.bids))
		for j := range orders {
			orders[j] = Order{Volume: c.volumes[j], Bid: c.bids[j], Ask: c.asks[0][j]}
		}
		for _, tie := range []Tie{TieStrict, TieMaxVolume} {
			br := &Broker{Tie: tie, Price: PriceRule{Kind: PayAsBid}}
			want := (&Broker{Tie: tie, Price: br.Price}).Clear(orders, c.capacities[0])
			for _, method := range assignMethods(br) {
				name := method.name
				a := method.f(c.bids, c.asks, c.volumes, c.capacities)
				var sel []int
				for j, k := range a.Carrier {
					if k == 0 {
						sel = append(sel, j)
					}
				}
				if !slices.Equal(sel, want.Selected) && !(len(sel) == 0 && len(want.Selected) == 0) ||
					a.Spread != want.Spread || a.Volume != want.Volume || a.Kept != want.Kept || !a.Exact {
					t.Fatalf("case %d, %s, tie %v, %v: assigned %v (spread %v, volume %d, kept %v, exact %v); Clear selects %v (spread %v, volume %d, kept %v)",
						k, name, tie, c, sel, a.Spread, a.Volume, a.Kept, a.Exact, want.Selected, want.Spread, want.Volume, want.Kept)
				}
			}
		}
	}
}

// TestAssignHeuristicFeasible checks the heuristic on sizes too large for
// enumeration: capacity never exceeded, no ineligible pair, totals right,
// never better than the exact optimum where that is affordable.
func TestAssignHeuristicFeasible(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 3))
	br := &Broker{Tie: TieMaxVolume}
	exact := &Broker{Tie: TieMaxVolume}
	for k := range 300 {
		n, m := 1+rng.IntN(80), 2+rng.IntN(4)
		c := randomAssignCase(rng, n, m, k%3 == 0)
		what := fmt.Sprintf("case %d, %v", k, c)
		a := br.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities)
		checkAssignment(t, what, br, c, a)
		if n <= 14 {
			e := exact.AssignExact(c.bids, c.asks, c.volumes, c.capacities)
			if a.Spread > e.Spread+1e-9*math.Abs(e.Spread) {
				t.Fatalf("%s: heuristic spread %v exceeds the exact optimum %v", what, a.Spread, e.Spread)
			}
		}
	}
}

// TestAssignHeuristicGap measures the heuristic's gap to the exact optimum,
// (optimum - heuristic) / optimum, over 2000 random instances with 5..14
// jobs and 2 or 3 carriers (randomAssignCase, continuous prices, TieMaxVolume;
// instances whose optimum is 0 count as gap 0). The figures in the package
// documentation come from
//
//	go test -run TestAssignHeuristicGap -v ./market
//
// Measured: mean 0.099 % with a standard error of 0.019 %; five other seeds
// gave means from 0.067 % to 0.118 %. The assertion bounds the mean at
// 0.2 %, the measured mean plus five standard errors: a change of seed or of
// random stream stays below it, a change that makes the heuristic clearly
// worse does not.
func TestAssignHeuristicGap(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 6))
	br := &Broker{Tie: TieMaxVolume}
	exact := &Broker{Tie: TieMaxVolume}
	const cases = 2000
	var sum, sumSq, worst float64
	optimal := 0
	for range cases {
		n, m := 5+rng.IntN(10), 2+rng.IntN(2)
		c := randomAssignCase(rng, n, m, false)
		h := br.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities).Spread
		e := exact.AssignExact(c.bids, c.asks, c.volumes, c.capacities).Spread
		gap := 0.0
		if e > 0 {
			gap = (e - h) / e
		}
		if gap <= 1e-12 {
			optimal++
		}
		sum += gap
		sumSq += gap * gap
		worst = max(worst, gap)
	}
	mean := sum / cases
	se := math.Sqrt((sumSq/cases - mean*mean) / (cases - 1))
	t.Logf("heuristic gap over %d instances: mean %.3f %% (standard error %.3f %%), worst %.2f %%, optimal in %.1f %%",
		cases, 100*mean, 100*se, 100*worst, 100*float64(optimal)/cases)
	if mean > 0.002 {
		t.Errorf("mean gap %.3f %% exceeds the 0.2 %% bound", 100*mean)
	}
}

// TestAssignAutoBudget checks that Assign stops the exact search at its
// budget and says so (Search is SearchStopped, Exact false, Nodes the
// budget), on instances built to be hard for the bounds: every spread
// equals the volume, volumes are even and capacities odd, so the bounds
// always promise one more unit than any assignment can ship and cut nothing
// until deep in the tree. Plain branch and bound explodes on them: with 3
// carriers the search is stopped at 100,000 nodes, with 40 carriers at the
// budget shrunk in proportion (10,000 nodes), which keeps the time of a
// node times the budget, and so the time of the search, about the same.
// AssignExact, with no budget, proves the same instance optimal at a small
// size.
func TestAssignAutoBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 4))
	hard := func(n, m int) assignCase {
		c := assignCase{bids: make([]float64, n), asks: make([][]float64, m), volumes: make([]int, n), capacities: make([]int, m)}
		for k := range m {
			c.asks[k] = make([]float64, n)
			c.capacities[k] = 2*(3+rng.IntN(20)) + 1
		}
		for j := range n {
			c.volumes[j] = 2 * (2 + rng.IntN(6))
			c.bids[j] = float64(c.volumes[j])
		}
		return c
	}
	br := &Broker{Tie: TieMaxVolume}
	for _, m := range []int{3, 40} {
		c := hard(AssignExactJobs, m)
		if m == 3 {
			c.capacities = []int{37, 41, 43}
		}
		a := br.Assign(c.bids, c.asks, c.volumes, c.capacities)
		checkAssignment(t, "budgeted", br, c, a)
		budget := AssignExactNodes * AssignExactCarriers / max(m, AssignExactCarriers)
		if a.Exact || a.Search != SearchStopped || a.Nodes != budget {
			t.Errorf("Assign on a hard instance of %d jobs and %d carriers: exact %v, search %v after %d nodes; want the search stopped at the budget of %d and exact false",
				AssignExactJobs, m, a.Exact, a.Search, a.Nodes, budget)
		}
		h := br.AssignHeuristic(c.bids, c.asks, c.volumes, c.capacities)
		if h.Search != NotSearched || h.Nodes != 0 {
			t.Errorf("AssignHeuristic on the same instance: search %v, %d nodes; want not searched", h.Search, h.Nodes)
		}
		if m == 3 && a.Spread != 37+41+43-3 {
			t.Errorf("Assign on a hard instance: spread %v, want %v (each carrier one unit short)", a.Spread, 37+41+43-3)
		}
	}
	small := hard(8, 3)
	if e := br.AssignExact(small.bids, small.asks, small.volumes, small.capacities); !e.Exact || e.Search != SearchProved || e.Nodes == 0 {
		t.Errorf("AssignExact on %v: exact %v, search %v after %d nodes; want proved", small, e.Exact, e.Search, e.Nodes)
	}
}

func TestAssignPanics(t *testing.T) {
	ok := assignCase{bids: []float64{3, 4}, asks: [][]float64{{1, 1}, {2, 2}}, volumes: []int{1, 2}, capacities: []int{3, 3}}
	for _, tc := range []struct {
		name   string
		broker Broker
		edit   func(*assignCase)
		want   string
	}{
		{"volumes length", Broker{}, func(c *assignCase) { c.volumes = c.volumes[:1] }, "2 bids, 1 volumes"},
		{"asks rows", Broker{}, func(c *assignCase) { c.asks = c.asks[:1] }, "1 rows of asks and 2 capacities"},
		{"asks row length", Broker{}, func(c *assignCase) { c.asks[1] = []float64{1} }, "carrier 1 has 1 asks for 2 jobs"},
		{"negative capacity", Broker{}, func(c *assignCase) { c.capacities[0] = -1 }, "carrier 0 has capacity -1"},
		{"zero volume", Broker{}, func(c *assignCase) { c.volumes[1] = 0 }, "job 1 has volume 0"},
		{"NaN bid", Broker{}, func(c *assignCase) { c.bids[0] = math.NaN() }, "job 0 has bid NaN"},
		{"infinite ask", Broker{}, func(c *assignCase) { c.asks[1][0] = math.Inf(1) }, "carrier 1 has ask +Inf for job 0"},
		{"bad price rule", Broker{Price: PriceRule{Kind: KDouble, K: -1}}, func(*assignCase) {}, "k = -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := assignCase{bids: slices.Clone(ok.bids), asks: [][]float64{slices.Clone(ok.asks[0]), slices.Clone(ok.asks[1])},
				volumes: slices.Clone(ok.volumes), capacities: slices.Clone(ok.capacities)}
			tc.edit(&c)
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v; want one mentioning %q", r, tc.want)
				}
			}()
			tc.broker.Assign(c.bids, c.asks, c.volumes, c.capacities)
		})
	}
}

// TestAssignNoAllocs checks that a broker allocates nothing for an Assign
// whose sizes do not exceed an earlier one, on both paths.
func TestAssignNoAllocs(t *testing.T) {
	bids, asks, volumes, capacities := benchAssignCase(18, 3, 10, 15, 30, 9)
	br := &Broker{Tie: TieMaxVolume}
	for _, m := range assignMethods(br) {
		m.f(bids, asks, volumes, capacities)
		if allocs := testing.AllocsPerRun(5, func() { m.f(bids, asks, volumes, capacities) }); allocs != 0 {
			t.Errorf("%s allocates %v times per call on a warmed-up broker, want 0", m.name, allocs)
		}
	}
}
