package filter

import (
	"encoding/binary"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// Cisco IOS: prefix lists, extended access lists (-E, IPv4) and AS-path
// access lists (-f). bgpq4's default format.

var formatIOS = &Format{
	Name:           "ios",
	Title:          "Cisco IOS",
	Comment:        "!",
	prefixList:     iosPrefixList,
	extended:       iosAccessList,
	asPath:         iosASPath,
	asPathWidth:    4,
	sequence:       true,
	extendedV4Only: true,
}

func iosPrefixList(p *printer) {
	ip, name := p.ipWord(), p.name()
	p.s("no ", ip, " prefix-list ", name, "\n")
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("! generated prefix-list ", name, " is empty\n")
		seq := ""
		if p.l.Sequence {
			seq = " seq 1"
		}
		p.s(ip, " prefix-list ", name, seq, " deny ", anyPrefix(p.l.V6), "\n")
		return
	}
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes("", e)
		p.s(ip, " prefix-list ", name)
		if p.l.Sequence {
			p.s(" seq ")
			p.n(i + 1)
		}
		p.s(" permit ")
		p.prefix(e.Prefix, "/")
		ciscoLengths(p, e)
		p.s("\n")
	}
}

// ciscoLengths writes the lengths of an aggregate as IOS does: " ge LO le
// HI", or " le HI" when it starts at the prefix's own length.
func ciscoLengths(p *printer, e *Entry) {
	if !e.Aggregate {
		return
	}
	if e.Lo > e.Prefix.Bits() {
		p.s(" ge ")
		p.n(e.Lo)
	}
	p.s(" le ")
	p.n(e.Hi)
}

// anyPrefix returns the default route of the family.
func anyPrefix(v6 bool) string {
	if v6 {
		return "::/0"
	}
	return "0.0.0.0/0"
}

// iosAccessList writes an extended access list, in which the source
// matches the prefix's address and the destination its mask (bgpq4 -E).
func iosAccessList(p *printer) {
	name := p.name()
	p.s("no ip access-list extended ", name, "\n")
	p.headNotes()
	if len(p.l.Entries) == 0 {
		p.s("! generated access-list ", name, " is empty\n")
		p.s("ip access-list extended ", name, " deny any any\n")
		return
	}
	p.s("ip access-list extended ", name, "\n")
	for i := range p.l.Entries {
		e := &p.l.Entries[i]
		p.notes(" ", e)
		addr := e.Prefix.Addr()
		if !e.Aggregate {
			p.s(" permit ip host ")
			p.addr(addr)
			p.s(" host ")
			p.addr(v4(mask32(e.Prefix.Bits())))
			p.s("\n")
			continue
		}
		// The address with a wildcard over the bits the lengths may
		// vary in, the mask with a wildcard over the lengths admitted.
		wildAddr := ^mask32(e.Prefix.Bits()) & mask32(e.Hi)
		wildMask := ^mask32(e.Lo) & mask32(e.Hi)
		if wildAddr != 0 {
			p.s(" permit ip ")
			p.addr(addr)
			p.s(" ")
			p.addr(v4(wildAddr))
			p.s(" ")
		} else {
			p.s(" permit ip host ")
			p.addr(addr)
			p.s(" ")
		}
		if wildMask != 0 {
			p.addr(v4(mask32(e.Lo)))
			p.s(" ")
			p.addr(v4(wildMask))
		} else {
			p.s("host ")
			p.addr(v4(mask32(e.Lo)))
		}
		p.s("\n")
	}
}

// mask32 returns the IPv4 netmask of n bits.
func mask32(n int) uint32 {
	if n <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - min(n, 32))
}

func v4(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// iosASPath writes an AS-path access list that accepts paths from the
// peer (-f) whose origin is one of the list's ASes: the peer's own
// prepends first, then the other ASes, p.width to a line.
func iosASPath(p *printer) {
	p.s("no ip as-path access-list ", p.name(), "\n")
	ciscoASPath(p, "ip as-path access-list ")
}

// ciscoASPath writes the lines of the AS-path list of IOS and Huawei,
// which differ in the words that start a line.
func ciscoASPath(p *printer, lead string) {
	name, peer := p.name(), p.l.PeerAS
	if len(p.l.ASNs) == 0 {
		p.s(lead, name, " deny .*\n")
		return
	}
	asns, hasPeer := p.withoutPeer()
	if hasPeer {
		p.s(lead, name, " permit ^")
		p.asn(peer)
		p.s("(_")
		p.asn(peer)
		p.s(")*$\n")
	}
	p.asGroups(asns, func(a bgp.ASN, first, last bool) {
		if first {
			p.s(lead, name, " permit ^")
			p.asn(peer)
			p.s("(_[0-9]+)*_(")
		} else {
			p.s("|")
		}
		p.asn(a)
		if last {
			p.s(")$\n")
		}
	})
}
