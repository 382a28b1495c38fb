package mrt

import (
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// Route is one route of a record, in the form that analysis needs: who
// announced (or withdrew) which prefix with which attributes.
type Route struct {
	Timestamp uint32
	PeerAddr  netip.Addr
	PeerAS    bgp.ASN
	// Prefix is masked: host bits past its length are cleared.
	Prefix netip.Prefix
	PathID uint32
	// Attrs is nil for a withdrawal. It points into the Record and is
	// valid until the Reader's next call to Next.
	Attrs     *bgp.Attrs
	Withdrawn bool
}

// AppendRoutes appends the unicast routes of rec to dst: every RIB entry
// of a TABLE_DUMP or TABLE_DUMP_V2 record, and every prefix withdrawn or
// announced by a BGP UPDATE, in the order mrtdump.AppendLines prints them.
// Multicast routes and corrupt RIB entries are left out. Passing the
// previous result as dst[:0] makes this free of allocations.
func (rec *Record) AppendRoutes(dst []Route) []Route {
	ts := rec.Header.Timestamp
	switch rec.Kind {
	case KindTableDump:
		t := &rec.TableDump
		dst = append(dst, Route{Timestamp: ts, PeerAddr: t.PeerAddr, PeerAS: t.PeerAS, Prefix: t.Prefix.Masked(), Attrs: &t.Attrs})
	case KindRIB:
		r := &rec.RIB
		if !r.Prefix.IsValid() || r.SAFI != bgp.SAFIUnicast {
			return dst
		}
		p := r.Prefix.Masked()
		for i := range r.Entries {
			e := &r.Entries[i]
			if e.Err == nil {
				dst = append(dst, Route{Timestamp: ts, PeerAddr: e.Peer.Addr, PeerAS: e.Peer.ASN, Prefix: p, PathID: e.PathID, Attrs: &e.Attrs})
			}
		}
	case KindMessage:
		m := &rec.Message
		if m.BGP.Type != bgp.MsgUpdate {
			return dst
		}
		u := &m.BGP.Update
		a := &u.Attrs
		dst = appendNLRIRoutes(dst, rec, u.Withdrawn, nil)
		if a.Has(bgp.AttrMPUnreach) && a.MPUnreach.SAFI == bgp.SAFIUnicast {
			dst = appendNLRIRoutes(dst, rec, a.MPUnreach.NLRI, nil)
		}
		dst = appendNLRIRoutes(dst, rec, u.NLRI, a)
		if a.Has(bgp.AttrMPReach) && a.MPReach.SAFI == bgp.SAFIUnicast {
			dst = appendNLRIRoutes(dst, rec, a.MPReach.NLRI, a)
		}
	}
	return dst
}

func appendNLRIRoutes(dst []Route, rec *Record, n []bgp.NLRI, attrs *bgp.Attrs) []Route {
	m := &rec.Message
	for _, p := range n {
		dst = append(dst, Route{
			Timestamp: rec.Header.Timestamp, PeerAddr: m.PeerAddr, PeerAS: m.PeerAS,
			Prefix: p.Prefix.Masked(), PathID: p.PathID, Attrs: attrs, Withdrawn: attrs == nil,
		})
	}
	return dst
}
