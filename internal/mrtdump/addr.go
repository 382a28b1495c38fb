package mrtdump

import (
	"net/netip"
	"strconv"
)

// appendAddr4 appends the dotted-quad form of a, as inet_ntoa writes it.
func appendAddr4(b []byte, a netip.Addr) []byte {
	v := a.As4()
	b = strconv.AppendUint(b, uint64(v[0]), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(v[1]), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(v[2]), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(v[3]), 10)
}

// appendAddr6 appends the text form of a 16-byte address as bgpdump's
// fmt_ipv6 writes it, which is not RFC 5952: an IPv4-mapped address is
// ::ffff:a.b.c.d, an IPv4-compatible one (96 zero bits, then a value
// above 1) is ::a.b.c.d, and otherwise the longest run of zero groups is
// compressed even when it is a single group (the first of equal runs).
func appendAddr6(b []byte, a netip.Addr) []byte {
	v := a.As16()
	var w [8]uint16
	for i := range w {
		w[i] = uint16(v[2*i])<<8 | uint16(v[2*i+1])
	}
	if w[0]|w[1]|w[2]|w[3]|w[4] == 0 && (w[5] == 0xffff || w[5] == 0 && (w[6] != 0 || w[7] > 1)) {
		b = append(b, "::"...)
		if w[5] == 0xffff {
			b = append(b, "ffff:"...)
		}
		return appendAddr4(b, netip.AddrFrom4([4]byte(v[12:16])))
	}
	bestBase, bestLen := -1, 0
	for i := 0; i < 8; {
		if w[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && w[j] == 0 {
			j++
		}
		if j-i > bestLen {
			bestBase, bestLen = i, j-i
		}
		i = j
	}
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				b = append(b, ':')
			}
			continue
		}
		if i != 0 {
			b = append(b, ':')
		}
		b = strconv.AppendUint(b, uint64(w[i]), 16)
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		b = append(b, ':')
	}
	return b
}

// appendAddr appends a by its family; an invalid address prints as the
// IPv4 zero address, as a zeroed C structure would.
func appendAddr(b []byte, a netip.Addr) []byte {
	switch {
	case a.Is4():
		return appendAddr4(b, a)
	case a.Is6():
		return appendAddr6(b, a)
	}
	return append(b, "0.0.0.0"...)
}
