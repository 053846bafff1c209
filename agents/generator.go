package agents

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// IntRange is a discrete uniform distribution on {Min, ..., Max}.
type IntRange struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

// Draw returns a uniform integer in [Min, Max].
func (r IntRange) Draw(rng *rand.Rand) int { return r.Min + rng.IntN(r.Max-r.Min+1) }

// DrawFrom is Draw taking its draws from rng's generator src itself: the
// same number, and the same draws, as Draw(rand.New(src)), without the
// interface call per draw.
func (r IntRange) DrawFrom(src *PCG) int { return r.Min + intN(src, r.Max-r.Min+1) }

// intN is rand.Rand's IntN(n) drawn from src: n > 0, a uniform integer in
// [0, n) by Lemire's multiply-and-reject, one draw unless rejected, as
// math/rand/v2 draws it.
func intN(src *PCG, n int) int {
	if n <= 0 {
		panic("agents: intN with n <= 0")
	}
	u := uint64(n)
	if u&(u-1) == 0 { // a power of two: masked
		return int(src.Uint64() & (u - 1))
	}
	hi, lo := bits.Mul64(src.Uint64(), u)
	if lo < u {
		thresh := -u % u
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), u)
		}
	}
	return int(hi)
}

// Mean is (Min+Max)/2.
func (r IntRange) Mean() float64 { return float64(r.Min+r.Max) / 2 }

// Validate reports a range that is empty or starts below least.
func (r IntRange) Validate(least int) error {
	if r.Min < least {
		return fmt.Errorf("min is %d: want at least %d", r.Min, least)
	}
	if r.Max < r.Min {
		return fmt.Errorf("max is %d, below min %d", r.Max, r.Min)
	}
	return nil
}

// Generator draws the jobs that arrive at the start of an epoch: in van
// Heeswijk (2020) U{0..10} jobs with volume U{1..10}, due U{1..5} and
// distance U{10..100}, every one sharing its information.
type Generator struct {
	Arrivals IntRange // jobs per epoch
	Volume   IntRange // volume units per job
	Due      IntRange // clearings after the first before it fails
	Distance IntRange // distance per job
	Sharing  float64  // probability that a job shares its information, in [0,1]
	Shippers int      // jobs are dealt to shippers uniformly; 0 means 1
	Value    Sampler  // a job's private value V; nil: no value (0)
}

// P2Generator is the job stream of van Heeswijk (2020).
func P2Generator() Generator {
	return Generator{
		Arrivals: IntRange{0, 10},
		Volume:   IntRange{1, 10},
		Due:      IntRange{1, 5},
		Distance: IntRange{10, 100},
		Sharing:  1,
	}
}

// MeanVolume is the expected volume arriving per epoch.
func (g *Generator) MeanVolume() float64 { return g.Arrivals.Mean() * g.Volume.Mean() }

// Fill sets the random attributes of j. Every attribute is drawn, in a fixed
// order, whatever the configuration, so that changing one knob does not
// shift the random stream of the others.
func (g *Generator) Fill(rng *rand.Rand, j *Job) {
	j.Volume = g.Volume.Draw(rng)
	j.Due = g.Due.Draw(rng)
	j.Due0 = j.Due
	j.Distance = float64(g.Distance.Draw(rng))
	j.Shares = rng.Float64() < g.Sharing
	j.Shipper = rng.IntN(max(1, g.Shippers))
	if g.Value != nil {
		j.Value = g.Value.Sample(rng)
	}
}

// FillFrom is Fill taking its draws from src, the generator of rng,
// itself: the same job, and the same draws, without an interface call per
// draw; the value, when drawn, is drawn from rng.
func (g *Generator) FillFrom(src *PCG, rng *rand.Rand, j *Job) {
	j.Volume = g.Volume.DrawFrom(src)
	j.Due = g.Due.DrawFrom(src)
	j.Due0 = j.Due
	j.Distance = float64(g.Distance.DrawFrom(src))
	j.Shares = float64(src.Uint64()<<11>>11)/(1<<53) < g.Sharing // rand.Rand's Float64
	j.Shipper = intN(src, max(1, g.Shippers))
	if g.Value != nil {
		j.Value = g.Value.Sample(rng)
	}
}

// Sampler draws a number from a distribution, using the random stream it is
// given (package experiments builds them from the scenario, with gonum's
// distributions).
type Sampler interface {
	Sample(rng *rand.Rand) float64
}

// PCG is math/rand/v2's PCG generator (PCG-DXSM with a 128-bit state),
// bit for bit: NewPCG(a, b) draws what rand.NewPCG(a, b) draws, and a
// rand.Rand over it what a rand.Rand over that does. Its Uint64, and its
// NormFloat64 but in rare cases, are small enough for the compiler to
// inline, without the interface call of a rand.Rand: the job stream and
// P2's quotes draw from it directly, in step with a rand.Rand over it.
type PCG struct {
	hi, lo uint64

	slow   *rand.Rand // NormFloat64's rare cases: rand.Rand's over replay
	replay replay
}

