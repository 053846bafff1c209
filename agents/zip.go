package agents

import (
	"math"
	"math/rand/v2"
)

// FloatRange is a continuous uniform distribution on [Min, Max].
type FloatRange struct {
	Min float64 `yaml:"min"`
	Max float64 `yaml:"max"`
}

// Draw returns Min + (Max-Min)*u for one uniform u in [0,1) from rng: it
// draws one number even when Min == Max.
func (r FloatRange) Draw(rng *rand.Rand) float64 { return r.Min + (r.Max-r.Min)*rng.Float64() }

// ZIPParams are the parameters of a [ZIP] trader. [CliffZIP] returns those
// of Cliff (1997).
type ZIPParams struct {
	Carrier bool       // ask from the departing carrier's cost; else bid from the job's reservation
	Beta    FloatRange // learning rate beta, drawn once per trader: in (0, 1]
	Gamma   FloatRange // momentum gamma, drawn once per trader: in [0, 1)
	Margin  FloatRange // initial margin mu, drawn once per trader: >= 0, and at most 1 for a shipper
	CR      float64    // c_R: a target is the reference price times U[1, 1+CR] (up) or U[1-CR, 1] (down): in [0, 1)
	CA      float64    // c_A: plus U[0, CA] (up) or minus U[0, CA] (down) times |limit| of the quote's job: >= 0

	// UseLast compares a quote that did not trade with the market's last
	// trade price (Outcome.Last), as Cliff's traders compare their price
	// with the last shout. Prices of different jobs compare only where jobs
	// are alike (same volume and distance, as in a classic double-auction
	// experiment): leave it off otherwise.
	UseLast bool
}

// CliffZIP returns the parameters of Cliff (1997): beta U[0.1, 0.5],
// gamma U[0, 0.1], initial margin U[0.05, 0.35], c_R = c_A = 0.05, and
// UseLast off. Carrier is false (a shipper): set it for a carrier.
func CliffZIP() ZIPParams {
	return ZIPParams{
		Beta:   FloatRange{0.1, 0.5},
		Gamma:  FloatRange{0, 0.1},
		Margin: FloatRange{0.05, 0.35},
		CR:     0.05,
		CA:     0.05,
	}
}

// Validate reports, as a *[ParamError] naming "beta", "gamma", "margin",
// "cr" or "ca", the first parameter that is not finite or not in its range.
func (p ZIPParams) Validate() error {
	rng := func(name string, r FloatRange, lo, hi float64, openLo, openHi bool, want string) error {
		bad := !finite(r.Min) || !finite(r.Max) || r.Min > r.Max ||
			r.Min < lo || (openLo && r.Min == lo) || r.Max > hi || (openHi && r.Max == hi)
		if bad {
			return paramError(name, "[%v, %v]: want %s", r.Min, r.Max, want)
		}
		return nil
	}
	if err := rng("beta", p.Beta, 0, 1, true, false, "0 < min <= max <= 1"); err != nil {
		return err
	}
	if err := rng("gamma", p.Gamma, 0, 1, false, true, "0 <= min <= max < 1"); err != nil {
		return err
	}
	if p.Carrier {
		if err := rng("margin", p.Margin, 0, math.MaxFloat64, false, false, "0 <= min <= max, finite"); err != nil {
			return err
		}
	} else if err := rng("margin", p.Margin, 0, 1, false, false, "0 <= min <= max <= 1 for a shipper"); err != nil {
		return err
	}
	if !finite(p.CR) || p.CR < 0 || p.CR >= 1 {
		return paramError("cr", "%v: want a number in [0, 1)", p.CR)
	}
	if !finite(p.CA) || p.CA < 0 {
		return paramError("ca", "%v: want a finite number >= 0", p.CA)
	}
	return nil
}

