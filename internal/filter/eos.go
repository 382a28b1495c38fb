package filter

// Arista EOS (bgpq4 -e): prefix lists in prefix-list mode, always
// numbered; extended access lists (-E, IPv4) and AS-path access lists
// (-f) as IOS writes them.

var formatEOS = &Format{
	Name:           "eos",
	Flag:           "-e",
	Title:          "Arista EOS",
	Comment:        "!",
	prefixList:     eosPrefixList,
	extended:       iosAccessList,
	asPath:         iosASPath,
	asPathWidth:    4,
	sequence:       true,
	extendedV4Only: true,
}

func eosPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("no ", ip, " prefix-list ", name, "\n")
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("! generated prefix-list ", name, " is empty\n")
		p.s(ip, " prefix-list ", name, "\n   seq 1 deny ", anyPrefix(p.l.V6), "\n")
		return
	}
	p.s(ip, " prefix-list ", name, "\n")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("   ", e)
		p.s("   seq ")
		p.n(i + 1)
		p.s(" permit ")
		p.prefix(e.Prefix, "/")
		ciscoLengths(p, e)
		p.s("\n")
	}
}
