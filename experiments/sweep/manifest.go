package sweep

import (
	"path/filepath"
	"runtime"
	"time"

	"github.com/freightsim/freightsim/experiments"
	"github.com/freightsim/freightsim/results"
)

// Manifest is manifest.json of a sweep directory: its provenance, as
// [Manifest] is a run's. Like a run's, everything that varies between two
// runs of the same sweep (times, machine, workers) lives here and only here.
type Manifest struct {
	Version      string   `json:"version"`
	Revision     string   `json:"vcs_revision,omitempty"`
	Modified     bool     `json:"vcs_modified,omitempty"`
	RevisionFrom string   `json:"vcs_from,omitempty"`
	GoVersion    string   `json:"go_version"`
	Command      []string `json:"command"`
	Sweep        string   `json:"sweep"`
	Hash         string   `json:"sweep_hash"` // identifies the sweep: sweep.yaml, base.yaml and the points
	Spec         string   `json:"sweep_spec"` // the effective sweep, sweep.yaml (its base is base.yaml)
	Seed         uint64   `json:"seed"`
	SeedRule     string   `json:"seed_rule"`
	Design       string   `json:"design"`
	Points       int      `json:"points"`
	Replicates   int      `json:"replicates"`
	Runs         int      `json:"runs"`  // of the whole sweep
	Shard        string   `json:"shard"` // the share of the runs in this directory, i/n; 0/1 is the whole sweep
	ShardRuns    int      `json:"shard_runs"`

	Status     string      `json:"status"` // running, complete, interrupted or failed
	Complete   bool        `json:"complete"`
	RunsDone   int         `json:"runs_done"`   // of the shard's runs, recorded in the journal (ok or failed)
	RunsFailed int         `json:"runs_failed"` // of them, failed
	RunsRun    int         `json:"runs_run"`    // by this invocation
	RunsLoaded int         `json:"runs_loaded"` // recorded before this invocation (resumed)
	Failed     []FailedRun `json:"failed_runs,omitempty"`
	Resume     string      `json:"resume,omitempty"` // the command that finishes an incomplete sweep

	Files        []string `json:"files,omitempty"`
	PlotsSkipped []string `json:"plots_skipped,omitempty"`
	Shards       []Shared `json:"merged_shards,omitempty"` // merge: the shard directories merged

	Workers       int                 `json:"workers"`
	Start         time.Time           `json:"start"`
	End           time.Time           `json:"end,omitzero"`
	WallSeconds   float64             `json:"wall_seconds"`    // of this invocation
	RunSeconds    float64             `json:"run_seconds"`     // the runs of this invocation, added up
	RunsPerSecond float64             `json:"runs_per_second"` // runs_run / wall_seconds
	Machine       experiments.Machine `json:"machine"`
	Error         string              `json:"error,omitempty"`
}

// FailedRun names a run that failed, and why.
type FailedRun struct {
	Point     int    `json:"point"`
	Replicate int    `json:"replicate"`
	Error     string `json:"error"`
}

// maxFailedListed is how many failed runs a manifest names; runs.csv has them all.
const maxFailedListed = 20

// Shared is one shard directory of a merged sweep, from its manifest.
type Shared struct {
	Dir         string    `json:"dir"`
	Shard       string    `json:"shard"`
	Runs        int       `json:"runs"`
	Failed      int       `json:"failed"`
	Host        string    `json:"host,omitempty"`
	Start       time.Time `json:"start,omitzero"`
	End         time.Time `json:"end,omitzero"`
	WallSeconds float64   `json:"wall_seconds,omitempty"`
}

const seedRule = "point p runs the base scenario with seed seed.Derive(seed, p) (points.csv; in a morris or sobol design seed.Derive(seed, 0) at every point); its replicate r draws from streams derived from (that seed, r), as replicate r of freightsim run with that seed (runs.csv: seed); tables write a seed s >= 2^63 as the int64 s - 2^64, which --seed takes as s"

func newManifest(sw *Spec, shard Shard, command []string, workers int, start time.Time) Manifest {
	b := experiments.BuildInfo()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0) // Dir.Run records how many ran
	}
	return Manifest{
		Version: b.Version, Revision: b.Revision, Modified: b.Modified, RevisionFrom: b.From,
		GoVersion: runtime.Version(), Command: command,
		Sweep: sw.Name, Hash: sw.hash, Spec: string(sw.spec), Seed: sw.Seed, SeedRule: seedRule, Design: sw.Design,
		Points: sw.Points(), Replicates: sw.Replicates, Runs: sw.Runs(),
		Shard: shard.String(), ShardRuns: shard.Size(sw.Runs()),
		Status: experiments.StatusRunning, Workers: workers, Start: start.UTC().Round(time.Millisecond),
		Machine: experiments.ThisMachine(),
	}
}

// finish records the end of an invocation.
func (m *Manifest) finish(start time.Time, complete bool, runErr error) {
	m.End = time.Now().UTC().Round(time.Millisecond)
	m.WallSeconds = time.Since(start).Seconds()
	if m.WallSeconds > 0 {
		m.RunsPerSecond = float64(m.RunsRun) / m.WallSeconds
	}
	m.Complete = complete
	m.Error = ""
	switch {
	case complete:
		m.Status = experiments.StatusComplete
		m.Resume = ""
	case runErr == nil || isCancel(runErr):
		m.Status = experiments.StatusInterrupted
	default:
		m.Status = experiments.StatusFailed
	}
	if runErr != nil {
		m.Error = runErr.Error()
	}
}

// ReadManifest reads dir/manifest.json of a sweep directory.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	err := experiments.ReadJSON(filepath.Join(dir, "manifest.json"), &m)
	return m, err
}

func writeManifest(dir string, m Manifest) error {
	return results.WriteJSON(filepath.Join(dir, "manifest.json"), m)
}
