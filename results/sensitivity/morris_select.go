package sensitivity

import "math"

// selectSpread returns r of d's trajectories, in increasing order, chosen to
// be spread out over the input space. Campolongo, Cariboni and Saltelli
// (2007) measure the spread of a set of trajectories by
// D² = Σ over its pairs (m, l) of d(m, l)², where d(m, l) is the sum of the
// Euclidean distances between every point of trajectory m and every point
// of trajectory l, and keep the set of r that maximises D². Searching every
// set is out of reach beyond a few dozen candidates, so this removes
// candidates one by one, each time the one whose removal lowers D² least
// (the one with the smallest Σ_l d(m, l)² over the candidates left; the
// lowest-numbered on a tie), until r remain. The result is a good set, not
// always the best.
func selectSpread(d *Morris, r int) []int {
	m := d.Trajectories()
	k := len(d.names)
	size := (k + 1) * k
	dist2 := make([]float64, m*m)
	for a := range m {
		for b := a + 1; b < m; b++ {
			dd := trajectoryDistance(d.x[a*size:(a+1)*size], d.x[b*size:(b+1)*size], k)
			dist2[a*m+b], dist2[b*m+a] = dd*dd, dd*dd
		}
	}
	alive := make([]bool, m)
	score := make([]float64, m)
	for a := range m {
		alive[a] = true
		for b := range m {
			score[a] += dist2[a*m+b]
		}
	}
	for left := m; left > r; left-- {
		worst, low := -1, math.Inf(1)
		for a := range m {
			if alive[a] && score[a] < low {
				worst, low = a, score[a]
			}
		}
		alive[worst] = false
		for a := range m {
			score[a] -= dist2[a*m+worst]
		}
	}
	kept := make([]int, 0, r)
	for a := range m {
		if alive[a] {
			kept = append(kept, a)
		}
	}
	return kept
}

// trajectoryDistance is Campolongo et al.'s d(m, l): the sum of the
// Euclidean distances between each of the k+1 points of a and each of b.
func trajectoryDistance(a, b []float64, k int) float64 {
	var total float64
	for i := 0; i < len(a); i += k {
		for j := 0; j < len(b); j += k {
			var s float64
			for z := range k {
				diff := a[i+z] - b[j+z]
				s += diff * diff
			}
			total += math.Sqrt(s)
		}
	}
	return total
}
