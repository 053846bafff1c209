package game

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The symmetric linear equilibrium of the m x m market. At M = 1 it is
// Chatterjee and Samuelson's, 2/3 v + 1/12 and 2/3 c + 1/4 at K = 1/2 (the
// grid's resolution, 1/4000 in quotes and 1/400 in types, allows 2e-3).
// At M = 8 and 16 its misreport halves as M doubles (theory: it shrinks
// like 1/M; measured 0.0423 and 0.0223, ratio 1.90), and buyers and
// sellers mirror each other (bid slope = ask slope, bid intercept + ask
// intercept = 1 - slope, by the symmetry v -> 1 - c at K = 1/2).
func TestLargeLinearEquilibrium(t *testing.T) {
	b, a, err := Large{M: 1, K: 0.5}.LinearEquilibrium(400, 200, 1e-5)
	if err != nil {
		t.Fatal(err)
	}
	b0, b1, a0, a1 := Bilateral{K: 0.5}.Equilibrium()
	for _, c := range []struct{ got, want float64 }{{b[0], b0}, {b[1], b1}, {a[0], a0}, {a[1], a1}} {
		if math.Abs(c.got-c.want) > 2e-3 {
			t.Errorf("M 1: bid %.4f + %.4f v, ask %.4f + %.4f c, want %.4f + %.4f v, %.4f + %.4f c", b[0], b[1], a[0], a[1], b0, b1, a0, a1)
			break
		}
	}
	var mis [2]float64
	for i, m := range []int{8, 16} {
		g := Large{M: m, K: 0.5}
		b, a, err := g.LinearEquilibrium(400, 200, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(b[1]-a[1]) > 2e-3 || math.Abs(b[0]+a[0]-(1-b[1])) > 2e-3 {
			t.Errorf("M %d: bid %.4f + %.4f v and ask %.4f + %.4f c do not mirror each other", m, b[0], b[1], a[0], a[1])
		}
		mis[i], _ = g.Measure(1, fixedLine{b[0], b[1]}, fixedLine{a[0], a[1]}, 400000/m)
	}
	if r := mis[0] / mis[1]; r < 1.8 || r > 2.1 {
		t.Errorf("misreport %.4f at M 8 and %.4f at M 16: ratio %.3f, want about 2 (1.8 to 2.1)", mis[0], mis[1], r)
	}
}

// TestLargeEquilibriumTable computes the linear equilibrium and the
// unrestricted best-response iteration (Large.Equilibrium, started at the
// linear one) for M = 1, 2, 4, 8, 16, logs them, and writes the linear
// equilibrium's lines to docs/img/large-markets-equilibrium.csv (columns
// m, bid_0, bid_1, ask_0, ask_1, then the best-response iteration's
// misreport and inefficiency and its last move), which the figure of
// docs/EXPERIMENTS.md, "Large markets", measures and draws. About 2 minutes
// of CPU:
//
//	FREIGHTSIM_LARGE=1 go test -run TestLargeEquilibriumTable -v ./policy/internal/game
func TestLargeEquilibriumTable(t *testing.T) {
	if os.Getenv("FREIGHTSIM_LARGE") == "" {
		t.Skip("set FREIGHTSIM_LARGE=1 to compute the equilibria of the m x m market (minutes)")
	}
	var b strings.Builder
	b.WriteString("m,bid_0,bid_1,ask_0,ask_1,br_misreport,br_inefficiency,br_converged\n")
	for _, m := range []int{1, 2, 4, 8, 16} {
		g := Large{M: m, K: 0.5}
		lb, la, err := g.LinearEquilibrium(400, 200, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		mis, ineff := g.Measure(1, fixedLine{lb[0], lb[1]}, fixedLine{la[0], la[1]}, 400000/m)
		t.Logf("M %2d, linear equilibrium: bid %.4f + %.4f v, ask %.4f + %.4f c; misreport %.4f, inefficiency %.5f", m, lb[0], lb[1], la[0], la[1], mis, ineff)
		bid, ask, err := g.Equilibrium(400, 600, 1e-5)
		bm, bi := g.Measure(1, bid, ask, 400000/m)
		t.Logf("M %2d, best-response iteration: misreport %.4f, inefficiency %.5f (%v)", m, bm, bi, err)
		fmt.Fprintf(&b, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%t\n", m, lb[0], lb[1], la[0], la[1], bm, bi, err == nil)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "..", "docs", "img", "large-markets-equilibrium.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
