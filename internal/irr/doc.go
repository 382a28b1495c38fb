// Package irr is an in-memory database of Internet Routing Registry
// objects from many sources (RIPE, RADB, ARIN, ...), built from RPSL dumps
// and kept current object by object, as an NRTM mirror does.
//
// It answers what the MANRS checks ask of the IRR: whether a route or
// route6 object exists for exactly a prefix and origin AS, and in which
// sources (RouteSources, HasRoute); which origins and which covering or
// covered route objects a prefix has (Origins, Covering, Covered); which
// prefixes an AS registers (Prefixes, IRRd's !g and !6); whether an AS
// has an aut-num with import and export policy, and which contacts it
// names (AutNum). For filter generation and a whois server it expands
// as-sets and route-sets recursively (ExpandASSet, ExpandRouteSet).
//
// Specifications:
//   - RFC 2622 (RPSL). Section 4: the route class; section 6: the
//     aut-num class. Section 5.1: as-set members, AS numbers and as-sets,
//     and mbrs-by-ref with member-of: an aut-num joins an as-set by
//     naming it in member-of only if the set's mbrs-by-ref lists one of
//     the aut-num's mnt-by, or ANY; without mbrs-by-ref, member-of does
//     not count. Section 5.2: route-set members, prefixes with range
//     operators, route-sets, as-sets and AS numbers (the route objects of
//     those ASes), a range operator after a set applying to each of its
//     members, and route objects joining with member-of under the same
//     mbrs-by-ref rule. Section 2: how range operators compose (an
//     operator applied to a prefix range applies to each prefix in it).
//   - RFC 4012 (RPSLng). Section 3: the route6 class; section 4.2:
//     mp-members of route-sets, with IPv6 prefixes.
//   - RFC 2725 (Routing Policy System Security) defines the mntner's
//     auth and mnt-routes. The DB keeps mntners as rpsl reads them; it
//     authenticates nothing and does not check mnt-routes. mbrs-by-ref
//     is RFC 2622's, not RFC 2725's.
//
// Sources have an order of precedence, given to New: lookups of objects
// that several sources may hold (aut-num, as-set, route-set, mntner) and
// set expansion take the earliest source's object, as IRRd does. Route
// objects are not chosen between: a prefix and origin holds the set of
// every source that has it.
//
// Memory follows the size of a full IRR, two to three million route
// objects: no rpsl.Object is kept. Routes live in a prefix trie (bart)
// mapping each prefix to its origins, each with a 64-bit set of sources,
// and in an index by origin of prefixes packed into integers; member-of
// and mnt-by are kept only for route objects with member-of. Aut-nums,
// sets and mntners are kept as their typed views.
//
// All input is untrusted: dumps and NRTM streams come from other
// parties. Load reads through rpsl.Reader, whose limits bound lines and
// objects; objects whose typed view does not parse are skipped and
// counted per reason, their first errors kept, each naming the input,
// the line and the reason. Set graphs are hostile too: expansion visits
// each set once (once per combination of range operators, at most
// MaxOperatorsPerSet), so cycles end, and stops at a depth and a member
// count (ExpandOptions), telling that it was cut short.
package irr
