package filter

// MikroTik RouterOS 7 (bgpq4 -K7): one routing filter rule per entry in
// RouterOS 7's rule language, in the chain NAME-V4 or NAME-V6.

var formatRouterOS7 = &Format{
	Name:       "routeros7",
	Flag:       "-K7",
	Title:      "MikroTik RouterOS 7",
	Comment:    "#",
	prefixList: routeros7Filter,
}

func routeros7Filter(p *printer) {
	routerosFilter(p, func(e *Entry, chain string) {
		if !e.Aggregate {
			p.s(`/routing filter rule add chain="`, chain, `" rule="if (dst==`)
			p.prefix(e.Prefix, "/")
			p.s(") {accept}\"\n")
			return
		}
		// Two spaces before rule=, as bgpq4 writes it.
		p.s(`/routing filter rule add chain="`, chain, `"  rule="if (dst in `)
		p.prefix(e.Prefix, "/")
		p.s(" && dst-len in ")
		p.n(e.Lo)
		p.s("-")
		p.n(e.Hi)
		p.s(") {accept}\"\n")
	})
}
