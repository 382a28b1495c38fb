package filter

import "github.com/manrs/manrs/internal/bgp"

// OpenBGPD (bgpq4 -B): prefix lists for bgpd.conf's filter rules, as a
// macro when named; prefix sets (-E); allow rules for the ASes behind a
// peer (-f); AS sets (-t).

var formatOpenBGPD = &Format{
	Name:       "openbgpd",
	Flag:       "-B",
	Title:      "OpenBSD OpenBGPD",
	Comment:    "#",
	prefixList: openbgpdPrefixList,
	extended:   openbgpdPrefixSet,
	asPath:     openbgpdASPath,
	asSet:      openbgpdASSet,
}

func openbgpdPrefixList(p *printer) {
	name, deny := p.name(), p.l.DenyAS
	empty := len(p.l.Entries) == 0
	if empty {
		p.s("# generated prefix-list ", name, " (AS ")
		p.asn(deny)
		p.s(") is empty\n")
		if deny == 0 {
			p.s("# use -a <asn> to generate \"deny from ASN <asn>\" instead of this list\n")
		}
	}
	if !empty || deny == 0 {
		// A named list is a macro: its value is quoted, and a comment
		// inside the quotes would be part of it, so the notes go
		// before.
		quoted := name != DefaultName
		p.headNotes()
		if quoted {
			for i := range p.l.Entries {
				p.notes("", &p.l.Entries[i])
			}
			p.s(name, `="`)
		}
		p.s("prefix { ")
		for i := range p.l.Entries {
			e := &p.l.Entries[i]
			if !quoted {
				p.notesBlock("\t", e)
			}
			openbgpdPrefix(p, e)
		}
		p.s("\n\t}")
		if quoted {
			p.s(`"`)
		}
		p.s("\n")
		return
	}
	p.s("deny from AS ")
	p.asn(deny)
	p.s("\n")
}

// openbgpdPrefix writes "\n\t" and an entry with its prefixlen.
func openbgpdPrefix(p *printer, e *Entry) {
	p.s("\n\t")
	p.prefix(e.Prefix, "/")
	switch {
	case !e.Aggregate:
	case e.Lo == e.Hi:
		p.s(" prefixlen = ")
		p.n(e.Hi)
	default:
		p.s(" prefixlen ")
		p.n(max(e.Lo, e.Prefix.Bits()))
		p.s(" - ")
		p.n(e.Hi)
	}
}

func openbgpdPrefixSet(p *printer) {
	p.headNotes()
	p.s("prefix-set ", p.name(), " {")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notesBlock("\t", e)
		openbgpdPrefix(p, e)
	}
	p.s("\n}\n")
}

// openbgpdASPath writes a rule allowing each AS behind the peer.
func openbgpdASPath(p *printer) {
	peer := p.l.PeerAS
	if len(p.l.ASNs) == 0 {
		p.s("deny from AS ")
		p.asn(peer)
		p.s("\n")
		return
	}
	for _, a := range p.l.ASNs {
		p.s("allow from AS ")
		p.asn(peer)
		p.s(" AS ")
		p.asn(a)
		p.s("\n")
	}
}

func openbgpdASSet(p *printer) {
	p.s("as-set ", p.name(), " {")
	p.asGroups(p.l.ASNs, func(a bgp.ASN, first, _ bool) {
		if first {
			p.s("\n\t")
		} else {
			p.s(" ")
		}
		p.asn(a)
	})
	p.s("\n}\n")
}
