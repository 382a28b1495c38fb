package advise

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rpsl"
)

// Kind is the kind of a piece of advice.
type Kind string

// Kinds of advice, ROAs first.
const (
	// ROAMissing: create a ROA for announced prefixes that no VRP makes
	// valid (RFC 6482, RFC 6811).
	ROAMissing Kind = "roa-missing"
	// ROAInvalid: a VRP makes announcements of the AS invalid: it names
	// another origin, or its maxLength is shorter than they are.
	ROAInvalid Kind = "roa-invalid"
	// ROAMaxLength: a ROA of the AS admits more-specifics that the AS does
	// not announce, which a forged-origin hijack can use (RFC 9319
	// sections 3 and 5).
	ROAMaxLength Kind = "roa-maxlength"
	// RouteMissing: register a route or route6 object for an announced
	// prefix.
	RouteMissing Kind = "route-missing"
	// RouteConflict: a route object names another origin for an announced
	// prefix, or a more-specific of it that RPKI says is invalid.
	RouteConflict Kind = "route-conflict"
	// RouteStale: a route object of the AS for a prefix it did not
	// announce in the measured period.
	RouteStale Kind = "route-stale"
)

// Kinds lists the kinds in the order reports give them.
var Kinds = []Kind{ROAMissing, ROAInvalid, ROAMaxLength, RouteMissing, RouteConflict, RouteStale}

// Announcement is a prefix the AS was seen originating in the measured
// period.
type Announcement struct {
	Prefix netip.Prefix
	// Peers is the number of collector peers that saw it; 0 when not
	// known.
	Peers int
	// Stored, when set, is what the observatory's store says of it, used
	// for what VRPs or IRR data not given cannot tell.
	Stored *Stored
}

// Stored is the state of an announced prefix that the observatory stored
// with the day it observed.
type Stored struct {
	RPKI rov.State
	// IRR is set when a route object of the prefix and the AS existed.
	IRR bool
}

// Input is what advice is given from.
type Input struct {
	ASN bgp.ASN
	// Announced are the prefixes the AS announced; a prefix given twice
	// counts once, with the most peers.
	Announced []Announcement
	// VRPs, when not nil, are the RPKI's Validated ROA Payloads; Index is
	// their index (built from VRPs when nil).
	VRPs  []rpki.VRP
	Index *rov.Index
	// IRR, when not nil, is the IRR data.
	IRR *irr.DB
	// Period says when the announcements were seen, for the reasons of
	// stale objects: "in the 3 MRT files", "on 2026-10-01"; "" for "in the
	// measured period".
	Period string
	// MntBy and Source go into the route objects to register; "" takes
	// those of the AS's aut-num, else a placeholder maintainer and the
	// source of its other route objects, else RADB.
	MntBy, Source string
}

// PlaceholderMntBy is the maintainer written into route objects to
// register when none is given and the AS has no aut-num: the registry
// refuses it until it is replaced.
const PlaceholderMntBy = "MNT-CHANGEME"

// DefaultSource is the IRR source of route objects to register when none
// is given and the AS has no aut-num and no route object anywhere.
const DefaultSource = "RADB"

// Advice is one thing to do.
type Advice struct {
	Kind Kind
	// Prefix is the prefix of the ROA to create, of the VRP, or of the
	// route object.
	Prefix netip.Prefix
	// MaxLength is the maxLength of the ROA to create (the prefix's own
	// length unless every more-specific up to it is announced) or of the
	// VRP; 0 for route objects.
	MaxLength int
	// ASN is the origin of the ROA, VRP or route object.
	ASN bgp.ASN
	// Covers are the announced prefixes concerned: those the ROA to
	// create makes valid, those the VRP makes invalid, those within the
	// ROA with a maxLength, the announced prefix a conflicting object
	// concerns.
	Covers []netip.Prefix
	// Sources are the IRR sources of the route object.
	Sources []string
	// RPKI is the RPKI state of the route object's prefix and origin,
	// when VRPs are given.
	RPKI string
	// Reason says why, in words.
	Reason string
	// Object is the route or route6 object to register (RouteMissing).
	Object *rpsl.Object
	// TA is the trust anchor of the VRP (ROAInvalid, ROAMaxLength).
	TA string
}

// PrefixReport is the state of one announced prefix.
type PrefixReport struct {
	Prefix netip.Prefix
	Peers  int
	// RPKI is "valid", "invalid" or "not-found", "" when unknown;
	// RPKIReason is "as" or "length" for an invalid prefix when the VRPs
	// say why.
	RPKI, RPKIReason string
	// IRR lists the IRR sources that have a route object of the prefix and
	// the AS; Registered is set when some source has (from the IRR data or
	// the store); IRRKnown when either told.
	IRR                  []string
	Registered, IRRKnown bool
	// Advice lists the kinds of advice about it.
	Advice []Kind
}

