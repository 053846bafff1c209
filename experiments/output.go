package experiments

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"gopkg.in/yaml.v3"

	"github.com/freightsim/freightsim/experiments/equilibrium"
	"github.com/freightsim/freightsim/experiments/lock"
	"github.com/freightsim/freightsim/experiments/scenario"
	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
	"github.com/freightsim/freightsim/results/chart"
	"github.com/freightsim/freightsim/results/report"
)

// WritePlots draws a run's standard figures (chart.RunFigures) from its
// files alone: its tables, and theory.json for the equilibrium band and
// reference lines when present. It saves them as PNG, SVG and the CSV of
// their data into dir/plots, as o says (several at once), and returns their
// paths relative to dir.
func WritePlots(dir string, o chart.Output) ([]string, error) {
	return writePlots(dir, o, nil)
}

// writePlots is WritePlots with the run's tables, when not nil, taken from
// memory instead of its files.
func writePlots(dir string, o chart.Output, tables *chart.RunTables) ([]string, error) {
	opt := chart.Options{Tables: tables}
	th, err := equilibrium.ReadTheory(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		opt.Refs = th.ChartReferences()
		if !math.IsNaN(th.Band.Low) && !math.IsNaN(th.Band.High) {
			opt.Band = &chart.Band{Low: th.Band.Low, High: th.Band.High, Label: "equilibrium band of a job worth shipping"}
		}
	}
	figs, err := chart.RunFigures(dir, opt)
	if err != nil {
		return nil, err
	}
	netFigs, err := networkFigures(dir)
	if err != nil {
		return nil, err
	}
	figs = append(figs, netFigs...)
	out := filepath.Join(dir, PlotsDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	names, err := chart.SaveAll(out, figs, o)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(names))
	for i, n := range names {
		files[i] = filepath.Join(PlotsDir, n)
	}
	return files, nil
}

// PlotsDir is where a run's figures go, inside its directory.
const PlotsDir = "plots"

// A run directory holds:
//
//	config.yaml       the effective scenario, written first
//	manifest.json     provenance; written first with status "running", rewritten at the end
//	replicates/NNNN/  each replicate's rows as it finishes (evaluations.csv, episodes.csv,
//	                  trades.csv, then replicate.json), kept until the run is complete,
//	                  so that an interrupted run can be resumed
//	evaluations.csv, episodes.csv, trades.csv (and/or .parquet), summary.json
//	                  the results, written at the end
//
// Every file is written atomically (results.WriteFile).

// Formats selects the files the tables are written as.
type Formats struct {
	CSV, Parquet bool
	// Plots draws the figures (WritePlots) of a run with finished
	// replicates, from its CSV tables, before its manifest is written,
	// saved as Figures says (chart's defaults when nil).
	Plots   bool
	Figures *chart.Output
}

// ParseFormats reads csv, parquet or both.
func ParseFormats(s string) (Formats, error) {
	switch s {
	case "csv":
		return Formats{CSV: true}, nil
	case "parquet":
		return Formats{Parquet: true}, nil
	case "both":
		return Formats{CSV: true, Parquet: true}, nil
	}
	return Formats{}, fmt.Errorf("%q is not a format: want csv, parquet or both", s)
}

// Errors about run directories.
var (
	// ErrRunExists reports an output directory that already holds files.
	ErrRunExists = errors.New("output directory already holds a run")
	// ErrRunComplete reports a run asked to be resumed that is already complete.
	ErrRunComplete = errors.New("the run is already complete")
	// ErrResumeMismatch reports a run asked to be resumed with another
	// configuration than the one it was started with.
	ErrResumeMismatch = errors.New("cannot resume")
)

const replicatesDir = "replicates"

// runFiles are the files a run may write, besides what its manifest lists.
var runFiles = []string{"config.yaml", "manifest.json", "summary.json", "theory.json", PlotsDir, report.FileName,
	"evaluations.csv", "episodes.csv", "trades.csv",
	"evaluations.parquet", "episodes.parquet", "trades.parquet", replicatesDir}

