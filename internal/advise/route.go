package advise

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpsl"
)

// routes gives the IRR advice: the sources holding each announced prefix
// with the AS as origin, the route objects to register, those of other
// origins that conflict, and the AS's own stale ones.
func (a *advisor) routes() {
	db := a.in.IRR
	a.objectDefaults()
	for _, p := range a.sortedAnnounced() {
		pr := a.announced[p]
		if db == nil {
			st := a.stored[p]
			if st == nil {
				continue
			}
			pr.IRRKnown, pr.Registered = true, st.IRR
			if !st.IRR {
				a.add(a.missing(p, "no route object of it and "+a.in.ASN.String()+" on the day observed"), p)
			}
			continue
		}
		pr.IRRKnown = true
		pr.IRR = db.RouteSources(p, a.in.ASN).Names()
		pr.Registered = len(pr.IRR) > 0
		if !pr.Registered {
			why := "no " + family(p) + " object of it and " + a.in.ASN.String() + " in any source"
			if others := db.Origins(p); len(others) > 0 {
				why += " (other origins have one: see the conflicts)"
			}
			a.add(a.missing(p, why), p)
		}
		a.conflicts(p)
	}
	if db != nil {
		a.stale()
	}
}

// objectDefaults decides the mnt-by and source of the route objects to
// register.
func (a *advisor) objectDefaults() {
	r, db := a.r, a.in.IRR
	var aut rpsl.AutNum
	hasAut := false
	if db != nil {
		aut, hasAut = db.AutNum(a.in.ASN)
	}
	switch {
	case a.in.MntBy != "":
		r.MntBy, r.MntByFrom = a.in.MntBy, "given"
	case hasAut && len(aut.MntBy) > 0:
		r.MntBy, r.MntByFrom = aut.MntBy[0], "aut-num"
	default:
		r.MntBy, r.MntByFrom = PlaceholderMntBy, "placeholder"
	}
	switch {
	case a.in.Source != "":
		r.Source, r.SourceFrom = strings.ToUpper(a.in.Source), "given"
	case hasAut && aut.Source != "":
		// RIPE-NONAUTH takes no new objects: they go to RIPE.
		r.Source, r.SourceFrom = strings.TrimSuffix(strings.ToUpper(aut.Source), "-NONAUTH"), "aut-num"
	default:
		r.Source, r.SourceFrom = DefaultSource, "default"
		if db == nil {
			break
		}
		for _, v6 := range []bool{false, true} {
			for _, p := range db.Prefixes(a.in.ASN, v6) {
				if names := db.RouteSources(p, a.in.ASN).Names(); len(names) > 0 {
					r.Source, r.SourceFrom = strings.TrimSuffix(names[0], "-NONAUTH"), "route objects"
					return
				}
			}
		}
	}
}

// missing returns the advice to register a route object for p.
func (a *advisor) missing(p netip.Prefix, why string) Advice {
	o := &rpsl.Object{}
	o.Add(family(p), p.String())
	o.Add("origin", a.in.ASN.String())
	o.Add("mnt-by", a.r.MntBy)
	o.Add("source", a.r.Source)
	return Advice{Kind: RouteMissing, Prefix: p, ASN: a.in.ASN, Covers: []netip.Prefix{p}, Sources: []string{a.r.Source}, Reason: why, Object: o}
}

// rpkiState validates a route object's prefix and origin, "" without
// VRPs.
func (a *advisor) rpkiState(p netip.Prefix, origin bgp.ASN) (rov.State, string) {
	if a.in.Index == nil {
		return rov.NotFound, ""
	}
	st, reason := a.in.Index.Validate(p, origin)
	if st == rov.Invalid {
		return st, st.String() + " (" + reason.String() + ")"
	}
	return st, st.String()
}

// conflicts advises on the route objects that name another origin for the
// announced prefix p, and those of more-specifics of p that name another
// origin the RPKI says is invalid.
func (a *advisor) conflicts(p netip.Prefix) {
	db := a.in.IRR
	for _, origin := range db.Origins(p) {
		if origin == a.in.ASN {
			continue
		}
		st, state := a.rpkiState(p, origin)
		why := fmt.Sprintf("names %s as the origin of a prefix %s announces", origin, a.in.ASN)
		switch {
		case st == rov.Invalid:
			why += fmt.Sprintf("; the RPKI says %s may not originate it: delete the object if %s does not use the space any more", origin, origin)
		case state == "valid":
			why += fmt.Sprintf("; the RPKI authorises %s too: both may originate it (anycast, a DDoS mitigation service), else delete the stale one", origin)
		default:
			why += fmt.Sprintf(": delete it if %s no longer originates the prefix", origin)
		}
		a.add(Advice{Kind: RouteConflict, Prefix: p, ASN: origin, Covers: []netip.Prefix{p},
			Sources: db.RouteSources(p, origin).Names(), RPKI: state, Reason: why}, p)
	}
	if a.in.Index == nil {
		return
	}
	for _, rt := range db.Covered(p) {
		if rt.Prefix == p || rt.Origin == a.in.ASN || a.announced[rt.Prefix] != nil {
			continue
		}
		st, state := a.rpkiState(rt.Prefix, rt.Origin)
		if st != rov.Invalid {
			continue
		}
		a.add(Advice{Kind: RouteConflict, Prefix: rt.Prefix, ASN: rt.Origin, Covers: []netip.Prefix{p},
			Sources: rt.Sources.Names(), RPKI: state,
			Reason: fmt.Sprintf("a more-specific of %s, which %s announces, registered for %s, which the RPKI says may not originate it: a route object a hijack could hide behind", p, a.in.ASN, rt.Origin)}, p)
	}
}

// stale advises on the route objects of the AS for prefixes it did not
// announce in the measured period.
func (a *advisor) stale() {
	db := a.in.IRR
	for _, v6 := range []bool{false, true} {
		for _, q := range db.Prefixes(a.in.ASN, v6) {
			if a.announced[q] != nil {
				continue
			}
			st, state := a.rpkiState(q, a.in.ASN)
			why := "not announced by " + a.in.ASN.String() + " " + a.period()
			if st == rov.Invalid {
				why += ", and RPKI-invalid as registered"
			}
			why += ": delete it unless the announcement is to come"
			a.add(Advice{Kind: RouteStale, Prefix: q, ASN: a.in.ASN, Sources: db.RouteSources(q, a.in.ASN).Names(), RPKI: state, Reason: why})
		}
	}
}

func (a *advisor) period() string {
	if a.in.Period == "" {
		return "in the measured period"
	}
	return a.in.Period
}
