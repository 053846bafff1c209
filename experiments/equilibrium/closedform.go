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
	efficient bool // reserve > cost: it trades in every equilibrium
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

// ClosedFormDistance is the mean, over the job types of a fixed stream, of
// the distance of the learned mean (bid, ask) to that job's equilibrium
// set: {(p, p): cost <= p <= reservation} for a job worth shipping, and
// {bid <= ask}, no trade, for one that is not. These sets are the whole
// story when the jobs cannot wait (due 0), one shipper and one carrier both
// learn, zero-spread trades are allowed (tie max-volume), and capacity is
// enough for every job worth shipping. NaN otherwise.
func ClosedFormDistance(sc *scenario.Config, shipper, carrier agents.Described, car *agents.Carrier) float64 {
	eq, ok := closedForm(sc)
	if !ok || shipper == nil || carrier == nil {
		return math.NaN()
	}
	jobs := make([]*agents.Job, len(eq))
	for i, e := range eq {
		j := e.job
		jobs[i] = &j
	}
	var v agents.View
	v.Observe(jobs, false)
	v.Carrier, v.Capacity = car, car.Capacity
	phiS := make([]float64, shipper.FeatureMap().Dim())
	phiC := make([]float64, carrier.FeatureMap().Dim())
	var sum float64
	for i, e := range eq {
		shipper.FeatureMap().Fill(phiS, jobs[i], &v)
		carrier.FeatureMap().Fill(phiC, jobs[i], &v)
		b, a := shipper.MeanAt(phiS), carrier.MeanAt(phiC)
		if e.efficient {
			p := math.Max(e.cost, math.Min(e.reserve, (b+a)/2))
			sum += math.Hypot(b-p, a-p)
		} else if b > a {
			sum += (b - a) / math.Sqrt2
		}
	}
	return sum / float64(len(eq))
}
