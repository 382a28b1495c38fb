// Package spoofer reads and writes the public results of the CAIDA Spoofer
// project (https://spoofer.caida.org/), which tests whether a network lets
// packets with forged source addresses out, and sums them up per AS the way
// MANRS action 2 (anti-spoofing, metric M5) is measured: an AS from which
// any session in the window had spoofed packets received is one from which
// spoofing is possible; one whose every test was blocked is not.
//
// # Format
//
// The results come from the Spoofer Data API (https://api.spoofer.caida.org/,
// documented at https://www.caida.org/projects/spoofer/data-api/). GET
// /sessions returns a paginated collection in JSON-LD (Hydra, as the API
// Platform framework writes it): {"@context": "/contexts/Session", "@id":
// "/sessions", "@type": "hydra:Collection", "hydra:member": [...],
// "hydra:totalItems": N, "hydra:view": {...}}, one line per page. CAIDA's
// example client (CAIDA/catalog-data, recipe
// how_to_check_if_an_asn_supports_sav, dump-spoofer-api-after.pl) prints the
// members of every page as JSON Lines, one session per line:
//
//	{"@id":"/sessions/891176","@type":"Session","asn4":"3356","asn6":null,
//	 "client4":"4.30.179.0/24","client6":null,"country":"usa","nat4":true,
//	 "nat6":null,"privatespoof":"blocked","privatespoof6":null,
//	 "routedspoof":"blocked","routedspoof6":null,"session":891176,
//	 "timestamp":"2020-05-07T14:34:59+00:00"}
//
// (one line in the file). A Reader takes any of: JSON Lines of sessions or
// of collection pages, a pretty-printed collection, a plain JSON array of
// sessions (the API's application/json form), or CSV. Fields:
//   - session: the session id, a positive integer;
//   - timestamp: RFC 3339 time of the test;
//   - asn4, asn6: the AS originating the client's IPv4 and IPv6 block, a
//     decimal string (a number is accepted too), or null;
//   - client4, client6: the client's block, anonymised to a /24 (IPv4) or
//     /40 (IPv6, per CAIDA's AS pages), or null when the family was not
//     tested;
//   - country: the client's country, ISO 3166-1 alpha-3 in lower case
//     ("usa");
//   - nat4, nat6: whether a NAT was found between the client and the
//     Internet, or null;
//   - routedspoof, routedspoof6: the outcome of spoofing a routed address
//     of another network; privatespoof, privatespoof6: of a private
//     (RFC 1918, RFC 4193) address. Outcomes, as the session reports
//     explain them: "received" (the spoofed packet arrived), "blocked" (it
//     did not, an unspoofed one did), "rewritten" (it arrived with its
//     source changed en route, by a NAT), "unknown" (neither arrived); null
//     when not tested.
//
// The CSV form has a header line naming these fields (in any order; unknown
// columns are ignored, session and timestamp are required) and one session
// per line; an empty field is null, booleans are true/false or 1/0. Writer
// writes the columns in the API's (alphabetical) field order. No CSV export
// published by CAIDA has been seen; the layout is the one API Platform's CSV
// encoder would give the same data.
//
// The API does not publish the per-session details that the HTML reports
// at spoofer.caida.org/report.php show (adjacent-netblock spoofing, the
// filtering depth along the path, traceroutes), so Session has none.
//
// # Untrusted input
//
// All input is untrusted. A Reader is a stream: one session at a time, a
// line at most MaxLineLength long in JSON Lines and CSV, a JSON value at
// most MaxRecordSize long otherwise. A session that cannot be decoded is
// skipped and counted, and its error, naming the input, the line, the
// record number and the byte offset, is kept up to MaxErrors; with
// Reader.Strict the first one ends the stream. A JSON syntax error ends a
// pretty-printed or array input (the rest can no longer be framed); in JSON
// Lines it skips the line.
package spoofer
