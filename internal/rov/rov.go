package rov

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// State is the validation state of a route (RFC 6811 section 2).
type State uint8

// Validation states.
const (
	NotFound State = iota
	Valid
	Invalid
)

var stateNames = [...]string{NotFound: "not-found", Valid: "valid", Invalid: "invalid"}

// String gives the state as Routinator's validate --json does.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// Reason says why a route is Invalid.
type Reason uint8

// Reasons.
const (
	ReasonNone     Reason = iota // not Invalid
	ReasonAS                     // a covering VRP allows the length but names another AS
	ReasonLength                 // every covering VRP's maximum length is below the route's length
	ReasonBadRoute               // the route prefix is not valid or is IPv4-mapped IPv6; State is NotFound
)

var reasonNames = [...]string{ReasonNone: "", ReasonAS: "as", ReasonLength: "length", ReasonBadRoute: "bad-route"}

// String gives the reason as Routinator's validate --json does ("as",
// "length"), "" for none.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", r)
}

// node4 is a distinct IPv4 VRP prefix.
type node4 struct {
	start  uint32
	parent int32  // index of the nearest strictly covering node, -1 if none
	lo     uint32 // first VRP in Index.asn/maxLen
	meta   uint32 // count<<8 | prefix length
}

// node6 is a distinct IPv6 VRP prefix.
type node6 struct {
	hi, lo uint64
	parent int32
	first  uint32
	meta   uint32
}

const bucketBits = 16

// Index answers route origin validation queries. It is immutable once
// built and safe for concurrent use.
type Index struct {
	n4   []node4
	n6   []node6
	off4 []uint32 // len 1<<16+1: nodes whose start's top 16 bits are b are n4[off4[b]:off4[b+1]]
	off6 []uint32

	// starts4 and starts6hi repeat the nodes' start addresses densely, for
	// the binary search.
	starts4 []uint32

	// The VRPs of node k are ent[k.lo:k.lo+count].
	ent   []entry
	tas   []string
	count int
}

// entry is one VRP of a node.
type entry struct {
	asn    bgp.ASN
	maxLen uint8
	ta     uint16
}

// New builds an index from VRPs; duplicates are harmless.
func New(vrps []rpki.VRP) *Index {
	ix := &Index{}
	taIdx := map[string]uint16{}
	var v4, v6 []int
	for i := range vrps {
		p := vrps[i].Prefix
		if !p.IsValid() || p.Addr().Is4In6() {
			continue
		}
		if p.Addr().Is4() {
			v4 = append(v4, i)
		} else {
			v6 = append(v6, i)
		}
	}
	byPrefix := func(a, b int) int {
		pa, pb := vrps[a].Prefix.Masked(), vrps[b].Prefix.Masked()
		if c := pa.Addr().Compare(pb.Addr()); c != 0 {
			return c
		}
		if c := cmp.Compare(pa.Bits(), pb.Bits()); c != 0 {
			return c
		}
		if c := cmp.Compare(vrps[a].ASN, vrps[b].ASN); c != 0 {
			return c
		}
		return cmp.Compare(vrps[a].MaxLength, vrps[b].MaxLength)
	}
	slices.SortFunc(v4, byPrefix)
	slices.SortFunc(v6, byPrefix)
	n := len(v4) + len(v6)
	ix.ent = make([]entry, 0, n)
	add := func(v *rpki.VRP) {
		t, ok := taIdx[v.TA]
		if !ok && len(ix.tas) < 1<<16 {
			t = uint16(len(ix.tas))
			taIdx[v.TA] = t
			ix.tas = append(ix.tas, v.TA)
		}
		ix.ent = append(ix.ent, entry{asn: v.ASN, maxLen: v.MaxLength, ta: t})
	}

	var stack []int32
	for _, i := range v4 {
		v := &vrps[i]
		p := v.Prefix.Masked()
		a4 := p.Addr().As4()
		start := uint32(a4[0])<<24 | uint32(a4[1])<<16 | uint32(a4[2])<<8 | uint32(a4[3])
		b := uint32(p.Bits())
		if k := len(ix.n4) - 1; k >= 0 && ix.n4[k].start == start && ix.n4[k].meta&0xff == b {
			add(v)
			ix.n4[k].meta += 1 << 8
			continue
		}
		for len(stack) > 0 && !covers4(&ix.n4[stack[len(stack)-1]], start, b) {
			stack = stack[:len(stack)-1]
		}
		parent := int32(-1)
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		ix.n4 = append(ix.n4, node4{start: start, parent: parent, lo: uint32(len(ix.ent)), meta: 1<<8 | b})
		stack = append(stack, int32(len(ix.n4)-1))
		add(v)
	}
	stack = stack[:0]
	for _, i := range v6 {
		v := &vrps[i]
		p := v.Prefix.Masked()
		hi, lo := split6(p.Addr())
		b := uint32(p.Bits())
		if k := len(ix.n6) - 1; k >= 0 && ix.n6[k].hi == hi && ix.n6[k].lo == lo && ix.n6[k].meta&0xff == b {
			add(v)
			ix.n6[k].meta += 1 << 8
			continue
		}
		for len(stack) > 0 && !covers6(&ix.n6[stack[len(stack)-1]], hi, lo, b) {
			stack = stack[:len(stack)-1]
		}
		parent := int32(-1)
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		ix.n6 = append(ix.n6, node6{hi: hi, lo: lo, parent: parent, first: uint32(len(ix.ent)), meta: 1<<8 | b})
		stack = append(stack, int32(len(ix.n6)-1))
		add(v)
	}
	ix.count = len(ix.ent)
	ix.starts4 = make([]uint32, len(ix.n4))
	for i := range ix.n4 {
		ix.starts4[i] = ix.n4[i].start
	}

	ix.off4 = make([]uint32, 1<<bucketBits+1)
	k := 0
	for bkt := range 1 << bucketBits {
		ix.off4[bkt] = uint32(k)
		for k < len(ix.n4) && ix.n4[k].start>>(32-bucketBits) == uint32(bkt) {
			k++
		}
	}
	ix.off4[1<<bucketBits] = uint32(len(ix.n4))
	ix.off6 = make([]uint32, 1<<bucketBits+1)
	k = 0
	for bkt := range 1 << bucketBits {
		ix.off6[bkt] = uint32(k)
		for k < len(ix.n6) && ix.n6[k].hi>>(64-bucketBits) == uint64(bkt) {
			k++
		}
	}
	ix.off6[1<<bucketBits] = uint32(len(ix.n6))
	return ix
}

