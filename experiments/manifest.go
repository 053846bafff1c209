package experiments

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/freightsim/freightsim/agents"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
)

// Manifest is manifest.json: the provenance of a run. Everything that varies
// between two runs of the same command (times, machine) lives here and only
// here, so that summary.json and the tables are byte-identical.
type Manifest struct {
	Version         string    `json:"version"`
	Revision        string    `json:"vcs_revision,omitempty"`
	Modified        bool      `json:"vcs_modified,omitempty"`
	RevisionFrom    string    `json:"vcs_from,omitempty"` // "binary" (recorded by go build) or "git" (the source tree at run time)
	GoVersion       string    `json:"go_version"`
	Command         []string  `json:"command"`
	Scenario        string    `json:"scenario"`
	Seed            uint64    `json:"seed"`
	ReplicateSeeds  []string  `json:"replicate_seeds"` // decimal strings: 64-bit seeds do not fit a JSON double
	Replicates      int       `json:"replicates"`
	Status          string    `json:"status"` // running, complete, interrupted or failed
	Complete        bool      `json:"complete"`
	Completed       []int     `json:"completed_replicates"`
	Loaded          []int     `json:"loaded_replicates,omitempty"` // finished by an earlier, interrupted invocation and read back from replicates/
	Resume          string    `json:"resume,omitempty"`            // the command that finishes an incomplete run
	Trades          bool      `json:"trades"`
	Files           []string  `json:"files,omitempty"` // the result files written, besides manifest.json
	Workers         int       `json:"workers"`         // replicates run at once (at most the CPUs, or --workers, and the replicates)
	Start           time.Time `json:"start"`
	End             time.Time `json:"end,omitzero"`
	WallSeconds     float64   `json:"wall_seconds"`      // of this invocation
	Events          uint64    `json:"events"`            // engine events run by this invocation
	EventsPerSec    float64   `json:"events_per_second"` // events / wall_seconds
	EpisodesPerSec  float64   `json:"episodes_per_second"`
	EquilibriumSecs float64   `json:"equilibrium_seconds,omitempty"` // time this invocation's replicates spent measuring the distance to equilibrium, summed over replicates (wall clock of each)
	// Assignments counts how this invocation's clearings with several
	// carriers were solved: proved optimal, or the heuristic's answer where
	// the exact search stopped at its node budget or the market was too
	// large for it.
	Assignments *agents.Solver `json:"assignments,omitempty"`
	// Benchmark counts how the efficient benchmarks (S) of this
	// invocation's evaluation episodes were computed: exactly, or as bounds
	// (the lower one is reported) with the largest relative gap.
	Benchmark *Benchmark `json:"efficient_benchmark,omitempty"`
	Machine   Machine    `json:"machine"`
	Error     string     `json:"error,omitempty"`
}

// Machine describes where a run ran.
type Machine struct {
	Host       string `json:"host"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model,omitempty"`
}

// Run statuses in the manifest.
const (
	StatusRunning     = "running"
	StatusComplete    = "complete"
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
)

// Build identifies the code that runs.
type Build struct {
	Version  string
	Revision string // VCS revision, "" if unknown
	Modified bool   // the source tree had uncommitted changes
	From     string // where Revision comes from: "binary" or "git"
}

// Version returns the module version and VCS revision of the running
// binary, as far as the Go toolchain recorded them.
func Version() (version, revision string, modified bool) {
	version = "(devel)"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, "", false
	}
	if info.Main.Version != "" {
		version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return version, revision, modified
}

// BuildInfo is [Version], completed for binaries the toolchain did not stamp
// (go run, go test, -buildvcs=false): if the source tree the binary was
// compiled from is still there and is a git work tree, its revision and
// whether it has uncommitted changes, as git reports them now.
func BuildInfo() Build {
	v, rev, mod := Version()
	b := Build{Version: v, Revision: rev, Modified: mod}
	if rev != "" {
		b.From = "binary"
		return b
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return b // built with -trimpath: the source is not known
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(dir); err != nil {
		return b
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	head, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return b
	}
	status, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return b
	}
	b.Revision, b.Modified, b.From = strings.TrimSpace(string(head)), len(bytes.TrimSpace(status)) > 0, "git"
	return b
}

// NewManifest describes a run of sc by command with the given workers
// (0 for as many as CPUs), started at start and not yet finished. The
// manifest records the replicates run at once: the CPUs for 0, at most the
// replicates.
func NewManifest(sc scenario.Config, command []string, workers int, start time.Time) Manifest {
	b := BuildInfo()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, sc.Replicates))
	m := Manifest{
		Version: b.Version, Revision: b.Revision, Modified: b.Modified, RevisionFrom: b.From,
		GoVersion:  runtime.Version(),
		Command:    command,
		Scenario:   sc.Name,
		Seed:       sc.Seed,
		Replicates: sc.Replicates,
		Status:     StatusRunning,
		Completed:  []int{},
		Workers:    workers,
		Start:      start.UTC().Round(time.Millisecond),
		Machine:    ThisMachine(),
	}
	for i := range sc.Replicates {
		m.ReplicateSeeds = append(m.ReplicateSeeds, strconv.FormatUint(seed.Replicate(sc.Seed, i), 10))
	}
	return m
}

// Finish records in m what res holds and how the run ended (runErr), now.
func (m *Manifest) Finish(res *Result, runErr error) {
	m.End = time.Now().UTC().Round(time.Millisecond)
	m.WallSeconds = res.Wall.Seconds()
	m.Events = res.Events
	m.Trades = res.Trades != nil
	m.Completed, m.Loaded = []int{}, nil
	for i, done := range res.Done {
		if done {
			m.Completed = append(m.Completed, i)
		}
		if i < len(res.Loaded) && res.Loaded[i] {
			m.Loaded = append(m.Loaded, i)
		}
	}
	m.Complete = res.Complete() && runErr == nil
	m.EquilibriumSecs = res.Measured.Seconds()
	if res.Solver.Assignments > 0 {
		sol := res.Solver
		m.Assignments = &sol
	}
	if res.Benchmark.Episodes > 0 {
		b := res.Benchmark
		m.Benchmark = &b
	}
	if s := res.Wall.Seconds(); s > 0 {
		m.EventsPerSec = float64(res.Events) / s
		m.EpisodesPerSec = float64(res.EpisodesRun) / s
	}
	m.Error = ""
	switch {
	case m.Complete:
		m.Status = StatusComplete
		m.Resume = ""
	case errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded):
		m.Status = StatusInterrupted
	default:
		m.Status = StatusFailed
	}
	if runErr != nil {
		m.Error = runErr.Error()
	}
}

// ThisMachine describes the machine the process runs on.
func ThisMachine() Machine {
	host, _ := os.Hostname()
	return Machine{Host: host, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: cpuModel()}
}

// cpuModel is the processor's name, where the system says it.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// WriteManifest writes dir/manifest.json.
func WriteManifest(dir string, m Manifest) error {
	return results.WriteJSON(filepath.Join(dir, "manifest.json"), m)
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	err := ReadJSON(filepath.Join(dir, "manifest.json"), &m)
	return m, err
}