// NewPCG returns the generator seeded as rand.NewPCG(seed1, seed2).
func NewPCG(seed1, seed2 uint64) *PCG { return &PCG{hi: seed1, lo: seed2} }

// Uint64 returns the next number: the state multiplied by PCG's 128-bit
// multiplier plus its increment, mixed by DXSM, as math/rand/v2's PCG.
func (p *PCG) Uint64() uint64 {
	const (
		mulHi, mulLo = 2549297995355413924, 4865540595714422341
		incHi, incLo = 6364136223846793005, 1442695040888963407
		cheapMul     = 0xda942042e4dd58b5
	)
	hi, lo := bits.Mul64(p.lo, mulLo)
	hi += p.hi*mulLo + p.lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	p.lo, p.hi = lo, hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	return hi * (lo | 1)
}

// NormFloat64 is rand.New(p).NormFloat64(): the same number from the same
// draws. Its common case (Marsaglia and Tsang's ziggurat: one draw whose
// strip and offset fall inside the strip's box, better than 99 % of draws)
// is computed here, from tables that init reads off rand.Rand's own
// NormFloat64; a draw outside it is handed, with the rest of the stream,
// to rand.Rand's.
func (p *PCG) NormFloat64() float64 {
	u := p.Uint64()
	j := int32(u)
	if i := u >> 32 & 0x7f; abs32(j) < zigK[i] {
		return float64(j) * zigW[i]
	}
	return p.rare(u)
}

// rare is NormFloat64 for a draw u outside its common case: rand.Rand's,
// given u, then the stream.
func (p *PCG) rare(u uint64) float64 {
	if p.slow == nil {
		p.replay.p = p
		p.slow = rand.New(&p.replay)
	}
	p.replay.u, p.replay.pending = u, true
	return p.slow.NormFloat64()
}

// abs32 is |j| as a uint32 (2^31 for the least int32), as rand.Rand's
// NormFloat64 takes it.
func abs32(j int32) uint32 {
	if j < 0 {
		return uint32(-j)
	}
	return uint32(j)
}

// replay gives a rand.Rand the draw p already took, then p's next ones.
type replay struct {
	p       *PCG
	u       uint64
	pending bool
}

func (r *replay) Uint64() uint64 {
	if r.pending {
		r.pending = false
		return r.u
	}
	return r.p.Uint64()
}

// zigK and zigW are, per strip i of the ziggurat, the bound of a draw's
// offset |j| below which rand.Rand's NormFloat64 returns j*zigW[i] at once,
// and that factor. init reads them off NormFloat64 itself, with scripted
// draws: zigW[i] is what it returns for offset 1 in strip i, zigK[i] the
// least offset for which it asks for another draw. A bound read too low
// only sends more draws to rand.Rand's own code, and init checks the
// tables against it on draws of its own; if they disagree (another
// NormFloat64), zigK is cleared and every draw goes to rand.Rand's.
var (
	zigK [128]uint32
	zigW [128]float64
)

// script is a source of scripted draws: first, then zeros; it counts them.
type script struct {
	first uint64
	n     int
}

func (s *script) Uint64() uint64 {
	s.n++
	if s.n == 1 {
		return s.first
	}
	return 0
}

func init() {
	src := new(script)
	rng := rand.New(src)
	once := func(u uint64) (float64, bool) { // NormFloat64 for draw u, and whether it took only u
		*src = script{first: u}
		x := rng.NormFloat64()
		return x, src.n == 1
	}
	for i := range uint64(128) {
		x, ok := once(i<<32 | 1)
		if !ok {
			continue // no offset returns at once: zigK[i] stays 0
		}
		zigW[i] = x
		lo, hi := uint64(1), uint64(1)<<31 // offset lo returns at once; find the least that does not
		for hi-lo > 1 {
			m := (lo + hi) / 2
			if _, ok := once(i<<32 | m); ok {
				lo = m
			} else {
				hi = m
			}
		}
		zigK[i] = uint32(hi)
		if _, ok := once(i<<32 | (1<<31 - 1)); ok {
			zigK[i] = 0 // every offset returns at once: not the ziggurat this code knows
		}
	}
	// The check: draws of a stream of its own, each through both.
	check := rand.NewPCG(0x5a1, 0x6e0)
	for range 4096 {
		u := check.Uint64()
		want, _ := once(u)
		j, i := int32(u), u>>32&0x7f
		if abs32(j) < zigK[i] && math.Float64bits(float64(j)*zigW[i]) != math.Float64bits(want) {
			zigK = [128]uint32{}
			return
		}
	}
}
