package rpki

import (
	"bufio"
	"errors"
	"fmt"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// The JSON members read, by exporter:
//
//	rpki-client -j:  {"metadata": {"buildtime": "2024-01-02T03:04:05Z", ...},
//	                  "roas": [{"asn": 13335, "prefix": "1.0.0.0/24", "maxLength": 24,
//	                            "ta": "apnic", "expires": 1700000000}, ...],
//	                  "aspas": [{"customer_asid": 64496, "expires": 1700000000,
//	                             "providers": [64497, 64498]}, ...]}
//	rpki-client 8.x: "provider_authorizations": {"ipv4": [<aspa>...], "ipv6": [...]}
//	Routinator:      {"metadata": {"generated": 1700000000, "generatedTime": "..."},
//	                  "roas": [{"asn": "AS13335", "prefix": ..., "maxLength": 24, "ta": "apnic"}],
//	                  "aspas": [{"customer": "AS64496", "providers": ["AS64497"], "ta": "ripe"}]}
//	StayRTR/GoRTR:   "roas" as rpki-client, "asn" a number or an "AS" string.
//
// Unknown members are skipped. An absent maxLength means the prefix
// length (RFC 6482 section 3.3).

type jsonLoader struct {
	s      *scanner
	name   string
	strict bool
	set    *Set
	stats  Stats
	tas    interner
	prefix []byte
}

func loadJSON(br *bufio.Reader, name string, opts LoadOptions) (*Set, Stats, error) {
	// A UTF-8 byte order mark, which RFC 8259 section 8.1 allows a parser
	// to ignore, is skipped; offsets in errors still count it.
	var skipped int
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		skipped, _ = br.Discard(len(utf8BOM))
	}
	l := &jsonLoader{s: newScanner(br), name: name, strict: opts.Strict, set: &Set{}, tas: interner{}}
	l.s.off = int64(skipped)
	err := l.top()
	if err == nil {
		err = l.s.finish()
	}
	if err != nil {
		var re *RecordError
		if !errors.As(err, &re) {
			err = fmt.Errorf("rpki: %s: %w", name, err)
		}
	}
	return l.set, l.stats, err
}

func (l *jsonLoader) top() error {
	if l.s.next() != kindObject {
		return l.s.errorf("top-level value is not an object")
	}
	return l.s.object(func(key []byte) error {
		switch string(key) {
		case "roas", "roa":
			return l.list("roas", l.roa)
		case "aspas":
			return l.list("aspas", l.aspa)
		case "provider_authorizations":
			if l.s.next() != kindObject {
				return l.s.errorf("provider_authorizations is not an object")
			}
			return l.s.object(func(key []byte) error {
				return l.list("provider_authorizations", l.aspa)
			})
		case "metadata":
			return l.metadata()
		default:
			return l.s.skip(1)
		}
	})
}

func (l *jsonLoader) list(what string, elem func() error) error {
	if l.s.next() != kindArray {
		return l.s.errorf("%s is not an array", what)
	}
	return l.s.array(elem)
}

// bad counts or reports a bad record.
func (l *jsonLoader) bad(line int, r Reason, err error) error {
	if l.strict {
		return &RecordError{Source: l.name, Line: line, Reason: r, Err: err}
	}
	l.stats.Skipped[r]++
	return nil
}

// scalar reads a string or a number; other values are skipped and reported
// as errNotScalar.
func (l *jsonLoader) scalar() (isString bool, tok []byte, err error) {
	switch l.s.next() {
	case kindString:
		tok, err = l.s.readString()
		return true, tok, err
	case kindBare:
		tok, err = l.s.readBare()
		return false, tok, err
	}
	if err := l.s.skip(1); err != nil {
		return false, nil, err
	}
	return false, nil, errNotScalar
}

// fieldError remembers the first problem of a record.
type fieldError struct {
	reason Reason
	err    error
}

func (f *fieldError) set(r Reason, err error) {
	if f.err == nil {
		f.reason, f.err = r, err
	}
}

