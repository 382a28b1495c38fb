// Package bgp decodes BGP-4 messages and path attributes.
//
// It implements the parts of BGP that routing data archives carry:
//   - the message header, UPDATE, OPEN, NOTIFICATION and KEEPALIVE (RFC 4271 section 4);
//   - path attributes (RFC 4271 section 5): ORIGIN, AS_PATH with AS_SET and
//     confederation segments (RFC 5065), NEXT_HOP, MULTI_EXIT_DISC,
//     LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, ORIGINATOR_ID and
//     CLUSTER_LIST (RFC 4456), COMMUNITIES (RFC 1997), EXTENDED COMMUNITIES
//     (RFC 4360), LARGE_COMMUNITY (RFC 8092), ONLY_TO_CUSTOMER (RFC 9234
//     section 5), MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760), and the
//     four-octet AS transition attributes AS4_PATH and AS4_AGGREGATOR with
//     the merge of RFC 6793 section 4.2.3; attributes it does not know are
//     kept as raw bytes;
//   - NLRI with and without path identifiers (RFC 7911), and the
//     abbreviated MP_REACH_NLRI of MRT RIB entries (RFC 6396 section 4.3.4).
//
// Every byte slice passed to this package is untrusted. Decoding never
// panics and never allocates more than the input can justify: each count is
// checked against the bytes that remain before anything is allocated. A
// decoded Attrs reuses its slices on the next decode, so a stream of
// updates decodes without allocation; slices of raw bytes alias the input.
//
// Errors: a malformed attribute whose extent is known is discarded and
// reported in Attrs.Malformed, and decoding goes on; only a fault that hides
// where the next attribute starts ends the decode. A router would treat
// most such UPDATEs as withdrawals (RFC 7606 section 7); analysis does so
// where it matters (a missing or malformed AS_PATH), while a dump shows
// what the message held.
package bgp
