package acl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
)

// From says why a prefix is among a customer's sources.
type From uint8

// Where the sources of a filter come from.
const (
	FromIRR    From = iota + 1 // a route or route6 object of the customer's AS or as-set
	FromRoutes                 // a route originated by the customer's cone, seen in routing data
	FromPermit                 // named by the operator (the interconnection subnet, say)
)

var fromNames = [...]string{FromIRR: "route object", FromRoutes: "routing data", FromPermit: "permitted"}

// String names the origin of a source: "route object", "routing data" or
// "permitted".
func (f From) String() string {
	if int(f) < len(fromNames) && fromNames[f] != "" {
		return fromNames[f]
	}
	return fmt.Sprintf("From(%d)", f)
}

// Source is a prefix that a customer may use as the source address of
// its packets.
type Source struct {
	Prefix netip.Prefix
	From   From
	// Origins are the ASes that register or originate it (none for
	// FromPermit).
	Origins []bgp.ASN
}

// Options say what filter to build.
type Options struct {
	// Name is the filter's name, checked with ParseName.
	Name string
	// Interface is the customer-facing interface the filter is applied
	// to, checked with ParseInterface and the format's rules; "" writes
	// the filter alone.
	Interface string
	// Object names the customer in comments: "AS64500", "AS-EXAMPLE".
	Object string
	// IPv4 and IPv6 select the families written; at least one.
	IPv4, IPv6 bool
	// Bogons is the bogon space whose addresses are never permitted,
	// even when registered; nil for bogon.Default(), the IANA
	// special-purpose registries. Sources FromPermit are not checked.
	Bogons *bogon.Set
	// AllowEmpty writes a family with no source prefix, which denies
	// every packet of the family; without it Build refuses with an
	// *EmptyError.
	AllowEmpty bool
}

// Filter is an ingress anti-spoofing filter (BCP 38, RFC 2827 section 3;
// BCP 84, RFC 3704 section 2.1): the source prefixes permitted on a
// customer-facing interface, aggregated, the rest denied and logged.
type Filter struct {
	Name      string
	Interface string
	Object    string
	// IPv4 and IPv6 tell the families written.
	IPv4, IPv6 bool
	// V4 and V6 are the permitted source prefixes, aggregated (Aggregate)
	// and sorted.
	V4, V6 []netip.Prefix
	// Counts are the distinct source prefixes of each origin before
	// aggregation, bogons left out.
	Counts map[From]int
}

// Note tells that a source overlaps bogon space: all of it was left out
// (Dropped), or the bogon parts, Kept being what remains.
type Note struct {
	Source  Source
	Bogon   bogon.Match
	Dropped bool
	Kept    []netip.Prefix
}

func (n Note) String() string {
	e := n.Bogon.Entry
	what := map[From]string{FromIRR: "registered prefix", FromRoutes: "routed prefix", FromPermit: "permitted prefix"}[n.Source.From]
	if n.Dropped && len(n.Kept) == 0 && n.Bogon.Relation == bogon.CoveredBy {
		return fmt.Sprintf("%s %s lies in bogon space %s (%s): not permitted", what, n.Source.Prefix, e.Prefix, e.Name)
	}
	if len(n.Kept) == 0 {
		return fmt.Sprintf("%s %s covers bogon space %s (%s) and more: not permitted", what, n.Source.Prefix, e.Prefix, e.Name)
	}
	kept := make([]string, len(n.Kept))
	for i, p := range n.Kept {
		kept[i] = p.String()
	}
	return fmt.Sprintf("%s %s covers bogon space %s (%s): only %s permitted", what, n.Source.Prefix, e.Prefix, e.Name, strings.Join(kept, " "))
}

// EmptyError is Build's refusal to write a family that has no source
// prefix: its filter would drop every packet of the family from the
// customer.
type EmptyError struct {
	Object string
	V6     bool
}

