package lock_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/freightsim/freightsim/experiments/lock"
)

// A writer locks its output directory for as long as it writes; a second
// writer is refused at once.
func ExampleAcquire() {
	dir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(dir)
	first, err := lock.Acquire(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = lock.Acquire(dir)
	fmt.Println("second writer refused:", errors.Is(err, lock.ErrHeld))
	first.Release()
	again, err := lock.Acquire(dir)
	fmt.Println("after release:", err == nil)
	again.Release()
	// Output:
	// second writer refused: true
	// after release: true
}
