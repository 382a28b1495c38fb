package bgp

import "strconv"

// Community is a COMMUNITIES value (RFC 1997): the high 16 bits are
// conventionally an ASN, the low 16 bits a value.
type Community uint32

// Well-known communities (RFC 1997, RFC 3765, RFC 7999, RFC 8326).
const (
	CommunityGracefulShutdown  Community = 0xFFFF0000
	CommunityBlackhole         Community = 0xFFFF029A
	CommunityNoExport          Community = 0xFFFFFF01
	CommunityNoAdvertise       Community = 0xFFFFFF02
	CommunityNoExportSubconfed Community = 0xFFFFFF03
	CommunityNoPeer            Community = 0xFFFFFF04
)

// String formats c as "ASN:value".
func (c Community) String() string {
	return string(c.Append(nil))
}

// Append appends "ASN:value" to b.
func (c Community) Append(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(c>>16), 10)
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(c&0xffff), 10)
}

// ExtCommunity is an EXTENDED COMMUNITIES value (RFC 4360), kept as its
// eight octets.
type ExtCommunity [8]byte

// Type returns the type high and low octets.
func (e ExtCommunity) Type() (high, low uint8) { return e[0], e[1] }

// LargeCommunity is a LARGE_COMMUNITY value (RFC 8092).
type LargeCommunity struct {
	Global, Local1, Local2 uint32
}

// String formats l as "global:local1:local2" (RFC 8092 section 4 canonical form).
func (l LargeCommunity) String() string { return string(l.Append(nil)) }

// Append appends the canonical form of l to b.
func (l LargeCommunity) Append(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(l.Global), 10)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(l.Local1), 10)
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(l.Local2), 10)
}
