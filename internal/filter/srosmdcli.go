package filter

import "github.com/manrs/manrs/internal/bgp"

// Nokia SR OS, MD-CLI (bgpq4 -n): prefix lists and as-path-groups of the
// policy options, IP prefix lists of the filter match lists (-E).

var formatSROSMDCLI = &Format{
	Name:          "sros-mdcli",
	Flag:          "-n",
	Title:         "Nokia SR OS (MD-CLI)",
	Comment:       "#",
	prefixList:    mdcliPrefixList,
	extended:      mdcliIPPrefixList,
	asPath:        mdcliASPathGroup,
	asPathWidth:   8,
	exactExtended: true,
}

func mdcliPrefixList(p *printer) {
	name := p.name()
	p.s("/configure policy-options\ndelete prefix-list \"", name, "\"\nprefix-list \"", name, "\" {\n")
	p.headNotes()
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("    ", e)
		p.s("    prefix ")
		p.prefix(e.Prefix, "/")
		switch {
		case !e.Aggregate:
			p.s(" type exact {\n    }\n")
		case e.Lo > e.Prefix.Bits():
			p.s(" type range {\n        start-length ")
			p.n(e.Lo)
			p.s("\n        end-length ")
			p.n(e.Hi)
			p.s("\n    }\n")
		default:
			p.s(" type through {\n        through-length ")
			p.n(e.Hi)
			p.s("\n    }\n")
		}
	}
	p.s("}\n")
}

func mdcliIPPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("/configure filter match-list\ndelete ", ip, "-prefix-list \"", name, "\"\n")
	p.s(ip, "-prefix-list \"", name, "\" {\n")
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("# generated ", ip, "-prefix-list ", name, " is empty\n")
	}
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if e.Aggregate {
			continue // exact prefixes only: an unexpanded range is left out
		}
		p.notes("    ", e)
		p.s("    prefix ")
		p.prefix(e.Prefix, "/")
		p.s(" { }\n")
	}
	p.s("}\n")
}

func mdcliASPathGroup(p *printer) {
	name := p.name()
	p.s("/configure policy-options\ndelete as-path-group \"", name, "\"\n")
	p.s("as-path-group \"", name, "\" {\n")
	nokiaASPath(p, func(entry int, peer bgp.ASN, own bool) {
		p.s("  entry ")
		p.n(entry)
		p.s(" {\n    expression \"")
		p.asn(peer)
		if own {
			p.s("+\"\n  }\n")
		} else {
			p.s(".*[")
		}
	}, func() { p.s("]\"\n  }\n") })
	p.s("}\n")
}
