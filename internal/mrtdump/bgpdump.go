package mrtdump

import (
	"net/netip"
	"strconv"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
)

// AppendLines appends the lines that `bgpdump -m` prints for rec to dst:
// one line per route (RIB entry, announced or withdrawn prefix) and one per
// state change; records that bgpdump does not print in this mode (peer
// index tables, OPEN, KEEPALIVE, NOTIFICATION) add nothing.
func AppendLines(dst []byte, rec *mrt.Record) []byte {
	switch rec.Kind {
	case mrt.KindTableDump:
		return appendTableDump(dst, rec)
	case mrt.KindRIB:
		return appendRIB(dst, rec)
	case mrt.KindMessage:
		return appendMessage(dst, rec)
	case mrt.KindStateChange:
		return appendState(dst, rec)
	}
	return dst
}

func appendTime(b []byte, rec *mrt.Record) []byte {
	b = strconv.AppendUint(b, uint64(rec.Header.Timestamp), 10)
	if rec.Header.Type == mrt.TypeBGP4MPET {
		us := rec.Header.Microseconds
		b = append(b, '.')
		// %06ld
		var tmp [10]byte
		s := strconv.AppendUint(tmp[:0], uint64(us), 10)
		for i := len(s); i < 6; i++ {
			b = append(b, '0')
		}
		b = append(b, s...)
	}
	return b
}

func appendPrefix(b []byte, p netip.Prefix) []byte {
	b = appendAddr(b, p.Addr())
	b = append(b, '/')
	return strconv.AppendUint(b, uint64(p.Bits()), 10)
}

// appendPath appends the AS path as bgpdump writes it: ASNs of a sequence
// separated by spaces, an AS_SET as {a,b}, a confederation sequence as
// (a b) and a confederation set as [a,b]; segments separated by spaces.
func appendPath(b []byte, p *bgp.Path) []byte {
	for i, s := range p.Segments {
		if i > 0 {
			b = append(b, ' ')
		}
		var open, sep, close byte
		switch s.Type {
		case bgp.ASSet:
			open, sep, close = '{', ',', '}'
		case bgp.ASConfedSequence:
			open, sep, close = '(', ' ', ')'
		case bgp.ASConfedSet:
			open, sep, close = '[', ',', ']'
		default:
			sep = ' '
		}
		if open != 0 {
			b = append(b, open)
		}
		for j, a := range s.ASNs {
			if j > 0 {
				b = append(b, sep)
			}
			b = strconv.AppendUint(b, uint64(a), 10)
		}
		if close != 0 {
			b = append(b, close)
		}
	}
	return b
}

// pathError is what bgpdump prints for an AS_PATH it cannot decode.
const pathError = "! Error !"

// appendASPath appends the route's AS path, or pathError when the AS_PATH
// was malformed.
func appendASPath(b []byte, a *bgp.Attrs) []byte {
	if a.PathMalformed() {
		return append(b, pathError...)
	}
	return appendPath(b, a.Path())
}

func appendOrigin(b []byte, a *bgp.Attrs) []byte {
	switch {
	case a.Has(bgp.AttrOrigin) && a.Origin == bgp.OriginIGP:
		return append(b, "IGP"...)
	case a.Has(bgp.AttrOrigin) && a.Origin == bgp.OriginEGP:
		return append(b, "EGP"...)
	}
	return append(b, "INCOMPLETE"...)
}

// appendCommunities appends the COMMUNITIES as bgpdump writes them:
// "asn:value" separated by spaces, with names for the well-known ones.
func appendCommunities(b []byte, a *bgp.Attrs) []byte {
	for i, c := range a.Communities {
		if i > 0 {
			b = append(b, ' ')
		}
		switch c {
		case bgp.CommunityNoExport:
			b = append(b, "no-export"...)
		case bgp.CommunityNoAdvertise:
			b = append(b, "no-advertise"...)
		case bgp.CommunityNoExportSubconfed:
			b = append(b, "local-AS"...)
		default:
			b = c.Append(b)
		}
	}
	return b
}

// appendTail appends the fields after the prefix (and path id) of an
// announcement: AS path, origin, next hop, LOCAL_PREF, MED, communities,
// atomic aggregate, aggregator.
func appendTail(b []byte, a *bgp.Attrs, nextHop netip.Addr) []byte {
	b = appendASPath(b, a)
	b = append(b, '|')
	b = appendOrigin(b, a)
	b = append(b, '|')
	b = appendAddr(b, nextHop)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(a.LocalPref), 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(a.MED), 10)
	b = append(b, '|')
	b = appendCommunities(b, a)
	b = append(b, '|')
	b = appendAgg(b, a)
	return append(b, '|', '\n')
}

