package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptAndResume is the check 4, on the command run as a
// process of its own (the test binary running main, see TestMain): a run
// stopped by SIGINT (or SIGTERM) keeps its finished replicates, marks its
// manifest incomplete, says how to resume and exits 130; the same command
// with --resume finishes it, and its files are byte-identical to those of
// an uninterrupted run.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary: skipped with -short")
	}
	base := t.TempDir()
	bin := cliBinary(t, base)
	// Ten replicates one after the other, about 0.03 s of CPU each: the
	// signal comes after the second has finished, and the eight still to
	// run leave the test far more time to send it (it looks every 2 ms)
	// than a loaded machine delays it. Longer replicates would check
	// nothing more and cost the whole suite: each is run about three times.
	run := []string{"run", "smart-containers-2020", "--episodes", "500", "--replicates", "10", "--workers", "1", "--no-plots"}
	fresh := filepath.Join(base, "fresh")
	if code, _, stderr := freightsim(t, append(slices.Clone(run), "--out", fresh, "--quiet")...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, stderr)
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(base, strconv.Itoa(int(sig)))
			cmd := exec.Command(bin, append(slices.Clone(run), "--out", out)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if sig == syscall.SIGINT {
				// One pipe for both, as on a terminal: what is printed
				// keeps its order.
				cmd.Stderr = &stdout
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for kept(out) < 2 {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no two replicates kept in %s after 60 s\n%s", out, stderr.String())
				}
				time.Sleep(2 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
				t.Fatalf("after %v: %v, want exit code 130 (the run finished before the signal? make it longer)\n%s", sig, err, stderr.String())
			}
			m := manifestOf(t, out)
			finished := kept(out)
			if m.Complete || m.Status != "interrupted" || len(m.Completed) != finished || finished >= 10 {
				t.Errorf("manifest: complete %v, status %s, completed %v; want incomplete, interrupted, the %d replicates kept in replicates/",
					m.Complete, m.Status, m.Completed, finished)
			}
			errOut := stderr.String()
			if sig == syscall.SIGINT {
				errOut = stdout.String()
			}
			if !strings.Contains(errOut, "interrupted: ") || !strings.Contains(errOut, "--out "+out+" --resume") {
				t.Errorf("stderr does not say how to resume:\n%s", errOut)
			}
			if !strings.Contains(stdout.String(), "of 10 replicate(s)") {
				t.Errorf("stdout does not summarise the finished replicates:\n%s", stdout.String())
			}
			// Where both go to one screen: interrupted, then what was
			// written, in that order.
			if i, w := strings.Index(stdout.String(), "interrupted: "), strings.Index(stdout.String(), "\nwrote "); sig == syscall.SIGINT && (i < 0 || w < 0 || i > w) {
				t.Errorf("\"interrupted\" (at %d) should come before \"wrote\" (at %d):\n%s", i, w, stdout.String())
			}

			resumed, err := exec.Command(bin, append(slices.Clone(run), "--out", out, "--resume", "--quiet")...).CombinedOutput()
			if err != nil {
				t.Fatalf("--resume: %v\n%s", err, resumed)
			}
			for _, f := range []string{"summary.json", "evaluations.csv", "episodes.csv"} {
				if !bytes.Equal(read(t, filepath.Join(out, f)), read(t, filepath.Join(fresh, f))) {
					t.Errorf("%s after the interruption and --resume differs from the uninterrupted run's", f)
				}
			}
			if m := manifestOf(t, out); !m.Complete || len(m.Loaded) != finished {
				t.Errorf("manifest after --resume: complete %v, loaded %v; want complete, the %d kept replicates loaded", m.Complete, m.Loaded, finished)
			}
		})
	}
}

// TestProgressBarOnATerminal runs the binary under script(1), which gives it
// a terminal: the bar shows the rate and the time left, [elapsed:left].
func TestProgressBarOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary: skipped with -short")
	}
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("no script(1) to give the binary a terminal")
	}
	base := t.TempDir()
	bin := cliBinary(t, base)
	line := bin + " run --episodes 3000 --replicates 2 --workers 1 --no-plots --out " + filepath.Join(base, "run")
	out, err := exec.Command("script", "-qec", line, "/dev/null").CombinedOutput()
	if err != nil {
		t.Fatalf("%s under script: %v\n%s", line, err, out)
	}
	bar := regexp.MustCompile(`smart-containers-2020 +\d+% \|.*\| \(\d+/6002, \d+ episodes/s\) \[\d+s:\d+s\]`)
	if !bar.Match(out) {
		t.Errorf("no progress bar with a rate and the time left on the terminal:\n%q", out)
	}
	if bytes.Contains(out, []byte("training episodes), ")) {
		t.Errorf("the plain progress lines were printed on a terminal:\n%q", out)
	}
}

// TestMain runs main() instead of the tests when the test binary is started
// under the name freightsim, through the link that cliBinary makes: the
// tests that need the binary run this one, the same main package, rather
// than linking a copy of it with go build in each test.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "freightsim" {
		main()
	}
	code := m.Run()
	if slowSweepRun.dir != "" {
		os.RemoveAll(slowSweepRun.dir)
	}
	os.Exit(code)
}

// cliBinary returns dir/freightsim, a symbolic link to the test binary,
// which runs as the command under that name (see TestMain).
func cliBinary(t *testing.T, dir string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "freightsim")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// kept counts the replicates kept in dir/replicates.
func kept(dir string) int {
	matches, _ := filepath.Glob(filepath.Join(dir, "replicates", "*", "replicate.json"))
	if _, err := os.Stat(filepath.Join(dir, "replicates")); err != nil {
		return 0
	}
	return len(matches)
}
