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
}

// Observe fills the market statistics of v from the waiting jobs, in order.
// With p2Running set it reproduces quirk (a) of the smart-container paper's
// code: after each sharing job the "averages" are updated as
// avg = (avg + x)/n, n being the count so far, so they are not means.
func (v *View) Observe(waiting []*Job, p2Running bool) {
	v.Waiting = len(waiting)
	v.WaitingVolume, v.SharedCount, v.SharedVolume = 0, 0, 0
	v.SharedDue, v.SharedDistance = 0, 0
	var sumDue, sumDist float64
	for _, j := range waiting {
		v.WaitingVolume += j.Volume
		if !j.Shares {
			continue
		}
		v.SharedCount++
		v.SharedVolume += j.Volume
		if p2Running {
			n := float64(v.SharedCount)
			v.SharedDue = (v.SharedDue + float64(j.Due)) / n
			v.SharedDistance = (v.SharedDistance + j.Distance) / n
		} else {
			sumDue += float64(j.Due)
			sumDist += j.Distance
		}
	}
	if !p2Running && v.SharedCount > 0 {
		v.SharedDue = sumDue / float64(v.SharedCount)
		v.SharedDistance = sumDist / float64(v.SharedCount)
	}
}
