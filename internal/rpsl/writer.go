package rpsl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ValueColumn is the column where written values start: RIPE and IRRd pad
// "name:" with spaces to 16 characters.
const ValueColumn = 16

// AppendText appends the object as RPSL text to b: one line per attribute
// ("name:" padded to ValueColumn, then the value), a continuation line
// for each further line of a value (indented to ValueColumn, or "+" for
// an empty line), each line ending in "\n". Comments are not written.
func (o *Object) AppendText(b []byte) []byte { return o.appendText(b, false) }

// AppendRawText is AppendText writing the raw values, with their
// comments.
func (o *Object) AppendRawText(b []byte) []byte { return o.appendText(b, true) }

// String returns the object as RPSL text, as AppendText writes it.
func (o *Object) String() string { return string(o.AppendText(nil)) }

func (o *Object) appendText(b []byte, raw bool) []byte {
	for i := range o.Attrs {
		a := &o.Attrs[i]
		v := a.Value
		if raw {
			v = a.Raw()
		}
		b = append(b, a.Name...)
		b = append(b, ':')
		for first := true; ; first = false {
			line, rest, more := strings.Cut(v, "\n")
			switch {
			case first && line == "":
			case first:
				for n := len(a.Name) + 1; n < ValueColumn; n++ {
					b = append(b, ' ')
				}
				if len(a.Name)+1 >= ValueColumn {
					b = append(b, ' ')
				}
			case line == "":
				b = append(b, '+')
			default:
				b = append(b, "                "[:ValueColumn]...)
			}
			b = append(b, line...)
			b = append(b, '\n')
			if !more {
				break
			}
			v = rest
		}
	}
	return b
}

// Writer writes objects as an RPSL dump: comment lines first, then the
// objects separated by blank lines.
type Writer struct {
	// Raw writes raw values, with their comments.
	Raw bool

	bw      *bufio.Writer
	buf     []byte
	written bool
}

// NewWriter returns a Writer to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10)}
}

// Comment writes text as comment lines, "# " before each of its lines
// ("#" alone for an empty one), as the header of a RIPE dump.
func (w *Writer) Comment(text string) error {
	w.buf = w.buf[:0]
	for line := range strings.SplitSeq(text, "\n") {
		w.buf = append(w.buf, '#')
		if line != "" {
			w.buf = append(w.buf, ' ')
			w.buf = append(w.buf, line...)
		}
		w.buf = append(w.buf, '\n')
	}
	w.written = true
	_, err := w.bw.Write(w.buf)
	return err
}

// Write writes an object, preceded by a blank line unless it is the first
// thing written. It refuses an object that would not read back: one
// without attributes, with an attribute name other than letters, digits,
// "-" and "_", or (unless Raw) with a "#" in a value, which RPSL reads as
// the start of a comment.
func (w *Writer) Write(o *Object) error {
	if err := checkWritable(o, w.Raw); err != nil {
		return err
	}
	w.buf = w.buf[:0]
	if w.written {
		w.buf = append(w.buf, '\n')
	}
	w.buf = o.appendText(w.buf, w.Raw)
	w.written = true
	_, err := w.bw.Write(w.buf)
	return err
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

func checkWritable(o *Object, raw bool) error {
	if len(o.Attrs) == 0 {
		return errors.New("rpsl: write: object without attributes")
	}
	for _, a := range o.Attrs {
		if !validAttrName(a.Name) {
			return fmt.Errorf("rpsl: write %s: attribute name %q: %s: letters, digits, '-' and '_' only", o.Attrs[0].Value, a.Name, clauseSyntax)
		}
		if !raw && strings.IndexByte(a.Value, '#') >= 0 {
			return fmt.Errorf("rpsl: write %s: %s: value %q holds '#', which starts a comment (%s)", o.Attrs[0].Value, a.Name, a.Value, clauseSyntax)
		}
	}
	return nil
}
