package agents

import (
	"math"
	"math/rand/v2"
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

// A line in the features' own units quotes what the weights on the scaled
// features quote: w . Fill(j, v) = InUnits(w) . the unscaled features, for
// every named feature but the network's, with money measured from 0 and
// from an origin, on random jobs, views and weights. By hand: a weight of
// 99.5 on cost at a price scale of 100 is 0.995 per unit of money.
func TestInUnitsQuotesTheSame(t *testing.T) {
	names := []string{"bias", "volume", "distance", "due", "cost", "value", "reservation", "waiting_volume", "waiting_count"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, origin := range []float64{0, 10} {
		s := Scales{Volume: 10, Distance: 100, Due: 5, Money: 100, Count: 50, Origin: origin}
		fs, err := NewFeatureSet(names, s)
		if err != nil {
			t.Fatal(err)
		}
		car := &Carrier{CostRate: 0.1}
		scaled, raw := make([]float64, fs.Dim()), make([]float64, fs.Dim())
		for range 200 {
			j := &Job{Volume: 1 + rng.IntN(10), Distance: 10 + 90*rng.Float64(), Due: rng.IntN(6), Value: 200 * rng.Float64()}
			j.Reserve = j.Value + 20*float64(j.Volume)
			v := &View{Carrier: car, Capacity: 1 + rng.IntN(80), Waiting: rng.IntN(50), WaitingVolume: rng.IntN(400)}
			fs.Fill(scaled, j, v)
			copy(raw, []float64{1, float64(j.Volume), j.Distance, float64(j.Due), car.Cost(j), j.Value, j.Reserve,
				float64(v.WaitingVolume) / float64(v.Capacity), float64(v.Waiting)})
			w := make([]float64, fs.Dim())
			for i := range w {
				w[i] = 200*rng.Float64() - 100
			}
			u := fs.InUnits(w)
			if got, want := dot(u, raw), dot(w, scaled); math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
				t.Fatalf("origin %v: the line in units quotes %v, the scaled weights %v", origin, got, want)
			}
		}
	}
	fs, _ := NewFeatureSet([]string{"bias", "cost"}, Scales{Volume: 1, Distance: 1, Due: 1, Money: 100, Count: 1})
	if u := fs.InUnits([]float64{0.85, 99.5}); math.Abs(u[0]-0.85) > 1e-12 || math.Abs(u[1]-0.995) > 1e-12 {
		t.Errorf("0.85 + 99.5 cost/100 in units: %v, want [0.85 0.995]", u)
	}
	// The bias after the money feature still takes the origin's share:
	// 5 + 90 (cost - 10)/90 is cost - 5.
	fs, _ = NewFeatureSet([]string{"cost", "bias"}, Scales{Volume: 1, Distance: 1, Due: 1, Money: 100, Count: 1, Origin: 10})
	if u := fs.InUnits([]float64{90, 5}); math.Abs(u[0]-1) > 1e-12 || math.Abs(u[1]+5) > 1e-12 {
		t.Errorf("5 + 90 (cost - 10)/90 in units: %v, want [1 -5]", u)
	}
	fs, _ = NewFeatureSet([]string{"cost"}, Scales{Volume: 1, Distance: 1, Due: 1, Money: 100, Count: 1, Origin: 10})
	if u := fs.InUnits([]float64{1}); u != nil {
		t.Errorf("money from 10 and no bias: %v, want nil (nowhere to put the origin's share)", u)
	}
	if u := fs.InUnits([]float64{1, 2}); u != nil {
		t.Errorf("two weights on one feature: %v, want nil", u)
	}
	// P2's eight features, from a view of sharing jobs.
	f := P2Features{MaxArrivals: 10, MaxVolume: 10, MaxDue: 5, MaxDistance: 100}
	scaled, raw := make([]float64, 8), make([]float64, 8)
	for range 200 {
		v := &View{SharedCount: rng.IntN(50), SharedVolume: rng.IntN(500), SharedDue: 5 * rng.Float64(), SharedDistance: 100 * rng.Float64()}
		vol, due, dist := 1+rng.IntN(10), rng.IntN(6), 10+90*rng.Float64()
		f.FillJob(scaled, vol, due, dist, true, v)
		copy(raw, []float64{1, float64(v.SharedVolume), v.SharedDue, v.SharedDistance, float64(v.SharedCount), float64(vol), float64(due), dist})
		w := make([]float64, 8)
		for i := range w {
			w[i] = 200*rng.Float64() - 100
		}
		if got, want := dot(f.InUnits(w), raw), dot(w, scaled); math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
			t.Fatalf("P2's features: the line in units quotes %v, the scaled weights %v", got, want)
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
