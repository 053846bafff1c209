package results

import (
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Stat summarises one metric over replicates: the mean, the sample standard
// deviation and the two-sided 95 % confidence interval of the mean from
// Student's t distribution with n-1 degrees of freedom,
// mean ± t(0.975, n-1) * sd / sqrt(n). With fewer than two values the
// standard deviation and interval are undefined: NaN in Go, null in JSON.
type Stat struct {
	Mean     float64
	SD       float64
	CI95Low  float64
	CI95High float64
	N        int
}

// Summarize returns the Stat of xs. NaN values are skipped and not counted.
func Summarize(xs []float64) Stat {
	vals := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			vals = append(vals, x)
		}
	}
	nan := math.NaN()
	s := Stat{Mean: nan, SD: nan, CI95Low: nan, CI95High: nan, N: len(vals)}
	if s.N == 0 {
		return s
	}
	s.Mean = stat.Mean(vals, nil)
	if s.N < 2 {
		return s
	}
	s.SD = stat.StdDev(vals, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(s.N - 1)}.Quantile(0.975)
	half := t * s.SD / math.Sqrt(float64(s.N))
	s.CI95Low, s.CI95High = s.Mean-half, s.Mean+half
	return s
}

// statJSON is Stat on the wire: undefined values are null.
type statJSON struct {
	Mean     *float64 `json:"mean"`
	SD       *float64 `json:"sd"`
	CI95Low  *float64 `json:"ci95_low"`
	CI95High *float64 `json:"ci95_high"`
	N        int      `json:"n"`
}

// MarshalJSON writes NaN and infinite values as null.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(statJSON{JSONNumber(s.Mean), JSONNumber(s.SD), JSONNumber(s.CI95Low), JSONNumber(s.CI95High), s.N})
}

// UnmarshalJSON reads null as NaN.
func (s *Stat) UnmarshalJSON(b []byte) error {
	var w statJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Stat{FromJSONNumber(w.Mean), FromJSONNumber(w.SD), FromJSONNumber(w.CI95Low), FromJSONNumber(w.CI95High), w.N}
	return nil
}

// JSONNumber is x for a JSON field that is null when x is undefined: nil
// for NaN and infinities, which JSON cannot hold.
func JSONNumber(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// FromJSONNumber reads back what [JSONNumber] wrote: NaN for null.
func FromJSONNumber(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
