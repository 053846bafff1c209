package agents

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/policy"
)

// TestLearnRowsSameAsLearn: jobs handed to a Gaussian as rows (LearnRows,
// several jobs per call, their rows interleaved and out of order, and a
// job without a decision)
// and the same jobs as Records (Learn, one by one) give the same update,
// bit for bit, with and without a risk utility, in P2's sequential update
// and in the batch one.
func TestLearnRowsSameAsLearn(t *testing.T) {
	const dim, per = 3, 4
	for _, tt := range []struct {
		compat bool
		risk   float64
	}{{true, 0}, {false, 0}, {true, 0.02}} {
		rng := rand.New(rand.NewPCG(1, 2))
		rule := policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01, Compat: tt.compat, MinSigma: 0.01}
		// Gaussians of dim features, built by hand.
		byRecord := &Gaussian{Policy: policy.NewLinear(dim, 10), Rule: rule, Risk: policy.Utility{Lambda: tt.risk}, batch: policy.NewBatch(dim)}
		byRows := &Gaussian{Policy: policy.NewLinear(dim, 10), Rule: rule, Risk: policy.Utility{Lambda: tt.risk}, batch: policy.NewBatch(dim)}

		slots := 5
		phi := make([]float64, slots*per*dim)
		action, mean, sigma, reward := make([]float64, slots*per), make([]float64, slots*per), make([]float64, slots*per), make([]float64, slots*per)
		group := make([]int, slots*per)
		free := rng.Perm(slots * per) // the rows, in an order of their own: the jobs' rows interleave
		var rows, ends []int
		for range slots { // the jobs, in the order they end
			n := rng.IntN(per + 1) // 0 to per decisions; 0 adds nothing
			var rec Record
			for d := range n {
				row := free[0]
				free = free[1:]
				f := phi[row*dim : (row+1)*dim]
				for i := range f {
					f[i] = rng.NormFloat64()
				}
				action[row], mean[row], sigma[row], group[row] = 50*rng.NormFloat64(), 40*rng.Float64(), 10, n-1-d
				reward[row] = -20 * rng.Float64()
				rec.Decide(f, action[row], mean[row], sigma[row], group[row])
				rec.Pay(reward[row])
				rows = append(rows, row)
			}
			byRecord.Learn(&rec)
			ends = append(ends, len(rows))
		}
		byRows.LearnRows(phi, action, mean, sigma, reward, group, rows, ends)
		if a, b := byRecord.batch.Trajectories, byRows.rows.Trajectories; a != b {
			t.Fatalf("compat %v risk %v: %d trajectories by Learn, %d by LearnRows", tt.compat, tt.risk, a, b)
		}
		if err := byRecord.Update(); err != nil {
			t.Fatal(err)
		}
		if err := byRows.Update(); err != nil {
			t.Fatal(err)
		}
		for i := range dim {
			if a, b := byRecord.Policy.Theta[i], byRows.Policy.Theta[i]; math.Float64bits(a) != math.Float64bits(b) {
				t.Errorf("compat %v risk %v: theta[%d] is %v by Learn, %v by LearnRows (must be the same bits)", tt.compat, tt.risk, i, a, b)
			}
		}
		if a, b := byRecord.Policy.Sigma, byRows.Policy.Sigma; math.Float64bits(a) != math.Float64bits(b) || a == 10 {
			t.Errorf("compat %v risk %v: sigma is %v by Learn, %v by LearnRows (must be the same bits, moved from 10)", tt.compat, tt.risk, a, b)
		}
	}
}

// TestLearnRowsRefuses: rows that are not parallel, a row outside them,
// ends that do not cut the rows, a negative group and a second call in an
// episode are programmer errors, refused where they enter.
func TestLearnRowsRefuses(t *testing.T) {
	g := NewGaussian(P2Features{}, 10, policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01})
	phi, one, group := make([]float64, 16), make([]float64, 2), []int{0, 1}
	for name, call := range map[string]func(){
		"short features":   func() { g.LearnRows(phi[:8], one, one, one, one, group, []int{0, 1}, []int{2}) },
		"row beyond rows":  func() { g.LearnRows(phi, one, one, one, one, group, []int{1, 2}, []int{2}) },
		"negative group":   func() { g.LearnRows(phi, one, one, one, one, []int{0, -1}, []int{0, 1}, []int{2}) },
		"ends missing":     func() { g.LearnRows(phi, one, one, one, one, group, []int{0, 1}, nil) },
		"ends beyond rows": func() { g.LearnRows(phi, one, one, one, one, group, []int{0, 1}, []int{3}) },
		"ends backwards":   func() { g.LearnRows(phi, one, one, one, one, group, []int{0, 1}, []int{2, 1}) },
		"twice": func() {
			h := NewGaussian(P2Features{}, 10, policy.Reinforce{AlphaMu: 0.1, AlphaSigma: 0.01})
			h.LearnRows(phi, one, one, one, one, group, []int{0, 1}, []int{2})
			h.LearnRows(phi, one, one, one, one, group, []int{0, 1}, []int{2})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: LearnRows did not panic", name)
				}
			}()
			call()
		}()
	}
}
