package agents

import (
	"math"
	"testing"
)

// The money features are measured from the scales' origin: (x - Origin) /
// (Money - Origin); with the zero origin they are x / Money, bit for bit,
// as before there was an origin.
func TestMoneyFeaturesFromTheOrigin(t *testing.T) {
	car := &Carrier{CostRate: 1}
	j := &Job{Volume: 1, Distance: 1, Value: 11.5, Reserve: 11.5, CostFactors: []float64{10.5}}
	v := &View{Carrier: car}
	names := []string{"bias", "cost", "value", "reservation"}
	for _, c := range []struct {
		origin float64
		want   []float64
	}{
		{0, []float64{1, 10.5 / 12, 11.5 / 12, 11.5 / 12}},
		{10, []float64{1, 0.25, 0.75, 0.75}},
	} {
		fs, err := NewFeatureSet(names, Scales{Volume: 1, Distance: 1, Due: 1, Money: 12, Count: 1, Origin: c.origin})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, fs.Dim())
		fs.Fill(got, j, v)
		for i, w := range c.want {
			if got[i] != w {
				t.Errorf("origin %v: %s is %v, want %v", c.origin, names[i], got[i], w)
			}
		}
	}
	// Bit for bit x / Money with the zero origin, on values that are not
	// round in binary.
	for _, x := range []float64{0.1, 1.0 / 3, math.Pi, 1e-300, 7e22} {
		s := Scales{Money: 0.7}
		if got := s.money(x); got != x/0.7 {
			t.Errorf("money(%v) with the zero origin: %v, want %v", x, got, x/0.7)
		}
	}
}
