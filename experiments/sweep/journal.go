package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/freightsim/freightsim/experiments/seed"
	"github.com/freightsim/freightsim/results"
)

// The journal of a sweep directory, journal.jsonl, is a results journal of
// JSON lines: a header naming the sweep, then one line per finished run in
// the order the runs finished, appended and synced as each finishes:
//
//	{"journal":"freightsim sweep","version":1,"sweep":"<hash>","name":"risk","shard":"0/1","axes":["risk"],"columns":["avg_bidding_cost",...]}
//	{"point":3,"replicate":1,"seed":"1234","status":"ok","wall_seconds":0.12,"axes":["0.05"],"values":[-51.2,null,...],"crc":"1a2b3c4d"}
//	{"point":4,"replicate":0,"seed":"5678","status":"failed","wall_seconds":0.03,"axes":["0.1"],"values":[null,...],"error":"...","crc":"5e6f7a8b"}
//
// Each run's line ends with "crc", the CRC-32C of the line without it (hex),
// so that a line changed after it was written is refused, not read as a
// run. values follow the header's columns; null is a missing value (NaN), and
// "+Inf" and "-Inf" are infinite ones. Numbers are written as the shortest
// decimal that reads back to the same float64, so the final tables read
// from a journal are those of the runs, bit for bit.

const (
	journalName    = "journal.jsonl"
	journalKind    = "freightsim sweep"
	journalVersion = 2 // 2: a CRC on each run's line
	statusOK       = "ok"
	statusFailed   = "failed"
)

type journalHeader struct {
	Journal string   `json:"journal"`
	Version int      `json:"version"`
	Sweep   string   `json:"sweep"`
	Name    string   `json:"name"`
	Shard   string   `json:"shard"`
	Axes    []string `json:"axes"`
	Columns []string `json:"columns"`
}

// Record is one finished run of a sweep: one line of its journal, one
// row of runs.csv.
type Record struct {
	Point     int
	Replicate int
	Seed      uint64   // seed.Replicate(Spec.PointSeed(Point), Replicate)
	Axes      []string // the value of each axis, as set
	Failed    bool
	Error     string    // why it failed
	Stack     string    // where a run that panicked was: in the journal only
	Wall      float64   // seconds it took: in the journal only
	Values    []float64 // the final evaluation's metrics, in the sweep's Columns order; NaN missing
}

type recordJSON struct {
	Point     int         `json:"point"`
	Replicate int         `json:"replicate"`
	Seed      string      `json:"seed"`
	Status    string      `json:"status"`
	Wall      float64     `json:"wall_seconds"`
	Axes      []string    `json:"axes"`
	Values    []jsonFloat `json:"values"`
	Error     string      `json:"error,omitempty"`
	Stack     string      `json:"stack,omitempty"`
}

// jsonFloat is a float64 in JSON: null for NaN, "+Inf" and "-Inf".
type jsonFloat float64

func (x jsonFloat) MarshalJSON() ([]byte, error) {
	f := float64(x)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func (x *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*x = jsonFloat(math.NaN())
		return nil
	case `"+Inf"`:
		*x = jsonFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*x = jsonFloat(math.Inf(-1))
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("%s is not a number", b)
	}
	*x = jsonFloat(f)
	return nil
}

