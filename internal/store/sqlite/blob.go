package sqlite

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/wire"
)

// The packed formats of the BLOB columns, this package's own. A value
// decodes only if encoding what it decodes to gives it back byte for byte;
// anything else is corrupt.
//
// day_ases.asns is the day's ASNs, strictly increasing, four bytes each,
// big-endian.
//
// prefixes.data is one AS's prefix statuses in increasing prefix order
// (store.ComparePrefixes), each:
//
//	flags  1 byte: bit 0 IPv6; bits 1-2 RPKI state (0 not-found,
//	       1 valid, 2 invalid); bit 3 IRR; bits 4-7 zero
//	bits   1 byte: the prefix length, at most 32 (IPv4) or 128 (IPv6)
//	addr   (bits+7)/8 bytes: the leading bytes of the address, host
//	       bits zero
//	peers  uvarint, at most math.MaxInt32
//
// An IPv4 /24 seen by a few peers takes 6 bytes.

const (
	flagIPv6     = 1 << 0
	flagRPKIMask = 3 << 1
	flagIRR      = 1 << 3
	flagUnused   = 0xf0

	rpkiShift = 1
	maxPeers  = math.MaxInt32
)

// appendASNs appends the packed form of asns, which must be strictly
// increasing.
func appendASNs(b []byte, asns []bgp.ASN) []byte {
	for _, a := range asns {
		b = binary.BigEndian.AppendUint32(b, uint32(a))
	}
	return b
}

// decodeASNs decodes a packed ASN list.
func decodeASNs(b []byte) ([]bgp.ASN, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("length %d is not a multiple of 4", len(b))
	}
	out := make([]bgp.ASN, len(b)/4)
	for i := range out {
		out[i] = bgp.ASN(binary.BigEndian.Uint32(b[4*i:]))
		if i > 0 && out[i] <= out[i-1] {
			return nil, fmt.Errorf("byte %d: %s after %s: not increasing", 4*i, out[i], out[i-1])
		}
	}
	return out, nil
}

// appendPrefixes appends the packed form of ps, which must be sorted by
// prefix. Prefixes are stored masked (host bits cleared).
func appendPrefixes(b []byte, ps []incident.PrefixStatus) ([]byte, error) {
	for i := range ps {
		s := &ps[i]
		p := s.Prefix.Masked()
		if !p.IsValid() {
			return b, fmt.Errorf("prefix %d: invalid prefix %q", i, s.Prefix)
		}
		if s.RPKI > incident.Invalid {
			return b, fmt.Errorf("%s: RPKI state %d out of range", p, s.RPKI)
		}
		if s.Peers < 0 || s.Peers > maxPeers {
			return b, fmt.Errorf("%s: peers %d out of range 0-%d", p, s.Peers, maxPeers)
		}
		flags := byte(s.RPKI) << rpkiShift
		if p.Addr().Is6() {
			flags |= flagIPv6
		}
		if s.IRR {
			flags |= flagIRR
		}
		bits := p.Bits()
		b = append(b, flags, byte(bits))
		if p.Addr().Is4() {
			a := p.Addr().As4()
			b = append(b, a[:(bits+7)/8]...)
		} else {
			a := p.Addr().As16()
			b = append(b, a[:(bits+7)/8]...)
		}
		b = binary.AppendUvarint(b, uint64(s.Peers))
	}
	return b, nil
}

// decodePrefixes decodes a packed list of prefix statuses.
func decodePrefixes(b []byte) ([]incident.PrefixStatus, error) {
	// An entry takes at least 3 bytes (flags, bits 0, peers); a typical
	// one about 6.
	out := make([]incident.PrefixStatus, 0, min(len(b)/6+1, len(b)/3))
	d := wire.New(b)
	for d.Len() > 0 {
		off := d.Off()
		fail := func(format string, args ...any) ([]incident.PrefixStatus, error) {
			return nil, fmt.Errorf("entry %d at byte %d: %s", len(out), off, fmt.Sprintf(format, args...))
		}
		flags := d.U8()
		bits := int(d.U8())
		if flags&flagUnused != 0 {
			return fail("unknown flags %#02x", flags)
		}
		state := incident.RPKIState(flags & flagRPKIMask >> rpkiShift)
		if state > incident.Invalid {
			return fail("RPKI state %d out of range", state)
		}
		maxBits := 32
		if flags&flagIPv6 != 0 {
			maxBits = 128
		}
		if bits > maxBits {
			return fail("prefix length %d over %d", bits, maxBits)
		}
		addr := d.Bytes((bits + 7) / 8)
		var ip [16]byte
		copy(ip[:], addr)
		if bits%8 != 0 && ip[bits/8]&(0xff>>(bits%8)) != 0 {
			return fail("host bits set in /%d", bits)
		}
		rest := d.Rest()
		peers, n := binary.Uvarint(rest)
		switch {
		case d.Err() != nil:
			return fail("%v", d.Err())
		case n == 0:
			return fail("truncated peer count")
		case n < 0 || peers > maxPeers:
			return fail("peer count over %d", maxPeers)
		case n > 1 && rest[n-1] == 0:
			return fail("peer count not minimally encoded")
		}
		d.Skip(n)
		var a netip.Addr
		if maxBits == 32 {
			a = netip.AddrFrom4([4]byte(ip[:4]))
		} else {
			a = netip.AddrFrom16(ip)
		}
		p := netip.PrefixFrom(a, bits)
		if k := len(out); k > 0 && store.ComparePrefixes(out[k-1].Prefix, p) > 0 {
			return fail("%s after %s: not sorted", p, out[k-1].Prefix)
		}
		out = append(out, incident.PrefixStatus{Prefix: p, RPKI: state, IRR: flags&flagIRR != 0, Peers: int(peers)})
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
