package rpsl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// NRTMOp is the operation of an NRTM change.
type NRTMOp uint8

// NRTM operations.
const (
	NRTMAdd NRTMOp = iota + 1 // ADD: create or replace the object
	NRTMDel                   // DEL: delete the object
)

// String returns "ADD" or "DEL".
func (op NRTMOp) String() string {
	switch op {
	case NRTMAdd:
		return "ADD"
	case NRTMDel:
		return "DEL"
	}
	return "NRTMOp(" + strconv.Itoa(int(op)) + ")"
}

// NRTMHeader is the %START line of an NRTM stream:
// "%START Version: 3 RIPE 100-200", optionally followed by "FILTERED".
type NRTMHeader struct {
	Version     int // 1 or 3
	Source      string
	First, Last uint64 // the serial range the stream covers
	Filtered    bool   // personal data and auth hashes removed
	Line        int
}

// NRTMChange is one operation of an NRTM stream.
type NRTMChange struct {
	Op NRTMOp
	// Serial is the serial of the change: given in version 3, counted
	// from the header's First in version 1.
	Serial uint64
	Object *Object
	// Line is the line of the ADD or DEL.
	Line int
}

type nrtmState uint8

const (
	nrtmBeforeStart  nrtmState = iota
	nrtmExpectOp               // after %START or an object
	nrtmExpectObject           // after ADD or DEL
	nrtmInObject
	nrtmEnded // after %END
)

// NRTMReader reads an NRTM version 1 or 3 stream, the answer to a
// "-g SOURCE:3:FIRST-LAST" query, one change at a time.
//
// A stream that breaks the framing ends with an error from Err: lines
// before %START, a second %START, an unknown version, an ADD or DEL
// without a serial (version 3), serials that do not increase or leave the
// header's range, an %END naming another source, data after %END, a
// stream without %END, and "%ERROR" lines from the server. A stream with
// nothing but comments (a server with no newer serials) has no changes
// and no error. Bad lines inside objects are skipped and counted as a
// Reader does, unless Strict.
type NRTMReader struct {
	// Strict makes the first bad line inside an object end the stream.
	Strict bool
	// Limits bound what the reader stores; set them before the first
	// call to Next.
	Limits Limits

	name    string
	r       io.Reader
	lr      *lineReader
	asm     assembler
	hdr     *NRTMHeader
	state   nrtmState
	pending NRTMChange
	change  NRTMChange
	last    uint64 // serial of the last change
	count   uint64 // changes read
	stats   Stats
	err     error
}

// NewNRTMReader returns an NRTMReader of r; name names the input in
// errors.
func NewNRTMReader(r io.Reader, name string) *NRTMReader {
	return &NRTMReader{name: name, r: r}
}

// Header returns the %START line, or nil before it has been read.
func (r *NRTMReader) Header() *NRTMHeader { return r.hdr }

// Change returns the change that Next read.
func (r *NRTMReader) Change() NRTMChange { return r.change }

