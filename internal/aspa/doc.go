// Package aspa verifies BGP AS_PATHs with ASPA objects, following
// draft-ietf-sidrops-aspa-verification-27 ("BGP AS_PATH Verification
// Based on Autonomous System Provider Authorization (ASPA) Objects").
//
// What is implemented, by section of that draft:
//
//   - 5.1-5.2, the provider authorisation function hop(AS(i), AS(j)):
//     "No Attestation" when AS(i) has no ASPA, "Provider+" when AS(j) is in
//     AS(i)'s set of provider ASes, "Not Provider+" otherwise (Verifier.Hop).
//     Several ASPAs of one customer are merged by package rpki first.
//   - 5.3, the up-ramp and down-ramp bounds. With the AS_PATH written as
//     AS(N), ..., AS(1) (AS(1) the origin, AS(N) the neighbour):
//     max_up_ramp is the largest I such that hop(AS(i-1), AS(i)) is not
//     "Not Provider+" for all 2 <= i <= I; min_up_ramp the largest I such
//     that it is "Provider+" for all 2 <= i <= I; max_down_ramp the largest
//     J such that hop(AS(j+1), AS(j)) is not "Not Provider+" for all
//     N-J+1 <= j <= N-1; min_down_ramp likewise with "Provider+".
//   - 5.4, upstream verification, for a route received from a customer, a
//     lateral peer, a route server (by an RS client) or an RS client (by a
//     route server): Invalid if max_up_ramp < N, else Unknown if
//     min_up_ramp < N, else Valid.
//   - 5.5, downstream verification, for a route received from a provider:
//     Invalid if max_up_ramp + max_down_ramp < N, else Unknown if
//     min_up_ramp + min_down_ramp < N, else Valid.
//   - path preparation common to 5.4 and 5.5: an AS_PATH holding an AS_SET
//     is Invalid (VerifyASSet, or Verify with hasSet); prepends, repeats of
//     an AS next to itself, are collapsed, and only those: an AS that
//     appears again further along is kept as a separate hop; an empty path
//     is Invalid; a path of one AS is Valid.
//
// The draft's check that the first AS of the path is the neighbour AS
// (section 5, skipped for a transparent route server) is the caller's:
// Verify sees only the path.
//
// Route collectors. The draft defines the procedures for a router that
// knows its relationship with the neighbour (section 6.3: BGP Roles of
// RFC 9234 select the procedure). A route collector (RIPE RIS, RouteViews)
// has no business relationship with its peers, and a full-table peer sends
// it everything, including routes learned from its own providers and peers,
// as a provider sends a customer. Verifying such a feed upstream would call
// every route the peer learned from a provider or peer a leak. So for
// collector data the collector is treated as a customer of each peer and
// the routes are verified downstream (DirectionDownstream), the most
// lenient procedure, which flags only paths that are invalid whatever the
// relationship. A caller that knows a peer to be a customer or a lateral
// peer of the collecting network can ask for DirectionUpstream.
//
// No input of this package is untrusted: ASPAs come from package rpki,
// paths from the BGP decoders.
package aspa
