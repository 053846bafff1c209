package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/freightsim/freightsim/results"
)

// The sweep's tables hold text (a text axis, a run's status and error) and
// 64-bit seeds besides numbers, which results.Table does not: they are
// written row by row, as they are read from the journal, so that no table is
// ever whole in memory. Every column has one type, the same in the CSV and
// the Parquet file, so that DuckDB, pandas and polars read both alike:
//
//   - whole numbers (point, replicate, counts, an axis of a key that holds
//     whole numbers): INT64, written as integers in the CSV;
//   - seeds: INT64, the uint64 seed s written as the signed int64 with the
//     same 64 bits (s - 2^64 for s >= 2^63), so that no reader rounds it
//     (DuckDB reads a CSV column above 2^63 as DOUBLE); freightsim's --seed
//     takes either form, so a seed read from any table reruns its run;
//   - numbers: optional DOUBLE, written as results.FormatCell does (1.0, not
//     1, so a column of whole values is still read as floats), NaN as an
//     empty field (CSV) or null (Parquet);
//   - text: optional UTF-8 string, the empty string written as an empty
//     field or null: missing, as an empty CSV field is to every reader.

type colKind uint8

const (
	colInt   colKind = iota // int64
	colSeed                 // uint64, written as the int64 of the same bits
	colFloat                // float64, NaN missing
	colText                 // string, "" missing
)

type column struct {
	name string
	kind colKind
}

// cell is one value of a row: the field of its column's kind.
type cell struct {
	i int64
	u uint64
	f float64
	s string
}

type tableWriter interface {
	write(row []cell) error
	close() error
}

func newTableWriter(w io.Writer, cols []column, parquet bool) (tableWriter, error) {
	if parquet {
		return newParquetRows(w, cols)
	}
	return newCSVRows(w, cols)
}

// writeTable writes a table to path atomically with results.WriteFile, as
// CSV or Parquet; rows emits its rows.
func writeTable(path string, cols []column, parquet bool, rows func(emit func([]cell) error) error) error {
	return results.WriteFile(path, func(w io.Writer) error {
		tw, err := newTableWriter(w, cols, parquet)
		if err != nil {
			return err
		}
		if err := rows(tw.write); err != nil {
			return err
		}
		return tw.close()
	})
}

type csvRows struct {
	w    *csv.Writer
	cols []column
	rec  []string
}

func newCSVRows(w io.Writer, cols []column) (*csvRows, error) {
	c := &csvRows{w: csv.NewWriter(w), cols: cols, rec: make([]string, len(cols))}
	for i, col := range cols {
		c.rec[i] = col.name
	}
	return c, c.w.Write(c.rec)
}

func (c *csvRows) write(row []cell) error {
	if len(row) != len(c.cols) {
		panic(fmt.Sprintf("experiments: a row of %d cells for a table of %d columns", len(row), len(c.cols)))
	}
	for i, col := range c.cols {
		switch col.kind {
		case colInt:
			c.rec[i] = strconv.FormatInt(row[i].i, 10)
		case colSeed:
			c.rec[i] = strconv.FormatInt(int64(row[i].u), 10)
		case colFloat:
			c.rec[i] = results.FormatCell(row[i].f)
		case colText:
			c.rec[i] = row[i].s
		}
	}
	return c.w.Write(c.rec)
}

func (c *csvRows) close() error {
	c.w.Flush()
	return c.w.Error()
}

type parquetRows struct {
	w    *parquet.Writer
	cols []column
	rows []parquet.Row
	buf  []parquet.Value
}

const parquetBatch = 1024

func newParquetRows(w io.Writer, cols []column) (*parquetRows, error) {
	var fields []reflect.StructField
	seen := map[string]bool{}
	for i, col := range cols {
		if seen[col.name] {
			return nil, fmt.Errorf("experiments: column %q twice", col.name)
		}
		seen[col.name] = true
		var t reflect.Type
		tag := col.name
		switch col.kind {
		case colInt:
			t = reflect.TypeFor[int64]()
		case colSeed:
			t = reflect.TypeFor[int64]()
		case colFloat:
			t, tag = reflect.TypeFor[*float64](), tag+",optional"
		case colText:
			t, tag = reflect.TypeFor[*string](), tag+",optional"
		}
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("C%d", i), Type: t, Tag: reflect.StructTag(fmt.Sprintf(`parquet:"%s"`, tag))})
	}
	schema := parquet.SchemaOf(reflect.Zero(reflect.StructOf(fields)).Interface())
	return &parquetRows{w: parquet.NewWriter(w, schema, parquet.Compression(&parquet.Snappy)), cols: cols}, nil
}

func (p *parquetRows) write(row []cell) error {
	start := len(p.buf)
	for i, col := range p.cols {
		var v parquet.Value
		switch col.kind {
		case colInt:
			v = parquet.Int64Value(row[i].i).Level(0, 0, i)
		case colSeed:
			v = parquet.Int64Value(int64(row[i].u)).Level(0, 0, i)
		case colFloat:
			if math.IsNaN(row[i].f) {
				v = parquet.NullValue().Level(0, 0, i)
			} else {
				v = parquet.DoubleValue(row[i].f).Level(0, 1, i)
			}
		case colText:
			if row[i].s == "" {
				v = parquet.NullValue().Level(0, 0, i)
			} else {
				v = parquet.ByteArrayValue([]byte(row[i].s)).Level(0, 1, i)
			}
		}
		p.buf = append(p.buf, v)
	}
	p.rows = append(p.rows, p.buf[start:len(p.buf):len(p.buf)])
	if len(p.rows) == parquetBatch {
		return p.flush()
	}
	return nil
}

func (p *parquetRows) flush() error {
	if _, err := p.w.WriteRows(p.rows); err != nil {
		return err
	}
	p.rows, p.buf = p.rows[:0], p.buf[:0]
	return nil
}

func (p *parquetRows) close() error {
	if err := p.flush(); err != nil {
		return err
	}
	return p.w.Close()
}