func appendAgg(b []byte, a *bgp.Attrs) []byte {
	if a.Has(bgp.AttrAtomicAggregate) {
		b = append(b, "AG|"...)
	} else {
		b = append(b, "NAG|"...)
	}
	if agg, ok := aggregator(a); ok {
		b = strconv.AppendUint(b, uint64(agg.ASN), 10)
		b = append(b, ' ')
		b = appendAddr4(b, agg.Addr)
	}
	return b
}

// noAddr is the address bgpdump prints for an absent NEXT_HOP, and the
// aggregator address for which it prints no aggregator (INADDR_NONE).
var noAddr = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// aggregator returns the aggregator to print: the AGGREGATOR, or
// AS4_AGGREGATOR in place of AS_TRANS (RFC 6793 section 4.2.3). Like
// bgpdump it prints none for the address 255.255.255.255.
func aggregator(a *bgp.Attrs) (bgp.Aggregator, bool) {
	agg, ok := a.AggregatorAS4()
	return agg, ok && agg.Addr != noAddr
}

// ribNextHop is the next hop printed for a RIB entry: the next hop of an
// IPv6 or IPv4 unicast MP_REACH_NLRI (the abbreviated form of RFC 6396
// section 4.3.4 included), else NEXT_HOP.
func ribNextHop(a *bgp.Attrs) netip.Addr {
	if a.Has(bgp.AttrMPReach) && a.MPReach.SAFI == bgp.SAFIUnicast && a.MPReach.NextHop.IsValid() &&
		(a.MPReach.AFI == bgp.AFIIPv6 || a.MPReach.AFI == bgp.AFIIPv4) {
		return a.MPReach.NextHop
	}
	return nextHop4(a)
}

// nextHop4 is the NEXT_HOP attribute, or 255.255.255.255 when absent.
func nextHop4(a *bgp.Attrs) netip.Addr {
	if a.Has(bgp.AttrNextHop) {
		return a.NextHop
	}
	return noAddr
}

func appendTableDump(b []byte, rec *mrt.Record) []byte {
	t := &rec.TableDump
	b = append(b, "TABLE_DUMP|"...)
	b = appendTime(b, rec)
	b = append(b, "|B|"...)
	b = appendAddr(b, t.PeerAddr)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(t.PeerAS), 10)
	b = append(b, '|')
	b = appendPrefix(b, t.Prefix)
	b = append(b, '|')
	return appendTail(b, &t.Attrs, ribNextHop(&t.Attrs))
}

func appendRIB(b []byte, rec *mrt.Record) []byte {
	r := &rec.RIB
	if !r.Prefix.IsValid() || r.SAFI != bgp.SAFIUnicast || r.Generic {
		// The line has no field for the family: like bgpdump, print
		// only IPv4 and IPv6 unicast RIBs (JSON output has them all).
		return b
	}
	for i := range r.Entries {
		e := &r.Entries[i]
		if e.Err != nil {
			continue
		}
		if r.AddPath {
			b = append(b, "TABLE_DUMP2_AP|"...)
		} else {
			b = append(b, "TABLE_DUMP2|"...)
		}
		b = appendTime(b, rec)
		b = append(b, "|B|"...)
		b = appendAddr(b, e.Peer.Addr)
		b = append(b, '|')
		b = strconv.AppendUint(b, uint64(e.Peer.ASN), 10)
		b = append(b, '|')
		b = appendPrefix(b, r.Prefix)
		b = append(b, '|')
		if r.AddPath {
			b = strconv.AppendUint(b, uint64(e.PathID), 10)
			b = append(b, '|')
		}
		b = appendTail(b, &e.Attrs, ribNextHop(&e.Attrs))
	}
	return b
}

