package sweep

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestSweepTableCSVAndParquet(t *testing.T) {
	cols := []column{{"point", colInt}, {"seed", colSeed}, {"x", colFloat}, {"kind", colText}}
	rows := [][]cell{
		{{i: 0}, {u: math.MaxUint64}, {f: 0.1}, {s: "learn"}},
		{{i: 1}, {u: 7}, {f: math.NaN()}, {s: `with "quotes", and a comma`}},
		{{i: 2}, {u: 1 << 63}, {f: 3}, {s: ""}},
	}
	write := func(parquet bool) []byte {
		var b bytes.Buffer
		tw, err := newTableWriter(&b, cols, parquet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := tw.write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	want := "point,seed,x,kind\n0,-1,0.1,learn\n1,7,,\"with \"\"quotes\"\", and a comma\"\n2,-9223372036854775808,3.0,\n"
	if got := string(write(false)); got != want {
		t.Errorf("CSV:\n%s\nwant\n%s", got, want)
	}

	data := write(true)
	if !bytes.Equal(data, write(true)) {
		t.Error("the same table gave two different Parquet files")
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range f.Schema().Fields() {
		types = append(types, c.Name()+" "+c.Type().String())
		if c.Optional() != (c.Name() == "x" || c.Name() == "kind") {
			t.Errorf("column %s optional %v: only numbers and text are optional (null for NaN or empty)", c.Name(), c.Optional())
		}
	}
	// The seed is a signed INT64, as every reader of the CSV reads it.
	if got := strings.Join(types, ", "); got != "point INT(64,true), seed INT(64,true), x DOUBLE, kind STRING" {
		t.Errorf("column types: %s\nwant point INT(64,true), seed INT(64,true), x DOUBLE, kind STRING", got)
	}
	buf := make([]parquet.Row, 4)
	rr := f.RowGroups()[0].Rows()
	n, _ := rr.ReadRows(buf)
	rr.Close()
	if n != 3 {
		t.Fatalf("read %d rows, want 3", n)
	}
	r0, r1, r2 := buf[0], buf[1], buf[2]
	if uint64(r0[1].Int64()) != math.MaxUint64 || r0[2].Double() != 0.1 || string(r0[3].ByteArray()) != "learn" {
		t.Errorf("row 0 read back as %v", r0)
	}
	if !r1[2].IsNull() || string(r1[3].ByteArray()) != `with "quotes", and a comma` {
		t.Errorf("row 1 read back as %v: want a null x", r1)
	}
	if uint64(r2[1].Int64()) != 1<<63 || r2[2].Double() != 3 || !r2[3].IsNull() {
		t.Errorf("row 2 read back as %v: want seed 2^63, x 3 and a null kind", r2)
	}
}