func (r *Record) marshal() ([]byte, error) {
	w := recordJSON{Point: r.Point, Replicate: r.Replicate, Seed: strconv.FormatUint(r.Seed, 10), Status: statusOK,
		Wall: math.Round(r.Wall*1e6) / 1e6, Axes: r.Axes, Error: r.Error, Stack: r.Stack}
	if r.Failed {
		w.Status = statusFailed
	}
	w.Values = make([]jsonFloat, len(r.Values))
	for i, v := range r.Values {
		w.Values[i] = jsonFloat(v)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	return append(b[:len(b)-1], fmt.Sprintf(`,"crc":"%08x"}`, crc32.Checksum(b, castagnoli))...), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcSuffix is the end of a run's line: its CRC, 8 hex digits, then }.
const crcSuffix = `,"crc":"12345678"}`

// checkCRC returns the line b without its CRC, as it was checksummed, after
// checking the CRC.
func checkCRC(b []byte) ([]byte, error) {
	n := len(b) - len(crcSuffix)
	if n < 1 || !bytes.HasPrefix(b[n:], []byte(`,"crc":"`)) || b[len(b)-1] != '}' {
		return nil, errors.New("no crc at the end of the line: the line is damaged")
	}
	want, err := strconv.ParseUint(string(b[n+8:len(b)-2]), 16, 32)
	if err != nil {
		return nil, fmt.Errorf("crc %q is not 8 hex digits: the line is damaged", b[n+8:len(b)-2])
	}
	body := append(b[:n:n], '}')
	if got := crc32.Checksum(body, castagnoli); uint64(got) != want {
		return nil, fmt.Errorf("the line's crc is %08x, its content's %08x: the line was changed after it was written", want, got)
	}
	return body, nil
}

func unmarshalRecord(b []byte, columns int) (Record, error) {
	b, err := checkCRC(b)
	if err != nil {
		return Record{}, err
	}
	var w recordJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Record{}, err
	}
	seed, err := strconv.ParseUint(w.Seed, 10, 64)
	if err != nil {
		return Record{}, fmt.Errorf("seed %q is not a 64-bit seed", w.Seed)
	}
	if w.Status != statusOK && w.Status != statusFailed {
		return Record{}, fmt.Errorf("status %q: want ok or failed", w.Status)
	}
	if len(w.Values) != columns {
		return Record{}, fmt.Errorf("%d values for %d columns", len(w.Values), columns)
	}
	r := Record{Point: w.Point, Replicate: w.Replicate, Seed: seed, Failed: w.Status == statusFailed,
		Error: w.Error, Stack: w.Stack, Wall: w.Wall, Axes: w.Axes, Values: make([]float64, len(w.Values))}
	for i, v := range w.Values {
		r.Values[i] = float64(v)
	}
	return r, nil
}

// header is the journal header of a directory of this sweep's shard.
func (sw *Spec) header(shard Shard) journalHeader {
	h := journalHeader{Journal: journalKind, Version: journalVersion, Sweep: sw.hash, Name: sw.Name,
		Shard: shard.String(), Columns: sw.columns, Axes: []string{}}
	for _, ax := range sw.Axes {
		h.Axes = append(h.Axes, ax.Name)
	}
	return h
}

// runRef is where a run's line is in a journal.
type runRef struct {
	point, rep int32
	file       int32 // which journal, in a merge
	failed     bool
	off        int64
	n          int32
}

// journalIndex is what a journal holds: its header and where each run is.
type journalIndex struct {
	path   string
	header journalHeader
	refs   []runRef
	torn   int64 // bytes of a torn last line, ignored
}

// ErrNotADir reports a directory that holds no sweep journal.
var ErrNotADir = errors.New("not a sweep directory")

// readJournalIndex reads the journal of dir: its header and where each
// run's line is. It checks every line (so a run that did not finish is not
// taken for one that did) and that no run is there twice.
//
// With sw, it also checks that each line is a run of sw: its seed derived
// from the sweep's seed, its axes' values those of its point.
func readJournalIndex(dir string, file int32, sw *Spec) (*journalIndex, error) {
	path := dir + string(os.PathSeparator) + journalName
	x := &journalIndex{path: path}
	seen := map[[2]int32]int{}
	torn, err := results.ReadJournalFile(path, func(l results.JournalLine) error {
		if l.Number == 1 {
			if err := json.Unmarshal(l.Data, &x.header); err != nil || x.header.Journal != journalKind {
				return fmt.Errorf("%s: line 1 is not the header of a freightsim sweep journal", path)
			}
			if x.header.Version != journalVersion {
				return fmt.Errorf("%s: journal version %d, this freightsim reads version %d", path, x.header.Version, journalVersion)
			}
			return nil
		}
		r, err := unmarshalRecord(l.Data, len(x.header.Columns))
		if err != nil {
			return fmt.Errorf("%s, line %d: %w", path, l.Number, err)
		}
		if sw != nil {
			if err := sw.checkRecord(&r); err != nil {
				return fmt.Errorf("%s, line %d: %w: the journal is damaged", path, l.Number, err)
			}
		}
		key := [2]int32{int32(r.Point), int32(r.Replicate)}
		if first, dup := seen[key]; dup {
			return fmt.Errorf("%s: run (point %d, replicate %d) is on lines %d and %d: the journal is damaged", path, r.Point, r.Replicate, first, l.Number)
		}
		seen[key] = l.Number
		x.refs = append(x.refs, runRef{point: key[0], rep: key[1], file: file, failed: r.Failed, off: l.Offset, n: int32(len(l.Data))})
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w: no %s", dir, ErrNotADir, journalName)
	}
	if err != nil {
		return nil, err
	}
	if x.header.Journal == "" {
		return nil, fmt.Errorf("%s: %w: %s is empty", dir, ErrNotADir, journalName)
	}
	x.torn = torn
	return x, nil
}

// checkRecord checks that r is a run of sw: a point and replicate of the
// sweep, the seed derived for them, and the point's axis values.
func (sw *Spec) checkRecord(r *Record) error {
	if r.Point < 0 || r.Point >= sw.Points() || r.Replicate < 0 || r.Replicate >= sw.Replicates {
		return fmt.Errorf("run (point %d, replicate %d) is not one of the sweep's %d points x %d replicates", r.Point, r.Replicate, sw.Points(), sw.Replicates)
	}
	if want := seed.Replicate(sw.PointSeed(r.Point), r.Replicate); r.Seed != want {
		return fmt.Errorf("run (point %d, replicate %d) has seed %d, not %d, the seed derived from the sweep's seed %d", r.Point, r.Replicate, r.Seed, want, sw.Seed)
	}
	vals := sw.Point(r.Point)
	if len(r.Axes) != len(vals) {
		return fmt.Errorf("run (point %d, replicate %d) has %d axis values, the sweep %d axes", r.Point, r.Replicate, len(r.Axes), len(vals))
	}
	for a, v := range vals {
		if r.Axes[a] != v.Text {
			return fmt.Errorf("run (point %d, replicate %d) has %s = %s, the point %s", r.Point, r.Replicate, sw.Axes[a].Name, r.Axes[a], v.Text)
		}
	}
	return nil
}

// sortRefs orders runs by (point, replicate, journal).
func sortRefs(refs []runRef) {
	slices.SortFunc(refs, func(a, b runRef) int {
		switch {
		case a.point != b.point:
			return int(a.point - b.point)
		case a.rep != b.rep:
			return int(a.rep - b.rep)
		}
		return int(a.file - b.file)
	})
}

// recordReader reads runs' lines back from journals by their refs.
type recordReader struct {
	files   []*os.File
	buf     []byte
	columns int
}

func openRecords(paths []string, columns int) (*recordReader, error) {
	rr := &recordReader{columns: columns}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			rr.close()
			return nil, err
		}
		rr.files = append(rr.files, f)
	}
	return rr, nil
}

// line returns the bytes of ref's line; they are valid until the next call.
func (rr *recordReader) line(ref runRef) ([]byte, error) {
	if cap(rr.buf) < int(ref.n) {
		rr.buf = make([]byte, ref.n)
	}
	b := rr.buf[:ref.n]
	if _, err := rr.files[ref.file].ReadAt(b, ref.off); err != nil {
		return nil, fmt.Errorf("%s: %w", rr.files[ref.file].Name(), err)
	}
	return b, nil
}

func (rr *recordReader) record(ref runRef) (Record, error) {
	b, err := rr.line(ref)
	if err != nil {
		return Record{}, err
	}
	r, err := unmarshalRecord(b, rr.columns)
	if err != nil {
		return Record{}, fmt.Errorf("%s: %w", rr.files[ref.file].Name(), err)
	}
	return r, nil
}

func (rr *recordReader) close() {
	for _, f := range rr.files {
		f.Close()
	}
}
