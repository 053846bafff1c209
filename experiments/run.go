package experiments

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
)

// Options control how a run executes; none changes its results.
type Options struct {
	// Workers is how many replicates run at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called after every training episode of every
	// replicate, from the worker goroutines: it must be safe for concurrent use.
	Progress func()
	// Measuring, if set, is called when a replicate begins to measure the
	// distance to equilibrium (scenario.Equilibrium), which can take far
	// longer than its training where best responses are searched, from the
	// worker goroutines: it must be safe for concurrent use.
	Measuring func()
	// Untrained runs no training episode: each replicate is evaluated (and,
	// with scenario.Equilibrium on, measured) once, its strategies as
	// configured, with no update. Training.Episodes 0 runs one training
	// episode, followed by its update, before the evaluation.
	Untrained bool
	// Trades records every trade of the evaluation episodes in Result.Trades.
	Trades bool
	// Done holds replicates that finished before, indexed by replicate, nil
	// for those still to run: [LoadReplicates] reads them back from a run
	// directory to resume an interrupted run. Run takes their results instead
	// of running them again. A replicate depends only on the scenario, the
	// seed and its index, so the results are those of an uninterrupted run.
	Done []*ReplicateResult
	// Strategies are the planners' own strategies, by the name that a
	// scenario's strategy kind custom gives (see StrategyFunc).
	Strategies map[string]StrategyFunc
	// OnReplicate, if set, is called with each replicate that Run runs to its
	// end, as soon as it ends, from the worker goroutines: it must be safe
	// for concurrent use. [WriteReplicate] keeps one on disk. An error fails
	// the replicate and stops the run.
	OnReplicate func(*ReplicateResult) error

	// large is the theory of the m x m market, computed once by Run for
	// all its replicates (see replicate.large).
	large func() *equilibrium.Large
}

// ReplicateResult is what one replicate measured: its rows of the run's tables.
type ReplicateResult struct {
	Index       int
	Seed        uint64         // seed.Replicate(scenario seed, Index)
	Evaluations *results.Table // its rows of Result.Evaluations
	Episodes    *results.Table // its rows of Result.Episodes
	Trades      *results.Table // its rows of Result.Trades; nil unless trades are recorded
	Lanes       *results.Table // its rows of Result.Lanes; nil in a one-hub market
	Events      uint64         // engine events it handled
	EpisodesRun int            // training and evaluation episodes it ran
	Measured    time.Duration  // time it spent measuring the distance to equilibrium
	// Equilibrium is the measurement after the last training episode, with
	// every agent's best response, when it ran; not kept on disk, so nil
	// for a replicate read back to resume.
	Equilibrium *equilibrium.Measurement
	Solver      agents.Solver // how its clearings with several carriers were solved
	Benchmark   Benchmark     // how its evaluation episodes' efficient benchmarks were computed
	// Stopped says when and why its training stopped early (training.stop),
	// nil if it ran every episode; not kept on disk.
	Stopped *Stopped
}

// Result is what a run measured.
type Result struct {
	Scenario    scenario.Config
	Evaluations *results.Table  // one row per replicate and evaluation point
	Episodes    *results.Table  // one row per replicate and training episode
	Trades      *results.Table  // one row per trade in an evaluation episode; nil unless Options.Trades
	Lanes       *results.Table  // a network's: one row per replicate, evaluation point and lane (LaneColumns); nil in a one-hub market
	Summary     results.Summary // the final evaluation over the finished replicates
	Seeds       []uint64        // each replicate's derived seed
	Done        []bool          // which replicates finished (here or before)
	Loaded      []bool          // which of them finished before: taken from Options.Done
	Events      uint64          // engine events handled by this call, all replicates
	EpisodesRun int             // episodes run by this call (training and evaluation), all replicates
	Measured    time.Duration   // time this call's replicates spent measuring the distance to equilibrium (summed)
	Wall        time.Duration   // time spent in this call
	// Equilibrium holds each replicate's final equilibrium measurement
	// (ReplicateResult.Equilibrium), nil where it did not run here.
	Equilibrium []*equilibrium.Measurement
	Solver      agents.Solver // summed over this call's replicates
	Benchmark   Benchmark     // summed over this call's replicates
	// Theory is what theory says of the scenario (theory.json), computed
	// while the replicates run.
	Theory *equilibrium.Theory
}

// Complete reports whether every replicate finished.
func (r *Result) Complete() bool {
	for _, d := range r.Done {
		if !d {
			return false
		}
	}
	return true
}

