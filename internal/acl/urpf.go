package acl

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
)

// Mode is a unicast reverse path forwarding mode (RFC 3704 section 2).
type Mode uint8

// uRPF modes, strictest first.
const (
	// Strict accepts a packet only on the interface of the best route
	// back to its source (RFC 3704 section 2.2).
	Strict Mode = iota + 1
	// FeasiblePath accepts it on the interface of any route received for
	// its source, best or not (RFC 3704 section 2.3), or, enhanced, of any
	// prefix of an origin AS received on the interface (RFC 8704).
	FeasiblePath
	// Loose accepts it when any route covers its source (RFC 3704
	// section 2.4).
	Loose
)

var modeNames = [...]string{Strict: "strict", FeasiblePath: "feasible-path", Loose: "loose"}

// String names the mode: "strict", "feasible-path" or "loose".
func (m Mode) String() string {
	if int(m) < len(modeNames) && modeNames[m] != "" {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", m)
}

// URPF gathers what decides the uRPF mode of an interface of the local AS
// towards a customer AS: the customer's providers, customers and peers
// from the AS relationships, and where the routes of the customer's cone
// were seen going. Routes are added one by one (AddRoute); Recommend
// decides.
type URPF struct {
	customer, local bgp.ASN
	graph           *asrel.Graph
	localFrom       string
	relation        asrel.Relation // of local to customer
	inGraph         bool
	providers       []bgp.ASN
	customers       []bgp.ASN
	peers           []bgp.ASN
	cone            map[bgp.ASN]bool
	routesGiven     bool
	routes          int
	seen            map[routeKey]*seenRoute
}

type routeKey struct {
	prefix netip.Prefix
	origin bgp.ASN
}

// seenRoute is where the routes of one prefix and origin were seen.
type seenRoute struct {
	// via holds the ASes the customer announced it to: the AS in front
	// of the customer on the paths.
	via map[bgp.ASN]bool
	// direct tells that the customer, or the origin, was the collector's
	// peer itself, so the path shows no neighbour.
	direct bool
	// bypass holds, for an origin other than the customer, the ASes it
	// announced the prefix to on paths without the customer.
	bypass map[bgp.ASN]bool
}

// NewURPF starts gathering for the interface of local towards customer.
// local 0 means the customer's only provider in g, when it has one
// provider; otherwise the local AS stays unknown.
func NewURPF(g *asrel.Graph, customer, local bgp.ASN) *URPF {
	u := &URPF{customer: customer, local: local, graph: g, seen: make(map[routeKey]*seenRoute), cone: map[bgp.ASN]bool{customer: true}}
	if local != 0 {
		u.localFrom = "given"
	}
	if g != nil {
		u.providers = slices.Clone(g.Providers(customer))
		u.customers = slices.Clone(g.Customers(customer))
		u.peers = slices.Clone(g.Peers(customer))
		cone := g.CustomerCone(customer)
		u.inGraph = cone != nil
		for _, a := range cone {
			u.cone[a] = true
		}
		if local == 0 && len(u.providers) == 1 {
			u.local, u.localFrom = u.providers[0], "only provider"
		}
		if u.local != 0 {
			u.relation = g.Relation(u.local, customer)
		}
	}
	return u
}

// InCone reports whether a is in the customer's cone: the customer and
// the ASes below it by provider-to-customer links.
func (u *URPF) InCone(a bgp.ASN) bool { return u.cone[a] }

// RoutesGiven records that routing data was read, even if none of its
// routes belongs to the customer's cone.
func (u *URPF) RoutesGiven() { u.routesGiven = true }

// AddRoute adds a route: its prefix and AS path as a sequence of ASes,
// the collector's peer first and the origin last (as
// bgp.Path.AppendSequence makes it; prepends are ignored). Routes whose origin is outside the
// customer's cone are ignored; AddRoute reports whether it kept it.
func (u *URPF) AddRoute(p netip.Prefix, path []bgp.ASN) bool {
	u.routesGiven = true
	if len(path) == 0 || !p.IsValid() {
		return false
	}
	if hasPrepends(path) {
		path = slices.Compact(slices.Clone(path))
	}
	origin := path[len(path)-1]
	if !u.cone[origin] {
		return false
	}
	k := routeKey{p.Masked(), origin}
	s := u.seen[k]
	if s == nil {
		s = &seenRoute{}
		u.seen[k] = s
	}
	u.routes++
	i := len(path) - 1
	for i >= 0 && path[i] != u.customer {
		i--
	}
	switch {
	case i == 0:
		s.direct = true
	case i > 0:
		if s.via == nil {
			s.via = make(map[bgp.ASN]bool)
		}
		s.via[path[i-1]] = true
	case len(path) == 1:
		s.direct = true
	default:
		if s.bypass == nil {
			s.bypass = make(map[bgp.ASN]bool)
		}
		s.bypass[path[len(path)-2]] = true
	}
	return true
}

// hasPrepends reports whether an AS follows itself in path.
func hasPrepends(path []bgp.ASN) bool {
	for i := 1; i < len(path); i++ {
		if path[i] == path[i-1] {
			return true
		}
	}
	return false
}

// PrefixSeen is where the routes of one prefix of the customer's cone
// were seen going.
type PrefixSeen struct {
	Prefix netip.Prefix
	Origin bgp.ASN
	// Via are the ASes the customer announced it to.
	Via []bgp.ASN
	// ViaLocal tells that the local AS is among them.
	ViaLocal bool
	// Direct tells that the customer (or the origin) was a collector's
	// peer and sent it there itself.
	Direct bool
	// Bypass are, for an origin other than the customer, the ASes it
	// announced the prefix to on paths without the customer.
	Bypass []bgp.ASN
}

// Reason is one fact behind a recommendation.
type Reason struct {
	// Code names the fact, e.g. "multihomed" (see docs/manrs-acl.md).
	Code string
	// Text says it in words.
	Text     string
	ASNs     []bgp.ASN
	Prefixes []netip.Prefix
}

// Recommendation is the uRPF mode advised for the interface of the local
// AS towards a customer, and why.
type Recommendation struct {
	Customer bgp.ASN
	// Local is the AS whose interface it is; 0 when unknown. LocalFrom
	// says how it is known: "given", "only provider" or "".
	Local     bgp.ASN
	LocalFrom string
	Mode      Mode
	// Algorithm is the algorithm of enhanced feasible-path uRPF, "A"
	// (RFC 8704 section 3.1.1) or "B" (section 3.4); "" for the other
	// modes.
	Algorithm string
	// Standard cites the sections that define and recommend the mode.
	Standard string
	// Providers, Customers and Peers are the customer's, from the AS
	// relationships; InGraph tells whether they hold the customer.
	Providers, Customers, Peers []bgp.ASN
	InGraph                     bool
	// Cone is the number of ASes in the customer's cone, itself
	// included.
	Cone int
	// RoutesGiven tells whether routing data was read; Routes counts its
	// routes originated in the cone.
	RoutesGiven bool
	Routes      int
	Prefixes    []PrefixSeen
	Reasons     []Reason
}

// Recommend decides the mode, after RFC 8704 section 3.7: strict uRPF
// for a directly connected single-homed stub AS, enhanced feasible-path
// uRPF on the other customer interfaces (algorithm B where an origin of
// the cone is not seen announcing to the local AS), loose uRPF on
// interfaces to lateral peers and transit providers, and loose uRPF too
// when the routing data cannot show what the customer announces to the
// local AS (no data, no route of the cone, none through the local AS).
func (u *URPF) Recommend() *Recommendation {
	r := &Recommendation{
		Customer: u.customer, Local: u.local, LocalFrom: u.localFrom,
		Providers: u.providers, Customers: u.customers, Peers: u.peers, InGraph: u.inGraph,
		Cone: len(u.cone), RoutesGiven: u.routesGiven, Routes: u.routes,
	}
	r.Prefixes = u.prefixes()
	add := func(code string, asns []bgp.ASN, ps []netip.Prefix, format string, a ...any) {
		r.Reasons = append(r.Reasons, Reason{Code: code, Text: fmt.Sprintf(format, a...), ASNs: asns, Prefixes: ps})
	}
	loose := func() *Recommendation {
		r.Mode, r.Standard = Loose, "RFC 3704 section 2.4; RFC 8704 section 3.7"
		return r
	}
	if !u.inGraph {
		add("not-in-relationships", nil, nil, "%s is not in the AS relationships: its providers and customers are unknown", u.customer)
	}
	if u.local != 0 {
		switch u.relation {
		case asrel.PeerOf:
			add("lateral-peer", []bgp.ASN{u.local}, nil, "%s is a peer of %s, not its provider: RFC 8704 section 3.7 advises loose uRPF on lateral peer interfaces", u.local, u.customer)
			return loose()
		case asrel.CustomerOf:
			add("transit-provider", []bgp.ASN{u.local}, nil, "%s is a customer of %s, which is its transit provider: RFC 8704 section 3.7 advises loose uRPF on transit provider interfaces", u.local, u.customer)
			return loose()
		case asrel.None:
			if u.inGraph {
				add("no-link", []bgp.ASN{u.local}, nil, "the AS relationships have no link between %s and %s; %s is taken as its provider", u.local, u.customer, u.local)
			}
		}
	}
	switch {
	case !u.routesGiven:
		add("no-routes", nil, nil, "no routing data: which prefixes %s announces, and through whom, cannot be checked", u.customer)
		return loose()
	case len(u.seen) == 0:
		add("not-seen", nil, nil, "no route originated by %s or its cone is in the routing data", u.customer)
		return loose()
	}
	var viaLocal, notViaLocal, elsewhere, atPeers []netip.Prefix
	var others, peersTold []bgp.ASN
	originVia := make(map[bgp.ASN]bool)
	var origins, bypassing []bgp.ASN
	for _, p := range r.Prefixes {
		if !slices.Contains(origins, p.Origin) {
			origins = append(origins, p.Origin)
		}
		if p.ViaLocal {
			viaLocal = append(viaLocal, p.Prefix)
			originVia[p.Origin] = true
		} else {
			notViaLocal = append(notViaLocal, p.Prefix)
		}
		seenElsewhere, seenAtPeers := false, false
		for _, a := range p.Via {
			switch {
			case a == u.local:
			case u.isPeer(a):
				seenAtPeers = true
				peersTold = appendUnique(peersTold, a)
			default:
				seenElsewhere = true
				others = appendUnique(others, a)
			}
		}
		if seenElsewhere {
			elsewhere = append(elsewhere, p.Prefix)
		}
		if seenAtPeers {
			atPeers = append(atPeers, p.Prefix)
		}
		if len(p.Bypass) > 0 {
			bypassing = appendUnique(bypassing, p.Origin)
		}
	}
	slices.Sort(origins)
	slices.Sort(others)
	slices.Sort(peersTold)
	slices.Sort(bypassing)
	if u.local != 0 && len(viaLocal) == 0 {
		add("not-via-local", []bgp.ASN{u.local}, nil, "no route of %s's cone was seen through %s: what it announces to %s cannot be checked", u.customer, u.local, u.local)
		return loose()
	}
	var otherProviders []bgp.ASN
	for _, a := range u.providers {
		if a != u.local {
			otherProviders = append(otherProviders, a)
		}
	}
	var coneOrigins []bgp.ASN
	for _, a := range origins {
		if a != u.customer {
			coneOrigins = append(coneOrigins, a)
		}
	}
	if u.inGraph && u.local != 0 && len(otherProviders) == 0 && len(u.customers) == 0 && len(coneOrigins) == 0 &&
		len(notViaLocal) == 0 && len(elsewhere) == 0 {
		add("single-homed-stub", []bgp.ASN{u.local}, nil, "%s has one provider, %s, and no customers, and each of its %s was seen announced to %s",
			u.customer, u.local, plural(len(r.Prefixes), "prefix", "prefixes"), u.local)
		if len(atPeers) > 0 {
			add("peers", peersTold, atPeers, "%s %s also announced to lateral peers of %s, which do not pass them on to its provider: the best route of %s stays the customer's",
				plural(len(atPeers), "prefix", "prefixes"), were(len(atPeers)), u.customer, u.local)
		}
		r.Mode, r.Standard = Strict, "RFC 3704 section 2.2; RFC 8704 section 3.7"
		return r
	}
	r.Mode, r.Algorithm, r.Standard = FeasiblePath, "A", "RFC 3704 section 2.3; RFC 8704 sections 3.1.1 and 3.7"
	if u.local == 0 {
		add("local-unknown", u.providers, nil, "%s has %s and the local AS was not named: which of its prefixes reach the local AS cannot be checked",
			u.customer, plural(len(u.providers), "provider", "providers"))
	}
	switch {
	case len(otherProviders) > 0 && u.local == 0:
		add("multihomed", otherProviders, nil, "%s has %s: traffic from it may come in where its routes do not (asymmetric routing)",
			u.customer, plural(len(otherProviders), "provider", "providers"))
	case len(otherProviders) > 0:
		add("multihomed", otherProviders, nil, "%s has %s besides %s: traffic from it may come in where its routes do not (asymmetric routing)",
			u.customer, plural(len(otherProviders), "other provider", "other providers"), u.local)
	}
	if len(u.customers) > 0 || len(coneOrigins) > 0 {
		add("transit", slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(u.customers), coneOrigins...)))), nil,
			"%s is a transit AS: its customers' traffic, and their customers', comes in through it", u.customer)
	}
	if u.local != 0 && len(elsewhere) > 0 {
		add("seen-elsewhere", others, elsewhere, "%s of its cone %s announced to ASes other than %s and its lateral peers: their traffic may come in through %s while their best route goes elsewhere",
			plural(len(elsewhere), "prefix", "prefixes"), were(len(elsewhere)), u.local, u.local)
	}
	if u.local != 0 && len(notViaLocal) > 0 {
		add("not-seen-via-local", nil, notViaLocal, "%s of its cone %s not seen through %s; enhanced feasible-path uRPF accepts such a prefix when its origin announces others to %s (RFC 8704 section 3.1.1)",
			plural(len(notViaLocal), "prefix", "prefixes"), were(len(notViaLocal)), u.local, u.local)
	}
	if len(bypassing) > 0 {
		verb := "announces"
		if len(bypassing) > 1 {
			verb = "announce"
		}
		add("bypass", bypassing, nil, "%s of the cone also %s prefixes on paths around %s", plural(len(bypassing), "origin", "origins"), verb, u.customer)
	}
	if u.local != 0 {
		var missing []bgp.ASN
		for _, a := range origins {
			if !originVia[a] {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			r.Algorithm, r.Standard = "B", "RFC 3704 section 2.3; RFC 8704 sections 3.4 and 3.7"
			add("origin-not-via-local", missing, nil, "no route of %s was seen through %s: algorithm A would drop its traffic; algorithm B takes its prefixes from the other customer interfaces (RFC 8704 sections 3.3 and 3.4)",
				asnList(missing), u.local)
		}
	}
	return r
}

