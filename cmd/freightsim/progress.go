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
	what  string    // the bar's description
	notes io.Writer // measuring's note, unless quiet
	noted sync.Once
}

func newProgress(w io.Writer, total int, quiet bool, what string) *progress {
	p := &progress{total: total, start: time.Now(), what: what}
	if quiet {
		return p
	}
	p.notes = w
	if total <= 0 {
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

// measuring notes, once, that the replicates have begun to measure the
// distance to equilibrium: after the last training episode the bar or the
// lines would otherwise stand still for as long as the search takes. It is
// safe for concurrent use.
func (p *progress) measuring() {
	p.noted.Do(func() {
		switch {
		case p.bar != nil:
			p.bar.Describe(p.what + ", measuring the distance to equilibrium")
		case p.notes != nil:
			p.mu.Lock()
			defer p.mu.Unlock()
			fmt.Fprintf(p.notes, "freightsim: measuring the distance to equilibrium (each agent's best response; where capacity binds or carriers compete, a search over simulated episodes, which can take minutes), %s elapsed\n",
				time.Since(p.start).Round(100*time.Millisecond))
		}
	})
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
