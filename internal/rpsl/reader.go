package rpsl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Default limits. A RIPE dump's longest lines are remarks and certif
// lines well under a kilobyte; its largest objects are as-sets and
// key-certs of a few thousand lines.
const (
	// DefaultMaxLineLength is the longest line a reader stores.
	DefaultMaxLineLength = 64 << 10
	// DefaultMaxObjectBytes is the most text (names and values) a reader
	// stores for one object.
	DefaultMaxObjectBytes = 8 << 20
	// DefaultMaxObjectLines is the most lines a reader stores for one
	// object.
	DefaultMaxObjectLines = 250_000
	// MaxErrors is how many errors Stats keeps; later ones are counted.
	MaxErrors = 100
	// MaxHeaderLines is how many comment lines before the first object
	// a Reader keeps.
	MaxHeaderLines = 1000
)

// Clauses that errors cite.
const (
	clauseSyntax   = "RFC 2622 2"
	clauseNames    = "RFC 2622 5"
	clauseASSet    = "RFC 2622 5.1"
	clauseRouteSet = "RFC 2622 5.2"
	clauseContact  = "RFC 2622 3"
	clauseRoute    = "RFC 2622 4"
	clauseAutNum   = "RFC 2622 6"
	clauseRoute6   = "RFC 4012 3"
	clauseMp       = "RFC 4012 4.2"
	clauseAuth     = "RFC 2725 9"
	clauseNRTM     = "NRTM"
	clauseLimits   = "limits"
)

// Limits bound what a reader stores for hostile input. A zero field takes
// its default.
type Limits struct {
	// MaxLineLength is the longest line stored; a longer line is skipped
	// as bad.
	MaxLineLength int
	// MaxObjectBytes is the most names and values stored for one object;
	// a larger object is skipped to its end.
	MaxObjectBytes int
	// MaxObjectLines is the most attribute and continuation lines stored
	// for one object; a longer object is skipped to its end.
	MaxObjectLines int
}

func (l Limits) withDefaults() Limits {
	if l.MaxLineLength <= 0 {
		l.MaxLineLength = DefaultMaxLineLength
	}
	if l.MaxObjectBytes <= 0 {
		l.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if l.MaxObjectLines <= 0 {
		l.MaxObjectLines = DefaultMaxObjectLines
	}
	// bufio needs a little room, and spans are int32-safe below 1 GiB.
	l.MaxLineLength = max(l.MaxLineLength, 16)
	l.MaxObjectBytes = min(l.MaxObjectBytes, 1<<30)
	return l
}

// ParseError is input that could not be parsed: a line of a dump or an
// NRTM stream, or an attribute of an object that a typed view rejects.
type ParseError struct {
	Name   string // the input's name, e.g. the file name; may be ""
	Line   int    // line number, from 1; 0 when unknown
	Clause string // the specification and section, e.g. "RFC 2622 4"
	Err    error
}

func (e *ParseError) Error() string {
	var b []byte
	b = append(b, "rpsl: "...)
	if e.Name != "" {
		b = append(b, e.Name...)
		b = append(b, ": "...)
	}
	if e.Line > 0 {
		b = fmt.Appendf(b, "line %d: ", e.Line)
	}
	if e.Clause != "" {
		b = append(b, e.Clause...)
		b = append(b, ": "...)
	}
	b = append(b, e.Err.Error()...)
	return string(b)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Stats counts what a reader has read.
type Stats struct {
	Lines   int // lines read, all kinds
	Objects int // objects handed out
	// BadLines counts lines skipped inside objects that were handed out
	// (their objects' BadLines add up to it) and lines skipped between
	// objects.
	BadLines int
	// Dropped counts objects skipped whole: too large, or whose first
	// line is not an attribute.
	Dropped int
	// Errors holds the first MaxErrors errors.
	Errors []error
}

func (s *Stats) note(err error) {
	if len(s.Errors) < MaxErrors {
		s.Errors = append(s.Errors, err)
	}
}

// lineReader reads lines, enforcing the line length cap. Lines that do
// not fit its buffer are gathered in long, up to the cap, so that memory
// follows the longest line read rather than the cap.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	n    int // lines read
	max  int
}

// lineBuffer is the size of a lineReader's buffer.
const lineBuffer = 16 << 10

var errLineTooLong = errors.New("line too long")

// next returns the next line without its line ending. A line longer than
// the cap is consumed and reported as errLineTooLong, with its first byte
// as line. At the end of input it returns io.EOF.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		first := line[0]
		over := len(line) > l.max+2
		l.long = append(l.long[:0], line[:min(len(line), l.max+2)]...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = l.br.ReadSlice('\n')
			if !over && len(l.long)+len(line) <= l.max+2 {
				l.long = append(l.long, line...)
			} else {
				over = true
			}
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if over {
			l.n++
			if cap(l.long) > lineBuffer<<2 {
				l.long = nil
			}
			return []byte{first}, errLineTooLong
		}
		line, err = l.long, nil
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, err
	}
	l.n++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > l.max {
		return line[:1], errLineTooLong
	}
	return line, nil
}

