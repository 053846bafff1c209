package experiments

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// Markets small enough to work by hand in which capacity binds or carriers
// compete, so that the measurement searches (simulated episodes) for every
// best response: these rungs check the search where the exact method
// cannot serve. Every quote is a constant (kind linear on the bias); every
// job has volume 10 over 50 km. A trader that trades gains the difference
// between price and its value or cost; its best response outbids or
// undercuts its rival by a hair, or drops out; the other side quotes the
// best price it can still meet. Ties between quotes of equal spread go to
// either job (max-volume, equal volumes), so no rung relies on one.
type slotRung struct {
	name      string
	file      string    // in testdata/scenarios
	price     string    // market.price
	k         float64   // market.k
	quotes    []float64 // every agent's constant quote, shippers' first
	gaps      []float64 // per epoch, in the same order
	s         float64   // S an epoch
	adherence float64
	why       string   // what the search's reason must name
	sets      []string // further overrides
}

// One truck slot, two shippers (one-slot.yaml): each epoch shipper 0's job
// is worth 120 and shipper 1's 100, the truck takes one of them and costs
// 50; S = 70 an epoch. Quotes and gaps: shipper 0, shipper 1, carrier.
func oneSlotLadder() []slotRung {
	r := func(name, price string, k float64, quotes, gaps []float64, adherence float64) slotRung {
		return slotRung{name: name, file: "one-slot.yaml", price: price, k: k, quotes: quotes, gaps: gaps, s: 70, adherence: adherence, why: "capacity"}
	}
	return []slotRung{
		// Pay-as-bid: the winner pays its bid, the carrier receives it.
		r("pay-as-bid, all truthful: shipper 0 overpays by the 20 it could shade to just above shipper 1's 100",
			"pay-as-bid", 0, []float64{120, 100, 50}, []float64{20, 0, 0}, 1-20.0/70),
		r("pay-as-bid, shipper 0 bids 110", "pay-as-bid", 0, []float64{110, 100, 50}, []float64{10, 0, 0}, 1-10.0/70),
		r("pay-as-bid, shipper 0 shades to 90, below its rival: the wrong job ships; each could outbid the other",
			"pay-as-bid", 0, []float64{90, 100, 50}, []float64{20, 10, 0}, 1-30.0/70),
		r("pay-as-bid, the carrier asks 130, above every bid: nothing ships; the carrier could take shipper 0's 120",
			"pay-as-bid", 0, []float64{120, 100, 130}, []float64{0, 0, 70}, 0),
		// Spread: the shipper pays its bid, the carrier receives its ask.
		r("spread, shipper 0 and the carrier meet at 110 (an equilibrium)", "spread", 0, []float64{110, 100, 110}, []float64{0, 0, 0}, 1),
		r("spread, all truthful: NashConv 90 exceeds S", "spread", 0, []float64{120, 100, 50}, []float64{20, 0, 70}, 0),
		// k-double: both at a + k (b - a).
		r("k-double 1/2, all truthful: shipper 1 gains by bidding above its value (the price is 85, not its bid)",
			"k-double", 0.5, []float64{120, 100, 50}, []float64{10, 15, 35}, 1-60.0/70),
		r("k-double 0 (the ask is the price), all truthful: shipper 1 gains 50 by outbidding 120",
			"k-double", 0, []float64{120, 100, 50}, []float64{0, 50, 70}, 0),
		r("k-double 0, the carrier asks 120 and shipper 0 bids it (an equilibrium)",
			"k-double", 0, []float64{120, 100, 120}, []float64{0, 0, 0}, 1),
		r("k-double 1 (the bid is the price), all truthful: as pay-as-bid",
			"k-double", 1, []float64{120, 100, 50}, []float64{20, 0, 0}, 1-20.0/70),
		// Shipper 1's job may wait an epoch (due 1) at a holding cost of 10:
		// each waits once and fails (-10). Outbidding shipper 0 would cost
		// it at least 20 (100 - 120) instead of 10, so it cannot gain;
		// shipper 0 still could, by bidding just above 100.
		waiting(r("pay-as-bid, all truthful, shipper 1's job waits an epoch at a holding cost of 10 and fails: it cannot gain by outbidding",
			"pay-as-bid", 0, []float64{120, 100, 50}, []float64{20, 0, 0}, 1-20.0/70)),
	}
}

