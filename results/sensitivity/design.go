package sensitivity

import (
	"fmt"
	"math"
)

// Run is one model run of a design.
type Run struct {
	Index int       // position in the design, from 0: outputs are given to Analyze in this order
	Group int       // the trajectory (Morris) or base sample (Sobol) the run belongs to
	Step  int       // position within its group, from 0
	X     []float64 // one value in [0, 1] per factor, to be mapped to the factor's range by the caller
}

// Bootstrap sets how confidence intervals are computed. The zero value asks
// for the defaults.
type Bootstrap struct {
	Resamples int     // resamples drawn; 0 means 1000
	Level     float64 // confidence level, in (0, 1); 0 means 0.95
}

func (b Bootstrap) withDefaults() (Bootstrap, error) {
	if b.Resamples == 0 {
		b.Resamples = 1000
	}
	if b.Level == 0 {
		b.Level = 0.95
	}
	if b.Resamples < 2 {
		return b, fmt.Errorf("bootstrap of %d resamples: want at least 2", b.Resamples)
	}
	if !(b.Level > 0 && b.Level < 1) {
		return b, fmt.Errorf("confidence level %v: want a number in (0, 1)", b.Level)
	}
	return b, nil
}

// checkNames rejects an empty list of factors, an empty name and a name
// given twice.
func checkNames(names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("no factors: want at least one")
	}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("factor %d has no name", i)
		}
		if seen[n] {
			return fmt.Errorf("factor %q is named twice", n)
		}
		seen[n] = true
	}
	return nil
}

// checkOutputs checks that y holds one output per run and no infinity (a
// NaN is a failed run, which the analyses leave out).
func checkOutputs(y []float64, runs int) error {
	if len(y) != runs {
		return fmt.Errorf("%d outputs for a design of %d runs", len(y), runs)
	}
	for i, v := range y {
		if math.IsInf(v, 0) {
			return fmt.Errorf("the output of run %d is %v: give NaN for a failed run", i, v)
		}
	}
	return nil
}
