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
		{"avg_bidding_cost", "money per decision", "P2's own figure: mean over remaining-due groups 0..5 of the mean return of a bid decision in that group (negative: a cost)"},
		{"cost_per_job", "money per job", "mean total cost of a finished job: price paid, holding and failure penalties"},
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
		{"surplus", "money per episode", "the efficient benchmark per evaluation episode: the most gains from trade any allocation of the episode's jobs to each carrier's capacity over the episode could reach, timing relaxed (S in ne_adherence)"},
		{"shipper_share", "fraction", "shippers' share of the gains shippers and carriers realised (0.5 = even split)"},
		{"jain", "index in [1/n, 1]", "Jain's fairness index over the gains of all shippers and carriers"},
		{"mean_bid", "money per quote", "mean bid quoted"},
		{"mean_ask", "money per quote", "mean ask quoted"},
		{"mean_price", "money per job", "mean price paid by a shipped job"},
		{"price_per_cost", "price / cost", "mean over shipped jobs of the price paid per unit of transport cost"},
		{"price_volatility", "price / cost", "standard deviation over shipped jobs of price paid per unit of transport cost"},
		{"sigma_carrier", "money", "standard deviation of the ask policy of the first learning carrier"},
	}
}

// EquilibriumMetrics returns the columns the Nash-equilibrium measurement
// adds to evaluations.csv (MODEL section 6; how they are measured is
// documented in package experiments).
func EquilibriumMetrics() []Metric {
	return []Metric{
		{Name: "br_gap_shipper", Unit: "money per episode", Description: "best-response gap of the learning shippers: what deviating to the best response found gains, holding the others fixed (a lower bound)"},
		{Name: "br_gap_carrier", Unit: "money per episode", Description: "best-response gap of the learning carriers (a lower bound)"},
		{Name: "nash_conv", Unit: "money per episode", Description: "NashConv: the sum of the best-response gaps"},
		{Name: "nash_conv_ci95", Unit: "money per episode", Description: "half-width of the 95 % interval of nash_conv over the measurement's evaluation episodes"},
		{Name: "ne_adherence", Unit: "fraction", Description: "NE adherence: 1 - nash_conv / S clipped to [0,1], S the efficient gains from trade per measurement episode"},
		{Name: "eq_distance", Unit: "money", Description: "where the equilibrium is known in closed form: mean over the job types of the distance of the learned mean (bid, ask) to the job's equilibrium set: bid = ask = p with cost <= p <= reservation for a job worth shipping, bid <= ask for one that is not"},
	}
}
