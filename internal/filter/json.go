package filter

import (
	"encoding/json"

	"github.com/manrs/manrs/internal/bgp"
)

// JSON (bgpq4 -j): a prefix list as an object holding an array of
// entries, slashes escaped as bgpq4 escapes them; AS-path lists (-f) and
// AS lists (-t) as an array of AS numbers. Notes go into an
// "annotations" array of the entry, which bgpq4 does not write.

var formatJSON = &Format{
	Name:       "json",
	Flag:       "-j",
	Title:      "JSON",
	fieldNotes: true,
	prefixList: jsonPrefixList,
	asPath:     jsonASList,
	asSet:      jsonASList,
}

func jsonPrefixList(p *printer) {
	p.s(`{ "`, p.name(), `": [`)
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		if i > 0 {
			p.s(",")
		}
		p.s("\n    { \"prefix\": \"")
		p.prefix(e.Prefix, `\/`)
		switch {
		case !e.Aggregate:
			p.s(`", "exact": true`)
		case e.Lo > e.Prefix.Bits():
			p.s("\", \"exact\": false,\n      \"greater-equal\": ")
			p.n(e.Lo)
			p.s(`, "less-equal": `)
			p.n(e.Hi)
		default:
			p.s(`", "exact": false, "less-equal": `)
			p.n(e.Hi)
		}
		if len(e.Notes) > 0 {
			p.s(`, "annotations": [`)
			for j, n := range e.Notes {
				if j > 0 {
					p.s(", ")
				}
				b, _ := json.Marshal(n.String()) // a string always marshals
				p.w.Write(b)
			}
			p.s("]")
		}
		p.s(" }")
	}
	p.s("\n] }\n")
}

// jsonASList writes the AS numbers, p.width to a line.
func jsonASList(p *printer) {
	p.s(`{"`, p.name(), `": [`)
	started := false
	p.asGroups(p.l.ASNs, func(a bgp.ASN, first, _ bool) {
		if started {
			p.s(",")
		}
		if first {
			p.s("\n  ")
		}
		p.asn(a)
		started = true
	})
	p.s("\n]}\n")
}
