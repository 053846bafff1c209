package results

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// A journal is an append-only file of lines, each one record, that a long
// computation writes as it goes so that a crash loses nothing it finished:
// every Append reaches the disk (fsync) before it returns. A crash in the
// middle of an Append (kill -9, a node that dies) can leave the last line
// without its newline: a torn line. ReadJournal reports it and skips it,
// and OpenJournal cuts it off before appending, so the record it held is
// simply redone. Lines never hold a newline; what they hold (JSON, CSV) is
// the caller's business.

// Journal is an open journal file, appended to by one goroutine at a time.
type Journal struct {
	f    *os.File
	path string
	buf  bytes.Buffer
}

// OpenJournal opens the journal at path for appending, creating it (and
// syncing its directory, so that the new file survives a crash) when it does
// not exist. A torn last line is cut off. It returns the journal and the
// bytes it cut (0 for a clean file).
func OpenJournal(path string) (*Journal, int64, error) {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	end, err := completeEnd(f)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if end < size {
		if err := f.Truncate(end); err != nil {
			f.Close()
			return nil, 0, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, 0, err
		}
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, 0, err
		}
	}
	return &Journal{f: f, path: path}, size - end, nil
}

// completeEnd returns the offset just past the last newline of f: the end
// of its last complete line, 0 when there is none.
func completeEnd(f *os.File) (int64, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(0, end-chunk)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Append writes lines, each followed by a newline, in one write, and syncs
// the file: when Append returns nil, every line is on disk. Writing several
// lines at once shares one sync among them. A line holding a newline is an
// error and nothing is written.
func (j *Journal) Append(lines ...[]byte) error {
	j.buf.Reset()
	for _, l := range lines {
		if bytes.IndexByte(l, '\n') >= 0 {
			return fmt.Errorf("%s: a journal line may not hold a newline: %.60q", j.path, l)
		}
		j.buf.Write(l)
		j.buf.WriteByte('\n')
	}
	if _, err := j.f.Write(j.buf.Bytes()); err != nil {
		return fmt.Errorf("appending to %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", j.path, err)
	}
	return nil
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.f.Close() }

// JournalLine is one complete line of a journal: its bytes, without the
// newline, and where it starts in the file.
type JournalLine struct {
	Number int   // 1 for the first line
	Offset int64 // of its first byte
	Data   []byte
}

// ReadJournal calls fn with every complete line of the journal r, in order;
// fn must not keep line.Data, which the next line reuses. A last line
// without its newline is torn: it is not passed to fn, and ReadJournal
// returns its length. An error from fn stops the reading and is returned.
func ReadJournal(r io.Reader, fn func(line JournalLine) error) (torn int64, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var off int64
	var long []byte
	for n := 1; ; n++ {
		data, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it.
			long = append(long[:0], data...)
			for errors.Is(err, bufio.ErrBufferFull) {
				data, err = br.ReadSlice('\n')
				long = append(long, data...)
			}
			data = long
		}
		switch {
		case errors.Is(err, io.EOF):
			return int64(len(data)), nil
		case err != nil:
			return 0, err
		}
		if err := fn(JournalLine{Number: n, Offset: off, Data: data[:len(data)-1]}); err != nil {
			return 0, err
		}
		off += int64(len(data))
	}
}

// ReadJournalFile is [ReadJournal] on the file at path.
func ReadJournalFile(path string, fn func(line JournalLine) error) (torn int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return ReadJournal(f, fn)
}
