package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/results"
)

func newEquilibriumCmd() *cobra.Command {
	var sets []string
	var asJSON bool
	var mo measureOptions
	cmd := &cobra.Command{
		Use:   "equilibrium [PRESET|FILE.yaml]",
		Short: "Print what theory says about a scenario's market",
		Long: `equilibrium prints the benchmarks a learned market is measured against, without
running anything: the Nash equilibrium set in closed form where one exists (a
fixed stream of jobs that cannot wait, one shipper and one carrier, zero-spread
trades allowed), the linear equilibrium of bilateral trading (Chatterjee and
Samuelson) and of the m x m market with one k-double price (large-market: in
closed form at m = 1 and at k = 0 or 1, computed elsewhere), the mean
equilibrium price band of a job worth shipping, the
competitive (Walrasian) equilibrium of a clearing in price per unit of
transport cost, the efficient surplus per clearing, and the demand/capacity
ratio. Random job streams are sampled over 2,000 clearings. A run writes the
same as theory.json.

With --measure it measures instead how far the profile the scenario configures
is from a Nash equilibrium, without training unless --episodes asks for it: for
every agent, learning or fixed, the best response to the others held fixed, what
it gains per episode (its gap), how (exact or searched) and what it is; then
NashConv and NE adherence. A planner's "how much could a shipper gain against my
markup rule?" is one line of it.`,
		Example: `  freightsim equilibrium strategic-bidding-deterministic
  freightsim equilibrium bilateral
  freightsim equilibrium large-market --set market.candidates=8
  freightsim equilibrium smart-containers-2020 --set 'carriers[0].capacity=20'
  freightsim equilibrium my-market.yaml --json
  freightsim equilibrium smart-containers-corrected --measure --set 'carriers[0].strategy={kind: markup, markup: 0.2}'
  freightsim equilibrium strategic-bidding-deterministic --measure --episodes 3000 --replicates 4`,
		Args:              maxArgs(1),
		ValidArgsFunction: completeScenario(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			sc, err := scenarioFor(cmd, name, sets)
			if err != nil {
				return err
			}
			if mo.measure {
				return runMeasure(cmd, sc, mo)
			}
			th := equilibrium.NewTheory(&sc)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(th)
			}
			printTheory(cmd.OutOrStdout(), th)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "set `key.path=value` in the scenario (repeatable)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print theory.json instead of a report")
	mo.flags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	return cmd
}

