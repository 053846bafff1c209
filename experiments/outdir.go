package experiments

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/freightsim/freightsim/experiments/lock"
)

// ErrNotDir reports an output path that names something other than a directory.
var ErrNotDir = errors.New("is not a directory")

// NewDir creates a new, empty directory parent/name, or parent/name-2,
// parent/name-3, ... when that is taken: two processes started in the same
// second never share one. It returns its path.
func NewDir(parent, name string) (string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	for k := 1; k <= 10000; k++ {
		dir := filepath.Join(parent, name)
		if k > 1 {
			dir += fmt.Sprintf("-%d", k)
		}
		err := os.Mkdir(dir, 0o755) // atomic: exactly one process creates it
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: 10000 directories named %s-N exist already: choose --out", parent, name)
}

// LockDir creates dir if it is missing and locks it for this process (see
// package lock), then removes the temporary files that a writer killed
// before it renamed them left (see results.WriteFile). The errors wrap
// [ErrNotDir] for a path that is a file, and lock.ErrHeld for a directory
// another process writes.
func LockDir(dir string) (*lock.Lock, error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("%s %w: want the path of a directory (it is created if missing)", dir, ErrNotDir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("%s %w: %s is a file", dir, ErrNotDir, pe.Path)
		}
		return nil, err
	}
	l, err := lock.Acquire(dir)
	if err != nil {
		return nil, err
	}
	if err := removeTemp(dir, 3); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// removeTemp removes, in dir and its subdirectories down to depth, the
// files named .NAME.DIGITS that results.WriteFile writes before renaming
// them to NAME.
func removeTemp(dir string, depth int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if depth > 1 {
				if err := removeTemp(p, depth-1); err != nil {
					return err
				}
			}
			continue
		}
		if isTemp(e.Name()) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// isTemp reports whether name is a temporary file of results.WriteFile:
// "." + the file's name + "." + random digits.
func isTemp(name string) bool {
	if !strings.HasPrefix(name, ".") || name == lock.Name {
		return false
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 1 || i == len(name)-1 {
		return false
	}
	return strings.Trim(name[i+1:], "0123456789") == ""
}

// entriesBesidesLock are dir's entries other than its lock file.
func entriesBesidesLock(entries []fs.DirEntry) []fs.DirEntry {
	out := entries[:0:0]
	for _, e := range entries {
		if e.Name() != lock.Name {
			out = append(out, e)
		}
	}
	return out
}

// IsEmptyDir reports whether dir is missing or holds nothing besides its
// lock file.
func IsEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entriesBesidesLock(entries)) == 0, nil
}
