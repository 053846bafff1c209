package chart

import "strings"

// labels are the words that name a metric or a swept parameter in titles
// and on axes; the files keep the column names. Units come from the
// metric tables of package results.
var labels = map[string]string{
	// P2's metrics
	"avg_bidding_cost":    "average bidding cost",
	"cost_per_job":        "cost per job",
	"ship_share":          "share of jobs shipped",
	"utilization":         "utilisation",
	"mean_winning_bid":    "mean winning bid",
	"mean_transport_cost": "mean transport cost",
	"sigma":               "spread of the shipper's bids (σ)",
	// every market's
	"efficiency":       "allocative efficiency",
	"surplus":          "efficient surplus",
	"shipper_share":    "shippers' share of the gains",
	"jain":             "Jain's fairness index",
	"mean_bid":         "mean bid",
	"mean_ask":         "mean ask",
	"mean_price":       "mean price paid",
	"price_per_cost":   "price per unit of transport cost",
	"price_volatility": "price volatility",
	"sigma_carrier":    "spread of the carrier's asks (σ)",
	// the equilibrium measurement's
	"br_gap_shipper":       "shippers' best-response gap",
	"br_gap_carrier":       "carriers' best-response gap",
	"nash_conv":            "NashConv",
	"nash_conv_ci95":       "NashConv's 95 % half-width",
	"ne_adherence":         "Nash-equilibrium adherence",
	"eq_distance":          "distance to equilibrium",
	"eq_surplus":           "efficient gains from trade",
	"utility_loss_shipper": "shippers' relative utility loss",
	"utility_loss_carrier": "carriers' relative utility loss",
	"br_exact_shipper":     "shippers with an exact best response",
	"br_exact_carrier":     "carriers with an exact best response",
	// a network's
	"empty_km_share": "share of distance run empty",
	"idle_share":     "share of truck time idle",
	"empty_cost":     "cost of empty running",
	// trades and episodes
	"pay":            "price paid",
	"pay/cost":       "price paid per unit of transport cost",
	"shipper_reward": "shippers' reward",
	"carrier_reward": "carriers' reward",
	// parameters the docs sweep and the curve vary
	"demand_ratio": "demanded volume / offered capacity",
	"capacity":     "truck capacity",
	"alpha_mu":     "learning rate of the bid's mean (α_μ)",
	"alpha_sigma":  "learning rate of the bid's spread (α_σ)",
	"risk":         "carrier's risk attitude",
	"penalty":      "shippers' failure penalty",
	"sharing":      "job sharing",
	"buyers":       "shippers' strategy",
	"sellers":      "carriers' strategy",
}

// Label is the words for a metric or parameter: "utilisation" for
// utilization, "share of jobs shipped" for ship_share. A name it does not
// know is written with spaces for underscores.
func Label(name string) string {
	if l, ok := labels[name]; ok {
		return l
	}
	return strings.ReplaceAll(name, "_", " ")
}

// capitalize puts the first letter of a title in upper case.
func capitalize(s string) string {
	for i, r := range s {
		if i == 0 && r >= 'a' && r <= 'z' {
			return string(r-'a'+'A') + s[1:]
		}
		break
	}
	return s
}
