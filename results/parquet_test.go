package results

import (
	"bytes"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func sameFloat(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || math.IsNaN(a) && math.IsNaN(b)
}

func TestParquetRoundTrip(t *testing.T) {
	big := &Table{Keys: []string{"replicate", "episode"}, Values: []string{"z_last", "a_first"}}
	for i := range 10000 { // more than one write batch
		big.Append([]int64{int64(i % 3), int64(i)}, []float64{float64(i) / 7, math.NaN()})
	}
	cases := []struct {
		name string
		t    *Table
	}{
		{"special values", &Table{
			Keys:   []string{"replicate", "episode"},
			Values: []string{"mean", "theta_0"},
			Rows: []Row{
				{Keys: []int64{0, 0}, Values: []float64{-51.93921, math.NaN()}},
				{Keys: []int64{1, 4000}, Values: []float64{math.Inf(1), math.Copysign(0, -1)}},
				{Keys: []int64{math.MaxInt64, -1}, Values: []float64{math.SmallestNonzeroFloat64, math.MaxFloat64}},
			},
		}},
		{"no rows", &Table{Keys: []string{"replicate"}, Values: []string{"x"}}},
		{"columns not in name order", big},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := c.t.WriteParquet(&a); err != nil {
				t.Fatal(err)
			}
			if err := c.t.WriteParquet(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("writing the same table twice gave different bytes")
			}
			got, err := ReadParquet(bytes.NewReader(a.Bytes()), int64(a.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Keys, c.t.Keys) || !slices.Equal(got.Values, c.t.Values) {
				t.Fatalf("columns read back as %v %v, want %v %v, in that order", got.Keys, got.Values, c.t.Keys, c.t.Values)
			}
			if len(got.Rows) != len(c.t.Rows) {
				t.Fatalf("%d rows read back, want %d", len(got.Rows), len(c.t.Rows))
			}
			for i, r := range c.t.Rows {
				g := got.Rows[i]
				if !slices.Equal(g.Keys, r.Keys) || !slices.EqualFunc(g.Values, r.Values, sameFloat) {
					t.Fatalf("row %d read back as %v %v, want %v %v", i, g.Keys, g.Values, r.Keys, r.Values)
				}
			}
		})
	}
}

// TestParquetColumnTypes: keys are required INT64, values optional DOUBLE
// with NaN as null, as pandas, R and DuckDB expect.
func TestParquetColumnTypes(t *testing.T) {
	tab := &Table{Keys: []string{"replicate"}, Values: []string{"x"}}
	tab.Append([]int64{0}, []float64{math.NaN()})
	tab.Append([]int64{1}, []float64{2})
	var b bytes.Buffer
	if err := tab.WriteParquet(&b); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	fields := f.Schema().Fields()
	if k := fields[0]; k.Type().Kind() != parquet.Int64 || !k.Required() {
		t.Errorf("key column %s: %v, required %v; want a required INT64", k.Name(), k.Type(), k.Required())
	}
	if v := fields[1]; v.Type().Kind() != parquet.Double || !v.Optional() {
		t.Errorf("value column %s: %v, optional %v; want an optional DOUBLE", v.Name(), v.Type(), v.Optional())
	}
	if n := f.Metadata().RowGroups[0].Columns[1].MetaData.Statistics.NullCount; n != 1 {
		t.Errorf("value column has %d nulls, want 1 (the NaN)", n)
	}
}

func TestParquetFileAndBadNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	tab := &Table{Keys: []string{"k"}, Values: []string{"v"}}
	tab.Append([]int64{3}, []float64{0.5})
	if err := WriteParquetFile(path, tab); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquetFile(path)
	if err != nil || len(got.Rows) != 1 || got.Rows[0].Values[0] != 0.5 {
		t.Errorf("ReadParquetFile: %+v, %v", got, err)
	}
	for _, names := range [][]string{{"a", "a"}, {"a,b"}, {""}} {
		bad := &Table{Keys: []string{"k"}, Values: names}
		if err := bad.WriteParquet(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "column name") {
			t.Errorf("columns %q: error %v, want one about the column name", names, err)
		}
	}
}

// TestCounts: a count column is written as integers in the CSV file and as
// an optional INT64 in the Parquet file, missing (NaN) as empty and null,
// and reads back as the same table; a count that is not a whole number a
// float64 holds exactly is refused, naming its row and column.
func TestCounts(t *testing.T) {
	tab := &Table{Keys: []string{"replicate", "from"}, Values: []string{"trips", "utilization", "volume"}, Counts: []string{"trips", "volume"}}
	tab.Append([]int64{0, 1}, []float64{586, 0.5, 1e6})
	tab.Append([]int64{1, 0}, []float64{math.NaN(), 1, 0})
	var c bytes.Buffer
	if err := tab.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	if want := "replicate,from,trips,utilization,volume\n0,1,586,0.5,1000000\n1,0,,1.0,0\n"; c.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", c.String(), want)
	}
	var p bytes.Buffer
	if err := tab.WriteParquet(&p); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(p.Bytes()), int64(p.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []parquet.Kind{parquet.Int64, parquet.Int64, parquet.Int64, parquet.Double, parquet.Int64} {
		col := f.Schema().Fields()[i]
		if col.Type().Kind() != want || col.Optional() != (i >= 2) {
			t.Errorf("column %s: %v, optional %v; want %v, optional %v", col.Name(), col.Type(), col.Optional(), want, i >= 2)
		}
	}
	back, err := ReadParquet(bytes.NewReader(p.Bytes()), int64(p.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Keys, tab.Keys) || !slices.Equal(back.Values, tab.Values) || !slices.Equal(back.Counts, tab.Counts) {
		t.Fatalf("columns read back as %v %v counts %v", back.Keys, back.Values, back.Counts)
	}
	for i, r := range tab.Rows {
		if g := back.Rows[i]; !slices.Equal(g.Keys, r.Keys) || !slices.EqualFunc(g.Values, r.Values, sameFloat) {
			t.Errorf("row %d read back as %v %v, want %v %v", i, g.Keys, g.Values, r.Keys, r.Values)
		}
	}
	for _, v := range []float64{2.5, math.Inf(1), 1 << 54} {
		bad := &Table{Keys: []string{"k"}, Values: []string{"trips"}, Counts: []string{"trips"}}
		bad.Append([]int64{0}, []float64{v})
		for format, write := range map[string]func(io.Writer) error{"CSV": bad.WriteCSV, "Parquet": bad.WriteParquet} {
			if err := write(io.Discard); err == nil || !strings.Contains(err.Error(), "row 1, column trips") {
				t.Errorf("%s, count %v: error %v, want one naming row 1, column trips", format, v, err)
			}
		}
	}
}

// TestCountsReadBackFromCSV: ReadCSV takes a value column written as
// integers in every row with a value for a count, so that a table read
// from its CSV file writes back the same bytes; a column with a point or an
// exponent in any row, or empty in every row, is not one.
func TestCountsReadBackFromCSV(t *testing.T) {
	in := "k,trips,x,empty,mixed\n0,586,1.0,,3\n1,,0.5,,1e+21\n2,-3,2.0,,4\n"
	tab, err := ReadCSV(strings.NewReader(in), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Counts, []string{"trips"}) {
		t.Errorf("counts %v, want [trips]", tab.Counts)
	}
	var out bytes.Buffer
	if err := tab.WriteCSV(&out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "k,trips,x,empty,mixed\n0,586,1.0,,3.0\n1,,0.5,,1e+21\n2,-3,2.0,,4.0\n" {
		t.Errorf("written back as\n%s", out.String())
	}
}
