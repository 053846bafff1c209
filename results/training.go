package results

// Episode accumulates one training episode for the per-episode table
// (episodes.csv): what was quoted, what traded, and how much capacity was used.
type Episode struct {
	Quotes   int     // bids quoted (one per waiting job per clearing)
	BidSum   float64 // their sum
	AskSum   float64 // the sum of the asks quoted with them
	Trades   int     // jobs shipped
	PriceSum float64 // what their shippers paid
	Offered  int     // capacity offered
	Shipped  int     // volume shipped
	Jobs     int     // jobs finished (shipped or failed)
}

// Reset empties e.
func (e *Episode) Reset() { *e = Episode{} }

// AddQuote counts one bid and ask.
func (e *Episode) AddQuote(bid, ask float64) {
	e.Quotes++
	e.BidSum += bid
	e.AskSum += ask
}

// AddQuotes counts n bids and asks quoted, of sums bids and asks.
func (e *Episode) AddQuotes(n int, bids, asks float64) {
	e.Quotes += n
	e.BidSum += bids
	e.AskSum += asks
}

// AddClearing counts one departure's offered capacity and shipped volume.
func (e *Episode) AddClearing(capacity, shipped int) {
	e.Offered += capacity
	e.Shipped += shipped
}

// AddTrade counts one shipped job and its price.
func (e *Episode) AddTrade(price float64) {
	e.Trades++
	e.PriceSum += price
}

// AddJob counts one finished job.
func (e *Episode) AddJob() { e.Jobs++ }

// MeanBid is the mean bid quoted.
func (e *Episode) MeanBid() float64 { return ratio(e.BidSum, float64(e.Quotes)) }

// MeanAsk is the mean ask quoted.
func (e *Episode) MeanAsk() float64 { return ratio(e.AskSum, float64(e.Quotes)) }

// MeanPrice is the mean price paid by a shipped job.
func (e *Episode) MeanPrice() float64 { return ratio(e.PriceSum, float64(e.Trades)) }

// ShipShare is the share of finished jobs that shipped.
func (e *Episode) ShipShare() float64 { return ratio(float64(e.Trades), float64(e.Jobs)) }

// Utilization is shipped volume over offered capacity.
func (e *Episode) Utilization() float64 { return ratio(float64(e.Shipped), float64(e.Offered)) }

// EpisodeColumns are the value columns of episodes.csv, after the keys
// replicate and episode.
func EpisodeColumns() []Metric {
	return []Metric{
		{"shipper_reward", "money per episode", "total reward of the shippers in the training episode"},
		{"carrier_reward", "money per episode", "total reward of the carriers in the training episode"},
		{"mean_bid", "money per quote", "mean bid quoted for a waiting job at a clearing"},
		{"mean_ask", "money per quote", "mean ask quoted for a waiting job at a clearing"},
		{"mean_price", "money per job", "mean price paid by a shipped job"},
		{"ship_share", "fraction", "share of finished jobs that shipped"},
		{"utilization", "fraction", "shipped volume / offered capacity"},
		{"sigma", "money", "standard deviation of the first learning shipper's policy after the episode's update"},
	}
}

// TradeColumns are the columns of trades.csv: integer keys, then values.
func TradeColumns() (keys []string, values []Metric) {
	return []string{"replicate", "episode", "evaluation_episode", "epoch", "job", "carrier"},
		[]Metric{
			{"volume", "volume units", "the job's volume"},
			{"distance", "distance units", "the job's distance"},
			{"bid", "money", "the shipper's bid"},
			{"ask", "money", "the carrier's ask"},
			{"pay", "money", "what the shipper paid"},
			{"receive", "money", "what the carrier received"},
			{"cost", "money", "the carrier's cost k*v*l"},
		}
}
