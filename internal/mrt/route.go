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

// Origin returns the origin AS of the route as RFC 6811 section 2 defines
// it, seen from the collector that received the route from its peer: the
// rightmost AS of the final AS_SEQUENCE; the peer's AS when the path is
// empty or ends in a confederation segment (the route was originated
// inside the peer's AS or confederation); and none (ok false) when the
// path ends in an AS_SET, or the route has no usable AS_PATH.
func (rt *Route) Origin() (asn bgp.ASN, ok bool) {
	if rt.Attrs == nil || !rt.Attrs.Has(bgp.AttrASPath) {
		return 0, false
	}
	p := rt.Attrs.Path()
	if len(p.Segments) == 0 {
		return rt.PeerAS, true
	}
	switch p.Segments[len(p.Segments)-1].Type {
	case bgp.ASConfedSequence, bgp.ASConfedSet:
		return rt.PeerAS, true
	}
	return p.Origin()
}

// Usable reports whether the route can be analysed: an announcement with
// a well-formed AS_PATH. RFC 7606 section 3 treats an UPDATE without its
// mandatory AS_PATH, or with a malformed one, as a withdrawal.
func (rt *Route) Usable() bool {
	return !rt.Withdrawn && rt.Attrs != nil && rt.Attrs.Has(bgp.AttrASPath) && !rt.Attrs.PathMalformed()
}
