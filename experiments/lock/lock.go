package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Name is the lock file in a locked directory.
const Name = ".freightsim.lock"

// ErrHeld reports a directory that another process is writing.
var ErrHeld = errors.New("is being written by another process")

// Lock is an exclusive lock on a directory, held until Release.
type Lock struct {
	f    *os.File
	path string
}

// Acquire locks dir, which must exist, for this process, or fails at once
// with an error wrapping [ErrHeld] that names the holder.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, Name)
	for range 100 { // a lock file removed between open and lock: open it again
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		held, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		if held {
			holder, _ := os.ReadFile(path)
			f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "a process that is starting"
			}
			return nil, fmt.Errorf("%s %w (%s; lock file %s): wait for it to finish, or choose another --out",
				dir, ErrHeld, who, path)
		}
		if !samePath(f, path) {
			f.Close() // the holder released it and removed the file: lock the new one
			continue
		}
		host, _ := os.Hostname()
		info := fmt.Sprintf("pid %d on host %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(info), 0)
		}
		return &Lock{f: f, path: path}, nil
	}
	return nil, fmt.Errorf("locking %s: the lock file keeps changing", dir)
}

// Release removes the lock file and unlocks the directory. It may be
// called more than once, and on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(l.path) // before unlocking: a waiter that opened it sees it gone and retries
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	err = errors.Join(err, l.f.Close())
	l.f = nil
	return err
}

// samePath reports whether f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}
