package chart

import (
	"fmt"
	"image/color"
	"math"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Reference is a horizontal reference line, such as a figure reported in a
// paper.
type Reference struct {
	Value float64
	Label string // legend text; "reference <value>" when empty
}

// Band is a horizontal band of reference, such as the prices of an
// equilibrium.
type Band struct {
	Low, High float64
	Label     string // legend text; "equilibrium [low, high]" when empty
}

const episodeAxis = "training episodes completed"

// LearningCurve plots a metric of evaluations.csv (key columns replicate and
// episode, one value column per metric) against the training episodes
// completed before each evaluation: the mean over replicates with its 95 %
// confidence band (Student t over replicates, [results.Summarize]), and ref as a
// dashed horizontal line when it is not nil. Missing values (NaN) are
// skipped; where fewer than two replicates have a value there is no band,
// and the legend says so when no point has one.
//
// Its data has the key column episode and the value columns
// <metric>_mean, <metric>_ci95_low, <metric>_ci95_high and <metric>_n
// (replicates behind the point), then reference when ref is given. Its name
// is learning_<metric>.
func LearningCurve(evals *results.Table, m results.Metric, ref *Reference) (*Figure, error) {
	if ref != nil && !isFinite(ref.Value) {
		return nil, fmt.Errorf("learning curve of %s: reference value %v is not finite", m.Name, ref.Value)
	}
	g, err := newEpisodeGrid(evals, "evaluations")
	if err != nil {
		return nil, err
	}
	per, err := g.series(m.Name)
	if err != nil {
		return nil, err
	}
	idx := thinned(len(g.episodes))
	s := summarize(m.Name, per, idx)
	if !s.finite {
		return nil, fmt.Errorf("evaluations table: column %q holds no value", m.Name)
	}
	eps := pick(g.episodes, idx)
	data := summaryTable("episode", eps, []*seriesSummary{s})
	c := newChart(capitalize(Label(m.Name))+" during training", episodeAxis, axisLabel(Label(m.Name), m.Unit))
	c.summaries(toFloats(eps), []*seriesSummary{s}, []color.NRGBA{colorBlue}, []string{replicatesPhrase(s)})
	if ref != nil {
		h := &plotHLine{y: ref.Value, style: draw.LineStyle{Color: colorBlack, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}}
		c.p.Add(h)
		label := ref.Label
		if label == "" {
			label = "reference " + results.FormatFloat(ref.Value)
		}
		c.legend(label, h)
		addConstColumn(data, "reference", ref.Value)
	}
	return c.figure("learning_"+m.Name, data), nil
}

// BidAsk plots the mean bid and mean ask quoted in each training episode,
// and the mean price paid when the column is there (episodes.csv: key
// columns replicate and episode, value columns mean_bid, mean_ask and
// optionally mean_price). Each replicate's series is first smoothed by a
// trailing moving average over [SmoothingWindow] episodes, then summarised
// over replicates with a 95 % confidence band. An equilibrium band is shaded
// when band is not nil. Runs longer than 1000 episodes are drawn at 1000
// evenly spaced episodes (and the last).
//
// Its data has the key column episode and, for each of mean_bid, mean_ask
// and mean_price, the value columns <series>_mean, <series>_ci95_low,
// <series>_ci95_high and <series>_n, then band_low and band_high when band
// is given. Its name is bid_ask.
func BidAsk(episodes *results.Table, band *Band) (*Figure, error) {
	if band != nil && (!isFinite(band.Low) || !isFinite(band.High) || band.Low > band.High) {
		return nil, fmt.Errorf("bid-ask figure: band [%v, %v] is not a finite interval", band.Low, band.High)
	}
	names := []string{"mean_bid", "mean_ask"}
	if episodes.Column("mean_price") >= 0 {
		names = append(names, "mean_price")
	}
	g, err := newEpisodeGrid(episodes, "episodes")
	if err != nil {
		return nil, err
	}
	w := SmoothingWindow(len(g.episodes))
	idx := thinned(len(g.episodes))
	var ss []*seriesSummary
	var colors []color.NRGBA
	var labels []string
	for _, name := range names {
		per, err := g.series(name)
		if err != nil {
			return nil, err
		}
		ss = append(ss, summarize(name, smoothed(per, w, idx), upTo(len(idx))))
		colors = append(colors, seriesColor(name))
		labels = append(labels, map[string]string{"mean_bid": "mean bid", "mean_ask": "mean ask", "mean_price": "mean price paid"}[name])
	}
	if !ss[0].finite && !ss[1].finite {
		return nil, fmt.Errorf("episodes table: columns %q and %q hold no value", "mean_bid", "mean_ask")
	}
	eps := pick(g.episodes, idx)
	data := summaryTable("episode", eps, ss)
	c := newChart("Bids, asks and prices during training\n"+replicatesPhrase(ss...),
		smoothedAxis(w), "bid, ask, price (money)")
	if band != nil {
		h := &plotHBand{lo: band.Low, hi: band.High, color: translucent(colorGrey)}
		c.p.Add(h)
		label := band.Label
		if label == "" {
			label = fmt.Sprintf("equilibrium [%s, %s]", results.FormatFloat(band.Low), results.FormatFloat(band.High))
		}
		c.legend(label, h)
		addConstColumn(data, "band_low", band.Low)
		addConstColumn(data, "band_high", band.High)
	}
	c.summaries(toFloats(eps), ss, colors, labels)
	return c.figure("bid_ask", data), nil
}

// Shares plots, over training, the utilization (shipped volume / offered
// capacity) and the shippers' share of the rewards,
// shipper_reward / (shipper_reward + carrier_reward), of episodes.csv. Each
// is smoothed and summarised over replicates as in [BidAsk]. A share is
// only a share of a whole when its parts are non-negative, so the reward
// share of a replicate's episode is taken as missing (NaN) unless both
// rewards are non-negative and their sum is positive; when no episode has
// one (as in P2, where the shippers' rewards are costs) the series is left
// out, and the title names only what is drawn. Either series is also left
// out when its columns are absent; with neither there is an error.
//
// Its data has the key column episode and, for utilization and
// shipper_reward_share when drawn, the value columns <series>_mean,
// <series>_ci95_low, <series>_ci95_high and <series>_n. Its name is shares.
func Shares(episodes *results.Table) (*Figure, error) {
	g, err := newEpisodeGrid(episodes, "episodes")
	if err != nil {
		return nil, err
	}
	w := SmoothingWindow(len(g.episodes))
	idx := thinned(len(g.episodes))
	var ss []*seriesSummary
	var colors []color.NRGBA
	var labels []string
	add := func(name, label string, per [][]float64) {
		s := summarize(name, smoothed(per, w, idx), upTo(len(idx)))
		if s.finite {
			ss, colors, labels = append(ss, s), append(colors, seriesColor(name)), append(labels, label)
		}
	}
	if episodes.Column("utilization") >= 0 {
		per, err := g.series("utilization")
		if err != nil {
			return nil, err
		}
		add("utilization", "utilisation (shipped volume / offered capacity)", per)
	}
	note := ""
	sc, cc := episodes.Column("shipper_reward"), episodes.Column("carrier_reward")
	if sc >= 0 && cc >= 0 {
		share := make([]float64, len(episodes.Rows))
		for i, r := range episodes.Rows {
			s, c := r.Values[sc], r.Values[cc]
			share[i] = math.NaN()
			if s >= 0 && c >= 0 && s+c > 0 && !math.IsInf(s+c, 0) {
				share[i] = s / (s + c)
			}
		}
		n := len(ss)
		add("shipper_reward_share", "shippers' reward share (shippers' / (shippers' + carriers') reward)", g.layout(share))
		if len(ss) == n {
			note = "shipper reward share not shown: no episode with both rewards ≥ 0 and a positive sum"
		}
	}
	if len(ss) == 0 {
		if note != "" {
			return nil, fmt.Errorf("episodes table: nothing to plot in shares: no utilization and %s", note)
		}
		return nil, fmt.Errorf("episodes table has neither column %q nor columns %q and %q (it has %s)",
			"utilization", "shipper_reward", "carrier_reward", columnNames(episodes))
	}
	eps := pick(g.episodes, idx)
	title, yLabel := "Utilisation and shippers' reward share", "share (fraction)"
	switch {
	case len(ss) == 1 && ss[0].name == "utilization":
		title, yLabel = "Utilisation", "utilisation (fraction of offered capacity)"
	case len(ss) == 1:
		title = "Shippers' reward share"
	}
	c := newChart(title+" during training\n"+replicatesPhrase(ss...), smoothedAxis(w), yLabel)
	c.summaries(toFloats(eps), ss, colors, labels)
	c.p.Y.Min, c.p.Y.Max = math.Min(c.p.Y.Min, 0), math.Max(c.p.Y.Max, 1)
	return c.figure("shares", summaryTable("episode", eps, ss)), nil
}

// summaries draws each summary as a band (when it has one) under a line,
// all bands first so no band hides a line, with one legend entry each.
func (c *chart) summaries(xs []float64, ss []*seriesSummary, colors []color.NRGBA, labels []string) {
	bands := make([]*plotBand, len(ss))
	for i, s := range ss {
		if s.hasBand {
			bands[i] = &plotBand{xs: xs, lo: s.lo, hi: s.hi, color: translucent(colors[i])}
			c.p.Add(bands[i])
		}
	}
	for i, s := range ss {
		l := newLine(xs, s.mean, colors[i])
		c.p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if bands[i] != nil {
			thumbs = []plot.Thumbnailer{bands[i], l}
		}
		c.legend(labels[i], thumbs...)
	}
}

// smoothedAxis is the x label of a smoothed training figure.
func smoothedAxis(w int) string {
	if w == 1 {
		return episodeAxis
	}
	return fmt.Sprintf("training episode (count; moving average over %d episodes)", w)
}

// smoothed is the moving average of each replicate's series at the
// indices idx, laid out on idx.
func smoothed(per [][]float64, w int, idx []int) [][]float64 {
	out := make([][]float64, len(per))
	for r, xs := range per {
		out[r] = movingAverage(xs, w, idx)
	}
	return out
}

// upTo returns 0, 1, ..., n-1.
func upTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// pick returns xs at the indices idx.
func pick(xs []int64, idx []int) []int64 {
	out := make([]int64, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

func toFloats(xs []int64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// addConstColumn appends a value column holding v in every row.
func addConstColumn(t *results.Table, name string, v float64) {
	t.Values = append(t.Values, name)
	for i := range t.Rows {
		t.Rows[i].Values = append(t.Rows[i].Values, v)
	}
}

// SigmaCurve plots the standard deviation of the first learning shipper's
// policy after each training episode's update (column sigma of
// episodes.csv), unsmoothed: the mean over replicates with its 95 %
// confidence band, drawn at up to 1000 evenly spaced episodes (and the
// last), as in [BidAsk]. It shows whether sigma collapses, settles, or
// sits at its floor. Episodes without a value (no learning shipper) are
// skipped; a table with none is an error.
//
// Its data has the key column episode and the value columns sigma_mean,
// sigma_ci95_low, sigma_ci95_high and sigma_n. Its name is training_sigma.
func SigmaCurve(episodes *results.Table) (*Figure, error) {
	g, err := newEpisodeGrid(episodes, "episodes")
	if err != nil {
		return nil, err
	}
	per, err := g.series("sigma")
	if err != nil {
		return nil, err
	}
	idx := thinned(len(g.episodes))
	s := summarize("sigma", per, idx)
	if !s.finite {
		return nil, fmt.Errorf("episodes table: column %q holds no value", "sigma")
	}
	eps := pick(g.episodes, idx)
	c := newChart("Spread of the shipper's bids after each update\n"+replicatesPhrase(s), "training episode (count)", axisLabel(Label("sigma"), "money"))
	c.summaries(toFloats(eps), []*seriesSummary{s}, []color.NRGBA{colorBlue}, []string{"σ of the bid policy"})
	c.p.Y.Min = math.Min(c.p.Y.Min, 0)
	return c.figure("training_sigma", summaryTable("episode", eps, []*seriesSummary{s})), nil
}