// waiting gives shipper 1's job a due of 1 and a holding cost of 1 a
// volume unit an epoch: a job's quote now changes its chances later, which
// the measurement names as its reason to search.
func waiting(c slotRung) slotRung {
	c.sets = append(c.sets, "shippers[1].holding_cost=1", "jobs.fixed[1].due=1")
	c.why = "can wait" // the search's first reason
	return c
}

// One job, two trucks (two-trucks.yaml): the same market seen from the
// other side. Each epoch one shipper has a job worth 120; carrier 0's
// truck costs 50 to run, carrier 1's 70, either can take it; S = 70 an
// epoch. Quotes and gaps: the shipper, carrier 0, carrier 1.
func twoTrucksLadder() []slotRung {
	r := func(name, price string, k float64, quotes, gaps []float64, adherence float64) slotRung {
		return slotRung{name: name, file: "two-trucks.yaml", price: price, k: k, quotes: quotes, gaps: gaps, s: 70, adherence: adherence, why: "several carriers"}
	}
	return []slotRung{
		r("two trucks, spread, all truthful: the shipper could bid 50; carrier 0 could ask just below carrier 1's 70",
			"spread", 0, []float64{120, 50, 70}, []float64{70, 20, 0}, 0),
		r("two trucks, pay-as-bid, all truthful: carrier 1 could undercut 50 and still be paid 120",
			"pay-as-bid", 0, []float64{120, 50, 70}, []float64{70, 0, 50}, 0),
		r("two trucks, k-double 1/2, all truthful: the price is 85", "k-double", 0.5, []float64{120, 50, 70}, []float64{35, 10, 15}, 1-60.0/70),
		r("two trucks, spread, the shipper and carrier 0 meet at 60 (an equilibrium)",
			"spread", 0, []float64{60, 60, 70}, []float64{0, 0, 0}, 1),
		r("two trucks, spread, carrier 0 asks 80, above its rival: carrier 1 ships; each could undercut the other",
			"spread", 0, []float64{120, 80, 70}, []float64{50, 20, 10}, 0),
	}
}

// Two slots, three shippers (two-slots.yaml), at the uniform k-double
// price of Rustichini, Satterthwaite and Williams: each epoch shippers 0,
// 1 and 2 have jobs worth 120, 100 and 80, the truck takes two and costs
// 50 for each; S = 70 + 50 = 120 an epoch. Every trade is at lo + k (hi -
// lo), where lo is the highest of the traded asks and the bids left out,
// hi the lowest traded bid: truthful, [80, 100]. Quotes and gaps: shippers
// 0, 1, 2, the carrier.
func twoSlotsLadder() []slotRung {
	r := func(name string, k float64, quotes, gaps []float64, adherence float64) slotRung {
		return slotRung{name: name, file: "two-slots.yaml", price: "k-double-uniform", k: k, quotes: quotes, gaps: gaps, s: 120, adherence: adherence, why: "capacity"}
	}
	truthful := []float64{120, 100, 80, 50}
	return []slotRung{
		r("two slots, k = 1/2, all truthful: the price is 90; either winner could bid just above 80 (price 80), the carrier ask 100 (price 100)",
			0.5, truthful, []float64{10, 10, 0, 20}, 1-40.0/120),
		r("two slots, k = 0 (the band's low end), all truthful: the price is 80; only the carrier gains, by asking 100",
			0, truthful, []float64{0, 0, 0, 40}, 1-40.0/120),
		r("two slots, k = 1 (the band's high end), all truthful: the price is 100; either winner could bid just above 80",
			1, truthful, []float64{20, 20, 0, 0}, 1-40.0/120),
		r("two slots, k = 1/2, the winners bid 100 and the carrier asks 100 (an equilibrium)",
			0.5, []float64{100, 100, 80, 100}, []float64{0, 0, 0, 0}, 1),
		// Shipper 0 bids its value, 120, shipper 1 81, the carrier asks its
		// cost: both trade at 80 + (81 - 80)/2 = 80.5. Either winner gains
		// 0.5 by bidding just above 80 (then the price is 80); the carrier
		// gains most by selling one slot only, asking just below 120: shipper
		// 0 alone trades, at 120, 70 against 2 x 30.5.
		r("two slots, k = 1/2, bids 120, 81, 80, the carrier truthful: the carrier gains by selling one slot only, to the highest bid",
			0.5, []float64{120, 81, 80, 50}, []float64{0.5, 0.5, 0, 9}, 1-10.0/120),
	}
}

