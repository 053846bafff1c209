package results

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// WriteFile writes a file atomically: write to a temporary file in the same
// directory, sync it, then rename it over path. A reader never sees a
// half-written file, and an error leaves any earlier file at path intact.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	return writeFile(path, write, true)
}

// WriteDerived is [WriteFile] without waiting for the data to reach the
// disk: for files drawn again at will from the others (a figure, a
// report), which a crash may lose but never leaves half written in place;
// waiting for the disk at each of a run's fifty figure files would cost
// more than drawing them.
func WriteDerived(path string, write func(io.Writer) error) error {
	return writeFile(path, write, false)
}

var buffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

func writeFile(path string, write func(io.Writer) error, sync bool) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// Writers such as text/template and fmt write piece by piece: one
	// system call each without a buffer. The buffers are reused: a run
	// writes some sixty files, and a fresh 64 KiB each is memory to clear
	// and to collect.
	b := buffers.Get().(*bufio.Writer)
	b.Reset(f)
	if err = write(b); err == nil {
		err = b.Flush()
	}
	b.Reset(nil)
	buffers.Put(b)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes 0600; run files are for sharing
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	return WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// WriteCSVFile writes t as CSV, atomically.
func WriteCSVFile(path string, t *Table) error {
	return WriteFile(path, t.WriteCSV)
}
