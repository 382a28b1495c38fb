package rpsl

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
)

// RangeKind is the kind of an address prefix range operator (RFC 2622
// section 2, RFC 4012 section 2.4).
type RangeKind uint8

// Range operator kinds.
const (
	RangeNone   RangeKind = iota // no operator: the prefix itself
	RangeMinus                   // ^-: the more specifics, not the prefix
	RangePlus                    // ^+: the prefix and its more specifics
	RangeLength                  // ^n or ^n-m: the more specifics of lengths n to m
)

var rangeKindNames = [...]string{RangeNone: "none", RangeMinus: "^-", RangePlus: "^+", RangeLength: "^n-m"}

// String returns "none", "^-", "^+" or "^n-m".
func (k RangeKind) String() string {
	if int(k) < len(rangeKindNames) {
		return rangeKindNames[k]
	}
	return "RangeKind(" + strconv.Itoa(int(k)) + ")"
}

// RangeOp is an address prefix range operator. For RangeLength, Min and
// Max are n and m (equal for ^n); they are zero for the other kinds.
type RangeOp struct {
	Kind     RangeKind
	Min, Max uint8
}

// String returns the operator as written in RPSL: "", "^-", "^+", "^24"
// or "^24-32".
func (op RangeOp) String() string {
	switch op.Kind {
	case RangeMinus:
		return "^-"
	case RangePlus:
		return "^+"
	case RangeLength:
		if op.Min == op.Max {
			return "^" + strconv.Itoa(int(op.Min))
		}
		return "^" + strconv.Itoa(int(op.Min)) + "-" + strconv.Itoa(int(op.Max))
	}
	return ""
}

// Lengths returns the prefix lengths the operator admits for a prefix of
// length bits in an address family of maxBits (32 or 128); ok is false
// when it admits none (^- on a host route, ^n-m wholly shorter than the
// prefix).
func (op RangeOp) Lengths(bits, maxBits int) (lo, hi int, ok bool) {
	switch op.Kind {
	case RangeMinus:
		lo, hi = bits+1, maxBits
	case RangePlus:
		lo, hi = bits, maxBits
	case RangeLength:
		lo, hi = max(int(op.Min), bits), min(int(op.Max), maxBits)
	default:
		lo, hi = bits, bits
	}
	return lo, hi, lo <= hi
}

// ParseRangeOp parses a range operator: "", "^-", "^+", "^n" or "^n-m"
// with n <= m <= 128.
func ParseRangeOp(s string) (RangeOp, error) {
	switch s {
	case "":
		return RangeOp{}, nil
	case "^-":
		return RangeOp{Kind: RangeMinus}, nil
	case "^+":
		return RangeOp{Kind: RangePlus}, nil
	}
	if len(s) < 2 || s[0] != '^' {
		return RangeOp{}, fmt.Errorf("range operator %q: want ^-, ^+, ^n or ^n-m", s)
	}
	lo, hi, isRange := strings.Cut(s[1:], "-")
	n, err1 := parseLength(lo)
	m, err2 := n, error(nil)
	if isRange {
		m, err2 = parseLength(hi)
	}
	if err1 != nil || err2 != nil {
		return RangeOp{}, fmt.Errorf("range operator %q: want ^-, ^+, ^n or ^n-m with n and m in 0-128", s)
	}
	if n > m {
		return RangeOp{}, fmt.Errorf("range operator %q: %d > %d", s, n, m)
	}
	return RangeOp{Kind: RangeLength, Min: uint8(n), Max: uint8(m)}, nil
}

