package acl

import (
	"net/netip"
	"slices"
)

// comparePrefix orders IPv4 before IPv6, then by address, then by length,
// so that a prefix comes just before the prefixes it covers.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// Aggregate returns the smallest set of prefixes that holds exactly the
// addresses of ps: prefixes covered by others are left out, and two
// halves of a prefix are joined into it, bottom up. The result is sorted
// by comparePrefix, IPv4 first; invalid prefixes are left out and host
// bits are cleared.
func Aggregate(ps []netip.Prefix) []netip.Prefix {
	in := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if p.IsValid() {
			in = append(in, p.Masked())
		}
	}
	slices.SortFunc(in, comparePrefix)
	out := in[:0]
	for _, p := range in {
		// Sorted by address then length, a prefix is covered by another
		// exactly when the last one kept covers it.
		if n := len(out); n > 0 && covers(out[n-1], p) {
			continue
		}
		out = append(out, p)
		// Join halves while the last two are the two halves of one
		// prefix: nothing before them can overlap that prefix.
		for n := len(out); n >= 2; n = len(out) {
			parent, ok := siblings(out[n-2], out[n-1])
			if !ok {
				break
			}
			out = append(out[:n-2], parent)
		}
	}
	return slices.Clip(out)
}

// covers reports whether a holds every address of b.
func covers(a, b netip.Prefix) bool {
	return a.Addr().Is4() == b.Addr().Is4() && a.Bits() <= b.Bits() && a.Contains(b.Addr())
}

// siblings reports whether a and b are the lower and upper halves of one
// prefix, and returns it.
func siblings(a, b netip.Prefix) (netip.Prefix, bool) {
	if a.Bits() != b.Bits() || a.Bits() == 0 || a.Addr().Is4() != b.Addr().Is4() || a == b {
		return netip.Prefix{}, false
	}
	parent := netip.PrefixFrom(a.Addr(), a.Bits()-1).Masked()
	if parent.Addr() != a.Addr() || !parent.Contains(b.Addr()) {
		return netip.Prefix{}, false
	}
	return parent, true
}

// halves splits p (shorter than its family's full length) into its two
// halves.
func halves(p netip.Prefix) (lo, hi netip.Prefix) {
	bits := p.Bits()
	lo = netip.PrefixFrom(p.Addr(), bits+1)
	if p.Addr().Is4() {
		a := p.Addr().As4()
		a[bits/8] |= 0x80 >> (bits % 8)
		return lo, netip.PrefixFrom(netip.AddrFrom4(a), bits+1)
	}
	a := p.Addr().As16()
	a[bits/8] |= 0x80 >> (bits % 8)
	return lo, netip.PrefixFrom(netip.AddrFrom16(a), bits+1)
}

// Subtract returns the addresses of ps that are in none of holes, as the
// smallest set of prefixes (Aggregate's form). A prefix that covers a hole
// is split into the prefixes around it: 192.0.2.0/24 less 192.0.2.0/25 is
// 192.0.2.128/25.
func Subtract(ps, holes []netip.Prefix) []netip.Prefix {
	hs := Aggregate(holes)
	var out []netip.Prefix
	var cut func(p netip.Prefix)
	cut = func(p netip.Prefix) {
		overlap := false
		for _, h := range hs {
			if covers(h, p) {
				return
			}
			if h.Addr().Is4() == p.Addr().Is4() && h.Overlaps(p) {
				overlap = true
			}
		}
		if !overlap {
			out = append(out, p)
			return
		}
		lo, hi := halves(p)
		cut(lo)
		cut(hi)
	}
	for _, p := range Aggregate(ps) {
		cut(p)
	}
	return Aggregate(out)
}
