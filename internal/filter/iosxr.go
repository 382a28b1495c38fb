package filter

import "github.com/manrs/manrs/internal/bgp"

// Cisco IOS XR (bgpq4 -X): prefix sets and AS-path sets (-f) of the
// routing policy language, whose comments start with "#".

var formatIOSXR = &Format{
	Name:        "ios-xr",
	Flag:        "-X",
	Title:       "Cisco IOS XR",
	Comment:     "#",
	prefixList:  iosxrPrefixSet,
	asPath:      iosxrASPathSet,
	asPathWidth: 6,
}

func iosxrPrefixSet(p *printer) {
	name := p.name()
	p.s("no prefix-set ", name, "\nprefix-set ", name, "\n")
	p.headNotes()
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if i > 0 {
			p.s(",\n")
		}
		p.notes(" ", e)
		p.s(" ")
		p.prefix(e.Prefix, "/")
		ciscoLengths(p, e)
	}
	p.s("\nend-set\n")
}

// iosxrASPathSet writes an as-path-set of ios-regex lines, separated by
// commas: the peer's own prepends, then the other ASes behind the peer.
func iosxrASPathSet(p *printer) {
	name, peer := p.name(), p.l.PeerAS
	p.s("as-path-set ", name)
	asns, hasPeer := p.withoutPeer()
	comma := ""
	if hasPeer {
		p.s("\n  ios-regex '^")
		p.asn(peer)
		p.s("(_")
		p.asn(peer)
		p.s(")*$'")
		comma = ","
	}
	p.asGroups(asns, func(a bgp.ASN, first, last bool) {
		if first {
			p.s(comma, "\n  ios-regex '^")
			p.asn(peer)
			p.s("(_[0-9]+)*_(")
			comma = ","
		} else {
			p.s("|")
		}
		p.asn(a)
		if last {
			p.s(")$'")
		}
	})
	p.s("\nend-set\n")
}
