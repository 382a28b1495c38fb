package rpki

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// The CSV dialects, told apart by their header line (case, spaces and
// double quotes around a column name do not matter):
//
//	rpki-client:         ASN,IP Prefix,Max Length,Trust Anchor,Expires
//	Routinator csv:      ASN,IP Prefix,Max Length,Trust Anchor
//	RIPE NCC Validator,
//	Routinator csvcompat: "ASN","IP Prefix","Max Length","Trust Anchor"
//	Routinator csvext:   URI,ASN,IP Prefix,Max Length,Not Before,Not After
//	RIPE rpki-irr-bgp-stats: ASN,IP Prefix,Max Length
//
// Columns are found by name, so any order works; "Not After" (csvext)
// becomes the expiry. A file without a header is read as rpki-client's
// column order when its first line starts with an ASN and a prefix. Lines
// starting with '#' and blank lines are skipped.

type column uint8

const (
	colIgnore column = iota
	colASN
	colPrefix
	colMaxLen
	colTA
	colExpires
	colNotAfter
)

var columnNames = map[string]column{
	"asn":          colASN,
	"ip prefix":    colPrefix,
	"prefix":       colPrefix,
	"max length":   colMaxLen,
	"maxlength":    colMaxLen,
	"max_length":   colMaxLen,
	"trust anchor": colTA,
	"ta":           colTA,
	"expires":      colExpires,
	"not after":    colNotAfter,
}

// csvextTime is the time format of Routinator's csvext.
const csvextTime = "2006-01-02 15:04:05"

const maxCSVFields = 16

func loadCSV(br *bufio.Reader, name string, opts LoadOptions) (*Set, Stats, error) {
	var (
		set     = &Set{}
		stats   Stats
		tas     = interner{}
		cols    []column
		fields  [maxCSVFields][]byte
		line    int
		partial bool // the previous read ended inside a too-long line
	)
	bad := func(r Reason, err error) error {
		if opts.Strict {
			return &RecordError{Source: name, Line: line, Reason: r, Err: err}
		}
		stats.Skipped[r]++
		return nil
	}
	for {
		raw, err := br.ReadSlice('\n')
		if len(raw) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return set, stats, fmt.Errorf("rpki: %s: line %d: %w", name, line+1, err)
		}
		if partial {
			partial = errors.Is(err, bufio.ErrBufferFull)
			continue
		}
		line++
		if errors.Is(err, bufio.ErrBufferFull) {
			partial = true
			if rerr := bad(ReasonField, fmt.Errorf("line longer than %d bytes", br.Size())); rerr != nil {
				return set, stats, rerr
			}
			continue
		}
		text := bytes.TrimSpace(raw)
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte(utf8BOM))
		}
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		n := splitCSV(text, &fields)
		if cols == nil {
			var header bool
			cols, header = csvColumns(fields[:n])
			if cols == nil {
				return set, stats, fmt.Errorf("rpki: %s: line %d: unknown CSV dialect (header %q): %w", name, line, quoteShort(text), ErrSyntax)
			}
			if header {
				continue
			}
		}
		v, r, verr := csvRecord(fields[:n], cols, tas)
		if verr != nil {
			if rerr := bad(r, verr); rerr != nil {
				return set, stats, rerr
			}
			continue
		}
		set.VRPs = append(set.VRPs, v)
		stats.VRPs++
	}
	return set, stats, nil
}

// maxQuoted is how much of an offending line an error quotes.
const maxQuoted = 80

// quoteShort returns b, cut to maxQuoted bytes with "..." appended when
// longer, for quoting in an error.
func quoteShort(b []byte) string {
	if len(b) <= maxQuoted {
		return string(b)
	}
	return string(b[:maxQuoted]) + "..."
}

// splitCSV splits a line at commas, trimming spaces and one pair of double
// quotes around each field. Fields past maxCSVFields are dropped.
func splitCSV(text []byte, out *[maxCSVFields][]byte) int {
	n := 0
	for n < maxCSVFields {
		f, rest, more := bytes.Cut(text, []byte{','})
		f = bytes.TrimSpace(f)
		if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
			f = f[1 : len(f)-1]
		}
		out[n] = f
		n++
		if !more {
			break
		}
		text = rest
	}
	return n
}

// csvColumns maps a header to columns. Without a header, a first line that
// starts with an ASN and a prefix selects rpki-client's column order.
func csvColumns(f [][]byte) (cols []column, header bool) {
	cols = make([]column, len(f))
	var haveASN, havePrefix bool
	for i, name := range f {
		c := columnNames[strings.ToLower(string(name))]
		cols[i] = c
		haveASN = haveASN || c == colASN
		havePrefix = havePrefix || c == colPrefix
	}
	if haveASN && havePrefix {
		return cols, true
	}
	if len(f) >= 2 {
		if _, err := parseASNBytes(f[0]); err == nil && bytes.IndexByte(f[1], '/') > 0 {
			order := []column{colASN, colPrefix, colMaxLen, colTA, colExpires}
			return order, false
		}
	}
	return nil, false
}

func csvRecord(f [][]byte, cols []column, tas interner) (VRP, Reason, error) {
	var (
		prefix           []byte
		asn              bgp.ASN
		maxLen           int64 = -1
		ta               string
		expires          int64
		havePfx, haveASN bool
		v                VRP
	)
	for i, c := range cols {
		if i >= len(f) {
			if c == colASN || c == colPrefix {
				return v, ReasonMissing, fmt.Errorf("%d columns, want %d", len(f), len(cols))
			}
			break
		}
		b := f[i]
		switch c {
		case colASN:
			a, err := parseASNBytes(b)
			if err != nil {
				return v, ReasonASN, fmt.Errorf("bad ASN %q", b)
			}
			asn, haveASN = a, true
		case colPrefix:
			prefix, havePfx = b, true
		case colMaxLen:
			if len(b) == 0 {
				continue
			}
			n, ok := parseUintBytes(b, 255)
			if !ok {
				return v, ReasonMaxLength, fmt.Errorf("bad max length %q", b)
			}
			maxLen = int64(n)
		case colTA:
			ta = tas.get(b)
		case colExpires:
			if len(b) == 0 {
				continue
			}
			n, ok := parseUintBytes(b, 1<<62)
			if !ok {
				return v, ReasonField, fmt.Errorf("bad expires %q", b)
			}
			expires = int64(n)
		case colNotAfter:
			if len(b) == 0 || string(b) == "N/A" {
				continue
			}
			t, err := time.Parse(csvextTime, string(b))
			if err != nil {
				return v, ReasonField, fmt.Errorf("bad Not After %q", b)
			}
			expires = t.Unix()
		}
	}
	if !havePfx || !haveASN {
		return v, ReasonMissing, errors.New("record without prefix or ASN")
	}
	return checkVRP(string(prefix), maxLen, asn, ta, expires)
}
