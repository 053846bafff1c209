package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Morris is a design of elementary effects (Morris 1991): r trajectories of
// k+1 points on a grid of p levels in [0, 1]^k, each point one step of
// Δ = p / (2(p-1)) from the previous one along a single factor, every factor
// moving once per trajectory. Trajectory t holds runs t(k+1) to t(k+1)+k;
// step 0 is its start and step s moves one factor.
type Morris struct {
	names  []string
	levels int
	x      []float64 // the points, k values each, run after run
	moved  []int     // for trajectory t and step s ≥ 1, moved[t*k+s-1] is the factor that moved
	up     []bool    // and up[t*k+s-1] whether it moved up
}

// MorrisOptions are the choices of a Morris design. The zero value asks for
// the defaults.
type MorrisOptions struct {
	// Levels is p, the number of grid levels: even and at least 2; 0 means 4.
	Levels int
	// Candidates, when above the number of trajectories r, is the number of
	// trajectories drawn, of which the r most spread out are kept
	// (Campolongo et al. 2007; see selectSpread). 0 keeps every trajectory
	// drawn.
	Candidates int
}

// NewMorris draws a Morris design of the given number of trajectories over
// the named factors, with draws from rng only: the same generator state
// gives the same design, bit for bit. Each trajectory draws, in this order,
// for each factor its lower level among the p/2 lowest and whether it starts
// there (moving up) or Δ above (moving down), then the order in which the
// factors move (rng.Perm).
func NewMorris(factors []string, trajectories int, o MorrisOptions, rng *rand.Rand) (*Morris, error) {
	if err := checkNames(factors); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("a Morris design needs a random generator")
	}
	if o.Levels == 0 {
		o.Levels = 4
	}
	p := o.Levels
	if p < 2 || p%2 != 0 {
		return nil, fmt.Errorf("%d levels: want an even number, at least 2, so that each step of p/(2(p-1)) lands on the grid", p)
	}
	if trajectories < 1 {
		return nil, fmt.Errorf("%d trajectories: want at least 1", trajectories)
	}
	drawn := trajectories
	if o.Candidates > trajectories {
		drawn = o.Candidates
	} else if o.Candidates != 0 && o.Candidates != trajectories {
		return nil, fmt.Errorf("%d candidates for %d trajectories: want more candidates than trajectories, or 0", o.Candidates, trajectories)
	}
	k := len(factors)
	d := &Morris{
		names:  append([]string(nil), factors...),
		levels: p,
		x:      make([]float64, 0, drawn*(k+1)*k),
		moved:  make([]int, 0, drawn*k),
		up:     make([]bool, 0, drawn*k),
	}
	level := make([]int, k)
	for range drawn {
		for i := range level {
			level[i] = rng.IntN(p / 2)
			if rng.IntN(2) == 1 {
				level[i] += p / 2 // start Δ above and move down
			}
		}
		order := rng.Perm(k)
		d.appendPoint(level)
		for _, f := range order {
			up := level[f] < p/2
			if up {
				level[f] += p / 2
			} else {
				level[f] -= p / 2
			}
			d.moved = append(d.moved, f)
			d.up = append(d.up, up)
			d.appendPoint(level)
		}
	}
	if drawn > trajectories {
		d.keep(selectSpread(d, trajectories))
	}
	return d, nil
}

func (d *Morris) appendPoint(level []int) {
	for _, l := range level {
		d.x = append(d.x, float64(l)/float64(d.levels-1))
	}
}

// keep keeps the given trajectories, in increasing order.
func (d *Morris) keep(trajectories []int) {
	k := len(d.names)
	x := make([]float64, 0, len(trajectories)*(k+1)*k)
	moved := make([]int, 0, len(trajectories)*k)
	up := make([]bool, 0, len(trajectories)*k)
	for _, t := range trajectories {
		x = append(x, d.x[t*(k+1)*k:(t+1)*(k+1)*k]...)
		moved = append(moved, d.moved[t*k:(t+1)*k]...)
		up = append(up, d.up[t*k:(t+1)*k]...)
	}
	d.x, d.moved, d.up = x, moved, up
}

// Factors returns the names of the factors, in order.
func (d *Morris) Factors() []string { return append([]string(nil), d.names...) }

