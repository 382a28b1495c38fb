package acl

import (
	"strconv"
	"strings"
)

// Arista EOS: ip and ipv6 access lists with numbered entries and prefix
// notation, applied with ip and ipv6 access-group ... in.

var formatEOS = &Format{
	Name:    "eos",
	Title:   "Arista EOS",
	Comment: "!",
	write:   writeEOS,
}

func writeEOS(b *strings.Builder, f *Filter) {
	for _, v6 := range f.families() {
		list := familyWord(v6, "ip", "ipv6")
		b.WriteString("no " + list + " access-list " + f.Name + "\n" + list + " access-list " + f.Name + "\n")
		seq := 0
		entry := func(s string) {
			seq += sequenceStep
			b.WriteString("   " + strconv.Itoa(seq) + " " + s + "\n")
		}
		entry("remark " + remarkText(f))
		if v6 {
			entry("permit icmpv6 any any neighbor-advertisement")
			entry("permit icmpv6 any any neighbor-solicitation")
			entry("permit ipv6 " + linkLocal.String() + " any")
		}
		for _, p := range f.Prefixes(v6) {
			entry("permit " + list + " " + p.String() + " any")
		}
		entry("deny " + list + " any any log")
		b.WriteString("!\n")
	}
	if f.Interface != "" {
		b.WriteString("interface " + f.Interface + "\n")
		for _, v6 := range f.families() {
			b.WriteString("   " + familyWord(v6, "ip", "ipv6") + " access-group " + f.Name + " in\n")
		}
		b.WriteString("!\n")
	}
}
