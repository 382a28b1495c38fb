// Package peeringdb reads and writes the PeeringDB data that MANRS action 3
// (coordination: globally reachable, up-to-date contact information, metric
// M8) is measured on: networks (net), the organisations that hold them (org)
// and their points of contact (poc).
//
// # Formats
//
// Two JSON layouts carry the same objects.
//
// API responses (https://www.peeringdb.com/api/, described at
// https://docs.peeringdb.com/api_specs/ and /apidocs/) wrap a list of
// objects of one type: {"data": [{...}, ...], "meta": {}}. The response
// does not name the type, so a Reader of one is told it (Reader.Kind). With
// depth=1 a net's "poc_set" lists contact ids; with depth=2 it holds the
// contact objects themselves (without "net_id"), which the Reader hands
// out as contacts of that net.
//
// Full dumps, as CAIDA publishes them daily
// (https://publicdata.caida.org/datasets/peeringdb/YYYY/MM/peeringdb_2_dump_YYYY_MM_DD.json),
// hold one section per object type: {"org": {"data": [...]}, "net":
// {"data": [...]}, "poc": {"data": [...]}, "ix": ..., "fac": ..., ...}.
// Sections other than org, net and poc are walked over without being
// decoded.
//
// Field names and values follow the PeeringDB server's serializers
// (peeringdb/peeringdb peeringdb_server/serializers.py: NetworkSerializer,
// OrganizationSerializer, NetworkContactSerializer) and its model constants
// (peeringdb/django-peeringdb const.py: POC_ROLES, VISIBILITY), which this
// package cites in errors as "serializers.py" and "const.py":
//   - net: id, org_id, name, website, asn, irr_as_set, info_prefixes4,
//     info_prefixes6, policy_general, poc_set, created, updated, status;
//   - org: id, name, website, country, created, updated, status;
//   - poc: id, net_id, role (Abuse, Maintenance, Policy, Technical, NOC,
//     Public Relations, Sales), visible (Private, Users, Public), name,
//     phone, email, url, created, updated, status.
//
// Other fields are ignored. Timestamps are RFC 3339 ("2020-07-02T03:47:58Z",
// sometimes with microseconds); status is "ok", "pending" or "deleted".
//
// # Untrusted input
//
// All input is untrusted. A Reader is a stream: it decodes one object at a
// time and keeps no raw JSON beyond the object in hand, which may not be
// larger than MaxObjectSize bytes, so a dump of any size costs the memory
// of its largest object. An object that cannot be decoded (a wrong type, an
// ASN out of range, an unknown role) is skipped and counted, and its error,
// naming the input, the section and index of the object and its byte
// offset, is kept up to MaxErrors; with Reader.Strict set the first one
// ends the stream. A JSON syntax error ends the stream, since the rest of
// the input can no longer be framed.
//
// A Dataset indexes what was read by ASN, and answers the questions of the
// observatory: has an AS a visible contact of a given role, and how long ago
// was it last updated.
package peeringdb