// Stats returns the counts so far; Objects counts changes.
func (r *NRTMReader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream; nil at a clean end.
func (r *NRTMReader) Err() error { return r.err }

func (r *NRTMReader) fail(line int, format string, args ...any) {
	r.err = &ParseError{Name: r.name, Line: line, Clause: clauseNRTM, Err: fmt.Errorf(format, args...)}
}

// Next reads up to the next change and reports whether there is one.
func (r *NRTMReader) Next() bool {
	if r.lr == nil {
		r.Limits = r.Limits.withDefaults()
		r.lr = newLineReader(r.r, r.Limits)
		r.asm.lim = r.Limits
	}
	r.change = NRTMChange{}
	for r.err == nil {
		line, err := r.lr.next()
		n := r.lr.n
		r.stats.Lines = n
		switch {
		case err == io.EOF:
			switch r.state {
			case nrtmBeforeStart, nrtmEnded:
			default:
				r.fail(n, "stream ends without %%END: truncated")
			}
			return false
		case errors.Is(err, errLineTooLong):
			if r.state == nrtmExpectObject && line[0] != '%' && line[0] != '#' {
				r.state = nrtmInObject
			}
			if r.state == nrtmInObject {
				r.bad(r.asm.tooLong(line[0]))
				continue
			}
			if line[0] != '%' && line[0] != '#' {
				r.fail(n, "line longer than %d bytes", r.Limits.MaxLineLength)
			}
			continue
		case err != nil:
			r.err = fmt.Errorf("rpsl: %s: line %d: %w", r.name, n+1, err)
			return false
		}
		if r.state == nrtmInObject {
			if !isBlank(line) && !isMarker(line) {
				r.bad(r.asm.add(line, n))
				continue
			}
			// The object ends at a blank line, or at a marker line
			// that follows it directly.
			r.state = nrtmExpectOp
			ok := r.emit()
			if isMarker(line) {
				r.control(line, n)
			}
			if ok {
				return true
			}
			continue
		}
		if isBlank(line) {
			continue
		}
		r.control(line, n)
	}
	return false
}

// isMarker reports whether a line is %START, %END or %ERROR.
func isMarker(line []byte) bool {
	return hasPrefixFold(line, "%START") || hasPrefixFold(line, "%END") || hasPrefixFold(line, "%ERROR")
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

// control handles a non-blank line outside objects.
func (r *NRTMReader) control(line []byte, n int) {
	switch {
	case hasPrefixFold(line, "%ERROR"):
		r.fail(n, "server error: %s", clipN(line, 200))
		return
	case hasPrefixFold(line, "%START"):
		if r.state != nrtmBeforeStart {
			r.fail(n, "second %%START line")
			return
		}
		r.start(line, n)
		return
	case hasPrefixFold(line, "%END"):
		switch r.state {
		case nrtmBeforeStart:
			r.fail(n, "%%END before %%START")
		case nrtmExpectObject:
			r.fail(n, "%s without an object", r.pending.Op)
		case nrtmEnded:
			r.fail(n, "second %%END line")
		default:
			f := strings.Fields(string(line))
			if len(f) != 2 || !strings.EqualFold(f[1], r.hdr.Source) {
				r.fail(n, "%q does not end source %s", clip(line), r.hdr.Source)
				return
			}
			r.state = nrtmEnded
		}
		return
	case line[0] == '%' || line[0] == '#' || allSpace(line):
		return
	}
	switch r.state {
	case nrtmBeforeStart:
		r.fail(n, "%q before the %%START line", clip(line))
	case nrtmEnded:
		r.fail(n, "%q after the %%END line", clip(line))
	case nrtmExpectOp:
		r.op(line, n)
	case nrtmExpectObject:
		r.state = nrtmInObject
		r.bad(r.asm.add(line, n))
	}
}

// start parses the %START line.
func (r *NRTMReader) start(line []byte, n int) {
	f := strings.Fields(string(line))
	if len(f) < 5 || len(f) > 6 || !strings.EqualFold(f[1], "Version:") || len(f) == 6 && !strings.EqualFold(f[5], "FILTERED") {
		r.fail(n, "%q: want \"%%START Version: 3 SOURCE FIRST-LAST\"", clip(line))
		return
	}
	h := &NRTMHeader{Source: f[3], Filtered: len(f) == 6, Line: n}
	switch f[2] {
	case "1":
		h.Version = 1
	case "3":
		h.Version = 3
	default:
		r.fail(n, "NRTM version %q: want 1 or 3", f[2])
		return
	}
	lo, hi, ok := strings.Cut(f[4], "-")
	var err1, err2 error
	h.First, err1 = strconv.ParseUint(lo, 10, 64)
	h.Last, err2 = strconv.ParseUint(hi, 10, 64)
	if !ok || err1 != nil || err2 != nil || h.Last < h.First {
		r.fail(n, "serial range %q: want FIRST-LAST, FIRST <= LAST", f[4])
		return
	}
	r.hdr = h
	r.state = nrtmExpectOp
}

// op parses an ADD or DEL line.
func (r *NRTMReader) op(line []byte, n int) {
	f := bytes.Fields(line)
	var op NRTMOp
	switch string(f[0]) {
	case "ADD":
		op = NRTMAdd
	case "DEL":
		op = NRTMDel
	default:
		r.fail(n, "%q: want ADD, DEL or %%END", clip(line))
		return
	}
	var serial uint64
	switch r.hdr.Version {
	case 3:
		if len(f) != 2 {
			r.fail(n, "%q: version 3 wants \"%s serial\"", clip(line), op)
			return
		}
		s, err := strconv.ParseUint(string(f[1]), 10, 64)
		if err != nil {
			r.fail(n, "%q: serial is not a number", clip(line))
			return
		}
		if r.count > 0 && s <= r.last {
			r.fail(n, "serial %d after serial %d: serials must increase", s, r.last)
			return
		}
		serial = s
	default:
		if len(f) != 1 {
			r.fail(n, "%q: version 1 has no serials", clip(line))
			return
		}
		serial = r.hdr.First + r.count
	}
	if serial < r.hdr.First || serial > r.hdr.Last {
		r.fail(n, "serial %d outside the range %d-%d of the %%START line", serial, r.hdr.First, r.hdr.Last)
		return
	}
	r.last = serial
	r.count++
	r.pending = NRTMChange{Op: op, Serial: serial, Line: n}
	r.state = nrtmExpectObject
}

// emit ends the object of the pending change and reports whether the
// change is handed out.
func (r *NRTMReader) emit() bool {
	o := r.asm.finish(r.name, r.hdr.Source)
	if o == nil {
		return false
	}
	r.change = r.pending
	r.change.Object = o
	r.stats.Objects++
	return true
}

// bad records the error of a skipped line or object.
func (r *NRTMReader) bad(e *lineError) {
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
