package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/results"
)

// Manifest is manifest.json: the provenance of a run. Everything that varies
// between two runs of the same command (times, machine) lives here and only
// here, so that summary.json and evaluations.csv are byte-identical.
type Manifest struct {
	Version        string    `json:"version"`
	Revision       string    `json:"vcs_revision,omitempty"`
	Modified       bool      `json:"vcs_modified,omitempty"`
	GoVersion      string    `json:"go_version"`
	Command        []string  `json:"command"`
	Scenario       string    `json:"scenario"`
	Seed           uint64    `json:"seed"`
	ReplicateSeeds []string  `json:"replicate_seeds"` // decimal strings: 64-bit seeds do not fit a JSON double
	Replicates     int       `json:"replicates"`
	Completed      []int     `json:"completed_replicates"`
	Complete       bool      `json:"complete"`
	Workers        int       `json:"workers"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	WallSeconds    float64   `json:"wall_seconds"`
	Events         uint64    `json:"events"`
	EventsPerSec   float64   `json:"events_per_second"`
	EpisodesPerSec float64   `json:"episodes_per_second"`
	Machine        Machine   `json:"machine"`
	Error          string    `json:"error,omitempty"`
}

// Machine describes where a run ran.
type Machine struct {
	Host string `json:"host"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	CPUs int    `json:"cpus"`
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

// NewManifest describes res, run by command with the given workers, from start until now.
func NewManifest(res *Result, command []string, workers int, start time.Time, runErr error) Manifest {
	end := time.Now()
	host, _ := os.Hostname()
	v, rev, mod := Version()
	m := Manifest{
		Version: v, Revision: rev, Modified: mod, GoVersion: runtime.Version(),
		Command:     command,
		Scenario:    res.Scenario.Name,
		Seed:        res.Scenario.Seed,
		Replicates:  res.Scenario.Replicates,
		Workers:     workers,
		Start:       start.UTC().Round(time.Millisecond),
		End:         end.UTC().Round(time.Millisecond),
		WallSeconds: res.Wall.Seconds(),
		Events:      res.Events,
		Machine:     Machine{Host: host, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU()},
		Completed:   []int{},
	}
	for i, s := range res.Seeds {
		m.ReplicateSeeds = append(m.ReplicateSeeds, strconv.FormatUint(s, 10))
		if res.Done[i] {
			m.Completed = append(m.Completed, i)
		}
	}
	m.Complete = len(m.Completed) == res.Scenario.Replicates && runErr == nil
	if s := res.Wall.Seconds(); s > 0 {
		m.EventsPerSec = float64(res.Events) / s
		m.EpisodesPerSec = float64(res.EpisodesRun) / s
	}
	if runErr != nil {
		m.Error = runErr.Error()
	}
	return m
}

// ErrRunExists reports an output directory that already holds a run.
var ErrRunExists = errors.New("output directory already holds a run")

// PrepareDir creates dir for a new run. It refuses a directory that already
// holds files unless overwrite is set, so that no earlier run is lost.
func PrepareDir(dir string, overwrite bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0 && !overwrite:
		return fmt.Errorf("%s: %w (choose another --out, or pass --force to replace it)", dir, ErrRunExists)
	}
	return nil
}

// WriteRun writes a run's files into dir: config.yaml (the effective
// scenario), evaluations.csv, episodes.csv, trades.csv (when recorded),
// summary.json and, last, manifest.json. Each file is written atomically.
func WriteRun(dir string, res *Result, m Manifest) error {
	cfg, err := yaml.Marshal(res.Scenario)
	if err != nil {
		return err
	}
	type file struct {
		name  string
		write func(io.Writer) error
	}
	files := []file{
		{"config.yaml", func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "# effective configuration of this run: freightsim run %s reproduces it\n%s",
				filepath.Join(dir, "config.yaml"), cfg)
			return err
		}},
		{"evaluations.csv", res.Evaluations.WriteCSV},
		{"episodes.csv", res.Episodes.WriteCSV},
	}
	if res.Trades != nil {
		files = append(files, file{"trades.csv", res.Trades.WriteCSV})
	}
	files = append(files,
		file{"summary.json", jsonWriter(res.Summary)},
		file{"manifest.json", jsonWriter(m)})
	for _, f := range files {
		if err := results.WriteFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

func jsonWriter(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
}
