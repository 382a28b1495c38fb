// Package mrt reads routing data in the MRT format (RFC 6396) as a stream.
//
// It decodes:
//   - TABLE_DUMP (RFC 6396 section 4.2), IPv4 and IPv6;
//   - TABLE_DUMP_V2 (section 4.3): PEER_INDEX_TABLE, RIB_IPV4_UNICAST,
//     RIB_IPV4_MULTICAST, RIB_IPV6_UNICAST, RIB_IPV6_MULTICAST and
//     RIB_GENERIC, and their ADD-PATH variants (RFC 8050 section 4);
//   - BGP4MP and BGP4MP_ET with microsecond timestamps (sections 4.4 and
//     3): STATE_CHANGE, MESSAGE, MESSAGE_AS4, STATE_CHANGE_AS4,
//     MESSAGE_LOCAL, MESSAGE_AS4_LOCAL (RFC 6396, RFC 6793) and the four
//     ADDPATH message subtypes (RFC 8050 section 3);
//   - the deprecated type BGP (5) of the original MRT toolkit, which early
//     RIPE RIS archives hold (RFC 6396 appendix B lists it).
//
// BGP messages and path attributes inside the records are decoded by
// package bgp. Other record types (OSPF, IS-IS, RIP, ...) are counted and
// skipped.
//
// Input is untrusted. A Reader hands out one record at a time and reuses
// its buffers, so memory stays flat whatever the size of the stream. A
// record whose body cannot be decoded is skipped and counted, and decoding
// goes on with the next; a fault in the framing (a truncated record, a
// length beyond MaxRecordLen) ends the stream with an error that names the
// input, the record number and its byte offset.
package mrt
