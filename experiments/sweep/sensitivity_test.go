package sweep

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sensSweep has two axes: the carrier's capacity, which matters, and the
// k of the k-double price rule, which a pay-as-bid market never uses.
func sensSweep(design string, samples int) string {
	return fmt.Sprintf("name: sens\nbase: smart-containers-2020\nreplicates: 2\nseed: 9\n%sdesign: %s\nsamples: %d\n", shortSet, design, samples) + `axes:
  - key: carriers[0].capacity
    from: 10
    to: 120
  - key: market.k
    from: 0
    to: 1
metrics: [ship_share, utilization]
`
}

// readSensitivity reads sensitivity.csv as metric/factor/index -> value, n.
func readSensitivity(t *testing.T, dir string) (map[string]float64, map[string]int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "sensitivity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "metric,factor,index,value,ci_low,ci_high,n" {
		t.Fatalf("sensitivity.csv header %s", got)
	}
	vals, ns := map[string]float64{}, map[string]int{}
	for _, r := range recs[1:] {
		k := r[0] + "/" + r[1] + "/" + r[2]
		v, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatalf("%s: value %q", k, r[3])
		}
		vals[k] = v
		ns[k], _ = strconv.Atoi(r[6])
	}
	return vals, ns
}

// A factor the model never reads has no elementary effect and explains no
// variance: mu* and sigma are exactly 0 (every step along it leaves the
// runs the same, bit for bit), and so is its total Sobol' index (Jansen's
// estimator averages the squared differences of runs that differ in it
// alone). The capacity, which decides what ships, has positive indices.
func TestSweepSensitivityKnownZero(t *testing.T) {
	for _, c := range []struct {
		design  string
		samples int
		points  int
		kinds   []string
	}{
		{DesignMorris, 6, 6 * 3, []string{"mu", "mu_star", "sigma"}},
		{DesignSobol, 16, 16 * 4, []string{"S1", "ST"}},
	} {
		t.Run(c.design, func(t *testing.T) {
			sw := parseSweep(t, sensSweep(c.design, c.samples))
			if sw.Points() != c.points {
				t.Fatalf("%d points, want %d", sw.Points(), c.points)
			}
			dir := runSweep(t, sw, c.design, Options{Workers: 2})
			vals, ns := readSensitivity(t, dir)
			if len(vals) != 2*2*len(c.kinds) {
				t.Errorf("%d rows, want 2 metrics x 2 axes x %d indices: %v", len(vals), len(c.kinds), vals)
			}
			for _, m := range []string{"ship_share", "utilization"} {
				for _, k := range c.kinds {
					if n := ns[m+"/k/"+k]; n != c.samples {
						t.Errorf("%s/k/%s rests on %d groups, want %d", m, k, n, c.samples)
					}
				}
				zero := []string{"ST"}
				if c.design == DesignMorris {
					zero = []string{"mu", "mu_star", "sigma"}
				}
				for _, k := range zero {
					if v := vals[m+"/k/"+k]; v != 0 {
						t.Errorf("%s: %s of market.k = %v, want exactly 0: the market never reads it", m, k, v)
					}
				}
				big := map[string]string{DesignMorris: "mu_star", DesignSobol: "ST"}[c.design]
				if v := vals[m+"/capacity/"+big]; !(v > 0) {
					t.Errorf("%s: %s of the capacity = %v, want > 0", m, big, v)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "plots", "sensitivity_ship_share.png")); err != nil {
				t.Errorf("no figure of the indices: %v", err)
			}
		})
	}
}

// A sensitivity sweep sharded three ways merges to the sweep run in one
// place, its indices and their figure's data byte for byte.
func TestSweepSensitivityShards(t *testing.T) {
	sw := parseSweep(t, sensSweep(DesignSobol, 8))
	local := runSweep(t, sw, "local", Options{Workers: 2})
	base := t.TempDir()
	dirs := runShards(t, sw, base, 3, func(i int) Shard { return Shard{i, 3} })
	merged := filepath.Join(base, "merged")
	if _, err := Merge(merged, dirs, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, local, merged, "sensitivity.csv", "aggregate.csv", "runs.csv", "plots/sensitivity_utilization.csv", "plots/sensitivity_utilization.svg")
}

func TestParseSensitivityProblems(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{strings.Replace(sensSweep(DesignSobol, 8), "    from: 0\n    to: 1\n", "    values: [0, 1]\n", 1),
			"axes[1]: a sobol design varies each axis over a range: want from: and to: rather than values"},
		{strings.Replace(sensSweep(DesignSobol, 8), "samples: 8", "samples: 8\nlevels: 4", 1),
			"levels: levels are the grid of a morris design, not of a sobol design"},
		{strings.Replace(sensSweep(DesignMorris, 8), "samples: 8", "samples: 8\nlevels: 3", 1),
			"levels: 3: want an even number of levels >= 2 (default 4)"},
		{strings.Replace(sensSweep(DesignMorris, 8), "samples: 8", "samples: 0", 1),
			"samples: 0: a morris design wants samples >= 1, the number of trajectories"},
		{strings.Replace(sensSweep(DesignMorris, 8), "design: morris", "design: sobl", 1),
			`"sobl" is not a design; did you mean "sobol"?`},
	} {
		_, err := Parse("s.yaml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v\nwant %q", err, c.want)
		}
	}
}

// The same Sobol sweep file gives the same points: the design depends on
// the seed alone, and another seed gives another design.
func TestSweepSensitivityPointsFromSeed(t *testing.T) {
	a, b := parseSweep(t, sensSweep(DesignSobol, 8)), parseSweep(t, sensSweep(DesignSobol, 8))
	c := parseSweep(t, strings.Replace(sensSweep(DesignSobol, 8), "seed: 9", "seed: 10", 1))
	same, other := true, true
	for p := range a.Points() {
		pa, pb, pc := a.Point(p), b.Point(p), c.Point(p)
		for i := range pa {
			same = same && pa[i] == pb[i]
			other = other && pa[i] == pc[i]
			if x := pa[i].Num; math.IsNaN(x) {
				t.Errorf("point %d axis %d: NaN", p, i)
			}
		}
	}
	if !same || other {
		t.Errorf("same seed, same points: %v; another seed, the same points: %v", same, other)
	}
}

// runShards runs each of the n shards of sw into its own directory under
// base, each shard given by shardOf(i), and returns the directories.
func runShards(t *testing.T, sw *Spec, base string, n int, shardOf func(i int) Shard) []string {
	t.Helper()
	var dirs []string
	for i := range n {
		dir := filepath.Join(base, fmt.Sprintf("shard%d", i))
		d, err := Create(dir, sw, shardOf(i), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Run(context.Background(), Options{Workers: 1}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}
