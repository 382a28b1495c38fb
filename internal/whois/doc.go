// Package whois is a whois server (RFC 3912) that answers the queries of
// IRRd 4, the Internet Routing Registry daemon, from an in-memory IRR
// database (package irr): what bgpq4, bgpq3, peval and the whois client
// send to rr.ntt.net or whois.radb.net, they can send here.
//
// Queries, one a line, as IRRd 4's whois query reference describes them:
//   - IRRd style: !! (stay connected), !q, !n<client>, !v, !s-lc and
//     !s<sources>, !a[4|6]<as-set> (the prefixes of the routes of every AS
//     of a set, recursively), !g<asn> and !6<asn> (the prefixes an AS
//     originates), !i<set>[,1] (the members of an as-set or route-set,
//     recursively with ",1"), !j<sources> and !j-* (serial ranges),
//     !m<class>,<key> (one object), !o<mntner> (the objects a maintainer
//     maintains), !r<prefix>[,o|l|L|M] (route objects: exact, their
//     origins, one level less specific, all less specific, all more
//     specific) and !t<seconds>. Answers are "A<length>", the data and
//     "C"; "C" alone (no data); "D" (key not found); "F <message>".
//   - RIPE style: flags -k, -K, -r, -F, -a, -s <sources>, -T <classes>,
//     -V <client>, then one search: -i origin|member-of|mnt-by <value>,
//     -x|-l|-L|-M <prefix>, or a key (an AS number, a prefix or address,
//     a set or any other primary key). Answers are RPSL objects separated
//     by blank lines, "%  No entries found for the selected source(s).",
//     or "%% ERROR: <message>", each followed by two blank lines.
//
// NRTM: a Mirror keeps a source current from an NRTM version 3 server
// (the protocol of the RIPE database and IRRd 4; not an RFC, RFC 2769's
// Routing Policy System Replication was its undeployed counterpart) by
// polling "-g SOURCE:3:NEXT-LAST" and
// applying the ADD and DEL changes through a Journal, which follows each
// source's serial and keeps the changes applied. A Server with a Journal
// answers "-g SOURCE:3:FIRST-LAST" from it, with IRRd's error texts, so
// that mirrors can chain, and !j reports the journal's serial range.
// NRTM answers are untrusted: one that skips or repeats a serial, breaks
// the framing or exceeds its size limit is refused as a whole.
//
// Objects, set expansion and route-set members follow RFC 2622 (RPSL)
// and RFC 4012 (RPSLng), as package irr implements them; mbrs-by-ref and
// member-of as RFC 2622 sections 5.1 and 5.2 define them.
//
// Sources: a session starts with the configured sources selected; !s and
// -s select others. A source the DB does not have is accepted and holds
// nothing, where IRRd answers "F One or more selected sources are
// unavailable.": bgpq4 exits on that answer to -S, and sends !s<source>
// for each SOURCE::SET it is asked for.
//
// Every query comes from the network and is untrusted. A Server bounds
// what a client can take: connections (MaxConnections; more are refused
// with an error line), the length of a query line, queries per
// connection, the idle time before a query line is complete (a slow
// sender is cut off), the time to write an answer, the size of an answer
// and of a set expansion (answered "F" with the reason), the queries
// computed at once and the bytes of answers held at once. A connection
// without !! or -k is closed after its answer, as whois clients expect.
// The dumps the DB is loaded from are untrusted too; package rpsl and
// package irr bound and check them.
package whois
