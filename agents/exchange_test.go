package agents

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/freightsim/freightsim/market"
)

// fixedBid bids a per-job price from a table keyed by job ID, and records
// every quote as a decision so that returns can be checked.
type fixedBid map[int64]float64

func (f fixedBid) Quote(_ *rand.Rand, j *Job, _ *View, rec *Record) float64 {
	rec.Decide([]float64{1}, f[j.ID], f[j.ID], 1, j.Due)
	return f[j.ID]
}

type finished struct {
	id      int64
	shipped bool
	total   float64
	returns []float64
	groups  []int
}

type recorder struct {
	done     []finished
	cleared  []int // shipped volume per clearing
	capacity []int
}

func (r *recorder) Quoted([]market.Order, int) {}

func (r *recorder) Cleared(_ float64, _, capacity int, _ []market.Order, c *market.Clearing) {
	r.cleared = append(r.cleared, c.Volume)
	r.capacity = append(r.capacity, capacity)
}

func (r *recorder) Finished(j *Job, shipped bool, _ int) {
	r.done = append(r.done, finished{j.ID, shipped, j.Ship.Total, j.Ship.Returns(nil), append([]int(nil), j.Ship.Group...)})
}

func newTestExchange(bids fixedBid, capacity int) (*Exchange, *recorder) {
	rec := &recorder{}
	return &Exchange{
		Shippers: []*Shipper{{HoldingCost: 1, Penalty: 20, Strategy: bids}},
		Carriers: []*Carrier{{Capacity: capacity, CostRate: 0.1, Strategy: TruthfulAsk{}}},
		Broker:   market.P2Acceptance(),
		Observer: rec,
	}, rec
}

func (x *Exchange) addJob(volume, due int, distance float64) *Job {
	j := x.NewJob()
	j.Volume, j.Due, j.Due0, j.Distance = volume, due, due, distance
	x.Arrive(j)
	return j
}

// TestExchangeP2Epoch walks three jobs through clearings by hand.
func TestExchangeP2Epoch(t *testing.T) {
	// Costs k*v*l: job 0: 0.1*5*20 = 10; job 1: 0.1*4*50 = 20; job 2: 0.1*6*10 = 6.
	bids := fixedBid{0: 15, 1: 19, 2: 6}
	x, rec := newTestExchange(bids, 10)
	x.addJob(5, 1, 20) // net +5: ships
	x.addJob(4, 0, 50) // net -1: never ships; due 0: fails now
	x.addJob(6, 2, 10) // net exactly 0: never taken under the strict (P2) rule; waits
	x.Depart(0.5, 0)

	if len(rec.done) != 2 {
		t.Fatalf("after the first clearing %d jobs finished, want 2 (one shipped, one failed)", len(rec.done))
	}
	if d := rec.done[0]; d.id != 0 || !d.shipped || d.total != -15 {
		t.Errorf("job 0: %+v, want shipped with reward -15 (pays its bid)", d)
	}
	if d := rec.done[1]; d.id != 1 || d.shipped || d.total != -80 {
		t.Errorf("job 1: %+v, want failed with reward -20*4 = -80 (no holding cost on failure)", d)
	}
	if w := x.Waiting(); len(w) != 1 || w[0].ID != 2 || w[0].Due != 1 {
		t.Fatalf("waiting after the first clearing: %v, want job 2 with due 1 left", w)
	}
	if got := x.Carriers[0].Reward; got != 5 {
		t.Errorf("carrier reward %v, want bid 15 - cost 10 = 5", got)
	}
	if got := x.Shippers[0].Reward; got != -15-80-6 {
		t.Errorf("shipper reward %v, want -15 - 80 - 6 (holding 1*6 for job 2)", got)
	}

	// Second clearing: job 2 now bids 7 > cost 6 and ships.
	bids[2] = 7
	x.Depart(1.5, 0)
	if len(rec.done) != 3 {
		t.Fatalf("after the second clearing %d jobs finished, want 3", len(rec.done))
	}
	d := rec.done[2]
	if !d.shipped || d.total != -6-7 {
		t.Errorf("job 2: %+v, want shipped with reward -6 (holding) - 7 (price)", d)
	}
	// Returns: decision 0 (due 2) sees -6 then -7; decision 1 (due 1) sees -7.
	if len(d.returns) != 2 || d.returns[0] != -13 || d.returns[1] != -7 {
		t.Errorf("job 2 returns %v, want [-13 -7]", d.returns)
	}
	if len(d.groups) != 2 || d.groups[0] != 2 || d.groups[1] != 1 {
		t.Errorf("job 2 decision groups %v, want remaining due [2 1]", d.groups)
	}
	if len(x.Waiting()) != 0 {
		t.Errorf("%d jobs still waiting, want none", len(x.Waiting()))
	}
	if rec.cleared[0] != 5 || rec.cleared[1] != 6 || rec.capacity[0] != 10 {
		t.Errorf("shipped volumes %v of capacity %v, want [5 6] of 10", rec.cleared, rec.capacity)
	}
}