// PrepareDir creates dir for a new run. It refuses a directory that already
// holds files unless overwrite is set, so that no earlier run is lost; with
// overwrite it removes the files an earlier run wrote there (those its
// manifest lists, and the standard ones), and nothing else.
func PrepareDir(dir string, overwrite bool) error {
	return PrepareOutput(dir, overwrite, runFiles, func() (string, bool) {
		m, err := ReadManifest(dir)
		if err != nil {
			return "", false
		}
		if !m.Complete {
			return fmt.Sprintf("an unfinished one, %d of %d replicates done", finishedReplicates(dir), m.Replicates), true
		}
		return "", true
	}, func() []string {
		m, _ := ReadManifest(dir)
		return m.Files
	})
}

// PrepareOutput creates dir for a new run or sweep, or, with overwrite, removes
// from it the standard files and those its manifest lists (listed), and
// nothing else. Without overwrite it refuses a directory that holds files;
// unfinished says whether it holds an unfinished one, and how far it got.
func PrepareOutput(dir string, overwrite bool, standard []string, unfinished func() (string, bool), listed func() []string) error {
	entries, err := os.ReadDir(dir)
	entries = entriesBesidesLock(entries)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) == 0:
		return nil
	case !overwrite:
		if how, ok := unfinished(); ok && how != "" {
			return fmt.Errorf("%s: %w: %s (add --resume to finish it, --force to replace it, or choose another --out)",
				dir, ErrRunExists, how)
		}
		return fmt.Errorf("%s: %w (choose another --out, or pass --force to replace it)", dir, ErrRunExists)
	}
	remove := append(slices.Clone(standard), listed()...)
	for _, name := range remove {
		if name == "" || filepath.IsAbs(name) || !filepath.IsLocal(name) {
			continue // a manifest names only files inside its directory
		}
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// ReadJSON reads the JSON file path into v, naming the file in a decoding error.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// finishedReplicates counts the replicates kept in dir/replicates.
func finishedReplicates(dir string) int {
	entries, _ := os.ReadDir(filepath.Join(dir, replicatesDir))
	n := 0
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, replicatesDir, e.Name(), "replicate.json")); err == nil {
			n++
		}
	}
	return n
}

// WriteConfig writes dir/config.yaml, the effective scenario.
func WriteConfig(dir string, sc scenario.Config) error {
	cfg, err := yaml.Marshal(sc)
	if err != nil {
		return err
	}
	return results.WriteFile(filepath.Join(dir, "config.yaml"), func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "# effective configuration of this run: freightsim run %s reproduces it\n%s",
			filepath.Join(dir, "config.yaml"), cfg)
		return err
	})
}

// replicateFile is replicates/NNNN/replicate.json, written after the
// replicate's tables: a replicate is kept once it exists.
type replicateFile struct {
	Replicate   int    `json:"replicate"`
	Seed        string `json:"seed"`
	Events      uint64 `json:"events"`
	EpisodesRun int    `json:"episodes_run"`
	Trades      bool   `json:"trades"`
	// Stopped says when and why the replicate's training stopped early
	// (training.stop); absent if it ran every episode.
	Stopped *Stopped `json:"stopped,omitempty"`
	// SHA256 is the SHA-256 of each table file, written before this file:
	// a replicate whose tables do not match (a file cut or changed) is
	// not kept, and runs again.
	SHA256 map[string]string `json:"sha256"`
}

func replicateDir(dir string, i int) string {
	return filepath.Join(dir, replicatesDir, fmt.Sprintf("%04d", i))
}

// WriteReplicate keeps a finished replicate in dir/replicates/NNNN, for
// [LoadReplicates]; it is safe for concurrent use with other replicates.
func WriteReplicate(dir string, rep *ReplicateResult) error {
	d := replicateDir(dir, rep.Index)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	tables := []struct {
		name string
		t    *results.Table
	}{{"evaluations.csv", rep.Evaluations}, {"episodes.csv", rep.Episodes}, {"trades.csv", rep.Trades}, {"lanes.csv", rep.Lanes}}
	sums := map[string]string{}
	for _, f := range tables {
		if f.t == nil {
			continue
		}
		h := sha256.New()
		if err := results.WriteFile(filepath.Join(d, f.name), func(w io.Writer) error { return f.t.WriteCSV(io.MultiWriter(w, h)) }); err != nil {
			return err
		}
		sums[f.name] = hex.EncodeToString(h.Sum(nil))
	}
	return results.WriteJSON(filepath.Join(d, "replicate.json"), replicateFile{
		Replicate: rep.Index, Seed: strconv.FormatUint(rep.Seed, 10),
		Events: rep.Events, EpisodesRun: rep.EpisodesRun, Trades: rep.Trades != nil, Stopped: rep.Stopped, SHA256: sums,
	})
}

