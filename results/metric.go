package results

// Metric documents one reported figure.
type Metric struct {
	Name        string // snake_case column and key
	Unit        string
	Description string
}

// P2Metrics returns the evaluation metrics of the smart-container scenario,
// in the column order of evaluations.csv. The policy's weights follow them as
// theta_0, theta_1, ... in feature order.
func P2Metrics() []Metric {
	return []Metric{
		{"avg_bidding_cost", "money per decision", "P2's own figure, with P2's sign: mean over remaining-due groups 0..5 of the mean return of a bid decision in that group; a return, so negative when bidding costs the shipper (P2) and positive when jobs earn more than they pay (P1's reservations); of opposite sign to cost_per_job"},
		{"cost_per_job", "money per job", "mean total cost of a finished job: price paid, holding and failure penalties, minus the job's value where jobs have one (P1); a cost, so negative when jobs gain; of opposite sign to avg_bidding_cost"},
		{"ship_share", "fraction", "share of finished jobs that shipped before their due"},
		{"utilization", "fraction", "shipped volume / offered capacity"},
		{"mean_winning_bid", "money per job", "mean bid of a shipped job"},
		{"mean_transport_cost", "money per job", "mean carrier cost k*v*l of a shipped job"},
		{"sigma", "money", "standard deviation of the bid policy of the first learning shipper"},
	}
}

// MarketMetrics returns the evaluation metrics of every scenario beyond P2's
// own (MODEL section 6), in the column order of evaluations.csv.
func MarketMetrics() []Metric {
	return []Metric{
		{"efficiency", "fraction", "allocative efficiency: gains from trade realised by shippers, carriers and broker / the efficient benchmark (surplus)"},
		{"surplus", "money per episode", "the efficient benchmark per evaluation episode: the most gains from trade any allocation of the episode's jobs to each carrier's capacity over the episode could reach, timing relaxed; clearing by clearing, exactly, where no job can wait and every carrier departs on one schedule (S in ne_adherence)"},
		{"shipper_share", "ratio; > 1: carriers lose", "shippers' gains / the gains shippers and carriers realised together (0.5 = even split); above 1 when the carriers' gains are negative, below 0 when the shippers' are; empty unless the total is positive"},
		{"jain", "index in [1/n, 1]", "Jain's fairness index over the gains of all shippers and carriers"},
		{"mean_bid", "money per quote", "mean bid quoted"},
		{"mean_ask", "money per quote", "mean ask quoted"},
		{"mean_price", "money per job", "mean price paid by a shipped job"},
		{"price_per_cost", "price / cost", "mean over shipped jobs (with a positive transport cost) of the price paid per unit of transport cost"},
		{"price_volatility", "price / cost", "standard deviation over the same jobs of the price paid per unit of transport cost"},
		{"sigma_carrier", "money", "standard deviation of the ask policy of the first learning carrier"},
	}
}

// EquilibriumMetrics returns the columns the Nash-equilibrium measurement
// adds to evaluations.csv (MODEL section 6; how they are measured is
// documented in package experiments).
func EquilibriumMetrics() []Metric {
	return []Metric{
		{Name: "br_gap_shipper", Unit: "money per episode", Description: "best-response gap of the shippers: what deviating to the best response found gains, holding the others fixed (exact where br_exact_shipper is 1, a lower bound from a search otherwise; never below 0)"},
		{Name: "br_gap_carrier", Unit: "money per episode", Description: "best-response gap of the carriers (exact where br_exact_carrier is 1, a lower bound otherwise)"},
		{Name: "nash_conv", Unit: "money per episode", Description: "NashConv: the sum of the best-response gaps of every agent"},
		{Name: "nash_conv_ci95", Unit: "money per episode", Description: "half-width of the 95 % interval of nash_conv over the measurement's evaluation episodes"},
		{Name: "ne_adherence", Unit: "fraction", Description: "NE adherence: 1 - nash_conv / eq_surplus clipped to [0,1]"},
		{Name: "eq_distance", Unit: "money", Description: "where the equilibria are known in closed form: distance of the quotes to the nearest equilibrium, no-trade equilibria included (P1's fixed jobs: mean over job types of the distance of the mean (bid, ask) to the job's equilibrium set; bilateral trading: the L2 distance of the quote functions to Chatterjee and Samuelson's linear equilibrium; the m x m market (large-market): the same to its symmetric linear equilibrium, each side's squared error averaged over its agents)"},
		{Name: "eq_surplus", Unit: "money per episode", Description: "S of ne_adherence: the efficient gains from trade per measurement episode"},
		{Name: "utility_loss_shipper", Unit: "fraction; U ≥ 0 only", Description: "the shippers' relative utility loss 1 - U(profile) / U(best response), as bnelearn and SODA report it: the fraction of their best response's utility the profile forgoes, in [0, 1]; empty where U(best response) is not positive or U(profile) is negative (the shippers lose money in the profile: br_gap_shipper is their loss in money)"},
		{Name: "utility_loss_carrier", Unit: "fraction; U ≥ 0 only", Description: "the carriers' relative utility loss 1 - U(profile) / U(best response), as for the shippers: in [0, 1]; empty where U(best response) is not positive or U(profile) is negative (br_gap_carrier is their loss in money)"},
		{Name: "br_exact_shipper", Unit: "fraction", Description: "share of the shippers whose best response was computed exactly (1) rather than searched for (0)"},
		{Name: "br_exact_carrier", Unit: "fraction", Description: "share of the carriers whose best response was computed exactly"},
	}
}