// Run trains and evaluates sc.Replicates independent replicates, each
// seeded from (sc.Seed, replicate), on opt.Workers goroutines, skipping
// those in opt.Done. The results do not depend on the number of workers.
// It stops between two training episodes when ctx is cancelled, and stops
// the other replicates when one fails; it then returns the replicates that
// finished together with the error.
func Run(ctx context.Context, sc scenario.Config, opt Options) (*Result, error) {
	if ps := append(sc.Validate(), Unrunnable(&sc, opt.Strategies)...); len(ps) > 0 {
		for i := range ps {
			ps[i].File = sc.Name
		}
		return nil, ps
	}
	n := sc.Replicates
	if len(opt.Done) > n {
		return nil, fmt.Errorf("%d replicates given as done, but the scenario has %d", len(opt.Done), n)
	}
	reps := make([]*ReplicateResult, n) // finished, here or before
	var todo []int
	for i := range n {
		if i < len(opt.Done) && opt.Done[i] != nil {
			if err := checkDone(&sc, opt.Trades, i, opt.Done[i]); err != nil {
				return nil, err
			}
			reps[i] = opt.Done[i]
			continue
		}
		todo = append(todo, i)
	}
	start := time.Now()
	opt.large = sync.OnceValue(func() *equilibrium.Large { l, _ := equilibrium.LargeForm(&sc); return l })
	theory := make(chan *equilibrium.Theory, 1)
	var theoryErr error
	go func() { // alongside the replicates: it depends on the scenario alone
		defer func() {
			if v := recover(); v != nil {
				theoryErr = &PanicError{Scenario: sc.Name, BaseSeed: sc.Seed, Replicate: -1, Value: fmt.Sprint(v), Stack: string(debug.Stack())}
				theory <- &equilibrium.Theory{Scenario: sc.Name, ClosedFormNote: "not computed: " + theoryErr.Error()}
			}
		}()
		theory <- equilibrium.NewTheory(&sc)
	}()
	runCtx, stop := context.WithCancel(ctx) // stops the other replicates when one fails
	defer stop()
	errs := make([]error, n)
	events := make([]uint64, n)
	episodes := make([]int, n)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(todo))

	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rep, ev, eps, err := runReplicate(runCtx, &sc, i, opt)
				events[i], episodes[i] = ev, eps
				if err == nil && opt.OnReplicate != nil {
					if err = opt.OnReplicate(rep); err != nil {
						err = fmt.Errorf("replicate %d finished but could not be kept: %w", i, err)
					}
				}
				if err != nil {
					errs[i] = err
					if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
						stop()
					}
					continue
				}
				reps[i] = rep
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case next <- i:
		case <-runCtx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	th := <-theory
	res := &Result{Scenario: sc, Seeds: make([]uint64, n), Done: make([]bool, n), Loaded: make([]bool, n), Wall: time.Since(start),
		Equilibrium: make([]*equilibrium.Measurement, n), Theory: th}
	res.Evaluations = &results.Table{Keys: evaluationKeys(), Values: MetricNames(sc)}
	res.Episodes = &results.Table{Keys: evaluationKeys(), Values: names(results.EpisodeColumns())}
	if opt.Trades {
		res.Trades = newTradesTable()
	}
	if sc.IsNetwork() {
		res.Lanes = newLanesTable()
	}
	var failed []error
	for i, rep := range reps {
		res.Seeds[i] = seed.Replicate(sc.Seed, i)
		res.Events += events[i]
		res.EpisodesRun += episodes[i]
		if errs[i] != nil && !errors.Is(errs[i], context.Canceled) && !errors.Is(errs[i], context.DeadlineExceeded) {
			failed = append(failed, errs[i])
		}
		if rep == nil {
			continue
		}
		res.Done[i] = true
		res.Loaded[i] = i < len(opt.Done) && opt.Done[i] != nil
		res.Equilibrium[i] = rep.Equilibrium
		if !res.Loaded[i] {
			res.Measured += rep.Measured
			res.Solver.Add(rep.Solver)
			res.Benchmark.Add(rep.Benchmark)
		}
		res.Evaluations.Rows = append(res.Evaluations.Rows, rep.Evaluations.Rows...)
		res.Episodes.Rows = append(res.Episodes.Rows, rep.Episodes.Rows...)
		if res.Trades != nil {
			res.Trades.Rows = append(res.Trades.Rows, rep.Trades.Rows...)
		}
		if res.Lanes != nil && rep.Lanes != nil {
			res.Lanes.Rows = append(res.Lanes.Rows, rep.Lanes.Rows...)
		}
	}
	res.Summary = results.Summary{
		Scenario:   sc.Name,
		Seed:       sc.Seed,
		Replicates: n,
		Episode:    sc.Training.Episodes,
		Metrics:    results.SummarizeAt(finalRows(res.Evaluations, sc.Training.Episodes), 1, int64(sc.Training.Episodes)),
	}
	for _, rep := range reps {
		if rep != nil && rep.Stopped != nil {
			res.Summary.Stopped = append(res.Summary.Stopped, *rep.Stopped)
		}
	}
	if theoryErr != nil {
		failed = append(failed, theoryErr)
	}
	if len(failed) > 0 {
		return res, errors.Join(failed...)
	}
	if err := ctx.Err(); err != nil && !res.Complete() {
		return res, fmt.Errorf("run stopped: %w", err)
	}
	return res, nil
}

