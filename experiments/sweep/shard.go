package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one share of a sweep's runs: run k, the run of replicate r of
// point p, k = p * replicates + r, belongs to shard k mod Count. Shards
// interleave, so that each gets runs of every part of the sweep and they
// take about as long whatever part of the sweep is slow. The zero Shard is
// the whole sweep.
type Shard struct {
	Index, Count int
}

// ParseShard reads i/n, 0 <= i < n.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, errA := strconv.Atoi(strings.TrimSpace(i))
	b, errB := strconv.Atoi(strings.TrimSpace(n))
	if !ok || errA != nil || errB != nil || b < 1 || a < 0 || a >= b {
		return Shard{}, fmt.Errorf("%q is not a shard: want i/n with 0 <= i < n, e.g. 0/4 for the first of four", s)
	}
	return Shard{a, b}, nil
}

func (s Shard) norm() Shard {
	if s.Count < 1 {
		return Shard{0, 1}
	}
	return s
}

func (s Shard) String() string {
	s = s.norm()
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Whole reports whether the shard is the whole sweep.
func (s Shard) Whole() bool { return s.norm().Count == 1 }

// Owns reports whether run k belongs to the shard.
func (s Shard) Owns(k int) bool {
	s = s.norm()
	return k%s.Count == s.Index
}

// Size is the number of the runs 0..runs-1 that belong to the shard.
func (s Shard) Size(runs int) int {
	s = s.norm()
	if s.Index >= runs {
		return 0
	}
	return (runs-1-s.Index)/s.Count + 1
}
