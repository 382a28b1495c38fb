// Package rpsl reads and writes the Routing Policy Specification Language
// as Internet Routing Registries publish it: the dump files of RIPE, RADB,
// ARIN, APNIC and the other IRRs, whois query answers, and NRTM update
// streams.
//
// Specifications:
//   - RFC 2622 (RPSL). Section 2: the textual form of an object (one
//     attribute per line, "name:" at column 0, continuation lines starting
//     with a space, a tab or "+", "#" comments, a blank line ending the
//     object), object names, reserved words, set-name prefixes and the
//     address prefix range operators ^-, ^+, ^n and ^n-m. Section 3: the
//     mntner, person and role classes. Section 4: the route class.
//     Section 5: the set classes and hierarchical set names (5.1 as-set,
//     5.2 route-set, both with mbrs-by-ref and member-of). Section 6: the
//     aut-num class and its import and export attributes.
//   - RFC 4012 (RPSLng). Section 2.4: IPv6 prefixes and prefix ranges.
//     Section 2.5: mp-import and mp-export. Section 3: the route6 class.
//     Section 4.2: mp-members of route-set.
//   - RFC 2725 (Routing Policy System Security): the auth attribute of the
//     mntner class and its schemes (CRYPT-PW, PGPKEY-<id>, MAIL-FROM, NONE,
//     and the registries' later MD5-PW and BCRYPT-PW), mnt-routes and the
//     key-cert class; section 9 summarises these additions to the schema.
//     The package parses these attributes; it does not authenticate.
//   - NRTM version 1 and 3, which no RFC defines: the stream format as the
//     RIPE Database and IRRd document it ("%START Version: 3 SOURCE
//     FIRST-LAST", "ADD serial" and "DEL serial" followed by an object,
//     "%END SOURCE").
//
// The model is deliberately thin. An Object is the ordered list of its
// attributes (name and value, names compared without regard to case and
// written back as they came), its class is the name of the first
// attribute, and its primary key comes from Key. Typed views (Route,
// AutNum, ASSet, RouteSet, Mntner, Contact) decode the attributes that
// the observatory, filter generation and the whois server need into typed
// values; they are parsed strictly and return an error naming the input,
// the line and the RFC clause. A view does not refer to the memory of the
// object it came from.
//
// Reader reads a dump as a stream: one object at a time, each owning its
// text, so memory stays flat whatever the size of the file. Writer writes
// objects back in the layout RIPE and IRRd use, values starting at column
// 16; parsing what it wrote gives back the same attributes.
//
// All input is untrusted: dump files, whois answers and NRTM streams come
// from other parties. Readers cap the length of a line and the size of an
// object before storing them (Limits), skip a bad line or object, count
// it and name it in Stats (input name, line and reason), and go on,
// unless Strict is set. An NRTM stream whose framing is wrong (no %START,
// serials out of order, a missing %END) ends with an error, since
// applying part of a damaged stream would corrupt a mirror.
package rpsl
