package filter

import "github.com/manrs/manrs/internal/bgp"

// Nokia SR OS, classic CLI (bgpq4 -N): prefix lists and as-path-groups
// of the router's policy options, committed in one transaction; IP
// prefix lists of the filter match lists (-E).

var formatSROS = &Format{
	Name:          "sros",
	Flag:          "-N",
	Title:         "Nokia SR OS (classic CLI)",
	Comment:       "#",
	prefixList:    srosPrefixList,
	extended:      srosIPPrefixList,
	asPath:        srosASPathGroup,
	asPathWidth:   8,
	exactExtended: true,
}

func srosPrefixList(p *printer) {
	name := p.name()
	p.s("configure router policy-options\nbegin\nno prefix-list \"", name, "\"\nprefix-list \"", name, "\"\n")
	p.headNotes()
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("    ", e)
		p.s("    prefix ")
		p.prefix(e.Prefix, "/")
		if !e.Aggregate {
			p.s(" exact\n")
			continue
		}
		p.s(" prefix-length-range ")
		p.n(max(e.Lo, e.Prefix.Bits()))
		p.s("-")
		p.n(e.Hi)
		p.s("\n")
	}
	p.s("exit\ncommit\n")
}

func srosIPPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("configure filter match-list\nno ", ip, "-prefix-list \"", name, "\"\n")
	p.s(ip, "-prefix-list \"", name, "\" create\n")
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("# generated ip-prefix-list ", name, " is empty\n")
	}
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if e.Aggregate {
			continue // exact prefixes only: an unexpanded range is left out
		}
		p.notes("    ", e)
		p.s("    prefix ")
		p.prefix(e.Prefix, "/")
		p.s("\n")
	}
	p.s("exit\n")
}

// srosASPathGroup writes the peer's own prepends as entry 1, then the
// other ASes behind the peer, p.width to an entry.
func srosASPathGroup(p *printer) {
	name := p.name()
	p.s("configure router policy-options\nbegin\nno as-path-group \"", name, "\"\n")
	p.s("as-path-group \"", name, "\"\n")
	nokiaASPath(p, func(entry int, peer bgp.ASN, own bool) {
		p.s("  entry ")
		p.n(entry)
		p.s(" expression \"")
		p.asn(peer)
		if own {
			p.s("+\"\n")
		} else {
			p.s(".*[")
		}
	}, func() { p.s("]\"\n") })
	p.s("exit\ncommit\n")
}

// nokiaASPath writes the entries of an SR OS as-path-group: start opens
// entry number entry, the peer's own one when own; end closes an entry
// of other ASes.
func nokiaASPath(p *printer, start func(entry int, peer bgp.ASN, own bool), end func()) {
	peer := p.l.PeerAS
	asns, hasPeer := p.withoutPeer()
	entry := 1
	if hasPeer {
		start(entry, peer, true)
		entry++
	}
	p.asGroups(asns, func(a bgp.ASN, first, last bool) {
		if first {
			start(entry, peer, false)
		} else {
			p.s(" ")
		}
		p.asn(a)
		if last {
			end()
			entry++
		}
	})
}
