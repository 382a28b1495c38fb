// Package filter generates route filters for routers from IRR data, as
// bgpq4 does: prefix lists of the route objects of AS numbers, as-sets
// and route-sets, AS-path access lists that accept the ASes of an as-set
// behind a peer, and AS lists, written in the configuration language of
// each router (Cisco IOS and IOS XR, Arista EOS, Juniper Junos, BIRD,
// OpenBGPD, MikroTik RouterOS 6 and 7, Nokia SR OS classic and MD-CLI,
// Nokia SR Linux, Huawei VRP and XPL, JSON, and a user format). The
// output of each format is the output of bgpq4, byte for byte, for the
// same data: the formats table (Formats) maps bgpq4's option letters to
// format names.
//
// A filter is made in four steps. ParseQuery reads the objects (bgpq4's
// OBJECTS and EXCEPT OBJECTS, with bgpq4's SOURCE::NAME to take a set from
// one source). Expand resolves them against an irr.DB: as-sets to AS
// numbers (leaving out the special-purpose ASNs bgpq4 leaves out), AS
// numbers to the prefixes of their route or route6 objects, route-sets to
// prefix ranges. Build checks each registered prefix against a Policy
// (RPKI route origin validation and bogon space, each dropping or
// annotating), and puts the prefixes into a binary radix tree that
// applies bgpq4's more-specifics (-R, -r) and aggregation (-A); its
// entries, in address order, form a List. Format.Write writes the List.
// NewReport tells what the expansion found: sets, unknown sets, ASes
// left out, prefixes dropped or annotated and why, and registered
// prefixes whose route objects also name origins outside the query.
//
// Specifications:
//   - RFC 2622 (RPSL) section 2: address prefix range operators ^-, ^+,
//     ^n and ^n-m, which prefix objects and route-set members carry; a
//     range is expanded into the prefixes it admits, as bgpq4 does, up to
//     MaxRangePrefixes, and written as one aggregate entry beyond.
//     Sections 5.1 and 5.2: as-set and route-set expansion (package irr).
//   - RFC 4012 (RPSLng): route6 objects and IPv6 route-set members.
//   - RFC 6811: route origin validation of the registered prefixes
//     (package rov).
//   - RFC 6890 and RFC 8190 (special-purpose address registries), RIR
//     delegated statistics: bogon space (package bogon).
//   - RFC 5398, RFC 6996 and RFC 7300: the documentation, private-use
//     and reserved AS numbers left out of expansions (SpecialASN).
//
// Untrusted input: the objects of a query and the -F template (ParseQuery,
// ParseObject, ParseTemplate) come from the command line and are checked
// with errors naming the input and the position; the IRR data comes
// through package irr, which bounds set expansion. A prefix range
// admitting more than MaxRangePrefixes prefixes is not expanded, so a
// hostile route-set member such as 0.0.0.0/0^+ costs one entry, not 2^33.
package filter
