package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports how far a run has come: a bar with rate and time left on
// a terminal, a plain line every tenth of the way otherwise, nothing when quiet.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	w     io.Writer // plain lines, when not a terminal
	term  io.Writer // the terminal the bar is drawn on
	total int
	done  int
	tenth int // tenths of the way reported so far
	start time.Time
}

func newProgress(w io.Writer, total int, quiet bool, what string) *progress {
	p := &progress{total: total, start: time.Now()}
	if quiet || total <= 0 {
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("episodes"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		p.term = w
		return p
	}
	p.w = w
	return p
}

// tick counts one unit of work; it is safe for concurrent use.
func (p *progress) tick() {
	if p.bar != nil {
		_ = p.bar.Add(1)
		return
	}
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	tenth := 10 * p.done / p.total
	if tenth <= p.tenth {
		return
	}
	p.tenth = tenth
	el := time.Since(p.start)
	left := time.Duration(float64(el) * float64(p.total-p.done) / float64(p.done))
	fmt.Fprintf(p.w, "freightsim: %3.0f%% (%d/%d training episodes), %s elapsed, about %s left\n",
		100*float64(p.done)/float64(p.total), p.done, p.total, el.Round(100*time.Millisecond), left.Round(time.Second))
}

// finish removes the bar.
func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		// Clear the whole line: the terminal echoed a Ctrl-C as ^C after
		// the bar, which clearing the bar alone leaves behind.
		fmt.Fprint(p.term, "\r\x1b[K")
	}
}
