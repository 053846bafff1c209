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
		{"efficiency", "fraction", "allocative efficiency: gains from trade realised by shippers, carriers and broker / the efficient benchmark of the arrivals"},
		{"surplus", "money per episode", "the efficient benchmark per evaluation episode: the most gains from trade any allocation of the arriving jobs could reach (S in ne_adherence)"},
		{"shipper_share", "fraction", "shippers' share of the gains shippers and carriers realised (0.5 = even split)"},
		{"jain", "index in [1/n, 1]", "Jain's fairness index over the gains of all shippers and carriers"},
		{"mean_bid", "money per quote", "mean bid quoted"},
		{"mean_ask", "money per quote", "mean ask quoted"},
		{"mean_price", "money per job", "mean price paid by a shipped job"},
		{"price_volatility", "price / cost", "standard deviation over shipped jobs of price paid per unit of transport cost"},
		{"sigma_carrier", "money", "standard deviation of the ask policy of the first learning carrier"},
	}
}
