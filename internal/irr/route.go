package irr

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// Routes are kept packed, without their objects: a prefix trie maps each
// prefix to its origins, each origin with the set of sources that have a
// route object for the pair; an index by origin lists the prefixes of
// each AS, packed into integers. Member-of and mnt-by are kept only for
// the few route objects with member-of, which route-set expansion needs.

// origin is an origin AS of a prefix and the sources of its route
// objects; src is never 0 for an origin stored.
type origin struct {
	asn bgp.ASN
	src uint64
}

// origins are the origins of one prefix: most prefixes have one, kept
// inline.
type origins struct {
	origin
	more *[]origin
}

// lookup returns the sources of the pair with origin asn.
func (o *origins) lookup(asn bgp.ASN) uint64 {
	if o.src != 0 && o.asn == asn {
		return o.src
	}
	if o.more != nil {
		for _, e := range *o.more {
			if e.asn == asn {
				return e.src
			}
		}
	}
	return 0
}

// set adds bit to the sources of origin asn and returns its sources
// before.
func (o *origins) set(asn bgp.ASN, bit uint64) (prev uint64) {
	if o.src == 0 {
		o.origin = origin{asn: asn, src: bit}
		return 0
	}
	if o.asn == asn {
		prev = o.src
		o.src |= bit
		return prev
	}
	if o.more == nil {
		o.more = &[]origin{}
	}
	more := *o.more
	for i := range more {
		if more[i].asn == asn {
			prev = more[i].src
			more[i].src |= bit
			return prev
		}
	}
	*o.more = append(more, origin{asn: asn, src: bit})
	return 0
}

// clear removes bit from the sources of origin asn and returns its
// sources before; an origin left without sources is removed.
func (o *origins) clear(asn bgp.ASN, bit uint64) (prev uint64) {
	if o.src != 0 && o.asn == asn {
		prev = o.src
		o.src &^= bit
		if o.src == 0 && o.more != nil {
			more := *o.more
			o.origin = more[len(more)-1]
			o.shrink()
		}
		return prev
	}
	if o.more == nil {
		return 0
	}
	more := *o.more
	for i := range more {
		if more[i].asn == asn {
			prev = more[i].src
			more[i].src &^= bit
			if more[i].src == 0 {
				more[i] = more[len(more)-1]
				o.shrink()
			}
			return prev
		}
	}
	return 0
}

// shrink drops the last of more.
func (o *origins) shrink() {
	more := *o.more
	if len(more) == 1 {
		o.more = nil
		return
	}
	*o.more = more[:len(more)-1]
}

// empty reports whether no origin is left.
func (o *origins) empty() bool { return o.src == 0 }

// appendTo appends the origins to dst.
func (o *origins) appendTo(dst []origin) []origin {
	if o.src == 0 {
		return dst
	}
	dst = append(dst, o.origin)
	if o.more != nil {
		dst = append(dst, *o.more...)
	}
	return dst
}

// originPrefixes are the prefixes of the route (v4) and route6 (v6)
// objects of one origin, unordered, each once whatever its sources.
type originPrefixes struct {
	v4 []uint64 // address << 8 | length
	v6 []pfx6
}

type pfx6 struct {
	hi, lo uint64
	bits   uint8
}

func pack4(p netip.Prefix) uint64 {
	a := p.Addr().As4()
	return uint64(binary.BigEndian.Uint32(a[:]))<<8 | uint64(p.Bits())
}

func unpack4(v uint64) netip.Prefix {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], uint32(v>>8))
	return netip.PrefixFrom(netip.AddrFrom4(a), int(v&0xff))
}

func pack6(p netip.Prefix) pfx6 {
	a := p.Addr().As16()
	return pfx6{hi: binary.BigEndian.Uint64(a[:8]), lo: binary.BigEndian.Uint64(a[8:]), bits: uint8(p.Bits())}
}

func unpack6(v pfx6) netip.Prefix {
	var a [16]byte
	binary.BigEndian.PutUint64(a[:8], v.hi)
	binary.BigEndian.PutUint64(a[8:], v.lo)
	return netip.PrefixFrom(netip.AddrFrom16(a), int(v.bits))
}

func cmp6(a, b pfx6) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	return cmp.Compare(a.bits, b.bits)
}

// add lists p.
func (op *originPrefixes) add(p netip.Prefix) {
	if p.Addr().Is4() {
		op.v4 = append(op.v4, pack4(p))
	} else {
		op.v6 = append(op.v6, pack6(p))
	}
}

// remove unlists p.
func (op *originPrefixes) remove(p netip.Prefix) {
	if p.Addr().Is4() {
		op.v4 = swapRemove(op.v4, pack4(p))
	} else {
		op.v6 = swapRemove(op.v6, pack6(p))
	}
}

