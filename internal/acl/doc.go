// Package acl makes the anti-spoofing filters of MANRS action 2 for the
// interfaces of a network towards its customers, and recommends the
// unicast reverse path forwarding (uRPF) mode of such an interface.
//
// A Filter permits, on a customer-facing interface, the packets whose
// source address lies in the customer's prefixes (its route and route6
// objects, the routes its cone originates, prefixes the operator adds),
// and denies and logs the rest: ingress filtering as BCP 38 (RFC 2827
// section 3) and BCP 84 (RFC 3704 section 2.1, ingress access lists)
// describe it. Build leaves out the sources in bogon space and cuts bogon
// space out of the sources that cover it (package bogon), and aggregates
// the rest into the fewest prefixes holding the same addresses
// (Aggregate, Subtract). It refuses a family with no source at all, whose
// filter would drop all of the customer's traffic, unless asked. Each
// Format writes the filter in a router's or host's configuration
// language, one file per format and a table that registers them: Cisco
// IOS and IOS XR, Arista EOS, Juniper Junos, Linux nftables and
// iptables. IPv6 filters let neighbor discovery (RFC 4861) and
// link-local sources through, which routers never forward (RFC 4291
// section 2.5.6).
//
// URPF gathers the customer's providers, customers and peers (package
// asrel) and where the routes of its customer cone were seen going
// (routing data), and Recommend advises, after RFC 8704 section 3.7:
// strict uRPF (RFC 3704 section 2.2) for a single-homed stub AS whose
// prefixes all reach the local AS; enhanced feasible-path uRPF (RFC 3704
// section 2.3, RFC 8704 section 3.1.1 algorithm A, or section 3.4
// algorithm B when an origin of the cone is not seen announcing to the
// local AS) for multihomed and transit customers; loose uRPF (RFC 3704
// section 2.4) on interfaces to lateral peers and transit providers, and
// when the routing data cannot show what the customer announces to the
// local AS. Each recommendation carries its reasons: which providers,
// which prefixes were seen announced elsewhere.
//
// Untrusted input: filter and interface names come from the command line
// and are checked (ParseName, ParseInterface, Format.CheckInterface) so
// that they stand unquoted, or quoted without escapes, in every format;
// format names are looked up in the table (ParseFormat). Prefixes and AS
// paths come through packages irr, mrt and asrel, which check them.
package acl