// isPeer reports whether the AS relationships say a is a lateral peer of
// the customer.
func (u *URPF) isPeer(a bgp.ASN) bool {
	return u.graph != nil && u.graph.Relation(a, u.customer) == asrel.PeerOf
}

// prefixes returns what was seen, by prefix then origin.
func (u *URPF) prefixes() []PrefixSeen {
	out := make([]PrefixSeen, 0, len(u.seen))
	for k, s := range u.seen {
		p := PrefixSeen{Prefix: k.prefix, Origin: k.origin, Direct: s.direct, ViaLocal: u.local != 0 && s.via[u.local]}
		for a := range s.via {
			p.Via = append(p.Via, a)
		}
		for a := range s.bypass {
			p.Bypass = append(p.Bypass, a)
		}
		slices.Sort(p.Via)
		slices.Sort(p.Bypass)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b PrefixSeen) int {
		if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
			return c
		}
		return cmp.Compare(a.Origin, b.Origin)
	})
	return out
}

func appendUnique(s []bgp.ASN, a bgp.ASN) []bgp.ASN {
	if slices.Contains(s, a) {
		return s
	}
	return append(s, a)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func were(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// asnList writes ASes as "AS1, AS2 and AS3".
func asnList(as []bgp.ASN) string {
	s := ""
	for i, a := range as {
		switch {
		case i == 0:
		case i == len(as)-1:
			s += " and "
		default:
			s += ", "
		}
		s += a.String()
	}
	return s
}
