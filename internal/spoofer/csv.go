package spoofer

import (
	"bytes"
	"errors"
	"fmt"
)

// The fields of a session, in the API's order (alphabetical), which is the
// order of the CSV columns a Writer writes.
const (
	fASN4 = iota
	fASN6
	fClient4
	fClient6
	fCountry
	fNAT4
	fNAT6
	fPrivate4
	fPrivate6
	fRouted4
	fRouted6
	fSession
	fTimestamp
	numFields
)

var fieldNames = [numFields]string{
	fASN4: "asn4", fASN6: "asn6", fClient4: "client4", fClient6: "client6", fCountry: "country",
	fNAT4: "nat4", fNAT6: "nat6", fPrivate4: "privatespoof", fPrivate6: "privatespoof6",
	fRouted4: "routedspoof", fRouted6: "routedspoof6", fSession: "session", fTimestamp: "timestamp",
}

// maxColumns bounds the columns of a CSV header.
const maxColumns = 256

// nextCSV reads lines until one holds a session. It reports whether it
// found one, and whether to go on.
func (r *Reader) nextCSV() (ok, more bool) {
	line, ok := r.readLine()
	if !ok {
		return false, false
	}
	if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
		return false, true
	}
	var err error
	r.fields, err = r.split(line, r.fields[:0])
	if r.cols == nil {
		if err == nil {
			err = r.header()
		}
		if err != nil {
			r.err = fmt.Errorf("spoofer: %s: line %d: CSV header: %w", r.name, r.line, err)
			return false, false
		}
		return false, true
	}
	r.records++
	if err == nil && len(r.fields) != len(r.cols) {
		err = fmt.Errorf("%d fields, the header has %d", len(r.fields), len(r.cols))
	}
	if err != nil {
		r.bad(&ParseError{Name: r.name, Line: r.line, Record: r.records, Offset: r.lineOff, Err: err})
		return false, r.err == nil
	}
	var w wireSession
	for i, f := range r.fields {
		switch r.cols[i] {
		case fSession:
			w.Session = csvNum(f)
		case fTimestamp:
			w.Timestamp.s = string(f)
		case fASN4:
			w.ASN4 = csvNum(f)
		case fASN6:
			w.ASN6 = csvNum(f)
		case fClient4:
			w.Client4.s = string(f)
		case fClient6:
			w.Client6.s = string(f)
		case fCountry:
			w.Country.s = string(f)
		case fNAT4:
			w.NAT4 = csvBool(f)
		case fNAT6:
			w.NAT6 = csvBool(f)
		case fPrivate4:
			w.PrivateSpoof.s = string(f)
		case fPrivate6:
			w.PrivateSpoof6.s = string(f)
		case fRouted4:
			w.RoutedSpoof.s = string(f)
		case fRouted6:
			w.RoutedSpoof6.s = string(f)
		}
	}
	return r.accept(&w, r.line, r.lineOff), r.err == nil
}

// header maps the columns of the header line in r.fields.
func (r *Reader) header() error {
	if len(r.fields) > maxColumns {
		return fmt.Errorf("%d columns, more than %d", len(r.fields), maxColumns)
	}
	cols := make([]int, len(r.fields))
	var seen [numFields]bool
	for i, f := range r.fields {
		cols[i] = -1
		name := string(bytes.ToLower(bytes.TrimSpace(f)))
		for j, n := range fieldNames {
			if n == name {
				if seen[j] {
					return fmt.Errorf("column %q twice", name)
				}
				seen[j] = true
				cols[i] = j
			}
		}
	}
	if !seen[fSession] || !seen[fTimestamp] {
		return errors.New(`the columns "session" and "timestamp" are required`)
	}
	r.cols = cols
	return nil
}

func csvNum(f []byte) num {
	var n num
	if len(f) > 0 {
		n.set = true
		n.parse(f, f)
	}
	return n
}

func csvBool(f []byte) boolean {
	switch string(f) {
	case "":
		return boolean{}
	case "true", "1":
		return boolean{v: BehindNAT}
	case "false", "0":
		return boolean{v: NoNAT}
	}
	return boolean{bad: short(f)}
}

// split cuts a CSV line into fields (RFC 4180, without line breaks inside
// quotes), appending them to dst. Quoted fields are unescaped into
// r.scratch, which the fields share until the next call.
func (r *Reader) split(line []byte, dst [][]byte) ([][]byte, error) {
	r.scratch = r.scratch[:0]
	// Unescaped fields must not move while later ones are appended:
	// size scratch for the whole line first.
	if cap(r.scratch) < len(line) {
		r.scratch = make([]byte, 0, len(line))
	}
	for {
		if len(dst) > maxColumns {
			return dst, fmt.Errorf("more than %d fields", maxColumns)
		}
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				return append(dst, line), nil
			}
			dst = append(dst, line[:i])
			line = line[i+1:]
			continue
		}
		start := len(r.scratch)
		i := 1
		for {
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				return dst, errors.New("a quoted field is not closed")
			}
			r.scratch = append(r.scratch, line[i:i+j]...)
			i += j + 1
			if i < len(line) && line[i] == '"' {
				r.scratch = append(r.scratch, '"')
				i++
				continue
			}
			break
		}
		dst = append(dst, r.scratch[start:len(r.scratch):len(r.scratch)])
		line = line[i:]
		if len(line) == 0 {
			return dst, nil
		}
		if line[0] != ',' {
			return dst, errors.New("text after a closing quote")
		}
		line = line[1:]
	}
}
