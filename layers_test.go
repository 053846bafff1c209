package freightsim

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/freightsim/freightsim"

// allowed lists, for every package of the module, the packages of the
// module it may import (STYLE.md, "The shape of the house").
var allowed = map[string][]string{
	"sim":                     {},
	"market":                  {},
	"market/kdouble":          {},
	"policy":                  {},
	"policy/ppo":              {"policy"},
	"results":                 {},
	"results/chart":           {"results"},
	"results/report":          {"results"},
	"agents":                  {"market", "policy"},
	"experiments/seed":        {},
	"experiments/config":      {},
	"experiments/lock":        {},
	"experiments/scenario":    {"agents", "market", "policy", "experiments/config"},
	"experiments/equilibrium": {"agents", "market", "market/kdouble", "policy", "results", "results/chart", "experiments/seed", "experiments/scenario"},
	"experiments":             {"agents", "market", "policy", "policy/ppo", "results", "results/chart", "results/report", "sim", "experiments/seed", "experiments/config", "experiments/scenario", "experiments/equilibrium", "experiments/lock"},
	"experiments/sweep":       {"experiments", "results", "results/chart", "results/report", "results/sensitivity", "experiments/seed", "experiments/config", "experiments/scenario", "experiments/equilibrium"},
	"cmd/freightsim":          {"experiments", "results", "results/chart", "results/report", "experiments/seed", "experiments/config", "experiments/scenario", "experiments/equilibrium", "experiments/sweep", "experiments/lock"},

	// Sensitivity analysis is a room of results, which it alone may use;
	// sweeps with a morris or sobol design use it.
	"results/sensitivity": {"results"},
	// A test bench of small markets for the learners (internal to policy).
	"policy/internal/game": {"policy", "policy/ppo", "agents", "market", "market/kdouble"},
}

func TestLayering(t *testing.T) {
	for pkg, ok := range allowed {
		// The package's own directory, read as it is: build.Import of the
		// import path would ask go list, once per package (most of this
		// test's time).
		p, err := build.ImportDir(filepath.FromSlash(pkg), 0)
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		// Tests may use anything below them, but not above: include them.
		imports := append(append(append([]string(nil), p.Imports...), p.TestImports...), p.XTestImports...)
		for _, imp := range imports {
			rel, ours := strings.CutPrefix(imp, module+"/")
			if !ours || rel == pkg {
				continue
			}
			if !slices.Contains(ok, rel) && !(isTestOnly(p, imp) && below(pkg, rel)) {
				t.Errorf("%s imports %s: the layering in STYLE.md allows only %v", pkg, rel, ok)
			}
		}
	}
}

// TestEveryPackageIsListed fails when a package is added without a place in
// the layering: every directory holding Go files must be in allowed.
func TestEveryPackageIsListed(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(name, ".go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if _, ok := allowed[dir]; !ok && dir != "." {
			t.Errorf("%s holds Go code but has no place in the layering (allowed in layers_test.go)", dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isTestOnly reports whether imp is imported only by p's tests.
func isTestOnly(p *build.Package, imp string) bool { return !slices.Contains(p.Imports, imp) }

// below reports whether rel is allowed, transitively, under pkg: an external
// test of pkg may import what pkg's dependencies may.
func below(pkg, rel string) bool {
	for _, dep := range allowed[pkg] {
		if dep == rel || below(dep, rel) {
			return true
		}
	}
	return false
}
