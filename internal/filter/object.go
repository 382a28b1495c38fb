package filter

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// MaxObjectLen is the longest object accepted, in bytes: bgpq4 builds its
// IRRd queries in 256-byte buffers.
const MaxObjectLen = 255

// Except is the word that separates the objects of a query from those
// left out of it, as in bgpq4: "AS-FOO EXCEPT AS-BAR AS64500".
const Except = "EXCEPT"

// ObjectKind says what an object of a query is.
type ObjectKind uint8

// Object kinds.
const (
	ObjectASN      ObjectKind = iota + 1 // an AS number: its route objects
	ObjectASSet                          // an as-set: the route objects of its ASes
	ObjectRouteSet                       // a route-set: its prefix ranges
	ObjectPrefix                         // a prefix, with a range operator
)

var objectKindNames = [...]string{ObjectASN: "AS number", ObjectASSet: "as-set", ObjectRouteSet: "route-set", ObjectPrefix: "prefix"}

// String returns "AS number", "as-set", "route-set" or "prefix".
func (k ObjectKind) String() string {
	if int(k) < len(objectKindNames) && objectKindNames[k] != "" {
		return objectKindNames[k]
	}
	return fmt.Sprintf("ObjectKind(%d)", k)
}

// Object is one object of a query, what bgpq4 calls an OBJECT.
type Object struct {
	// Text is the object as given.
	Text string
	// Source is the source named before "::" (RIPE in RIPE::AS-FOO),
	// upper case; "" for none. Only sets carry one.
	Source string
	Kind   ObjectKind
	// ASN is the AS number of an ObjectASN.
	ASN bgp.ASN
	// Name is the set name of an ObjectASSet or ObjectRouteSet, upper
	// case.
	Name string
	// Prefix and Op are the prefix and range operator of an
	// ObjectPrefix (RFC 2622 section 2), e.g. 192.0.2.0/24 and ^24-32.
	Prefix netip.Prefix
	Op     rpsl.RangeOp
}

// Query is the objects a filter is made of, and those left out of it.
type Query struct {
	Objects []Object
	// Except lists AS numbers and as-sets whose ASes are left out.
	Except []Object
}

// ParseObject parses one object: an AS number (AS64500), an as-set or a
// route-set name (AS-FOO, RS-FOO, AS64500:AS-CUSTOMERS), either of them
// after a source and "::" (RIPE::AS-FOO), or a prefix with an optional
// range operator (192.0.2.0/24, 2001:db8::/32^48, RFC 2622 section 2).
// Names are compared in upper case.
func ParseObject(s string) (Object, error) {
	o := Object{Text: s}
	if s == "" {
		return o, errors.New("empty object")
	}
	if len(s) > MaxObjectLen {
		return o, fmt.Errorf("object %.40q...: longer than %d bytes", s, MaxObjectLen)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return o, fmt.Errorf("object %q: byte %d is %q: objects are printable ASCII without spaces", s, i+1, c)
		}
	}
	if src, rest, ok := strings.Cut(s, "::"); ok && validSource(src) {
		if err := o.parseName(rest); err == nil {
			if o.Kind == ObjectASN {
				return o, fmt.Errorf("object %q: a source (%s::) applies to as-sets and route-sets, not to AS numbers", s, src)
			}
			o.Source = strings.ToUpper(src)
			return o, nil
		} else if !strings.ContainsAny(rest, "/^") {
			return o, fmt.Errorf("object %q: after %s:: %w", s, src, err)
		}
		// An IPv6 prefix such as abcd::/32: parsed below.
	}
	if isName(s) {
		if err := o.parseName(s); err != nil {
			return o, fmt.Errorf("object %q: %w", s, err)
		}
		return o, nil
	}
	if i := strings.IndexByte(s, '^'); strings.IndexByte(s, '/') < 0 || i >= 0 && i < strings.IndexByte(s, '/') {
		return o, fmt.Errorf("object %q is neither an AS number, a set name nor a prefix", s)
	}
	text, op, hasOp := strings.Cut(s, "^")
	p, err := rpsl.ParsePrefix(text)
	if err != nil {
		return o, fmt.Errorf("object %q: %w", s, err)
	}
	if hasOp {
		if o.Op, err = rpsl.ParseRangeOp("^" + op); err != nil {
			return o, fmt.Errorf("object %q: RFC 2622 section 2: %w", s, err)
		}
		lo, hi, ok := o.Op.Lengths(p.Bits(), p.Addr().BitLen())
		switch {
		case o.Op.Kind == rpsl.RangeLength && int(o.Op.Max) > p.Addr().BitLen():
			return o, fmt.Errorf("object %q: RFC 2622 section 2: range %s longer than /%d", s, o.Op, p.Addr().BitLen())
		case o.Op.Kind == rpsl.RangeLength && int(o.Op.Min) < p.Bits():
			return o, fmt.Errorf("object %q: RFC 2622 section 2: range %s starts shorter than /%d", s, o.Op, p.Bits())
		case !ok || lo > hi:
			return o, fmt.Errorf("object %q: RFC 2622 section 2: %s admits no prefix of %s", s, o.Op, p)
		}
	}
	o.Kind, o.Prefix = ObjectPrefix, p
	return o, nil
}

