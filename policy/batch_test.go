package policy

import (
	"reflect"
	"testing"
)

// TestAddTrajectoryIsAddThenEnd checks that adding a trajectory in bulk
// gives the batch that adding its decisions one by one and ending it gives.
func TestAddTrajectoryIsAddThenEnd(t *testing.T) {
	phi := []float64{1, 0.5, 1, -2, 1, 3}
	action, mean, sigma := []float64{4, 5, 6}, []float64{3.5, 5.5, 6}, []float64{1, 0.5, 2}
	ret, group := []float64{-1, 2, 0.25}, []int{2, 0, 1}

	one := NewBatch(2)
	one.Add([]float64{9, 9}, 1, 1, 1, 1, 0) // an earlier trajectory
	one.EndTrajectory()
	bulk := NewBatch(2)
	bulk.AddTrajectory([]float64{9, 9}, []float64{1}, []float64{1}, []float64{1}, []float64{1}, []int{0})

	for i := range action {
		one.Add(phi[2*i:2*i+2], action[i], mean[i], sigma[i], ret[i], group[i])
	}
	one.EndTrajectory()
	bulk.AddTrajectory(phi, action, mean, sigma, ret, group)
	if !reflect.DeepEqual(one, bulk) {
		t.Errorf("AddTrajectory gave %+v, Add then EndTrajectory %+v", bulk, one)
	}
}

// TestAddTrajectoryPanics checks that a trajectory whose slices disagree in
// length, or with a negative group, is refused.
func TestAddTrajectoryPanics(t *testing.T) {
	one := []float64{1}
	cases := map[string]func(b *Batch){
		"features":       func(b *Batch) { b.AddTrajectory([]float64{1}, one, one, one, one, []int{0}) },
		"means":          func(b *Batch) { b.AddTrajectory([]float64{1, 2}, one, nil, one, one, []int{0}) },
		"returns":        func(b *Batch) { b.AddTrajectory([]float64{1, 2}, one, one, one, []float64{1, 2}, []int{0}) },
		"negative group": func(b *Batch) { b.AddTrajectory([]float64{1, 2}, one, one, one, one, []int{-1}) },
	}
	for name, add := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("a trajectory with bad %s was accepted", name)
				}
			}()
			add(NewBatch(2))
		})
	}
}