// TestExchangeCapacityBinds checks that the broker, not arrival order,
// decides who ships when capacity binds.
func TestExchangeCapacityBinds(t *testing.T) {
	// Capacity 10. Job 0: v 6, net 0.1*... cost 0.1*6*10 = 6, bid 10: net 4.
	// Job 1: v 5, cost 5, bid 8: net 3. Job 2: v 5, cost 5, bid 8.5: net 3.5.
	// Best feasible: jobs 1+2 (net 6.5, volume 10) beat job 0 alone (4).
	x, rec := newTestExchange(fixedBid{0: 10, 1: 8, 2: 8.5}, 10)
	x.addJob(6, 3, 10)
	x.addJob(5, 3, 10)
	x.addJob(5, 3, 10)
	x.Depart(0.5, 0)
	var shipped []int64
	for _, d := range rec.done {
		shipped = append(shipped, d.id)
	}
	if len(shipped) != 2 || shipped[0] != 1 || shipped[1] != 2 {
		t.Errorf("shipped %v, want [1 2]: the spread-maximising set", shipped)
	}
}

func TestExchangeRecyclesJobs(t *testing.T) {
	x, _ := newTestExchange(fixedBid{}, 10)
	for range 3 {
		x.addJob(1, 0, 1)
	}
	x.Depart(0.5, 0) // all bid 0 < cost: all fail
	if err := x.EndEpisode(); err != nil {
		t.Fatal(err)
	}
	j := x.NewJob()
	if j.ID != 0 || j.Volume != 0 || j.Ship.Len() != 0 || j.Ship.Total != 0 {
		t.Errorf("a recycled job was not reset: %+v", j)
	}
	if x.Shippers[0].Reward != 0 {
		t.Errorf("EndEpisode left the shipper's reward at %v", x.Shippers[0].Reward)
	}
}

func TestViewP2RunningAverages(t *testing.T) {
	jobs := []*Job{
		{Volume: 2, Due: 4, Distance: 10, Shares: true},
		{Volume: 3, Due: 2, Distance: 30, Shares: false},
		{Volume: 5, Due: 1, Distance: 50, Shares: true},
	}
	var v View
	v.Observe(jobs, true)
	// Quirk (a): after job 0: (0+4)/1 = 4; after job 2: (4+1)/2 = 2.5. Distance: 10, then (10+50)/2 = 30.
	if v.SharedDue != 2.5 || v.SharedDistance != 30 || v.SharedCount != 2 || v.SharedVolume != 7 {
		t.Errorf("P2 running view %+v, want due 2.5, distance 30, count 2, volume 7", v)
	}
	jobs = append(jobs, &Job{Volume: 1, Due: 3, Distance: 60, Shares: true})
	v.Observe(jobs, true)
	// (2.5+3)/3 = 1.8333..., whereas the true mean is (4+1+3)/3 = 2.667.
	if math.Abs(v.SharedDue-5.5/3) > 1e-15 {
		t.Errorf("P2 running due %v, want (2.5+3)/3", v.SharedDue)
	}
	v.Observe(jobs, false)
	if math.Abs(v.SharedDue-8.0/3) > 1e-15 || v.SharedDistance != 40 || v.WaitingVolume != 11 || v.Waiting != 4 {
		t.Errorf("corrected view %+v, want mean due 8/3, mean distance 40, 4 waiting of volume 11", v)
	}
}

