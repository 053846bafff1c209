package experiments

import "math/rand/v2"

// Random streams. Every random draw in a run comes from a PCG stream derived
// from the scenario's base seed and the draw's place in the run, never from
// a shared generator, so a replicate's results do not depend on how many
// workers run or in which order:
//
//	stream(seed, replicate, phase, role)
//
// phase is 0 for training and 1+k for the k-th evaluation point, so training
// does not depend on how often it is evaluated; role is the job stream or an
// agent.
const (
	roleJobs     = 1
	roleShipper  = 1 << 16 // + shipper index
	roleCarrier  = 2 << 16 // + carrier index
	roleTraders  = 3 << 16 // who quotes next in a continuous double auction
	phaseTrain   = 0
	phaseEvalOne = 1       // + evaluation index
	phaseInit    = 1 << 39 // initial weights of MLP policies and critics
)

// splitmix64 is the finaliser of Steele, Lea and Flood's SplitMix64: a
// bijection that spreads nearby inputs over the whole 64-bit range.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// derive hashes a base seed and a path of indices into one 64-bit seed.
func derive(seed uint64, path ...uint64) uint64 {
	h := splitmix64(seed)
	for _, p := range path {
		h = splitmix64(h ^ splitmix64(p+0x632be59bd9b4e019))
	}
	return h
}

// ReplicateSeed is the seed that replicate r of a run with base seed derives
// its streams from; manifests record it.
func ReplicateSeed(seed uint64, r int) uint64 { return derive(seed, uint64(r)) }

// stream returns the PCG generator for (replicate seed, phase, role).
func stream(repSeed uint64, phase, role uint64) *rand.Rand {
	s := derive(repSeed, phase, role)
	return rand.New(rand.NewPCG(s, splitmix64(s)))
}
