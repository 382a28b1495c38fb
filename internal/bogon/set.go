package bogon

import (
	"net/netip"
	"sort"
	"strconv"

	"github.com/gaissmai/bart"

	"github.com/manrs/manrs/internal/bgp"
)

// Entry is one entry of a source: a registry row, a line of a fullbogons
// file, a record of a delegated statistics file, or a gap between them.
type Entry struct {
	Kind Kind
	// Prefix is the entry's prefix; invalid for an ASN entry.
	Prefix netip.Prefix
	// First and Last bound an ASN entry.
	First, Last bgp.ASN
	// Name is the registry's name for the block, e.g. "Private-Use",
	// or the status of an unallocated delegated record, e.g. "available".
	Name string
	// Source says where the entry comes from: the RFCs of a registry row
	// ("RFC 5737"), or a file and line ("fullbogons-ipv4.txt line 17").
	Source string
	// Registry names the registry or list, e.g. "IANA IPv4
	// Special-Purpose Address Registry".
	Registry string
	// Forwardable and GloballyReachable are the columns of the IANA
	// special-purpose registries; unset for other entries.
	Forwardable, GloballyReachable Flag
	// Bogon is false for the entries that are exceptions within bogon
	// space: special-purpose blocks that the registry marks Globally
	// Reachable (AS112, AMT, anycast services).
	Bogon bool
}

// IsASN reports whether the entry is an ASN range.
func (e Entry) IsASN() bool { return !e.Prefix.IsValid() }

// Match is the answer to a query: the entry that makes it a bogon, and
// how the query relates to it.
type Match struct {
	Entry
	Relation Relation
}

// meta is what entries of one source share.
type meta struct {
	kind                   Kind
	fwd, global            Flag
	bogon                  bool
	name, source, registry string
}

// ref is the value stored per prefix or ASN range: the entry's meta and
// its line in the source file (0 for built-in entries).
type ref struct {
	meta uint32
	line uint32
}

type asnRange struct {
	first, last bgp.ASN
	ref         ref
}

// Set answers whether prefixes, addresses and ASNs are bogons. It is
// built by a Builder, or by Default for the built-in registries alone, and
// is safe for concurrent use once built.
//
// Lookups are by longest-prefix match over all sources together. Where
// sources list the same prefix, the first in this order wins: built-in
// registries, delegated statistics records, gaps in delegated statistics,
// fullbogons. A globally reachable special-purpose block is an exception:
// a prefix within it is not covered by any less specific bogon.
type Set struct {
	metas []meta
	pfx   bart.Table[ref]
	// asns holds disjoint ASN ranges sorted by first, one slice per
	// source in priority order.
	asns [][]asnRange
	// low has a bit set for each bogon ASN below lowASNs, where every
	// delegated AS number lies: IsBogonASN answers those, the ASNs of
	// nearly every AS path, with one load instead of binary searches.
	low []uint64
}

// lowASNs bounds the ASNs that Set.low indexes: 2^20 bits, 128 kB.
const lowASNs = 1 << 20

// indexLowASNs fills s.low from s.asns.
func (s *Set) indexLowASNs() {
	s.low = make([]uint64, lowASNs/64)
	for _, l := range s.asns {
		for _, r := range l {
			for a := uint64(r.first); a <= uint64(r.last) && a < lowASNs; a++ {
				s.low[a/64] |= 1 << (a % 64)
			}
		}
	}
}

// IsBogonASN reports whether a is a bogon ASN, as CheckASN does, without
// saying why; it is the fast test of path checks.
func (s *Set) IsBogonASN(a bgp.ASN) bool {
	if uint64(a) < lowASNs && s.low != nil {
		return s.low[a/64]&(1<<(a%64)) != 0
	}
	_, bad := s.CheckASN(a)
	return bad
}

// Default returns a Set of the built-in entries only.
func Default() *Set { return NewBuilder().Build() }

// Prefixes returns the number of IPv4 and IPv6 entries in the set.
func (s *Set) Prefixes() (v4, v6 int) { return s.pfx.Size4(), s.pfx.Size6() }

// ASNRanges returns the number of ASN ranges in the set.
func (s *Set) ASNRanges() int {
	n := 0
	for _, l := range s.asns {
		n += len(l)
	}
	return n
}

func (s *Set) entry(r ref) Entry {
	m := &s.metas[r.meta]
	e := Entry{
		Kind:              m.kind,
		Name:              m.name,
		Source:            m.source,
		Registry:          m.registry,
		Forwardable:       m.fwd,
		GloballyReachable: m.global,
		Bogon:             m.bogon,
	}
	if r.line > 0 {
		e.Source += " line " + strconv.FormatUint(uint64(r.line), 10)
	}
	return e
}

