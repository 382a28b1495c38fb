package delegated

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Type is the kind of number resource a record describes (RIR stats 4.3).
type Type uint8

// Resource types.
const (
	ASN  Type = iota + 1 // "asn": a range of AS numbers
	IPv4                 // "ipv4": a range of IPv4 addresses
	IPv6                 // "ipv6": an IPv6 prefix
)

var typeNames = [...]string{ASN: "asn", IPv4: "ipv4", IPv6: "ipv6"}

// String returns the type as the format writes it: "asn", "ipv4", "ipv6".
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

func parseType(b []byte) (Type, bool) {
	switch string(b) {
	case "asn":
		return ASN, true
	case "ipv4":
		return IPv4, true
	case "ipv6":
		return IPv6, true
	}
	return 0, false
}

// Status is the state of a resource (RIR stats 4.3, field "status").
type Status uint8

// Statuses. Allocated and Assigned resources are in use; Available and
// Reserved ones are held by the registry. The NRO combined file also uses
// IETF (reserved by the IETF, e.g. special-purpose space) and IANA (held
// by IANA, not yet given to a registry).
const (
	Allocated Status = iota + 1
	Assigned
	Available
	Reserved
	IETF
	IANA
)

var statusNames = [...]string{
	Allocated: "allocated",
	Assigned:  "assigned",
	Available: "available",
	Reserved:  "reserved",
	IETF:      "ietf",
	IANA:      "iana",
}

// String returns the status as the format writes it.
func (s Status) String() string {
	if int(s) < len(statusNames) && statusNames[s] != "" {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Delegated reports whether the resource is in use by a holder: allocated
// or assigned.
func (s Status) Delegated() bool { return s == Allocated || s == Assigned }

func parseStatus(b []byte) (Status, bool) {
	switch string(b) {
	case "allocated":
		return Allocated, true
	case "assigned":
		return Assigned, true
	case "available":
		return Available, true
	case "reserved":
		return Reserved, true
	case "ietf":
		return IETF, true
	case "iana":
		return IANA, true
	}
	return 0, false
}

// Record is one resource line (RIR stats 4.3).
type Record struct {
	// Line is the line number of the record in its file, from 1.
	Line int
	// Registry is the registry that holds the resource: afrinic, apnic,
	// arin, iana, lacnic or ripencc.
	Registry string
	// Country is the ISO 3166 two-letter code of the holder's country
	// ("ZZ", "EU" and "AP" also occur), or "" where the file leaves it
	// empty (unallocated space in some registries' files).
	Country string
	Type    Type
	// StartASN is the first ASN of an asn record.
	StartASN bgp.ASN
	// Start is the first address of an ipv4 or ipv6 record.
	Start netip.Addr
	// Value is the value field as written: the number of ASNs (asn), the
	// number of addresses (ipv4) or the prefix length (ipv6).
	Value uint64
	// Date is the date of the allocation or assignment; zero when the
	// file gives none ("" or "00000000").
	Date   time.Time
	Status Status
	// OpaqueID identifies the holder (extended format only; "" when
	// absent). Records of one holder share it.
	OpaqueID string
	// Extensions is the rest of the line after the opaque-id, unparsed
	// (e.g. "e-stats" in the NRO file); "" when absent.
	Extensions string
}

// LastASN returns the last ASN of an asn record.
func (r *Record) LastASN() bgp.ASN { return r.StartASN + bgp.ASN(r.Value-1) }

// LastAddr returns the last address of an ipv4 or ipv6 record.
func (r *Record) LastAddr() netip.Addr {
	switch r.Type {
	case IPv4:
		return addrFrom(fromAddr(r.Start).add(r.Value-1), true)
	case IPv6:
		return lastOfPrefix(netip.PrefixFrom(r.Start, int(r.Value)))
	}
	return netip.Addr{}
}

// AppendPrefixes appends the prefixes that make up an ipv4 or ipv6
// record to dst: the one prefix of an ipv6 record, the shortest list of
// prefixes that covers exactly the address range of an ipv4 record (one
// prefix when the count is a power of two and the start aligned to it). It
// appends nothing for an asn record.
func (r *Record) AppendPrefixes(dst []netip.Prefix) []netip.Prefix {
	switch r.Type {
	case IPv4:
		return AppendRangePrefixes(dst, r.Start, r.LastAddr())
	case IPv6:
		return append(dst, netip.PrefixFrom(r.Start, int(r.Value)))
	}
	return dst
}

// AppendFormat appends the record as a line of the format, without the
// trailing newline. Reading the line back gives the same record (Line
// aside).
func (r *Record) AppendFormat(b []byte) []byte {
	b = append(b, r.Registry...)
	b = append(b, '|')
	b = append(b, r.Country...)
	b = append(b, '|')
	b = append(b, r.Type.String()...)
	b = append(b, '|')
	switch r.Type {
	case ASN:
		b = strconv.AppendUint(b, uint64(r.StartASN), 10)
	default:
		b = r.Start.AppendTo(b)
	}
	b = append(b, '|')
	b = strconv.AppendUint(b, r.Value, 10)
	b = append(b, '|')
	if !r.Date.IsZero() {
		b = r.Date.AppendFormat(b, "20060102")
	}
	b = append(b, '|')
	b = append(b, r.Status.String()...)
	if r.OpaqueID != "" || r.Extensions != "" {
		b = append(b, '|')
		b = append(b, r.OpaqueID...)
	}
	if r.Extensions != "" {
		b = append(b, '|')
		b = append(b, r.Extensions...)
	}
	return b
}
