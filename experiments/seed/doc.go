// Package seed derives every random stream of a run from its base seed, so
// that results do not depend on how many workers run or in which order.
//
// A stream is a PCG generator (math/rand/v2) seeded by SplitMix64 hashing
// (Steele, Lea and Flood 2014) of a path of indices:
//
//	Stream(Replicate(base, r), phase, role)
//
// where phase is training, one evaluation point, the initialisation of the
// policies, or a phase of the equilibrium measurement, and role is the job
// stream or one agent. So a replicate's results do not depend on the number
// of replicates or of workers, and training does not depend on how often it
// is evaluated. A sweep derives each point's seed from its own (Point) and
// each run's from that (Run), so a run of a sweep is the run of
// `freightsim run` with the point's seed.
//
// It is a leaf package: the wiring (package experiments), the equilibrium
// measurement and the sweeps import it, and it imports nothing of ours.
package seed
