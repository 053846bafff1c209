package experiments

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/freightsim/freightsim/experiments/scenario"
)

// sameAsWorld runs replicate 0 of sc twice, with the kernel where newKernel
// chooses it and on the world alone, and fails unless the two agree bit for
// bit: every training episode's row, every evaluation row (the learned
// weights and sigma among them), the events counted and the error. It
// returns whether the kernel ran.
func sameAsWorld(t *testing.T, sc scenario.Config) bool {
	t.Helper()
	run := func(kernel bool) (r *replicate, err error) {
		r, err = newReplicate(&sc, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !kernel {
			r.w.kern = nil
		}
		defer func() {
			if p := recover(); p != nil { // both must fail alike, as Run reports a panic
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return r, r.run(context.Background(), nil)
	}
	k, errK := run(true)
	w, errW := run(false)
	if fmt.Sprint(errK) != fmt.Sprint(errW) {
		t.Fatalf("kernel: error %v; world: error %v", errK, errW)
	}
	if k.events != w.events {
		t.Errorf("kernel counted %d events, world %d", k.events, w.events)
	}
	same := func(what string, a, b [][]float64) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: kernel %d rows, world %d", what, len(a), len(b))
		}
		for i := range a {
			if len(a[i]) != len(b[i]) {
				t.Fatalf("%s row %d: kernel %d values, world %d", what, i, len(a[i]), len(b[i]))
			}
			for c := range a[i] {
				if math.Float64bits(a[i][c]) != math.Float64bits(b[i][c]) {
					t.Fatalf("%s row %d column %d: kernel %v, world %v (must be the same bits)", what, i, c, a[i][c], b[i][c])
				}
			}
		}
	}
	same("episodes", k.episodes, w.episodes)
	same("evaluations", k.rows, w.rows)
	return k.w.kern != nil
}

// kernelConfig is P2's market cut to a few short episodes, with sets applied.
func kernelConfig(t *testing.T, sets ...string) (scenario.Config, bool) {
	t.Helper()
	sc, err := scenario.ResolveWith("smart-containers-2020", sets)
	if err != nil || len(sc.Validate()) > 0 || len(Unrunnable(&sc, nil)) > 0 {
		return sc, false
	}
	sc.Replicates, sc.Training.Episodes, sc.Training.Horizon = 1, 40, 60
	sc.Evaluation = scenario.Evaluation{Every: 15, Horizon: 60, Episodes: 1}
	return sc, true
}

// TestKernelSameAsWorld: the training kernel is chosen, with no switch, for
// P2's market and the variants it supports, and gives the world's results
// bit for bit; it is not chosen for a market it does not support.
func TestKernelSameAsWorld(t *testing.T) {
	for _, tt := range []struct {
		sets   []string
		kernel bool
	}{
		{nil, true},
		{[]string{"p2_compat=false", "shippers[0].strategy.learner=p2"}, true}, // jobs played out after the horizon, true averages
		{[]string{"p2_compat=false"}, false},                                   // the natural gradient
		{[]string{"jobs.sharing=0.5", "jobs.value={dist: uniform, min: 0, max: 50}"}, true},
		{[]string{"carriers[0].capacity=12", "carriers[0].fixed_cost=3"}, true}, // the knapsack binds
		{[]string{"market.price=k-double", "market.tie=max-volume"}, true},
		{[]string{"shippers[0].strategy.risk=0.01", "carriers[0].schedule.offset=0.25"}, true},
		{[]string{"jobs.due={min: 0, max: 9}", "jobs.arrivals={min: 2, max: 30}"}, true},
		{[]string{"carriers[0].schedule.offset=0.3"}, false}, // offset+t not exact
		{[]string{"carriers[0].schedule.period=2"}, false},
		{[]string{"carriers[0].strategy.kind=markup"}, false},
		{[]string{"shippers[0].strategy.policy=mlp"}, false},
	} {
		t.Run(fmt.Sprint(tt.sets), func(t *testing.T) {
			sc, ok := kernelConfig(t, tt.sets...)
			if !ok {
				t.Fatalf("--set %q: not a valid scenario", tt.sets)
			}
			if got := sameAsWorld(t, sc); got != tt.kernel {
				t.Errorf("--set %q: kernel chosen %v, want %v", tt.sets, got, tt.kernel)
			}
		})
	}
}

// FuzzKernel draws small P2 markets (arrivals, volumes, dues, capacity,
// costs, sharing, compatibility, price rule, offset, seed) and checks that
// the kernel, where chosen, gives the world's results bit for bit.
func FuzzKernel(f *testing.F) {
	f.Add(uint64(1), uint8(10), uint8(10), uint8(5), uint16(80), uint8(100), uint8(4), uint8(0))
	f.Add(uint64(7), uint8(3), uint8(4), uint8(0), uint16(5), uint8(10), uint8(2), uint8(0xff))
	f.Add(uint64(42), uint8(20), uint8(1), uint8(9), uint16(1), uint8(3), uint8(1), uint8(0x5a))
	f.Fuzz(func(t *testing.T, seed uint64, arrivals, volume, due uint8, capacity uint16, distance, sharing, flags uint8) {
		prices := []string{"pay-as-bid", "spread", "k-double"}
		offsets := []string{"0.5", "0.25", "0.75", "0.125"}
		sets := []string{
			fmt.Sprintf("seed=%d", seed),
			fmt.Sprintf("jobs.arrivals={min: 0, max: %d}", arrivals%25),
			fmt.Sprintf("jobs.volume={min: 1, max: %d}", 1+volume%12),
			fmt.Sprintf("jobs.due={min: 0, max: %d}", due%8),
			fmt.Sprintf("jobs.distance={min: 1, max: %d}", 1+int(distance)),
			fmt.Sprintf("jobs.sharing=%g", float64(sharing%5)/4),
			fmt.Sprintf("carriers[0].capacity=%d", capacity%200),
			fmt.Sprintf("p2_compat=%t", flags&1 == 0),
			"shippers[0].strategy.learner=p2",
			fmt.Sprintf("market.price=%s", prices[int(flags>>1)%len(prices)]),
			fmt.Sprintf("carriers[0].schedule.offset=%s", offsets[int(flags>>3)%len(offsets)]),
			fmt.Sprintf("carriers[0].fixed_cost=%d", flags>>5),
		}
		sc, ok := kernelConfig(t, sets...)
		if !ok {
			return
		}
		sc.Training.Episodes = min(sc.Training.Episodes, 6)
		sameAsWorld(t, sc)
	})
}
