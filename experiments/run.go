package experiments

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/results"
)

// Options control how a run executes; none changes its results.
type Options struct {
	// Workers is how many replicates run at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called after every training episode of every
	// replicate, from the worker goroutines: it must be safe for concurrent use.
	Progress func()
	// Trades records every trade of the evaluation episodes in Result.Trades.
	Trades bool
}

// Result is what a run measured.
type Result struct {
	Scenario    Scenario
	Evaluations *results.Table  // one row per replicate and evaluation point
	Episodes    *results.Table  // one row per replicate and training episode
	Trades      *results.Table  // one row per trade in an evaluation episode; nil unless Options.Trades
	Summary     results.Summary // the final evaluation over replicates
	Seeds       []uint64        // each replicate's derived seed
	Done        []bool          // which replicates finished
	Events      uint64          // engine events handled, all replicates
	EpisodesRun int             // episodes run (training and evaluation), all replicates
	Wall        time.Duration
}

// Run trains and evaluates sc.Replicates independent replicates, each
// seeded from (sc.Seed, replicate), on opt.Workers goroutines. The results
// do not depend on the number of workers. If ctx is cancelled, or a
// replicate fails, Run returns the replicates that finished together with
// the error.
func Run(ctx context.Context, sc Scenario, opt Options) (*Result, error) {
	if ps := sc.validate(); len(ps) > 0 {
		for i := range ps {
			ps[i].File = sc.Name
		}
		return nil, ps
	}
	start := time.Now()
	n := sc.Replicates
	reps := make([]*replicate, n)
	errs := make([]error, n)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)

	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := newReplicate(&sc, i)
				if err == nil && opt.Trades {
					r.obs.trades = newTradesTable()
				}
				if err == nil {
					err = r.run(ctx, opt.Progress)
				}
				reps[i], errs[i] = r, err
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	res := &Result{Scenario: sc, Seeds: make([]uint64, n), Done: make([]bool, n), Wall: time.Since(start)}
	res.Evaluations = &results.Table{Keys: []string{"replicate", "episode"}, Values: metricNames(sc)}
	res.Episodes = &results.Table{Keys: []string{"replicate", "episode"}, Values: names(results.EpisodeColumns())}
	if opt.Trades {
		res.Trades = newTradesTable()
	}
	var failed []error
	for i, r := range reps {
		res.Seeds[i] = ReplicateSeed(sc.Seed, i)
		if r == nil {
			continue
		}
		res.Events += r.events
		res.EpisodesRun += len(r.epochs) * sc.Evaluation.Episodes
		if errs[i] != nil {
			if !errors.Is(errs[i], context.Canceled) && !errors.Is(errs[i], context.DeadlineExceeded) {
				failed = append(failed, errs[i])
			}
			continue
		}
		res.Done[i] = true
		res.EpisodesRun += sc.Training.Episodes + 1
		for k, row := range r.rows {
			res.Evaluations.Append([]int64{int64(i), r.epochs[k]}, row)
		}
		for ep, row := range r.episodes {
			res.Episodes.Append([]int64{int64(i), int64(ep)}, row)
		}
		if res.Trades != nil {
			res.Trades.Rows = append(res.Trades.Rows, r.obs.trades.Rows...)
		}
	}
	res.Summary = results.Summary{
		Scenario:   sc.Name,
		Seed:       sc.Seed,
		Replicates: n,
		Episode:    sc.Training.Episodes,
		Metrics:    results.SummarizeAt(res.Evaluations, 1, int64(sc.Training.Episodes)),
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("run stopped: %w", err)
	}
	if len(failed) > 0 {
		return res, errors.Join(failed...)
	}
	return res, nil
}

func newTradesTable() *results.Table {
	keys, values := results.TradeColumns()
	return &results.Table{Keys: keys, Values: names(values)}
}

func names(ms []results.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// metricNames are the value columns of evaluations.csv.
func metricNames(sc Scenario) []string {
	names := names(results.P2Metrics())
	for _, s := range sc.Shippers {
		if s.Strategy.Kind == "learn" { // the first learning shipper's weights
			for i := range (agents.P2Features{}).Dim() {
				names = append(names, fmt.Sprintf("theta_%d", i))
			}
			break
		}
	}
	return names
}