func (e *EmptyError) Error() string {
	fam := "IPv4"
	if e.V6 {
		fam = "IPv6"
	}
	return fmt.Sprintf("no %s source prefix for %s: the filter would drop all its %s traffic", fam, e.Object, fam)
}

// maxBogonHoles bounds the bogon entries cut out of one source prefix; a
// prefix overlapping more (an aggregate over a fullbogons list) is left
// out whole rather than cut into pieces.
const maxBogonHoles = 4096

// Build makes the filter of sources. Sources in bogon space are left
// out, and the bogon parts of sources that cover bogon space are cut
// out, each with a Note; sources of a family not selected, and
// IPv4-mapped IPv6 prefixes, are ignored.
// The error is a bad name or interface, or an *EmptyError.
func Build(sources []Source, opt Options) (*Filter, []Note, error) {
	name, err := ParseName(opt.Name)
	if err != nil {
		return nil, nil, err
	}
	if opt.Interface != "" {
		if err := ParseInterface(opt.Interface); err != nil {
			return nil, nil, err
		}
	}
	if !opt.IPv4 && !opt.IPv6 {
		return nil, nil, fmt.Errorf("no address family selected")
	}
	bogons := opt.Bogons
	if bogons == nil {
		bogons = bogon.Default()
	}
	f := &Filter{Name: name, Interface: opt.Interface, Object: commentSafe(opt.Object), IPv4: opt.IPv4, IPv6: opt.IPv6, Counts: map[From]int{}}
	var notes []Note
	var v4, v6 []netip.Prefix
	type key struct {
		p    netip.Prefix
		from From
	}
	seen := make(map[key]bool)
	var matches []bogon.Match
	for _, s := range sources {
		if !s.Prefix.IsValid() || s.Prefix.Addr().Is4In6() {
			continue // no router filters IPv4 sources as IPv6 ones
		}
		p := s.Prefix.Masked()
		if p.Addr().Is4() && !opt.IPv4 || !p.Addr().Is4() && !opt.IPv6 {
			continue
		}
		k := key{p, s.From}
		if seen[k] {
			continue
		}
		seen[k] = true
		kept := []netip.Prefix{p}
		if s.From != FromPermit {
			if m, ok := bogons.Covering(p); ok {
				notes = append(notes, Note{Source: s, Bogon: m, Dropped: true})
				continue
			}
			matches = bogons.AppendOverlapping(matches[:0], p, maxBogonHoles+1)
			if len(matches) > maxBogonHoles {
				notes = append(notes, Note{Source: s, Bogon: matches[0], Dropped: true})
				continue
			}
			if len(matches) > 0 {
				holes := make([]netip.Prefix, len(matches))
				for i, m := range matches {
					holes[i] = m.Prefix
				}
				kept = Subtract(kept, holes)
				notes = append(notes, Note{Source: s, Bogon: matches[0], Dropped: len(kept) == 0, Kept: kept})
			}
		}
		if len(kept) == 0 {
			continue
		}
		f.Counts[s.From]++
		if p.Addr().Is4() {
			v4 = append(v4, kept...)
		} else {
			v6 = append(v6, kept...)
		}
	}
	f.V4, f.V6 = Aggregate(v4), Aggregate(v6)
	if !opt.AllowEmpty {
		if opt.IPv4 && len(f.V4) == 0 {
			return nil, notes, &EmptyError{Object: f.Object}
		}
		if opt.IPv6 && len(f.V6) == 0 {
			return nil, notes, &EmptyError{Object: f.Object, V6: true}
		}
	}
	return f, notes, nil
}

// MaxNameLen is the longest filter name: iptables's limit on chain names
// (28 characters), the tightest of the formats.
const MaxNameLen = 28

// ParseName checks a filter name: a letter, then letters, digits, "-" and
// "_", at most MaxNameLen characters, which every format takes unquoted.
func ParseName(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("filter name: empty")
	}
	if len(s) > MaxNameLen {
		return "", fmt.Errorf("filter name %.40q: longer than %d characters", s, MaxNameLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c), i > 0 && (isDigit(c) || c == '-' || c == '_'):
		default:
			return "", fmt.Errorf("filter name %q: character %d is %q: a name is a letter, then letters, digits, '-' and '_'", s, i+1, c)
		}
	}
	return s, nil
}