func (s *Set) prefixMatch(p netip.Prefix, r ref, rel Relation) Match {
	e := s.entry(r)
	e.Prefix = p
	return Match{Entry: e, Relation: rel}
}

func (s *Set) isBogon(r ref) bool { return s.metas[r.meta].bogon }

// CheckPrefix reports whether p is a bogon in the sense of the MANRS
// Observatory and Team Cymru: whether it overlaps bogon space. That is
// either
//   - p is covered by a bogon entry (p equals it or is more specific;
//     Relation CoveredBy): all of p is bogon space, or
//   - p covers a bogon entry (p is less specific; Relation Covers): p
//     announces bogon space along with other space, as 0.0.0.0/0 or an
//     aggregate over unallocated holes does.
//
// The covering entry, the most specific one, is preferred; otherwise the
// first covered entry in address order is returned. A p whose host bits
// are set is masked first.
func (s *Set) CheckPrefix(p netip.Prefix) (Match, bool) {
	if !p.IsValid() {
		return Match{}, false
	}
	p = p.Masked()
	if !s.pfx.OverlapsPrefix(p) {
		return Match{}, false
	}
	if m, ok := s.covering(p); ok {
		return m, true
	}
	for q, r := range s.pfx.Subnets(p) {
		if q != p && s.isBogon(r) {
			return s.prefixMatch(q, r, Covers), true
		}
	}
	return Match{}, false
}

// Covering reports whether p lies within bogon space: whether the most
// specific entry that covers p is a bogon. This is the strict sense:
// aggregates that merely include bogon space are not reported.
func (s *Set) Covering(p netip.Prefix) (Match, bool) {
	if !p.IsValid() {
		return Match{}, false
	}
	return s.covering(p.Masked())
}

func (s *Set) covering(p netip.Prefix) (Match, bool) {
	q, r, ok := s.pfx.LookupPrefixLPM(p)
	if !ok || !s.isBogon(r) {
		return Match{}, false
	}
	return s.prefixMatch(q, r, CoveredBy), true
}

// Lookup returns the most specific entry that covers p, whether it is a
// bogon or a globally reachable exception; it tells why a prefix inside
// special-purpose space (192.175.48.0/24, AS112) is not a bogon.
func (s *Set) Lookup(p netip.Prefix) (Entry, bool) {
	if !p.IsValid() {
		return Entry{}, false
	}
	q, r, ok := s.pfx.LookupPrefixLPM(p.Masked())
	if !ok {
		return Entry{}, false
	}
	return s.prefixMatch(q, r, CoveredBy).Entry, true
}

// CheckAddr reports whether the address a is in bogon space.
func (s *Set) CheckAddr(a netip.Addr) (Match, bool) {
	if !a.IsValid() {
		return Match{}, false
	}
	return s.covering(netip.PrefixFrom(a.WithZone(""), a.BitLen()))
}

// AppendOverlapping appends to dst up to max bogon entries that overlap p:
// first those that cover it, most specific first (stopping at a globally
// reachable exception, below which the less specific entries do not
// apply), then those it covers, in address order.
func (s *Set) AppendOverlapping(dst []Match, p netip.Prefix, max int) []Match {
	if !p.IsValid() || max <= 0 {
		return dst
	}
	p = p.Masked()
	n := 0
	for q, r := range s.pfx.Supernets(p) {
		if !s.isBogon(r) {
			break
		}
		dst = append(dst, s.prefixMatch(q, r, CoveredBy))
		if n++; n == max {
			return dst
		}
	}
	for q, r := range s.pfx.Subnets(p) {
		if q == p || !s.isBogon(r) {
			continue
		}
		dst = append(dst, s.prefixMatch(q, r, Covers))
		if n++; n == max {
			return dst
		}
	}
	return dst
}

// CheckASN reports whether a is a bogon ASN, and which entry makes it
// one: a special-purpose or reserved AS number, or one that the loaded
// delegated statistics do not show as delegated.
func (s *Set) CheckASN(a bgp.ASN) (Match, bool) {
	for _, l := range s.asns {
		i := sort.Search(len(l), func(i int) bool { return l[i].last >= a })
		if i < len(l) && l[i].first <= a {
			e := s.entry(l[i].ref)
			e.First, e.Last = l[i].first, l[i].last
			return Match{Entry: e, Relation: CoveredBy}, true
		}
	}
	return Match{}, false
}
