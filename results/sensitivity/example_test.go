package sensitivity_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/freightsim/freightsim/results/sensitivity"
)

// Sobol indices of the Ishigami function, whose exact values are S1 =
// 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437: a design of 1024 base
// samples (5120 runs), run by index, then analysed.
func ExampleNewSobol() {
	d, err := sensitivity.NewSobol([]string{"x1", "x2", "x3"}, 1024, sensitivity.SobolOptions{}, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, d.Len())
	for i := range y {
		run := d.Run(i)
		x1, x2, x3 := math.Pi*(2*run.X[0]-1), math.Pi*(2*run.X[1]-1), math.Pi*(2*run.X[2]-1) // [0, 1] to [-π, π]
		y[i] = math.Sin(x1) + 7*math.Sin(x2)*math.Sin(x2) + 0.1*math.Pow(x3, 4)*math.Sin(x1)
	}
	ix, err := d.Analyze(y, sensitivity.Bootstrap{}, rand.New(rand.NewPCG(2, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Len(), "runs")
	for _, r := range ix.Rows {
		fmt.Printf("%s %-2s %.2f  [%.2f, %.2f]\n", ix.Factors[r.Factor], r.Kind, round(r.Value), round(r.Low), round(r.High))
	}
	// Output:
	// 5120 runs
	// x1 S1 0.31  [0.25, 0.37]
	// x1 ST 0.56  [0.47, 0.65]
	// x2 S1 0.44  [0.39, 0.50]
	// x2 ST 0.44  [0.40, 0.49]
	// x3 S1 0.00  [-0.06, 0.06]
	// x3 ST 0.25  [0.22, 0.28]
}

// round rounds to two decimals, without a minus sign on zero.
func round(x float64) float64 { return math.Round(x*100)/100 + 0 }

// Screening three factors of a toy freight model with Morris's method:
// the share a carrier wins falls with its price and rises with the
// market's demand, and the weather has no effect. Each factor's value in
// [0, 1] is mapped to its range; mu* is then the output's change when the
// factor crosses its range, here exactly 0.4 for the price (0.002 per unit
// over 200 units), 0.3 for demand and 0 for the weather.
func ExampleNewMorris() {
	factors := []string{"price", "demand", "weather"}
	lo, hi := []float64{100, 0.5, 0}, []float64{300, 2, 1}
	d, err := sensitivity.NewMorris(factors, 10, sensitivity.MorrisOptions{}, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, d.Len())
	for i := range y {
		x := d.Run(i).X
		price, demand := lo[0]+x[0]*(hi[0]-lo[0]), lo[1]+x[1]*(hi[1]-lo[1])
		y[i] = 0.9 - 0.002*price + 0.2*demand
	}
	ix, err := d.Analyze(y, sensitivity.Bootstrap{}, rand.New(rand.NewPCG(2, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for f, name := range factors {
		mu, _ := ix.Get(f, sensitivity.Mu)
		muStar, _ := ix.Get(f, sensitivity.MuStar)
		sigma, _ := ix.Get(f, sensitivity.Sigma)
		fmt.Printf("%-7s mu %.3f  mu* %.3f [%.3f, %.3f]  sigma %.3f  (%d effects)\n",
			name, mu.Value, muStar.Value, muStar.Low, muStar.High, sigma.Value, muStar.N)
	}
	// Output:
	// price   mu -0.400  mu* 0.400 [0.400, 0.400]  sigma 0.000  (10 effects)
	// demand  mu 0.300  mu* 0.300 [0.300, 0.300]  sigma 0.000  (10 effects)
	// weather mu 0.000  mu* 0.000 [0.000, 0.000]  sigma 0.000  (10 effects)
}

// The indices as a tidy CSV table: one row per factor and index, the
// interval's bounds empty where there is none.
func ExampleIndices_WriteCSV() {
	// Two levels, 0 and 1, so that every step is exactly 1 and the effects are exact.
	d, err := sensitivity.NewMorris([]string{"price", "weather"}, 4, sensitivity.MorrisOptions{Levels: 2}, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, d.Len())
	for i := range y {
		y[i] = 2 * d.Run(i).X[0] // price moves the output by 2 over its range
	}
	ix, err := d.Analyze(y, sensitivity.Bootstrap{}, rand.New(rand.NewPCG(2, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ix.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// factor,other,index,value,ci_low,ci_high,n
	// price,,mu,2.0,,,4
	// price,,mu_star,2.0,2.0,2.0,4
	// price,,sigma,0.0,,,4
	// weather,,mu,0.0,,,4
	// weather,,mu_star,0.0,0.0,0.0,4
	// weather,,sigma,0.0,,,4
}