// intact reports whether the table files of the replicate in d are those
// its replicate.json was written after, byte for byte.
func (rf *replicateFile) intact(d string, names ...string) bool {
	for _, name := range names {
		want, ok := rf.SHA256[name]
		if !ok {
			return false
		}
		b, err := os.ReadFile(filepath.Join(d, name))
		if err != nil {
			return false
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			return false
		}
	}
	return true
}

// LoadReplicates reads back the replicates kept in dir by [WriteReplicate],
// for [Options.Done]: one entry per replicate of sc, nil for those not kept.
func LoadReplicates(dir string, sc scenario.Config, trades bool) ([]*ReplicateResult, error) {
	done := make([]*ReplicateResult, sc.Replicates)
	entries, err := os.ReadDir(filepath.Join(dir, replicatesDir))
	if errors.Is(err, fs.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		i, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		d := replicateDir(dir, i)
		b, err := os.ReadFile(filepath.Join(d, "replicate.json"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // stopped before it was kept: it runs again
		}
		if err != nil {
			return nil, err
		}
		var rf replicateFile
		if err := json.Unmarshal(b, &rf); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(d, "replicate.json"), err)
		}
		switch {
		case rf.Replicate != i || i >= sc.Replicates:
			return nil, fmt.Errorf("%w: %s holds replicate %d of a run of %d", ErrResumeMismatch, d, rf.Replicate, sc.Replicates)
		case rf.Seed != strconv.FormatUint(seed.Replicate(sc.Seed, i), 10):
			return nil, fmt.Errorf("%w: %s was seeded with %s, not with seed %d's replicate seed", ErrResumeMismatch, d, rf.Seed, sc.Seed)
		case rf.Trades != trades:
			return nil, fmt.Errorf("%w: the run in %s %s trades: resume it %s --trades", ErrResumeMismatch, dir,
				map[bool]string{true: "records", false: "does not record"}[rf.Trades], map[bool]string{true: "with", false: "without"}[rf.Trades])
		}
		tables := []string{"evaluations.csv", "episodes.csv"}
		if sc.IsNetwork() {
			tables = append(tables, "lanes.csv")
		}
		if trades {
			tables = append(tables, "trades.csv")
		}
		if !rf.intact(d, tables...) {
			continue // a table cut or changed since it was kept: the replicate runs again
		}
		rep := &ReplicateResult{Index: i, Seed: seed.Replicate(sc.Seed, i), Events: rf.Events, EpisodesRun: rf.EpisodesRun, Stopped: rf.Stopped}
		if rep.Evaluations, err = readCSV(filepath.Join(d, "evaluations.csv"), 2); err != nil {
			return nil, err
		}
		if rep.Episodes, err = readCSV(filepath.Join(d, "episodes.csv"), 2); err != nil {
			return nil, err
		}
		if sc.IsNetwork() {
			if rep.Lanes, err = readCSV(filepath.Join(d, "lanes.csv"), len(laneKeys())); err != nil {
				return nil, err
			}
		}
		if trades {
			keys, _ := results.TradeColumns()
			if rep.Trades, err = readCSV(filepath.Join(d, "trades.csv"), len(keys)); err != nil {
				return nil, err
			}
		}
		if err := columnsOf(d, "evaluations.csv", rep.Evaluations, MetricNames(sc)); err != nil {
			return nil, err
		}
		if err := columnsOf(d, "episodes.csv", rep.Episodes, names(results.EpisodeColumns())); err != nil {
			return nil, err
		}
		if err := checkDone(&sc, trades, i, rep); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrResumeMismatch, d, err)
		}
		done[i] = rep
	}
	return done, nil
}

