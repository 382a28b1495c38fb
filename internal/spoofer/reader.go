package spoofer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Limits that bound what a Reader holds for hostile input.
const (
	// MaxLineLength is the longest line of JSON Lines or CSV a Reader
	// accepts; a longer one is skipped as bad. A session is about 350
	// bytes; a collection page of 1,000 sessions on one line about
	// 350 kilobytes.
	MaxLineLength = 1 << 20
	// MaxRecordSize is the largest JSON value a Reader buffers from a
	// pretty-printed or array input: one session, or one value of a
	// collection other than its members.
	MaxRecordSize = 1 << 20
	// MaxErrors is how many errors Stats keeps.
	MaxErrors = 100
	// maxKeys is how many fields of a top-level object a Reader holds
	// while it cannot tell a session from a collection page.
	maxKeys = 64
	// maxRead is the most a Reader asks of its input at a time.
	maxRead = 64 << 10
)

// Format is a layout of session data.
type Format uint8

// Formats. A Reader tells JSONLines, JSON and CSV apart; a Writer writes
// all four.
const (
	// FormatJSONLines: one JSON value per line: a session, or a whole
	// collection page (what the API returns, one page per line).
	FormatJSONLines Format = iota + 1
	// FormatJSONLD: a collection page of the API, on one line.
	FormatJSONLD
	// FormatJSON: a JSON value over several lines (a pretty-printed
	// collection), or a JSON array of sessions.
	FormatJSON
	// FormatCSV: a header line and one session per line.
	FormatCSV
)

var formatNames = [...]string{FormatJSONLines: "jsonl", FormatJSONLD: "jsonld", FormatJSON: "json", FormatCSV: "csv"}

