package mrt

import (
	"fmt"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/wire"
)

// TABLE_DUMP subtypes 3 and 4 are not in RFC 6396: they are the IPv4 and
// IPv6 forms with four-octet peer ASNs and AS_PATHs that some writers used
// before TABLE_DUMP_V2, and that bgpdump reads as "32BIT_AS".
const (
	TableDumpIPv4AS4 uint16 = 3
	TableDumpIPv6AS4 uint16 = 4
)

// tableDumpFixedLen is the length of a TABLE_DUMP entry without its
// attributes: view, sequence, prefix, length, status, originated time,
// peer address, peer AS and attribute length (RFC 6396 section 4.2).
func tableDumpFixedLen(subtype uint16) (int, bool) {
	switch subtype {
	case TableDumpIPv4:
		return 22, true
	case TableDumpIPv6:
		return 46, true
	case TableDumpIPv4AS4:
		return 24, true
	case TableDumpIPv6AS4:
		return 48, true
	}
	return 0, false
}

// decodeTableDump decodes one TABLE_DUMP entry (RFC 6396 section 4.2) from
// the start of b and returns the bytes it took. A record normally holds
// one entry; some early writers put several in one record.
func decodeTableDump(t *TableDump, subtype uint16, b []byte) (int, error) {
	var afi bgp.AFI
	as4 := subtype == TableDumpIPv4AS4 || subtype == TableDumpIPv6AS4
	switch subtype {
	case TableDumpIPv4, TableDumpIPv4AS4:
		afi = bgp.AFIIPv4
	case TableDumpIPv6, TableDumpIPv6AS4:
		afi = bgp.AFIIPv6
	default:
		return 0, fmt.Errorf("RFC 6396 4.2: TABLE_DUMP subtype %d is not an address family", subtype)
	}
	d := wire.New(b)
	t.View = d.U16()
	t.Sequence = d.U16()
	var prefix netip.Addr
	if afi == bgp.AFIIPv4 {
		prefix = d.Addr4()
	} else {
		prefix = d.Addr16()
	}
	bits := int(d.U8())
	t.Status = d.U8()
	t.Originated = d.U32()
	if afi == bgp.AFIIPv4 {
		t.PeerAddr = d.Addr4()
	} else {
		t.PeerAddr = d.Addr16()
	}
	if as4 {
		t.PeerAS = bgp.ASN(d.U32())
	} else {
		t.PeerAS = bgp.ASN(d.U16())
	}
	alen := int(d.U16())
	attrs := d.Bytes(alen)
	if err := d.Err(); err != nil {
		return 0, fmt.Errorf("RFC 6396 4.2: %w", err)
	}
	if bits > prefix.BitLen() {
		return 0, fmt.Errorf("RFC 6396 4.2: prefix length %d exceeds %d", bits, prefix.BitLen())
	}
	t.Prefix = netip.PrefixFrom(prefix, bits)
	t.AS4 = as4
	if err := t.Attrs.Decode(attrs, bgp.DecodeOptions{AS4: as4, RIB: true, RIBAFI: afi}); err != nil {
		return d.Off(), partial{fmt.Errorf("RFC 6396 4.2: attributes: %w", err)}
	}
	return d.Off(), nil
}
