package bogon

import (
	"cmp"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/delegated"
)

// Absent says what space that no loaded delegated statistics file lists
// is taken to be.
type Absent uint8

// Treatments of absent space.
const (
	// AbsentAuto takes absent space as unallocated when the loaded
	// files cover every registry: the NRO combined file, or the files
	// of all five RIRs. One RIR's file alone says nothing about the
	// space of the others.
	AbsentAuto Absent = iota
	// AbsentUnallocated always takes absent space as unallocated.
	AbsentUnallocated
	// AbsentIgnored never does: only records marked available,
	// reserved, ietf or iana count.
	AbsentIgnored
)

// rirs are the registries whose files together cover all number space.
var rirs = []string{"afrinic", "apnic", "arin", "lacnic", "ripencc"}

// Universes within which absent space is unallocated. IPv6 space outside
// 2000::/3 is reserved by the IANA IPv6 Address Space registry already.
var (
	universe4 = [2]netip.Addr{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")}
	universe6 = [2]netip.Addr{netip.MustParseAddr("2000::"), netip.MustParseAddr("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}
)

type pendingPrefix struct {
	p netip.Prefix
	r ref
}

type metaKey struct {
	kind                   Kind
	name, source, registry string
}

// Builder gathers the sources of a Set: the built-in registries, always,
// and any number of fullbogons and delegated statistics files.
type Builder struct {
	// Strict makes a bad line of a loaded file an error instead of
	// being skipped and counted.
	Strict bool
	// Absent says what space that no delegated file lists is.
	Absent Absent

	metas   []meta
	metaIdx map[metaKey]uint32

	delegated  []pendingPrefix
	delegASNs  []asnRange
	fullbogons []pendingPrefix

	// What the delegated files list at all, for the gaps between.
	listed    [][2]netip.Addr
	listedASN [][2]uint64
	files     []string
	regs      map[string]bool
}

// NewBuilder returns a Builder that holds the built-in registries.
func NewBuilder() *Builder {
	return &Builder{metaIdx: make(map[metaKey]uint32), regs: make(map[string]bool)}
}

func (b *Builder) meta(m meta) uint32 {
	k := metaKey{m.kind, m.name, m.source, m.registry}
	if i, ok := b.metaIdx[k]; ok {
		return i
	}
	i := uint32(len(b.metas))
	b.metas = append(b.metas, m)
	b.metaIdx[k] = i
	return i
}

// AddFullbogons loads a Team Cymru fullbogons file; name names it in
// errors and in the Source of its entries. Bad lines are skipped and
// counted in the returned Stats unless b.Strict is set. The error is a
// read error, or in strict mode the first bad line.
func (b *Builder) AddFullbogons(r io.Reader, name string) (Stats, error) {
	rd := NewFullbogonsReader(r, name)
	rd.Strict = b.Strict
	var mi uint32
	for rd.Next() {
		if rd.Stats().Prefixes == 1 {
			what := "listed in fullbogons"
			if u := rd.Updated(); !u.IsZero() {
				what += " (updated " + u.Format("2006-01-02") + ")"
			}
			mi = b.meta(meta{kind: Fullbogons, bogon: true, name: what, source: name, registry: RegistryFullbogons})
		}
		b.fullbogons = append(b.fullbogons, pendingPrefix{rd.Prefix(), ref{meta: mi, line: lineNo(rd.Line())}})
	}
	return rd.Stats(), rd.Err()
}

// AddDelegated loads an RIR delegated or delegated-extended statistics
// file; name names it in errors and in the Source of its entries. Records
// that are not allocated or assigned become Unallocated entries; see
// Absent for the space the file does not list. Bad lines are skipped and
// counted unless b.Strict is set.
func (b *Builder) AddDelegated(r io.Reader, name string) (delegated.Stats, error) {
	rd := delegated.NewReader(r, name)
	rd.Strict = b.Strict
	var pfx []netip.Prefix
	for rd.Next() {
		rec := rd.Record()
		b.regs[rec.Registry] = true
		switch rec.Type {
		case delegated.ASN:
			b.listedASN = append(b.listedASN, [2]uint64{uint64(rec.StartASN), uint64(rec.LastASN())})
		default:
			b.listed = append(b.listed, [2]netip.Addr{rec.Start, rec.LastAddr()})
		}
		if rec.Status.Delegated() {
			continue
		}
		mi := b.meta(meta{
			kind:     Unallocated,
			bogon:    true,
			name:     rec.Status.String(),
			source:   name,
			registry: fmt.Sprintf(registryDelegatedFmt, rec.Registry),
		})
		r := ref{meta: mi, line: lineNo(rec.Line)}
		if rec.Type == delegated.ASN {
			b.delegASNs = append(b.delegASNs, asnRange{first: rec.StartASN, last: rec.LastASN(), ref: r})
			continue
		}
		pfx = rec.AppendPrefixes(pfx[:0])
		for _, p := range pfx {
			b.delegated = append(b.delegated, pendingPrefix{p, r})
		}
	}
	if h := rd.Header(); h.Registry != "" {
		b.regs[h.Registry] = true
	}
	b.files = append(b.files, name)
	return rd.Stats(), rd.Err()
}

func lineNo(n int) uint32 {
	if n < 0 || n > 1<<32-1 {
		return 0
	}
	return uint32(n)
}

// complete reports whether absent space counts as unallocated.
func (b *Builder) complete() bool {
	switch {
	case len(b.files) == 0 || b.Absent == AbsentIgnored:
		return false
	case b.Absent == AbsentUnallocated || b.regs["nro"]:
		return true
	}
	for _, r := range rirs {
		if !b.regs[r] {
			return false
		}
	}
	return true
}

// Build returns the Set. The Builder can go on loading and build again.
func (b *Builder) Build() *Set {
	s := &Set{}
	s.metas = slices.Clone(b.metas)
	addMeta := func(m meta) uint32 {
		s.metas = append(s.metas, m)
		return uint32(len(s.metas) - 1)
	}
	insert := func(p netip.Prefix, r ref) {
		if _, ok := s.pfx.Get(p); !ok {
			s.pfx.Insert(p, r)
		}
	}

	// Built-in registries first: they win over every file.
	for _, tab := range [][]prefixEntry{ipv4Special, ipv6Special} {
		for _, e := range tab {
			mi := addMeta(meta{kind: e.kind, fwd: e.fwd, global: e.global, bogon: e.global != FlagTrue,
				name: e.name, source: e.ref, registry: e.registry})
			insert(netip.MustParsePrefix(e.prefix), ref{meta: mi})
		}
	}
	var builtinASN []asnRange
	for _, e := range asnSpecial {
		mi := addMeta(meta{kind: e.kind, bogon: true, name: e.name, source: e.ref, registry: e.registry})
		builtinASN = append(builtinASN, asnRange{first: e.first, last: e.last, ref: ref{meta: mi}})
	}
	s.asns = append(s.asns, disjoint(builtinASN))

	for _, pp := range b.delegated {
		insert(pp.p, pp.r)
	}
	if len(b.delegASNs) > 0 {
		s.asns = append(s.asns, disjoint(slices.Clone(b.delegASNs)))
	}

	if b.complete() {
		mi := addMeta(meta{kind: Unallocated, bogon: true, name: "not in delegated statistics",
			source: "absent from " + strings.Join(b.files, ", "), registry: RegistryDelegated})
		r := ref{meta: mi}
		// The built-in registries account for their blocks: no gap
		// within them, or around an exception, is reported as absent.
		listed := slices.Clone(b.listed)
		for _, tab := range [][]prefixEntry{ipv4Special, ipv6Special} {
			for _, e := range tab {
				p := netip.MustParsePrefix(e.prefix)
				listed = append(listed, [2]netip.Addr{p.Addr(), lastAddr(p)})
			}
		}
		listedASN := slices.Clone(b.listedASN)
		for _, e := range asnSpecial {
			listedASN = append(listedASN, [2]uint64{uint64(e.first), uint64(e.last)})
		}
		var pfx []netip.Prefix
		for _, g := range gaps(listed, universe4) {
			pfx = delegated.AppendRangePrefixes(pfx[:0], g[0], g[1])
			for _, p := range pfx {
				insert(p, r)
			}
		}
		for _, g := range gaps(listed, universe6) {
			pfx = delegated.AppendRangePrefixes(pfx[:0], g[0], g[1])
			for _, p := range pfx {
				insert(p, r)
			}
		}
		var absent []asnRange
		for _, g := range gapsASN(listedASN) {
			absent = append(absent, asnRange{first: bgp.ASN(g[0]), last: bgp.ASN(g[1]), ref: r})
		}
		if len(absent) > 0 {
			s.asns = append(s.asns, absent)
		}
	}

	for _, pp := range b.fullbogons {
		insert(pp.p, pp.r)
	}
	s.indexLowASNs()
	return s
}

// disjoint sorts ranges by their first ASN and trims overlaps: the range
// that starts first keeps the ASNs that two share.
func disjoint(rs []asnRange) []asnRange {
	slices.SortStableFunc(rs, func(a, b asnRange) int { return cmp.Compare(a.first, b.first) })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.first <= out[n-1].last {
			if r.last <= out[n-1].last {
				continue
			}
			r.first = out[n-1].last + 1
		}
		out = append(out, r)
	}
	return out
}

// gaps returns the ranges of u that no range of listed touches. listed
// may hold both families and overlapping ranges; it is sorted in place.
func gaps(listed [][2]netip.Addr, u [2]netip.Addr) [][2]netip.Addr {
	slices.SortFunc(listed, func(a, b [2]netip.Addr) int { return a[0].Compare(b[0]) })
	var out [][2]netip.Addr
	cur := u[0]
	for _, r := range listed {
		if r[0].Is4() != cur.Is4() || r[1].Less(cur) {
			continue
		}
		if u[1].Less(r[0]) {
			break
		}
		if cur.Less(r[0]) {
			out = append(out, [2]netip.Addr{cur, r[0].Prev()})
		}
		if !r[1].Less(u[1]) {
			return out
		}
		cur = r[1].Next()
	}
	return append(out, [2]netip.Addr{cur, u[1]})
}

// gapsASN returns the ASN ranges that no listed range touches.
func gapsASN(listed [][2]uint64) [][2]uint64 {
	slices.SortFunc(listed, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
	var out [][2]uint64
	cur := uint64(0)
	const top = 1<<32 - 1
	for _, r := range listed {
		if r[1] < cur {
			continue
		}
		if cur < r[0] {
			out = append(out, [2]uint64{cur, r[0] - 1})
		}
		if r[1] >= top {
			return out
		}
		cur = r[1] + 1
	}
	return append(out, [2]uint64{cur, top})
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	if a.Is4() {
		b := a.As4()
		for i := p.Bits(); i < 32; i++ {
			b[i/8] |= 0x80 >> (i % 8)
		}
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	for i := p.Bits(); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom16(b)
}
