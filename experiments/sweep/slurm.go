package sweep

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/freightsim/freightsim/experiments"
)

// A sweep on a Slurm cluster is a job array and a merge job. Task i of the
// array runs shard i/n of the sweep (freightsim sweep --shard i/n) into its
// own directory; the merge job, which depends on the whole array
// (afterok) and is cancelled if a task fails (--kill-on-invalid-dep=yes),
// combines the shards with freightsim merge. WriteSlurm writes, into the
// sweep's output directory:
//
//	slurm/sweep.yaml, slurm/base.yaml  the effective sweep, which every task runs
//	slurm/array.sbatch                 the job array
//	slurm/merge.sbatch                 the merge job
//	slurm/submit.sh                    submits both and prints (and writes to slurm/jobs) their ids
//	slurm/logs/                        the jobs' output
//	shards/NNNN/                       written by task NNNN
//	results/                           written by the merge job: the sweep's results
//
// Tasks resume (--resume): running submit.sh again after a task failed or
// hit its time limit finishes the unfinished shards and merges again.
//
// More tasks than the cluster's MaxArraySize are split into several job
// arrays of at most MaxArraySize tasks each: submit.sh submits array.sbatch
// once per part with --array=0-(size-1) and FREIGHTSIM_TASK_OFFSET, the
// index of the part's first task, which the script adds to
// SLURM_ARRAY_TASK_ID; the merge job depends on every part.

// DefaultMaxArraySize is Slurm's default MaxArraySize: array indices run
// from 0 to 1000.
const DefaultMaxArraySize = 1001

// SlurmOptions describe the jobs of a sweep on Slurm.
type SlurmOptions struct {
	Binary        string   // absolute path of the freightsim binary the jobs run
	Out           string   // the sweep's output directory (made absolute)
	Tasks         int      // array tasks; 0: from PointsPerTask
	PointsPerTask int      // points' worth of runs per task; 0 (with Tasks 0): 1
	MaxArraySize  int      // the cluster's MaxArraySize; 0: DefaultMaxArraySize
	Partition     string   // --partition, if not empty
	Time          string   // --time of each task and of the merge, if not empty
	CPUsPerTask   int      // --cpus-per-task and the workers of each task; 0: 1
	Format        string   // --format of the merged tables; "": csv
	Options       []string // further #SBATCH options, e.g. --account=abc
	Command       []string // the command that wrote the scripts, for their header
}

// SlurmJob is what WriteSlurm wrote.
type SlurmJob struct {
	Dir         string // the slurm directory
	Submit      string // submit.sh
	Results     string // where the merge job writes the results
	Tasks       int
	Arrays      int    // job arrays the tasks are split into: more than 1 when Tasks > MaxArraySize
	RunsPerTask [2]int // fewest and most runs of a task
}

var (
	slurmTime = regexp.MustCompile(`^(\d+-)?\d+(:\d+){0,2}$|^\d+-\d+$`)
	slurmWord = regexp.MustCompile(`^[A-Za-z0-9_.,+=:@/-]+$`)
)