// TestViewP2RunningDivides: the running "averages" are (avg + x)/n bit for
// bit, n a power of two (multiplied by 1/n) or not, over dues and
// distances that round.
func TestViewP2RunningDivides(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		var v View
		v.Begin(70)
		due, dist := 0.0, 0.0
		for n := 1; n <= 70; n++ {
			d, x := rng.IntN(9), 1+99*rng.Float64()
			v.Add(1, d, x, true, true)
			due, dist = (due+float64(d))/float64(n), (dist+x)/float64(n)
			if math.Float64bits(v.SharedDue) != math.Float64bits(due) || math.Float64bits(v.SharedDistance) != math.Float64bits(dist) {
				t.Fatalf("after %d jobs: due %v, distance %v; want (avg + x)/n: %v, %v", n, v.SharedDue, v.SharedDistance, due, dist)
			}
		}
	}
}

func TestP2FeaturesScale(t *testing.T) {
	g := P2Generator()
	f := P2FeaturesFor(&g)
	v := &View{SharedVolume: 250, SharedDue: 2.5, SharedDistance: 50, SharedCount: 25}
	dst := make([]float64, f.Dim())
	f.Fill(dst, &Job{Volume: 5, Due: 5, Distance: 100, Shares: true}, v)
	want := []float64{1, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1}
	for i := range want {
		if dst[i] != want[i] {
			t.Errorf("feature %d = %v, want %v (P2 scales 500, 5, 100, 50, 10, 5, 100)", i, dst[i], want[i])
		}
	}
	f.Fill(dst, &Job{Volume: 5, Due: 5, Distance: 100, Shares: false}, v)
	for i := 1; i <= 4; i++ {
		if dst[i] != 0 {
			t.Errorf("a job that does not share sees market feature %d = %v, want 0", i, dst[i])
		}
	}
}

// With jobs.due.max 0 every job ships at its first clearing or never:
// P2's scales divided by a largest due of 0 (NaN features, bids refused by
// the broker). A scale of 0 counts as 1: the due feature is 0, the shared
// volume is per arrival and volume unit, every feature finite.
func TestP2FeaturesOfZeroScalesAreFinite(t *testing.T) {
	g := P2Generator()
	g.Due = IntRange{Min: 0, Max: 0}
	f := P2FeaturesFor(&g)
	v := &View{SharedVolume: 25, SharedDue: 0, SharedDistance: 50, SharedCount: 5}
	dst := make([]float64, f.Dim())
	f.Fill(dst, &Job{Volume: 5, Due: 0, Distance: 100, Shares: true}, v)
	want := []float64{1, 25.0 / 100, 0, 0.5, 0.5, 0.5, 0, 1}
	for i := range want {
		if dst[i] != want[i] {
			t.Errorf("feature %d = %v, want %v (scales 100, 1, 100, 10, 10, 1, 100)", i, dst[i], want[i])
		}
	}
}

func TestGeneratorRanges(t *testing.T) {
	g := P2Generator()
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[int]bool{}
	for range 10000 {
		var j Job
		g.Fill(rng, &j)
		if j.Volume < 1 || j.Volume > 10 || j.Due < 1 || j.Due > 5 || j.Distance < 10 || j.Distance > 100 || !j.Shares || j.Due0 != j.Due {
			t.Fatalf("job out of P2's ranges: %+v", j)
		}
		seen[j.Due] = true
		if n := g.Arrivals.Draw(rng); n < 0 || n > 10 {
			t.Fatalf("%d arrivals, want 0..10", n)
		}
	}
	if len(seen) != 5 {
		t.Errorf("dues seen %v, want every value 1..5", seen)
	}
	if g.MeanVolume() != 27.5 {
		t.Errorf("mean arriving volume %v, want 5 * 5.5 = 27.5 (MODEL section 7)", g.MeanVolume())
	}
}

