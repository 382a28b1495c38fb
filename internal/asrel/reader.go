package asrel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/manrs/manrs/internal/bgp"
)

// Limits that bound what a reader holds for hostile input.
const (
	// MaxLineLength is the longest relationship or header line kept; a
	// longer one is skipped as bad. Header lines listing IXP ASes are
	// the longest, a few kilobytes.
	MaxLineLength = 64 << 10
	// MaxErrors is how many parse errors Stats keeps.
	MaxErrors = 100
	// MaxHeaderLines is how many comment lines Header keeps.
	MaxHeaderLines = 10_000
	// maxSources is how many distinct serial-2 sources are told apart;
	// later ones share the name OtherSource.
	maxSources = 254
)

// OtherSource names the serial-2 sources past the first 254 distinct
// ones in a file.
const OtherSource = "(other)"

// Relation is how AS a relates to AS b.
type Relation int8

// Relations.
const (
	None       Relation = iota // no link between a and b
	ProviderOf                 // a is a provider of b (file: a|b|-1)
	CustomerOf                 // a is a customer of b (file: b|a|-1)
	PeerOf                     // a and b are peers (file: a|b|0)
)

var relationNames = [...]string{None: "none", ProviderOf: "provider-of", CustomerOf: "customer-of", PeerOf: "peer"}

// String returns "none", "provider-of", "customer-of" or "peer".
func (r Relation) String() string {
	if r >= 0 && int(r) < len(relationNames) {
		return relationNames[r]
	}
	return "Relation(" + strconv.Itoa(int(r)) + ")"
}

// Invert returns the relation of b to a.
func (r Relation) Invert() Relation {
	switch r {
	case ProviderOf:
		return CustomerOf
	case CustomerOf:
		return ProviderOf
	}
	return r
}

// Link is one line of an as-rel file.
type Link struct {
	A, B bgp.ASN
	// Rel is ProviderOf (A is B's provider) or PeerOf.
	Rel Relation
	// Source is the serial-2 fourth field, e.g. "bgp" or "mlp"; "" in
	// serial-1.
	Source string
	// Line is the line number in the file, from 1.
	Line int
}

// AppendText appends the link as a line of an as-rel file, without the
// newline: serial-2 when it has a Source, serial-1 otherwise. A CustomerOf
// link is written from the provider's side.
func (l Link) AppendText(b []byte) []byte {
	a, c, rel := l.A, l.B, "-1"
	switch l.Rel {
	case CustomerOf:
		a, c = c, a
	case PeerOf:
		rel = "0"
	}
	b = strconv.AppendUint(b, uint64(a), 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(c), 10)
	b = append(b, '|')
	b = append(b, rel...)
	if l.Source != "" {
		b = append(b, '|')
		b = append(b, l.Source...)
	}
	return b
}

// Header is the metadata of the comment lines before the first link.
type Header struct {
	// Comments holds every comment line, without its "#" and leading
	// space, up to MaxHeaderLines.
	Comments []string
	// Sources holds the values of the "# source:" lines, e.g.
	// "topology|BGP|20210901|ripe|rrc00".
	Sources []string
	// Clique is the "# input clique:" list: the ASes inferred to be the
	// top of the hierarchy.
	Clique []bgp.ASN
	// IXPs is the "# IXP ASes:" list.
	IXPs []bgp.ASN
}

// ParseError is a line that could not be parsed.
type ParseError struct {
	Name   string // the input's name
	Line   int    // line number, from 1
	Format string // "serial-1", "serial-2", "customer cones"
	Err    error
}

