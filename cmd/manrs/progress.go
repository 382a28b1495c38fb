package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress prints a one-line status to a terminal while long work runs;
// it prints nothing when standard error is not a terminal.
type progress struct {
	w     io.Writer
	on    bool
	next  time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

// tick shows the status that msg returns, at most a few times a second.
func (p *progress) tick(msg func() string) {
	if !p.on {
		return
	}
	now := time.Now()
	if now.Before(p.next) {
		return
	}
	p.next = now.Add(250 * time.Millisecond)
	fmt.Fprintf(p.w, "\r\033[K%s", msg())
	p.shown = true
}

// done clears the status line; call it before writing anything else to
// the terminal.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
