package spoofer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Writer writes sessions in one of the formats a Reader reads. JSON
// sessions are written with the API's fields in its order, so that a
// session the API published is written back byte for byte.
type Writer struct {
	w      *bufio.Writer
	format Format
	n      int
	closed bool
	err    error
	buf    []byte
}

// NewWriter returns a Writer of format f: FormatJSONLines (one session per
// line, as CAIDA's example client prints them), FormatJSONLD (one
// collection page), FormatJSON (a JSON array, one session per line) or
// FormatCSV.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	if f < FormatJSONLines || f > FormatCSV {
		return nil, fmt.Errorf("spoofer: write: unknown format %v", f)
	}
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), format: f}, nil
}

// timeLayout is the API's timestamp layout (PHP's DATE_ATOM), with
// fractional seconds when there are any.
const timeLayout = "2006-01-02T15:04:05.999999999-07:00"

var errClosed = errors.New("spoofer: write after Close")

// Write writes one session.
func (w *Writer) Write(s *Session) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if err := check(s); err != nil {
		return err
	}
	b := w.buf[:0]
	switch w.format {
	case FormatJSONLines:
		b = appendJSON(b, s)
		b = append(b, '\n')
	case FormatJSONLD:
		if w.n == 0 {
			b = append(b, `{"@context":"/contexts/Session","@id":"/sessions","@type":"hydra:Collection","hydra:member":[`...)
		} else {
			b = append(b, ',')
		}
		b = appendJSON(b, s)
	case FormatJSON:
		if w.n == 0 {
			b = append(b, "[\n"...)
		} else {
			b = append(b, ",\n"...)
		}
		b = appendJSON(b, s)
	case FormatCSV:
		if w.n == 0 {
			for i, name := range fieldNames {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, name...)
			}
			b = append(b, '\n')
		}
		b = appendCSV(b, s)
		b = append(b, '\n')
	}
	w.buf = b
	w.n++
	if _, err := w.w.Write(b); err != nil {
		return w.fail(err)
	}
	return nil
}

// Close ends the document and flushes it. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.closed = true
	switch w.format {
	case FormatJSONLD:
		if w.n == 0 {
			w.w.WriteString(`{"@context":"/contexts/Session","@id":"/sessions","@type":"hydra:Collection","hydra:member":[`)
		}
		w.w.WriteString(`],"hydra:totalItems":` + strconv.Itoa(w.n) + "}\n")
	case FormatJSON:
		if w.n == 0 {
			w.w.WriteString("[]\n")
		} else {
			w.w.WriteString("\n]\n")
		}
	case FormatCSV:
		if w.n == 0 {
			for i, name := range fieldNames {
				if i > 0 {
					w.w.WriteByte(',')
				}
				w.w.WriteString(name)
			}
			w.w.WriteByte('\n')
		}
	}
	if err := w.w.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("spoofer: write: %w", err)
	return w.err
}

// check refuses a session a Reader would not read back.
func check(s *Session) error {
	switch {
	case s.ID == 0:
		return errors.New("spoofer: write: session id 0")
	case s.Time.IsZero():
		return fmt.Errorf("spoofer: write: session %d has no time", s.ID)
	case !isCountry(s.Country):
		return fmt.Errorf("spoofer: write: session %d: country %q is not an ISO 3166-1 code", s.ID, s.Country)
	}
	for _, r := range []*Result{&s.IPv4, &s.IPv6} {
		is4 := r == &s.IPv4
		if r.Client.IsValid() && (r.Client.Addr().Is4() != is4 || r.Client.Masked() != r.Client || r.Client.Addr().Zone() != "") {
			return fmt.Errorf("spoofer: write: session %d: client %s is not a masked prefix of its family", s.ID, r.Client)
		}
		if r.NAT > BehindNAT || r.Private > Unknown || r.Routed > Unknown {
			return fmt.Errorf("spoofer: write: session %d: invalid NAT or outcome", s.ID)
		}
	}
	return nil
}

