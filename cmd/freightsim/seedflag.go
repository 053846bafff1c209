package main

import (
	"strconv"

	"github.com/freightsim/freightsim/experiments/seed"
)

// seedFlag is a --seed flag: a uint64, or the signed int64 of the same bits
// that the tables' seed columns hold (seed.Parse).
type seedFlag struct{ v *uint64 }

func (f seedFlag) String() string {
	if f.v == nil {
		return "0"
	}
	return strconv.FormatUint(*f.v, 10)
}

func (f seedFlag) Set(s string) error {
	v, err := seed.Parse(s)
	if err != nil {
		return err
	}
	*f.v = v
	return nil
}

func (f seedFlag) Type() string { return "seed" }
