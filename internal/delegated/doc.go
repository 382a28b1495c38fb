// Package delegated reads the statistics files in which the Regional
// Internet Registries publish the state of the number resources they
// manage: the "delegated" and "delegated-extended" files of AFRINIC, APNIC,
// ARIN, LACNIC and the RIPE NCC, and the combined file of the NRO.
//
// The format is the RIR Statistics Exchange Format (published by the RIRs,
// e.g. https://www.apnic.net/about-apnic/corporate-documents/documents/resource-guidelines/rir-statistics-exchange-format/).
// Error messages cite its sections as "RIR stats 4.2.1":
//   - 4.1 comment lines start with '#';
//   - 4.2.1 the version line, the first line that is not a comment:
//     version|registry|serial|records|startdate|enddate|UTCoffset;
//   - 4.2.2 summary lines: registry|*|type|*|count|summary;
//   - 4.3 records: registry|cc|type|start|value|date|status, followed in
//     the extended format by |opaque-id and optional |extensions.
//
// Types are asn, ipv4 and ipv6. The value of an asn record is a count of
// ASNs, of an ipv4 record a count of addresses, which need not be a power
// of two (Record.AppendPrefixes turns it into the shortest list of
// prefixes), and of an ipv6 record a prefix length. Statuses are
// allocated, assigned, available and reserved, and in the NRO file also
// ietf and iana.
//
// Input is untrusted. A Reader is a stream: it hands out one record at a
// time and keeps nothing per record, so a 700,000-line file costs no more
// memory than a ten-line one. A line that cannot be parsed is skipped and
// counted, and its error (with the file name, the line number and the
// section of the format) is kept up to MaxErrors; with Reader.Strict set,
// the first bad line ends the stream instead.
package delegated
