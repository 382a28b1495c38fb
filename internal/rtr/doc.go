// Package rtr implements the RPKI-to-Router protocol: a PDU codec, a cache
// (server) that serves an rpki.Set to routers with incremental updates, and
// a client that reads the full set from a cache.
//
// Versions: 0 (RFC 6810), 1 (RFC 8210) and 2 (draft-ietf-sidrops-8210bis-25,
// which adds the ASPA PDU). The ASPA PDU follows the layout of
// draft-ietf-sidrops-8210bis-14 and later (unchanged up to -25): the flags
// in the header's third octet, then the customer ASN and the provider ASNs,
// with no AFI flags and no provider count. Drafts up to -13 (which StayRTR
// 0.5 implements as "-10") carried an AFI flags octet and a provider count;
// that form is not spoken.
//
// The codec (pdu.go, decode.go, error.go) decodes every PDU type strictly:
// the length must be the one the type requires (or consistent with its
// inner lengths), fields that must be zero are zero, prefixes are canonical
// and their maximum length lies between the prefix length and the address
// length. A decode error names the PDU's position and the clause of the
// RFC, and carries the Error Report code that RFC 8210 section 5.11 asks a
// receiver to send.
//
// The cache (server.go, snapshot.go) keeps a session ID, a
// serial number compared with RFC 1982 arithmetic (serial.go), and a
// bounded history of deltas, so that a Serial Query gets the changes since
// its serial and a Cache Reset when that serial has left the history
// (RFC 8210 section 8). The encoded PDUs of the full set and of each delta
// are built once per serial and version and shared by every client.
//
// Untrusted input: every byte read from a connection (by the server, from
// routers; by the client, from caches). A PDU's length is checked against
// MaxPDULen before anything is allocated for it.
package rtr