// messageFormat is the first field of a BGP4MP line.
func messageFormat(rec *mrt.Record) string {
	m := &rec.Message
	et := rec.Header.Type == mrt.TypeBGP4MPET
	switch {
	case et && m.Local && m.AddPath:
		return "BGP4MP_ET_LOCAL_AP"
	case et && m.Local:
		return "BGP4MP_ET_LOCAL"
	case et && m.AddPath:
		return "BGP4MP_ET_AP"
	case et:
		return "BGP4MP_ET"
	case m.Local && m.AddPath:
		return "BGP4MP_LOCAL_AP"
	case m.Local:
		return "BGP4MP_LOCAL"
	case m.AddPath:
		return "BGP4MP_AP"
	}
	return "BGP4MP"
}

func appendMessage(b []byte, rec *mrt.Record) []byte {
	m := &rec.Message
	if m.BGP.Type != bgp.MsgUpdate {
		return b
	}
	if rec.Header.Type == mrt.TypeBGP {
		return appendLegacyUpdate(b, rec)
	}
	u := &m.BGP.Update
	a := &u.Attrs
	format := messageFormat(rec)
	peer, peerAS := m.PeerAddr, m.PeerAS
	head := func(b []byte, kind string) []byte {
		b = append(b, format...)
		b = append(b, '|')
		b = appendTime(b, rec)
		b = append(b, '|')
		b = append(b, kind...)
		b = append(b, '|')
		b = appendAddr(b, peer)
		b = append(b, '|')
		b = strconv.AppendUint(b, uint64(peerAS), 10)
		return append(b, '|')
	}
	withdraw := func(b []byte, n []bgp.NLRI) []byte {
		for _, p := range n {
			b = head(b, "W")
			b = appendPrefix(b, p.Prefix)
			if m.AddPath {
				b = append(b, '|')
				b = strconv.AppendUint(b, uint64(p.PathID), 10)
			}
			b = append(b, '\n')
		}
		return b
	}
	announce := func(b []byte, n []bgp.NLRI, nh netip.Addr) []byte {
		for _, p := range n {
			b = head(b, "A")
			b = appendPrefix(b, p.Prefix)
			b = append(b, '|')
			if m.AddPath {
				b = strconv.AppendUint(b, uint64(p.PathID), 10)
				b = append(b, '|')
			}
			b = appendTail(b, a, nh)
		}
		return b
	}
	b = withdraw(b, u.Withdrawn)
	if a.Has(bgp.AttrMPUnreach) {
		b = withdraw(b, a.MPUnreach.NLRI)
	}
	b = announce(b, u.NLRI, nextHop4(a))
	if a.Has(bgp.AttrMPReach) {
		nh := a.MPReach.NextHop
		if !nh.IsValid() {
			nh = noAddr // a next hop of length 0
		}
		b = announce(b, a.MPReach.NLRI, nh)
	}
	return b
}

// appendLegacyUpdate writes an UPDATE of the deprecated MRT type BGP. The
// fields are those of a BGP4MP line; bgpdump prints the peer address in
// place of each withdrawn prefix's address and leaves the communities
// field out, which docs/manrs-mrt.md lists among its faults.
func appendLegacyUpdate(b []byte, rec *mrt.Record) []byte {
	m := &rec.Message
	u := &m.BGP.Update
	a := &u.Attrs
	head := func(b []byte, kind string) []byte {
		b = append(b, "BGP|"...)
		b = appendTime(b, rec)
		b = append(b, '|')
		b = append(b, kind...)
		b = append(b, '|')
		b = appendAddr4(b, m.PeerAddr)
		b = append(b, '|')
		b = strconv.AppendUint(b, uint64(m.PeerAS), 10)
		return append(b, '|')
	}
	for _, p := range u.Withdrawn {
		b = head(b, "W")
		b = appendPrefix(b, p.Prefix)
		b = append(b, '\n')
	}
	for _, p := range u.NLRI {
		b = head(b, "A")
		b = appendPrefix(b, p.Prefix)
		b = append(b, '|')
		b = appendTail(b, a, nextHop4(a))
	}
	return b
}

func appendState(b []byte, rec *mrt.Record) []byte {
	s := &rec.State
	switch rec.Header.Type {
	case mrt.TypeBGP:
		b = append(b, "BGP|"...)
	case mrt.TypeBGP4MPET:
		b = append(b, "BGP4MP_ET|"...)
	default:
		b = append(b, "BGP4MP|"...)
	}
	b = appendTime(b, rec)
	b = append(b, "|STATE|"...)
	b = appendAddr(b, s.PeerAddr)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(s.PeerAS), 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(s.OldState), 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(s.NewState), 10)
	return append(b, '\n')
}
