package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/config"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
)

// shortSet makes every run of a test sweep take about a millisecond.
const shortSet = `set:
  training.episodes: 4
  training.horizon: 6
  evaluation.horizon: 10
  evaluation.every: 1000
`

func parseSweep(t *testing.T, text string) *Spec {
	t.Helper()
	sw, err := Parse("s.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse:\n%v\nof\n%s", err, text)
	}
	return sw
}

// runSweep runs sw in a new directory under t's temporary one and returns it.
func runSweep(t *testing.T, sw *Spec, name string, opt Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	d, err := Create(dir, sw, Shard{}, false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("running sweep %s: %v", sw.Name, err)
	}
	if !res.Finished {
		t.Fatalf("sweep %s ran but did not write its results", sw.Name)
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameFiles fails unless the named files of dirs a and b are byte-identical.
func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, n := range names {
		if !bytes.Equal(readFile(t, filepath.Join(a, n)), readFile(t, filepath.Join(b, n))) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

func TestParseSweepProblems(t *testing.T) {
	cases := []struct {
		name string
		file string
		want []string // each a line of the error, in order
	}{
		{"unknown keys, with did-you-mean",
			"base: smart-containers-2020\naxis: []\nreplicate: 3\n",
			[]string{`s.yaml:2: axis: unknown key "axis"; did you mean "axes"?`, `s.yaml:3: replicate: unknown key "replicate"; did you mean "replicates"?`}},
		{"a bad axis value names the file, line, axis and scenario key",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    values: [40, -5, 60]\n",
			[]string{"s.yaml:4: axes[0].values[1]: carriers[0].capacity: -5 is too small: want a whole number >= 0"}},
		{"a value of the wrong type",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].strategy.risk\n    values:\n      - 0.1\n      - high\n",
			[]string{`s.yaml:6: axes[0].values[1]: carriers[0].strategy.risk: "high" is a string: want a number`}},
		{"an unknown scenario key in an axis, said once",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacty\n    values: [1, 2, 3]\n",
			[]string{`s.yaml:3: axes[0].key: carriers[0].capacty: unknown key "capacty"; did you mean "capacity"?`}},
		{"every bad value of an axis",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    values:\n      - 40\n      - .nan\n      - -80\n",
			[]string{"s.yaml:6: axes[0].values[1]: .nan is not a finite number",
				"s.yaml:7: axes[0].values[2]: carriers[0].capacity: -80 is too small: want a whole number >= 0"}},
		{"a bad set override",
			"base: smart-containers-2020\nset:\n  training.episodes: 10\n  carriers[0].capacity: -5\n",
			[]string{"s.yaml:4: set.carriers[0].capacity: -5 is too small: want a whole number >= 0"}},
		{"the sweep's own keys",
			"base: smart-containers-2020\nreplicates: 0\ndesign: grdi\nsamples: 5\n",
			[]string{"s.yaml:2: replicates: 0 is too small", `s.yaml:3: design: "grdi" is not a design; did you mean "grid"?`}},
		{"samples belong to sampled designs",
			"base: smart-containers-2020\nsamples: 5\naxes:\n  - key: seed\n    values: [1]\n",
			[]string{"s.yaml:2: samples: a grid runs every combination", "s.yaml:4: axes[0].key: the sweep derives each point's seed"}},
		{"a sampled design wants samples",
			"base: smart-containers-2020\ndesign: lhs\naxes:\n  - key: carriers[0].capacity\n    from: 10\n    to: 20\n",
			[]string{"s.yaml:2: samples: 0: a lhs design wants samples >= 1"}},
		{"ranges",
			"base: smart-containers-2020\naxes:\n  - key: market.price\n    from: 1\n    to: 2\n    steps: 2\n  - key: carriers[0].cost_rate\n    from: 0\n    to: 1\n    steps: 3\n    scale: log\n  - key: carriers[0].fixed_cost\n    from: 0\n    to: 1\n  - key: carriers[0].capacity\n    from: 1\n    to: 3\n    steps: 5\n",
			[]string{
				"s.yaml:3: axes[0]: market.price is not a number: a range needs a numeric key",
				"s.yaml:11: axes[1].scale: a log scale wants from and to > 0",
				"s.yaml:12: axes[2].steps: 0: a grid range wants steps >= 2",
				"s.yaml:18: axes[3].steps: 5 steps from 1 to 3 repeat the whole number 2",
			}},
		{"values and a range at once, a repeated value",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    values: [1]\n    from: 1\n  - key: jobs.sharing\n    values: [0.5, 1, 0.50]\n",
			[]string{"s.yaml:3: axes[0]: give either values or a range", "s.yaml:7: axes[1].values[2]: 0.50 repeats values[0]"}},
		{"an unknown metric and an axis named like a metric",
			"base: smart-containers-2020\naxes:\n  - key: carriers[0].capacity\n    name: utilization\n    values: [40]\nmetrics: [ship_share, utilisation]\n",
			[]string{`s.yaml:4: axes[0].name: the axis name "utilization" is a metric`, `s.yaml:6: metrics[1]: "utilisation" is not a metric of this sweep's final evaluation; did you mean "utilization"?`}},
		{"a base that is neither preset nor file",
			"base: no-such-thing\n",
			[]string{`s.yaml:1: base: "no-such-thing" is neither a preset`}},
		{"points the base does not allow",
			"base: smart-containers-2020\naxes:\n  - key: jobs.volume.min\n    values: [1, 8]\n  - key: jobs.volume.max\n    values: [5, 10]\n",
			[]string{"s.yaml: point 2 (jobs.volume.min=8, jobs.volume.max=5): jobs.volume.max: 5 is below min 8"}},
		{"not YAML", "axes: [\n", []string{"s.yaml:1: not valid YAML"}},
		{"empty", "", []string{"s.yaml: empty: a sweep names at least its base scenario"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(c.file))
			if err == nil {
				t.Fatalf("Parse accepted\n%s\nwant problems starting with %q", c.file, c.want)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(c.want), err)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d:\n  %s\nwant it to start with\n  %s", i, got[i], w)
				}
			}
		})
	}
}