func swapRemove[T comparable](s []T, v T) []T {
	for i := range s {
		if s[i] == v {
			s[i] = s[len(s)-1]
			return s[:len(s)-1]
		}
	}
	return s
}

// routeRef names one route or route6 object.
type routeRef struct {
	prefix netip.Prefix
	asn    bgp.ASN
	src    uint8
}

// routeJoin is what route-set expansion needs of a route object with
// member-of.
type routeJoin struct {
	memberOf, mntBy []string
}

// addRoute indexes r, of source src, and reports whether it is new
// (rather than replacing an object of the same key and source).
func (db *DB) addRoute(r *rpsl.Route, src uint8) bool {
	bit := uint64(1) << src
	var prev uint64
	db.routes.Modify(r.Prefix, func(v origins, _ bool) (origins, bool) {
		prev = v.set(r.Origin, bit)
		return v, false
	})
	if prev == 0 {
		op := db.byOrigin[r.Origin]
		if op == nil {
			op = new(originPrefixes)
			db.byOrigin[r.Origin] = op
		}
		op.add(r.Prefix)
	}
	ref := routeRef{prefix: r.Prefix, asn: r.Origin, src: src}
	db.unjoinRoute(ref)
	if len(r.MemberOf) > 0 {
		db.routeInfo[ref] = &routeJoin{memberOf: r.MemberOf, mntBy: r.MntBy}
		for _, set := range r.MemberOf {
			db.routeJoins[set] = append(db.routeJoins[set], ref)
		}
	}
	return prev&bit == 0
}

// deleteRoute removes the route object of p and asn in source src and
// reports whether there was one.
func (db *DB) deleteRoute(p netip.Prefix, asn bgp.ASN, src uint8) bool {
	bit := uint64(1) << src
	var prev uint64
	db.routes.Modify(p, func(v origins, ok bool) (origins, bool) {
		if !ok {
			return v, true
		}
		prev = v.clear(asn, bit)
		return v, v.empty()
	})
	if prev&bit == 0 {
		return false
	}
	if prev == bit {
		if op := db.byOrigin[asn]; op != nil {
			op.remove(p)
			if len(op.v4) == 0 && len(op.v6) == 0 {
				delete(db.byOrigin, asn)
			}
		}
	}
	db.unjoinRoute(routeRef{prefix: p, asn: asn, src: src})
	return true
}

// unjoinRoute removes the member-of index entries of ref.
func (db *DB) unjoinRoute(ref routeRef) {
	info := db.routeInfo[ref]
	if info == nil {
		return
	}
	delete(db.routeInfo, ref)
	for _, set := range info.memberOf {
		refs := db.routeJoins[set]
		out := refs[:0]
		for _, r := range refs {
			if r != ref {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			delete(db.routeJoins, set)
		} else {
			clear(refs[len(out):])
			db.routeJoins[set] = out
		}
	}
}

// routeKey reads the key of a route or route6 object, prefix and origin,
// without the rest of the object.
func routeKey(o *rpsl.Object, c class) (netip.Prefix, bgp.ASN, error) {
	p, err := rpsl.ParsePrefix(o.Attrs[0].Value)
	if err == nil && p.Addr().Is4() != (c == classRoute) {
		err = fmt.Errorf("%s is of the wrong address family for %s", p, o.Class())
	}
	if err != nil {
		return p, 0, objectError(o, err)
	}
	v, ok := o.Lookup("origin")
	if !ok {
		return p, 0, objectError(o, fmt.Errorf("no origin"))
	}
	asn, err := rpsl.ParseASN(v)
	if err != nil {
		return p, 0, objectError(o, err)
	}
	return p, asn, nil
}

// Route is a prefix and origin AS that route or route6 objects name, and
// the sources that have one.
type Route struct {
	Prefix  netip.Prefix
	Origin  bgp.ASN
	Sources Sources
}

func (r Route) String() string {
	return r.Prefix.String() + " " + r.Origin.String() + " " + r.Sources.String()
}

// RouteSources returns the sources that have a route (IPv4) or route6
// (IPv6) object for exactly prefix p and origin: the IRR test of the
// metrics M2 and M7IRR for a route seen in BGP (docs/observatory.md). p
// is masked first.
func (db *DB) RouteSources(p netip.Prefix, origin bgp.ASN) Sources {
	db.mu.RLock()
	defer db.mu.RUnlock()
	v, ok := db.routes.Get(p.Masked())
	if !ok {
		return Sources{}
	}
	return Sources{bits: v.lookup(origin), order: db.order}
}

// HasRoute reports whether some source has a route or route6 object for
// exactly prefix p and origin.
func (db *DB) HasRoute(p netip.Prefix, origin bgp.ASN) bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	v, ok := db.routes.Get(p.Masked())
	return ok && v.lookup(origin) != 0
}