func (e *ParseError) Error() string {
	if e.Format == "" {
		return fmt.Sprintf("asrel: %s: line %d: %v", e.Name, e.Line, e.Err)
	}
	return fmt.Sprintf("asrel: %s: line %d: %s: %v", e.Name, e.Line, e.Format, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Stats counts what a reader has read.
type Stats struct {
	Lines    int
	Comments int // comment and blank lines
	Records  int // links or cones handed out
	Skipped  int // bad lines skipped
	// Errors holds the errors of the first MaxErrors bad lines.
	Errors []error
}

// add records a bad line; it reports the error to stop with in strict
// mode.
func (s *Stats) add(pe *ParseError, strict bool) error {
	s.Skipped++
	if len(s.Errors) < MaxErrors {
		s.Errors = append(s.Errors, pe)
	}
	if strict {
		return pe
	}
	return nil
}

// Reader reads a serial-1 or serial-2 as-rel file one link at a time;
// the format is told line by line from the number of fields.
type Reader struct {
	// Strict makes the first bad line end the stream with its error.
	Strict bool

	name    string
	br      *bufio.Reader
	link    Link
	hdr     Header
	stats   Stats
	err     error
	started bool // a link has been read: comments no longer header
	sources map[string]string
}

// NewReader returns a Reader of r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, MaxLineLength), sources: make(map[string]string)}
}

// Next reads up to the next link and reports whether there is one.
func (r *Reader) Next() bool {
	for r.err == nil {
		line, ok := r.readLine()
		if !ok {
			return false
		}
		if len(line) == 0 || line[0] == '#' {
			r.stats.Comments++
			if !r.started && len(line) > 0 {
				r.header(line)
			}
			continue
		}
		format, err := r.parseLink(line)
		if err != nil {
			r.err = r.stats.add(&ParseError{Name: r.name, Line: r.stats.Lines, Format: format, Err: err}, r.Strict)
			continue
		}
		r.started = true
		r.stats.Records++
		return true
	}
	return false
}

// Link returns the link that Next read.
func (r *Reader) Link() Link { return r.link }

// Header returns the metadata of the comment lines before the first
// link.
func (r *Reader) Header() *Header { return &r.hdr }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read error, or in strict
// mode the first bad line. It is nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

func (r *Reader) readLine() ([]byte, bool) {
	for {
		line, err := readLine(r.br, &r.stats)
		switch {
		case errors.Is(err, errLineTooLong):
			if r.err = r.stats.add(&ParseError{Name: r.name, Line: r.stats.Lines, Err: err}, r.Strict); r.err != nil {
				return nil, false
			}
			continue
		case err == io.EOF:
			return nil, false
		case err != nil:
			r.err = fmt.Errorf("asrel: %s: line %d: %w", r.name, r.stats.Lines+1, err)
			return nil, false
		}
		return line, true
	}
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLineLength)

// readLine returns the next line without its line ending; a line longer
// than the reader's buffer is consumed and reported as errLineTooLong
// with a nil line.
func readLine(br *bufio.Reader, st *Stats) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		st.Lines++
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, errLineTooLong
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, err
	}
	st.Lines++
	return bytes.TrimRight(line, "\r\n"), nil
}

func (r *Reader) header(line []byte) {
	text := bytes.TrimSpace(line[1:])
	if len(r.hdr.Comments) < MaxHeaderLines {
		r.hdr.Comments = append(r.hdr.Comments, string(text))
	}
	switch {
	case bytes.HasPrefix(text, []byte("source:")):
		if len(r.hdr.Sources) < MaxHeaderLines {
			r.hdr.Sources = append(r.hdr.Sources, string(bytes.TrimSpace(text[len("source:"):])))
		}
	case bytes.HasPrefix(text, []byte("input clique:")):
		r.hdr.Clique = parseASNList(text[len("input clique:"):])
	case bytes.HasPrefix(text, []byte("IXP ASes:")):
		r.hdr.IXPs = parseASNList(text[len("IXP ASes:"):])
	}
}

// parseASNList parses a space-separated list of ASNs, ignoring what is
// not one.
func parseASNList(b []byte) []bgp.ASN {
	var out []bgp.ASN
	for _, f := range bytes.Fields(b) {
		if n, ok := parseASN(f); ok {
			out = append(out, n)
		}
	}
	return out
}

// parseASN parses a decimal ASN.
func parseASN(b []byte) (bgp.ASN, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return bgp.ASN(n), true
}

func (r *Reader) parseLink(line []byte) (string, error) {
	var f [5][]byte
	n := 0
	for n < len(f)-1 {
		i := bytes.IndexByte(line, '|')
		if i < 0 {
			break
		}
		f[n], line = line[:i], line[i+1:]
		n++
	}
	f[n] = line
	n++
	format := "serial-1"
	switch n {
	case 3:
	case 4:
		format = "serial-2"
	default:
		return "", fmt.Errorf("%d fields, want 3 (serial-1) or 4 (serial-2)", n)
	}
	a, ok := parseASN(f[0])
	if !ok {
		return format, fmt.Errorf("first AS %q is not a number in 0-4294967295", f[0])
	}
	b, ok := parseASN(f[1])
	if !ok {
		return format, fmt.Errorf("second AS %q is not a number in 0-4294967295", f[1])
	}
	if a == b {
		return format, fmt.Errorf("AS%d linked to itself", a)
	}
	l := Link{A: a, B: b, Line: r.stats.Lines}
	switch string(f[2]) {
	case "-1":
		l.Rel = ProviderOf
	case "0":
		l.Rel = PeerOf
	default:
		return format, fmt.Errorf("relationship %q is not -1 (provider-customer) or 0 (peer)", f[2])
	}
	if n == 4 {
		src := f[3]
		if len(src) == 0 {
			return format, errors.New("empty source")
		}
		s, ok := r.sources[string(src)]
		if !ok {
			s = OtherSource
			if len(r.sources) < maxSources {
				s = string(src)
				r.sources[s] = s
			}
		}
		l.Source = s
	}
	r.link = l
	return format, nil
}