func TestSweepBaseFileIsRelativeToTheSweep(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "market.yaml"), []byte("name: mine\ncarriers:\n  - capacity: 33\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "bad.yaml"), []byte("name: bad\ncarriers:\n  - capacity: -1\n"), 0o644)
	sw, err := Parse(filepath.Join(dir, "sub", "s.yaml"), []byte("base: market.yaml\n"))
	if err != nil || sw.Base.Name != "mine" || sw.Base.Carriers[0].Capacity != 33 {
		t.Fatalf("base market.yaml beside the sweep file: %v, %+v", err, sw)
	}
	_, err = Parse(filepath.Join(dir, "sub", "s.yaml"), []byte("base: bad.yaml\n"))
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:3: carriers[0].capacity: -1 is too small") {
		t.Errorf("a bad base file: %v, want its own problem with its file and line", err)
	}
}

func TestSweepGrid(t *testing.T) {
	sw := parseSweep(t, "base: smart-containers-2020\nreplicates: 2\n"+shortSet+`axes:
  - key: carriers[0].capacity
    values: [40, 80]
  - key: shippers[0].strategy.alpha_mu
    from: 0.01
    to: 1
    steps: 3
    scale: log
  - key: jobs.sharing
    from: 0
    to: 0.3
    steps: 4
`)
	if sw.Points() != 24 || sw.Runs() != 48 {
		t.Fatalf("%d points, %d runs; want 2 x 3 x 4 = 24 points of 2 replicates", sw.Points(), sw.Runs())
	}
	text := func(p int) string {
		var out []string
		for _, v := range sw.Point(p) {
			out = append(out, v.Text)
		}
		return strings.Join(out, " ")
	}
	for p, want := range map[int]string{0: "40 0.01 0", 1: "40 0.01 0.1", 3: "40 0.01 0.3", 4: "40 0.1 0", 23: "80 1 0.3"} {
		if got := text(p); got != want {
			t.Errorf("point %d = %s, want %s (row-major: the last axis fastest; log steps 0.01, 0.1, 1; linear 0, 0.1, 0.2, 0.3)", p, got, want)
		}
	}
	sc, err := sw.PointScenario(23)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Carriers[0].Capacity != 80 || sc.Shippers[0].Strategy.AlphaMu != 1 || sc.Jobs.Sharing != 0.3 ||
		sc.Seed != seed.Point(sw.Seed, 23) || sc.Replicates != 2 || sc.Training.Episodes != 4 {
		t.Errorf("point 23's scenario: capacity %d, alpha_mu %v, sharing %v, seed %d, replicates %d; want 80, 1, 0.3, seed.Point(1, 23), 2",
			sc.Carriers[0].Capacity, sc.Shippers[0].Strategy.AlphaMu, sc.Jobs.Sharing, sc.Seed, sc.Replicates)
	}
	names := []string{sw.Axes[0].Name, sw.Axes[1].Name, sw.Axes[2].Name}
	if !slices.Equal(names, []string{"capacity", "alpha_mu", "sharing"}) {
		t.Errorf("axis names %v, want the last key of each path", names)
	}
}