// String returns "jsonl", "jsonld", "json" or "csv".
func (f Format) String() string {
	if int(f) < len(formatNames) && formatNames[f] != "" {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ParseFormat parses a format name as String writes it.
func ParseFormat(s string) (Format, bool) {
	for f := FormatJSONLines; f <= FormatCSV; f++ {
		if formatNames[f] == s {
			return f, true
		}
	}
	return 0, false
}

// ParseError is a session that could not be decoded.
type ParseError struct {
	Name   string // the input's name, e.g. the file name
	Line   int    // line of the session, from 1
	Record int    // number of the session in the input, from 1
	Offset int64  // byte offset of the session in the input
	Err    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("spoofer: %s: line %d: record %d at byte %d: %v", e.Name, e.Line, e.Record, e.Offset, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Stats counts what a Reader has read.
type Stats struct {
	Lines    int // lines read in JSON Lines and CSV; 0 in JSON
	Sessions int // sessions handed out
	Skipped  int // bad sessions and lines skipped
	// Errors holds the errors of the first MaxErrors skipped ones.
	Errors []error
}

// Reader reads Spoofer sessions one at a time. It tells the format from
// the input: CSV unless the input starts with '{' or '['; JSON Lines when
// the first line holds a whole JSON value; JSON otherwise.
type Reader struct {
	// Strict makes the first bad session end the stream with its error,
	// instead of skipping it.
	Strict bool

	name    string
	br      *bufio.Reader
	format  Format
	err     error
	sess    Session
	stats   Stats
	records int   // sessions seen, good or bad
	off     int64 // bytes consumed by the line readers

	// JSON Lines and CSV.
	line    int
	lineOff int64
	lineBuf []byte

	// JSON, and collection pages or arrays within a JSON line.
	walk *walker

	// CSV.
	cols    []int // the field of each column, or -1
	fields  [][]byte
	scratch []byte
}

// NewReader returns a Reader of r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Next reads up to the next session and reports whether there is one.
// After it returns false, Err tells whether the stream ended cleanly.
func (r *Reader) Next() bool {
	if r.format == 0 && r.err == nil {
		r.detect()
	}
	for r.err == nil {
		if r.walk != nil {
			if ok, _ := r.walk.next(r); ok {
				return true
			}
			// The walk has ended: the input of a JSON reader, or one
			// line of a JSON Lines reader.
			r.walk = nil
			if r.format == FormatJSON {
				return false
			}
			continue
		}
		switch r.format {
		case FormatJSONLines:
			if ok, more := r.nextJSONLine(); ok {
				return true
			} else if !more {
				return false
			}
		case FormatCSV:
			if ok, more := r.nextCSV(); ok {
				return true
			} else if !more {
				return false
			}
		default:
			return false
		}
	}
	return false
}

// Session returns the session Next read. It is valid until the next call
// to Next; copy it to keep it.
func (r *Reader) Session() *Session { return &r.sess }

// Format returns the format the Reader found, 0 before the first Next.
func (r *Reader) Format() Format { return r.format }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read error, a syntax
// error of a JSON input, or in strict mode the first bad session. It is
// nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// detect tells the format from the first bytes of the input.
func (r *Reader) detect() {
	if b, _ := r.br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		r.br.Discard(3)
		r.off = 3
	}
	skipped := 0
	for {
		if skipped+1 >= r.br.Size() {
			// White space only, as far as can be seen: read it as
			// lines.
			r.format = FormatJSONLines
			return
		}
		b, err := r.br.Peek(skipped + 1)
		if len(b) <= skipped {
			if err != nil && err != io.EOF {
				r.err = fmt.Errorf("spoofer: %s: %w", r.name, err)
			}
			r.format = FormatJSONLines // empty input
			return
		}
		c := b[skipped]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			skipped++
			continue
		}
		if c != '{' && c != '[' {
			r.format = FormatCSV
			return
		}
		break
	}
	// JSON Lines if the first line (after blank lines) holds a whole
	// value and ends within the buffer. A longer first line is read as
	// JSON, which takes a sequence of values just as well.
	peek, _ := r.br.Peek(r.br.Size())
	if i := bytes.IndexByte(peek[skipped:], '\n'); i >= 0 || len(peek) < r.br.Size() {
		first := peek[skipped:]
		if i >= 0 {
			first = first[:i]
		}
		if json.Valid(first) {
			r.format = FormatJSONLines
			return
		}
	}
	r.format = FormatJSON
	lc := &lineCounter{}
	cr := &capReader{r: r.br, lines: lc}
	dec := json.NewDecoder(cr)
	cr.dec = dec
	r.walk = &walker{dec: dec, base: r.off, lineOf: lc.lineAt, lc: lc}
}

// readLine returns the next line without its line ending, and counts it;
// it skips (and counts as bad) lines longer than MaxLineLength.
func (r *Reader) readLine() ([]byte, bool) {
	for {
		r.lineBuf = r.lineBuf[:0]
		r.lineOff = r.off
		long := false
		for {
			frag, err := r.br.ReadSlice('\n')
			r.off += int64(len(frag))
			if !long && len(r.lineBuf)+len(frag) <= MaxLineLength+2 {
				r.lineBuf = append(r.lineBuf, frag...)
			} else {
				long = true
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && err != io.EOF {
				r.err = fmt.Errorf("spoofer: %s: line %d: %w", r.name, r.line+1, err)
				return nil, false
			}
			if len(frag) == 0 && len(r.lineBuf) == 0 && !long {
				return nil, false // end of input
			}
			break
		}
		r.line++
		r.stats.Lines++
		line := bytes.TrimRight(r.lineBuf, "\r\n")
		if long || len(line) > MaxLineLength {
			r.records++
			if r.bad(&ParseError{Name: r.name, Line: r.line, Record: r.records, Offset: r.lineOff,
				Err: fmt.Errorf("line longer than %d bytes", MaxLineLength)}) {
				return nil, false
			}
			continue
		}
		return line, true
	}
}

// nextJSONLine reads lines until one holds a session. It reports whether
// it found one, and whether to go on.
func (r *Reader) nextJSONLine() (ok, more bool) {
	line, ok := r.readLine()
	if !ok {
		return false, false
	}
	trimmed := bytes.TrimLeft(line, " \t")
	lead := int64(len(line) - len(trimmed))
	line = bytes.TrimRight(trimmed, " \t")
	if len(line) == 0 {
		return false, true
	}
	if line[0] == '{' {
		// The common case: a session on its own line.
		var w wireSession
		err := json.Unmarshal(line, &w)
		if err == nil && !w.isCollection() {
			r.records++
			return r.accept(&w, r.line, r.lineOff+lead), r.err == nil
		}
		if err != nil {
			var se *json.SyntaxError
			r.records++
			if errors.As(err, &se) {
				err = fmt.Errorf("JSON syntax: %w", err)
			} else {
				err = describe(err)
			}
			r.bad(&ParseError{Name: r.name, Line: r.line, Record: r.records, Offset: r.lineOff + lead, Err: err})
			return false, r.err == nil
		}
	}
	// A collection page or an array: walk it.
	line = bytes.Clone(line)
	dec := json.NewDecoder(bytes.NewReader(line))
	line0, off0 := r.line, r.lineOff+lead
	r.walk = &walker{dec: dec, base: off0, lineOf: func(int64) int { return line0 }, oneLine: true}
	return false, true
}

// accept converts a decoded session, or records why it is bad. It reports
// whether r.sess holds a session.
func (r *Reader) accept(w *wireSession, line int, off int64) bool {
	s, err := w.toSession()
	if err != nil {
		r.bad(&ParseError{Name: r.name, Line: line, Record: r.records, Offset: off, Err: err})
		return false
	}
	r.sess = s
	r.stats.Sessions++
	return true
}

// bad records a bad session, which is skipped, and reports whether the
// stream must stop.
func (r *Reader) bad(err error) bool {
	r.stats.Skipped++
	if len(r.stats.Errors) < MaxErrors {
		r.stats.Errors = append(r.stats.Errors, err)
	}
	if r.Strict {
		r.err = err
		return true
	}
	return false
}

// walker walks a JSON value: a session, a collection page whose members
// are sessions, or an array of sessions; then any further values.
type walker struct {
	dec     *json.Decoder
	base    int64 // input offset of the decoder's first byte
	lineOf  func(off int64) int
	lc      *lineCounter // nil in one-line mode
	oneLine bool         // walking one line of JSON Lines

	level     int  // 0 between values, 1 in a top-level object
	inList    bool // in a member list or top-level array
	sawMember bool
	objStart  int64
	keys      []string // the fields of a top-level object, kept while
	vals      [][]byte // it may be a session
	held      int      // bytes in vals
}

// next advances to the next session. It reports ok when r.sess holds one,
// and done when the walk has ended (cleanly or with r.err set).
func (w *walker) next(r *Reader) (ok, done bool) {
	for r.err == nil {
		if w.inList {
			if !w.dec.More() {
				if !w.token(r, json.Delim(']')) {
					return false, true
				}
				w.inList = false
				continue
			}
			start, first := w.valueStart()
			r.records++
			if first != '{' && first != 0 {
				if !w.skip(r) {
					return false, true
				}
				r.bad(w.errAt(r, start, fmt.Errorf("%s: a session must be an object", clauseAPI)))
				continue
			}
			var ws wireSession
			if err := w.dec.Decode(&ws); err != nil {
				var te *json.UnmarshalTypeError
				if !errors.As(err, &te) {
					w.fatal(r, err)
					return false, true
				}
				r.bad(w.errAt(r, start, describe(err)))
				continue
			}
			if size := w.dec.InputOffset() - start; size > MaxRecordSize {
				r.bad(w.errAt(r, start, fmt.Errorf("a session of %d bytes is larger than %d", size, MaxRecordSize)))
				continue
			}
			if ws.isCollection() {
				r.bad(w.errAt(r, start, fmt.Errorf("%s: a collection inside a collection", clauseAPI)))
				continue
			}
			if r.accept(&ws, w.lineOf(start), w.base+start) {
				return true, false
			}
			continue
		}
		if w.level == 1 {
			if ok, done := w.member(r); ok || done {
				return ok, done
			}
			continue
		}
		tok, err := w.dec.Token()
		if err == io.EOF {
			return false, true
		}
		if err != nil {
			w.fatal(r, err)
			return false, true
		}
		switch tok {
		case json.Delim('{'):
			w.level, w.sawMember = 1, false
			w.objStart = w.dec.InputOffset() - 1
			w.keys, w.vals, w.held = w.keys[:0], w.vals[:0], 0
		case json.Delim('['):
			w.inList = true
		default:
			w.fatal(r, fmt.Errorf("%s: %v is not a session, a collection or a list", clauseAPI, tok))
			return false, true
		}
	}
	return false, true
}

// member handles the next field of a top-level object. A member list is
// walked; the other fields are kept until the object turns out to be a
// session rather than a collection page.
func (w *walker) member(r *Reader) (ok, done bool) {
	if !w.dec.More() {
		if !w.token(r, json.Delim('}')) {
			return false, true
		}
		w.level = 0
		if w.sawMember {
			return false, false
		}
		r.records++
		if w.held > MaxRecordSize {
			r.bad(w.errAt(r, w.objStart, fmt.Errorf("an object of more than %d bytes is not a session", MaxRecordSize)))
			return false, false
		}
		var b []byte
		b = append(b, '{')
		for i, k := range w.keys {
			if i > 0 {
				b = append(b, ',')
			}
			kb, _ := json.Marshal(k)
			b = append(b, kb...)
			b = append(b, ':')
			b = append(b, w.vals[i]...)
		}
		b = append(b, '}')
		var ws wireSession
		if err := json.Unmarshal(b, &ws); err != nil {
			r.bad(w.errAt(r, w.objStart, describe(err)))
			return false, false
		}
		return r.accept(&ws, w.lineOf(w.objStart), w.base+w.objStart), false
	}
	tok, err := w.dec.Token()
	if err != nil {
		w.fatal(r, err)
		return false, true
	}
	key, _ := tok.(string)
	switch {
	case key == "hydra:member" || key == "member":
		w.sawMember = true
		start, _ := w.valueStart()
		tok, err := w.dec.Token()
		if err != nil {
			w.fatal(r, err)
			return false, true
		}
		if tok != json.Delim('[') {
			w.skipRest(r, tok)
			r.records++
			r.bad(w.errAt(r, start, fmt.Errorf("%s: %s is not a list", clauseAPI, key)))
			return false, r.err != nil
		}
		w.inList = true
	case w.sawMember:
		if !w.skip(r) {
			return false, true
		}
	default:
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			w.fatal(r, err)
			return false, true
		}
		w.held += len(raw)
		if len(w.keys) >= maxKeys || w.held > MaxRecordSize {
			// Not a session: too many fields, or too large. Keep no
			// more of it.
			return false, false
		}
		w.keys = append(w.keys, key)
		w.vals = append(w.vals, raw)
	}
	return false, false
}

// valueStart returns the offset (in the decoder's input) of the next
// value, past the comma or colon and white space that Decoder.More and
// Token leave, and its first byte (0 when it is not buffered yet).
func (w *walker) valueStart() (int64, byte) {
	off := w.dec.InputOffset()
	var peek [64]byte
	n, _ := io.ReadFull(w.dec.Buffered(), peek[:])
	i := 0
	for i < n && (peek[i] == ',' || peek[i] == ':' || peek[i] == ' ' || peek[i] == '\n' || peek[i] == '\r' || peek[i] == '\t') {
		i++
	}
	if i == n {
		return off + int64(i), 0
	}
	return off + int64(i), peek[i]
}

func (w *walker) errAt(r *Reader, off int64, err error) error {
	return &ParseError{Name: r.name, Line: w.lineOf(off), Record: r.records, Offset: w.base + off, Err: err}
}

func (w *walker) skip(r *Reader) bool {
	var raw ignore
	if err := w.dec.Decode(&raw); err != nil {
		w.fatal(r, err)
		return false
	}
	return true
}

// skipRest drops the rest of a value whose first token was tok.
func (w *walker) skipRest(r *Reader, tok json.Token) {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return
	}
	for w.dec.More() {
		if d == '{' {
			if _, err := w.dec.Token(); err != nil {
				w.fatal(r, err)
				return
			}
		}
		if !w.skip(r) {
			return
		}
	}
	if d == '{' {
		w.token(r, json.Delim('}'))
	} else {
		w.token(r, json.Delim(']'))
	}
}

func (w *walker) token(r *Reader, want json.Delim) bool {
	tok, err := w.dec.Token()
	if err != nil {
		w.fatal(r, err)
		return false
	}
	if tok != want {
		w.fatal(r, fmt.Errorf("want %q, got %v", want, tok))
		return false
	}
	return true
}

// fatal handles a read or syntax error. It ends a JSON input; in JSON
// Lines it skips the line.
func (w *walker) fatal(r *Reader, err error) {
	off := w.dec.InputOffset()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Token reports an offset behind the fault; Decode one past it.
		off = max(off, se.Offset)
		err = fmt.Errorf("JSON syntax: %w", err)
	case errors.Is(err, errTooLarge):
		err = fmt.Errorf("a value is larger than %d bytes: %w", MaxRecordSize, err)
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		err = fmt.Errorf("truncated input: %w", io.ErrUnexpectedEOF)
	}
	if w.oneLine {
		r.records++
		r.bad(w.errAt(r, off, err))
		return
	}
	if r.err == nil {
		r.err = fmt.Errorf("spoofer: %s: line %d: at byte %d: %w", r.name, w.lineOf(off), w.base+off, err)
	}
}

