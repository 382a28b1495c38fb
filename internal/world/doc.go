// Package world generates a consistent synthetic Internet, deterministic
// for a seed, and writes it in the formats the real sources publish, so
// that the readers that run on real data run on it too.
//
// A world has an AS graph with provider, customer and peer relationships
// (a tier-1 clique, a transit hierarchy, stubs, IXP route servers),
// prefixes and origins drawn from real prefix-to-origin tables (RouteViews
// 2014 for IPv4, route-views6 2015 for IPv6, embedded in data/), RPKI
// coverage (VRPs and ASPA records, some deliberately wrong), route
// collectors whose peers see the routes that valley-free routing (Gao and
// Rexford's export rules, shortest path, lowest neighbour ASN on ties)
// gives them, and injected events with their ground truth. docs/world.md
// describes the model, its parameters, and where it is knowingly
// unrealistic.
//
// Nothing here reads untrusted input: the embedded tables are part of the
// program. Output is streamed to disk; the same seed and options give
// byte-identical files.
package world
