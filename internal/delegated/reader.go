package delegated

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Limits that bound what a Reader holds for hostile input.
const (
	// MaxLineLength is the longest line a Reader accepts; a longer one
	// is skipped as bad. Real records are under 200 bytes.
	MaxLineLength = 4096
	// MaxErrors is how many parse errors Stats keeps; further bad lines
	// are only counted.
	MaxErrors = 100
	// maxInterned bounds the strings a Reader shares between records.
	maxInterned = 1 << 18
)

// Sections of the RIR Statistics Exchange Format that errors cite.
const (
	clauseVersion = "RIR stats 4.2.1"
	clauseSummary = "RIR stats 4.2.2"
	clauseRecord  = "RIR stats 4.3"
)

// ParseError is a line of a statistics file that could not be parsed.
type ParseError struct {
	Name   string // the input's name, e.g. the file name
	Line   int    // line number, from 1
	Clause string // the section of the format, e.g. "RIR stats 4.3"
	Err    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("delegated: %s: line %d: %s: %v", e.Name, e.Line, e.Clause, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Header is the version line and the summary lines of a file (RIR stats
// 4.2).
type Header struct {
	// Line is the line number of the version line; 0 when the file has
	// none.
	Line int
	// Version is the format version, "2" or "2.3".
	Version  string
	Registry string
	Serial   string
	// Records is the number of records the file says it holds.
	Records int
	// StartDate and EndDate bound the dates of the records; zero when
	// the file gives "00000000".
	StartDate, EndDate time.Time
	// UTCOffset is the offset of the registry's time zone, e.g. "+1000".
	UTCOffset string
	// Summaries holds the first 16 summary lines (a file has three).
	Summaries []Summary
}

// Summary is a summary line: the number of records of one type (RIR stats
// 4.2.2).
type Summary struct {
	Line     int
	Registry string
	Type     Type
	Count    int
}

// Stats counts what a Reader has read.
type Stats struct {
	Lines     int // lines read, all kinds
	Comments  int // comment and blank lines
	Summaries int
	Records   int // records handed out
	Skipped   int // bad lines skipped
	// Errors holds the first MaxErrors faults: the errors of skipped
	// lines, and of faults of the file as a whole (a missing version
	// line), which skip nothing.
	Errors []error
}

// Reader reads a delegated or delegated-extended statistics file one
// record at a time.
type Reader struct {
	// Strict makes the first bad line end the stream with its error,
	// instead of skipping it.
	Strict bool

	name    string
	br      *bufio.Reader
	rec     Record
	hdr     Header
	stats   Stats
	err     error
	seenAny bool // a non-comment line has been read
	intern  map[string]string
	last    [4]string // the previous value of each interned field
	fields  [9][]byte
}

// NewReader returns a Reader of r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{
		name:   name,
		br:     bufio.NewReaderSize(r, 64<<10),
		intern: make(map[string]string),
	}
}

// Next reads up to the next record and reports whether there is one.
// After it returns false, Err tells whether the stream ended cleanly.
func (r *Reader) Next() bool {
	for r.err == nil {
		line, ok := r.readLine()
		if !ok {
			return false
		}
		if r.parseLine(line) {
			return true
		}
	}
	return false
}

// Record returns the record that Next read. It is valid until the next
// call to Next; copy it to keep it.
func (r *Reader) Record() *Record { return &r.rec }

// Header returns the version and summary lines read so far; all of them
// once the first record has been read.
func (r *Reader) Header() Header { return r.hdr }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read error, or in strict
// mode the first parse error. It is nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// readLine returns the next line without its line ending. It skips
// (and counts) lines longer than MaxLineLength.
func (r *Reader) readLine() ([]byte, bool) {
	for {
		line, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			r.stats.Lines++
			if derr := r.discardLine(); derr != nil {
				r.err = fmt.Errorf("delegated: %s: line %d: %w", r.name, r.stats.Lines, derr)
				return nil, false
			}
			if r.bad(clauseRecord, fmt.Errorf("line longer than %d bytes", MaxLineLength)) {
				return nil, false
			}
			continue
		}
		if len(line) == 0 && err != nil {
			if err != io.EOF {
				r.err = fmt.Errorf("delegated: %s: after line %d: %w", r.name, r.stats.Lines, err)
			}
			return nil, false
		}
		if err != nil && err != io.EOF {
			r.err = fmt.Errorf("delegated: %s: line %d: %w", r.name, r.stats.Lines+1, err)
			return nil, false
		}
		r.stats.Lines++
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > MaxLineLength {
			if r.bad(clauseRecord, fmt.Errorf("line longer than %d bytes", MaxLineLength)) {
				return nil, false
			}
			continue
		}
		return line, true
	}
}

