package lock_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/freightsim/freightsim/experiments/lock"
)

func TestSecondWriterIsRefusedAndNamesTheHolder(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock(2)")
	}
	dir := t.TempDir()
	first, err := lock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lock.Acquire(dir) // a second open file description, as a second process has
	if !errors.Is(err, lock.ErrHeld) {
		t.Fatalf("second Acquire of a locked directory: got %v, want ErrHeld", err)
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("the error does not name the holder's pid %d: %v", os.Getpid(), err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, lock.Name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Release left the lock file: %v", err)
	}
	second, err := lock.Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if err := second.Release(); err != nil {
		t.Fatal(err)
	}
	if err := second.Release(); err != nil {
		t.Errorf("a second Release: %v", err)
	}
}

func TestStaleLockFileIsTakenOver(t *testing.T) {
	dir := t.TempDir()
	// A file left by a process killed while it held the lock: no lock on it.
	if err := os.WriteFile(filepath.Join(dir, lock.Name), []byte("pid 1 on host gone since 2020-01-01T00:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := lock.Acquire(dir)
	if err != nil {
		t.Fatalf("a lock file that no process locks must be taken over: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, lock.Name))
	if !strings.HasPrefix(string(b), "pid "+strconv.Itoa(os.Getpid())+" ") {
		t.Errorf("lock file names %q, want this process", b)
	}
	l.Release()
}
