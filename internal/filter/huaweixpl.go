package filter

import "github.com/manrs/manrs/internal/bgp"

// Huawei XPL (bgpq4 -u): the prefix lists and AS-path lists of Huawei's
// extended routing-policy language, entries separated by commas.

var formatHuaweiXPL = &Format{
	Name:       "huawei-xpl",
	Flag:       "-u",
	Title:      "Huawei XPL",
	prefixList: xplPrefixList,
	asPath:     xplASPathList,
}

func xplPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("no xpl ", ip, "-prefix-list ", name, "\nxpl ", ip, "-prefix-list ", name, "\n")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if i > 0 {
			p.s(",\n")
		}
		p.s("  ")
		p.prefix(e.Prefix, " ")
		ciscoLengths(p, e)
	}
	p.s("\nend-list\n")
}

// xplASPathList writes the regular expressions of an as-path-list,
// separated by commas. bgpq4 1.x puts a comma before the first line when
// the peer's own line is missing; this does not.
func xplASPathList(p *printer) {
	name, peer := p.name(), p.l.PeerAS
	p.s("xpl as-path-list ", name)
	asns, hasPeer := p.withoutPeer()
	comma := ""
	if hasPeer {
		p.s("\n  regular ^")
		p.asn(peer)
		p.s("(_")
		p.asn(peer)
		p.s(")*$")
		comma = ","
	}
	p.asGroups(asns, func(a bgp.ASN, first, last bool) {
		if first {
			p.s(comma, "\n  regular ^")
			p.asn(peer)
			p.s("(_[0-9]+)*_(")
			comma = ","
		} else {
			p.s("|")
		}
		p.asn(a)
		if last {
			p.s(")$")
		}
	})
	p.s("\nend-list\n")
}
