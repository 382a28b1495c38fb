package rpki

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a streaming JSON tokenizer over its own buffer. It knows just
// enough JSON for the validator exports: it hands out strings (unescaped
// into a reused buffer) and raw number and literal tokens, and skips
// whatever the loader does not want. Memory is bounded by the buffer,
// MaxStringLen and MaxNesting, whatever the input.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	off  int64 // input offset of buf[0]
	line int
	eof  bool
	rerr error // read error other than EOF
	tok  []byte
	key  []byte // current object key; valid until the value is read
}

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, readBufferSize), line: 1, tok: make([]byte, 0, 256)}
}

// fill reads more input; it reports whether at least one byte is buffered.
func (s *scanner) fill() bool {
	if s.pos < s.end {
		return true
	}
	if s.eof {
		return false
	}
	s.off += int64(s.end)
	s.pos, s.end = 0, 0
	for s.end == 0 {
		n, err := s.r.Read(s.buf)
		s.end = n
		if err != nil {
			if err != io.EOF {
				s.rerr = err
			}
			s.eof = true
			return n > 0
		}
	}
	return true
}

func (s *scanner) offset() int64 { return s.off + int64(s.pos) }

func (s *scanner) errorf(format string, a ...any) error {
	if s.rerr != nil {
		return s.rerr
	}
	return fmt.Errorf("line %d (byte %d): %s: %w", s.line, s.offset(), fmt.Sprintf(format, a...), ErrSyntax)
}

// endOfInput is what peek returns at the end of the input; unlike any
// byte value, a NUL in the input included, it cannot be mistaken for data.
const endOfInput = -1

// peek skips white space and returns the next byte without consuming it,
// or endOfInput.
func (s *scanner) peek() int {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			switch c {
			case '\n':
				s.line++
				fallthrough
			case ' ', '\t', '\r':
				s.pos++
			default:
				return int(c)
			}
		}
		if !s.fill() {
			return endOfInput
		}
	}
}

// consume consumes the byte peek returned.
func (s *scanner) consume() { s.pos++ }

// expect consumes c after white space.
func (s *scanner) expect(c byte, what string) error {
	if s.peek() != int(c) {
		return s.errorf("want %s", what)
	}
	s.pos++
	return nil
}

// readString reads a JSON string; the result is valid until the next call.
func (s *scanner) readString() ([]byte, error) {
	if err := s.expect('"', "string"); err != nil {
		return nil, err
	}
	s.tok = s.tok[:0]
	for {
		if !s.fill() {
			return nil, s.errorf("unterminated string")
		}
		// Fast path: copy a run of plain bytes.
		start := s.pos
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			s.pos++
		}
		if len(s.tok)+s.pos-start > MaxStringLen {
			return nil, s.errorf("string longer than %d bytes", MaxStringLen)
		}
		s.tok = append(s.tok, s.buf[start:s.pos]...)
		if s.pos == s.end {
			continue
		}
		c := s.buf[s.pos]
		s.pos++
		switch {
		case c == '"':
			return s.tok, nil
		case c < 0x20:
			return nil, s.errorf("control character in string")
		}
		if err := s.escape(); err != nil {
			return nil, err
		}
	}
}

func (s *scanner) nextByte() (byte, bool) {
	if !s.fill() {
		return 0, false
	}
	c := s.buf[s.pos]
	s.pos++
	return c, true
}

// escape decodes one escape sequence after the backslash.
func (s *scanner) escape() error {
	c, ok := s.nextByte()
	if !ok {
		return s.errorf("unterminated escape")
	}
	return s.escapeChar(c)
}

// escapeChar decodes the escape sequence whose letter c follows the
// backslash.
func (s *scanner) escapeChar(c byte) error {
	switch c {
	case '"', '\\', '/':
		s.tok = append(s.tok, c)
	case 'b':
		s.tok = append(s.tok, '\b')
	case 'f':
		s.tok = append(s.tok, '\f')
	case 'n':
		s.tok = append(s.tok, '\n')
	case 'r':
		s.tok = append(s.tok, '\r')
	case 't':
		s.tok = append(s.tok, '\t')
	case 'u':
		return s.unicodeEscape()
	default:
		return s.errorf("bad escape \\%c", c)
	}
	return nil
}

