package filter

// Nokia SR Linux (bgpq4 -n2): prefix sets of the routing policy, and
// IPv4 or IPv6 ACL filters matching the source prefix (-E).

var formatSRLinux = &Format{
	Name:          "srlinux",
	Flag:          "-n2",
	Title:         "Nokia SR Linux",
	prefixList:    srlinuxPrefixSet,
	extended:      srlinuxACLFilter,
	exactExtended: true,
}

func srlinuxPrefixSet(p *printer) {
	name := p.name()
	p.s("/routing-policy\ndelete prefix-set \"", name, "\"\nprefix-set \"", name, "\" {\n")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.s("    prefix ")
		p.prefix(e.Prefix, "/")
		if !e.Aggregate {
			p.s(" mask-length-range exact { }\n")
			continue
		}
		p.s(" mask-length-range ")
		p.n(max(e.Lo, e.Prefix.Bits()))
		p.s("..")
		p.n(e.Hi)
		p.s(" { }\n")
	}
	p.s("}\n")
}

func srlinuxACLFilter(p *printer) {
	name, v := p.name(), "4"
	if p.l.V6 {
		v = "6"
	}
	p.s("/acl \ndelete ipv", v, "-filter \"", name, "\"\nipv", v, "-filter \"", name, "\" {\n")
	if len(p.l.Entries) == 0 {
		p.s("# generated ipv", v, "-filter '", name, "' is empty\n")
	}
	entry := 0
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if e.Aggregate {
			continue // exact prefixes only: an unexpanded range is left out
		}
		entry += 10
		p.s(" entry ")
		p.n(entry)
		p.s(" {\n  action { accept { } }\n  match { source-ip { prefix ")
		p.prefix(e.Prefix, "/")
		p.s(" } } }\n")
	}
	p.s("}\n")
}