func split6(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	for i := range 8 {
		hi = hi<<8 | uint64(b[i])
		lo = lo<<8 | uint64(b[8+i])
	}
	return hi, lo
}

func mask32(b uint32) uint32 {
	if b == 0 {
		return 0
	}
	return ^uint32(0) << (32 - b)
}

// covers4 reports whether node n covers the address a with length at
// least b.
func covers4(n *node4, a, b uint32) bool {
	nb := n.meta & 0xff
	return nb <= b && (a^n.start)&mask32(nb) == 0
}

func mask128(b uint32) (hi, lo uint64) {
	switch {
	case b == 0:
		return 0, 0
	case b <= 64:
		return ^uint64(0) << (64 - b), 0
	case b == 128:
		return ^uint64(0), ^uint64(0)
	}
	return ^uint64(0), ^uint64(0) << (128 - b)
}

func covers6(n *node6, hi, lo uint64, b uint32) bool {
	nb := n.meta & 0xff
	if nb > b {
		return false
	}
	mh, ml := mask128(nb)
	return (hi^n.hi)&mh == 0 && (lo^n.lo)&ml == 0
}

// Len is the number of VRPs in the index.
func (ix *Index) Len() int { return ix.count }

// SizeBytes estimates the memory held by the index.
func (ix *Index) SizeBytes() int {
	const n4, n6 = 16, 32
	return cap(ix.n4)*n4 + cap(ix.n6)*n6 + 4*(len(ix.off4)+len(ix.off6)+len(ix.starts4)) +
		8*cap(ix.ent)
}

// Validate validates the route (p, origin). Origin 0 stands for NONE, the
// origin of a route whose AS_PATH ends in an AS_SET: no VRP matches it.
// Host bits of p are ignored. An invalid or IPv4-mapped IPv6 prefix gives
// (NotFound, ReasonBadRoute).
func (ix *Index) Validate(p netip.Prefix, origin bgp.ASN) (State, Reason) {
	s, r, _ := ix.validate(p, origin, nil, false)
	return s, r
}

// ValidateNone validates a route whose origin is NONE (RFC 6811 section 2:
// the AS_PATH ends in an AS_SET).
func (ix *Index) ValidateNone(p netip.Prefix) (State, Reason) {
	return ix.Validate(p, 0)
}

// ValidateVRPs is Validate that also appends to dst the VRPs that decided
// the outcome: the matching VRPs of a Valid route, all covering VRPs of an
// Invalid one, none for NotFound. The VRPs carry Prefix, MaxLength, ASN and
// TA, not Expires.
func (ix *Index) ValidateVRPs(dst []rpki.VRP, p netip.Prefix, origin bgp.ASN) (State, Reason, []rpki.VRP) {
	return ix.validate(p, origin, dst, true)
}

// verdict accumulates the outcome over covering VRPs.
type verdict struct {
	matched, badASN, badLen bool
}

