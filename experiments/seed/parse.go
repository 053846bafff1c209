package seed

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads a seed as freightsim writes it anywhere: a uint64 (config
// files, manifest.json) or the signed int64 with the same 64 bits (the seed
// columns of the tables, which every reader types as a signed 64-bit
// integer). So -1 is 18446744073709551615, and a seed read from any table
// or file gives the same run.
func Parse(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u, nil
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return uint64(i), nil
	}
	return 0, fmt.Errorf("%q is not a seed: want a whole number in [-2^63, 2^64)", s)
}

// Signed is the seed as the tables write it: the int64 with the same bits.
func Signed(s uint64) int64 { return int64(s) }
