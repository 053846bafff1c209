package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Table is a tidy table: integer key columns (replicate, episode, ...)
// followed by float value columns (one per metric), one row per observation.
type Table struct {
	Keys   []string // names of the integer columns
	Values []string // names of the float columns
	// Counts names the value columns that hold counts (trips, jobs,
	// volume): whole numbers, written as integers ("3", not "3.0") in a
	// CSV file and as INT64 in a Parquet file, so that every reader types
	// them as integers; NaN is missing in both, as in any value column.
	Counts []string
	Rows   []Row
}

// maxCount is the largest count a float64 holds exactly (2^53).
const maxCount = 1 << 53

// isCount reports, for each value column, whether Counts names it.
func (t *Table) isCount() []bool {
	is := make([]bool, len(t.Values))
	for _, c := range t.Counts {
		if i := t.Column(c); i >= 0 {
			is[i] = true
		}
	}
	return is
}

// checkCount is nil for a value v of count column col that is missing
// (NaN) or a whole number a float64 holds exactly.
func (t *Table) checkCount(col int, row int, v float64) error {
	if math.IsNaN(v) || v == math.Trunc(v) && math.Abs(v) <= maxCount {
		return nil
	}
	return fmt.Errorf("results: row %d, column %s: %v is not a whole number up to 2^53, as a count is", row+1, t.Values[col], v)
}

// Row is one observation of a Table.
type Row struct {
	Keys   []int64
	Values []float64
}

// Column returns the index of the value column called name, or -1.
func (t *Table) Column(name string) int {
	for i, n := range t.Values {
		if n == name {
			return i
		}
	}
	return -1
}

// Append adds a row, checking its width.
func (t *Table) Append(keys []int64, values []float64) {
	if len(keys) != len(t.Keys) || len(values) != len(t.Values) {
		panic(fmt.Sprintf("results: row of %d keys and %d values for a table of %d and %d",
			len(keys), len(values), len(t.Keys), len(t.Values)))
	}
	t.Rows = append(t.Rows, Row{Keys: keys, Values: values})
}

// FormatFloat is how every float is written: the shortest decimal that reads
// back to the same float64, and an empty field for NaN (a missing value to
// pandas, R and DuckDB).
func FormatFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// FormatCell is how a float is written in a CSV table: as FormatFloat, with
// ".0" after a whole number (1.0, not 1), so that every reader that guesses
// types from the text (DuckDB's read_csv_auto, pandas, polars) reads a float
// column as floats even when all its values are whole, the type it has in
// the Parquet file. NaN is an empty field (missing); infinities are
// "inf" and "-inf", which DuckDB, pandas and polars read as floats.
func FormatCell(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := FormatFloat(x)
	if s != "" && !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// ParseCell reads a float written by FormatCell (or FormatFloat): an empty
// field is NaN.
func ParseCell(f string) (float64, error) {
	if f == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(f, 64)
}

// WriteCSV writes the table with a header line: keys and counts as
// integers, other values as FormatCell writes them.
func (t *Table) WriteCSV(w io.Writer) error {
	count := t.isCount()
	cw := csv.NewWriter(w)
	header := append(append([]string(nil), t.Keys...), t.Values...)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for j, r := range t.Rows {
		for i, k := range r.Keys {
			rec[i] = strconv.FormatInt(k, 10)
		}
		for i, v := range r.Values {
			if count[i] {
				if err := t.checkCount(i, j, v); err != nil {
					return err
				}
				rec[len(r.Keys)+i] = ""
				if !math.IsNaN(v) {
					rec[len(r.Keys)+i] = strconv.FormatInt(int64(v), 10)
				}
				continue
			}
			rec[len(r.Keys)+i] = FormatCell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads a table written by WriteCSV; the first nkeys columns are the
// integer keys. A value column written as integers in every row that has a
// value is a count (Table.Counts): WriteCSV writes every other value with a
// point or an exponent, so the table writes back the same. Errors name the
// line and column.
func ReadCSV(r io.Reader, nkeys int) (*Table, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if len(header) < nkeys {
		return nil, fmt.Errorf("line 1: %d columns, want at least %d keys", len(header), nkeys)
	}
	t := &Table{Keys: header[:nkeys], Values: header[nkeys:]}
	whole := make([]bool, len(t.Values)) // every value so far an integer
	seen := make([]bool, len(t.Values))  // a value so far
	for i := range whole {
		whole[i] = true
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			for i, v := range t.Values {
				if whole[i] && seen[i] {
					t.Counts = append(t.Counts, v)
				}
			}
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		row := Row{Keys: make([]int64, nkeys), Values: make([]float64, len(rec)-nkeys)}
		for i, f := range rec {
			if i < nkeys {
				if row.Keys[i], err = strconv.ParseInt(f, 10, 64); err != nil {
					return nil, fmt.Errorf("line %d, column %s: %q is not an integer", line, header[i], f)
				}
				continue
			}
			if row.Values[i-nkeys], err = ParseCell(f); err != nil {
				return nil, fmt.Errorf("line %d, column %s: %q is not a number", line, header[i], f)
			}
			if f != "" {
				seen[i-nkeys] = true
				whole[i-nkeys] = whole[i-nkeys] && isInteger(f)
			}
		}
		t.Rows = append(t.Rows, row)
	}
}

// isInteger reports whether f is written as an integer: digits, after a
// minus sign or not.
func isInteger(f string) bool {
	f = strings.TrimPrefix(f, "-")
	if f == "" {
		return false
	}
	for _, c := range f {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
