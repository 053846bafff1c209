package experiments

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/gonum/stat/distuv"
)

// MisreportMetrics are the columns of evaluations.csv, after the learned
// weights, of markets whose jobs have private values drawn at random
// (jobs.value): how far the quotes of the units that traded are from
// their owners' types, measured on the quoting strategy's mean.
func MisreportMetrics() []results.Metric {
	return []results.Metric{
		{Name: "misreport_bid", Unit: "money per volume unit", Description: "mean over the units shipped in the evaluation episodes of |bid - reservation| per volume unit, the bid taken as the quoting policy's mean for a learning shipper (its strategy, without the exploration noise) and as quoted otherwise; the reservation (value + penalty * volume) is what a truthful shipper bids; empty when nothing shipped"},
		{Name: "misreport_ask", Unit: "money per volume unit", Description: "the same for the asks of the carriers that carried them: |ask - cost| per volume unit, the cost being what a truthful carrier asks"},
	}
}

// hasMisreport reports whether evaluations.csv has the misreport columns:
// jobs with private values drawn at random, outside networks.
func hasMisreport(sc *scenario.Config) bool {
	return sc.Jobs.Value.Set() && !sc.IsNetwork()
}

// misreports accumulates the misreport of the units traded in evaluation
// episodes ([MisreportMetrics]).
type misreports struct {
	bid, ask float64 // sums of |quote - type| per volume unit
	n        int     // traded jobs
}

// add counts one traded job: its bid and ask as quoted, the shipper's and
// the carrier's records of it (whose last decision's mean, where there is
// one, replaces the quote), and its cost to the carrier.
func (m *misreports) add(j *agents.Job, bid, ask, cost float64, carrier *agents.Record) {
	bid, ask = lastMean(&j.Ship, bid), lastMean(carrier, ask)
	v := float64(j.Volume)
	m.bid += math.Abs(bid-j.Reserve) / v
	m.ask += math.Abs(ask-cost) / v
	m.n++
}

// metrics returns misreport_bid and misreport_ask (NaN when nothing traded).
func (m *misreports) metrics() []float64 {
	if m.n == 0 {
		return []float64{math.NaN(), math.NaN()}
	}
	return []float64{m.bid / float64(m.n), m.ask / float64(m.n)}
}

// lastMean is the mean of the last decision in rec, or quote when rec
// holds none (the quote of a strategy that does not learn).
func lastMean(rec *agents.Record, quote float64) float64 {
	if n := len(rec.Mean); n > 0 {
		return rec.Mean[n-1]
	}
	return quote
}

// Line is a quote linear in the trader's type: price = Intercept + Slope *
// type (a learned bid in the value, or ask in the cost).
type Line struct{ Intercept, Slope float64 }

// At is the line's quote for type t.
func (l Line) At(t float64) float64 { return l.Intercept + l.Slope*t }

// MarketMisreport measures a profile of linear quotes on the m x m market
// of Rustichini, Satterthwaite and Williams (1994): each of rounds rounds,
// m buyers with values and m sellers with costs uniform on [0, 1] (drawn
// from rng) quote bid.At(value) and ask.At(cost), and the k-double auction
// with one price (market.UniformPrice) clears them: the buyers whose bids
// are among the m highest of the 2m pooled quotes buy from the sellers
// whose asks are among the m lowest, as many of each (which traders trade
// does not depend on k; the price does, and is not needed here). It returns the misreport, the mean over the traders (buyers
// and sellers who trade) of |quote - type|, and the inefficiency, 1 - the
// realised gains from trade / the first best (the largest gains any
// matching of the round's buyers and sellers could realise), and the
// marginal misreport, the mean |quote - type| of the two quotes that set
// the price, s(m) and s(m+1), traded or not (the traders whose quotes
// move the price, and the only ones whose shading a learner is paid for
// in a large market). Truthful quotes give 0, 0 and 0; quotes shaded by x
// on both sides (bid = value - x, ask = cost + x) misreports of exactly x. Learned profiles are measured
// on their mean quotes: the noise a learner explores with is not part of
// its strategy.
func MarketMisreport(m int, bid, ask Line, rounds int, rng *rand.Rand) (misreport, inefficiency, marginal float64, err error) {
	if m < 1 || rounds < 1 {
		return 0, 0, 0, fmt.Errorf("market misreport: m %d and %d rounds, want both >= 1", m, rounds)
	}
	type quote struct {
		price, typ float64
		buyer      bool
	}
	q := make([]quote, 2*m)
	vals, costs := make([]float64, m), make([]float64, m)
	var mis, got, best, margin float64
	traders := 0
	for range rounds {
		for i := range m {
			vals[i], costs[i] = rng.Float64(), rng.Float64()
			q[i] = quote{bid.At(vals[i]), vals[i], true}
			q[m+i] = quote{ask.At(costs[i]), costs[i], false}
		}
		// Sellers first among equal quotes, so that a bid equal to an ask
		// at the price does not trade past its match.
		slices.SortStableFunc(q, func(a, b quote) int {
			if a.price != b.price {
				return cmp.Compare(a.price, b.price)
			}
			if a.buyer == b.buyer {
				return 0
			}
			if a.buyer {
				return 1
			}
			return -1
		})
		margin += math.Abs(q[m-1].price-q[m-1].typ) + math.Abs(q[m].price-q[m].typ)
		for i, x := range q {
			trades := (x.buyer && i >= m) || (!x.buyer && i < m)
			if !trades {
				continue
			}
			traders++
			mis += math.Abs(x.price - x.typ)
			if x.buyer {
				got += x.typ
			} else {
				got -= x.typ
			}
		}
		slices.Sort(vals)
		slices.Sort(costs)
		for i := range m {
			best += max(0, vals[m-1-i]-costs[i])
		}
	}
	if traders > 0 {
		mis /= float64(traders)
	}
	margin /= float64(2 * rounds)
	if best <= 0 {
		return mis, 0, margin, nil
	}
	return mis, 1 - got/best, margin, nil
}