// Trajectories returns r, the number of trajectories.
func (d *Morris) Trajectories() int { return len(d.moved) / len(d.names) }

// Levels returns p, the number of grid levels.
func (d *Morris) Levels() int { return d.levels }

// Delta returns Δ = p / (2(p-1)), the size of every step on [0, 1].
func (d *Morris) Delta() float64 { return float64(d.levels/2) / float64(d.levels-1) }

// Len returns the number of runs, r(k+1).
func (d *Morris) Len() int { return len(d.x) / len(d.names) }

// Run returns run i, 0 ≤ i < Len(), with a fresh slice of factor values.
func (d *Morris) Run(i int) Run {
	k := len(d.names)
	return Run{Index: i, Group: i / (k + 1), Step: i % (k + 1), X: append([]float64(nil), d.x[i*k:(i+1)*k]...)}
}

// Analyze computes, for each factor, the mean mu of its elementary effects
// EE = (y(after) - y(before)) / (x(after) - x(before)) on [0, 1] (so that a
// factor mapped linearly to a range of width w and entering the output as
// c times its value has EE = c w), the mean mu* of their absolute values
// with its bootstrap interval (the effects resampled with replacement), and
// their standard deviation sigma (n-1 in the denominator; NaN with fewer
// than two effects). y holds the outputs by run index; a NaN output is a
// failed run: the effects of the two steps that touch it are left out, the
// others used, and each row says in N how many effects it rests on (NaN
// values when none). Dropped lists the trajectories with a failed run.
// Bootstrap draws come from rng.
func (d *Morris) Analyze(y []float64, b Bootstrap, rng *rand.Rand) (*Indices, error) {
	if err := checkOutputs(y, d.Len()); err != nil {
		return nil, err
	}
	b, err := b.withDefaults()
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("a Morris analysis needs a random generator for its bootstrap")
	}
	k, r, delta := len(d.names), d.Trajectories(), d.Delta()
	ix := &Indices{Factors: d.Factors(), Level: b.Level, Resamples: b.Resamples}
	effects := make([][]float64, k)
	for t := range r {
		failed := false
		for s := 0; s <= k; s++ {
			failed = failed || math.IsNaN(y[t*(k+1)+s])
		}
		if failed {
			ix.Dropped = append(ix.Dropped, t)
		}
		for s := 1; s <= k; s++ {
			before, after := y[t*(k+1)+s-1], y[t*(k+1)+s]
			if math.IsNaN(before) || math.IsNaN(after) {
				continue
			}
			ee := (after - before) / delta
			if !d.up[t*k+s-1] {
				ee = -ee
			}
			f := d.moved[t*k+s-1]
			effects[f] = append(effects[f], ee)
		}
	}
	resampled := make([]float64, b.Resamples)
	for f, ee := range effects {
		n := len(ee)
		mu, muStar, sigma := math.NaN(), math.NaN(), math.NaN()
		if n > 0 {
			mu, muStar = mean(ee, false), mean(ee, true)
		}
		if n > 1 {
			sigma = sd(ee, mu)
			abs := make([]float64, n)
			for i, e := range ee {
				abs[i] = math.Abs(e)
			}
			w := make([]float64, n)
			for j := range resampled {
				resample(w, rng)
				resampled[j] = floats.Dot(w, abs) / float64(n)
			}
		}
		low, high := interval(muStar, resampled, n, b.Level)
		nan := math.NaN()
		ix.Rows = append(ix.Rows,
			Index{Factor: f, Other: -1, Kind: Mu, Value: mu, Low: nan, High: nan, N: n},
			Index{Factor: f, Other: -1, Kind: MuStar, Value: muStar, Low: low, High: high, N: n},
			Index{Factor: f, Other: -1, Kind: Sigma, Value: sigma, Low: nan, High: nan, N: n},
		)
	}
	return ix, nil
}

// mean returns the mean of xs, or of their absolute values.
func mean(xs []float64, abs bool) float64 {
	var s float64
	for _, x := range xs {
		if abs {
			x = math.Abs(x)
		}
		s += x
	}
	return s / float64(len(xs))
}

// sd returns the sample standard deviation of xs about their mean m.
func sd(xs []float64, m float64) float64 {
	var s float64
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}
