package chart

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/freightsim/freightsim/results"
)

// Options adds to a run's figures what its tables do not hold.
type Options struct {
	Refs map[string]Reference // a reference line per metric, e.g. a paper's figure
	Band *Band                // the equilibrium band drawn behind bids and asks
	// Tables, when not nil, are the run's tables as its CSV files hold
	// them (a run that has just written them), drawn instead of reading
	// the files back; the figures are the same.
	Tables *RunTables
}

// RunTables are a run's tables: evaluations.csv, episodes.csv and
// trades.csv (nil when the run recorded no trades).
type RunTables struct {
	Evaluations, Episodes, Trades *results.Table
}

// RunFigures builds the standard figures of a run directory, in this order:
//
//   - a [LearningCurve] for each metric column of evaluations.csv, in column
//     order, except the policy weights theta_* and ask_theta_* and columns with no value
//     (such as the ask policy's sigma when no carrier learns), with the
//     reference line opt.Refs[metric] where it has one (it may be nil);
//   - [BidAsk] against opt.Band (none when nil), when episodes.csv has
//     mean_bid and mean_ask;
//   - [Shares], when episodes.csv has utilization or both rewards;
//   - [SigmaCurve], when episodes.csv has a sigma (a learning shipper);
//   - when trades.csv is present and holds a price, [PriceDistribution] of
//     pay, and of pay per unit of cost when some cost is positive.
//
// Units come from [results.P2Metrics], [results.MarketMetrics] and [results.EpisodeColumns]. When
// summary.json is present its scenario name opens every title. RunFigures
// saves nothing; the caller saves the figures, e.g. into dir/plots.
func RunFigures(dir string, opt Options) ([]*Figure, error) {
	refs := opt.Refs
	t := opt.Tables
	if t == nil {
		var err error
		if t, err = readRunTables(dir); err != nil {
			return nil, err
		}
	}
	evals, episodes, trades := t.Evaluations, t.Episodes, t.Trades
	known := map[string]results.Metric{}
	for _, ms := range [][]results.Metric{results.EpisodeColumns(), results.EquilibriumMetrics(), results.MarketMetrics(), results.P2Metrics()} {
		for _, m := range ms {
			known[m.Name] = m // P2's own description wins
		}
	}

	var figs []*Figure
	add := func(f *Figure, err error) error {
		if err == nil {
			figs = append(figs, f)
		}
		return err
	}
	for _, name := range evals.Values {
		if strings.HasPrefix(name, "theta_") || strings.HasPrefix(name, "ask_theta_") || !hasValue(evals, name, "") {
			continue
		}
		m, ok := known[name]
		if !ok {
			m = results.Metric{Name: name}
		}
		var ref *Reference
		if r, ok := refs[name]; ok {
			ref = &r
		}
		if err := add(LearningCurve(evals, m, ref)); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "evaluations.csv"), err)
		}
	}
	epPath := filepath.Join(dir, "episodes.csv")
	if episodes.Column("mean_bid") >= 0 && episodes.Column("mean_ask") >= 0 {
		if err := add(BidAsk(episodes, opt.Band)); err != nil {
			return nil, fmt.Errorf("%s: %w", epPath, err)
		}
	}
	if episodes.Column("utilization") >= 0 || (episodes.Column("shipper_reward") >= 0 && episodes.Column("carrier_reward") >= 0) {
		if err := add(Shares(episodes)); err != nil {
			return nil, fmt.Errorf("%s: %w", epPath, err)
		}
	}
	if hasValue(episodes, "sigma", "") {
		if err := add(SigmaCurve(episodes)); err != nil {
			return nil, fmt.Errorf("%s: %w", epPath, err)
		}
	}
	if trades != nil && hasValue(trades, "pay", "") {
		trPath := filepath.Join(dir, "trades.csv")
		if err := add(PriceDistribution(trades, "pay", "", "money")); err != nil {
			return nil, fmt.Errorf("%s: %w", trPath, err)
		}
		if hasValue(trades, "pay", "cost") {
			if err := add(PriceDistribution(trades, "pay", "cost", "price / cost")); err != nil {
				return nil, fmt.Errorf("%s: %w", trPath, err)
			}
		}
	}

	if scenario, err := runScenario(dir); err != nil {
		return nil, err
	} else if scenario != "" {
		for _, f := range figs {
			f.Plot.Title.Text = scenario + ": " + f.Plot.Title.Text
		}
	}
	return figs, nil
}

// readRunTables reads the tables of the run in dir.
func readRunTables(dir string) (*RunTables, error) {
	var t RunTables
	var err error
	if t.Evaluations, err = readRunTable(dir, "evaluations.csv", 2); err != nil {
		return nil, err
	}
	if t.Episodes, err = readRunTable(dir, "episodes.csv", 2); err != nil {
		return nil, err
	}
	tradeKeys, _ := results.TradeColumns()
	t.Trades, err = readRunTable(dir, "trades.csv", len(tradeKeys))
	if errors.Is(err, fs.ErrNotExist) {
		t.Trades, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// readRunTable reads dir/name with nkeys integer key columns.
func readRunTable(dir, name string, nkeys int) (*results.Table, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := results.ReadCSV(f, nkeys)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return t, nil
}

// hasValue says whether the value column name holds a finite value (in a
// row whose column per, when given, is positive).
func hasValue(t *results.Table, name, per string) bool {
	c, p := t.Column(name), t.Column(per)
	if c < 0 || (per != "" && p < 0) {
		return false
	}
	for _, r := range t.Rows {
		if isFinite(r.Values[c]) && (per == "" || r.Values[p] > 0) {
			return true
		}
	}
	return false
}

// runScenario is the scenario named in dir/summary.json, or "" when there is
// no such file.
func runScenario(dir string) (string, error) {
	path := filepath.Join(dir, "summary.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var s struct {
		Scenario string `json:"scenario"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return s.Scenario, nil
}
