package acl

import (
	"fmt"
	"strings"
)

// Juniper Junos: a firewall filter per family (family inet, family
// inet6) with a term accepting the customer's sources and a last term
// that counts, logs and discards the rest, applied as the input filter
// of the interface's unit. "replace:" makes load replace the filter
// whole. An interface is written as IFD.UNIT (xe-0/0/1.100); without a
// unit, unit 0.

var formatJunos = &Format{
	Name:           "junos",
	Title:          "Juniper Junos",
	Comment:        "#",
	write:          writeJunos,
	checkInterface: checkJunosInterface,
}

// junosInterface splits an interface name into the physical interface
// and the unit ("0" when none is given).
func junosInterface(name string) (ifd, unit string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, "0"
}

// maxJunosUnit is the highest logical unit number Junos takes.
const maxJunosUnit = 1073741823

func checkJunosInterface(name string) error {
	ifd, unit := junosInterface(name)
	if ifd == "" || strings.ContainsRune(ifd, '.') {
		return fmt.Errorf("interface %q: want IFD or IFD.UNIT, as xe-0/0/1.100", name)
	}
	if unit == "" || len(unit) > 10 {
		return fmt.Errorf("interface %q: unit %q is not a number", name, unit)
	}
	n := 0
	for i := 0; i < len(unit); i++ {
		if !isDigit(unit[i]) {
			return fmt.Errorf("interface %q: unit %q is not a number", name, unit)
		}
		n = n*10 + int(unit[i]-'0')
	}
	if n > maxJunosUnit {
		return fmt.Errorf("interface %q: unit %s beyond %d", name, unit, maxJunosUnit)
	}
	return nil
}

func writeJunos(b *strings.Builder, f *Filter) {
	b.WriteString("firewall {\n")
	for _, v6 := range f.families() {
		b.WriteString("    family " + familyWord(v6, "inet", "inet6") + " {\n")
		b.WriteString("        replace:\n        filter " + f.Name + " {\n")
		if v6 {
			b.WriteString("            term neighbor-discovery {\n")
			b.WriteString("                from {\n                    next-header icmp6;\n")
			b.WriteString("                    icmp-type [ neighbor-solicit neighbor-advertisement ];\n                }\n")
			b.WriteString("                then accept;\n            }\n")
			b.WriteString("            term link-local {\n                from {\n                    source-address {\n")
			b.WriteString("                        " + linkLocal.String() + ";\n")
			b.WriteString("                    }\n                }\n                then accept;\n            }\n")
		}
		if ps := f.Prefixes(v6); len(ps) > 0 {
			b.WriteString("            term customer-sources {\n                from {\n                    source-address {\n")
			for _, p := range ps {
				b.WriteString("                        " + p.String() + ";\n")
			}
			b.WriteString("                    }\n                }\n                then accept;\n            }\n")
		}
		b.WriteString("            term spoofed {\n                then {\n")
		b.WriteString("                    count " + f.Name + "-spoofed;\n")
		b.WriteString("                    syslog;\n                    discard;\n                }\n            }\n")
		b.WriteString("        }\n    }\n")
	}
	b.WriteString("}\n")
	if f.Interface == "" {
		return
	}
	ifd, unit := junosInterface(f.Interface)
	b.WriteString("interfaces {\n    " + ifd + " {\n        unit " + unit + " {\n")
	for _, v6 := range f.families() {
		b.WriteString("            family " + familyWord(v6, "inet", "inet6") + " {\n")
		b.WriteString("                filter {\n                    input " + f.Name + ";\n                }\n            }\n")
	}
	b.WriteString("        }\n    }\n}\n")
}