// parseLength parses a prefix length, 0-128.
func parseLength(s string) (int, error) {
	if s == "" || len(s) > 3 {
		return 0, errors.New("bad length")
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, errors.New("bad length")
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 128 {
		return 0, errors.New("bad length")
	}
	return n, nil
}

// MemberKind tells what a set member is.
type MemberKind uint8

// Member kinds.
const (
	MemberASN    MemberKind = iota + 1 // an AS number
	MemberSet                          // a set name
	MemberPrefix                       // an address prefix
)

var memberKindNames = [...]string{MemberASN: "asn", MemberSet: "set", MemberPrefix: "prefix"}

// String returns "asn", "set" or "prefix".
func (k MemberKind) String() string {
	if k > 0 && int(k) < len(memberKindNames) {
		return memberKindNames[k]
	}
	return "MemberKind(" + strconv.Itoa(int(k)) + ")"
}

// Member is one item of a members or mp-members list.
type Member struct {
	Kind   MemberKind
	ASN    bgp.ASN      // MemberASN
	Set    string       // MemberSet: the name in upper case
	Prefix netip.Prefix // MemberPrefix
	// Op is the range operator after the member (route-set members
	// only).
	Op RangeOp
}

// String returns the member in canonical form: "AS64500", "AS-FOO",
// "192.0.2.0/24^+".
func (m Member) String() string {
	var s string
	switch m.Kind {
	case MemberASN:
		s = m.ASN.String()
	case MemberSet:
		s = m.Set
	case MemberPrefix:
		s = m.Prefix.String()
	}
	return s + m.Op.String()
}

// ParseASSetMember parses an item of an as-set's members: an AS number or
// an as-set name (RFC 2622 section 5.1). A range of AS numbers such as
// "AS1-AS5" is not RPSL and is refused.
func ParseASSetMember(s string) (Member, error) {
	if n, ok := parseMemberASN(s); ok {
		return Member{Kind: MemberASN, ASN: n}, nil
	}
	c, err := ParseSetName(s)
	if err != nil {
		return Member{}, fmt.Errorf("as-set member %q: neither an AS number nor an as-set name: %w", s, err)
	}
	if c != ASSetClass {
		return Member{}, fmt.Errorf("as-set member %q is %s name, not an as-set name", s, c.article())
	}
	return Member{Kind: MemberSet, Set: strings.ToUpper(s)}, nil
}

// ParseRouteSetMember parses an item of a route-set's members (mp false:
// IPv4 prefixes; RFC 2622 section 5.2) or mp-members (mp true: IPv4 and
// IPv6 prefixes; RFC 4012 section 4.2): an address prefix, a route-set
// or as-set name, or an AS number, each with an optional range operator.
// The operator of a prefix must fit its family and, for ^n-m, not start
// shorter than the prefix.
func ParseRouteSetMember(s string, mp bool) (Member, error) {
	base, opText := s, ""
	if i := strings.IndexByte(s, '^'); i >= 0 {
		base, opText = s[:i], s[i:]
	}
	op, err := ParseRangeOp(opText)
	if err != nil {
		return Member{}, fmt.Errorf("route-set member %q: %w", s, err)
	}
	if strings.IndexByte(base, '/') >= 0 {
		p, err := ParsePrefix(base)
		if err != nil {
			return Member{}, fmt.Errorf("route-set member %q: %w", s, err)
		}
		if !mp && !p.Addr().Is4() {
			return Member{}, fmt.Errorf("route-set member %q: an IPv6 prefix belongs in mp-members (RFC 4012 4.2)", s)
		}
		if op.Kind == RangeLength {
			if int(op.Max) > p.Addr().BitLen() {
				return Member{}, fmt.Errorf("route-set member %q: range longer than /%d", s, p.Addr().BitLen())
			}
			if int(op.Min) < p.Bits() {
				return Member{}, fmt.Errorf("route-set member %q: range starts shorter than the prefix", s)
			}
		}
		return Member{Kind: MemberPrefix, Prefix: p, Op: op}, nil
	}
	if n, ok := parseMemberASN(base); ok {
		return Member{Kind: MemberASN, ASN: n, Op: op}, nil
	}
	c, err := ParseSetName(base)
	if err != nil {
		return Member{}, fmt.Errorf("route-set member %q: neither a prefix, an AS number nor a set name: %w", s, err)
	}
	if c != RouteSetClass && c != ASSetClass {
		return Member{}, fmt.Errorf("route-set member %q is %s name, not a route-set or as-set name", s, c.article())
	}
	return Member{Kind: MemberSet, Set: strings.ToUpper(base), Op: op}, nil
}

// parseMemberASN parses an AS number member; "AS-..." set names and
// "AS1-AS5" ranges are not AS numbers.
func parseMemberASN(s string) (bgp.ASN, bool) {
	if len(s) < 3 || !isDigit(s[2]) {
		return 0, false
	}
	n, err := ParseASN(s)
	return n, err == nil
}

// ParsePrefix parses an address prefix as registries write it: IPv4
// dotted quad (leading zeros allowed and read as decimal, as IRRd does)
// or IPv6, "/" and the length; the bits after the length must be zero
// (RFC 2622 section 2, RFC 4012 section 2.4).
func ParsePrefix(s string) (netip.Prefix, error) {
	addrText, lenText, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, fmt.Errorf("prefix %q: no \"/\"", s)
	}
	addr, err := ParseAddr(addrText)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix %q: %w", s, err)
	}
	bits, err := parseLength(lenText)
	if err != nil || bits > addr.BitLen() {
		return netip.Prefix{}, fmt.Errorf("prefix %q: length must be 0-%d", s, addr.BitLen())
	}
	p := netip.PrefixFrom(addr, bits)
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %q: bits set after the prefix length (%s)", s, p.Masked())
	}
	return p, nil
}

// ParseAddr parses an IPv4 or IPv6 address; IPv4 octets may have leading
// zeros, read as decimal. Zones are refused.
func ParseAddr(s string) (netip.Addr, error) {
	if strings.IndexByte(s, ':') < 0 {
		return parseIPv4(s)
	}
	if strings.IndexByte(s, '%') >= 0 {
		return netip.Addr{}, fmt.Errorf("address %q has a zone", s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, err
	}
	return a, nil
}

func parseIPv4(s string) (netip.Addr, error) {
	var b [4]byte
	rest := s
	for i := range b {
		part := rest
		if i < 3 {
			var ok bool
			part, rest, ok = strings.Cut(rest, ".")
			if !ok {
				return netip.Addr{}, fmt.Errorf("IPv4 address %q: want four dotted octets", s)
			}
		}
		if part == "" || len(part) > 3 {
			return netip.Addr{}, fmt.Errorf("IPv4 address %q: bad octet %q", s, part)
		}
		n := 0
		for j := 0; j < len(part); j++ {
			if !isDigit(part[j]) {
				return netip.Addr{}, fmt.Errorf("IPv4 address %q: bad octet %q", s, part)
			}
			n = n*10 + int(part[j]-'0')
		}
		if n > 255 {
			return netip.Addr{}, fmt.Errorf("IPv4 address %q: octet %d over 255", s, n)
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), nil
}