func (v verdict) result() (State, Reason) {
	switch {
	case v.matched:
		return Valid, ReasonNone
	case v.badASN:
		return Invalid, ReasonAS
	case v.badLen:
		return Invalid, ReasonLength
	}
	return NotFound, ReasonNone
}

func (ix *Index) validate(p netip.Prefix, origin bgp.ASN, dst []rpki.VRP, collect bool) (State, Reason, []rpki.VRP) {
	if !p.IsValid() || p.Addr().Is4In6() {
		return NotFound, ReasonBadRoute, dst
	}
	addr := p.Addr()
	l := uint32(p.Bits())
	var v verdict
	if addr.Is4() {
		a4 := addr.As4()
		a := uint32(a4[0])<<24 | uint32(a4[1])<<16 | uint32(a4[2])<<8 | uint32(a4[3])
		a &= mask32(l)
		k := ix.find4(a)
		for k >= 0 && !covers4(&ix.n4[k], a, l) {
			k = ix.n4[k].parent
		}
		for j := k; j >= 0; j = ix.n4[j].parent {
			n := &ix.n4[j]
			ix.check(&v, n.lo, n.meta>>8, origin, l)
		}
		if collect && k >= 0 {
			st, _ := v.result()
			for j := k; j >= 0; j = ix.n4[j].parent {
				n := &ix.n4[j]
				dst = ix.appendVRPs(dst, st, n.lo, n.meta>>8, origin, l, func(lb uint8) netip.Prefix {
					return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(n.start >> 24), byte(n.start >> 16), byte(n.start >> 8), byte(n.start)}), int(lb))
				}, uint8(n.meta))
			}
		}
	} else {
		hi, lo := split6(addr)
		mh, ml := mask128(l)
		hi, lo = hi&mh, lo&ml
		k := ix.find6(hi, lo)
		for k >= 0 && !covers6(&ix.n6[k], hi, lo, l) {
			k = ix.n6[k].parent
		}
		for j := k; j >= 0; j = ix.n6[j].parent {
			n := &ix.n6[j]
			ix.check(&v, n.first, n.meta>>8, origin, l)
		}
		if collect && k >= 0 {
			st, _ := v.result()
			for j := k; j >= 0; j = ix.n6[j].parent {
				n := &ix.n6[j]
				dst = ix.appendVRPs(dst, st, n.first, n.meta>>8, origin, l, func(lb uint8) netip.Prefix {
					var b [16]byte
					for i := range 8 {
						b[i] = byte(n.hi >> (56 - 8*i))
						b[8+i] = byte(n.lo >> (56 - 8*i))
					}
					return netip.PrefixFrom(netip.AddrFrom16(b), int(lb))
				}, uint8(n.meta))
			}
		}
	}
	s, r := v.result()
	return s, r, dst
}

// check folds the VRPs asn[lo:lo+cnt] of one covering node into v, with
// Routinator's classification: too long first, then wrong AS.
func (ix *Index) check(v *verdict, lo, cnt uint32, origin bgp.ASN, l uint32) {
	for _, e := range ix.ent[lo : lo+cnt] {
		switch {
		case l > uint32(e.maxLen):
			v.badLen = true
		case e.asn != origin || e.asn == 0:
			v.badASN = true
		default:
			v.matched = true
		}
	}
}

func (ix *Index) appendVRPs(dst []rpki.VRP, st State, lo, cnt uint32, origin bgp.ASN, l uint32, prefix func(uint8) netip.Prefix, bits uint8) []rpki.VRP {
	var p netip.Prefix
	for _, e := range ix.ent[lo : lo+cnt] {
		match := l <= uint32(e.maxLen) && e.asn == origin && origin != 0
		if st == Valid && !match {
			continue
		}
		if !p.IsValid() {
			p = prefix(bits)
		}
		dst = append(dst, rpki.VRP{Prefix: p, MaxLength: e.maxLen, ASN: e.asn, TA: ix.tas[e.ta]})
	}
	return dst
}

// find4 returns the last node whose start is at most a, or -1.
func (ix *Index) find4(a uint32) int32 {
	b := a >> (32 - bucketBits)
	lo, hi := int(ix.off4[b]), int(ix.off4[b+1])
	n := ix.starts4
	// Binary search for the first node in [lo,hi) with start > a.
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n[m] <= a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return int32(lo) - 1
}

func (ix *Index) find6(ah, al uint64) int32 {
	b := ah >> (64 - bucketBits)
	lo, hi := int(ix.off6[b]), int(ix.off6[b+1])
	n := ix.n6
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n[m].hi < ah || n[m].hi == ah && n[m].lo <= al {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return int32(lo) - 1
}
