package seed

import "math/rand/v2"

// Roles of a phase's streams: the job stream, or one agent.
const (
	RoleJobs    = 1
	RoleShipper = 1 << 16 // + shipper index
	RoleCarrier = 2 << 16 // + carrier index
	RoleTraders = 3 << 16 // who quotes next in a continuous double auction
)

// Phases of a replicate's streams: training, one evaluation point, the
// initialisation of policies, and, above them all, the phases of the
// equilibrium measurement and of sampled sweep designs (their own packages
// number them from PhaseMeasure and PhaseDesign).
const (
	PhaseTrain   = 0
	PhaseEvalOne = 1       // + evaluation index
	PhaseInit    = 1 << 39 // initial weights of MLP policies and critics
	PhaseMeasure = 1 << 40 // the equilibrium measurement (see package equilibrium)
	PhaseDesign  = 1 << 40 // sampled sweep designs, drawn from the sweep's seed, not a replicate's
)

// splitmix64 is the finaliser of Steele, Lea and Flood's SplitMix64: a
// bijection that spreads nearby inputs over the whole 64-bit range.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Derive hashes a base seed and a path of indices into one 64-bit seed.
func Derive(seed uint64, path ...uint64) uint64 {
	h := splitmix64(seed)
	for _, p := range path {
		h = splitmix64(h ^ splitmix64(p+0x632be59bd9b4e019))
	}
	return h
}

// Replicate is the seed that replicate r of a run with base seed derives
// its streams from; manifests record it.
func Replicate(seed uint64, r int) uint64 { return Derive(seed, uint64(r)) }

// Point is the scenario seed of point p of a sweep with base seed seed:
// the point's replicate r draws from streams derived from (Point(seed, p),
// r), exactly as replicate r of a run with that seed.
func Point(seed uint64, p int) uint64 { return Derive(seed, uint64(p)) }

// Run is the seed of run (p, r) of a sweep: the replicate seed of
// replicate r of point p.
func Run(seed uint64, p, r int) uint64 { return Replicate(Point(seed, p), r) }

// Stream returns the PCG generator for (seed, phase, role), where seed is
// a replicate's seed (or, for draws that belong to no replicate, a seed
// derived from the base seed).
func Stream(seed uint64, phase, role uint64) *rand.Rand {
	return rand.New(rand.NewPCG(Seeds(seed, phase, role)))
}

// Seeds are the two seeds of Stream(seed, phase, role)'s PCG generator,
// for a caller that builds the generator itself.
func Seeds(seed uint64, phase, role uint64) (uint64, uint64) {
	s := Derive(seed, phase, role)
	return s, splitmix64(s)
}
