package acl

import (
	"fmt"
	"strconv"
	"strings"
)

// nftables (Linux): a table of the inet family holding the sources in
// interval sets, a chain that returns for permitted sources and logs and
// drops the rest, and a base chain on the prerouting hook, at the raw
// priority (before connection tracking), that sends the interface's
// packets to it. The script replaces the table atomically when loaded
// with nft -f. A chain of another table cannot jump to this one, so the
// interface is required.

var formatNftables = &Format{
	Name:           "nftables",
	Title:          "Linux nftables",
	Comment:        "#",
	interpreter:    "#!/usr/sbin/nft -f",
	write:          writeNftables,
	checkInterface: checkLinuxInterface,
	needsInterface: true,
}

// maxLinuxInterfaceLen is the longest Linux interface name (IFNAMSIZ
// less the terminating NUL).
const maxLinuxInterfaceLen = 15

func checkLinuxInterface(name string) error {
	if len(name) > maxLinuxInterfaceLen {
		return fmt.Errorf("interface %q: Linux interface names have at most %d characters", name, maxLinuxInterfaceLen)
	}
	if strings.ContainsAny(name, "/:") {
		return fmt.Errorf("interface %q: Linux interface names have no '/' or ':'", name)
	}
	return nil
}

func writeNftables(b *strings.Builder, f *Filter) {
	t := f.Name
	b.WriteString("table inet " + t + "\ndelete table inet " + t + "\n")
	b.WriteString("table inet " + t + " {\n")
	for _, v6 := range f.families() {
		ps := f.Prefixes(v6)
		if len(ps) == 0 {
			continue
		}
		b.WriteString("\tset " + familyWord(v6, "sources4", "sources6") + " {\n")
		b.WriteString("\t\ttype " + familyWord(v6, "ipv4_addr", "ipv6_addr") + "\n\t\tflags interval\n\t\telements = {\n")
		for i, p := range ps {
			b.WriteString("\t\t\t" + p.String())
			if i < len(ps)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("\t\t}\n\t}\n")
	}
	b.WriteString("\tchain antispoof {\n")
	if !f.IPv4 {
		b.WriteString("\t\tmeta nfproto ipv4 return\n")
	}
	if !f.IPv6 {
		b.WriteString("\t\tmeta nfproto ipv6 return\n")
	}
	if len(f.V4) > 0 {
		b.WriteString("\t\tip saddr @sources4 return\n")
	}
	if f.IPv6 {
		b.WriteString("\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } return\n")
		b.WriteString("\t\tip6 saddr " + linkLocal.String() + " return\n")
	}
	if len(f.V6) > 0 {
		b.WriteString("\t\tip6 saddr @sources6 return\n")
	}
	b.WriteString("\t\tlimit rate " + strconv.Itoa(LogRate) + "/second burst " + strconv.Itoa(LogBurst) + " packets log prefix \"" + logPrefix(f.Name) + "\"\n")
	b.WriteString("\t\tcounter drop\n\t}\n")
	b.WriteString("\tchain prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n")
	b.WriteString("\t\tiifname \"" + f.Interface + "\" jump antispoof\n\t}\n}\n")
}

// maxLogPrefixLen is the longest log prefix iptables's LOG target takes
// (nftables takes more; both formats write the same).
const maxLogPrefixLen = 29

// logPrefix is the prefix of the log lines of denied packets: the filter
// name and ": ", the name cut to fit.
func logPrefix(name string) string {
	return cut(name, maxLogPrefixLen-2) + ": "
}
