package agents

// View is what every strategy may see of the market at a clearing, besides
// the job it prices. Statistics over "shared" jobs cover only the waiting
// jobs that share their information.
type View struct {
	Now      float64  // the time of the clearing
	Carrier  *Carrier // the departing carrier
	Capacity int      // its capacity at this departure
	Hub      int      // in a network: the hub that clears (0 in a one-hub market)
	Net      *Net     // in a network: what is seen of it; nil in a one-hub market

	Waiting       int // jobs waiting, sharing or not
	WaitingVolume int // their total volume

	SharedCount    int     // waiting jobs that share information
	SharedVolume   int     // their total volume
	SharedDue      float64 // their average remaining due (see P2Running)
	SharedDistance float64 // their average distance (see P2Running)

	sumDue, sumDist float64 // while observing without P2Running: the sums behind the averages
}

// Observe fills the market statistics of v from the waiting jobs, in order.
// With p2Running set it reproduces quirk (a) of the smart-container paper's
// code: after each sharing job the "averages" are updated as
// avg = (avg + x)/n, n being the count so far, so they are not means.
func (v *View) Observe(waiting []*Job, p2Running bool) {
	v.Begin(len(waiting))
	for _, j := range waiting {
		v.Add(j.Volume, j.Due, j.Distance, j.Shares, p2Running)
	}
	v.End(p2Running)
}

// Begin starts the market statistics of waiting jobs, which [View.Add]
// takes one by one, in order, and [View.End] completes: what Observe does,
// for a caller that keeps its jobs in arrays rather than as *Job.
func (v *View) Begin(waiting int) {
	v.Waiting = waiting
	v.WaitingVolume, v.SharedCount, v.SharedVolume = 0, 0, 0
	v.SharedDue, v.SharedDistance = 0, 0
	v.sumDue, v.sumDist = 0, 0
}

// Add takes one waiting job into the statistics (see Begin).
func (v *View) Add(volume, due int, distance float64, shares, p2Running bool) {
	v.WaitingVolume += volume
	if !shares {
		return
	}
	v.SharedCount++
	v.SharedVolume += volume
	if p2Running {
		if c := v.SharedCount; c&(c-1) == 0 {
			// A power of two: 1/n is exact, and multiplying by it rounds
			// as dividing by n does, at a fraction of the latency.
			inv := 1 / float64(c)
			v.SharedDue = (v.SharedDue + float64(due)) * inv
			v.SharedDistance = (v.SharedDistance + distance) * inv
			return
		}
		n := float64(v.SharedCount)
		v.SharedDue = (v.SharedDue + float64(due)) / n
		v.SharedDistance = (v.SharedDistance + distance) / n
	} else {
		v.sumDue += float64(due)
		v.sumDist += distance
	}
}

// End completes the statistics (see Begin).
func (v *View) End(p2Running bool) {
	if !p2Running && v.SharedCount > 0 {
		v.SharedDue = v.sumDue / float64(v.SharedCount)
		v.SharedDistance = v.sumDist / float64(v.SharedCount)
	}
}
