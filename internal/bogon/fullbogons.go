package bogon

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"
)

// Limits that bound what a FullbogonsReader holds for hostile input.
const (
	// MaxLineLength is the longest fullbogons line accepted; a longer
	// one is skipped. A prefix is at most 43 bytes.
	MaxLineLength = 256
	// MaxErrors is how many parse errors Stats keeps.
	MaxErrors = 100
)

// ParseError is a line of a fullbogons file that could not be parsed.
type ParseError struct {
	Name string // the input's name
	Line int    // line number, from 1
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("bogon: %s: line %d: %v", e.Name, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Stats counts what a FullbogonsReader has read.
type Stats struct {
	Lines    int
	Comments int // comment and blank lines
	Prefixes int
	Skipped  int // bad lines skipped
	// Errors holds the errors of the first MaxErrors bad lines.
	Errors []error
}

// FullbogonsReader reads a Team Cymru fullbogons file
// (fullbogons-ipv4.txt, fullbogons-ipv6.txt): one prefix per line, with
// '#' comments, the first of which says when the list was made ("# last
// updated 1647435002 (Wed Mar 16 12:50:02 2022 GMT)").
type FullbogonsReader struct {
	// Strict makes the first bad line end the stream with its error.
	Strict bool

	name    string
	br      *bufio.Reader
	prefix  netip.Prefix
	updated time.Time
	stats   Stats
	err     error
}

// NewFullbogonsReader returns a reader of r; name names the input in
// errors and in the Source of its entries.
func NewFullbogonsReader(r io.Reader, name string) *FullbogonsReader {
	return &FullbogonsReader{name: name, br: bufio.NewReaderSize(r, 16<<10)}
}

// Next reads up to the next prefix and reports whether there is one.
func (r *FullbogonsReader) Next() bool {
	for r.err == nil {
		line, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			r.stats.Lines++
			if derr := r.discardLine(); derr != nil {
				r.err = fmt.Errorf("bogon: %s: line %d: %w", r.name, r.stats.Lines, derr)
				return false
			}
			r.bad(fmt.Errorf("line longer than %d bytes", MaxLineLength))
			continue
		}
		if err != nil && (err != io.EOF || len(line) == 0) {
			if err != io.EOF {
				r.err = fmt.Errorf("bogon: %s: after line %d: %w", r.name, r.stats.Lines, err)
			}
			return false
		}
		r.stats.Lines++
		if len(line) > MaxLineLength+2 {
			r.bad(fmt.Errorf("line longer than %d bytes", MaxLineLength))
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			r.stats.Comments++
			if r.stats.Prefixes == 0 && r.updated.IsZero() {
				r.updated = parseUpdated(line)
			}
			continue
		}
		p, err := netip.ParsePrefix(string(line))
		switch {
		case err != nil:
			r.bad(fmt.Errorf("not a prefix: %w", err))
		case p.Masked() != p:
			r.bad(fmt.Errorf("prefix %s has host bits set (want %s)", p, p.Masked()))
		default:
			r.prefix = p
			r.stats.Prefixes++
			return true
		}
	}
	return false
}

// Prefix returns the prefix that Next read.
func (r *FullbogonsReader) Prefix() netip.Prefix { return r.prefix }

// Line returns the line number of the prefix that Next read.
func (r *FullbogonsReader) Line() int { return r.stats.Lines }

// Updated returns the time of the "# last updated" comment, zero if the
// file has none before its first prefix.
func (r *FullbogonsReader) Updated() time.Time { return r.updated }

// Stats returns the counts so far.
func (r *FullbogonsReader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read error, or in strict
// mode the first bad line. It is nil at a clean end of input.
func (r *FullbogonsReader) Err() error { return r.err }

func (r *FullbogonsReader) bad(err error) {
	pe := &ParseError{Name: r.name, Line: r.stats.Lines, Err: err}
	r.stats.Skipped++
	if len(r.stats.Errors) < MaxErrors {
		r.stats.Errors = append(r.stats.Errors, pe)
	}
	if r.Strict {
		r.err = pe
	}
}

func (r *FullbogonsReader) discardLine() error {
	for {
		_, err := r.br.ReadSlice('\n')
		switch {
		case err == nil, err == io.EOF:
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return err
		}
	}
}

// parseUpdated reads "# last updated 1647435002 (...)".
func parseUpdated(line []byte) time.Time {
	rest, ok := bytes.CutPrefix(line, []byte("# last updated "))
	if !ok {
		return time.Time{}
	}
	if i := bytes.IndexByte(rest, ' '); i >= 0 {
		rest = rest[:i]
	}
	n, err := strconv.ParseInt(string(rest), 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
