package bogon

import (
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// Names of the registries the built-in entries come from.
const (
	RegistryIPv4Special  = "IANA IPv4 Special-Purpose Address Registry"
	RegistryIPv6Special  = "IANA IPv6 Special-Purpose Address Registry"
	RegistryIPv4Space    = "IANA IPv4 Address Space Registry"
	RegistryIPv6Space    = "IANA Internet Protocol Version 6 Address Space registry"
	RegistryASNSpecial   = "IANA Special-Purpose AS Numbers registry"
	RegistryASNs         = "IANA Autonomous System (AS) Numbers registry"
	RegistryFullbogons   = "Team Cymru fullbogons"
	RegistryDelegated    = "RIR delegated statistics"
	registryDelegatedFmt = "%s delegated statistics"
)

// RegistryDate is the date of the registry contents that the built-in
// entries reproduce.
const RegistryDate = "2025-10-09"

// prefixEntry is a row of a built-in prefix table.
type prefixEntry struct {
	prefix   string
	name     string
	ref      string
	fwd      Flag
	global   Flag
	kind     Kind
	registry string
}

// Short names for the flag columns of the tables below.
const (
	no    = FlagFalse
	yes   = FlagTrue
	na    = FlagNA
	unset = FlagUnset
)

// ipv4Special is the IANA IPv4 Special-Purpose Address Registry (RFC
// 6890 section 2.2.2, as updated by RFC 8190 and later allocations), with
// its Forwardable and Globally Reachable columns.
var ipv4Special = []prefixEntry{
	{"0.0.0.0/8", `"This network"`, "RFC 791 section 3.2", no, no, SpecialPurpose, RegistryIPv4Special},
	{"0.0.0.0/32", `"This host on this network"`, "RFC 1122 section 3.2.1.3", no, no, SpecialPurpose, RegistryIPv4Special},
	{"10.0.0.0/8", "Private-Use", "RFC 1918", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"100.64.0.0/10", "Shared Address Space", "RFC 6598", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"127.0.0.0/8", "Loopback", "RFC 1122 section 3.2.1.3", no, no, SpecialPurpose, RegistryIPv4Special},
	{"169.254.0.0/16", "Link Local", "RFC 3927", no, no, SpecialPurpose, RegistryIPv4Special},
	{"172.16.0.0/12", "Private-Use", "RFC 1918", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 section 2.1", no, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", no, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", yes, yes, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", yes, yes, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2", no, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2", no, no, SpecialPurpose, RegistryIPv4Special},
	{"192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", no, no, SpecialPurpose, RegistryIPv4Special},
	{"192.31.196.0/24", "AS112-v4", "RFC 7535", yes, yes, SpecialPurpose, RegistryIPv4Special},
	{"192.52.193.0/24", "AMT", "RFC 7450", yes, yes, SpecialPurpose, RegistryIPv4Special},
	{"192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", unset, unset, SpecialPurpose, RegistryIPv4Special},
	{"192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"192.168.0.0/16", "Private-Use", "RFC 1918", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", yes, yes, SpecialPurpose, RegistryIPv4Special},
	{"198.18.0.0/15", "Benchmarking", "RFC 2544", yes, no, SpecialPurpose, RegistryIPv4Special},
	{"198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", no, no, SpecialPurpose, RegistryIPv4Special},
	{"203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", no, no, SpecialPurpose, RegistryIPv4Special},
	{"240.0.0.0/4", "Reserved", "RFC 1112 section 4", no, no, SpecialPurpose, RegistryIPv4Special},
	{"255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 section 7", no, no, SpecialPurpose, RegistryIPv4Special},
	// Not special-purpose, but never a unicast route: the IANA IPv4
	// Address Space Registry lists 224/4 as Multicast.
	{"224.0.0.0/4", "Multicast", "RFC 5771", unset, unset, Reserved, RegistryIPv4Space},
}

// ipv6Special is the IANA IPv6 Special-Purpose Address Registry (RFC 6890
// section 2.2.3, as updated by RFC 8190 and later allocations), and the
// blocks of the IANA IPv6 Address Space registry that are not global
// unicast (RFC 4291 section 2.4: everything outside 2000::/3 but the
// special-purpose blocks).
var ipv6Special = []prefixEntry{
	{"::1/128", "Loopback Address", "RFC 4291", no, no, SpecialPurpose, RegistryIPv6Special},
	{"::/128", "Unspecified Address", "RFC 4291", no, no, SpecialPurpose, RegistryIPv6Special},
	{"::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", no, no, SpecialPurpose, RegistryIPv6Special},
	{"64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", yes, no, SpecialPurpose, RegistryIPv6Special},
	{"100::/64", "Discard-Only Address Block", "RFC 6666", yes, no, SpecialPurpose, RegistryIPv6Special},
	{"100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", no, no, SpecialPurpose, RegistryIPv6Special},
	{"2001::/23", "IETF Protocol Assignments", "RFC 2928", no, no, SpecialPurpose, RegistryIPv6Special},
	{"2001::/32", "TEREDO", "RFC 4380, RFC 8190", yes, na, SpecialPurpose, RegistryIPv6Special},
	{"2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:1::3/128", "DNS-SD Service Registration Protocol Anycast Address", "RFC 9665", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", yes, no, SpecialPurpose, RegistryIPv6Special},
	{"2001:3::/32", "AMT", "RFC 7450", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:4:112::/48", "AS112-v6", "RFC 7535", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", unset, unset, SpecialPurpose, RegistryIPv6Special},
	{"2001:20::/28", "ORCHIDv2", "RFC 7343", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"2001:db8::/32", "Documentation", "RFC 3849", no, no, SpecialPurpose, RegistryIPv6Special},
	{"2002::/16", "6to4", "RFC 3056", yes, na, SpecialPurpose, RegistryIPv6Special},
	{"2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", yes, yes, SpecialPurpose, RegistryIPv6Special},
	{"3fff::/20", "Documentation", "RFC 9637", no, no, SpecialPurpose, RegistryIPv6Special},
	{"5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", yes, no, SpecialPurpose, RegistryIPv6Special},
	{"fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", yes, no, SpecialPurpose, RegistryIPv6Special},
	{"fe80::/10", "Link-Local Unicast", "RFC 4291", no, no, SpecialPurpose, RegistryIPv6Special},

	{"::/8", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"100::/8", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"200::/7", "Reserved by IETF", "RFC 4048", unset, unset, Reserved, RegistryIPv6Space},
	{"400::/6", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"800::/5", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"1000::/4", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"4000::/3", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"6000::/3", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"8000::/3", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"a000::/3", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"c000::/3", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"e000::/4", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"f000::/5", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"f800::/6", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"fe00::/9", "Reserved by IETF", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
	{"fec0::/10", "Reserved by IETF (deprecated site-local)", "RFC 3879", unset, unset, Reserved, RegistryIPv6Space},
	{"ff00::/8", "Multicast", "RFC 4291", unset, unset, Reserved, RegistryIPv6Space},
}

// asnEntry is a row of the built-in ASN table.
type asnEntry struct {
	first, last bgp.ASN
	name        string
	ref         string
	kind        Kind
	registry    string
}

// asnSpecial is the IANA Special-Purpose AS Numbers registry (RFC 7249)
// and the reserved rows of the IANA AS Numbers registry. AS 112 (RFC
// 7534), also in the special-purpose registry, is a real origin and no
// bogon.
var asnSpecial = []asnEntry{
	{0, 0, "Reserved (AS 0)", "RFC 7607", SpecialPurpose, RegistryASNSpecial},
	{23456, 23456, "AS_TRANS", "RFC 6793", SpecialPurpose, RegistryASNSpecial},
	{64496, 64511, "Documentation", "RFC 5398", SpecialPurpose, RegistryASNSpecial},
	{64512, 65534, "Private Use", "RFC 6996", SpecialPurpose, RegistryASNSpecial},
	{65535, 65535, "Reserved (last 16-bit ASN)", "RFC 7300", SpecialPurpose, RegistryASNSpecial},
	{65536, 65551, "Documentation", "RFC 5398", SpecialPurpose, RegistryASNSpecial},
	{65552, 131071, "Reserved", "IANA", Reserved, RegistryASNs},
	{4200000000, 4294967294, "Private Use", "RFC 6996", SpecialPurpose, RegistryASNSpecial},
	{4294967295, 4294967295, "Reserved (last 32-bit ASN)", "RFC 7300", SpecialPurpose, RegistryASNSpecial},
}

// Builtin returns the built-in entries: the IANA special-purpose
// registries and the reserved parts of the address-space and AS-number
// registries, prefixes first (IPv4, then IPv6), then ASN ranges. Entries
// whose Bogon is false are globally reachable special-purpose blocks
// (AS112, AMT, anycast services) that are exceptions within bogon space.
func Builtin() []Entry {
	var out []Entry
	for _, tab := range [][]prefixEntry{ipv4Special, ipv6Special} {
		for _, e := range tab {
			out = append(out, Entry{
				Kind:              e.kind,
				Prefix:            netip.MustParsePrefix(e.prefix),
				Name:              e.name,
				Source:            e.ref,
				Registry:          e.registry,
				Forwardable:       e.fwd,
				GloballyReachable: e.global,
				Bogon:             e.global != FlagTrue,
			})
		}
	}
	for _, e := range asnSpecial {
		out = append(out, Entry{
			Kind:     e.kind,
			First:    e.first,
			Last:     e.last,
			Name:     e.name,
			Source:   e.ref,
			Registry: e.registry,
			Bogon:    true,
		})
	}
	return out
}
