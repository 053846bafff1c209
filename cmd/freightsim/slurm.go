package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/experiments/sweep"
)

type slurmOptions struct {
	out           string
	tasks         int
	pointsPerTask int
	maxArray      int
	partition     string
	time          string
	cpus          int
	binary        string
	format        string
	sbatch        []string
	force         bool
	sets          []string
}

func newSlurmCmd(argv []string) *cobra.Command {
	o := &slurmOptions{}
	cmd := &cobra.Command{
		Use:   "slurm SWEEP.yaml --out DIR",
		Short: "Write the Slurm job array, merge job and submit script of a sweep",
		Long: `slurm writes the jobs that run a sweep on a Slurm cluster into DIR/slurm:

  array.sbatch   a job array: task i runs shard i/n of the sweep's runs
                 (freightsim sweep --shard i/n --resume) into DIR/shards/NNNN
  merge.sbatch   freightsim merge DIR/results DIR/shards/*, once every task succeeded
  submit.sh      submits the array, then the merge job with
                 --dependency=afterok:<array> --kill-on-invalid-dep=yes, and prints their ids
  sweep.yaml, base.yaml   the effective sweep, which the tasks run

Each task gets --points-per-task points' worth of runs (default 1), or the runs
are spread over --tasks tasks. More tasks than --max-array-size (the
cluster's MaxArraySize; Slurm's default is 1001) are split into several job
arrays, which submit.sh submits one after the other, the merge job depending
on all of them. The jobs run this binary, by its
absolute path (--binary to choose another). Submit with bash DIR/slurm/submit.sh;
if a task fails or hits its time limit, run submit.sh again: finished shards
end at once, the others resume, and the merge follows.`,
		Example: `  freightsim slurm docs/sweeps/risk-carrier.yaml --out /scratch/risk --time 00:30:00
  freightsim slurm big.yaml --out /scratch/big --points-per-task 10 --cpus-per-task 4 --partition short
  bash /scratch/risk/slurm/submit.sh`,
		Args: exactArgs(1, "a sweep file"),
		RunE: func(cmd *cobra.Command, args []string) error { return runSlurm(cmd, o, args[0], argv) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "the sweep's directory `DIR` on a file system the nodes share (required)")
	f.IntVar(&o.tasks, "tasks", 0, "spread the runs over `N` array tasks")
	f.IntVar(&o.pointsPerTask, "points-per-task", 0, "give each array task `K` points' worth of runs (default 1)")
	f.IntVar(&o.maxArray, "max-array-size", sweep.DefaultMaxArraySize, "the cluster's MaxArraySize: at most this many tasks")
	f.StringVar(&o.partition, "partition", "", "submit to partition `P`")
	f.StringVar(&o.time, "time", "", "time limit of each job, `HH:MM:SS`")
	f.IntVar(&o.cpus, "cpus-per-task", 1, "CPUs, and so workers, of each array task")
	f.StringVar(&o.binary, "binary", "", "the freightsim binary the jobs run, an absolute `PATH` (default: this one)")
	f.StringVar(&o.format, "format", "csv", "the merged tables as `FORMAT`: csv, parquet or both")
	f.StringArrayVar(&o.sbatch, "sbatch", nil, "a further #SBATCH `OPTION` of every job, e.g. --account=abc (repeatable)")
	f.BoolVar(&o.force, "force", false, "replace the slurm/, shards/ and results/ of an existing DIR")
	f.StringArrayVar(&o.sets, "set", nil, "set `key.path=value` in the base scenario, after the sweep file's set (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("set", completeSet)
	_ = cmd.RegisterFlagCompletionFunc("format", completeWords("csv", "parquet", "both"))
	return cmd
}

func runSlurm(cmd *cobra.Command, o *slurmOptions, file string, argv []string) error {
	if o.out == "" {
		return usageError{errors.New("--out DIR is required: the sweep's directory, on a file system every node sees")}
	}
	sw, err := loadSweep(cmd, file, o.sets)
	if err != nil {
		return err
	}
	bin := o.binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this binary: %w (pass --binary)", err)
		}
		if b, err := filepath.EvalSymlinks(bin); err == nil {
			bin = b
		}
		if strings.Contains(filepath.ToSlash(bin), "/go-build") {
			return usageError{errors.New("this freightsim is a temporary binary of go run, gone when it ends: build one (go build -o freightsim ./cmd/freightsim) and run its slurm command, or pass --binary")}
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return usageError{fmt.Errorf("--binary %s: not a file", bin)}
	}
	job, err := sweep.WriteSlurm(sw, sweep.SlurmOptions{
		Binary: bin, Out: o.out, Tasks: o.tasks, PointsPerTask: o.pointsPerTask, MaxArraySize: o.maxArray,
		Partition: o.partition, Time: o.time, CPUsPerTask: o.cpus, Format: o.format, Options: o.sbatch, Command: argv,
	}, o.force)
	if errors.Is(err, experiments.ErrRunExists) {
		return usageError{err}
	}
	if err != nil {
		return usageError{err}
	}
	w := cmd.OutOrStdout()
	arrays := "a job array"
	if job.Arrays > 1 {
		arrays = fmt.Sprintf("%d job arrays (MaxArraySize %d)", job.Arrays, o.maxArray)
	}
	fmt.Fprintf(w, "sweep %s: %d runs (%d points x %d replicates) in %s of %d tasks, %d to %d runs each, %d CPU(s) each\n",
		sw.Name, sw.Runs(), sw.Points(), sw.Replicates, arrays, job.Tasks, job.RunsPerTask[0], job.RunsPerTask[1], max(o.cpus, 1))
	fmt.Fprintf(w, "wrote %s: array.sbatch, merge.sbatch, submit.sh\n", job.Dir)
	fmt.Fprintf(w, "submit:  bash %s\nresults: %s (written by the merge job)\n", shellQuote(job.Submit), job.Results)
	return nil
}