// columnsOf reports, wrapping [ErrResumeMismatch], a table kept in d
// whose value columns are not want: a replicate written by another version
// of freightsim (before the movement columns existed, say), which a run of
// this version cannot finish. It names the columns missing and those left
// over.
func columnsOf(d, name string, t *results.Table, want []string) error {
	if slices.Equal(t.Values, want) {
		return nil
	}
	var missing, extra []string
	for _, c := range want {
		if !slices.Contains(t.Values, c) {
			missing = append(missing, c)
		}
	}
	for _, c := range t.Values {
		if !slices.Contains(want, c) {
			extra = append(extra, c)
		}
	}
	what := "has its columns in another order"
	switch {
	case len(missing) > 0 && len(extra) > 0:
		what = fmt.Sprintf("lacks the columns %s and has %s, which this version does not write", strings.Join(missing, ", "), strings.Join(extra, ", "))
	case len(missing) > 0:
		what = "lacks the columns " + strings.Join(missing, ", ")
	case len(extra) > 0:
		what = "has the columns " + strings.Join(extra, ", ") + ", which this version does not write"
	}
	return fmt.Errorf("%w: %s %s: the run was started by another version of freightsim, whose replicates this one cannot finish; pass --force instead of --resume to start over, or choose another --out",
		ErrResumeMismatch, filepath.Join(d, name), what)
}

func readCSV(path string, nkeys int) (*results.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := results.ReadCSV(f, nkeys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Resume checks that dir holds an unfinished run of sc, started with the same
// effective configuration (so the same seed and replicates), the same trades
// setting and, where both are known, the same code, and returns the
// replicates it finished, for [Options.Done]. A missing or empty dir has
// nothing to resume: Resume returns nil and the run starts afresh. The
// errors wrap [ErrRunComplete] or [ErrResumeMismatch].
func Resume(dir string, sc scenario.Config, trades bool) ([]*ReplicateResult, error) {
	if empty, err := IsEmptyDir(dir); err != nil || empty {
		return nil, err
	}
	path := filepath.Join(dir, "config.yaml")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s holds no config.yaml, so no run of freightsim", ErrResumeMismatch, dir)
	}
	if err != nil {
		return nil, err
	}
	was, err := scenario.Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("%w: the run's %s does not parse:\n%v", ErrResumeMismatch, path, err)
	}
	if diff, err := scenario.Diff(was, sc); err != nil {
		return nil, err
	} else if len(diff) > 0 {
		if len(diff) > 12 {
			diff = append(diff[:12], fmt.Sprintf("... and %d more", len(diff)-12))
		}
		return nil, fmt.Errorf("%w: the run in %s was started with another configuration (its value -> this command's):\n  %s\nresume with the same scenario and --set, --seed, --replicates, --episodes; or pass --force instead of --resume to start over",
			ErrResumeMismatch, dir, strings.Join(diff, "\n  "))
	}
	if m, err := ReadManifest(dir); err == nil {
		if m.Complete {
			return nil, fmt.Errorf("%s: %w", dir, ErrRunComplete)
		}
		b := BuildInfo()
		if m.Revision != "" && b.Revision != "" && !m.Modified && !b.Modified && m.Revision != b.Revision {
			return nil, fmt.Errorf("%w: the run in %s was started by revision %s, this is %s: its results would mix two versions of the code",
				ErrResumeMismatch, dir, m.Revision, b.Revision)
		}
	}
	return LoadReplicates(dir, sc, trades)
}