// RunReplicate runs replicate i of sc alone, as Run runs each of its
// replicates, and returns its rows: for a caller that schedules replicates
// itself (a sweep runs each point's replicates as separate runs). sc must
// be valid (Validate); only opt.Progress, opt.Measuring, opt.Untrained,
// opt.Trades and opt.Strategies apply.
func RunReplicate(ctx context.Context, sc *scenario.Config, i int, opt Options) (*ReplicateResult, error) {
	rep, _, _, err := runReplicate(ctx, sc, i, opt)
	return rep, err
}

// runReplicate runs replicate i to its end and returns its rows, with the
// events and episodes it ran (also when it fails or is stopped).
func runReplicate(ctx context.Context, sc *scenario.Config, i int, opt Options) (rep *ReplicateResult, events uint64, eps int, err error) {
	defer func() {
		if v := recover(); v != nil {
			rep, err = nil, &PanicError{Scenario: sc.Name, BaseSeed: sc.Seed, Replicate: i, Seed: seed.Replicate(sc.Seed, i),
				Value: fmt.Sprint(v), Stack: string(debug.Stack())}
		}
	}()
	r, err := newReplicate(sc, i, opt.Strategies)
	if err != nil {
		return nil, 0, 0, err
	}
	if opt.Trades {
		r.obs.trades = newTradesTable()
	}
	r.measuring, r.untrained = opt.Measuring, opt.Untrained
	if opt.large != nil {
		r.large = opt.large
	}
	err = r.run(ctx, opt.Progress)
	eps = len(r.episodes) + len(r.epochs)*sc.Evaluation.Episodes
	if err != nil {
		return nil, r.events, eps, err
	}
	rep = &ReplicateResult{Index: i, Seed: r.seed, Events: r.events, EpisodesRun: eps, Measured: r.measured, Equilibrium: r.final,
		Solver: r.x.Solver, Benchmark: r.obs.benchStats, Stopped: r.stopped,
		Evaluations: &results.Table{Keys: evaluationKeys(), Values: MetricNames(*sc)},
		Episodes:    &results.Table{Keys: evaluationKeys(), Values: names(results.EpisodeColumns())},
		Trades:      r.obs.trades,
		Lanes:       r.lanes,
	}
	for k, row := range r.rows {
		rep.Evaluations.Append([]int64{int64(i), r.epochs[k]}, row)
	}
	for ep, row := range r.episodes {
		rep.Episodes.Append([]int64{int64(i), int64(ep)}, row)
	}
	return rep, r.events, eps, nil
}

// PanicError is a replicate that panicked: a bug of the model or of the
// validation that let its scenario through. It names what reproduces it.
type PanicError struct {
	Scenario  string
	BaseSeed  uint64
	Replicate int
	Seed      uint64 // the replicate's seed, derived from BaseSeed
	Value     string // what the panic said
	Stack     string // the goroutine's stack where it panicked
}

func (e *PanicError) Error() string {
	where := ""
	if f := panicFrame(e.Stack); f != "" {
		where = " at " + f
	}
	what := fmt.Sprintf("replicate %d of scenario %s (base seed %d, replicate seed %d)", e.Replicate, e.Scenario, e.BaseSeed, e.Seed)
	if e.Replicate < 0 {
		what = fmt.Sprintf("the theory (theory.json) of scenario %s", e.Scenario)
	}
	return fmt.Sprintf("%s crashed%s: %s\n"+
		"this is a bug: please report it with the run's config.yaml, which reproduces it with --seed %d",
		what, where, e.Value, e.BaseSeed)
}

