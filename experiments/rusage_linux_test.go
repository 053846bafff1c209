//go:build linux

package experiments

import (
	"math"
	"syscall"
	"time"
)

// cpuSeconds is the CPU time (user and system, all threads) the process
// has used.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return math.NaN()
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()).Seconds()
}

// peakMB is the process's peak resident memory so far, in megabytes
// (Linux reports kilobytes).
func peakMB() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return math.NaN()
	}
	return float64(u.Maxrss) / 1024
}