// DefaultName is the name of the filter of object (an AS number or an
// as-set) when none is given: "ANTISPOOF-" and the object, ':' turned
// into '-', cut to MaxNameLen characters.
func DefaultName(object string) string {
	var b strings.Builder
	b.WriteString("ANTISPOOF-")
	for i := 0; i < len(object) && b.Len() < MaxNameLen; i++ {
		c := object[i]
		switch {
		case isLetter(c), isDigit(c), c == '-', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// MaxInterfaceLen is the longest interface name accepted.
const MaxInterfaceLen = 64

// ParseInterface checks an interface name as every format takes it: a
// letter, then letters, digits and the characters "/", ".", ":", "-"
// and "_" (GigabitEthernet0/0/0/1, xe-0/0/1.100, Ethernet1, eth0), at
// most MaxInterfaceLen characters. Formats add their own rules
// (Format.CheckInterface).
func ParseInterface(s string) error {
	if s == "" {
		return fmt.Errorf("interface name: empty")
	}
	if len(s) > MaxInterfaceLen {
		return fmt.Errorf("interface name %.40q: longer than %d characters", s, MaxInterfaceLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c), i > 0 && (isDigit(c) || strings.IndexByte("/.:-_", c) >= 0):
		default:
			return fmt.Errorf("interface name %q: character %d is %q: a name is a letter, then letters, digits and / . : - _", s, i+1, c)
		}
	}
	return nil
}

// commentSafe returns s with every byte other than letters, digits and
// ":-_./" replaced by '?', so that it can stand in the comments and
// remarks of every format.
func commentSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isLetter(c) && !isDigit(c) && strings.IndexByte(":-_./", c) < 0 {
			b[i] = '?'
		}
	}
	return string(b)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// Prefixes returns the permitted prefixes of a family.
func (f *Filter) Prefixes(v6 bool) []netip.Prefix {
	if v6 {
		return f.V6
	}
	return f.V4
}

// families returns the families written, IPv4 first, as v6 flags.
func (f *Filter) families() []bool {
	var out []bool
	if f.IPv4 {
		out = append(out, false)
	}
	if f.IPv6 {
		out = append(out, true)
	}
	return out
}

// summary is the comment lines every format opens with.
func (f *Filter) summary() []string {
	lines := []string{"BCP 38 ingress filter for " + f.Object + " (RFC 2827 section 3; RFC 3704 section 2.1), made by manrs acl"}
	var counts []string
	for _, c := range []struct {
		from        From
		one, plural string
	}{
		{FromIRR, "registered prefix", "registered prefixes"},
		{FromRoutes, "prefix seen in routing data", "prefixes seen in routing data"},
		{FromPermit, "prefix permitted by the operator", "prefixes permitted by the operator"},
	} {
		switch n := f.Counts[c.from]; n {
		case 0:
		case 1:
			counts = append(counts, "1 "+c.one)
		default:
			counts = append(counts, fmt.Sprintf("%d %s", n, c.plural))
		}
	}
	var fams []string
	for _, v6 := range f.families() {
		fam := "IPv4"
		if v6 {
			fam = "IPv6"
		}
		fams = append(fams, fmt.Sprintf("%d %s", len(f.Prefixes(v6)), fam))
	}
	if len(counts) == 0 {
		lines = append(lines, "permits no source prefix;")
	} else {
		lines = append(lines, "permits the sources of "+strings.Join(counts, ", ")+" ("+strings.Join(fams, ", ")+" entries, aggregated);")
	}
	lines = append(lines, "denies and logs every other source")
	if f.IPv6 {
		lines = append(lines, "IPv6 neighbor discovery (RFC 4861) and link-local sources (RFC 4291 section 2.5.6) are permitted")
	}
	return lines
}
