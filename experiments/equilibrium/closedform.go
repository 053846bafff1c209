package equilibrium

import (
	"math"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
)

// eqJob is one job type of a closed-form equilibrium.
type eqJob struct {
	job       agents.Job
	cost      float64
	reserve   float64
	efficient bool // reserve > cost: it trades in every equilibrium with trade
}

// closedForm returns the job types of the scenario's closed-form
// equilibrium, and whether it has one (see ClosedFormDistance).
func closedForm(sc *scenario.Config) ([]eqJob, bool) {
	if len(sc.Jobs.Fixed) == 0 || len(sc.Shippers) != 1 || len(sc.Carriers) != 1 || sc.Market.Tie != scenario.TieMaxVolume {
		return nil, false
	}
	car := agents.Carrier{CostRate: sc.Carriers[0].CostRate}
	var out []eqJob
	volume := 0
	for _, j := range sc.FixedJobs() {
		if j.Due != 0 {
			return nil, false
		}
		j.Reserve = j.Value + sc.Shippers[0].Penalty*float64(j.Volume)
		e := eqJob{job: j, cost: car.Cost(&j), reserve: j.Reserve}
		e.efficient = e.reserve > e.cost
		if e.efficient {
			volume += j.Volume
		}
		out = append(out, e)
	}
	return out, volume <= sc.Capacities()[0] && sc.Carriers[0].Schedule.Period == 1
}

// ClosedFormDistance is the distance of the profile of shipper and carrier
// (their mean quotes) to the nearest equilibrium, where the equilibria are
// known in closed form; NaN elsewhere, or when a strategy's quote
// distribution is not known.
//
// P1's fixed jobs (closedForm): the mean over job types of the distance of
// the mean (bid, ask) to the job's equilibrium set. A job worth shipping
// (cost c below reservation R) trades at bid = ask = p with c <= p <= R, or
// does not trade with bid <= c and ask >= R (a no-trade equilibrium: no
// side can gain by meeting the other); a job not worth shipping does not
// trade, with bid <= c, ask >= R and bid <= ask.
//
// Bilateral trading (bilateralForm): the root mean square, over values and
// costs uniform on their supports, of the distance of the mean bid and ask
// functions to the nearest of Chatterjee and Samuelson's linear equilibrium
// and the no-trade equilibrium (bids below every cost, asks above every
// value): sqrt(E[(b(v) - b*(v))²] + E[(a(c) - a*(c))²]).
func ClosedFormDistance(sc *scenario.Config, shipper, carrier agents.Strategy, car *agents.Carrier) float64 {
	if shipper == nil || carrier == nil {
		return math.NaN()
	}
	if eq, ok := closedForm(sc); ok {
		return jobsDistance(eq, shipper, carrier, car)
	}
	if bf, ok := bilateralForm(sc); ok {
		return bf.distance(sc, shipper, carrier, car)
	}
	return math.NaN()
}

func jobsDistance(eq []eqJob, shipper, carrier agents.Strategy, car *agents.Carrier) float64 {
	jobs := make([]*agents.Job, len(eq))
	for i, e := range eq {
		j := e.job
		jobs[i] = &j
	}
	var v agents.View
	v.Observe(jobs, false)
	v.Carrier, v.Capacity = car, car.Capacity
	var sum float64
	for i, e := range eq {
		bd, okB := agents.DistOf(shipper, jobs[i], &v, nil)
		ad, okA := agents.DistOf(carrier, jobs[i], &v, nil)
		if !okB || !okA {
			return math.NaN()
		}
		sum += jobDistance(bd.Mean(), ad.Mean(), e.cost, e.reserve, e.efficient)
	}
	return sum / float64(len(eq))
}

// jobDistance is the distance of (b, a) to one job's equilibrium set.
func jobDistance(b, a, c, r float64, efficient bool) float64 {
	// No trade: bid <= c and ask >= r (and bid <= ask, implied when c <= r).
	noTrade := polygonDistance(b, a, []halfPlane{{1, 0, c}, {0, -1, -r}, {1, -1, 0}})
	if !efficient {
		return noTrade
	}
	// Trade at bid = ask = p, c <= p <= r: the segment.
	p := math.Max(c, math.Min(r, (b+a)/2))
	return math.Min(noTrade, math.Hypot(b-p, a-p))
}

// halfPlane is {(x, y): nx*x + ny*y <= h}.
type halfPlane struct{ nx, ny, h float64 }

// polygonDistance is the Euclidean distance of (x, y) to the intersection
// of the half-planes (nonempty, in two dimensions): zero inside; else the
// nearest of the projections on the boundary lines and of the corners that
// lie in the intersection.
func polygonDistance(x, y float64, hs []halfPlane) float64 {
	inside := func(px, py float64) bool {
		for _, h := range hs {
			if h.nx*px+h.ny*py > h.h+1e-12*(1+math.Abs(h.h)) {
				return false
			}
		}
		return true
	}
	if inside(x, y) {
		return 0
	}
	best := math.Inf(1)
	for _, h := range hs {
		n2 := h.nx*h.nx + h.ny*h.ny
		t := (h.nx*x + h.ny*y - h.h) / n2
		px, py := x-t*h.nx, y-t*h.ny
		if inside(px, py) {
			best = math.Min(best, math.Hypot(x-px, y-py))
		}
	}
	for i := range hs {
		for j := i + 1; j < len(hs); j++ {
			a, b := hs[i], hs[j]
			det := a.nx*b.ny - a.ny*b.nx
			if det == 0 {
				continue
			}
			px := (a.h*b.ny - a.ny*b.h) / det
			py := (a.nx*b.h - a.h*b.nx) / det
			if inside(px, py) {
				best = math.Min(best, math.Hypot(x-px, y-py))
			}
		}
	}
	return best
}