// ZIP is the zero-intelligence-plus trader of Cliff, "Minimal-intelligence
// agents for bargaining behaviours in market-based environments" (HP Labs
// HPL-97-91, 1997). It quotes at a profit margin mu from its side's limit:
// a carrier asks cost*(1+mu) with mu >= 0, a shipper bids
// reservation*(1-mu) with 0 <= mu <= 1, so no quote ever crosses its limit
// (for a negative limit, mu is taken of its size, as in [Markup]). After
// each clearing the exchange tells it, through [ZIP.Watch], what became of
// each of its quotes, and it moves mu by Cliff's rule.
//
// One ZIP is one trader. Its margin is shared by the jobs it prices on one
// lane (origin and destination hub: Job.From, Job.To; every job of a
// one-hub market is on lane 0 to 0) and kept per lane on a network, since
// a back-haul and a head-haul clear at different prices: each lane's
// margin and momentum start at the initial margin and 0 and move only
// with the outcomes and shouts of that lane.
// Its learning rate beta, momentum gamma and initial margin are drawn, in
// that order, from the rng given to [NewZIP]; it keeps that rng for the
// perturbations of its targets.
//
// Cliff's rule. A quote q0 that traded at price q moves the price toward
// q: a seller raises its margin when q >= q0 and lowers it otherwise, a
// buyer raises its margin when q <= q0 and lowers it otherwise. To raise a
// seller's price the target is tau = R*q + A with R ~ U[1, 1+c_R] and
// A ~ U[0, c_A]; to lower it, R ~ U[1-c_R, 1] and A ~ U[-c_A, 0] (a buyer
// raises its margin by lowering its price). The Widrow-Hoff rule with
// momentum then moves the current price p = limit*(1±mu):
//
//	Delta = beta*(tau - p)
//	Gamma = gamma*Gamma + (1-gamma)*Delta
//	p'    = p + Gamma, and mu follows from p'
//
// and mu is clamped to its range.
//
// Deviations from Cliff (1997), which the freight market forces:
//
//   - Clearing is periodic and sealed (a knapsack at each departure), or a
//     double auction whose other shouts a trader does not see: a trader
//     learns once per quote per clearing, in the order the exchange
//     reports them, not after every shout in the market. In a continuous
//     double auction, where every shout is public, it learns as Cliff's
//     traders do, after every shout ([ZIP.Shout]), and adapts within
//     evaluation rounds too (forgetting it when they settle): in the
//     classroom market ZIP buyers and sellers reach an allocative
//     efficiency of 1.000 (docs/EXPERIMENTS.md).
//   - Jobs differ, so limits differ per job: the margin is relative and
//     shared across jobs. Each step is taken in units of the quote's job's
//     |limit| (prices divided by it), and the momentum Gamma is kept in
//     those units, so that a step means the same for a job of cost 5 and
//     one of cost 500. The step starts from the current margin, which
//     earlier outcomes of the same clearing may have moved.
//   - c_A is a fraction of the job's |limit|, not an absolute amount in
//     the units of Cliff's prices, for the same reason.
//   - The reference price q is the quote's own trade price when it
//     traded. When it did not, q is the quote itself and the margin is
//     lowered (a seller's price falls, a buyer's rises): with sealed
//     quotes the only thing known is that the quote was not good enough
//     (too far from the other side, or outbid for capacity). Cliff would
//     instead compare the price with the last shout in the market, which
//     for heterogeneous jobs is the price of another job. With UseLast set
//     and a trade in the market (Last not NaN), q is Last and the rule is
//     Cliff's: a seller whose quote q0 <= Last raises its margin and
//     lowers it otherwise; a buyer whose q0 >= Last raises its margin and
//     lowers it otherwise.
//   - Every quote is for a job that is still waiting, so every trader is
//     "active" in Cliff's sense.
//   - Cliff keeps a price from crossing its limit; here a step that would
//     cross is clamped to the bound (mu = 0, or 1 for a buyer, whose bid
//     cannot fall below 0). His later Bristol Stock Exchange code skips
//     such a step instead, leaving the margin where it was.
//   - A buyer's margin is Cliff's with the sign flipped: he writes a bid as
//     limit*(1+mu) with mu in [-1, 0].
//   - Perturbations are drawn from the trader's own rng, R then A, one
//     pair per step.
//
// Outcomes for the other side, with a zero or non-finite limit, or with a
// non-finite quote or trade price, teach nothing and are ignored (no draw).
// A ZIP is not safe for concurrent use.
type ZIP struct {
	carrier bool
	useLast bool
	cr, ca  float64
	beta    float64
	gamma   float64
	start   float64   // the initial margin, drawn
	lanes   []zipLane // per lane quoted or heard of, in order of first use
	rng     *rand.Rand
}

// zipLane is a ZIP's state on one lane.
type zipLane struct {
	from, to int
	margin   float64
	momentum float64    // Cliff's Gamma, in units of the job's |limit|, positive when the price rises
	marked   [2]float64 // margin and momentum at Mark
}

// lane is the state for the lane from to, added at the initial margin
// (and marked there) if new.
func (z *ZIP) lane(from, to int) *zipLane {
	for k := range z.lanes {
		if l := &z.lanes[k]; l.from == from && l.to == to {
			return l
		}
	}
	z.lanes = append(z.lanes, zipLane{from: from, to: to, margin: z.start, marked: [2]float64{z.start, 0}})
	return &z.lanes[len(z.lanes)-1]
}

// NewZIP returns a ZIP trader with parameters p, drawing its beta, gamma
// and initial margin from rng (in that order) and keeping rng for later
// draws: give each trader its own stream. It reports invalid parameters as
// [ZIPParams.Validate] does, and panics if rng is nil.
func NewZIP(p ZIPParams, rng *rand.Rand) (*ZIP, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		panic("agents: NewZIP needs a random stream")
	}
	z := &ZIP{carrier: p.Carrier, useLast: p.UseLast, cr: p.CR, ca: p.CA, rng: rng}
	z.beta = p.Beta.Draw(rng)
	z.gamma = p.Gamma.Draw(rng)
	z.start = p.Margin.Draw(rng)
	z.lane(0, 0)
	return z, nil
}

// Margin is the current profit margin mu on lane 0 to 0 (a one-hub
// market's only lane).
func (z *ZIP) Margin() float64 { return z.lanes[0].margin }