// Origins returns the origins of the route objects for exactly p,
// sorted.
func (db *DB) Origins(p netip.Prefix) []bgp.ASN {
	db.mu.RLock()
	defer db.mu.RUnlock()
	v, ok := db.routes.Get(p.Masked())
	if !ok {
		return nil
	}
	var buf [4]origin
	var out []bgp.ASN
	for _, o := range v.appendTo(buf[:0]) {
		out = append(out, o.asn)
	}
	slices.Sort(out)
	return out
}

// Covering returns the route objects for p and for every less specific
// prefix covering it, least specific first, then by origin: the IRR
// view of a prefix that IRR Explorer shows.
func (db *DB) Covering(p netip.Prefix) []Route {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var out []Route
	var buf []origin
	for q, v := range db.routes.Supernets(p.Masked()) {
		buf = v.appendTo(buf[:0])
		for _, o := range buf {
			out = append(out, Route{Prefix: q, Origin: o.asn, Sources: Sources{bits: o.src, order: db.order}})
		}
	}
	sortRoutes(out)
	return out
}

// Covered returns the route objects for p and for every more specific
// prefix inside it, sorted by prefix, then origin.
func (db *DB) Covered(p netip.Prefix) []Route {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var out []Route
	var buf []origin
	for q, v := range db.routes.Subnets(p.Masked()) {
		buf = v.appendTo(buf[:0])
		for _, o := range buf {
			out = append(out, Route{Prefix: q, Origin: o.asn, Sources: Sources{bits: o.src, order: db.order}})
		}
	}
	sortRoutes(out)
	return out
}

// sortRoutes sorts routes by address family, prefix length, address and
// origin: for a chain of covering prefixes, least specific first.
func sortRoutes(rs []Route) {
	slices.SortFunc(rs, func(a, b Route) int {
		if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
			return c
		}
		return cmp.Compare(a.Origin, b.Origin)
	})
}

// comparePrefix orders IPv4 before IPv6, then by address, then by
// length.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// Prefixes returns the prefixes of the route objects (v6 false) or the
// route6 objects (v6 true) with the given origin, in all sources, sorted
// and each once: the answer to IRRd's !g and !6 queries.
func (db *DB) Prefixes(origin bgp.ASN, v6 bool) []netip.Prefix {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.prefixes(origin, v6, ^uint64(0))
}

// prefixes returns the prefixes of origin in the sources of mask,
// sorted; the caller holds the lock.
func (db *DB) prefixes(origin bgp.ASN, v6 bool, mask uint64) []netip.Prefix {
	op := db.byOrigin[origin]
	if op == nil {
		return nil
	}
	all := mask&db.allSources() == db.allSources()
	var out []netip.Prefix
	if v6 {
		packed := slices.Clone(op.v6)
		slices.SortFunc(packed, cmp6)
		out = make([]netip.Prefix, 0, len(packed))
		for _, v := range packed {
			if p := unpack6(v); all || db.routeIn(p, origin, mask) {
				out = append(out, p)
			}
		}
		return out
	}
	packed := slices.Clone(op.v4)
	slices.Sort(packed)
	out = make([]netip.Prefix, 0, len(packed))
	for _, v := range packed {
		if p := unpack4(v); all || db.routeIn(p, origin, mask) {
			out = append(out, p)
		}
	}
	return out
}

// eachPrefix calls fn for each prefix of origin of the family in the
// sources of mask, in no order; the caller holds the lock.
func (db *DB) eachPrefix(origin bgp.ASN, v6 bool, mask uint64, fn func(netip.Prefix) bool) {
	op := db.byOrigin[origin]
	if op == nil {
		return
	}
	all := mask&db.allSources() == db.allSources()
	if v6 {
		for _, v := range op.v6 {
			if p := unpack6(v); (all || db.routeIn(p, origin, mask)) && !fn(p) {
				return
			}
		}
		return
	}
	for _, v := range op.v4 {
		if p := unpack4(v); (all || db.routeIn(p, origin, mask)) && !fn(p) {
			return
		}
	}
}

// routeIn reports whether a source of mask has a route object for p and
// origin.
func (db *DB) routeIn(p netip.Prefix, origin bgp.ASN, mask uint64) bool {
	v, ok := db.routes.Get(p)
	return ok && v.lookup(origin)&mask != 0
}

// allSources returns the mask of every source.
func (db *DB) allSources() uint64 {
	n := len(*db.order)
	if n == MaxSources {
		return ^uint64(0)
	}
	return 1<<n - 1
}