// quoteSets are the overrides that set the price rule and every agent's
// constant quote (shippers' first) in a scenario of these markets.
func quoteSets(base scenario.Config, price string, k float64, quotes []float64) []string {
	sets := []string{"market.price=" + price, fmt.Sprintf("market.k=%v", k)}
	for i, q := range quotes {
		role := fmt.Sprintf("shippers[%d]", i)
		if i >= len(base.Shippers) {
			role = fmt.Sprintf("carriers[%d]", i-len(base.Shippers))
		}
		sets = append(sets, fmt.Sprintf("%s.strategy.weights=[%v]", role, q))
	}
	return sets
}

// TestOneSlotLadder measures every rung of the three markets on seeds 1
// to 3 (the search's CMA-ES stage is seeded): each gap within 5 % of
// theory where theory says it is not zero, below 0.5 % of S where it says
// zero, adherence within 0.03, every best response searched.
func TestOneSlotLadder(t *testing.T) {
	const epochs = 20
	for _, c := range slices.Concat(oneSlotLadder(), twoTrucksLadder(), twoSlotsLadder()) {
		path := "../testdata/scenarios/" + c.file
		base, err := scenario.Resolve(path)
		if err != nil {
			t.Fatal(err)
		}
		for seed := 1; seed <= 3; seed++ {
			sets := append(quoteSets(base, c.price, c.k, c.quotes), "training.episodes=0", fmt.Sprintf("seed=%d", seed))
			sets = append(sets, c.sets...)
			_, r := replicateOf(t, path, sets...)
			m := measure(r)
			s := c.s * epochs
			if math.Abs(m.Surplus-s) > 1e-9 {
				t.Errorf("%s, seed %d: S %v, want %v", c.name, seed, m.Surplus, s)
			}
			if len(m.Roles) != len(c.gaps) {
				t.Fatalf("%s: %d roles, want %d", c.name, len(m.Roles), len(c.gaps))
			}
			gaps := make([]string, len(m.Roles))
			for i, role := range m.Roles {
				gaps[i] = fmt.Sprintf("%.4g", role.Gap)
				want := c.gaps[i] * epochs
				tol := 0.05 * want
				if want == 0 {
					tol = 0.005 * s
				}
				if math.Abs(role.Gap-want) > tol {
					t.Errorf("%s, seed %d: %s gains %.4g an episode by its best response (weights %v), theory %.4g (tolerance %.3g)",
						c.name, seed, role.Label, role.Gap, role.Weights, want, tol)
				}
				if role.Method != equilibrium.MethodSearch || !strings.Contains(role.Why, c.why) {
					t.Errorf("%s: %s measured by %q (%s), want a search (%s)", c.name, role.Label, role.Method, role.Why, c.why)
				}
			}
			if math.Abs(m.Adherence-c.adherence) > 0.03 {
				t.Errorf("%s, seed %d: ne_adherence %.4f, theory %.4f (tolerance 0.03)", c.name, seed, m.Adherence, c.adherence)
			}
			if seed == 1 && testing.Verbose() {
				t.Logf("%s: gaps %s an episode, adherence %.4f", c.name, strings.Join(gaps, " / "), m.Adherence)
			}
		}
	}
}

