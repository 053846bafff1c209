package sensitivity

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/designs.golden")

type design interface {
	Len() int
	Run(int) Run
}

// writeDesign writes every run as "name,index,group,step,x..." with the
// shortest decimals that read back to the same float64s.
func writeDesign(w io.Writer, name string, d design) {
	for i := range d.Len() {
		r := d.Run(i)
		fmt.Fprintf(w, "%s,%d,%d,%d", name, r.Index, r.Group, r.Step)
		for _, x := range r.X {
			fmt.Fprintf(w, ",%s", strconv.FormatFloat(x, 'g', -1, 64))
		}
		fmt.Fprintln(w)
	}
}

// goldenDesigns draws small designs of every kind from fixed seeds.
func goldenDesigns(t *testing.T) []byte {
	var buf bytes.Buffer
	names := []string{"a", "b", "c"}
	m, err := NewMorris(names, 2, MorrisOptions{}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	writeDesign(&buf, "morris", m)
	m, err = NewMorris(names, 2, MorrisOptions{Levels: 6, Candidates: 6}, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	writeDesign(&buf, "morris-selected", m)
	s, err := NewSobol(names[:2], 4, SobolOptions{SecondOrder: true}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	writeDesign(&buf, "sobol", s)
	s, err = NewSobol(names[:2], 3, SobolOptions{Base: PseudoRandom}, rand.New(rand.NewPCG(7, 8)))
	if err != nil {
		t.Fatal(err)
	}
	writeDesign(&buf, "sobol-pseudo", s)
	return buf.Bytes()
}

// A design is a function of its seed: the same seed gives the same runs,
// bit for bit, in this version and the next (a sweep resumed after an
// upgrade must find the runs it journalled). The golden file changes only
// with -update, and a change to it breaks every journal of a sensitivity
// sweep: say so in the commit.
func TestDesignsAreReproducible(t *testing.T) {
	got := goldenDesigns(t)
	if again := goldenDesigns(t); !bytes.Equal(got, again) {
		t.Fatal("the same seeds gave different designs")
	}
	path := filepath.Join("testdata", "designs.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("designs differ from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// Different seeds give different designs.
func TestDesignsFollowTheSeed(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(seed uint64) design
	}{
		{"morris", func(seed uint64) design { return mustMorris(t, 4, 3, MorrisOptions{}, seed) }},
		{"sobol", func(seed uint64) design { return mustSobol(t, 4, 8, SobolOptions{}, seed) }},
		{"sobol-pseudo", func(seed uint64) design { return mustSobol(t, 4, 8, SobolOptions{Base: PseudoRandom}, seed) }},
	} {
		var a, b bytes.Buffer
		writeDesign(&a, c.name, c.make(1))
		writeDesign(&b, c.name, c.make(2))
		if bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: seeds 1 and 2 give the same design", c.name)
		}
	}
}

// Rows convert to a results.Table and to CSV with one row per index, NaN
// as an empty field, factors and kinds by name in the CSV.
func TestIndicesTables(t *testing.T) {
	nan := math.NaN()
	ix := &Indices{Factors: []string{"capacity", "cost"}, Level: 0.95, Resamples: 10, Rows: []Index{
		{Factor: 0, Other: -1, Kind: First, Value: 0.5, Low: 0.25, High: 0.75, N: 64},
		{Factor: 1, Other: -1, Kind: Total, Value: nan, Low: nan, High: nan, N: 64},
		{Factor: 0, Other: 1, Kind: Second, Value: 0.125, Low: -0.5, High: 1, N: 63},
	}}
	var buf bytes.Buffer
	if err := ix.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "factor,other,index,value,ci_low,ci_high,n\n" +
		"capacity,,S1,0.5,0.25,0.75,64\n" +
		"cost,,ST,,,,64\n" +
		"capacity,cost,S2,0.125,-0.5,1.0,63\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	tab := ix.Table()
	buf.Reset()
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want = "factor,other,kind,n,value,ci_low,ci_high\n" +
		"0,-1,3,64,0.5,0.25,0.75\n" +
		"1,-1,4,64,,,\n" +
		"0,1,5,63,0.125,-0.5,1.0\n"
	if buf.String() != want {
		t.Errorf("results.Table as CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	for k, name := range map[Kind]string{Mu: "mu", MuStar: "mu_star", Sigma: "sigma", First: "S1", Total: "ST", Second: "S2", Kind(9): "Kind(9)"} {
		if k.String() != name {
			t.Errorf("Kind %d is called %q, want %q", int(k), k.String(), name)
		}
	}
}
