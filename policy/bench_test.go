package policy

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPGUpdate times one update on an episode of 1,000 decisions with
// 8 features (100 trajectories of 10, six baseline groups, returns in the
// hundreds), for a linear and a one-layer MLP(16) policy, with the group
// baseline and with a critic of the same kind.
func BenchmarkPGUpdate(b *testing.B) {
	const dim, decisions = 8, 1000
	for _, c := range []struct {
		name string
		make func(rng *rand.Rand) *PG
	}{
		{"linear", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(dim, 10, false), Opt: &Adam{LR: 1e-4}, Baseline: BaselineGroup, Normalize: true}
		}},
		{"linear/critic", func(*rand.Rand) *PG {
			return &PG{Policy: NewLinearGaussian(dim, 10, true), Opt: &Adam{LR: 1e-4}, Baseline: BaselineCritic, Critic: NewLinearCritic(dim), Normalize: true, Entropy: 0.01}
		}},
		{"mlp16", func(rng *rand.Rand) *PG {
			return &PG{Policy: NewMLPGaussian(rng, dim, []int{16}, 10, false), Opt: &Adam{LR: 1e-4}, Baseline: BaselineGroup, Normalize: true}
		}},
		{"mlp16/critic", func(rng *rand.Rand) *PG {
			return &PG{Policy: NewMLPGaussian(rng, dim, []int{16}, 10, true), Opt: &Adam{LR: 1e-4}, Baseline: BaselineCritic, Critic: NewMLPCritic(rng, dim, []int{16}), Normalize: true, Entropy: 0.01}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			pg := c.make(rng)
			batch := NewBatch(dim)
			phi := make([]float64, dim)
			for i := range decisions {
				phi[0] = 1
				for j := 1; j < dim; j++ {
					phi[j] = rng.Float64()
				}
				a, mu, sigma := Sample(pg.Policy, rng, phi)
				batch.Add(phi, a, mu, sigma, -100-20*rng.Float64(), i%6)
				if i%10 == 9 {
					batch.EndTrajectory()
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pg.Update(batch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