// discardLine reads up to and including the next newline.
func (r *Reader) discardLine() error {
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

// bad records a bad line, which is skipped, and reports whether the
// stream must stop.
func (r *Reader) bad(clause string, err error) bool {
	r.stats.Skipped++
	return r.warn(clause, err)
}

// warn records a fault of the file and reports whether the stream must
// stop.
func (r *Reader) warn(clause string, err error) bool {
	pe := &ParseError{Name: r.name, Line: r.stats.Lines, Clause: clause, Err: err}
	if len(r.stats.Errors) < MaxErrors {
		r.stats.Errors = append(r.stats.Errors, pe)
	}
	if r.Strict {
		r.err = pe
		return true
	}
	return false
}

// split cuts line at '|' into r.fields; the last field keeps any further
// '|'. It returns the number of fields.
func (r *Reader) split(line []byte) int {
	n := 0
	for n < len(r.fields)-1 {
		i := bytes.IndexByte(line, '|')
		if i < 0 {
			break
		}
		r.fields[n] = line[:i]
		line = line[i+1:]
		n++
	}
	r.fields[n] = line
	return n + 1
}

// parseLine handles one line and reports whether it was a record.
func (r *Reader) parseLine(line []byte) bool {
	if len(line) == 0 || line[0] == '#' {
		r.stats.Comments++
		return false
	}
	first := !r.seenAny
	r.seenAny = true
	n := r.split(line)
	f := r.fields[:n]
	switch {
	case n == 7 && isVersion(f[0]):
		if !first {
			r.bad(clauseVersion, errors.New("version line after the first line"))
			return false
		}
		if err := r.parseVersion(f); err != nil {
			r.bad(clauseVersion, err)
		}
		return false
	case first:
		if r.warn(clauseVersion, errors.New("no version line before the first record")) {
			return false
		}
	}
	if n >= 6 && string(f[5]) == "summary" {
		if err := r.parseSummary(f); err != nil {
			r.bad(clauseSummary, err)
			return false
		}
		r.stats.Summaries++
		return false
	}
	if err := r.parseRecord(f); err != nil {
		r.bad(clauseRecord, err)
		return false
	}
	r.stats.Records++
	return true
}

func isVersion(b []byte) bool {
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func (r *Reader) parseVersion(f [][]byte) error {
	h := Header{Line: r.stats.Lines, Version: string(f[0])}
	h.Registry = r.str(f[1])
	h.Serial = string(f[2])
	n, ok := parseUint(f[3], 1<<40)
	if !ok {
		return fmt.Errorf("records %q is not a number", f[3])
	}
	h.Records = int(n)
	var err error
	if h.StartDate, err = parseDate(f[4]); err != nil {
		return fmt.Errorf("startdate: %w", err)
	}
	if h.EndDate, err = parseDate(f[5]); err != nil {
		return fmt.Errorf("enddate: %w", err)
	}
	h.UTCOffset = string(f[6])
	r.hdr = h
	return nil
}

func (r *Reader) parseSummary(f [][]byte) error {
	if len(f) != 6 {
		return fmt.Errorf("%d fields, want 6 in a summary line", len(f))
	}
	if string(f[1]) != "*" || string(f[3]) != "*" {
		return errors.New(`fields 2 and 4 must be "*"`)
	}
	t, ok := parseType(f[2])
	if !ok {
		return fmt.Errorf("unknown type %q", f[2])
	}
	n, ok := parseUint(f[4], 1<<40)
	if !ok {
		return fmt.Errorf("count %q is not a number", f[4])
	}
	if len(r.hdr.Summaries) < 16 {
		r.hdr.Summaries = append(r.hdr.Summaries, Summary{Line: r.stats.Lines, Registry: r.str(f[0]), Type: t, Count: int(n)})
	}
	return nil
}

func (r *Reader) parseRecord(f [][]byte) error {
	if len(f) < 7 {
		return fmt.Errorf("only %d of at least 7 fields", len(f))
	}
	rec := Record{Line: r.stats.Lines}
	if len(f[0]) == 0 || !isLetter(f[0][0]) {
		return fmt.Errorf("registry %q is not a name", f[0])
	}
	if !isCountry(f[1]) {
		return fmt.Errorf("country code %q is not two letters", f[1])
	}
	t, ok := parseType(f[2])
	if !ok {
		return fmt.Errorf("unknown type %q", f[2])
	}
	rec.Type = t
	v, ok := parseUint(f[4], 1<<32)
	if !ok {
		return fmt.Errorf("value %q is not a number in 0-4294967296", f[4])
	}
	rec.Value = v
	switch t {
	case ASN:
		start, ok := parseUint(f[3], 1<<32-1)
		if !ok {
			return fmt.Errorf("asn start %q is not a number in 0-4294967295", f[3])
		}
		if v == 0 || start+v-1 > 1<<32-1 {
			return fmt.Errorf("asn count %d from %d is out of range", v, start)
		}
		rec.StartASN = bgp.ASN(start)
	case IPv4:
		a, ok := parseIPv4(f[3])
		if !ok {
			return fmt.Errorf("ipv4 start %q is not an IPv4 address", f[3])
		}
		if v == 0 || uint64(fromAddr(a).lo)+v-1 > 1<<32-1 {
			return fmt.Errorf("ipv4 count %d from %s is out of range", v, a)
		}
		rec.Start = a
	case IPv6:
		a, err := netip.ParseAddr(string(f[3]))
		if err != nil || !a.Is6() || a.Zone() != "" || a.Is4In6() {
			return fmt.Errorf("ipv6 start %q is not an IPv6 address", f[3])
		}
		if v == 0 || v > 128 {
			return fmt.Errorf("ipv6 prefix length %d is not in 1-128", v)
		}
		if p := netip.PrefixFrom(a, int(v)); p.Masked() != p {
			return fmt.Errorf("ipv6 start %s is not the first address of a /%d", a, v)
		}
		rec.Start = a
	}
	date, err := parseDate(f[5])
	if err != nil {
		return err
	}
	rec.Date = date
	st, ok := parseStatus(f[6])
	if !ok {
		return fmt.Errorf("unknown status %q", f[6])
	}
	rec.Status = st
	rec.Registry = r.field(0, f[0])
	rec.Country = r.field(1, f[1])
	if len(f) > 7 {
		rec.OpaqueID = r.field(2, f[7])
	}
	if len(f) > 8 {
		rec.Extensions = r.field(3, f[8])
	}
	r.rec = rec
	return nil
}

// field returns b as a string, the same as field i of the previous record
// when equal (registries and countries come in runs).
func (r *Reader) field(i int, b []byte) string {
	if string(b) == r.last[i] {
		return r.last[i]
	}
	r.last[i] = r.str(b)
	return r.last[i]
}

// str returns b as a string, shared with earlier equal strings so that
// registries, countries and opaque-ids cost one allocation each.
func (r *Reader) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.intern) < maxInterned {
		r.intern[s] = s
	}
	return s
}