func printTheory(w io.Writer, th *equilibrium.Theory) {
	fmt.Fprintf(w, "%s: what theory says\n\n", th.Scenario)
	kind := "balanced"
	switch {
	case th.DemandRatio > 1.05:
		kind = "freight-driven: more freight than capacity"
	case th.DemandRatio < 0.95:
		kind = "capacity-driven: more capacity than freight"
	}
	fmt.Fprintf(w, "demand/capacity   %.3g (expected volume arriving per epoch / capacity offered per epoch; %s)\n\n", th.DemandRatio, kind)

	if len(th.Corridors) > 0 || th.NetworkNote != "" {
		printCorridors(w, th)
		return
	}
	if len(th.ClosedForm) > 0 {
		fmt.Fprintln(w, "Nash equilibria in closed form, job by job:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "job\tvolume\tdistance\tvalue\tcost\treservation\tequilibrium\t")
		for i, j := range th.ClosedForm {
			eq := "no trade (bid <= ask)"
			if j.Trades {
				eq = fmt.Sprintf("bid = ask = p, %s <= p <= %s", num(j.Low), num(j.High))
			}
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t\n", i, j.Volume, j.Distance, num(j.Value), num(j.Cost), num(j.Reservation), eq)
		}
		tw.Flush()
		fmt.Fprintln(w)
	} else if b := th.Bilateral; b != nil {
		support := fmt.Sprintf("values and costs uniform on [%s, %s]", num(b.Lo), num(b.Hi))
		if b.CostLo != nil && b.CostHi != nil {
			support = fmt.Sprintf("values uniform on [%s, %s], costs on [%s, %s]", num(b.Lo), num(b.Hi), num(*b.CostLo), num(*b.CostHi))
		}
		fmt.Fprintf(w, "Bilateral trading (Chatterjee and Samuelson 1983): %s, price %s*bid + %s*ask\n",
			support, num(b.K), num(1-b.K))
		fmt.Fprintf(w, "  the linear Bayesian Nash equilibrium, the only one in linear strategies with trade:\n")
		fmt.Fprintf(w, "    bid(v) = %s\n    ask(c) = %s\n", b.Bid.Format("v", num), b.Ask.Format("c", num))
		fmt.Fprintf(w, "  gains from trade per round: %s at this equilibrium against %s first best: efficiency %s\n",
			num(b.Surplus), num(b.FirstBest), num(b.Efficiency))
		fmt.Fprintf(w, "  trade in %s of rounds (first best: %s)\n", num(b.TradeProbability), num(b.FirstBestTrade))
		fmt.Fprintf(w, "  no-trade equilibria too: %s\n", b.NoTrade)
		if b.BidToTruthful != nil || b.AskToTruthful != nil {
			fmt.Fprintf(w, "  against an opponent who quotes its type (no game: what a learner facing a truthful side should find):\n")
		}
		if l := b.BidToTruthful; l != nil {
			fmt.Fprintf(w, "    bid(v) = %s against a seller who asks her cost\n", l.Format("v", num))
		}
		if l := b.AskToTruthful; l != nil {
			fmt.Fprintf(w, "    ask(c) = %s against a buyer who bids her value\n", l.Format("c", num))
		}
		fmt.Fprintln(w)
	} else if l := th.Large; l != nil {
		traders := fmt.Sprintf("%d buyers and %d sellers", l.M, l.M)
		if l.M == 1 {
			traders = "one buyer and one seller"
		}
		support := fmt.Sprintf("values and costs uniform on [%s, %s]", num(l.Lo), num(l.Hi))
		if l.CostLo != nil && l.CostHi != nil {
			support = fmt.Sprintf("values uniform on [%s, %s], costs on [%s, %s]", num(l.Lo), num(l.Hi), num(*l.CostLo), num(*l.CostHi))
		}
		fmt.Fprintf(w, "The %d x %d market (Rustichini, Satterthwaite and Williams 1994): each round, in each segment, %s with one unit each, %s, every trade at one price (1-k) s(m) + k s(m+1) of the 2m quotes sorted, k = %s\n",
			l.M, l.M, traders, support, num(l.K))
		fmt.Fprintf(w, "  the symmetric Bayesian Nash equilibrium among linear quotes (%s):\n", l.Method)
		fmt.Fprintf(w, "    bid(v) = %s\n    ask(c) = %s\n", l.Bid.Format("v", num), l.Ask.Format("c", num))
		if l.Precision > 0 {
			fmt.Fprintf(w, "  (the fixed point to within %.2g in each coefficient)\n", l.Precision)
		}
		fmt.Fprintf(w, "  no-trade equilibria too: %s\n\n", l.NoTrade)
	} else {
		fmt.Fprintf(w, "Nash equilibria in closed form: none here (%s)\n\n", th.ClosedFormNote)
	}
	fmt.Fprintf(w, "equilibrium band  [%s, %s] money per job: mean cost and mean reservation of a job worth shipping\n",
		num(th.Band.Low), num(th.Band.High))
	c := th.Competitive
	fmt.Fprintf(w, "competitive       %s volume units traded per clearing at a price of %s to %s (%s)\n",
		stat(c.Quantity), stat(c.Low), stat(c.High), c.Unit)
	fmt.Fprintf(w, "efficient surplus %s money per clearing: the most gains from trade any allocation of the arrivals reaches\n", stat(th.Surplus))
	if th.Clearings > 1 {
		fmt.Fprintf(w, "\n(over %d sampled clearings: mean and 95 %% CI)\n", th.Clearings)
	}
	for name, ref := range th.References {
		fmt.Fprintf(w, "reference         %s: %s\n", name, ref.Label)
	}
}

// stat prints a summary as its mean, with its 95 % interval when it has one.
func stat(s results.Stat) string {
	if s.N > 1 && !math.IsNaN(s.CI95Low) && s.CI95High-s.CI95Low > 1e-12*math.Abs(s.Mean) {
		return fmt.Sprintf("%s [%s, %s]", num(s.Mean), num(s.CI95Low), num(s.CI95High))
	}
	return num(s.Mean)
}

// printCorridors prints a network's corridor theory.
func printCorridors(w io.Writer, th *equilibrium.Theory) {
	fmt.Fprintln(w, "Competitive equilibrium of each corridor (two hubs with lanes both ways), per volume unit:")
	fmt.Fprintln(w, "the back-haul price falls to the marginal cost of a loaded over an empty return (c_weak - e_weak),")
	fmt.Fprintln(w, "the head-haul price carries the rest of the round trip (c_strong + e_weak).")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "strong	weak	flows	fleet carries	c strong	c weak	e weak	head-haul	back-haul	head/cost	back/cost	empty share	")
	for _, c := range th.Corridors {
		head := num(c.HeadHaul)
		if c.Balanced {
			head = "balanced " + head
		}
		if c.Scarce {
			head = fmt.Sprintf("%s..%s", num(c.HeadHaul), num(c.HeadHaulHigh))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s : %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Strong, c.Weak, num(c.StrongFlow), num(c.WeakFlow),
			num(c.Throughput), num(c.LoadedStrong), num(c.LoadedWeak), num(c.EmptyWeak), head, num(c.BackHaul),
			num(c.HeadPerCost), num(c.BackPerCost), num(c.EmptyShare))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "flows: expected volume per epoch each way; fleet carries: volume per epoch all trucks can carry on a")
	fmt.Fprintln(w, "round trip of this corridor; a range of head-haul prices: the fleet is too small for the strong flow,")
	fmt.Fprintln(w, "so the price may rise up to the shippers' reservation; balanced: equal flows, no truck returns empty, and any")
	fmt.Fprintln(w, "prices covering the loaded round trip are competitive (shown: each lane at its cost); empty share: of truck")
	fmt.Fprintln(w, "trips, at the flows carried.")
	fmt.Fprintf(w, "\nThe network as a whole: %s.\n", th.NetworkNote)
}