// ignore drops a JSON value.
type ignore struct{}

func (*ignore) UnmarshalJSON([]byte) error { return nil }

// errTooLarge is the read error of a value past MaxRecordSize.
var errTooLarge = errors.New("value too large")

// capReader passes its input to a json.Decoder, fails when the decoder
// holds more than MaxRecordSize bytes it has not consumed, and notes where
// the lines start.
type capReader struct {
	r     io.Reader
	dec   *json.Decoder
	lines *lineCounter
	read  int64 // bytes read, from the decoder's first byte
}

func (c *capReader) Read(p []byte) (int, error) {
	consumed := c.dec.InputOffset()
	if c.read-consumed > MaxRecordSize {
		return 0, errTooLarge
	}
	if len(p) > maxRead {
		p = p[:maxRead]
	}
	c.lines.forget(consumed)
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.lines.nl = append(c.lines.nl, c.read+int64(i))
		}
	}
	c.read += int64(n)
	return n, err
}

// lineCounter maps offsets to line numbers. It keeps the offsets of the
// newlines the decoder has not consumed yet, which bounds it by
// MaxRecordSize plus a read.
type lineCounter struct {
	before int     // newlines before the first offset of nl
	nl     []int64 // offsets of newlines not forgotten yet
}

// forget counts the newlines before off; offsets asked about later are
// not below off.
func (l *lineCounter) forget(off int64) {
	i := 0
	for i < len(l.nl) && l.nl[i] < off {
		i++
	}
	if i > 0 {
		l.before += i
		l.nl = append(l.nl[:0], l.nl[i:]...)
	}
}

// lineAt returns the line, from 1, of offset off.
func (l *lineCounter) lineAt(off int64) int {
	n := l.before
	for _, o := range l.nl {
		if o >= off {
			break
		}
		n++
	}
	return n + 1
}
