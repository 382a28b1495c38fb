// Package detect turns a day of routing data into the incidents and
// measurements of the MANRS metrics: it reads the routes of collector RIB
// dumps and update files, judges each against what is known (RPKI, IRR,
// AS relationships, bogons), and reports, per AS, the route leaks (M1,
// M1C), misoriginations (M2, M2C), bogon prefixes (M3, M3C) and bogon
// ASNs (M4, M4C) it saw, with their time windows and the routes behind
// them, and the prefixes each AS originated with their RPKI and IRR
// states (M7IRR, M7RPKI, M7RPKIN). Registry metrics come from their own
// sources: spoofing (M5, M5C) from Spoofer sessions, routing policy (M6)
// from aut-num objects, contacts (M8) from PeeringDB and the IRR.
//
// The definitions, and where they differ from the MANRS Observatory's,
// are in docs/observatory.md. In short:
//
//   - M1: an AS passes a route learned from a provider or a peer to a
//     provider or a peer (a valley; RFC 7908 section 3, types 1 to 4),
//     judged against the AS relationships; M1C: its provider passed it on.
//   - M2: the route is RPKI-invalid, no covering VRP names its origin, and
//     no IRR route object has its prefix and origin (RFC 6811).
//   - M3: the prefix lies in special-purpose or unallocated space.
//   - M4: a bogon ASN (private use, reserved, AS_TRANS, unallocated) is in
//     the path; the culprit is the AS in front of it.
//
// Routes reach an Observer one collector at a time, from one goroutine
// per collector; nothing is kept per route except for the few routes that
// raise a metric, so memory grows with the number of distinct prefix and
// origin pairs, not with the number of peers. An incident counts only
// when at least Options.MinPeers collector peers saw it.
//
// Inputs are decoded values: the untrusted bytes were checked by the
// codecs (mrt, bgp, rpki, rpsl, asrel, bogon).
package detect
