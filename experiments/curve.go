package experiments

import (
	"context"
	"fmt"
	"math"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
)

// An equilibrium curve: how a learned market's price and utilisation move
// with the ratio of demanded volume to offered capacity, next to what the
// competitive equilibrium predicts at each ratio (Smith's supply-and-demand
// picture, with learning agents).

// CurveOptions sets an equilibrium curve.
type CurveOptions struct {
	Ratios     []float64 // demand/capacity ratios, each > 0
	Replicates int       // per ratio; 0 keeps the scenario's
	Workers    int       // replicates run at once; see Options
	Progress   func()    // see Options
}

// CurveColumns are the value columns of curve.csv: the ratio, then for
// each learned metric its mean and 95 % interval over replicates, then the
// competitive equilibrium's price band and utilisation at that ratio.
func CurveColumns() []string {
	cols := []string{"demand_ratio"}
	for _, m := range []string{"price_per_cost", "utilization", "ship_share", "efficiency"} {
		cols = append(cols, m+"_mean", m+"_ci95_low", m+"_ci95_high")
	}
	return append(cols, "ce_price_low", "ce_price_high", "ce_utilization")
}

// Curve runs sc at each ratio of opt.Ratios (its demand_ratio set to it)
// and returns one row per ratio with the learned price per unit of
// transport cost, utilisation, share shipped and efficiency over the
// replicates, and the competitive equilibrium's price band (per unit of
// transport cost) and utilisation (traded volume / capacity per epoch). All
// ratios use the scenario's seed: common random numbers, so neighbouring
// points differ by the ratio, not by luck.
func Curve(ctx context.Context, sc scenario.Config, opt CurveOptions) (*results.Table, error) {
	if len(opt.Ratios) == 0 {
		return nil, fmt.Errorf("no demand/capacity ratios")
	}
	if err := CheckRatios(sc, opt.Ratios); err != nil {
		return nil, err
	}
	t := &results.Table{Keys: []string{"point"}, Values: CurveColumns()}
	for i, ratio := range opt.Ratios {
		p := sc
		p.DemandRatio = ratio
		if opt.Replicates > 0 {
			p.Replicates = opt.Replicates
		}
		res, err := Run(ctx, p, Options{Workers: opt.Workers, Progress: opt.Progress})
		if err != nil {
			return nil, fmt.Errorf("demand/capacity %v: %w", ratio, err)
		}
		row := []float64{ratio}
		for _, m := range []string{"price_per_cost", "utilization", "ship_share", "efficiency"} {
			s := res.Summary.Metrics[m]
			row = append(row, s.Mean, s.CI95Low, s.CI95High)
		}
		th := equilibrium.NewTheory(&p)
		var perEpoch float64
		for c, capacity := range p.Capacities() {
			perEpoch += float64(capacity) / p.Carriers[c].Schedule.Period
		}
		ceUtil := th.Competitive.Quantity.Mean / perEpoch
		row = append(row, th.Competitive.Low.Mean, th.Competitive.High.Mean, ceUtil)
		t.Append([]int64{int64(i)}, row)
	}
	return t, nil
}

// CheckRatios says whether sc can be run at each demand/capacity ratio
// (scenario.Config.DemandRatioReached): a ratio is refused, with the ratio
// the capacities do reach, when that is more than 10 % away from it;
// otherwise two points of a curve could be the same market under two
// labels.
func CheckRatios(sc scenario.Config, ratios []float64) error {
	for _, r := range ratios {
		if !(r > 0) {
			return fmt.Errorf("demand/capacity ratio %v: want a number > 0", r)
		}
		p := sc
		p.DemandRatio = r
		if got, ok := p.DemandRatioReached(); !ok {
			return fmt.Errorf("demand/capacity ratio %v: %s cannot reach it, as its carriers' capacities are whole units (at least 1), and the nearest they reach is %.3g; want ratios within 10 %% of ones the capacities reach (try %.3g), or carriers of larger capacity", r, sc.Name, got, got)
		}
	}
	return nil
}

// CurveFigures draws an equilibrium curve: the learned price per unit of
// transport cost and the learned utilisation against the demand/capacity
// ratio, each with its 95 % band, in front of the competitive equilibrium's.
//
// The ratio axis is logarithmic, so that 1/3 and 3 lie as far from 1. A
// network's theory has no one-hub competitive equilibrium (its ce_ columns
// are empty): its curves are drawn without the band.
func CurveFigures(t *results.Table) ([]*chart.Figure, error) {
	figs, err := curveFigures(t)
	for _, f := range figs {
		chart.LogX(f)
	}
	return figs, err
}

func curveFigures(t *results.Table) ([]*chart.Figure, error) {
	ratio := results.Metric{Name: "demand_ratio", Unit: "ratio"}
	if k := t.Column("ce_price_low"); k >= 0 && len(t.Rows) > 0 && math.IsNaN(t.Rows[0].Values[k]) {
		var figs []*chart.Figure
		for _, m := range []results.Metric{{Name: "price_per_cost", Unit: "ratio"}, {Name: "utilization", Unit: "fraction"}} {
			f, err := chart.MetricVsAxis(t, ratio, m, "")
			if err != nil {
				return nil, err
			}
			figs = append(figs, f)
		}
		return figs, nil
	}
	price, err := chart.MetricVsAxisBand(t, ratio,
		results.Metric{Name: "price_per_cost", Unit: "ratio"},
		chart.TheoryBand{Low: "ce_price_low", High: "ce_price_high", Label: "competitive equilibrium price band"})
	if err != nil {
		return nil, err
	}
	util, err := chart.MetricVsAxisBand(t, ratio,
		results.Metric{Name: "utilization", Unit: "fraction"},
		chart.TheoryBand{Low: "ce_utilization", High: "ce_utilization", Label: "competitive equilibrium utilisation"})
	if err != nil {
		return nil, err
	}
	return []*chart.Figure{price, util}, nil
}
