package sensitivity

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func mustMorris(t testing.TB, k, r int, o MorrisOptions, seed uint64) *Morris {
	t.Helper()
	names := make([]string, k)
	for i := range names {
		names[i] = "f" + string(rune('a'+i%26)) + string(rune('0'+i/26))
	}
	d, err := NewMorris(names, r, o, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Every trajectory starts on the grid {0, 1/(p-1), ..., 1} and moves each
// factor exactly once, by exactly ±Δ, staying on the grid.
func TestMorrisDesign(t *testing.T) {
	for _, p := range []int{2, 4, 6, 8} {
		const k, r = 5, 30
		d := mustMorris(t, k, r, MorrisOptions{Levels: p}, uint64(p))
		if d.Len() != r*(k+1) || d.Trajectories() != r {
			t.Fatalf("p = %d: %d runs in %d trajectories, want %d in %d", p, d.Len(), d.Trajectories(), r*(k+1), r)
		}
		delta := d.Delta()
		if want := float64(p) / (2 * float64(p-1)); math.Abs(delta-want) > 1e-15 {
			t.Errorf("p = %d: Δ = %v, want %v", p, delta, want)
		}
		levels := make(map[float64]int)
		for tr := range r {
			moved := make([]bool, k)
			prev := d.Run(tr * (k + 1))
			for s := 1; s <= k; s++ {
				run := d.Run(tr*(k+1) + s)
				if run.Group != tr || run.Step != s {
					t.Fatalf("p = %d: run %d says group %d, step %d; want %d, %d", p, run.Index, run.Group, run.Step, tr, s)
				}
				changed := -1
				for i := range k {
					if run.X[i] != prev.X[i] {
						if changed >= 0 {
							t.Fatalf("p = %d: run %d moves factors %d and %d at once", p, run.Index, changed, i)
						}
						changed = i
						if step := math.Abs(run.X[i] - prev.X[i]); math.Abs(step-delta) > 1e-12 {
							t.Fatalf("p = %d: run %d moves factor %d by %v, want Δ = %v", p, run.Index, i, step, delta)
						}
					}
				}
				if changed < 0 || moved[changed] {
					t.Fatalf("p = %d: trajectory %d, step %d moves factor %d (moved already: %v)", p, tr, s, changed, changed >= 0 && moved[changed])
				}
				moved[changed] = true
				prev = run
			}
			for s := 0; s <= k; s++ {
				for _, x := range d.Run(tr*(k+1) + s).X {
					j := math.Round(x * float64(p-1))
					if x < 0 || x > 1 || math.Abs(x-j/float64(p-1)) > 1e-15 {
						t.Fatalf("p = %d: value %v is not on the grid of %d levels", p, x, p)
					}
					levels[x]++
				}
			}
		}
		if len(levels) != p {
			t.Errorf("p = %d: %d distinct levels used in %d trajectories, want all %d", p, len(levels), r, p)
		}
	}
}

// For y = Σ c_i v_i with v_i = lo_i + x_i (hi_i - lo_i), every elementary
// effect of factor i is c_i (hi_i - lo_i): mu = c_i (hi_i - lo_i),
// mu* = |mu|, sigma = 0, and the interval of mu* is mu* itself, to
// rounding (relative 1e-12). An inert factor has mu = mu* = sigma = 0
// exactly.
func TestMorrisLinear(t *testing.T) {
	c := []float64{2, -3, 0, 0.5}
	lo := []float64{0, 10, 5, -1}
	hi := []float64{1, 12, 9, 3}
	f := func(x []float64) float64 {
		var y float64
		for i := range x {
			y += c[i] * (lo[i] + x[i]*(hi[i]-lo[i]))
		}
		return y
	}
	for _, p := range []int{2, 4, 10} {
		d := mustMorris(t, 4, 12, MorrisOptions{Levels: p}, 11)
		ix, err := d.Analyze(evaluate(d, f), Bootstrap{}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		for i := range c {
			ee := c[i] * (hi[i] - lo[i])
			tol := 1e-12 * math.Max(1, math.Abs(ee))
			mu, _ := ix.Get(i, Mu)
			muStar, _ := ix.Get(i, MuStar)
			sigma, _ := ix.Get(i, Sigma)
			if math.Abs(mu.Value-ee) > tol || math.Abs(muStar.Value-math.Abs(ee)) > tol || math.Abs(sigma.Value) > tol {
				t.Errorf("p = %d, factor %d: mu %v, mu* %v, sigma %v; want %v, %v, 0", p, i, mu.Value, muStar.Value, sigma.Value, ee, math.Abs(ee))
			}
			if math.Abs(muStar.Low-muStar.Value) > tol || math.Abs(muStar.High-muStar.Value) > tol {
				t.Errorf("p = %d, factor %d: interval of mu* [%v, %v] around %v, want no width", p, i, muStar.Low, muStar.High, muStar.Value)
			}
			if c[i] == 0 && (mu.Value != 0 || muStar.Value != 0 || sigma.Value != 0) {
				t.Errorf("p = %d, inert factor %d: mu %v, mu* %v, sigma %v; want exactly 0", p, i, mu.Value, muStar.Value, sigma.Value)
			}
			if mu.N != 12 {
				t.Errorf("p = %d, factor %d rests on %d effects, want 12", p, i, mu.N)
			}
		}
	}
}

// Effects that vary: y = x_1² + x_1 x_2 on [0, 1]^2 with p = 4 (levels 0,
// 1/3, 2/3, 1; Δ = 2/3). Factor 1's effect, ((x+Δ)² - x²)/Δ + x_2 = 2x + Δ +
// x_2, from x ∈ {0, 1/3} and x_2 ∈ {0, 1/3, 2/3, 1} equally likely, has mean
// 2(1/6) + 2/3 + 1/2 = 3/2 and is always positive (mu* = mu = 3/2); its
// standard deviation is sqrt(4 var(x) + var(x_2)) = sqrt(4/36 + 5/36) = 1/2.
// (When a factor moves, another has moved before it with probability 1/2
// and started at its upper level with probability 1/2, so it sits on each
// of the 4 levels with probability 1/4.) Factor 2's effect is x_1 on the 4
// levels: mean 1/2, standard deviation sqrt(5/36) = 0.3727.
// Over 40 seeds of 200 trajectories, each estimate of mu* is within 4
// standard errors (sigma / sqrt(r)) of the exact value, and the 95 %
// intervals miss it at most 12 times in 80: Binomial(80, 0.05) has mean 4
// and standard deviation 1.95, and 12 is 4 of those above.
func TestMorrisNonlinear(t *testing.T) {
	f := func(x []float64) float64 { return x[0]*x[0] + x[0]*x[1] }
	exact := []struct{ muStar, sigma float64 }{{1.5, 0.5}, {0.5, math.Sqrt(5.0 / 36)}}
	const r = 200
	misses := 0
	for seed := range uint64(40) {
		d := mustMorris(t, 2, r, MorrisOptions{}, 20+seed)
		ix, err := d.Analyze(evaluate(d, f), Bootstrap{Resamples: 100}, rand.New(rand.NewPCG(seed, 9)))
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range exact {
			m, _ := ix.Get(i, MuStar)
			s, _ := ix.Get(i, Sigma)
			se := e.sigma / math.Sqrt(r)
			if !(m.Low <= e.muStar && e.muStar <= m.High) {
				misses++
			}
			if math.Abs(m.Value-e.muStar) > 4*se {
				t.Errorf("seed %d, factor %d: mu* %.4f [%.4f, %.4f], exact %.4f (standard error %.4f)", seed, i, m.Value, m.Low, m.High, e.muStar, se)
			}
			// The sample sd of r draws has standard error about sigma/sqrt(2(r-1))
			// for a light-tailed law; 4 of those.
			if math.Abs(s.Value-e.sigma) > 4*e.sigma/math.Sqrt(2*(r-1)) {
				t.Errorf("seed %d, factor %d: sigma %.4f, exact %.4f", seed, i, s.Value, e.sigma)
			}
		}
	}
	if misses > 12 {
		t.Errorf("95 %% intervals of mu* missed the exact value %d times in 80, expected about 4", misses)
	}
	t.Logf("95 %% intervals of mu* missed %d times in 80", misses)
}

// One factor: trajectories of two points; y = 3x gives mu* = 3 exactly.
func TestMorrisOneFactor(t *testing.T) {
	d := mustMorris(t, 1, 5, MorrisOptions{}, 3)
	if d.Len() != 10 {
		t.Fatalf("%d runs, want 10", d.Len())
	}
	ix, err := d.Analyze(evaluate(d, func(x []float64) float64 { return 3 * x[0] }), Bootstrap{}, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := ix.Get(0, MuStar); math.Abs(m.Value-3) > 1e-12 {
		t.Errorf("mu* of y = 3x is %v, want 3", m.Value)
	}
}

// A constant output has no effects: mu, mu* and sigma are 0, mu*'s interval
// [0, 0]. With one trajectory, sigma and the interval are undefined (NaN).
func TestMorrisConstantAndSingleTrajectory(t *testing.T) {
	d := mustMorris(t, 3, 8, MorrisOptions{}, 4)
	ix, err := d.Analyze(evaluate(d, func([]float64) float64 { return 7 }), Bootstrap{}, rand.New(rand.NewPCG(4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ix.Rows {
		if r.Value != 0 || (r.Kind == MuStar && (r.Low != 0 || r.High != 0)) {
			t.Errorf("constant output, factor %d: %s = %v [%v, %v], want 0", r.Factor, r.Kind, r.Value, r.Low, r.High)
		}
	}
	d = mustMorris(t, 3, 1, MorrisOptions{}, 4)
	ix, err = d.Analyze(evaluate(d, func(x []float64) float64 { return x[0] + 2*x[1] }), Bootstrap{}, rand.New(rand.NewPCG(4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ix.Rows {
		if r.Kind == Sigma && !math.IsNaN(r.Value) || r.Kind == MuStar && (math.IsNaN(r.Value) || !math.IsNaN(r.Low)) {
			t.Errorf("one trajectory, factor %d: %s = %v [%v, %v]; want sigma and interval NaN, mu* defined", r.Factor, r.Kind, r.Value, r.Low, r.High)
		}
	}
}

// A failed run (NaN) spoils the two effects that use it and no other; the
// trajectory is listed in Dropped.
func TestMorrisFailedRun(t *testing.T) {
	const k, r = 3, 4
	d := mustMorris(t, k, r, MorrisOptions{}, 5)
	y := evaluate(d, func(x []float64) float64 { return x[0] + 2*x[1] + 3*x[2] })
	y[2*(k+1)+1] = math.NaN() // trajectory 2, step 1: spoils steps 1 and 2
	ix, err := d.Analyze(y, Bootstrap{}, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ix.Dropped, []int{2}) {
		t.Errorf("dropped trajectories %v, want [2]", ix.Dropped)
	}
	lost := []int{d.moved[2*k], d.moved[2*k+1]}
	for f := range k {
		m, _ := ix.Get(f, MuStar)
		want := r
		if slices.Contains(lost, f) {
			want = r - 1
		}
		if m.N != want {
			t.Errorf("factor %d rests on %d effects, want %d (factors moved next to the failed run: %v)", f, m.N, want, lost)
		}
		if math.Abs(m.Value-float64(f+1)) > 1e-12 {
			t.Errorf("factor %d: mu* %v, want %d", f, m.Value, f+1)
		}
	}
}

// With candidates, the kept trajectories are more spread out than the
// first r drawn, and, on a case small enough to search every set, the
// greedy choice reaches at least 95 % of the best D².
func TestMorrisSelection(t *testing.T) {
	spread := func(d *Morris, set []int) float64 {
		k := len(d.names)
		size := (k + 1) * k
		var s float64
		for i, a := range set {
			for _, b := range set[i+1:] {
				dd := trajectoryDistance(d.x[a*size:(a+1)*size], d.x[b*size:(b+1)*size], k)
				s += dd * dd
			}
		}
		return s
	}
	const k, m, r = 4, 12, 4
	all := mustMorris(t, k, m, MorrisOptions{}, 9) // the candidates themselves
	best := 0.0
	var set []int
	var search func(from int)
	search = func(from int) {
		if len(set) == r {
			best = max(best, spread(all, set))
			return
		}
		for c := from; c < m; c++ {
			set = append(set, c)
			search(c + 1)
			set = set[:len(set)-1]
		}
	}
	search(0)
	kept := selectSpread(all, r)
	got := spread(all, kept)
	if first := spread(all, []int{0, 1, 2, 3}); got <= first {
		t.Errorf("selected trajectories %v have D² %v, no more than the first four's %v", kept, got, first)
	}
	if got < 0.95*best {
		t.Errorf("selected trajectories %v have D² %v, below 95 %% of the best %v", kept, got, best)
	}
	t.Logf("greedy D² %.1f, best %.1f", got, best)
	// NewMorris with Candidates keeps those trajectories, bit for bit.
	sel := mustMorris(t, k, r, MorrisOptions{Candidates: m}, 9)
	for i, c := range kept {
		for s := 0; s <= k; s++ {
			if !slices.Equal(sel.Run(i*(k+1)+s).X, all.Run(c*(k+1)+s).X) {
				t.Fatalf("kept trajectory %d is not candidate %d", i, c)
			}
		}
	}
	// and analyses them with the steps that belong to them.
	ix, err := sel.Analyze(evaluate(sel, func(x []float64) float64 { return x[0] - 2*x[2] }), Bootstrap{}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range []float64{1, 0, -2, 0} {
		if mu, _ := ix.Get(f, Mu); math.Abs(mu.Value-want) > 1e-12 || mu.N != r {
			t.Errorf("selected design, factor %d: mu %v on %d effects, want %v on %d", f, mu.Value, mu.N, want, r)
		}
	}
}

// Wrong inputs are errors.
func TestMorrisRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		name string
		r    int
		o    MorrisOptions
	}{
		{"odd levels", 4, MorrisOptions{Levels: 5}},
		{"one level", 4, MorrisOptions{Levels: 1}},
		{"no trajectory", 0, MorrisOptions{}},
		{"fewer candidates than trajectories", 4, MorrisOptions{Candidates: 3}},
	} {
		if _, err := NewMorris([]string{"a", "b"}, c.r, c.o, rng); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if _, err := NewMorris([]string{"a", "b"}, 2, MorrisOptions{}, nil); err == nil {
		t.Error("no generator: no error")
	}
	d := mustMorris(t, 2, 3, MorrisOptions{}, 1)
	y := make([]float64, d.Len())
	y[0] = math.Inf(-1)
	if _, err := d.Analyze(y, Bootstrap{}, rng); err == nil {
		t.Error("an infinite output: no error")
	}
	if _, err := d.Analyze(y[:4], Bootstrap{}, rng); err == nil {
		t.Error("too few outputs: no error")
	}
}
