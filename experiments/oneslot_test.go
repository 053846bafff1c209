package experiments

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// One truck slot, two shippers (testdata/scenarios/one-slot.yaml): each
// epoch shipper 0's job is worth 120 and shipper 1's 100, the truck takes
// one of them and costs 50; S = 70 an epoch. Capacity binds, so the
// measurement searches (simulated episodes) for every best response: these
// rungs check the search where the exact method cannot serve, on gains
// theory gives by hand. Every quote is a constant; ties between quotes of
// equal spread go to either job (max-volume, equal volumes), so no rung
// relies on one.
//
// A shipper that wins pays the price and gains value - price; its best
// response outbids its rival by a hair (or drops out); a carrier's best
// ask is the highest bid it can still meet. Gaps per epoch: shipper 0,
// shipper 1, carrier.
type slotRung struct {
	name      string
	file      string  // in testdata/scenarios; "" is one-slot.yaml
	price     string  // market.price
	k         float64 // market.k, for k-double
	b0, b1, a float64 // the quotes: shipper 0, shipper 1 (one-slot) or carrier 1 (two-trucks), carrier 0
	gaps      [3]float64
	adherence float64
}

func oneSlotLadder() []slotRung {
	return []slotRung{
		// Pay-as-bid: the winner pays its bid, the carrier receives it.
		{name: "pay-as-bid, all truthful: shipper 0 overpays by the 20 it could shade to just above shipper 1's 100",
			price: "pay-as-bid", b0: 120, b1: 100, a: 50, gaps: [3]float64{20, 0, 0}, adherence: 1 - 20.0/70},
		{name: "pay-as-bid, shipper 0 bids 110", price: "pay-as-bid", b0: 110, b1: 100, a: 50,
			gaps: [3]float64{10, 0, 0}, adherence: 1 - 10.0/70},
		{name: "pay-as-bid, shipper 0 shades to 90, below its rival: the wrong job ships; each could outbid the other",
			price: "pay-as-bid", b0: 90, b1: 100, a: 50, gaps: [3]float64{20, 10, 0}, adherence: 1 - 30.0/70},
		{name: "pay-as-bid, the carrier asks 130, above every bid: nothing ships; the carrier could take shipper 0's 120",
			price: "pay-as-bid", b0: 120, b1: 100, a: 130, gaps: [3]float64{0, 0, 70}, adherence: 0},
		// Spread: the shipper pays its bid, the carrier receives its ask.
		{name: "spread, shipper 0 and the carrier meet at 110 (an equilibrium)", price: "spread", b0: 110, b1: 100, a: 110,
			gaps: [3]float64{0, 0, 0}, adherence: 1},
		{name: "spread, all truthful: NashConv 90 exceeds S", price: "spread", b0: 120, b1: 100, a: 50,
			gaps: [3]float64{20, 0, 70}, adherence: 0},
		// k-double: both at a + k (b - a).
		{name: "k-double 1/2, all truthful: shipper 1 gains by bidding above its value (the price is 85, not its bid)",
			price: "k-double", k: 0.5, b0: 120, b1: 100, a: 50, gaps: [3]float64{10, 15, 35}, adherence: 1 - 60.0/70},
		{name: "k-double 0 (the ask is the price), all truthful: shipper 1 gains 50 by outbidding 120",
			price: "k-double", k: 0, b0: 120, b1: 100, a: 50, gaps: [3]float64{0, 50, 70}, adherence: 0},
		{name: "k-double 0, the carrier asks 120 and shipper 0 bids it (an equilibrium)",
			price: "k-double", k: 0, b0: 120, b1: 100, a: 120, gaps: [3]float64{0, 0, 0}, adherence: 1},
		{name: "k-double 1 (the bid is the price), all truthful: as pay-as-bid",
			price: "k-double", k: 1, b0: 120, b1: 100, a: 50, gaps: [3]float64{20, 0, 0}, adherence: 1 - 20.0/70},
	}
}

// One job, two trucks (testdata/scenarios/two-trucks.yaml): the same
// market seen from the other side. Each epoch one shipper has a job worth
// 120; carrier 0's truck costs 50 to run, carrier 1's 70, either can take
// it; S = 70 an epoch. Gaps per epoch: the shipper, carrier 0, carrier 1.
func twoTrucksLadder() []slotRung {
	const f = "two-trucks.yaml"
	return []slotRung{
		{name: "two trucks, spread, all truthful: the shipper could bid 50; carrier 0 could ask just below carrier 1's 70",
			file: f, price: "spread", b0: 120, b1: 70, a: 50, gaps: [3]float64{70, 20, 0}, adherence: 0},
		{name: "two trucks, pay-as-bid, all truthful: carrier 1 could undercut 50 and still be paid 120",
			file: f, price: "pay-as-bid", b0: 120, b1: 70, a: 50, gaps: [3]float64{70, 0, 50}, adherence: 0},
		{name: "two trucks, k-double 1/2, all truthful: the price is 85",
			file: f, price: "k-double", k: 0.5, b0: 120, b1: 70, a: 50, gaps: [3]float64{35, 10, 15}, adherence: 1 - 60.0/70},
		{name: "two trucks, spread, the shipper and carrier 0 meet at 60 (an equilibrium)",
			file: f, price: "spread", b0: 60, b1: 70, a: 60, gaps: [3]float64{0, 0, 0}, adherence: 1},
		{name: "two trucks, spread, carrier 0 asks 80, above its rival: carrier 1 ships; each could undercut the other",
			file: f, price: "spread", b0: 120, b1: 70, a: 80, gaps: [3]float64{50, 20, 10}, adherence: 0},
	}
}