func (l *jsonLoader) roa() error {
	l.s.peek()
	line := l.s.line
	if l.s.next() != kindObject {
		if err := l.s.skip(1); err != nil {
			return err
		}
		return l.bad(line, ReasonField, errors.New("roas element is not an object"))
	}
	var (
		fe       fieldError
		havePfx  bool
		haveASN  bool
		asn      bgp.ASN
		maxLen   int64 = -1
		ta       string
		expires  int64
		isString bool
		tok      []byte
		err      error
	)
	err = l.s.object(func(key []byte) error {
		switch string(key) {
		case "prefix":
			if isString, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			if err != nil || !isString {
				fe.set(ReasonPrefix, errors.New("prefix is not a string"))
				return nil
			}
			l.prefix = append(l.prefix[:0], tok...)
			havePfx = true
		case "asn":
			if isString, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			a, aerr := parseJSONASN(isString, tok)
			if err != nil || aerr != nil {
				fe.set(ReasonASN, fmt.Errorf("bad asn %q", tok))
				return nil
			}
			asn, haveASN = a, true
		case "maxLength", "maxlength", "max_length":
			if _, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			n, ok := parseUintBytes(tok, 255)
			if err != nil || !ok {
				fe.set(ReasonMaxLength, fmt.Errorf("bad maxLength %q", tok))
				return nil
			}
			maxLen = int64(n)
		case "ta":
			if isString, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			if err != nil || !isString {
				fe.set(ReasonField, errors.New("ta is not a string"))
				return nil
			}
			ta = l.tas.get(tok)
		case "expires":
			if _, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			n, ok := parseUintBytes(tok, 1<<62)
			if err != nil || !ok {
				fe.set(ReasonField, fmt.Errorf("bad expires %q", tok))
				return nil
			}
			expires = int64(n)
		default:
			return l.s.skip(1)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if fe.err != nil {
		return l.bad(line, fe.reason, fe.err)
	}
	if !havePfx || !haveASN {
		return l.bad(line, ReasonMissing, errors.New("roa without prefix or asn"))
	}
	v, r, verr := checkVRP(string(l.prefix), maxLen, asn, ta, expires)
	if verr != nil {
		return l.bad(line, r, verr)
	}
	l.set.VRPs = append(l.set.VRPs, v)
	l.stats.VRPs++
	return nil
}

func (l *jsonLoader) aspa() error {
	l.s.peek()
	line := l.s.line
	if l.s.next() != kindObject {
		if err := l.s.skip(1); err != nil {
			return err
		}
		return l.bad(line, ReasonField, errors.New("aspas element is not an object"))
	}
	var (
		fe           fieldError
		a            ASPA
		haveCustomer bool
		haveProv     bool
		tok          []byte
		isString     bool
		err          error
	)
	err = l.s.object(func(key []byte) error {
		switch string(key) {
		case "customer_asid", "customer", "customerAsid":
			if isString, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			c, cerr := parseJSONASN(isString, tok)
			if err != nil || cerr != nil {
				fe.set(ReasonASN, fmt.Errorf("bad customer %q", tok))
				return nil
			}
			a.Customer, haveCustomer = c, true
		case "providers", "provider_asids":
			haveProv = true
			if l.s.next() != kindArray {
				fe.set(ReasonProviders, errors.New("providers is not an array"))
				return l.s.skip(1)
			}
			a.Providers = a.Providers[:0]
			return l.s.array(func() error {
				isString, tok, err := l.scalar()
				if err != nil && !errors.Is(err, errNotScalar) {
					return err
				}
				p, perr := parseJSONASN(isString, tok)
				if err != nil || perr != nil {
					fe.set(ReasonASN, fmt.Errorf("bad provider %q", tok))
					return nil
				}
				if len(a.Providers) >= MaxProviders {
					fe.set(ReasonProviders, fmt.Errorf("more than %d providers", MaxProviders))
					return nil
				}
				a.Providers = append(a.Providers, p)
				return nil
			})
		case "ta":
			if isString, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			if err != nil || !isString {
				fe.set(ReasonField, errors.New("ta is not a string"))
				return nil
			}
			a.TA = l.tas.get(tok)
		case "expires":
			if _, tok, err = l.scalar(); err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			n, ok := parseUintBytes(tok, 1<<62)
			if err != nil || !ok {
				fe.set(ReasonField, fmt.Errorf("bad expires %q", tok))
				return nil
			}
			a.Expires = int64(n)
		default:
			return l.s.skip(1)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if fe.err != nil {
		return l.bad(line, fe.reason, fe.err)
	}
	if !haveCustomer || !haveProv {
		return l.bad(line, ReasonMissing, errors.New("aspa without customer or providers"))
	}
	if r, err := checkASPA(&a); err != nil {
		return l.bad(line, r, err)
	}
	l.set.ASPAs = append(l.set.ASPAs, a)
	l.stats.ASPAs++
	return nil
}

// metadata reads the build time; other members and bad values are ignored.
func (l *jsonLoader) metadata() error {
	if l.s.next() != kindObject {
		return l.s.skip(1)
	}
	return l.s.object(func(key []byte) error {
		switch string(key) {
		case "buildtime", "generatedTime":
			isString, tok, err := l.scalar()
			if err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			if isString {
				if t, err := time.Parse(time.RFC3339, string(tok)); err == nil {
					l.set.Metadata.BuildTime = t.UTC()
				}
			}
		case "generated":
			_, tok, err := l.scalar()
			if err != nil && !errors.Is(err, errNotScalar) {
				return err
			}
			if n, ok := parseUintBytes(tok, 1<<40); ok && l.set.Metadata.BuildTime.IsZero() {
				l.set.Metadata.BuildTime = time.Unix(int64(n), 0).UTC()
			}
		default:
			return l.s.skip(1)
		}
		return nil
	})
}

// parseUintBytes parses a decimal integer of at most max.
func parseUintBytes(b []byte, max uint64) (uint64, bool) {
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

// parseJSONASN parses an ASN from a JSON value: a string holds any form
// parseASNBytes reads ("AS64500", "64500", asdot "1.10"), a bare number
// must be a non-negative integer without fraction or exponent, so that
// 13335.0 is not read as the asdot 13335.0.
func parseJSONASN(isString bool, tok []byte) (bgp.ASN, error) {
	if isString {
		return parseASNBytes(tok)
	}
	n, ok := parseUintBytes(tok, 1<<32-1)
	if !ok {
		return 0, errors.New("ASN is not an integer from 0 to 4294967295")
	}
	return bgp.ASN(n), nil
}

// parseASNBytes parses an ASN written as a number, "AS64500" or asdot.
func parseASNBytes(b []byte) (bgp.ASN, error) {
	t := b
	if len(t) >= 2 && (t[0] == 'A' || t[0] == 'a') && (t[1] == 'S' || t[1] == 's') {
		t = t[2:]
	}
	if n, ok := parseUintBytes(t, 1<<32-1); ok {
		return bgp.ASN(n), nil
	}
	if len(b) > 32 {
		return 0, errors.New("ASN too long")
	}
	return bgp.ParseASN(string(b))
}
