package acl

import (
	"strconv"
	"strings"
)

// iptables and ip6tables (Linux): a shell script that loads, per family,
// a chain of the raw table with iptables-restore --noflush (declaring the
// chain flushes it, so loading again replaces it atomically), the chain
// returning for permitted sources and logging and dropping the rest; then
// hooks it to PREROUTING for the interface, unless that rule is there
// already. Without an interface the chain is loaded and a comment says
// how to hook it.

var formatIPTables = &Format{
	Name:           "iptables",
	Title:          "Linux iptables and ip6tables",
	Comment:        "#",
	interpreter:    "#!/bin/sh",
	write:          writeIPTables,
	checkInterface: checkLinuxInterface,
}

func writeIPTables(b *strings.Builder, f *Filter) {
	b.WriteString("set -e\n")
	log := "-m limit --limit " + strconv.Itoa(LogRate) + "/second --limit-burst " + strconv.Itoa(LogBurst) +
		" -j LOG --log-prefix \"" + logPrefix(f.Name) + "\""
	for _, v6 := range f.families() {
		tool := familyWord(v6, "iptables", "ip6tables")
		b.WriteString(tool + "-restore --noflush <<'EOF'\n*raw\n:" + f.Name + " - [0:0]\n")
		rule := func(s string) { b.WriteString("-A " + f.Name + " " + s + "\n") }
		if v6 {
			rule("-p ipv6-icmp --icmpv6-type neighbour-solicitation -j RETURN")
			rule("-p ipv6-icmp --icmpv6-type neighbour-advertisement -j RETURN")
			rule("-s " + linkLocal.String() + " -j RETURN")
		}
		for _, p := range f.Prefixes(v6) {
			rule("-s " + p.String() + " -j RETURN")
		}
		rule(log)
		rule("-j DROP")
		b.WriteString("COMMIT\nEOF\n")
		hook := "-t raw PREROUTING -i " + f.Interface + " -j " + f.Name
		if f.Interface == "" {
			b.WriteString("# hook it to the customer's interface IF: " + tool + " -t raw -A PREROUTING -i IF -j " + f.Name + "\n")
			continue
		}
		b.WriteString(tool + " " + strings.Replace(hook, "PREROUTING", "-C PREROUTING", 1) + " 2>/dev/null ||\n\t" +
			tool + " " + strings.Replace(hook, "PREROUTING", "-A PREROUTING", 1) + "\n")
	}
}
