// Package bogon says whether a prefix, an address or an AS number is a
// bogon: space or a number that should never appear in the global routing
// table (MANRS Observatory metrics M3 and M4), and why.
//
// A Set combines these sources, each answer naming the entry behind it
// (Match: its Kind, prefix or ASN range, name, and Source such as
// "RFC 5737" or "fullbogons-ipv4.txt line 17"):
//   - built in: the IANA IPv4 and IPv6 Special-Purpose Address Registries
//     (RFC 6890 section 2.2, with the "Globally Reachable" column of RFC
//     8190 section 2.1 and the allocations made since, e.g. RFC 9602,
//     RFC 9637), 224.0.0.0/4 from the IANA IPv4 Address Space Registry
//     (RFC 5771), and the IPv6 space outside 2000::/3 that the IANA IPv6
//     Address Space registry does not give to global unicast (RFC 4291
//     section 2.4). Registry contents as of RegistryDate; Builtin lists
//     them with their sources;
//   - built in: bogon ASNs: AS 0 (RFC 7607), AS_TRANS 23456 (RFC 6793),
//     the documentation ranges 64496-64511 and 65536-65551 (RFC 5398),
//     the private-use ranges 64512-65534 and 4200000000-4294967294 (RFC
//     6996), 65535 and 4294967295 (RFC 7300), and 65552-131071, reserved
//     in the IANA AS Numbers registry;
//   - RIR delegated statistics (package delegated): space and ASNs
//     listed as available, reserved, ietf or iana, and, when the loaded
//     files cover every registry, space they do not list at all (Absent);
//   - Team Cymru fullbogons lists (FullbogonsReader).
//
// A special-purpose block that the registry marks Globally Reachable
// (AS112, AMT, the PCP and TURN anycast addresses, ...) is not a bogon,
// even inside a bogon block such as 192.0.0.0/24 or 2001::/23. Blocks
// whose Globally Reachable column is "N/A" (Teredo, 6to4) or empty
// (deprecated blocks) are bogons.
//
// Two senses of "is a bogon" are offered for prefixes:
//   - Covering (strict): the prefix lies within bogon space; the most
//     specific entry that covers it (or equals it) is a bogon;
//   - CheckPrefix (the MANRS Observatory and Team Cymru sense): the prefix
//     overlaps bogon space: it is covered by a bogon entry, or it covers
//     one, as 0.0.0.0/0 or an aggregate over an unallocated hole does.
//
// Prefix lookups use one gaissmai/bart table for all sources; a check
// costs well under 100 ns with the full fullbogons lists loaded
// (BenchmarkCheckPrefix), and allocates only to name a matching entry.
//
// The fullbogons and delegated files are untrusted input: a bad line is
// skipped and counted (Stats), or in strict mode ends the load with an
// error naming the file and line.
package bogon