// WriteRun writes a run's files into dir: config.yaml (the effective
// scenario), the tables as CSV and/or Parquet (evaluations, episodes, and
// trades when recorded), summary.json, the figures (with f.Plots) and, last,
// manifest.json, each atomically: a manifest that says complete is written
// after every other file. It removes the table files of the other format,
// and once the run is complete, the replicates kept for resuming it. Figures
// that cannot be drawn leave the run incomplete (failed), its replicates
// kept, and are returned as the error.
func WriteRun(dir string, res *Result, m Manifest, f Formats) error {
	if !f.CSV && !f.Parquet {
		f.CSV = true
	}
	if err := WriteConfig(dir, res.Scenario); err != nil {
		return err
	}
	type file struct {
		name  string
		write func(io.Writer) error
	}
	files := []file{}
	stale := []string{}
	for _, t := range []struct {
		name string
		t    *results.Table
	}{{"evaluations", res.Evaluations}, {"episodes", res.Episodes}, {"trades", res.Trades}, {"lanes", res.Lanes}, {"corridors", corridors(res)}} {
		for _, ext := range []struct {
			ext   string
			on    bool
			write func(*results.Table) func(io.Writer) error
		}{
			{".csv", f.CSV, func(t *results.Table) func(io.Writer) error { return t.WriteCSV }},
			{".parquet", f.Parquet, func(t *results.Table) func(io.Writer) error { return t.WriteParquet }},
		} {
			if t.t == nil || !ext.on {
				stale = append(stale, t.name+ext.ext)
				continue
			}
			files = append(files, file{t.name + ext.ext, ext.write(t.t)})
		}
	}
	files = append(files, file{"summary.json", jsonWriter(res.Summary)}, file{"theory.json", theoryWriter(res.theory())})
	m.Files = []string{"config.yaml"}
	for _, fl := range files {
		m.Files = append(m.Files, fl.name)
	}
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	// The figures read summary.json, theory.json and a network's lanes
	// from the files, and take the other tables from memory: those are
	// written while the figures are drawn (formatting and syncing them
	// leaves a processor idle).
	forFigures := func(name string) bool {
		return name == "summary.json" || name == "theory.json" || strings.HasPrefix(name, "lanes.") || strings.HasPrefix(name, "corridors.")
	}
	write := func(first bool) error {
		for _, fl := range files {
			if forFigures(fl.name) != first {
				continue
			}
			if err := results.WriteFile(filepath.Join(dir, fl.name), fl.write); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(true); err != nil {
		return err
	}
	var figs []string
	var plotErr error
	drawn := make(chan struct{})
	if f.Plots && f.CSV && len(m.Completed) > 0 {
		var o chart.Output
		if f.Figures != nil {
			o = *f.Figures
		}
		go func() {
			defer close(drawn)
			// The tables being written, as the files hold them
			// (FormatCell writes each value so that it reads back the
			// same).
			figs, plotErr = writePlots(dir, o, &chart.RunTables{Evaluations: res.Evaluations, Episodes: res.Episodes, Trades: res.Trades})
		}()
	} else {
		close(drawn)
	}
	err := write(false)
	<-drawn
	if err != nil {
		return err
	}
	if plotErr != nil {
		plotErr = fmt.Errorf("drawing the figures: %w", plotErr)
		m.Complete, m.Status, m.Error = false, StatusFailed, strings.TrimSpace(m.Error+"\n"+plotErr.Error())
	}
	m.Files = append(m.Files, figs...)
	if err := results.WriteFile(filepath.Join(dir, "manifest.json"), jsonWriter(m)); err != nil {
		return errors.Join(plotErr, err)
	}
	if plotErr != nil {
		return plotErr
	}
	if m.Complete {
		return os.RemoveAll(filepath.Join(dir, replicatesDir))
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

// theoryWriter writes th as JSON. A value that is infinite or NaN (a ratio
// to a capacity or a cost of 0) is written as null, with a note:
// encoding/json refuses it, and the run, finished, failed at its last file.
func theoryWriter(th *equilibrium.Theory) func(io.Writer) error {
	if !replaceInf(reflect.ValueOf(th).Elem()) {
		return jsonWriter(th)
	}
	return func(w io.Writer) error {
		var b bytes.Buffer
		if err := jsonWriter(struct {
			*equilibrium.Theory
			Note string `json:"infinite_values_note"`
		}{th, "null stands for an infinite value, or none: a ratio to a capacity, a cost or a distance of 0"})(&b); err != nil {
			return err
		}
		out := strings.ReplaceAll(b.String(), infText, "null")
		_, err := io.WriteString(w, out)
		return err
	}
}

// infText is how encoding/json writes math.MaxFloat64, which replaceInf
// puts for an infinite value.
var infText = strconv.FormatFloat(math.MaxFloat64, 'g', -1, 64)

// replaceInf replaces, under v (settable), every infinite float, and every
// NaN that no MarshalJSON of its own writes as null, by math.MaxFloat64,
// and reports whether it met one.
func replaceInf(v reflect.Value) bool {
	return replaceNonFinite(v, false)
}

var marshaler = reflect.TypeFor[json.Marshaler]()

func replaceNonFinite(v reflect.Value, own bool) bool {
	own = own || v.Type().Implements(marshaler)
	met := false
	switch v.Kind() {
	case reflect.Float64:
		if x := v.Float(); (math.IsInf(x, 0) || math.IsNaN(x) && !own) && v.CanSet() {
			v.SetFloat(math.MaxFloat64)
			met = true
		}
	case reflect.Pointer:
		if !v.IsNil() {
			met = replaceNonFinite(v.Elem(), own)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				met = replaceNonFinite(v.Field(i), own) || met
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			met = replaceNonFinite(v.Index(i), own) || met
		}
	}
	return met
}

// theory is res.Theory, computed now for a result built without it.
func (res *Result) theory() *equilibrium.Theory {
	if res.Theory == nil {
		res.Theory = equilibrium.NewTheory(&res.Scenario)
	}
	return res.Theory
}

// corridors is a network run's corridors.csv (CorridorTable), nil for a
// one-hub market.
func corridors(res *Result) *results.Table {
	if res.Lanes == nil {
		return nil
	}
	return CorridorTable(res.Lanes, &res.Scenario)
}

// ErrNotDir reports an output path that names something other than a directory.
var ErrNotDir = errors.New("is not a directory")

// NewDir creates a new, empty directory parent/name, or parent/name-2,
// parent/name-3, ... when that is taken: two processes started in the same
// second never share one. It returns its path.
func NewDir(parent, name string) (string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	for k := 1; k <= 10000; k++ {
		dir := filepath.Join(parent, name)
		if k > 1 {
			dir += fmt.Sprintf("-%d", k)
		}
		err := os.Mkdir(dir, 0o755) // atomic: exactly one process creates it
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: 10000 directories named %s-N exist already: choose --out", parent, name)
}

// LockDir creates dir if it is missing and locks it for this process (see
// package lock), then removes the temporary files that a writer killed
// before it renamed them left (see results.WriteFile). The errors wrap
// [ErrNotDir] for a path that is a file, and lock.ErrHeld for a directory
// another process writes.
func LockDir(dir string) (*lock.Lock, error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("%s %w: want the path of a directory (it is created if missing)", dir, ErrNotDir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("%s %w: %s is a file", dir, ErrNotDir, pe.Path)
		}
		return nil, err
	}
	l, err := lock.Acquire(dir)
	if err != nil {
		return nil, err
	}
	if err := removeTemp(dir, 3); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// removeTemp removes, in dir and its subdirectories down to depth, the
// files named .NAME.DIGITS that results.WriteFile writes before renaming
// them to NAME.
func removeTemp(dir string, depth int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if depth > 1 {
				if err := removeTemp(p, depth-1); err != nil {
					return err
				}
			}
			continue
		}
		if isTemp(e.Name()) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// isTemp reports whether name is a temporary file of results.WriteFile:
// "." + the file's name + "." + random digits.
func isTemp(name string) bool {
	if !strings.HasPrefix(name, ".") || name == lock.Name {
		return false
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 1 || i == len(name)-1 {
		return false
	}
	return strings.Trim(name[i+1:], "0123456789") == ""
}

// entriesBesidesLock are dir's entries other than its lock file.
func entriesBesidesLock(entries []fs.DirEntry) []fs.DirEntry {
	out := entries[:0:0]
	for _, e := range entries {
		if e.Name() != lock.Name {
			out = append(out, e)
		}
	}
	return out
}

// IsEmptyDir reports whether dir is missing or holds nothing besides its
// lock file.
func IsEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entriesBesidesLock(entries)) == 0, nil
}