// panicFrame is the function and file:line of the stack's frame that
// panicked: the first below runtime's panic machinery.
func panicFrame(stack string) string {
	lines := strings.Split(stack, "\n")
	for k, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		for f := k + 2; f+1 < len(lines); f += 2 { // function, then its file:line
			if fn := strings.TrimSpace(lines[f]); !strings.HasPrefix(fn, "runtime.") && fn != "" {
				if i := strings.LastIndexByte(fn, '('); i > 0 && strings.HasSuffix(fn, ")") {
					fn = fn[:i] // without its arguments' addresses
				}
				return fn + " (" + strings.Fields(strings.TrimSpace(lines[f+1]) + " ")[0] + ")"
			}
		}
	}
	return ""
}

// checkDone checks that rep, given as replicate i of sc, has the tables a
// run of sc would give it.
func checkDone(sc *scenario.Config, trades bool, i int, rep *ReplicateResult) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("replicate %d, given as done: %s", i, fmt.Sprintf(format, args...))
	}
	switch {
	case rep.Index != i:
		return bad("it is replicate %d", rep.Index)
	case rep.Seed != seed.Replicate(sc.Seed, i):
		return bad("its seed %d is not the seed %d derived from base seed %d", rep.Seed, seed.Replicate(sc.Seed, i), sc.Seed)
	case rep.Evaluations == nil || !slices.Equal(rep.Evaluations.Values, MetricNames(*sc)):
		return bad("its evaluation table does not have this scenario's metrics")
	case rep.Episodes == nil || !slices.Equal(rep.Episodes.Values, names(results.EpisodeColumns())):
		return bad("its episode table does not have the episode columns")
	case trades != (rep.Trades != nil):
		return bad("trades recorded %v, want %v", rep.Trades != nil, trades)
	}
	return nil
}

// evaluationKeys are the key columns of evaluations.csv and episodes.csv.
func evaluationKeys() []string { return []string{"replicate", "episode"} }

func newTradesTable() *results.Table {
	keys, values := results.TradeColumns()
	// A job's volume is a whole number of units: an integer, as lanes.csv's.
	return &results.Table{Keys: keys, Values: names(values), Counts: []string{"volume"}}
}

func names(ms []results.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// MetricNames are the value columns of evaluations.csv, in the order of
// replicate.evalRow: P2's metrics, the market metrics, the weights of
// the first learning shipper (theta_i) and carrier (ask_theta_i), then the
// misreport where jobs have random private values.
func MetricNames(sc scenario.Config) []string {
	cols := append(names(results.P2Metrics()), names(results.MarketMetrics())...)
	for _, s := range sc.Shippers {
		if s.Strategy.Kind == scenario.KindLearn {
			cols = append(cols, weightNames("theta", sc, s.Strategy)...)
			break
		}
	}
	for _, c := range sc.Carriers {
		if c.Strategy.Kind == scenario.KindLearn {
			cols = append(cols, weightNames("ask_theta", sc, c.Strategy)...)
			break
		}
	}
	if hasMisreport(&sc) {
		cols = append(cols, names(MisreportMetrics())...)
	}
	if sc.Equilibrium.Enabled {
		cols = append(cols, names(equilibrium.Columns())...)
	}
	if hasConvergence(&sc) {
		cols = append(cols, names(ConvergenceMetrics())...)
	}
	if sc.IsNetwork() {
		cols = append(cols, names(NetworkMetrics())...)
	}
	return cols
}

func weightNames(prefix string, sc scenario.Config, st scenario.Strategy) []string {
	if st.Policy == scenario.PolicyMLP || st.Rule(sc.P2Compat) == scenario.LearnerPPO {
		return nil // not linear: no weights to report
	}
	f, err := sc.Features(st)
	if err != nil {
		panic(err) // validated before
	}
	out := make([]string, f.Dim())
	for i := range out {
		out[i] = fmt.Sprintf("%s_%d", prefix, i)
	}
	return out
}

// finalRows is t with each replicate's final evaluation row keyed at
// episode last: the row after the last training episode, or after the
// episode where an early stop ended its training.
func finalRows(t *results.Table, last int) *results.Table {
	out := &results.Table{Keys: t.Keys, Values: t.Values}
	for i, r := range t.Rows {
		if i+1 < len(t.Rows) && t.Rows[i+1].Keys[0] == r.Keys[0] {
			continue // not the replicate's last row
		}
		r.Keys = []int64{r.Keys[0], int64(last)}
		out.Rows = append(out.Rows, r)
	}
	return out
}