// TestSweepSampledDesigns: random and Latin hypercube points depend only on
// the seed; a Latin hypercube puts exactly one point in each stratum of
// each axis; whole-number keys get whole numbers.
func TestSweepSampledDesigns(t *testing.T) {
	const n = 50
	file := func(design string, seed int) string {
		return fmt.Sprintf("base: smart-containers-2020\n%sdesign: %s\nsamples: %d\nseed: %d\naxes:\n"+
			"  - key: jobs.sharing\n    from: 0\n    to: 1\n"+
			"  - key: carriers[0].capacity\n    from: 10\n    to: 19\n"+
			"  - key: shippers[0].strategy.alpha_mu\n    from: 0.001\n    to: 1\n    scale: log\n"+
			"  - key: market.price\n    values: [pay-as-bid, spread]\n", shortSet, design, n, seed)
	}
	for _, design := range []string{DesignRandom, DesignLHS} {
		t.Run(design, func(t *testing.T) {
			a, b, c := parseSweep(t, file(design, 3)), parseSweep(t, file(design, 3)), parseSweep(t, file(design, 4))
			if a.Hash() != b.Hash() || a.Hash() == c.Hash() {
				t.Errorf("hashes: seed 3 twice %.8s %.8s, seed 4 %.8s: want the same sweep for the same seed only", a.Hash(), b.Hash(), c.Hash())
			}
			strata := make([]int, n)
			kinds := map[string]int{}
			for p := range n {
				v := a.Point(p)
				if fmt.Sprint(v) != fmt.Sprint(b.Point(p)) {
					t.Fatalf("point %d differs between two reads of the same sweep", p)
				}
				if v[0].Num < 0 || v[0].Num > 1 {
					t.Errorf("point %d: sharing %v outside [0, 1]", p, v[0].Num)
				}
				strata[min(int(v[0].Num*n), n-1)]++
				if v[1].Num != math.Round(v[1].Num) || v[1].Num < 10 || v[1].Num > 19 {
					t.Errorf("point %d: capacity %v, want a whole number in 10..19", p, v[1].Num)
				}
				if v[2].Num < 0.001 || v[2].Num > 1 {
					t.Errorf("point %d: alpha_mu %v outside [0.001, 1]", p, v[2].Num)
				}
				kinds[v[3].Text]++
			}
			if design == DesignLHS {
				for s, k := range strata {
					if k != 1 {
						t.Errorf("stratum %d of sharing holds %d points, want exactly 1 in a Latin hypercube", s, k)
					}
				}
				if kinds["pay-as-bid"] != n/2 || kinds["spread"] != n/2 {
					t.Errorf("a list of 2 values over %d points: %v, want %d each", n, kinds, n/2)
				}
			}
		})
	}
}

// TestSweepBuildIsParseWith: the fast way a point's scenario is built gives
// exactly what --set on the effective base gives.
func TestSweepBuildIsParseWith(t *testing.T) {
	sw := parseSweep(t, "base: strategic-bidding-stochastic\n"+shortSet+`axes:
  - key: carriers[*].strategy.risk
    values: [0.05, -0.1]
  - key: jobs.volume
    values: [{min: 1, max: 5}, {min: 2, max: 9}]
  - key: shippers[0].strategy.features
    values: [[bias, cost], [bias, reservation, cost]]
`)
	for p := range sw.Points() {
		got, err := sw.PointScenario(p)
		if err != nil {
			t.Fatal(err)
		}
		var sets []string
		for a, v := range sw.Point(p) {
			sets = append(sets, sw.Axes[a].Key+"="+v.Text)
		}
		want, err := scenario.ParseWith("base", sw.baseYAML, sets)
		if err != nil {
			t.Fatalf("point %d: scenario.ParseWith(%v): %v", p, sets, err)
		}
		want.Seed, want.Replicates = seed.Point(sw.Seed, p), sw.Replicates
		if !reflect.DeepEqual(got, want) {
			t.Errorf("point %d (%v): the sweep's scenario differs from --set's:\n%+v\n%+v", p, sets, got, want)
		}
	}
}

