// Package sweep runs one scenario at many points and many seeds: sweep
// files, their designs and points, the journal that makes a sweep resumable,
// its tables and figures, shards, merging, and cluster job scripts.
//
// A sweep runs one base scenario at many points, each point the base with
// some keys set to other values, and each point over replicates. A sweep
// file (YAML, docs/SWEEPS.md) names the base, the keys that vary (the
// axes) and their values, how points are chosen from them (the design), the
// replicates, the seed and the metrics to aggregate:
//
//	name: risk-carrier
//	base: strategic-bidding-deterministic   # a preset, or a scenario file relative to this one
//	set:                                    # fixed overrides, as --set, applied to the base first
//	  training.episodes: 2000
//	axes:
//	  - key: carriers[0].strategy.risk      # any key path of --set, [*] for every item of a list
//	    values: [0.05, 0, -0.05]
//	  - key: carriers[0].capacity
//	    from: 40                            # a range: steps values from..to (grid),
//	    to: 120                             # or sampled in [from, to] (random, lhs)
//	    steps: 5
//	    scale: linear                       # or log
//	design: grid                            # grid (every combination), random or lhs (samples points),
//	                                        # morris or sobol (a sensitivity analysis)
//	replicates: 10
//	seed: 1
//	metrics: [shipper_share, efficiency]    # default: every metric of the final evaluation
//
// A sweep is read like a scenario: every problem is reported at once, with
// the file, line and field, and an axis value goes through the checks of
// the same value written in a scenario file.
//
// # Points, seeds and runs
//
// A design (grid, random, Latin hypercube, or the runs of a Morris or
// Sobol' design of package sensitivity: sensitivity.go) gives the points;
// point p runs the base scenario with seed [Spec.PointSeed] (seed.Point(seed,
// p), or seed.Point(seed, 0) at every point of a sensitivity design), and
// its replicate r is replicate r of `freightsim run` with that seed. So a run of a sweep
// depends only on the sweep file, its point and its replicate: not on the
// workers, the order, a crash, or how the runs are split into shards.
//
// # Journal, resume, shards and merge
//
// Each finished run is one line of journal.jsonl, appended and synced in
// batches ([Dir.Run]); a sweep stopped at any point is finished by
// [Resume], which runs only what the journal lacks. A shard i/n runs the
// runs k with k mod n = i ([ShardFromEnv] reads i, and n where the
// scheduler gives it, from Slurm, Kubernetes, AWS Batch or Google Cloud
// Batch); [Merge] joins the shards' directories, checking
// that they hold the same sweep and cover every run once. [Finish] writes
// the tables (runs.csv, aggregate.csv, points.csv, sensitivity.csv;
// Parquet too; each column of one type in both: table.go) and the figures
// from the journal alone. [WriteSlurm] writes a Slurm job array (several,
// beyond MaxArraySize) that runs the shards and a dependent job that
// merges them.
//
// It runs each replicate through package experiments (the wiring) and reads
// scenarios through package scenario; nothing below it knows of sweeps.
package sweep
