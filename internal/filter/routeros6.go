package filter

// MikroTik RouterOS 6 (bgpq4 -K): one routing filter rule per entry, in
// the chain NAME-V4 or NAME-V6; scripts take "#" comments.

var formatRouterOS6 = &Format{
	Name:       "routeros6",
	Flag:       "-K",
	Title:      "MikroTik RouterOS 6",
	Comment:    "#",
	prefixList: routeros6Filter,
}

func routeros6Filter(p *printer) {
	routerosFilter(p, func(e *Entry, chain string) {
		p.s(`/routing filter add action=accept chain="`, chain, `" prefix=`)
		p.prefix(e.Prefix, "/")
		if e.Aggregate {
			p.s(" prefix-length=")
			p.n(e.Lo)
			p.s("-")
			p.n(e.Hi)
		}
		p.s("\n")
	})
}

// routerosFilter writes the entries of a RouterOS filter with line, or
// a comment for an empty list.
func routerosFilter(p *printer, line func(e *Entry, chain string)) {
	name := p.name()
	if len(p.l.Entries) == 0 {
		p.s("# generated prefix-list ", name, " is empty\n")
		return
	}
	chain := name + "-V4"
	if p.l.V6 {
		chain = name + "-V6"
	}
	p.headNotes()
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("", e)
		line(e, chain)
	}
}