// TestSweepEffectiveRoundTrip: the effective sweep.yaml and base.yaml of a
// sweep directory are the same sweep.
func TestSweepEffectiveRoundTrip(t *testing.T) {
	for _, text := range []string{
		"base: smart-containers-2020\n" + shortSet + "axes:\n  - key: carriers[0].capacity\n    from: 40\n    to: 80\n    steps: 3\n  - key: market.tie\n    values: [strict, max-volume]\n",
		"base: strategic-bidding-deterministic\n" + shortSet + "design: lhs\nsamples: 7\nseed: 9\nreplicates: 2\naxes:\n  - key: carriers[0].strategy.risk\n    from: -0.2\n    to: 0.05\n    unit: per money\nmetrics: [efficiency]\nplots: false\n",
	} {
		sw := parseSweep(t, text)
		dir := t.TempDir()
		if err := sw.WriteEffective(dir); err != nil {
			t.Fatal(err)
		}
		again, err := Load(filepath.Join(dir, "sweep.yaml"))
		if err != nil {
			t.Fatalf("the effective sweep.yaml does not load: %v\n%s", err, sw.EffectiveFile())
		}
		if again.Hash() != sw.Hash() || !bytes.Equal(again.EffectiveFile(), sw.EffectiveFile()) {
			t.Errorf("the effective sweep is another sweep:\n%s\nthen\n%s", sw.EffectiveFile(), again.EffectiveFile())
		}
	}
}

