package agents

import (
	"math/rand/v2"
	"testing"
)

// TestActiveSet: the k-th member found by the Fenwick tree is the k-th of
// the members listed in order, through random inserts and removals, for
// sizes around powers of two.
func TestActiveSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for _, n := range []int{1, 2, 3, 7, 8, 9, 64, 100} {
		var a activeSet
		a.reset(n)
		in := make([]bool, n)
		for op := range 20 * n {
			i := rng.IntN(n)
			if in[i] {
				a.add(i, -1)
			} else {
				a.add(i, 1)
			}
			in[i] = !in[i]
			var list []int
			for k, ok := range in {
				if ok {
					list = append(list, k)
				}
			}
			if a.count != len(list) {
				t.Fatalf("n %d, op %d: count %d, want %d", n, op, a.count, len(list))
			}
			for k, want := range list {
				if got := a.kth(k); got != want {
					t.Fatalf("n %d, op %d: member %d is %d, want %d (members %v)", n, op, k, got, want, list)
				}
			}
		}
	}
}
