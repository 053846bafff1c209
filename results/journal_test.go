package results

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lines reads every complete line of the journal at path.
func lines(t *testing.T, path string) ([]string, int64) {
	t.Helper()
	var out []string
	torn, err := ReadJournalFile(path, func(l JournalLine) error {
		out = append(out, string(l.Data))
		return nil
	})
	if err != nil {
		t.Fatalf("ReadJournalFile(%s): %v", path, err)
	}
	return out, torn
}

func TestJournalAppendsAndReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.log")
	j, cut, err := OpenJournal(path)
	if err != nil || cut != 0 {
		t.Fatalf("OpenJournal of a new file: cut %d, %v", cut, err)
	}
	long := strings.Repeat("x", 200<<10) // longer than the reader's buffer
	if err := j.Append([]byte("a"), []byte(`{"b": 1}`)); err != nil {
		t.Fatal(err)
	}
	if err := j.Append([]byte(long), []byte("")); err != nil {
		t.Fatal(err)
	}
	if err := j.Append([]byte("bad\nline")); err == nil {
		t.Error("Append of a line holding a newline succeeded, want an error")
	}
	j.Close()
	got, torn := lines(t, path)
	want := []string{"a", `{"b": 1}`, long, ""}
	if !slices.Equal(got, want) || torn != 0 {
		t.Errorf("read back %d lines (torn %d), want the 4 appended and nothing torn", len(got), torn)
	}
}

// TestJournalTornTail: a crash in the middle of an Append leaves a last line
// without its newline. The reader skips it and says so; reopening cuts it
// off, so that the next line starts clean.
func TestJournalTornTail(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string
		torn          int64
	}{
		{"clean", "a\nb\n", []string{"a", "b"}, 0},
		{"torn last line", "a\nb\n{\"half", []string{"a", "b"}, 6},
		{"only a torn line", "{\"ha", nil, 4},
		{"empty", "", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.log")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, torn := lines(t, path)
			if !slices.Equal(got, c.want) || torn != c.torn {
				t.Errorf("read %q (torn %d bytes), want %q (torn %d)", got, torn, c.want, c.torn)
			}
			j, cut, err := OpenJournal(path)
			if err != nil {
				t.Fatal(err)
			}
			if cut != c.torn {
				t.Errorf("OpenJournal cut %d bytes, want the %d torn ones", cut, c.torn)
			}
			if err := j.Append([]byte("next")); err != nil {
				t.Fatal(err)
			}
			j.Close()
			got, torn = lines(t, path)
			if want := append(slices.Clone(c.want), "next"); !slices.Equal(got, want) || torn != 0 {
				t.Errorf("after reopening and appending: %q (torn %d), want %q", got, torn, want)
			}
		})
	}
}

func TestJournalLineOffsets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.log")
	os.WriteFile(path, []byte("ab\n\ncde\n"), 0o644)
	var offs []int64
	var nums []int
	ReadJournalFile(path, func(l JournalLine) error {
		offs, nums = append(offs, l.Offset), append(nums, l.Number)
		return nil
	})
	if !slices.Equal(offs, []int64{0, 3, 4}) || !slices.Equal(nums, []int{1, 2, 3}) {
		t.Errorf("offsets %v, numbers %v; want [0 3 4] and [1 2 3]", offs, nums)
	}
	stop := errors.New("stop")
	n := 0
	_, err := ReadJournalFile(path, func(JournalLine) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error from fn: got %v after %d lines, want it returned after the first", err, n)
	}
}
