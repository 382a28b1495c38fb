package filter

// Huawei VRP (bgpq4 -U): ip-prefix lists, the address and the length
// apart, and AS-path filters (-f). VRP configuration has no comments.

var formatHuawei = &Format{
	Name:       "huawei",
	Flag:       "-U",
	Title:      "Huawei VRP",
	prefixList: huaweiPrefixList,
	asPath:     huaweiASPath,
}

func huaweiPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("undo ip ", ip, "-prefix ", name, "\n")
	if len(p.l.Entries) == 0 {
		p.s("ip ", ip, "-prefix ", name, " deny ", anyPrefix(p.l.V6), "\n")
		return
	}
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.s("ip ", ip, "-prefix ", name, " permit ")
		p.prefix(e.Prefix, " ")
		if e.Aggregate {
			if e.Lo > e.Prefix.Bits() {
				p.s(" greater-equal ")
				p.n(e.Lo)
			}
			p.s(" less-equal ")
			p.n(e.Hi)
		}
		p.s("\n")
	}
}

func huaweiASPath(p *printer) {
	p.s("undo ip as-path-filter ", p.name(), "\n")
	ciscoASPath(p, "ip as-path-filter ")
}