// Report is the advice for an AS.
type Report struct {
	ASN    bgp.ASN
	Period string
	// Prefixes are the announced prefixes, sorted.
	Prefixes []PrefixReport
	// Advice is every piece of advice, by kind (in the order of Kinds),
	// then prefix.
	Advice []Advice
	// Clean is set when there is no advice.
	Clean bool
	// VRPs is the number of VRPs checked against, -1 when none were
	// given; IRRSources the IRR sources, nil when none were given.
	VRPs       int
	IRRSources []string
	// MntBy and Source are those of the route objects to register, and
	// where they come from: "given", "aut-num", "route objects",
	// "placeholder", "default".
	MntBy, MntByFrom   string
	Source, SourceFrom string
}

// Advise gives the advice for in.ASN.
func Advise(in Input) *Report {
	r := &Report{ASN: in.ASN, Period: in.Period, VRPs: -1}
	if in.VRPs != nil && in.Index == nil {
		in.Index = rov.New(in.VRPs)
	}
	if in.Index != nil {
		r.VRPs = len(in.VRPs)
	}
	if in.IRR != nil {
		r.IRRSources = in.IRR.Order()
		if r.IRRSources == nil {
			r.IRRSources = []string{}
		}
	}
	a := newAdvisor(in, r)
	a.roas()
	a.routes()
	a.finish()
	return r
}

// advisor holds the state of one Advise call.
type advisor struct {
	in        Input
	r         *Report
	announced map[netip.Prefix]*PrefixReport
	stored    map[netip.Prefix]*Stored
	sorted    []netip.Prefix // the keys of announced, sorted
}

func newAdvisor(in Input, r *Report) *advisor {
	a := &advisor{in: in, r: r, announced: make(map[netip.Prefix]*PrefixReport), stored: make(map[netip.Prefix]*Stored)}
	for _, an := range in.Announced {
		if !an.Prefix.IsValid() {
			continue
		}
		p := an.Prefix.Masked()
		pr := a.announced[p]
		if pr == nil {
			pr = &PrefixReport{Prefix: p}
			a.announced[p] = pr
		}
		pr.Peers = max(pr.Peers, an.Peers)
		if an.Stored != nil {
			a.stored[p] = an.Stored
		}
	}
	return a
}

// sortedAnnounced returns the announced prefixes, sorted: a prefix comes
// just before those it covers.
func (a *advisor) sortedAnnounced() []netip.Prefix {
	if a.sorted == nil {
		a.sorted = make([]netip.Prefix, 0, len(a.announced))
		for p := range a.announced {
			a.sorted = append(a.sorted, p)
		}
		slices.SortFunc(a.sorted, comparePrefix)
	}
	return a.sorted
}

// within returns the announced prefixes inside p (p included) no longer
// than maxLen, in order.
func (a *advisor) within(p netip.Prefix, maxLen int) []netip.Prefix {
	all := a.sortedAnnounced()
	i, _ := slices.BinarySearchFunc(all, p, comparePrefix)
	var out []netip.Prefix
	for ; i < len(all) && p.Contains(all[i].Addr()) && all[i].Addr().Is4() == p.Addr().Is4(); i++ {
		if q := all[i]; q.Bits() >= p.Bits() && q.Bits() <= maxLen {
			out = append(out, q)
		}
	}
	return out
}

// add records advice and, for each announced prefix it concerns, its
// kind.
func (a *advisor) add(adv Advice, about ...netip.Prefix) {
	a.r.Advice = append(a.r.Advice, adv)
	for _, p := range about {
		if pr := a.announced[p]; pr != nil && !slices.Contains(pr.Advice, adv.Kind) {
			pr.Advice = append(pr.Advice, adv.Kind)
		}
	}
}

// finish sorts the advice and fills in the prefix reports.
func (a *advisor) finish() {
	rank := func(k Kind) int { return slices.Index(Kinds, k) }
	slices.SortStableFunc(a.r.Advice, func(x, y Advice) int {
		if c := cmp.Compare(rank(x.Kind), rank(y.Kind)); c != 0 {
			return c
		}
		if c := comparePrefix(x.Prefix, y.Prefix); c != 0 {
			return c
		}
		return cmp.Compare(x.ASN, y.ASN)
	})
	for _, p := range a.sortedAnnounced() {
		pr := a.announced[p]
		slices.SortFunc(pr.Advice, func(x, y Kind) int { return cmp.Compare(rank(x), rank(y)) })
		a.r.Prefixes = append(a.r.Prefixes, *pr)
	}
	a.r.Clean = len(a.r.Advice) == 0
}

// comparePrefix orders IPv4 before IPv6, then by address, then by length.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// family names the route object class of a prefix.
func family(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "route"
	}
	return "route6"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
