package policy

import "fmt"

// Batch holds the decisions of one episode that a policy-gradient update
// learns from: for each decision its features, the action taken, the mean
// and standard deviation it was drawn from, its return and its baseline
// group. Decisions are added trajectory by trajectory (one trajectory is one
// job's life), in the order the update should visit them.
//
// A Batch keeps its memory across Reset, so steady-state use does not allocate.
type Batch struct {
	dim          int
	Phi          []float64 // features, decision i at Phi[i*Dim():(i+1)*Dim()]
	Action       []float64 // the sampled action
	Mean         []float64 // the mean it was drawn around
	Sigma        []float64 // the standard deviation it was drawn with
	Return       []float64 // the return that followed it
	Group        []int     // its baseline group (>= 0)
	Trajectories int       // completed trajectories (N in the update)
	// Ends[t] is the number of decisions when trajectory t ended: its
	// decisions are those from Ends[t-1] (0 for the first) to Ends[t].
	Ends []int
}

// NewBatch returns an empty batch for decisions with dim features.
func NewBatch(dim int) *Batch {
	if dim < 1 {
		panic(fmt.Sprintf("policy: NewBatch with %d features", dim))
	}
	return &Batch{dim: dim}
}

// Dim is the number of features per decision.
func (b *Batch) Dim() int { return b.dim }

// Len is the number of decisions.
func (b *Batch) Len() int { return len(b.Action) }

// Features returns decision i's features (a view, not a copy).
func (b *Batch) Features(i int) []float64 { return b.Phi[i*b.dim : (i+1)*b.dim] }

// Add appends one decision. It panics if phi has the wrong length or group is negative.
func (b *Batch) Add(phi []float64, action, mean, sigma, ret float64, group int) {
	if len(phi) != b.dim {
		panic(fmt.Sprintf("policy: decision with %d features in a batch of %d", len(phi), b.dim))
	}
	if group < 0 {
		panic(fmt.Sprintf("policy: negative baseline group %d", group))
	}
	b.Phi = append(b.Phi, phi...)
	b.Action = append(b.Action, action)
	b.Mean = append(b.Mean, mean)
	b.Sigma = append(b.Sigma, sigma)
	b.Return = append(b.Return, ret)
	b.Group = append(b.Group, group)
}

// AddTrajectory appends one trajectory's decisions, given as parallel
// slices (phi holds dim features per decision), and ends it: the same as
// [Batch.Add] for each decision, then [Batch.EndTrajectory], in bulk. It
// panics if the lengths disagree or a group is negative.
func (b *Batch) AddTrajectory(phi, action, mean, sigma, ret []float64, group []int) {
	n := len(action)
	if len(phi) != n*b.dim || len(mean) != n || len(sigma) != n || len(ret) != n || len(group) != n {
		panic(fmt.Sprintf("policy: trajectory of %d actions with %d features, %d means, %d sigmas, %d returns and %d groups in a batch of %d features",
			n, len(phi), len(mean), len(sigma), len(ret), len(group), b.dim))
	}
	b.Phi = append(b.Phi, phi...)
	for i, a := range action {
		// Element by element: a trajectory has a few decisions, too few
		// for a bulk copy to pay for its call.
		if group[i] < 0 {
			panic(fmt.Sprintf("policy: negative baseline group %d", group[i]))
		}
		b.Action = append(b.Action, a)
		b.Mean = append(b.Mean, mean[i])
		b.Sigma = append(b.Sigma, sigma[i])
		b.Return = append(b.Return, ret[i])
		b.Group = append(b.Group, group[i])
	}
	b.EndTrajectory()
}

// EndTrajectory counts one completed trajectory and records where it ends.
func (b *Batch) EndTrajectory() {
	b.Trajectories++
	b.Ends = append(b.Ends, b.Len())
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.Phi = b.Phi[:0]
	b.Action = b.Action[:0]
	b.Mean = b.Mean[:0]
	b.Sigma = b.Sigma[:0]
	b.Return = b.Return[:0]
	b.Group = b.Group[:0]
	b.Ends = b.Ends[:0]
	b.Trajectories = 0
}
