package filter

import "github.com/manrs/manrs/internal/bgp"

// BIRD (bgpq4 -b): a prefix set or an AS number set assigned to a
// constant name, for BIRD's filter language, whose comments start with
// "#". bgpq4 writes nothing at all for an empty prefix list.

var formatBIRD = &Format{
	Name:        "bird",
	Flag:        "-b",
	Title:       "NIC.CZ BIRD",
	Comment:     "#",
	prefixList:  birdPrefixSet,
	asPath:      birdASSet,
	asSet:       birdASSet,
	asPathWidth: 10,
}

func birdPrefixSet(p *printer) {
	if len(p.l.Entries) == 0 {
		return
	}
	p.headNotes()
	p.s(p.name(), " = [")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if i > 0 {
			p.s(",")
		}
		p.notesBlock("    ", e)
		p.s("\n    ")
		p.prefix(e.Prefix, "/")
		if e.Aggregate {
			p.s("{")
			p.n(max(e.Lo, e.Prefix.Bits()))
			p.s(",")
			p.n(e.Hi)
			p.s("}")
		}
	}
	p.s("\n];\n")
}

// birdASSet writes the AS numbers of an AS-path list (-f) or an AS list
// (-t) as a set of numbers, p.width to a line.
func birdASSet(p *printer) {
	p.s(p.name(), " = [")
	if len(p.l.ASNs) == 0 {
		p.s("];\n")
		return
	}
	started := false
	p.asGroups(p.l.ASNs, func(a bgp.ASN, first, _ bool) {
		switch {
		case first && started:
			p.s(",\n    ")
		case first:
			p.s("\n    ")
		default:
			p.s(", ")
		}
		p.asn(a)
		started = true
	})
	p.s("\n];\n")
}
