package bgp

import (
	"fmt"
	"net/netip"
)

// NLRI is one reachability entry: a prefix and, with ADD-PATH (RFC 7911),
// its path identifier. The prefix is kept exactly as it was encoded: bits
// past the prefix length in its last octet are not cleared, so that a
// faithful dump can show them; call Prefix.Masked before using it as a key.
type NLRI struct {
	Prefix netip.Prefix
	PathID uint32
}

// maxNLRI caps the entries of one NLRI field. A BGP message holds at most
// 65535 bytes (RFC 8654) and every entry takes at least one.
const maxNLRI = 1 << 16

// appendNLRI decodes a sequence of prefixes of family afi (RFC 4271 section
// 4.3, RFC 4760 section 5) from b and appends them to dst. With addPath
// each prefix is preceded by a four-octet path identifier (RFC 7911
// section 3).
func appendNLRI(dst []NLRI, b []byte, afi AFI, addPath bool) ([]NLRI, error) {
	maxBits := 32
	if afi == AFIIPv6 {
		maxBits = 128
	} else if afi != AFIIPv4 {
		return dst, fmt.Errorf("RFC 4760 5: cannot decode prefixes of %v", afi)
	}
	for off := 0; off < len(b); {
		var id uint32
		if addPath {
			if len(b)-off < 4 {
				return dst, fmt.Errorf("RFC 7911 3: path identifier at offset %d truncated", off)
			}
			id = uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3])
			off += 4
		}
		if off >= len(b) {
			return dst, fmt.Errorf("RFC 4271 4.3: prefix length at offset %d missing", off)
		}
		bits := int(b[off])
		if bits > maxBits {
			return dst, fmt.Errorf("RFC 4271 4.3: prefix at offset %d has length %d, more than %d", off, bits, maxBits)
		}
		n := (bits + 7) / 8
		off++
		if len(b)-off < n {
			return dst, fmt.Errorf("RFC 4271 4.3: /%d prefix at offset %d needs %d bytes, %d left", bits, off-1, n, len(b)-off)
		}
		var addr netip.Addr
		if maxBits == 32 {
			var a [4]byte
			copy(a[:], b[off:off+n])
			addr = netip.AddrFrom4(a)
		} else {
			var a [16]byte
			copy(a[:], b[off:off+n])
			addr = netip.AddrFrom16(a)
		}
		off += n
		if len(dst) >= maxNLRI {
			return dst, fmt.Errorf("more than %d prefixes in one NLRI field", maxNLRI)
		}
		dst = append(dst, NLRI{Prefix: netip.PrefixFrom(addr, bits), PathID: id})
	}
	return dst, nil
}

// ParseNLRI decodes the prefixes in b (a field of an UPDATE or of an MRT
// RIB record) and appends them to dst.
func ParseNLRI(dst []NLRI, b []byte, afi AFI, addPath bool) ([]NLRI, error) {
	return appendNLRI(dst, b, afi, addPath)
}

// DecodePrefix decodes one prefix of family afi at the start of b, as MRT
// RIB records carry it (RFC 6396 section 4.3.2), and returns it with the
// number of bytes it took.
func DecodePrefix(b []byte, afi AFI) (netip.Prefix, int, error) {
	maxBits := 32
	if afi == AFIIPv6 {
		maxBits = 128
	}
	if len(b) == 0 {
		return netip.Prefix{}, 0, fmt.Errorf("RFC 4271 4.3: prefix length missing")
	}
	bits := int(b[0])
	if bits > maxBits {
		return netip.Prefix{}, 0, fmt.Errorf("RFC 4271 4.3: prefix length %d is more than %d", bits, maxBits)
	}
	n := (bits + 7) / 8
	if len(b)-1 < n {
		return netip.Prefix{}, 0, fmt.Errorf("RFC 4271 4.3: /%d prefix needs %d bytes, %d left", bits, n, len(b)-1)
	}
	var addr netip.Addr
	if maxBits == 32 {
		var a [4]byte
		copy(a[:], b[1:1+n])
		addr = netip.AddrFrom4(a)
	} else {
		var a [16]byte
		copy(a[:], b[1:1+n])
		addr = netip.AddrFrom16(a)
	}
	return netip.PrefixFrom(addr, bits), 1 + n, nil
}
