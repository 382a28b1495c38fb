package delegated

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an address as a 128-bit number; an IPv4 address uses the low
// 32 bits.
type u128 struct{ hi, lo uint64 }

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

func addrFrom(u u128, is4 bool) netip.Addr {
	if is4 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(u.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

func (u u128) add(n uint64) u128 {
	lo, carry := bits.Add64(u.lo, n, 0)
	return u128{hi: u.hi + carry, lo: lo}
}

func (u u128) less(v u128) bool { return u.hi < v.hi || (u.hi == v.hi && u.lo < v.lo) }

// trailingZeros returns the number of trailing zero bits of u, 128 for 0.
func (u u128) trailingZeros() int {
	if u.lo != 0 {
		return bits.TrailingZeros64(u.lo)
	}
	return 64 + bits.TrailingZeros64(u.hi)
}

// lowMask returns the number with the n low bits set, n in 0..128.
func lowMask(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{lo: 1<<uint(n) - 1}
	case n < 128:
		return u128{hi: 1<<uint(n-64) - 1, lo: ^uint64(0)}
	}
	return u128{hi: ^uint64(0), lo: ^uint64(0)}
}

func (u u128) or(v u128) u128 { return u128{hi: u.hi | v.hi, lo: u.lo | v.lo} }

func lastOfPrefix(p netip.Prefix) netip.Addr {
	p = p.Masked()
	is4 := p.Addr().Is4()
	width := 128
	if is4 {
		width = 32
	}
	return addrFrom(fromAddr(p.Addr()).or(lowMask(width-p.Bits())), is4)
}

// AppendRangePrefixes appends to dst the shortest list of prefixes that
// covers exactly the addresses from first to last, both included, in
// address order. The addresses must be of one family with first <= last;
// otherwise it appends nothing.
func AppendRangePrefixes(dst []netip.Prefix, first, last netip.Addr) []netip.Prefix {
	if !first.IsValid() || first.Is4() != last.Is4() || last.Less(first) {
		return dst
	}
	is4 := first.Is4()
	width := 128
	if is4 {
		width = 32
	}
	cur, end := fromAddr(first), fromAddr(last)
	for {
		// The largest block that starts at cur and ends at or before end.
		size := min(cur.trailingZeros(), width)
		for size > 0 && end.less(cur.or(lowMask(size))) {
			size--
		}
		dst = append(dst, netip.PrefixFrom(addrFrom(cur, is4), width-size))
		top := cur.or(lowMask(size))
		if !top.less(end) {
			return dst
		}
		cur = top.add(1)
	}
}
