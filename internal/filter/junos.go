package filter

import (
	"strings"

	"github.com/manrs/manrs/internal/bgp"
)

// Juniper Junos (bgpq4 -J): prefix lists, route filters in a policy
// statement (-E, with -M match conditions and NAME/TERM names), and
// as-path-groups (-f), each to be loaded with "load replace".

var formatJunos = &Format{
	Name:             "junos",
	Flag:             "-J",
	Title:            "Juniper Junos",
	Comment:          "#",
	prefixList:       junosPrefixList,
	extended:         junosRouteFilter,
	asPath:           junosASPathGroup,
	asPathWidth:      8,
	exactPrefixLists: true,
	match:            true,
}

func junosPrefixList(p *printer) {
	p.s("policy-options {\nreplace:\n prefix-list ", p.name(), " {\n")
	p.headNotes()
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if e.Aggregate {
			continue // exact prefixes only: an unexpanded range is left out
		}
		p.notes("    ", e)
		p.s("    ")
		p.prefix(e.Prefix, "/")
		p.s(";\n")
	}
	p.s(" }\n}\n")
}

// junosRouteFilter writes a policy statement of route filters; a name
// POLICY/TERM puts them in a term of the policy.
func junosRouteFilter(p *printer) {
	policy, term, hasTerm := strings.Cut(p.name(), "/")
	if hasTerm {
		p.s("policy-options {\n policy-statement ", policy, " {\n  term ", term, " {\nreplace:\n   from {\n")
	} else {
		p.s("policy-options {\n policy-statement ", policy, " { \nreplace:\n  from {\n")
	}
	if p.l.Match != "" {
		p.s("    ", p.l.Match, ";\n")
	}
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("    route-filter ", anyPrefix(p.l.V6), " orlonger reject;\n")
	}
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("    ", e)
		p.s("    route-filter ")
		p.prefix(e.Prefix, "/")
		switch {
		case !e.Aggregate:
			p.s(" exact;\n")
		case e.Lo > e.Prefix.Bits():
			p.s(" prefix-length-range /")
			p.n(e.Lo)
			p.s("-/")
			p.n(e.Hi)
			p.s(";\n")
		default:
			p.s(" upto /")
			p.n(e.Hi)
			p.s(";\n")
		}
	}
	if hasTerm {
		p.s("   }\n  }\n }\n}\n")
	} else {
		p.s("  }\n }\n}\n")
	}
}

// junosASPathGroup writes an as-path-group: the peer's own prepends as
// a0, then the other ASes behind the peer, p.width to an as-path.
func junosASPathGroup(p *printer) {
	peer := p.l.PeerAS
	p.s("policy-options {\nreplace:\n as-path-group ", p.name(), " {\n")
	asns, hasPeer := p.withoutPeer()
	line := 0
	if hasPeer {
		p.s("  as-path a0 \"^")
		p.asn(peer)
		p.s("(")
		p.asn(peer)
		p.s(")*$\";\n")
		line++
	}
	p.asGroups(asns, func(a bgp.ASN, first, last bool) {
		if first {
			p.s("  as-path a")
			p.n(line)
			p.s(" \"^")
			p.asn(peer)
			p.s("(.)*(")
		} else {
			p.s("|")
		}
		p.asn(a)
		if last {
			p.s(")$\";\n")
			line++
		}
	})
	if line == 0 {
		p.s("  as-path aNone \"!.*\";\n")
	}
	p.s(" }\n}\n")
}