func newLineReader(r io.Reader, lim Limits) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, min(lim.MaxLineLength+2, lineBuffer)), max: lim.MaxLineLength}
}

// span locates an attribute's parts in an assembler's buffers.
type span struct {
	name0, name1 int32
	val0, val1   int32
	raw0, raw1   int32 // in raw; raw1 == 0 when the value had no comment
	line         int
}

// assembler builds an object from its lines.
type assembler struct {
	lim   Limits
	text  []byte // names and values
	raw   []byte // raw values of attributes with comments
	attrs []span
	lines int // attribute and continuation lines stored
	first int // line of the first attribute
	bad   int // lines skipped
	// skipAttr drops continuation lines of an attribute line that was
	// skipped.
	skipAttr bool
	// dropped skips the rest of the object: it is too large or has no
	// class.
	dropped bool
	// started is set by any line of the object, stored or not.
	started bool
}

func (a *assembler) reset() {
	a.text = a.text[:0]
	a.raw = a.raw[:0]
	a.attrs = a.attrs[:0]
	a.lines, a.first, a.bad = 0, 0, 0
	a.skipAttr, a.dropped, a.started = false, false, false
	if cap(a.text) > 1<<20 {
		a.text = nil
	}
	if cap(a.raw) > 1<<20 {
		a.raw = nil
	}
	if cap(a.attrs) > 1<<14 {
		a.attrs = nil
	}
}

// lineError is a line the assembler skipped.
type lineError struct {
	clause string
	err    error
	// dropped tells that the whole object is skipped.
	dropped bool
}

func syntaxError(dropped bool, format string, args ...any) *lineError {
	return &lineError{clause: clauseSyntax, err: fmt.Errorf(format, args...), dropped: dropped}
}

// add stores line n of the object; it returns the error of a line it
// skipped.
func (a *assembler) add(line []byte, n int) *lineError {
	if a.dropped {
		return nil
	}
	a.started = true
	c := line[0]
	switch {
	case c == '%' || c == '#':
		// A comment line, inside an object as between objects (RIPE and
		// IRRd dumps).
		return nil
	case c == ' ' || c == '\t' || c == '+':
		if len(a.attrs) == 0 && !a.skipAttr {
			a.bad++
			a.skipAttr = true
			return syntaxError(false, "continuation line before any attribute")
		}
		if a.skipAttr {
			return nil
		}
		if err := a.grow(len(line)); err != nil {
			return err
		}
		a.text = append(a.text, '\n')
		a.appendValueLine(line[1:], true)
		return nil
	}
	i := 0
	for i < len(line) && isNameByte(line[i]) {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		a.bad++
		a.skipAttr = true
		if len(a.attrs) == 0 {
			a.dropped = true
			return syntaxError(true, "%q is neither an attribute (name followed by ':') nor a continuation line; object skipped", clip(line))
		}
		return syntaxError(false, "%q is neither an attribute (name followed by ':') nor a continuation line", clip(line))
	}
	if err := a.grow(len(line)); err != nil {
		return err
	}
	a.skipAttr = false
	a.endAttr()
	if len(a.attrs) == 0 {
		a.first = n
	}
	s := span{name0: int32(len(a.text)), line: n}
	a.text = append(a.text, line[:i]...)
	s.name1 = int32(len(a.text))
	s.val0 = s.name1
	a.attrs = append(a.attrs, s)
	a.appendValueLine(line[i+1:], false)
	return nil
}

