package agents

import (
	"fmt"
	"slices"

	"github.com/freightsim/freightsim/policy"
)

// Record is one side's trajectory for one job: the decisions a strategy took
// for it (features, action, mean, standard deviation, baseline group) and
// the reward that followed each decision until the next one. Fixed
// strategies record nothing themselves; a shipper's bid is recorded for
// them without features (bidFor). Rewards are kept either way.
//
// A Record keeps its memory across Reset.
type Record struct {
	dim    int
	Phi    []float64 // decision i's features at Phi[i*Dim():(i+1)*Dim()]
	Action []float64
	Mean   []float64
	Sigma  []float64
	Group  []int
	Reward []float64 // Reward[i]: everything received after decision i and before i+1

	pending float64 // reward received before the first decision
	Total   float64 // sum of all rewards
}

// Decide records a decision. It panics if group is negative or phi's
// length differs from the record's earlier decisions': a record is checked
// where decisions enter, so that handing it to a batch needs no check.
func (r *Record) Decide(phi []float64, action, mean, sigma float64, group int) {
	if r.dim == 0 {
		r.dim = len(phi)
	}
	if group < 0 || len(phi) != r.dim {
		panic(fmt.Sprintf("agents: Record.Decide with %d features (want %d) and group %d (want >= 0)", len(phi), r.dim, group))
	}
	r.Phi = append(r.Phi, phi...)
	r.Action = append(r.Action, action)
	r.Mean = append(r.Mean, mean)
	r.Sigma = append(r.Sigma, sigma)
	r.Group = append(r.Group, group)
	r.Reward = append(r.Reward, 0)
}

// slot starts a decision of dim features and returns their place in Phi
// for the caller to write in place, sparing the copy that Decide makes;
// decided completes the decision.
func (r *Record) slot(dim int) []float64 {
	if r.dim == 0 {
		r.dim = dim
	}
	n := len(r.Phi)
	r.Phi = slices.Grow(r.Phi, dim)[:n+dim]
	return r.Phi[n : n+dim : n+dim]
}

// decided completes the decision whose features slot gave.
func (r *Record) decided(action, mean, sigma float64, group int) {
	r.Action = append(r.Action, action)
	r.Mean = append(r.Mean, mean)
	r.Sigma = append(r.Sigma, sigma)
	r.Group = append(r.Group, group)
	r.Reward = append(r.Reward, 0)
}

// Pay adds reward x to the latest decision.
func (r *Record) Pay(x float64) {
	r.Total += x
	if n := len(r.Reward); n > 0 {
		r.Reward[n-1] += x
	} else {
		r.pending += x
	}
}

// Len is the number of decisions.
func (r *Record) Len() int { return len(r.Action) }

// Dim is the number of features per decision (0 before the first).
func (r *Record) Dim() int { return r.dim }

// Features returns decision i's features (a view).
func (r *Record) Features(i int) []float64 { return r.Phi[i*r.dim : (i+1)*r.dim] }

// Returns writes into dst (grown as needed) the undiscounted return of each
// decision, the sum of its reward and every later one, and returns dst.
func (r *Record) Returns(dst []float64) []float64 {
	dst = append(dst[:0], r.Reward...)
	for i := len(dst) - 2; i >= 0; i-- {
		dst[i] += dst[i+1]
	}
	return dst
}

// Reset empties the record, keeping its memory.
func (r *Record) Reset() {
	r.dim = 0
	r.Phi = r.Phi[:0]
	r.Action = r.Action[:0]
	r.Mean = r.Mean[:0]
	r.Sigma = r.Sigma[:0]
	r.Group = r.Group[:0]
	r.Reward = r.Reward[:0]
	r.pending, r.Total = 0, 0
}

// addTo adds the record's decisions with their returns, through the
// utility u, to b as one trajectory. The returns are summed in place in
// b.Return, as Returns sums them. A record without a decision adds nothing.
func (r *Record) addTo(b *policy.Batch, u policy.Utility) {
	from, count := [1]int{0}, [1]int{len(r.Action)}
	addTrajectories(b, u, r.Phi, r.Action, r.Mean, r.Sigma, r.Reward, r.Group, from[:], count[:])
}

// addTrajectories adds jobs' decisions with their returns, through the
// utility u, to b, one trajectory per job: job t's decisions are rows
// from[t] to from[t]+count[t]-1 of the parallel slices (phi with b.Dim()
// features per row, the reward that followed each decision until the
// next, groups >= 0), as a Record holds one job's; a job without a
// decision adds nothing. The returns are summed in place in b.Return, as
// Returns sums them. The slices are parallel and the groups checked where
// decisions enter: each of the batch's slices grows once, and the few
// decisions of a job are stored element by element, without
// AddTrajectory's checks or a bulk copy's call per slice.
func addTrajectories(b *policy.Batch, u policy.Utility, phi, actions, means, sigmas, rewards []float64, groups, from, count []int) {
	dim, total := b.Dim(), 0
	for _, c := range count {
		total += c
	}
	b.Phi = slices.Grow(b.Phi, total*dim)
	b.Action, b.Mean, b.Sigma = slices.Grow(b.Action, total), slices.Grow(b.Mean, total), slices.Grow(b.Sigma, total)
	b.Return, b.Group = slices.Grow(b.Return, total), slices.Grow(b.Group, total)
	for t, f := range from {
		n := count[t]
		if n == 0 {
			continue
		}
		b.Phi = append(b.Phi, phi[f*dim:(f+n)*dim]...)
		start := len(b.Action)
		end := start + n
		action, mean, sigma, ret, group := b.Action[:end], b.Mean[:end], b.Sigma[:end], b.Return[:end], b.Group[:end]
		for i := range n {
			k, r := start+i, f+i
			action[k], mean[k], sigma[k] = actions[r], means[r], sigmas[r]
			ret[k], group[k] = rewards[r], groups[r]
		}
		b.Action, b.Mean, b.Sigma, b.Return, b.Group = action, mean, sigma, ret, group
		b.EndTrajectory()
		ret = ret[start:]
		for i := len(ret) - 2; i >= 0; i-- {
			ret[i] += ret[i+1]
		}
		if u.Lambda != 0 {
			for i, x := range ret {
				ret[i] = u.Apply(x)
			}
		}
	}
}

// extend returns s lengthened by n elements, growing its array when needed.
func extend[T any](s []T, n int) []T { return slices.Grow(s, n)[:len(s)+n] }