// TestOneSlotLadder measures every rung of both markets on seeds 1 to 3 (the search's
// CMA-ES stage is seeded): each gap within 5 % of theory where theory says
// it is not zero, below 0.5 % of S where it says zero, adherence within
// 0.03, every best response searched because capacity binds.
func TestOneSlotLadder(t *testing.T) {
	const epochs, s = 20, 70.0 * 20
	for _, c := range append(oneSlotLadder(), twoTrucksLadder()...) {
		for seed := 1; seed <= 3; seed++ {
			file, second := "one-slot.yaml", "shippers[1]"
			if c.file != "" {
				file, second = c.file, "carriers[1]"
			}
			sets := []string{"training.episodes=0", fmt.Sprintf("seed=%d", seed), "market.price=" + c.price, fmt.Sprintf("market.k=%v", c.k),
				fmt.Sprintf("shippers[0].strategy.weights=[%v]", c.b0), fmt.Sprintf("%s.strategy.weights=[%v]", second, c.b1),
				fmt.Sprintf("carriers[0].strategy.weights=[%v]", c.a)}
			sc, err := scenario.ResolveWith("../testdata/scenarios/"+file, sets)
			if err != nil {
				t.Fatal(err)
			}
			r, err := newReplicate(&sc, 0)
			if err != nil {
				t.Fatal(err)
			}
			m := measure(r)
			if math.Abs(m.Surplus-s) > 1e-9 {
				t.Errorf("%s, seed %d: S %v, want %v", c.name, seed, m.Surplus, s)
			}
			if len(m.Roles) != 3 {
				t.Fatalf("%s: %d roles, want 3", c.name, len(m.Roles))
			}
			for i, role := range m.Roles {
				want := c.gaps[i] * epochs
				tol := 0.05 * want
				if want == 0 {
					tol = 0.005 * s
				}
				if math.Abs(role.Gap-want) > tol {
					t.Errorf("%s, seed %d: %s gains %.4g an episode by its best response (weights %v), theory %.4g (tolerance %.3g)",
						c.name, seed, role.Label, role.Gap, role.Weights, want, tol)
				}
				if role.Method != equilibrium.MethodSearch || !strings.Contains(role.Why, map[bool]string{true: "capacity", false: "several carriers"}[c.file == ""]) {
					t.Errorf("%s: %s measured by %q (%s), want a search because capacity binds or carriers compete", c.name, role.Label, role.Method, role.Why)
				}
			}
			if math.Abs(m.Adherence-c.adherence) > 0.03 {
				t.Errorf("%s, seed %d: ne_adherence %.4f, theory %.4f (tolerance 0.03)", c.name, seed, m.Adherence, c.adherence)
			}
			if seed == 1 && testing.Verbose() {
				t.Logf("%s: gaps %.4g / %.4g / %.4g an episode, adherence %.4f", c.name, m.Roles[0].Gap, m.Roles[1].Gap, m.Roles[2].Gap, m.Adherence)
			}
		}
	}
}

// TestLearnersFindTheBertrandPrice: in the one-slot market both shippers
// learn a constant bid (the default learner on the bias alone, shipper 0
// starting at 110 and shipper 1 at 90) against a truthful carrier. Theory
// (Bertrand competition for a scarce slot, complete information): the
// shipper worth more wins, at the price at which its rival, worth 100,
// gains nothing by outbidding it; 100 under pay-as-bid (bids of 100) and
// under the k-double price at k = 1/2 (bids of 150, since (150 + 50)/2 is
// 100). Seeds 1 to 3, 4 replicates each, 4,000 training episodes: the
// mean price within 1 of 100, efficiency at least 0.95 (shipper 0 ships in
// at least 82.5 % of epochs), and the shippers' gaps below 5 % of S.
func TestLearnersFindTheBertrandPrice(t *testing.T) {
	if testing.Short() {
		t.Skip("training 24 replicates: skipped with -short")
	}
	for _, price := range []string{"pay-as-bid", "k-double"} {
		for seed := 1; seed <= 3; seed++ {
			sets := []string{"replicates=4", fmt.Sprintf("seed=%d", seed), "training.episodes=4000", "market.price=" + price,
				"evaluation.every=1000", "evaluation.episodes=4", "equilibrium.eval_episodes=8", "equilibrium.search_episodes=4"}
			for i, offset := range []int{110, 90} {
				p := fmt.Sprintf("shippers[%d].strategy.", i)
				sets = append(sets, p+"kind=learn", p+"features=[bias]", fmt.Sprintf("%soffset=%d", p, offset))
			}
			_, res := resolveAndRun(t, "../testdata/scenarios/one-slot.yaml", sets)
			m := res.Summary.Metrics
			p, eff, gap := m["mean_price"], m["efficiency"].Mean, m["br_gap_shipper"].Mean
			t.Logf("%s, seed %d: mean price %.4f (sd %.2g), efficiency %.4f, shippers' gaps %.4g an episode, mean bid %.4f",
				price, seed, p.Mean, p.SD, eff, gap, m["mean_bid"].Mean)
			if p.N != 4 || math.Abs(p.Mean-100) > 1 {
				t.Errorf("%s, seed %d: mean price %v over %d replicates, theory 100 (tolerance 1)", price, seed, p.Mean, p.N)
			}
			if eff < 0.95 {
				t.Errorf("%s, seed %d: efficiency %v, want >= 0.95 (the shipper worth 120 wins)", price, seed, eff)
			}
			if gap > 0.05*1400 {
				t.Errorf("%s, seed %d: the shippers gain %v an episode by their best responses, want below 5 %% of S (70)", price, seed, gap)
			}
		}
	}
}