// tooLong records a line over the length cap whose first byte is c.
func (a *assembler) tooLong(c byte) *lineError {
	if a.dropped || c == '%' || c == '#' {
		return nil
	}
	a.started = true
	a.bad++
	// The rest of the attribute is dropped with the line, so that its
	// value is cut short rather than missing a piece.
	a.skipAttr = true
	cont := c == ' ' || c == '\t' || c == '+'
	if len(a.attrs) == 0 && !cont {
		a.dropped = true
		return &lineError{clause: clauseLimits, err: fmt.Errorf("line longer than %d bytes; object skipped", a.lim.MaxLineLength), dropped: true}
	}
	return &lineError{clause: clauseLimits, err: fmt.Errorf("line longer than %d bytes", a.lim.MaxLineLength)}
}

// grow checks that a line of n bytes fits the object's limits.
func (a *assembler) grow(n int) *lineError {
	switch {
	case a.lines+1 > a.lim.MaxObjectLines:
		a.dropped = true
		return &lineError{clause: clauseLimits, err: fmt.Errorf("object starting at line %d has more than %d lines; skipped", a.first, a.lim.MaxObjectLines), dropped: true}
	case len(a.text)+len(a.raw)+2*n+1 > a.lim.MaxObjectBytes:
		a.dropped = true
		return &lineError{clause: clauseLimits, err: fmt.Errorf("object starting at line %d is larger than %d bytes; skipped", a.first, a.lim.MaxObjectBytes), dropped: true}
	}
	a.lines++
	return nil
}

// appendValueLine appends one line of the current attribute's value.
func (a *assembler) appendValueLine(v []byte, cont bool) {
	s := &a.attrs[len(a.attrs)-1]
	hash := bytes.IndexByte(v, '#')
	if hash >= 0 && s.raw1 == 0 {
		// The first comment of this value: the raw value so far is
		// the value so far, which had none. raw1 stays -1 until the
		// attribute ends.
		s.raw0 = int32(len(a.raw))
		s.raw1 = -1
		prev := a.text[s.val0:]
		if cont {
			prev = prev[:len(prev)-1] // the '\n' just appended
		}
		a.raw = append(a.raw, prev...)
	}
	if s.raw1 != 0 {
		if cont {
			a.raw = append(a.raw, '\n')
		}
		a.raw = append(a.raw, trim(v)...)
	}
	if hash >= 0 {
		v = v[:hash]
	}
	a.text = append(a.text, trim(v)...)
}

// endAttr closes the current attribute: the whole value is trimmed.
func (a *assembler) endAttr() {
	if len(a.attrs) == 0 {
		return
	}
	s := &a.attrs[len(a.attrs)-1]
	s.val1 = int32(len(a.text))
	s.val0, s.val1 = trimSpan(a.text, s.val0, s.val1)
	if s.raw1 != 0 {
		s.raw0, s.raw1 = trimSpan(a.raw, s.raw0, int32(len(a.raw)))
		if s.raw0 == s.raw1 {
			// Cannot happen: a comment leaves at least "#".
			s.raw0, s.raw1 = 0, 0
		}
	}
}

// finish returns the object built so far, or nil when it has no
// attributes or was dropped, and resets the assembler.
func (a *assembler) finish(input, source string) *Object {
	defer a.reset()
	if a.dropped || len(a.attrs) == 0 {
		return nil
	}
	a.endAttr()
	nText := len(a.text)
	all := string(append(a.text, a.raw...))
	o := &Object{Attrs: make([]Attr, len(a.attrs)), Input: input, Line: a.first, BadLines: a.bad}
	for i, s := range a.attrs {
		at := Attr{Name: all[s.name0:s.name1], Value: all[s.val0:s.val1], Line: s.line}
		if s.raw1 != 0 {
			at.raw = all[nText+int(s.raw0) : nText+int(s.raw1)]
		}
		o.Attrs[i] = at
	}
	o.Source = source
	if v, ok := o.Lookup("source"); ok && v != "" {
		o.Source = v
	}
	return o
}

