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
		{"sigma", "money", "standard deviation of the bid policy"},
	}
}
