package sweep

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The same sweep sharded through each scheduler's variable (and through
// --shard i/n, HTCondor's way) merges to the sweep run in one place, byte
// for byte: each way gives task i the shard i/n, and those shards merge
// to the local run.
func TestShardFromEachSchedulersVariable(t *testing.T) {
	sw := parseSweep(t, "name: env\nbase: smart-containers-2020\nreplicates: 2\nseed: 4\nplots: false\n"+shortSet+`axes:
  - key: carriers[0].capacity
    values: [40, 80, 120]
metrics: [ship_share]
`)
	local := runSweep(t, sw, "local", Options{Workers: 1})
	const n = 4
	ways := map[string]func(i int) (Shard, error){
		"explicit --shard i/n (HTCondor $(Process))": func(i int) (Shard, error) { return ParseShard(fmt.Sprintf("%d/%d", i, n)) },
	}
	for _, e := range ShardEnv {
		ways[e.Index] = func(i int) (Shard, error) {
			env := map[string]string{e.Index: fmt.Sprint(i)}
			count := n
			if e.Count != "" {
				env[e.Count], count = fmt.Sprint(n), 0
			}
			s, from, err := ShardFromEnv(func(k string) string { return env[k] }, count)
			if err == nil && !strings.HasPrefix(from, e.Index) {
				err = fmt.Errorf("read from %q", from)
			}
			return s, err
		}
	}
	// Every way gives task i the shard i/n, the same value: the shards it
	// names are run once, and their merge is compared with the local run.
	for name, way := range ways {
		t.Run(name, func(t *testing.T) {
			for i := range n {
				if s, err := way(i); err != nil || s != (Shard{i, n}) {
					t.Fatalf("task %d: shard %v, %v; want %d/%d", i, s, err, i, n)
				}
			}
		})
	}
	base := t.TempDir()
	dirs := runShards(t, sw, base, n, func(i int) Shard { return Shard{i, n} })
	merged := filepath.Join(base, "merged")
	if _, err := Merge(merged, dirs, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, local, merged, "runs.csv", "aggregate.csv", "points.csv")
}

func TestShardFromEnvProblems(t *testing.T) {
	for _, c := range []struct {
		env   map[string]string
		count int
		want  string
	}{
		{map[string]string{}, 0, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "3"}, 0, "JOB_COMPLETION_INDEX=3 gives the shard's index (Kubernetes indexed Job) but not the number of shards: give it with --shards n"},
		{map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "4"}, 4, "AWS_BATCH_JOB_ARRAY_INDEX=4: task 4 of 4 shards; want 0 <= index < 4"},
		{map[string]string{"BATCH_TASK_INDEX": "x", "BATCH_TASK_COUNT": "2"}, 0, `BATCH_TASK_INDEX="x" is not a task index`},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"}, 0, ""},
	} {
		s, _, err := ShardFromEnv(func(k string) string { return c.env[k] }, c.count)
		if c.want == "" && err != nil || c.want != "" && (err == nil || err.Error() != c.want) {
			t.Errorf("%v: %v, %v; want %q", c.env, s, err, c.want)
		}
	}
	if s, _, _ := ShardFromEnv(func(k string) string {
		return map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"}[k]
	}, 0); s != (Shard{2, 3}) {
		t.Errorf("Slurm task 7 of an array 5-7: shard %v, want 2/3", s)
	}
}
