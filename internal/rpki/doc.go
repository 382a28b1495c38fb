// Package rpki holds validated RPKI payload: Validated ROA Payloads (VRPs)
// and validated ASPA payloads, as relying-party software exports them.
//
// It reads the export formats of the common validators, applies local
// exceptions, and writes the formats that routers and route servers load:
//
//   - loaders (load.go, json.go, csv.go): the JSON that rpki-client (-j),
//     Routinator (vrps -f json/jsonext) and StayRTR/GoRTR write, and the
//     CSV dialects of rpki-client, Routinator (csv, csvcompat, csvext) and
//     the RIPE NCC RPKI Validator. The format is detected from the content:
//     JSON when the first non-space byte after an optional UTF-8 byte order
//     mark is '{', else CSV, whose dialect is chosen by its header line.
//     The JSON loader streams: memory grows with the number of records
//     kept, not with the size of the input.
//   - SLURM (slurm.go): Simplified Local Internet Number Resource
//     Management with the RPKI, RFC 8416, with the ASPA members of
//     draft-ietf-sidrops-aspa-slurm-04 (aspaFilters, aspaAssertions).
//     Filters remove payload and assertions add payload (RFC 8416 section
//     4); files that overlap are rejected (RFC 8416 section 4.2). The
//     overlap check sorts the prefixes of all files and the filters sit in
//     a prefix trie, so both take O(n log n), not one comparison per pair.
//   - writers (output.go and one file per format): rpki-client's json and
//     csv, the OpenBGPD roa-set and aspa-set, the BIRD 2 ROA tables and
//     Routinator's RPSL, registered in one table like rpki-client's
//     outputs[].
//
// Each record is checked on the way in: a prefix must be canonical (no host
// bits) and not IPv4-mapped IPv6 (RFC 4291 section 2.5.5.2; no route
// carries one), the maximum length must lie between the prefix length and
// the address length (RFC 6482 section 3.3), an ASN must fit 32 bits (RFC
// 6793; a JSON number must be a plain integer, asdot (RFC 5396) comes only
// in strings), and an ASPA's customer must not be among its own providers
// (draft-ietf-sidrops-aspa-profile). A bad record is skipped and counted by
// reason (Stats), unless the caller asks for strict mode, where the first
// bad record ends the load with an error that names the input, the line and
// the rule.
//
// Untrusted input: everything the loaders and ParseSLURM read. Lengths are
// capped before anything is allocated for them (MaxStringLen, MaxNesting,
// MaxProviders, MaxSLURMSize).
package rpki