// PowerFit is the least-squares fit of log y = Intercept + Slope log x,
// with the 95 % confidence interval of the slope from its standard error
// (Student's t with n - 2 degrees of freedom).
type PowerFit struct {
	Slope, Intercept float64
	Low, High        float64 // the slope's 95 % interval
	N                int     // the points fitted
}

// FitPower fits log y against log x by ordinary least squares over every
// (x, y) pair, one per replicate and point, so that the slope's interval
// reflects the spread between replicates. It needs at least three pairs,
// two distinct x, and x, y > 0.
func FitPower(x, y []float64) (PowerFit, error) {
	if len(x) != len(y) || len(x) < 3 {
		return PowerFit{}, fmt.Errorf("power fit: %d x and %d y, want as many of each and at least 3", len(x), len(y))
	}
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	for i := range x {
		if !(x[i] > 0) || !(y[i] > 0) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			return PowerFit{}, fmt.Errorf("power fit: point %d is (%v, %v), want finite x, y > 0", i, x[i], y[i])
		}
		lx[i], ly[i] = math.Log(x[i]), math.Log(y[i])
	}
	n := float64(len(x))
	var mx, my float64
	for i := range lx {
		mx += lx[i]
		my += ly[i]
	}
	mx, my = mx/n, my/n
	var sxx, sxy float64
	for i := range lx {
		sxx += (lx[i] - mx) * (lx[i] - mx)
		sxy += (lx[i] - mx) * (ly[i] - my)
	}
	if sxx == 0 {
		return PowerFit{}, fmt.Errorf("power fit: every x is %v, want two distinct values at least", x[0])
	}
	f := PowerFit{Slope: sxy / sxx, N: len(x)}
	f.Intercept = my - f.Slope*mx
	var sse float64
	for i := range lx {
		r := ly[i] - f.Intercept - f.Slope*lx[i]
		sse += r * r
	}
	se := math.Sqrt(sse / (n - 2) / sxx)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 2}.Quantile(0.975)
	f.Low, f.High = f.Slope-t*se, f.Slope+t*se
	return f, nil
}

// LargeMarkets is the measurement of a sweep of the large-market preset
// over m: per run, the misreport and the inefficiency of its learned mean
// quotes on the m x m market ([MarketMisreport]), and their power laws in m.
type LargeMarkets struct {
	M, Misreport, Inefficiency, Marginal []float64 // per successful run
	MisreportFit, IneffFit, MarginalFit  PowerFit
}

// MeasureLargeMarkets reads a sweep's runs.csv whose axis m is the number
// of buyers and of sellers, and whose runs report the learned bid
// (theta_0 + theta_1 value, the first shipper: every buyer's, as one
// shipper owns every container) and ask (ask_theta_0 + ask_theta_1 cost, the
// first carrier: the carriers are alike, so one stands for all).
// Each run's profile is played for rounds*16/m rounds (as many quotes at
// every m) on a stream derived from seed and the run's row.
func MeasureLargeMarkets(runs io.Reader, rounds int, seed uint64) (LargeMarkets, error) {
	rows, err := csv.NewReader(runs).ReadAll()
	if err != nil {
		return LargeMarkets{}, fmt.Errorf("large markets: %w", err)
	}
	if len(rows) < 2 {
		return LargeMarkets{}, errors.New("large markets: runs.csv has no run")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"m", "status", "theta_0", "theta_1", "ask_theta_0", "ask_theta_1"} {
		if _, ok := col[h]; !ok {
			return LargeMarkets{}, fmt.Errorf("large markets: runs.csv has no column %s", h)
		}
	}
	var out LargeMarkets
	for r, row := range rows[1:] {
		if row[col["status"]] != "ok" {
			continue
		}
		var v [5]float64
		for i, h := range []string{"m", "theta_0", "theta_1", "ask_theta_0", "ask_theta_1"} {
			if v[i], err = strconv.ParseFloat(row[col[h]], 64); err != nil {
				return LargeMarkets{}, fmt.Errorf("large markets: runs.csv line %d, %s: %w", r+2, h, err)
			}
		}
		m := int(v[0])
		mis, ineff, marg, err := MarketMisreport(m, Line{v[1], v[2]}, Line{v[3], v[4]}, max(1, rounds*16/m), rand.New(rand.NewPCG(seed, uint64(r))))
		if err != nil {
			return LargeMarkets{}, fmt.Errorf("large markets: runs.csv line %d: %w", r+2, err)
		}
		out.M, out.Misreport, out.Inefficiency = append(out.M, v[0]), append(out.Misreport, mis), append(out.Inefficiency, ineff)
		out.Marginal = append(out.Marginal, marg)
	}
	if out.MisreportFit, err = FitPower(out.M, out.Misreport); err != nil {
		return out, fmt.Errorf("large markets, misreport: %w", err)
	}
	if out.IneffFit, err = FitPower(out.M, out.Inefficiency); err != nil {
		return out, fmt.Errorf("large markets, inefficiency: %w", err)
	}
	if out.MarginalFit, err = FitPower(out.M, out.Marginal); err != nil {
		return out, fmt.Errorf("large markets, marginal misreport: %w", err)
	}
	return out, nil
}