func TestRecordReturns(t *testing.T) {
	var r Record
	r.Pay(-1) // before any decision: counted in the total, not in a return
	r.Decide([]float64{1, 2}, 3, 2, 1, 4)
	r.Pay(-2)
	r.Decide([]float64{3, 4}, 5, 4, 1, 3)
	r.Pay(-3)
	r.Pay(-4)
	got := r.Returns(nil)
	if len(got) != 2 || got[0] != -9 || got[1] != -7 {
		t.Errorf("returns %v, want [-9 -7]", got)
	}
	if r.Total != -10 {
		t.Errorf("total %v, want -10", r.Total)
	}
	if f := r.Features(1); f[0] != 3 || f[1] != 4 {
		t.Errorf("features of decision 1: %v, want [3 4]", f)
	}
}

// quoteLog asks the carrier's cost and logs which carrier quoted which job.
type quoteLog struct{ quoted map[[2]int64]int }

func (q *quoteLog) Quote(_ *rand.Rand, j *Job, v *View, rec *Record) float64 {
	q.quoted[[2]int64{int64(v.Carrier.Index), j.ID}]++
	rec.Decide([]float64{1}, 0, 0, 1, j.Due)
	return v.Carrier.Cost(j)
}

type shippedWith struct{ carrier map[int64]int }

func (s *shippedWith) Quoted([]market.Order, int)                                  {}
func (s *shippedWith) Cleared(float64, int, int, []market.Order, *market.Clearing) {}
func (s *shippedWith) Finished(j *Job, shipped bool, c int) {
	if shipped {
		s.carrier[j.ID] = c
	}
}

// TestExchangeSegments: with Candidates 2 and five carriers the market has
// three segments (carriers 0-1, 2-3 and 4); job i belongs to segment i mod
// 3, is quoted by its segment's carriers only, once each, and ships with one
// of them. With Candidates at least the number of carriers, every carrier
// quotes every job.
func TestExchangeSegments(t *testing.T) {
	for _, c := range []struct{ candidates, segments int }{{2, 3}, {5, 1}, {0, 1}} {
		log := &quoteLog{quoted: map[[2]int64]int{}}
		obs := &shippedWith{carrier: map[int64]int{}}
		x := &Exchange{
			Shippers:   []*Shipper{{HoldingCost: 1, Penalty: 20, Strategy: TruthfulBid{}}},
			Broker:     market.P2Acceptance(),
			Observer:   obs,
			Candidates: c.candidates,
		}
		for i := range 5 {
			x.Carriers = append(x.Carriers, &Carrier{Index: i, Capacity: 100, CostRate: 0.1, Strategy: log})
		}
		if g := x.Segments(); g != c.segments {
			t.Fatalf("candidates %d, 5 carriers: %d segments, want %d", c.candidates, g, c.segments)
		}
		const jobs = 9
		for range jobs {
			x.addJob(1, 0, 10) // cost 1, reservation 20: ships with any carrier that quotes it
		}
		x.DepartAll(0.5, []int{0, 1, 2, 3, 4})
		for id := range int64(jobs) {
			s, lo, hi := x.Segment(&Job{ID: id})
			if c.segments == 1 && (s != 0 || lo != 0 || hi != 5) {
				t.Errorf("candidates %d: job %d in segment %d, carriers %d..%d, want the one segment of all 5", c.candidates, id, s, lo, hi-1)
			}
			if c.segments == 3 && (s != int(id%3) || lo != 2*s || hi != min(2*s+2, 5)) {
				t.Errorf("candidates 2: job %d in segment %d, carriers %d..%d, want segment %d", id, s, lo, hi-1, id%3)
			}
			for car := range 5 {
				want := 0
				if car >= lo && car < hi {
					want = 1
				}
				if got := log.quoted[[2]int64{int64(car), id}]; got != want {
					t.Errorf("candidates %d: carrier %d quoted job %d %d times, want %d", c.candidates, car, id, got, want)
				}
			}
			if k, ok := obs.carrier[id]; !ok || k < lo || k >= hi {
				t.Errorf("candidates %d: job %d shipped with carrier %d (shipped %v), want one of %d..%d", c.candidates, id, k, ok, lo, hi-1)
			}
		}
		if len(x.Waiting()) != 0 {
			t.Errorf("candidates %d: %d jobs still waiting, want none", c.candidates, len(x.Waiting()))
		}
	}
}