// WriteSlurm writes the job scripts of sw into opt.Out (see above). It
// refuses an output directory that already holds files unless overwrite is
// set, and then removes only slurm/, shards/ and results/.
func WriteSlurm(sw *Spec, opt SlurmOptions, overwrite bool) (*SlurmJob, error) {
	if !filepath.IsAbs(opt.Binary) {
		return nil, fmt.Errorf("the binary %q: want an absolute path, which the jobs run on any node", opt.Binary)
	}
	out, err := filepath.Abs(opt.Out)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(out, " \t\n'\"\\$`%") {
		return nil, fmt.Errorf("the output directory %q holds a space, quote, backslash, $, ` or %%, which #SBATCH lines cannot hold: choose another", out)
	}
	if opt.MaxArraySize <= 0 {
		opt.MaxArraySize = DefaultMaxArraySize
	}
	if opt.CPUsPerTask <= 0 {
		opt.CPUsPerTask = 1
	}
	if opt.Format == "" {
		opt.Format = "csv"
	}
	if _, err := experiments.ParseFormats(opt.Format); err != nil {
		return nil, err
	}
	if opt.Time != "" && !slurmTime.MatchString(opt.Time) {
		return nil, fmt.Errorf("--time %q: want a Slurm time limit, e.g. 30, 1:30:00 or 2-00:00:00", opt.Time)
	}
	if opt.Partition != "" && !slurmWord.MatchString(opt.Partition) {
		return nil, fmt.Errorf("--partition %q: want a partition name", opt.Partition)
	}
	for _, o := range opt.Options {
		if !strings.HasPrefix(o, "-") || strings.ContainsAny(o, "\n") {
			return nil, fmt.Errorf("#SBATCH option %q: want one option, e.g. --account=abc", o)
		}
	}
	tasks, err := slurmTasks(sw, opt)
	if err != nil {
		return nil, err
	}

	slurm := filepath.Join(out, "slurm")
	if err := prepareSlurmDir(out, overwrite); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(slurm, "logs"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(out, "shards"), 0o755); err != nil {
		return nil, err
	}
	if err := sw.WriteEffective(slurm); err != nil {
		return nil, err
	}
	job := &SlurmJob{Dir: slurm, Submit: filepath.Join(slurm, "submit.sh"), Results: filepath.Join(out, "results"), Tasks: tasks,
		Arrays: (tasks + opt.MaxArraySize - 1) / opt.MaxArraySize}
	part := min(tasks, opt.MaxArraySize) // tasks of each array but the last
	job.RunsPerTask = [2]int{Shard{tasks - 1, tasks}.Size(sw.Runs()), Shard{0, tasks}.Size(sw.Runs())}
	bin := shq(opt.Binary)
	var common []string
	if opt.Partition != "" {
		common = append(common, "#SBATCH --partition="+opt.Partition)
	}
	if opt.Time != "" {
		common = append(common, "#SBATCH --time="+opt.Time)
	}
	for _, o := range opt.Options {
		common = append(common, "#SBATCH "+o)
	}
	written := "# Written by: " + strings.Join(quoteAll(opt.Command), " ")
	if len(opt.Command) == 0 {
		written = "# Written by freightsim slurm."
	}

	array := strings.Join(append([]string{
		"#!/bin/bash",
		fmt.Sprintf("# Sweep %q as a Slurm job array of %d tasks: task i runs shard i/%d of the", sw.Name, tasks, tasks),
		fmt.Sprintf("# sweep's %d runs (%d points x %d replicates; run k = point * %d + replicate", sw.Runs(), sw.Points(), sw.Replicates, sw.Replicates),
		fmt.Sprintf("# belongs to shard k mod %d), %d to %d runs each, into %s/shards/NNNN.", tasks, job.RunsPerTask[0], job.RunsPerTask[1], out),
		"# A task resumes its shard if it ran before, so resubmitting finishes what is left.",
		fmt.Sprintf("# Task i is shard FREIGHTSIM_TASK_OFFSET + i: submit.sh splits the %d tasks into %d array(s) of at most %d.", tasks, job.Arrays, opt.MaxArraySize),
		written,
		"#SBATCH --job-name=" + jobName(sw.Name),
		fmt.Sprintf("#SBATCH --array=0-%d", part-1),
		fmt.Sprintf("#SBATCH --cpus-per-task=%d", opt.CPUsPerTask),
		"#SBATCH --output=" + filepath.Join(slurm, "logs", "sweep-%A_%a.out"),
	}, common...), "\n") + "\n" + strings.Join([]string{
		"set -eu",
		`task=$(( ${FREIGHTSIM_TASK_OFFSET:-0} + ${SLURM_ARRAY_TASK_ID:?run this script with sbatch: it is a job array} ))`,
		fmt.Sprintf(`exec %s sweep %s --out "%s/shards/$(printf %%04d "$task")" --shard "$task/%d" \`, bin, shq(filepath.Join(slurm, "sweep.yaml")), out, tasks),
		fmt.Sprintf(`  --workers "${SLURM_CPUS_PER_TASK:-%d}" --resume --failed-ok`, opt.CPUsPerTask),
	}, "\n") + "\n"

	merge := strings.Join(append([]string{
		"#!/bin/bash",
		fmt.Sprintf("# Merges the %d shards of sweep %q into %s, once every task of the", tasks, sw.Name, job.Results),
		"# job array has succeeded (submit.sh submits it with --dependency=afterok).",
		written,
		"#SBATCH --job-name=" + jobName(sw.Name) + "-merge",
		"#SBATCH --cpus-per-task=1",
		"#SBATCH --output=" + filepath.Join(slurm, "logs", "merge-%j.out"),
	}, common...), "\n") + "\n" + strings.Join([]string{
		"set -eu",
		fmt.Sprintf(`exec %s merge %s %s/shards/[0-9]* --force --format %s`, bin, shq(job.Results), out, opt.Format),
	}, "\n") + "\n"

	jobs := filepath.Join(slurm, "jobs")
	submit := strings.Join([]string{
		"#!/bin/bash",
		fmt.Sprintf("# Submits sweep %q to Slurm: the job array (%d tasks), then the merge job, which", sw.Name, tasks),
		"# starts when every task has succeeded and is cancelled if one fails. It prints",
		"# the two job ids and writes them to " + jobs + ". Running it again",
		"# resubmits: finished shards end at once, unfinished ones resume.",
		written,
		"set -euo pipefail",
		"arrays=()",
		fmt.Sprintf("for ((offset = 0; offset < %d; offset += %d)); do", tasks, opt.MaxArraySize),
		fmt.Sprintf("  size=$(( %d - offset < %d ? %d - offset : %d ))", tasks, opt.MaxArraySize, tasks, opt.MaxArraySize),
		`  id=$(sbatch --parsable --array=0-$((size - 1)) --export=ALL,FREIGHTSIM_TASK_OFFSET=$offset ` + shq(filepath.Join(slurm, "array.sbatch")) + `)`,
		`  arrays+=("${id%%;*}")`,
		"done",
		`array=${arrays[0]}`,
		`after=$(IFS=:; echo "${arrays[*]}")`,
		`merge=$(sbatch --parsable --dependency=afterok:"$after" --kill-on-invalid-dep=yes ` + shq(filepath.Join(slurm, "merge.sbatch")) + `)`,
		`merge=${merge%%;*}`,
		`printf 'array_job=%s\narray_jobs="%s"\nmerge_job=%s\n' "$array" "${arrays[*]}" "$merge" > ` + shq(jobs),
		fmt.Sprintf(`echo "submitted sweep %s: job array(s) ${arrays[*]} (%d tasks), merge job $merge"`, shellSafe(sw.Name), tasks),
		`echo "  follow:  squeue -j $(IFS=,; echo "${arrays[*]}"),$merge"`,
		`echo "  logs:    ` + filepath.Join(slurm, "logs") + `/"`,
		`echo "  results: ` + job.Results + ` (written by the merge job)"`,
	}, "\n") + "\n"

	for _, f := range []struct{ name, text string }{{"array.sbatch", array}, {"merge.sbatch", merge}, {"submit.sh", submit}} {
		path := filepath.Join(slurm, f.name)
		if err := writeBytes(path, []byte(f.text)); err != nil {
			return nil, err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return nil, err
		}
	}
	return job, nil
}

// slurmTasks is the number of array tasks.
func slurmTasks(sw *Spec, opt SlurmOptions) (int, error) {
	runs := sw.Runs()
	tasks := opt.Tasks
	switch {
	case opt.Tasks > 0 && opt.PointsPerTask > 0:
		return 0, errors.New("give --tasks or --points-per-task, not both")
	case opt.Tasks < 0 || opt.PointsPerTask < 0:
		return 0, errors.New("--tasks and --points-per-task want a number >= 1")
	case opt.Tasks == 0:
		k := max(opt.PointsPerTask, 1)
		tasks = (sw.Points() + k - 1) / k
		if opt.PointsPerTask == 0 {
			tasks = min(tasks, opt.MaxArraySize)
		}
	}
	if tasks > runs {
		return 0, fmt.Errorf("%d tasks for %d runs: want at most one task per run", tasks, runs)
	}
	return tasks, nil
}

func prepareSlurmDir(out string, overwrite bool) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0 {
		return os.MkdirAll(out, 0o755)
	}
	if err != nil {
		return err
	}
	if !overwrite {
		return fmt.Errorf("%s: %w (choose another --out, or pass --force to replace its slurm/, shards/ and results/)", out, experiments.ErrRunExists)
	}
	for _, name := range []string{"slurm", "shards", "results"} {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	return nil
}

// jobName is a sweep's name as a Slurm job name.
func jobName(name string) string {
	b := []byte("fs-" + name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// shq quotes s for a POSIX shell if it needs it.
func shq(s string) string {
	if s != "" && slurmWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSafe is s without what would end a double-quoted shell word.
func shellSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("\"$`\\\n", r) {
			return '_'
		}
		return r
	}, s)
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = shq(w)
	}
	return out
}