// TestSweepRunIsReplicateOfRun: replicate r of a sweep's point p is
// replicate r of freightsim run with the point's scenario.
func TestSweepRunIsReplicateOfRun(t *testing.T) {
	sw := parseSweep(t, "base: smart-containers-2020\nreplicates: 3\nseed: 11\nplots: false\n"+shortSet+`axes:
  - key: carriers[0].capacity
    values: [30, 90]
  - key: shippers[0].strategy.sigma
    values: [5, 10]
`)
	dir := runSweep(t, sw, "s", Options{Workers: 2})
	x, err := readJournalIndex(dir, 0, sw)
	if err != nil {
		t.Fatal(err)
	}
	rr, _ := openRecords([]string{x.path}, len(sw.columns))
	defer rr.close()
	recs := map[[2]int]Record{}
	for _, ref := range x.refs {
		r, err := rr.record(ref)
		if err != nil {
			t.Fatal(err)
		}
		recs[[2]int{r.Point, r.Replicate}] = r
	}
	for p := range sw.Points() {
		sc, err := sw.PointScenario(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := experiments.Run(context.Background(), sc, experiments.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for r := range sw.Replicates {
			rec := recs[[2]int{p, r}]
			if rec.Seed != res.Seeds[r] {
				t.Errorf("run (%d, %d): seed %d, freightsim run's replicate %d has %d", p, r, rec.Seed, r, res.Seeds[r])
			}
			var final []float64
			for _, row := range res.Evaluations.Rows {
				if row.Keys[0] == int64(r) && row.Keys[1] == int64(sc.Training.Episodes) {
					final = row.Values
				}
			}
			want := sw.toColumns(res.Evaluations.Values, final)
			if !sameFloats(rec.Values, want) {
				t.Errorf("run (%d, %d): metrics\n%v\nfreightsim run's replicate %d:\n%v", p, r, rec.Values, r, want)
			}
		}
	}
}

// sameFloats compares bit for bit, NaN equal to NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	})
}

// tinySweep has 200 runs of about a millisecond.
const tinySweep = "name: tiny\nbase: smart-containers-2020\nreplicates: 10\nseed: 5\n" + shortSet + `axes:
  - key: carriers[0].capacity
    values: [40, 60, 80, 100]
  - key: shippers[0].strategy.alpha_mu
    from: 0.01
    to: 0.1
    steps: 5
    scale: log
metrics: [avg_bidding_cost, ship_share, utilization]
`

// TestSweepWorkersAgree is the check 1: a sweep of 200 runs gives
// the same files on one worker and on two.
func TestSweepWorkersAgree(t *testing.T) {
	sw := parseSweep(t, strings.Replace(tinySweep, "metrics:", "plots: false\nmetrics:", 1))
	if sw.Runs() < 200 {
		t.Fatalf("%d runs, want at least 200", sw.Runs())
	}
	one := runSweep(t, sw, "one", Options{Workers: 1})
	two := runSweep(t, sw, "two", Options{Workers: 2, Formats: experiments.Formats{CSV: true, Parquet: true}})
	sameFiles(t, one, two, "aggregate.csv", "runs.csv", "points.csv", "sweep.yaml", "base.yaml")
	lines := bytes.Count(readFile(t, filepath.Join(two, "runs.csv")), []byte("\n"))
	if lines != 201 {
		t.Errorf("runs.csv has %d lines, want a header and 200 runs", lines)
	}
}

// TestSweepShardsMergeToLocal: shards merged are the sweep run in one
// place, byte for byte, figures included.
func TestSweepShardsMergeToLocal(t *testing.T) {
	sw := parseSweep(t, strings.Replace(tinySweep, "metrics: [avg_bidding_cost, ship_share, utilization]", "metrics: [ship_share]", 1))
	local := runSweep(t, sw, "local", Options{Workers: 2})
	base := t.TempDir()
	var dirs []string
	for i := range 3 {
		dir := filepath.Join(base, fmt.Sprintf("shard%d", i))
		d, err := Create(dir, sw, Shard{i, 3}, false)
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Run(context.Background(), Options{Workers: 1})
		if err != nil || !res.Complete || res.Finished {
			t.Fatalf("shard %d/3: complete %v, finished %v, %v; want complete and not finished (a shard has no results)", i, res.Complete, res.Finished, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "aggregate.csv")); err == nil {
			t.Errorf("shard %d/3 wrote aggregate.csv: only a merge does", i)
		}
		dirs = append(dirs, dir)
	}
	merged := filepath.Join(base, "merged")
	res, err := Merge(merged, []string{dirs[2], dirs[0], dirs[1]}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest.Shards) != 3 || res.Manifest.RunsDone != 200 {
		t.Errorf("merged manifest: %d shards, %d runs; want 3 and 200", len(res.Manifest.Shards), res.Manifest.RunsDone)
	}
	figs, _ := filepath.Glob(filepath.Join(local, "plots", "*"))
	if len(figs) == 0 {
		t.Fatal("the local sweep drew no figure")
	}
	names := []string{"aggregate.csv", "runs.csv", "points.csv"}
	for _, f := range figs {
		if !strings.HasSuffix(f, ".png") {
			names = append(names, filepath.Join("plots", filepath.Base(f)))
		}
	}
	sameFiles(t, local, merged, names...)

	t.Run("missing shard", func(t *testing.T) {
		_, err := Merge(filepath.Join(base, "m2"), dirs[:2], MergeOptions{})
		var cov *CoverageError
		if !errors.As(err, &cov) || cov.Missing != 66 || !strings.Contains(err.Error(), "point 0, replicate 2 (of shard 2/3, which no directory given holds)") ||
			!slices.Equal(cov.Shards, []int{2}) || !strings.Contains(err.Error(), "shards missing or unfinished, 1 of 3, by index: 2\n") {
			t.Errorf("merging 2 of 3 shards: %v\nwant the 66 missing runs named with their shard", err)
		}
		if _, err := os.Stat(filepath.Join(base, "m2")); err == nil {
			t.Error("a failed merge wrote its output directory")
		}
	})
	t.Run("the same shard twice", func(t *testing.T) {
		_, err := Merge(filepath.Join(base, "m3"), []string{dirs[0], dirs[1], dirs[0]}, MergeOptions{})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "both hold shard 0/3") {
			t.Errorf("merging shard 0/3 twice: %v", err)
		}
	})
	t.Run("overlapping splits", func(t *testing.T) {
		other := filepath.Join(base, "half")
		d, _ := Create(other, sw, Shard{0, 2}, false)
		if _, err := d.Run(context.Background(), Options{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		_, err := Merge(filepath.Join(base, "m4"), []string{dirs[0], dirs[1], dirs[2], other}, MergeOptions{})
		var cov *CoverageError
		if !errors.As(err, &cov) || cov.Doubled != 100 || !strings.Contains(err.Error(), "point 0, replicate 0 (in "+dirs[0]+" and "+other+")") {
			t.Errorf("merging runs twice: %v\nwant the 100 doubled runs named with their directories", err)
		}
	})
	t.Run("another sweep", func(t *testing.T) {
		sw2 := parseSweep(t, strings.Replace(tinySweep, "seed: 5", "seed: 6\nplots: false", 1))
		other := runSweep(t, sw2, "other", Options{Workers: 2})
		_, err := Merge(filepath.Join(base, "m5"), []string{dirs[0], other}, MergeOptions{})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "merge the shards of one sweep") {
			t.Errorf("merging two sweeps: %v", err)
		}
	})
}

// TestSweepFailuresAreIsolated: a run that fails, by an error or a panic,
// is recorded with its error; the others run and are aggregated.
func TestSweepFailuresAreIsolated(t *testing.T) {
	sw := parseSweep(t, "base: smart-containers-2020\nreplicates: 4\n"+shortSet+"axes:\n  - key: carriers[0].capacity\n    values: [40, 80, 120]\nmetrics: [ship_share]\nplots: false\n")
	hook := func(ctx context.Context, sc *scenario.Config, p, r int) ([]float64, error) {
		switch {
		case p == 1 && r == 2:
			return nil, fmt.Errorf("replicate %d, episode 3: weight 0 is NaN after the update: policy diverged", r)
		case p == 2:
			var m map[string]int
			m["boom"]++ // a nil map: a real panic
		}
		return sw.runReplicateRow(ctx, sc, r, experiments.Options{})
	}
	dir := filepath.Join(t.TempDir(), "s")
	d, _ := Create(dir, sw, Shard{}, false)
	res, err := d.Run(context.Background(), Options{Workers: 2, runHook: hook})
	if err != nil {
		t.Fatalf("a sweep with failed runs: %v, want no error: the failures are recorded", err)
	}
	m := res.Manifest
	if m.RunsFailed != 5 || m.RunsDone != 12 || !m.Complete || len(m.Failed) != 5 {
		t.Fatalf("manifest: %d failed of %d done, complete %v, %d listed; want 5 of 12, complete, 5 listed", m.RunsFailed, m.RunsDone, m.Complete, len(m.Failed))
	}
	if f := m.Failed[0]; f.Point != 1 || f.Replicate != 2 || !strings.Contains(f.Error, "policy diverged") {
		t.Errorf("first failed run %+v, want point 1, replicate 2, diverged", f)
	}
	if f := m.Failed[1]; f.Point != 2 || f.Replicate != 0 || !strings.HasPrefix(f.Error, "panic: assignment to entry in nil map") {
		t.Errorf("second failed run %+v, want point 2, replicate 0, the panic", f)
	}
	runs := string(readFile(t, filepath.Join(dir, "runs.csv")))
	if !strings.Contains(runs, "\n1,2,80,") || !strings.Contains(runs, ",failed,\"replicate 2, episode 3: weight 0 is NaN") {
		t.Errorf("runs.csv does not record the diverged run with its error:\n%s", runs)
	}
	agg := strings.Split(string(readFile(t, filepath.Join(dir, "aggregate.csv"))), "\n")
	for i, want := range []string{"0,40,4,0,", "1,80,3,1,", "2,120,0,4,,,,,0"} {
		if !strings.HasPrefix(agg[i+1], want) {
			t.Errorf("aggregate.csv point %d: %s\nwant it to start with %s (replicates ok, failed)", i, agg[i+1], want)
		}
	}
	if !strings.Contains(string(readFile(t, filepath.Join(dir, journalName))), `"stack":"goroutine`) {
		t.Error("the journal does not keep the stack of the panic")
	}
	if s := res.FailureSummary(); !strings.HasPrefix(s, "5 of 12 runs failed; the first: point 1, replicate 2") || !strings.Contains(s, "runs.csv") {
		t.Errorf("failure summary %q", s)
	}
}

// TestSweepResume: a sweep stopped part way, its journal ending in a torn
// line, resumes to the files of an uninterrupted sweep.
func TestSweepResume(t *testing.T) {
	sw := parseSweep(t, strings.Replace(tinySweep, "metrics:", "plots: false\nmetrics:", 1))
	fresh := runSweep(t, sw, "fresh", Options{Workers: 2})

	dir := filepath.Join(t.TempDir(), "stopped")
	d, err := Create(dir, sw, Shard{}, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := d.Run(ctx, Options{Workers: 2, OnRun: func(*Record) {
		if n++; n == 50 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || res.Complete || res.Manifest.Status != experiments.StatusInterrupted {
		t.Fatalf("stopped sweep: %v, complete %v, status %s; want cancelled, incomplete, interrupted", err, res.Complete, res.Manifest.Status)
	}
	done := res.Manifest.RunsDone
	f, _ := os.OpenFile(filepath.Join(dir, journalName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"point":19,"replicate":9,"seed":"1","status":"ok","wall_se`)
	f.Close()

	t.Run("another sweep", func(t *testing.T) {
		other := parseSweep(t, strings.Replace(tinySweep, "values: [40, 60, 80, 100]", "values: [40, 60, 80, 120]", 1))
		_, err := Resume(dir, other, Shard{})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "values: [40, 60, 80, 100]") {
			t.Errorf("resuming with another sweep: %v\nwant a refusal that shows where they differ", err)
		}
		_, err = Resume(dir, sw, Shard{1, 2})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "holds shard 0/1") {
			t.Errorf("resuming as another shard: %v", err)
		}
	})
	d, err = Resume(dir, sw, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Done != done {
		t.Errorf("resume found %d runs in the journal, want the %d recorded (not the torn line)", d.Done, done)
	}
	res, err = d.Run(context.Background(), Options{Workers: 2})
	if err != nil || !res.Finished || res.Manifest.RunsRun != 200-done || res.Manifest.RunsLoaded != done {
		t.Fatalf("resumed: %v, finished %v, %d run now, %d loaded; want %d and %d", err, res.Finished, res.Manifest.RunsRun, res.Manifest.RunsLoaded, 200-done, done)
	}
	sameFiles(t, fresh, dir, "aggregate.csv", "runs.csv")
	lines := bytes.Count(readFile(t, filepath.Join(dir, journalName)), []byte("\n"))
	if lines != 201 {
		t.Errorf("the journal has %d lines, want the header and 200 runs, none twice", lines)
	}
}

func TestShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		ok   bool
	}{{"0/1", Shard{0, 1}, true}, {"3/4", Shard{3, 4}, true}, {"4/4", Shard{}, false}, {"-1/2", Shard{}, false}, {"1", Shard{}, false}, {"a/b", Shard{}, false}, {"0/0", Shard{}, false}} {
		got, err := ParseShard(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
	// The shards of a split own every run exactly once.
	for _, n := range []int{1, 2, 3, 7} {
		for _, runs := range []int{0, 1, 5, 100} {
			total := 0
			for i := range n {
				s := Shard{i, n}
				owned := 0
				for k := range runs {
					if s.Owns(k) {
						owned++
					}
				}
				if owned != s.Size(runs) {
					t.Errorf("shard %v of %d runs owns %d, Size says %d", s, runs, owned, s.Size(runs))
				}
				total += owned
			}
			if total != runs {
				t.Errorf("%d shards of %d runs own %d runs", n, runs, total)
			}
		}
	}
}

// TestSweepTextAxis: a text axis is a text column, and groups the lines of
// the figures of a numeric one.
func TestSweepTextAxis(t *testing.T) {
	sw := parseSweep(t, "base: smart-containers-2020\nreplicates: 2\n"+shortSet+`axes:
  - key: carriers[0].capacity
    values: [40, 80]
  - key: market.tie
    values: [strict, max-volume]
metrics: [utilization]
`)
	dir := runSweep(t, sw, "s", Options{Workers: 2, Formats: experiments.Formats{CSV: true, Parquet: true}})
	agg := string(readFile(t, filepath.Join(dir, "aggregate.csv")))
	if !strings.HasPrefix(agg, "point,capacity,tie,replicates_ok,") || !strings.Contains(agg, "\n1,40,max-volume,2,0,") {
		t.Errorf("aggregate.csv:\n%s\nwant a text column tie", agg)
	}
	fig := string(readFile(t, filepath.Join(dir, "plots", "sweep_utilization_vs_capacity_by_tie.csv")))
	if !strings.HasPrefix(fig, "tie,capacity,") {
		t.Errorf("figure data:\n%s\nwant lines grouped by tie", fig)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.parquet")); err != nil {
		t.Error(err)
	}
}

var runtimeRE = regexp.MustCompile(`about [0-9][0-9.]* (s|min)\b`)

// TestExampleSweepFiles: the sweeps of docs/sweeps and testdata/sweeps read
// as they are, and the ones the experiments document uses are what it says.
func TestExampleSweepFiles(t *testing.T) {
	docs, _ := filepath.Glob("../../docs/sweeps/*.yaml")
	data, _ := filepath.Glob("../../testdata/sweeps/*.yaml")
	if len(docs) < 3 {
		t.Fatalf("%d example sweeps in docs/sweeps, want at least 3", len(docs))
	}
	sweeps := map[string]*Spec{}
	for _, f := range append(docs, data...) {
		sw, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		sweeps[filepath.Base(f)] = sw
		if strings.HasPrefix(f, "../../docs/") && !runtimeRE.Match(readFile(t, f)) {
			t.Errorf("%s does not say how long it takes (about N s or about N min)", f)
		}
	}
	for _, c := range []struct {
		file, base, key string
		values          string
		replicates      int
	}{
		{"risk-carrier.yaml", "strategic-bidding-deterministic", "carriers[0].strategy.risk", "[0.05 0.02 0 -0.02 -0.05 -0.1 -0.2]", 10},
		{"risk-carrier-stochastic.yaml", "strategic-bidding-stochastic", "carriers[0].strategy.risk", "[0.02 0 -0.02 -0.05 -0.1 -0.2]", 6},
	} {
		sw := sweeps[c.file]
		if sw == nil {
			t.Errorf("no docs/sweeps/%s", c.file)
			continue
		}
		var vs []string
		for _, v := range sw.Axes[0].Values {
			vs = append(vs, v.Text)
		}
		metrics := "[shipper_share ne_adherence utilization price_volatility efficiency mean_price]"
		if sw.BaseName != c.base || sw.Axes[0].Key != c.key || fmt.Sprint(vs) != c.values || sw.Replicates != c.replicates || fmt.Sprint(sw.Metrics) != metrics {
			t.Errorf("%s: base %s, axis %s %v, %d replicates, metrics %v; want %s, %s %s, %d, %s",
				c.file, sw.BaseName, sw.Axes[0].Key, vs, sw.Replicates, sw.Metrics, c.base, c.key, c.values, c.replicates, metrics)
		}
	}
}

// TestParseSweepWithOverrides: --set overrides apply to the base after the
// file's set, are part of the effective sweep (its base and hash), and
// their problems are reported, every one, each named by its flag.
func TestParseSweepWithOverrides(t *testing.T) {
	data := []byte(tinySweep)
	plain, err := Parse("tiny.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := ParseWith("tiny.yaml", data, []string{"training.episodes=7", "carriers[0].cost_rate=0.2"})
	if err != nil {
		t.Fatal(err)
	}
	if sw.Base.Training.Episodes != 7 || sw.Base.Carriers[0].CostRate != 0.2 {
		t.Errorf("base: %d episodes, cost rate %v; want the overrides 7 and 0.2", sw.Base.Training.Episodes, sw.Base.Carriers[0].CostRate)
	}
	if plain.Base.Training.Episodes == 7 || sw.Hash() == plain.Hash() {
		t.Error("the overrides did not change the effective sweep: a resume without them would not notice")
	}
	p, err := sw.PointScenario(0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Training.Episodes != 7 {
		t.Errorf("point 0 trains %d episodes, want the override's 7", p.Training.Episodes)
	}

	_, err = ParseWith("tiny.yaml", data, []string{"seed=4", "carriers[0].capcity=3", "training.episodes=-1"})
	var probs config.Problems
	if !errors.As(err, &probs) {
		t.Fatalf("bad overrides: %v, want config.Problems", err)
	}
	msg := err.Error()
	for _, want := range []string{"--set seed=4:", `--set carriers[0].capcity=3: carriers[0].capcity: unknown key "capcity"; did you mean "capacity"?`, "--set training.episodes=-1:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the problems do not say %q:\n%s", want, msg)
		}
	}
	if len(probs) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(probs), msg)
	}
}

// A sweep file holds one YAML document: a second, which yaml.Unmarshal
// would ignore, is refused with its line, like a scenario file's.
func TestSweepSecondDocumentRefused(t *testing.T) {
	_, err := Parse("two.yaml", []byte("base: smart-containers-2020\naxes:\n  - key: seed\n    values: [1, 2]\n---\nbase: balanced\n"))
	if err == nil {
		t.Fatal("a sweep file with two documents parsed")
	}
	if want := "two.yaml:5: a second YAML document (after ---): a sweep file holds one"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// Options.Measuring reaches every run that measures the distance to
// equilibrium: once per run (its final evaluation) with the measurement
// on, never with it off.
func TestSweepMeasuringReachesTheRuns(t *testing.T) {
	for _, on := range []bool{false, true} {
		sw := parseSweep(t, fmt.Sprintf(`name: measuring
base: strategic-bidding-deterministic
set:
  training.episodes: 2
  equilibrium.enabled: %v
  equilibrium.at_evaluations: false
axes:
  - key: carriers[0].strategy.sigma
    values: [5, 10]
replicates: 2
seed: 3
metrics: [efficiency]
`, on))
		var calls atomic.Int64
		runSweep(t, sw, fmt.Sprint(on), Options{Workers: 2, Measuring: func() { calls.Add(1) }})
		want := int64(0)
		if on {
			want = 4 // 2 points x 2 replicates
		}
		if calls.Load() != want {
			t.Errorf("equilibrium.enabled %v: Measuring called %d times, want %d (once per run that measures)", on, calls.Load(), want)
		}
	}
}
