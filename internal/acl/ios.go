package acl

import (
	"net/netip"
	"strconv"
	"strings"
)

// Cisco IOS and IOS XE: an extended access list for IPv4 and an IPv6
// access list, applied inbound with ip access-group and ipv6
// traffic-filter. IPv6 access lists end in implicit permits of neighbor
// discovery that an explicit final deny takes away, so they are written
// out.

var formatIOS = &Format{
	Name:    "ios",
	Title:   "Cisco IOS and IOS XE",
	Comment: "!",
	write:   writeIOS,
}

// remarkLen is the longest remark written: IOS takes 100 characters.
const remarkLen = 100

// remarkText is the remark that opens the access lists of IOS, IOS XR
// and EOS.
func remarkText(f *Filter) string { return cut("BCP 38: sources of "+f.Object, remarkLen) }

func writeIOS(b *strings.Builder, f *Filter) {
	remark := " remark " + remarkText(f)
	for _, v6 := range f.families() {
		if v6 {
			b.WriteString("no ipv6 access-list " + f.Name + "\nipv6 access-list " + f.Name + "\n")
			b.WriteString(remark + "\n")
			b.WriteString(" permit icmp any any nd-na\n permit icmp any any nd-ns\n")
			b.WriteString(" permit ipv6 " + iosSource(linkLocal) + " any\n")
			for _, p := range f.V6 {
				b.WriteString(" permit ipv6 " + iosSource(p) + " any\n")
			}
			b.WriteString(" deny ipv6 any any log\n!\n")
			continue
		}
		b.WriteString("no ip access-list extended " + f.Name + "\nip access-list extended " + f.Name + "\n")
		b.WriteString(remark + "\n")
		for _, p := range f.V4 {
			b.WriteString(" permit ip " + iosSource(p) + " any\n")
		}
		b.WriteString(" deny ip any any log\n!\n")
	}
	if f.Interface != "" {
		b.WriteString("interface " + f.Interface + "\n")
		if f.IPv4 {
			b.WriteString(" ip access-group " + f.Name + " in\n")
		}
		if f.IPv6 {
			b.WriteString(" ipv6 traffic-filter " + f.Name + " in\n")
		}
		b.WriteString("!\n")
	}
}

// iosSource writes a source as IOS access lists take it: "any", "host
// ADDR", an IPv4 address and wildcard mask, or an IPv6 prefix.
func iosSource(p netip.Prefix) string {
	switch {
	case p.Bits() == 0:
		return "any"
	case p.IsSingleIP():
		return "host " + p.Addr().String()
	case p.Addr().Is6():
		return p.String()
	}
	return p.Addr().String() + " " + wildcard(p.Bits())
}

// wildcard returns the inverse mask of an IPv4 prefix length, e.g.
// 0.0.0.255 for 24.
func wildcard(bits int) string {
	m := ^uint32(0) >> bits
	if bits == 0 {
		m = ^uint32(0)
	}
	return strconv.Itoa(int(m>>24)) + "." + strconv.Itoa(int(m>>16&0xff)) + "." + strconv.Itoa(int(m>>8&0xff)) + "." + strconv.Itoa(int(m&0xff))
}

// cut returns s cut to n bytes.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
