//go:build unix

package experiments

import (
	"syscall"
	"testing"

	"github.com/freightsim/freightsim/experiments/seed"
)

// BenchmarkLearnerEpisode times one training episode, with its updates, of
// a preset for each learner on both sides: P2's rule (learner p2), the
// default learner (natural), PPO with its defaults (two hidden layers
// of 16 units, 10 epochs of minibatches of 64 per episode) and PPO as
// configured in docs/EXPERIMENTS.md per market (ppo-tuned) and for both
// markets (ppo-d, configuration D), see learnerSets. bilateral has
// 50 decisions per side an episode, strategic-bidding-deterministic 80, so
// the ratios to p2 are the learners' cost per episode in the simulator,
// markets and engine included. README's speed table quotes them. Besides
// the wall time it reports cpu-ns/op, the process's CPU time per episode
// (getrusage), which a machine shared with other work does not inflate.
func BenchmarkLearnerEpisode(b *testing.B) {
	for _, preset := range []string{"bilateral", "strategic-bidding-deterministic"} {
		for _, learner := range []string{"p2", "natural", "ppo", "ppo-tuned", "ppo-d"} {
			b.Run(preset+"/"+learner, func(b *testing.B) {
				var sets []string
				for _, kv := range learnerSets(preset, learner) {
					sets = append(sets, "shippers[0].strategy."+kv, "carriers[0].strategy."+kv)
				}
				sc, r := replicateOf(b, preset, sets...)
				r.use(r.streams(seed.PhaseTrain))
				r.x.Learning = true
				episode := func() {
					r.w.episode(sc.Training.Horizon)
					if err := r.x.EndEpisode(); err != nil {
						b.Fatal(err)
					}
				}
				for range 20 { // past the first updates, whose buffers are new
					episode()
				}
				b.ReportAllocs()
				cpu0 := cpuTime(b)
				for b.Loop() {
					episode()
				}
				b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// learnerSets are the --set keys (under each side's strategy) of the
// learners BenchmarkLearnerEpisode times on preset; ppo-tuned is PPO as
// docs/EXPERIMENTS.md (section Learners, PPO with annealed steps)
// configures it for that preset, ppo-d its configuration D for both
// markets (One PPO configuration for both markets).
func learnerSets(preset, learner string) []string {
	if learner == "ppo-d" {
		return []string{"learner=ppo", "ppo.anneal_lr=true", "ppo.episodes=4", "ppo.hidden=[4]", "ppo.linear=true",
			"ppo.ridge=10", "ppo.state_sigma=true", "ppo.entropy=0.003"}
	}
	if learner != "ppo-tuned" {
		return []string{"learner=" + learner}
	}
	if preset == "bilateral" {
		return []string{"learner=ppo", "ppo.anneal_lr=true", "ppo.linear=true", "ppo.ridge=3"}
	}
	return []string{"learner=ppo", "ppo.anneal_lr=true", "ppo.episodes=4"}
}

// cpuTime is the CPU time the process has used, user and system, in nanoseconds.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