// appendJSON appends a session as the API writes it. Every value is a
// number, a prefix, a time, a checked country code or an outcome name, so
// none needs escaping.
func appendJSON(b []byte, s *Session) []byte {
	b = append(b, `{"@id":"/sessions/`...)
	b = strconv.AppendUint(b, s.ID, 10)
	b = append(b, `","@type":"Session","asn4":`...)
	b = appendASN(b, &s.IPv4)
	b = append(b, `,"asn6":`...)
	b = appendASN(b, &s.IPv6)
	b = append(b, `,"client4":`...)
	b = appendClient(b, &s.IPv4)
	b = append(b, `,"client6":`...)
	b = appendClient(b, &s.IPv6)
	b = append(b, `,"country":`...)
	if s.Country == "" {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = append(b, s.Country...)
		b = append(b, '"')
	}
	b = append(b, `,"nat4":`...)
	b = appendNAT(b, s.IPv4.NAT)
	b = append(b, `,"nat6":`...)
	b = appendNAT(b, s.IPv6.NAT)
	b = append(b, `,"privatespoof":`...)
	b = appendOutcome(b, s.IPv4.Private)
	b = append(b, `,"privatespoof6":`...)
	b = appendOutcome(b, s.IPv6.Private)
	b = append(b, `,"routedspoof":`...)
	b = appendOutcome(b, s.IPv4.Routed)
	b = append(b, `,"routedspoof6":`...)
	b = appendOutcome(b, s.IPv6.Routed)
	b = append(b, `,"session":`...)
	b = strconv.AppendUint(b, s.ID, 10)
	b = append(b, `,"timestamp":"`...)
	b = s.Time.AppendFormat(b, timeLayout)
	b = append(b, `"}`...)
	return b
}

func appendASN(b []byte, r *Result) []byte {
	if r.ASN == 0 {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = strconv.AppendUint(b, uint64(r.ASN), 10)
	return append(b, '"')
}

func appendClient(b []byte, r *Result) []byte {
	if !r.Client.IsValid() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = r.Client.AppendTo(b)
	return append(b, '"')
}

func appendNAT(b []byte, n NAT) []byte {
	switch n {
	case BehindNAT:
		return append(b, "true"...)
	case NoNAT:
		return append(b, "false"...)
	}
	return append(b, "null"...)
}

func appendOutcome(b []byte, o Outcome) []byte {
	if o == NotTested {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = append(b, o.String()...)
	return append(b, '"')
}

// appendCSV appends a session as a CSV line, columns in fieldNames order;
// null is an empty field.
func appendCSV(b []byte, s *Session) []byte {
	for f := range numFields {
		if f > 0 {
			b = append(b, ',')
		}
		switch f {
		case fASN4, fASN6:
			r := &s.IPv4
			if f == fASN6 {
				r = &s.IPv6
			}
			if r.ASN != 0 {
				b = strconv.AppendUint(b, uint64(r.ASN), 10)
			}
		case fClient4:
			if s.IPv4.Client.IsValid() {
				b = s.IPv4.Client.AppendTo(b)
			}
		case fClient6:
			if s.IPv6.Client.IsValid() {
				b = s.IPv6.Client.AppendTo(b)
			}
		case fCountry:
			b = append(b, s.Country...)
		case fNAT4, fNAT6:
			n := s.IPv4.NAT
			if f == fNAT6 {
				n = s.IPv6.NAT
			}
			switch n {
			case BehindNAT:
				b = append(b, "true"...)
			case NoNAT:
				b = append(b, "false"...)
			}
		case fPrivate4:
			b = appendCSVOutcome(b, s.IPv4.Private)
		case fPrivate6:
			b = appendCSVOutcome(b, s.IPv6.Private)
		case fRouted4:
			b = appendCSVOutcome(b, s.IPv4.Routed)
		case fRouted6:
			b = appendCSVOutcome(b, s.IPv6.Routed)
		case fSession:
			b = strconv.AppendUint(b, s.ID, 10)
		case fTimestamp:
			b = s.Time.AppendFormat(b, timeLayout)
		}
	}
	return b
}

func appendCSVOutcome(b []byte, o Outcome) []byte {
	if o == NotTested {
		return b
	}
	return append(b, o.String()...)
}

// WriteAll writes sessions in format f and closes the Writer.
func WriteAll(w io.Writer, f Format, sessions []Session) error {
	wr, err := NewWriter(w, f)
	if err != nil {
		return err
	}
	for i := range sessions {
		if err := wr.Write(&sessions[i]); err != nil {
			return err
		}
	}
	return wr.Close()
}