// LaneMargin is the current profit margin mu on the lane from hub from to
// hub to (the initial margin if the trader has not used it).
func (z *ZIP) LaneMargin(from, to int) float64 {
	for _, l := range z.lanes {
		if l.from == from && l.to == to {
			return l.margin
		}
	}
	return z.start
}

// Beta is the learning rate drawn at construction.
func (z *ZIP) Beta() float64 { return z.beta }

// Gamma is the momentum drawn at construction.
func (z *ZIP) Gamma() float64 { return z.gamma }

// Quote returns the carrier's cost of j times 1+mu, or j's reservation
// times 1-mu. It draws nothing.
func (z *ZIP) Quote(_ *rand.Rand, j *Job, v *View, _ *Record) float64 {
	return z.price(z.lane(j.From, j.To), limit(z.carrier, j, v))
}

// price is the quote at lane l's current margin for a job of limit lim.
func (z *ZIP) price(l *zipLane, lim float64) float64 {
	if z.carrier {
		return above(lim, l.margin)
	}
	return below(lim, l.margin)
}

// Watch moves the margin by Cliff's rule after one of its quotes was
// cleared (see [ZIP]).
func (z *ZIP) Watch(o Outcome) {
	if o.Carrier != z.carrier || o.Limit == 0 || !finite(o.Limit) || !finite(o.Quote) {
		return
	}
	var q float64 // reference price
	var up bool   // move the price up
	switch {
	case o.Traded:
		if !finite(o.Price) {
			return
		}
		q = o.Price
		up = z.raiseAt(o.Quote, q)
	case z.useLast && finite(o.Last):
		q = o.Last
		up = z.raiseAt(o.Quote, q)
	default:
		// Not good enough: lower the margin, a seller's price down and a buyer's up.
		q = o.Quote
		up = !z.carrier
	}

	z.step(z.rng, z.lane(o.From, o.To), o.Limit, q, up)
}

// Shout moves the margin by Cliff's rule after a shout in a continuous
// double auction, as his traders do (Cliff 1997, section 4): after a trade
// at q, a seller whose price is at most q raises its margin, and, if the
// shout was a bid, an active seller whose price is at least q lowers it; a
// buyer whose price is at least q raises its margin, and, if the shout was
// an ask, an active buyer whose price is at most q lowers it. After a shout
// that did not trade, an active seller at or above an ask's price lowers
// its margin, and an active buyer at or below a bid's price lowers its
// margin. limit is the trader's limit for the unit it trades.
func (z *ZIP) Shout(rng *rand.Rand, s Shout, limit float64, active bool) {
	if limit == 0 || !finite(limit) || !finite(s.Price) {
		return
	}
	l := z.lane(s.From, s.To)
	q, p := s.Price, z.price(l, limit)
	switch {
	case z.carrier && s.Traded && p <= q:
		z.step(rng, l, limit, q, true)
	case z.carrier && active && p >= q && (s.Traded && !s.Ask || !s.Traded && s.Ask):
		z.step(rng, l, limit, q, false)
	case !z.carrier && s.Traded && p >= q:
		z.step(rng, l, limit, q, false)
	case !z.carrier && active && p <= q && (s.Traded && s.Ask || !s.Traded && !s.Ask):
		z.step(rng, l, limit, q, true)
	}
}

// Mark keeps every lane's margin and momentum, for Reset.
func (z *ZIP) Mark() {
	for k := range z.lanes {
		l := &z.lanes[k]
		l.marked = [2]float64{l.margin, l.momentum}
	}
}

// Reset returns every lane to its margin and momentum at the last Mark (a
// lane first used since, to the initial margin).
func (z *ZIP) Reset() {
	for k := range z.lanes {
		l := &z.lanes[k]
		l.margin, l.momentum = l.marked[0], l.marked[1]
	}
}

// step moves the price quoted for a job of limit lim toward a target just
// above (up) or below the reference price q, by the Widrow-Hoff rule with
// momentum, drawing its perturbations from rng, and clamps the margin to
// its range.
func (z *ZIP) step(rng *rand.Rand, l *zipLane, lim, q float64, up bool) {
	scale := math.Abs(lim)
	r := z.cr * rng.Float64()
	a := z.ca * scale * rng.Float64()
	tau := q - r*math.Abs(q) - a
	if up {
		tau = q + r*math.Abs(q) + a
	}
	delta := z.beta * (tau - z.price(l, lim)) / scale
	l.momentum = z.gamma*l.momentum + (1-z.gamma)*delta
	if z.carrier {
		l.margin = max(l.margin+l.momentum, 0)
	} else {
		l.margin = min(max(l.margin-l.momentum, 0), 1)
	}
}

// raiseAt reports whether a quote q0 facing a trade at q moves the price up
// in Cliff's rule: a seller raises its margin (price up) when q0 <= q, a
// buyer raises its margin (price down) when q0 >= q.
func (z *ZIP) raiseAt(q0, q float64) bool {
	if z.carrier {
		return q0 <= q
	}
	return q0 < q
}
