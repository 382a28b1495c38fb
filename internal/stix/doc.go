// Package stix turns the observatory's routing-security events into
// STIX 2.1 objects (OASIS STIX Version 2.1, 10 June 2021) that SIEMs and
// threat-intelligence platforms ingest, usually over TAXII 2.1 (package
// taxii).
//
// Each stored incident (a route leak, a hijack, a bogon prefix or ASN, an
// AS that lets spoofed packets out, each with its MANRS metric) and each
// lapse or restoration of conformance becomes a small graph: an indicator
// whose pattern matches the prefixes or the AS involved, the
// autonomous-system and ipv4-addr/ipv6-addr observables, an observed-data
// that groups them, a sighting by the route collectors' peers that saw the
// routes, a relationship tying the indicator to what it is based on, and a
// note that says in words what happened. The routing fields that STIX has
// no property for (event type, expected and observed origin, AS path,
// leaker, RFC 7908 leak type, RPKI state, MANRS metric) travel in one
// property extension, defined by an extension-definition object and the
// JSON schema routing-event.schema.json (docs/feeds.md). A monthly report
// groups a tenant's objects of one month.
//
// Every identifier is deterministic (STIX 2.1 section 2.9): observables
// use the specification's UUIDv5 namespace over their ID contributing
// properties, every other object a UUIDv5 from this package's namespace
// and the event's stable ID, so publishing an event again yields the same
// identifiers and, unless the event changed, the same objects.
//
// Nothing here reads untrusted input: the events come from the store.
package stix