// unicodeEscape decodes \uXXXX after the 'u', joining a UTF-16 surrogate
// pair (RFC 8259 section 7). A surrogate that is not part of a pair
// becomes U+FFFD and whatever follows it is decoded on its own, as
// encoding/json does.
func (s *scanner) unicodeEscape() error {
	r, err := s.hex4()
	if err != nil {
		return err
	}
	for utf16.IsSurrogate(r) {
		if r >= 0xdc00 || !s.fill() || s.buf[s.pos] != '\\' {
			// A low surrogate first, or a high one without an escape after it.
			break
		}
		s.pos++
		c, ok := s.nextByte()
		if !ok {
			return s.errorf("unterminated escape")
		}
		if c != 'u' {
			s.tok = utf8.AppendRune(s.tok, utf8.RuneError)
			return s.escapeChar(c)
		}
		r2, err := s.hex4()
		if err != nil {
			return err
		}
		if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
			s.tok = utf8.AppendRune(s.tok, d)
			return nil
		}
		s.tok = utf8.AppendRune(s.tok, utf8.RuneError)
		r = r2
	}
	// utf8.AppendRune writes U+FFFD for a surrogate.
	s.tok = utf8.AppendRune(s.tok, r)
	return nil
}

func (s *scanner) hex4() (rune, error) {
	var r rune
	for range 4 {
		c, ok := s.nextByte()
		if !ok {
			return 0, s.errorf("unterminated \\u escape")
		}
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, s.errorf("bad \\u escape")
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

// readBare reads a number or a literal (true, false, null) as raw bytes,
// checking the JSON number grammar.
func (s *scanner) readBare() ([]byte, error) {
	s.peek()
	s.tok = s.tok[:0]
	for s.fill() {
		c := s.buf[s.pos]
		if !isBare(c) {
			break
		}
		if len(s.tok) >= 64 {
			return nil, s.errorf("number or literal too long")
		}
		s.tok = append(s.tok, c)
		s.pos++
	}
	t := s.tok
	switch string(t) {
	case "true", "false", "null":
		return t, nil
	}
	if !validNumber(t) {
		return nil, s.errorf("bad value %q", t)
	}
	return t, nil
}

func isBare(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// validNumber checks the JSON number grammar of RFC 8259 section 6.
func validNumber(t []byte) bool {
	i := 0
	if i < len(t) && t[i] == '-' {
		i++
	}
	if i >= len(t) {
		return false
	}
	if t[i] == '0' {
		i++
	} else if '1' <= t[i] && t[i] <= '9' {
		for i < len(t) && '0' <= t[i] && t[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(t) && t[i] == '.' {
		i++
		j := i
		for i < len(t) && '0' <= t[i] && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		j := i
		for i < len(t) && '0' <= t[i] && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(t)
}

// kind is the kind of the next JSON value.
type kind uint8

const (
	kindEnd kind = iota
	kindObject
	kindArray
	kindString
	kindBare
)

func (s *scanner) next() kind {
	switch c := s.peek(); {
	case c == endOfInput:
		return kindEnd
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	default:
		return kindBare
	}
}

// skip skips one value of any kind.
func (s *scanner) skip(depth int) error {
	if depth > MaxNesting {
		return s.errorf("nesting deeper than %d", MaxNesting)
	}
	switch s.next() {
	case kindObject:
		return s.object(func(key []byte) error { return s.skip(depth + 1) })
	case kindArray:
		return s.array(func() error { return s.skip(depth + 1) })
	case kindString:
		_, err := s.readString()
		return err
	case kindBare:
		_, err := s.readBare()
		return err
	}
	return s.errorf("unexpected end of input")
}

// object reads an object, calling member for each key with the scanner
// positioned at the value, which member must consume. The key is valid
// only until member reads the value.
func (s *scanner) object(member func(key []byte) error) error {
	if err := s.expect('{', "object"); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.consume()
		return nil
	}
	for {
		k, err := s.readString()
		if err != nil {
			return err
		}
		s.key = append(s.key[:0], k...)
		if err := s.expect(':', "':'"); err != nil {
			return err
		}
		if err := member(s.key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.consume()
		case '}':
			s.consume()
			return nil
		default:
			return s.errorf("want ',' or '}'")
		}
	}
}

// array reads an array, calling elem with the scanner positioned at each
// element, which elem must consume.
func (s *scanner) array(elem func() error) error {
	if err := s.expect('[', "array"); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.consume()
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.consume()
		case ']':
			s.consume()
			return nil
		default:
			return s.errorf("want ',' or ']'")
		}
	}
}

// finish checks that only white space follows the top-level value.
func (s *scanner) finish() error {
	if s.peek() != endOfInput {
		return s.errorf("data after the top-level value")
	}
	if s.rerr != nil {
		return s.rerr
	}
	return nil
}

var errNotScalar = errors.New("not a string or number")
