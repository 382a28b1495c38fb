// Package asrel reads CAIDA's AS relationship and customer cone data
// sets and holds the AS graph they describe.
//
// Formats (CAIDA, "The CAIDA AS Relationships Dataset", README of the
// serial-1 and serial-2 directories at
// https://publicdata.caida.org/datasets/as-relationships/):
//   - serial-1 (as-rel.txt): one link per line,
//     <provider-as>|<customer-as>|-1 or <peer-as>|<peer-as>|0;
//   - serial-2 (as-rel2.txt): the same with a fourth field naming how the
//     link was inferred, e.g. "bgp" or "mlp" (multilateral peering at a
//     route server);
//   - both: '#' lines before the links carry metadata: "# source:..."
//     lines (one per collector and day), "# input clique: ..." and
//     "# IXP ASes: ..."; Header keeps them;
//   - customer cones (ppdc-ases.txt): <cone-as> <member> <member> ...,
//     one cone per line, the AS itself among the members.
//
// A Graph stores, for each AS, its providers, customers and peers as
// sorted slices in one packed array (5 bytes per link end, so about 5 MB
// for the full file of ~500,000 links and ~80,000 ASes), answers Relation(a, b)
// by binary search, and computes customer cones (the ASes reachable by
// provider-to-customer links, cycles included) when no cone file is at
// hand. Cones computed from the graph are the "recursive" cones; CAIDA's
// ppdc-ases cones are derived from observed paths and can be smaller.
//
// Input is untrusted. A bad line is skipped and counted (Stats, with the
// first MaxErrors errors naming file and line), or ends the read with its
// error in strict mode. A link that repeats or contradicts an earlier
// link between the same two ASes is skipped the same way.
package asrel