// TestLearnersFindTheBertrandPrice: competitors learn constant quotes (the
// default learner on the bias alone) against a truthful other side.
// Theory (Bertrand competition, complete information): the stronger
// competitor wins at the price at which its rival gains nothing by
// outbidding or undercutting it.
//
//   - One slot: both shippers learn (starting at 110 and 90); the one
//     worth 120 wins at its rival's value, 100, under pay-as-bid (bids of
//     100) and k-double at k = 1/2 (bids of 150: (150 + 50)/2 = 100).
//   - Two trucks: both carriers learn (starting at 60 and 80); the one
//     costing 50 wins at its rival's cost, 70, under spread (asks of 70,
//     received) and k-double at k = 1/2 (asks of 20: (120 + 20)/2 = 70).
//   - Two slots at one uniform price (k-double-uniform, k = 1/2): shippers
//     0 and 1 learn (starting at 110 and 90), shipper 2 bids its value,
//     80, and is left out. The price is lo + k (hi - lo), lo the highest of
//     the ask (50) and the bid left out (80), hi the lowest winning bid: the
//     lower winner lowers it to 80, and the price is 80, the highest
//     losing bid (the other winner's bid then sets nothing and drifts).
//
// Seeds 1 to 3, 4 replicates each, 4,000 training episodes: the mean price
// (or, under spread, the mean ask the carrier receives) within 1 of
// theory, efficiency at least 0.94 (the stronger competitor wins at least
// four epochs in five: equal quotes tie, and a tie may go either way), and
// the learners' gaps below 5 % of S.
func TestLearnersFindTheBertrandPrice(t *testing.T) {
	if testing.Short() {
		t.Skip("training 48 replicates: skipped with -short")
	}
	for _, c := range []struct {
		file, side, price, metric, gap string
		offsets                        []int
		want                           float64
		s                              float64 // S an episode
	}{
		{"one-slot.yaml", "shippers", "pay-as-bid", "mean_price", "br_gap_shipper", []int{110, 90}, 100, 1400},
		{"one-slot.yaml", "shippers", "k-double", "mean_price", "br_gap_shipper", []int{110, 90}, 100, 1400},
		{"two-trucks.yaml", "carriers", "spread", "mean_ask", "br_gap_carrier", []int{60, 80}, 70, 1400},
		{"two-trucks.yaml", "carriers", "k-double", "mean_price", "br_gap_carrier", []int{60, 80}, 70, 1400},
		{"two-slots.yaml", "shippers", "k-double-uniform", "mean_price", "br_gap_shipper", []int{110, 90}, 80, 2400},
	} {
		for seed := 1; seed <= 3; seed++ {
			sets := []string{"replicates=4", fmt.Sprintf("seed=%d", seed), "training.episodes=4000", "market.price=" + c.price,
				"evaluation.every=1000", "evaluation.episodes=4", "equilibrium.eval_episodes=8", "equilibrium.search_episodes=4"}
			for i, offset := range c.offsets {
				p := fmt.Sprintf("%s[%d].strategy.", c.side, i)
				sets = append(sets, p+"kind=learn", p+"features=[bias]", fmt.Sprintf("%soffset=%d", p, offset))
			}
			_, res := resolveAndRun(t, "../testdata/scenarios/"+c.file, sets)
			m := res.Summary.Metrics
			p, eff, gap := m[c.metric], m["efficiency"].Mean, m[c.gap].Mean
			name := fmt.Sprintf("%s, learning %s, %s, seed %d", c.file, c.side, c.price, seed)
			t.Logf("%s: %s %.4f (sd %.2g), efficiency %.4f, gaps %.4g an episode", name, c.metric, p.Mean, p.SD, eff, gap)
			if p.N != 4 || math.Abs(p.Mean-c.want) > 1 {
				t.Errorf("%s: %s %v over %d replicates, theory %v (tolerance 1)", name, c.metric, p.Mean, p.N, c.want)
			}
			if eff < 0.94 {
				t.Errorf("%s: efficiency %v, want >= 0.94 (the stronger competitor wins)", name, eff)
			}
			if gap > 0.05*c.s {
				t.Errorf("%s: the learners gain %v an episode by their best responses, want below 5 %% of S (%v)", name, gap, 0.05*c.s)
			}
		}
	}
}

// TestTheoryOfTheSlotMarkets: theory.json's figures for the three markets,
// by hand. Each clearing is the same: the competitive (Walrasian)
// equilibrium trades the volume that capacity and demand allow at a price
// per volume unit between the marginal values and costs (one slot: the
// job worth 120 ships, between the rival's 100 and its own 120; two
// trucks: between the trucks' costs, 50 and 70; two slots: between the
// job left out, 80, and the lowest shipped, 100; volume 10 a job); the
// efficient surplus is 70, 70 and 120; the band, the mean cost and mean
// reservation of the jobs shipped.
func TestTheoryOfTheSlotMarkets(t *testing.T) {
	for _, c := range []struct {
		file                   string
		quantity, low, high, s float64
		bandLow, bandHigh      float64
	}{
		{"one-slot.yaml", 10, 10, 12, 70, 50, 120},
		{"two-trucks.yaml", 10, 5, 7, 70, 50, 120},
		{"two-slots.yaml", 20, 8, 10, 120, 50, 110},
	} {
		sc, err := scenario.Resolve("../testdata/scenarios/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		th := equilibrium.NewTheory(&sc)
		got := []float64{th.Competitive.Quantity.Mean, th.Competitive.Low.Mean, th.Competitive.High.Mean, th.Surplus.Mean, th.Band.Low, th.Band.High}
		want := []float64{c.quantity, c.low, c.high, c.s, c.bandLow, c.bandHigh}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Errorf("%s: quantity, price low and high, surplus, band %v; by hand %v", c.file, got, want)
				break
			}
		}
		if th.Competitive.Unit != "money per volume unit" {
			t.Errorf("%s: competitive prices in %q, want money per volume unit (alike jobs)", c.file, th.Competitive.Unit)
		}
	}
}