func isCountry(b []byte) bool {
	switch len(b) {
	case 0:
		return true
	case 2:
		return isLetter(b[0]) && isLetter(b[1])
	}
	return false
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// parseUint parses a decimal number no greater than max.
func parseUint(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// parseIPv4 parses a dotted-quad address without allocating.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var a [4]byte
	part := 0
	val, digits := 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			a[part] = byte(val)
			part++
			val, digits = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || digits == 3 || (digits > 0 && val == 0) {
			return netip.Addr{}, false
		}
		val = val*10 + int(c-'0')
		if val > 255 {
			return netip.Addr{}, false
		}
		digits++
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
}

// parseDate parses yyyymmdd; "" and "00000000" give the zero time.
func parseDate(b []byte) (time.Time, error) {
	if len(b) == 0 || string(b) == "00000000" {
		return time.Time{}, nil
	}
	if len(b) != 8 {
		return time.Time{}, fmt.Errorf("date %q is not yyyymmdd", b)
	}
	n, ok := parseUint(b, 99991231)
	if !ok {
		return time.Time{}, fmt.Errorf("date %q is not yyyymmdd", b)
	}
	y, m, d := int(n/10000), time.Month(n/100%100), int(n%100)
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q is not a calendar date", b)
	}
	return t, nil
}