// trim trims white space within a line.
func trim(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// trimSpan trims white space and newlines from b[i:j].
func trimSpan(b []byte, i, j int32) (int32, int32) {
	for i < j && (isSpace(b[i]) || b[i] == '\n') {
		i++
	}
	for j > i && (isSpace(b[j-1]) || b[j-1] == '\n') {
		j--
	}
	return i, j
}

// clip shortens a line for an error message.
func clip(b []byte) string { return clipN(b, 40) }

func clipN(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// isBlank reports whether a line ends an object: RFC 2622 section 2 says
// a blank line; like IRRd, only an empty line counts, since a line of
// white space is an (empty) continuation line.
func isBlank(line []byte) bool { return len(line) == 0 }

// allSpace reports whether line holds only white space.
func allSpace(line []byte) bool {
	for _, c := range line {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// Reader reads the objects of an RPSL dump or whois answer one at a time.
type Reader struct {
	// Strict makes the first bad line end the stream with its error.
	Strict bool
	// Source is the source of objects without a source attribute, e.g.
	// "RADB" for a dump of that registry.
	Source string
	// Limits bound what the reader stores; set them before the first
	// call to Next.
	Limits Limits

	name   string
	r      io.Reader
	lr     *lineReader
	asm    assembler
	obj    *Object
	stats  Stats
	header []string
	err    error
	done   bool
}

// NewReader returns a Reader of r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, r: r}
}

// Next reads up to the next object and reports whether there is one.
func (r *Reader) Next() bool {
	if r.lr == nil {
		r.Limits = r.Limits.withDefaults()
		r.lr = newLineReader(r.r, r.Limits)
		r.asm.lim = r.Limits
	}
	r.obj = nil
	for r.err == nil && !r.done {
		line, err := r.lr.next()
		r.stats.Lines = r.lr.n
		switch {
		case err == io.EOF:
			r.done = true
			if r.emit() {
				return true
			}
			continue
		case errors.Is(err, errLineTooLong):
			r.bad(r.asm.tooLong(line[0]))
			continue
		case err != nil:
			r.err = fmt.Errorf("rpsl: %s: line %d: %w", r.name, r.lr.n+1, err)
			return false
		}
		if isBlank(line) {
			if r.emit() {
				return true
			}
			continue
		}
		if !r.asm.started {
			if line[0] == '%' || line[0] == '#' {
				if r.stats.Objects == 0 && r.stats.Dropped == 0 && len(r.header) < MaxHeaderLines {
					r.header = append(r.header, string(line))
				}
				continue
			}
			if allSpace(line) {
				continue
			}
		}
		r.bad(r.asm.add(line, r.lr.n))
	}
	return false
}

// bad records the error of a skipped line or object.
func (r *Reader) bad(e *lineError) {
	if e == nil {
		return
	}
	if e.dropped {
		r.stats.Dropped++
	} else {
		r.stats.BadLines++
	}
	pe := &ParseError{Name: r.name, Line: r.lr.n, Clause: e.clause, Err: e.err}
	r.stats.note(pe)
	if r.Strict {
		r.err = pe
	}
}

// emit ends the current object and reports whether it is handed out.
func (r *Reader) emit() bool {
	if !r.asm.started {
		return false
	}
	o := r.asm.finish(r.name, r.Source)
	if o == nil {
		return false
	}
	r.obj = o
	r.stats.Objects++
	return true
}

// Object returns the object that Next read. It owns its memory: it stays
// valid after later calls to Next.
func (r *Reader) Object() *Object { return r.obj }

// Header returns the comment lines ("#" or "%") before the first object,
// as written: a RIPE dump's terms-and-conditions header, a whois server's
// banner.
func (r *Reader) Header() []string { return r.header }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read error, or in strict
// mode the first bad line. It is nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// ReadAll reads every object of r. It is meant for small inputs (an
// update, a query answer); a dump is read with a Reader.
func ReadAll(r io.Reader, name string) ([]*Object, Stats, error) {
	rd := NewReader(r, name)
	var out []*Object
	for rd.Next() {
		out = append(out, rd.Object())
	}
	return out, rd.Stats(), rd.Err()
}
