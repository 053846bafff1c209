package equilibrium

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/agents"
)

// A recorded play: every quote each role made, with what the measurement
// needs to score other quotes in its place. The exact method scores
// candidates on them in closed form; the search fits its starting points on
// them.

// decision is one quote of a role in a recorded play.
type decision struct {
	episode int
	now     float64 // the clearing's time
	job     int64   // the job's ID within its episode
	phi     []float64
	limit   float64 // a shipper's reservation, a carrier's cost
	base    float64 // the role's reward from the job when it does not trade: -penalty*volume for a one-shot job's shipper, 0 for a carrier
	quote   float64 // the quote drawn
	own     agents.QuoteDist
	ownOK   bool // own is known
	opp     agents.QuoteDist
	oppOK   bool    // opp is known: the opponent's quote distribution for the same job at the same clearing
	oppAt   float64 // the opponent's quote drawn (for a shipper, the lowest ask)
	paired  bool    // an opponent quoted on the job at the clearing
	weight  float64 // how many decisions this one stands for (see compress)
}

// key identifies a quote decision across the two sides.
type key struct {
	episode int
	now     float64
	job     int64
}

// recording collects the decisions of every role in one play.
type recording struct {
	episode   int
	decisions [][]decision // per role
}

// recorder quotes like the strategy it wraps and records each decision.
type recorder struct {
	inner    agents.Strategy
	carrier  bool
	features agents.Features
	rec      *recording
	role     int
	scratch  []float64
}

func (r *recorder) Quote(rng *rand.Rand, j *agents.Job, v *agents.View, rec *agents.Record) float64 {
	d := decision{episode: r.rec.episode, now: v.Now, job: j.ID, phi: make([]float64, r.features.Dim()), weight: 1}
	r.features.Fill(d.phi, j, v)
	if r.carrier {
		d.limit = v.Carrier.Cost(j)
	} else {
		d.limit, d.base = j.Reserve, j.Value-j.Reserve
	}
	d.own, d.ownOK = agents.DistOf(r.inner, j, v, r.scratch)
	d.quote = r.inner.Quote(rng, j, v, rec)
	r.rec.decisions[r.role] = append(r.rec.decisions[r.role], d)
	return d.quote
}

// wrap returns a recorder of role k's strategy s that keeps the optional
// interfaces through which the exchange and the auction talk to s (a ZIP
// trader watches outcomes and shouts), so that recording changes nothing.
func wrap(r *recorder) agents.Strategy {
	type watchShout interface {
		agents.Watcher
		agents.ShoutWatcher
	}
	switch s := r.inner.(type) {
	case watchShout:
		return struct {
			*recorder
			agents.Watcher
			agents.ShoutWatcher
		}{r, s, s}
	case agents.ShoutWatcher:
		return struct {
			*recorder
			agents.ShoutWatcher
		}{r, s}
	case agents.Watcher:
		return struct {
			*recorder
			agents.Watcher
		}{r, s}
	}
	return r
}

// record plays p with every role's strategy recorded and returns the
// decisions, each paired with the opposite side's quote on the same job at
// the same clearing.
func record(m Market, roles []Role, p Play) (*recording, Played) {
	rec := &recording{decisions: make([][]decision, len(roles))}
	for k, r := range roles {
		m.Use(k, wrap(&recorder{inner: r.Strategy, carrier: r.Carrier, features: r.Features, rec: rec, role: k}))
	}
	start := p.Start
	p.Start = func(e int) {
		rec.episode = e
		if start != nil {
			start(e)
		}
	}
	played := m.Play(p)
	for k := range roles {
		m.Use(k, nil)
	}
	rec.pair(roles)
	return rec, played
}

// pair fills in each decision's opponent: for a shipper's bid the carriers'
// asks on the job at the clearing (the lowest, where several carriers
// depart), for a carrier's ask the shipper's bid.
func (rec *recording) pair(roles []Role) {
	type quoteOf struct {
		dist  agents.QuoteDist
		ok    bool
		quote float64
		n     int
	}
	var nb, na int
	for k, r := range roles {
		if r.Carrier {
			na += len(rec.decisions[k])
		} else {
			nb += len(rec.decisions[k])
		}
	}
	bids := make(map[key]quoteOf, nb)
	asks := make(map[key]quoteOf, na)
	for k, r := range roles {
		for _, d := range rec.decisions[k] {
			kk := key{d.episode, d.now, d.job}
			q := quoteOf{d.own, d.ownOK, d.quote, 1}
			if r.Carrier {
				if old, seen := asks[kk]; seen {
					q.n = old.n + 1
					if old.quote < q.quote {
						q.quote = old.quote
					}
					q.ok = false // several asks: no one distribution
				}
				asks[kk] = q
			} else {
				bids[kk] = q
			}
		}
	}
	for k, r := range roles {
		other := bids
		if !r.Carrier {
			other = asks
		}
		for i := range rec.decisions[k] {
			d := &rec.decisions[k][i]
			if q, ok := other[key{d.episode, d.now, d.job}]; ok {
				d.paired, d.opp, d.oppOK, d.oppAt = true, q.dist, q.ok, q.quote
			}
		}
	}
}

// compress merges decisions that score every candidate alike (the same
// features, limit, base and quote distributions; within one episode when
// byEpisode is set) into one of their total weight: a fixed job stream
// repeats a few job types every epoch, so the exact objective then sums a
// few terms instead of thousands.
func compress(ds []decision, byEpisode bool) []decision {
	idx := map[string]int{}
	var out []decision
	var b []byte
	for _, d := range ds {
		b = b[:0]
		put := func(x float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x)) }
		if byEpisode {
			b = binary.LittleEndian.AppendUint64(b, uint64(d.episode))
		}
		for _, x := range d.phi {
			put(x)
		}
		for _, q := range []agents.QuoteDist{d.own, d.opp} {
			b = append(b, byte(q.Kind))
			put(q.At)
			put(q.SD)
			put(q.Lo)
			put(q.Hi)
		}
		put(d.limit)
		put(d.base)
		b = append(b, boolByte(d.ownOK), boolByte(d.oppOK), boolByte(d.paired))
		if i, ok := idx[string(b)]; ok {
			out[i].weight += d.weight
			continue
		}
		idx[string(b)] = len(out)
		out = append(out, d)
	}
	return out
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
