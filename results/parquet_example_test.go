package results_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/freightsim/freightsim/results"
)

// A table written as Parquet reads back with its column order, its integer
// keys, and NaN as a missing value (null in the file).
func ExampleTable_WriteParquet() {
	t := &results.Table{Keys: []string{"replicate", "episode"}, Values: []string{"ship_share", "sigma"}}
	t.Append([]int64{0, 4000}, []float64{0.979, math.NaN()})
	var b bytes.Buffer
	if err := t.WriteParquet(&b); err != nil {
		panic(err)
	}
	back, err := results.ReadParquet(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Keys, back.Values, back.Rows[0].Keys, back.Rows[0].Values)
	// Output: [replicate episode] [ship_share sigma] [0 4000] [0.979 NaN]
}
