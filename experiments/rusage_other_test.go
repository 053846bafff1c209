//go:build !linux

package experiments

import "math"

// cpuSeconds is NaN: the benchmarks read the CPU time on Linux only.
func cpuSeconds() float64 { return math.NaN() }

// peakMB is NaN: the benchmarks read the peak memory on Linux only.
func peakMB() float64 { return math.NaN() }
