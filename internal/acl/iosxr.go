package acl

import (
	"strconv"
	"strings"
)

// Cisco IOS XR: ipv4 and ipv6 access lists with numbered entries and
// prefix notation, applied with access-group ... ingress. As in IOS, the
// implicit neighbor discovery permits of IPv6 lists are written out
// before the final deny.

var formatIOSXR = &Format{
	Name:    "ios-xr",
	Title:   "Cisco IOS XR",
	Comment: "!",
	write:   writeIOSXR,
}

// sequenceStep is the step between numbered entries (IOS XR, EOS), which
// leaves room to insert entries by hand.
const sequenceStep = 10

func writeIOSXR(b *strings.Builder, f *Filter) {
	for _, v6 := range f.families() {
		fam := familyWord(v6, "ipv4", "ipv6")
		b.WriteString("no " + fam + " access-list " + f.Name + "\n" + fam + " access-list " + f.Name + "\n")
		seq := 0
		entry := func(s string) {
			seq += sequenceStep
			b.WriteString(" " + strconv.Itoa(seq) + " " + s + "\n")
		}
		entry("remark " + remarkText(f))
		if v6 {
			entry("permit icmpv6 any any nd-na")
			entry("permit icmpv6 any any nd-ns")
			entry("permit ipv6 " + linkLocal.String() + " any")
		}
		for _, p := range f.Prefixes(v6) {
			entry("permit " + fam + " " + p.String() + " any")
		}
		entry("deny " + fam + " any any log")
		b.WriteString("!\n")
	}
	if f.Interface != "" {
		b.WriteString("interface " + f.Interface + "\n")
		for _, v6 := range f.families() {
			b.WriteString(" " + familyWord(v6, "ipv4", "ipv6") + " access-group " + f.Name + " ingress\n")
		}
		b.WriteString("!\n")
	}
}
