// Package rov implements BGP prefix origin validation, RFC 6811: given the
// Validated ROA Payloads of the RPKI, a route (prefix, origin AS) is Valid,
// Invalid or NotFound.
//
// Terms, as in RFC 6811 section 2 and as Routinator's validity check uses
// them (src/validity.rs):
//
//   - a VRP covers a route when the VRP's prefix length is at most the
//     route's and the route's address lies inside the VRP's prefix;
//   - a VRP matches a route when it covers it, the route's prefix length is
//     at most the VRP's maximum length, and the VRP's ASN is the route's
//     origin AS.
//
// A route is Valid when some VRP matches it, Invalid when some VRP covers
// it but none matches, NotFound when no VRP covers it. An Invalid route has
// a Reason, exactly as Routinator reports it: ReasonAS when some covering
// VRP allows the route's length but names another AS, else ReasonLength
// (every covering VRP has a maximum length below the route's length).
//
// A VRP for AS 0 never matches (RFC 6483 section 4, RFC 7607): it only
// makes covered routes Invalid. A route whose AS_PATH ends in an AS_SET has
// the origin NONE (RFC 6811 section 2), which matches no VRP: use
// ValidateNone, or Validate with ASN 0, which is the same.
//
// The Index answers without allocating: VRP prefixes are kept per address
// family in arrays sorted by (start address, length), each node pointing to
// its nearest covering VRP prefix, with the VRPs of all nodes in one packed
// array. A lookup finds the last node that starts at or before the route's
// address (a bucket by the top 16 bits, then a binary search) and walks up
// the parent chain: the covering VRP prefixes of a route are exactly a
// suffix of that chain, because prefixes are either nested or disjoint.
//
// No input of this package is untrusted: VRPs come from package rpki, which
// checks them, and IPv4-mapped IPv6 routes are rejected (Invalid input is
// reported by the second return value of Validate being ReasonBadRoute).
package rov
