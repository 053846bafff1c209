package results

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Parquet files hold the same tables as the CSV files, typed: each key
// column is a required INT64, each value column an optional DOUBLE (an
// optional INT64 for a count, Table.Counts) in which NaN (an undefined
// metric, an empty field in the CSV) is written as null,
// so that pandas, polars, R and DuckDB read it as a missing value. Columns
// keep the table's order; pages are Snappy-compressed, which every Parquet
// reader supports. The same table always gives the same bytes.

// WriteParquet writes the table as one Parquet file.
func (t *Table) WriteParquet(w io.Writer) error {
	schema, err := parquetSchema(t)
	if err != nil {
		return err
	}
	pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Snappy))
	const batch = 4096
	rows := make([]parquet.Row, 0, batch)
	width := len(t.Keys) + len(t.Values)
	buf := make([]parquet.Value, 0, batch*width)
	count := t.isCount()
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
		rows, buf = rows[:0], buf[:0]
		return nil
	}
	for j, r := range t.Rows {
		start := len(buf)
		for i, k := range r.Keys {
			buf = append(buf, parquet.Int64Value(k).Level(0, 0, i))
		}
		for i, v := range r.Values {
			col := len(t.Keys) + i
			switch {
			case math.IsNaN(v):
				buf = append(buf, parquet.NullValue().Level(0, 0, col))
			case count[i]:
				if err := t.checkCount(i, j, v); err != nil {
					return err
				}
				buf = append(buf, parquet.Int64Value(int64(v)).Level(0, 1, col))
			default:
				buf = append(buf, parquet.DoubleValue(v).Level(0, 1, col))
			}
		}
		rows = append(rows, buf[start:len(buf):len(buf)])
		if len(rows) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}

// WriteParquetFile writes t as Parquet, atomically.
func WriteParquetFile(path string, t *Table) error {
	return WriteFile(path, t.WriteParquet)
}

// parquetSchema is the schema of t with its columns in order: a Go struct
// type made for the table, since parquet.Group sorts its fields by name.
func parquetSchema(t *Table) (*parquet.Schema, error) {
	var fields []reflect.StructField
	seen := map[string]bool{}
	add := func(name string, typ reflect.Type, tag string) error {
		if name == "" || strings.ContainsAny(name, ",\"") || seen[name] {
			return fmt.Errorf("results: column name %q is empty, repeated or holds a comma or quote", name)
		}
		seen[name] = true
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("C%d", len(fields)),
			Type: typ,
			Tag:  reflect.StructTag(fmt.Sprintf(`parquet:"%s%s"`, name, tag)),
		})
		return nil
	}
	for _, k := range t.Keys {
		if err := add(k, reflect.TypeFor[int64](), ""); err != nil {
			return nil, err
		}
	}
	count := t.isCount()
	for i, v := range t.Values {
		typ := reflect.TypeFor[*float64]()
		if count[i] {
			typ = reflect.TypeFor[*int64]()
		}
		if err := add(v, typ, ",optional"); err != nil {
			return nil, err
		}
	}
	model := reflect.Zero(reflect.StructOf(fields)).Interface()
	return parquet.SchemaOf(model), nil
}

// ReadParquet reads a table written by WriteParquet: its leading required
// INT64 columns are the keys, the DOUBLE and optional INT64 columns (the
// counts) after them the values, and a null value reads as NaN.
func ReadParquet(r io.ReaderAt, size int64) (*Table, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	for i, col := range f.Schema().Fields() {
		if !col.Leaf() || col.Repeated() {
			return nil, fmt.Errorf("column %d (%s): a nested or repeated column, want INT64 keys then DOUBLE values", i, col.Name())
		}
		switch kind := col.Type().Kind(); {
		case kind == parquet.Int64 && col.Required() && len(t.Values) == 0:
			t.Keys = append(t.Keys, col.Name())
		case kind == parquet.Int64 && col.Optional():
			t.Values = append(t.Values, col.Name())
			t.Counts = append(t.Counts, col.Name())
		case kind == parquet.Double:
			t.Values = append(t.Values, col.Name())
		default:
			return nil, fmt.Errorf("column %d (%s) is %v: want INT64 keys then DOUBLE or INT64 (counts) values", i, col.Name(), kind)
		}
	}
	nk := len(t.Keys)
	count := t.isCount()
	buf := make([]parquet.Row, 1024)
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, pr := range buf[:n] {
				row := Row{Keys: make([]int64, nk), Values: make([]float64, len(t.Values))}
				for i := range row.Values {
					row.Values[i] = math.NaN()
				}
				for _, v := range pr {
					switch c := v.Column(); {
					case c < nk && v.IsNull():
						rows.Close()
						return nil, fmt.Errorf("row %d: key %s is null", len(t.Rows), t.Keys[c])
					case c < nk:
						row.Keys[c] = v.Int64()
					case !v.IsNull() && count[c-nk]:
						row.Values[c-nk] = float64(v.Int64())
					case !v.IsNull():
						row.Values[c-nk] = v.Double()
					}
				}
				t.Rows = append(t.Rows, row)
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				return nil, err
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ReadParquetFile reads a Parquet table from path; see ReadParquet.
func ReadParquetFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	t, err := ReadParquet(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