// isName reports whether s looks like an AS number or a set name rather
// than a prefix: it starts with AS or RS (any case), as bgpq4 decides.
func isName(s string) bool {
	return len(s) >= 2 && (s[0] == 'A' || s[0] == 'a' || s[0] == 'R' || s[0] == 'r') && (s[1] == 'S' || s[1] == 's')
}

// parseName parses an AS number or a set name into o.
func (o *Object) parseName(s string) error {
	if !isName(s) {
		return fmt.Errorf("%q is neither an AS number nor an as-set or route-set name", s)
	}
	if len(s) > 2 && s[2] >= '0' && s[2] <= '9' && !strings.Contains(s, ":") {
		asn, err := rpsl.ParseASN(s)
		if err != nil {
			return fmt.Errorf("not an AS number: %w", err)
		}
		o.Kind, o.ASN = ObjectASN, asn
		return nil
	}
	c, err := rpsl.ParseSetName(s)
	if err != nil {
		return fmt.Errorf("RFC 2622 section 5: %w", err)
	}
	switch c {
	case rpsl.ASSetClass:
		o.Kind = ObjectASSet
	case rpsl.RouteSetClass:
		o.Kind = ObjectRouteSet
	default:
		return fmt.Errorf("%q is %s name: filters are made of as-sets and route-sets", s, c)
	}
	o.Name = strings.ToUpper(s)
	return nil
}

// validSource reports whether s can name an IRR source: a letter, then
// letters, digits, "-" and "_" (RIPE, RIPE-NONAUTH, ALTDB).
func validSource(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// ParseQuery parses the objects of a query: the arguments of bgpq4, with
// the word EXCEPT before the AS numbers and as-sets to leave out. The
// error names the argument and its position.
func ParseQuery(args []string) (Query, error) {
	var q Query
	except := false
	for i, a := range args {
		if a == Except {
			if except {
				return q, fmt.Errorf("argument %d: %s given twice", i+1, Except)
			}
			except = true
			continue
		}
		o, err := ParseObject(a)
		if err != nil {
			return q, fmt.Errorf("argument %d: %w", i+1, err)
		}
		if !except {
			q.Objects = append(q.Objects, o)
			continue
		}
		if o.Kind != ObjectASN && o.Kind != ObjectASSet {
			return q, fmt.Errorf("argument %d: %s %q after %s: only AS numbers and as-sets can be left out", i+1, o.Kind, a, Except)
		}
		q.Except = append(q.Except, o)
	}
	if len(q.Objects) == 0 {
		return q, errors.New("no object: give AS numbers, as-sets, route-sets or prefixes")
	}
	return q, nil
}
