package mrtdump

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
)

// AppendJSON appends one JSON object per line for every route and state
// change of rec, and for peer index tables and BGP messages that carry no
// route, with every decoded field. Field names follow bgpkit's
// BgpElem where it has one (peer_ip, peer_asn, prefix, next_hop, as_path,
// origin, local_pref, med, communities). The schema is documented in
// docs/manrs-mrt.md.
func AppendJSON(dst []byte, rec *mrt.Record) []byte {
	switch rec.Kind {
	case mrt.KindTableDump:
		t := &rec.TableDump
		dst = jsonHead(dst, rec, "B", t.PeerAddr, t.PeerAS)
		dst = append(dst, `,"view":`...)
		dst = strconv.AppendUint(dst, uint64(t.View), 10)
		dst = append(dst, `,"sequence":`...)
		dst = strconv.AppendUint(dst, uint64(t.Sequence), 10)
		dst = append(dst, `,"status":`...)
		dst = strconv.AppendUint(dst, uint64(t.Status), 10)
		dst = append(dst, `,"originated":`...)
		dst = strconv.AppendUint(dst, uint64(t.Originated), 10)
		dst = jsonPrefix(dst, t.Prefix, 0, false)
		dst = jsonAttrs(dst, &t.Attrs, ribNextHop(&t.Attrs))
		return append(dst, '}', '\n')
	case mrt.KindRIB:
		r := &rec.RIB
		for i := range r.Entries {
			e := &r.Entries[i]
			dst = jsonHead(dst, rec, "B", e.Peer.Addr, e.Peer.ASN)
			dst = append(dst, `,"sequence":`...)
			dst = strconv.AppendUint(dst, uint64(r.Sequence), 10)
			dst = append(dst, `,"afi":`...)
			dst = jsonString(dst, r.AFI.String())
			dst = append(dst, `,"safi":`...)
			dst = jsonString(dst, r.SAFI.String())
			dst = append(dst, `,"peer_index":`...)
			dst = strconv.AppendUint(dst, uint64(e.PeerIndex), 10)
			dst = append(dst, `,"originated":`...)
			dst = strconv.AppendUint(dst, uint64(e.Originated), 10)
			if r.Prefix.IsValid() {
				dst = jsonPrefix(dst, r.Prefix, e.PathID, r.AddPath)
			} else {
				dst = append(dst, `,"nlri":`...)
				dst = jsonString(dst, hex.EncodeToString(r.NLRI))
			}
			if e.Err != nil {
				dst = append(dst, `,"error":`...)
				dst = jsonString(dst, e.Err.Error())
			} else {
				dst = jsonAttrs(dst, &e.Attrs, ribNextHop(&e.Attrs))
			}
			dst = append(dst, '}', '\n')
		}
		return dst
	case mrt.KindPeerIndex:
		p := rec.PeerIndex
		dst = append(dst, `{"type":"PEER_INDEX_TABLE","timestamp":`...)
		dst = strconv.AppendUint(dst, uint64(rec.Header.Timestamp), 10)
		dst = append(dst, `,"mrt_type":"TABLE_DUMP_V2","mrt_subtype":1,"record":`...)
		dst = strconv.AppendInt(dst, int64(rec.Num), 10)
		dst = append(dst, `,"collector_id":`...)
		dst = jsonAddr(dst, p.CollectorID)
		dst = append(dst, `,"view_name":`...)
		dst = jsonString(dst, p.ViewName)
		dst = append(dst, `,"peers":[`...)
		for i, pe := range p.Peers {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"index":`...)
			dst = strconv.AppendInt(dst, int64(i), 10)
			dst = append(dst, `,"bgp_id":`...)
			dst = jsonAddr(dst, pe.BGPID)
			dst = append(dst, `,"peer_ip":`...)
			dst = jsonAddr(dst, pe.Addr)
			dst = append(dst, `,"peer_asn":`...)
			dst = strconv.AppendUint(dst, uint64(pe.ASN), 10)
			dst = append(dst, '}')
		}
		return append(dst, "]}\n"...)
	case mrt.KindMessage:
		return jsonMessage(dst, rec)
	case mrt.KindStateChange:
		s := &rec.State
		dst = jsonHead(dst, rec, "STATE", s.PeerAddr, s.PeerAS)
		dst = jsonLocal(dst, s.LocalAddr, s.LocalAS, rec.Header.Type != mrt.TypeBGP)
		dst = append(dst, `,"old_state":`...)
		dst = strconv.AppendUint(dst, uint64(s.OldState), 10)
		dst = append(dst, `,"new_state":`...)
		dst = strconv.AppendUint(dst, uint64(s.NewState), 10)
		return append(dst, '}', '\n')
	}
	return dst
}

func jsonMessage(dst []byte, rec *mrt.Record) []byte {
	m := &rec.Message
	if m.BGP.Type != bgp.MsgUpdate {
		dst = jsonHead(dst, rec, m.BGP.Type.String(), m.PeerAddr, m.PeerAS)
		dst = jsonLocal(dst, m.LocalAddr, m.LocalAS, true)
		switch m.BGP.Type {
		case bgp.MsgNotification:
			n := &m.BGP.Notification
			dst = append(dst, `,"error_code":`...)
			dst = strconv.AppendUint(dst, uint64(n.Code), 10)
			dst = append(dst, `,"error_subcode":`...)
			dst = strconv.AppendUint(dst, uint64(n.Subcode), 10)
			dst = append(dst, `,"data":"`...)
			dst = hex.AppendEncode(dst, n.Data)
			dst = append(dst, '"')
		case bgp.MsgOpen:
			o := &m.BGP.Open
			dst = append(dst, `,"version":`...)
			dst = strconv.AppendUint(dst, uint64(o.Version), 10)
			dst = append(dst, `,"my_asn":`...)
			dst = strconv.AppendUint(dst, uint64(o.MyAS), 10)
			dst = append(dst, `,"hold_time":`...)
			dst = strconv.AppendUint(dst, uint64(o.HoldTime), 10)
			dst = append(dst, `,"bgp_id":`...)
			dst = jsonAddr(dst, o.ID)
			dst = append(dst, `,"optional_parameters":"`...)
			dst = hex.AppendEncode(dst, o.OptParams)
			dst = append(dst, '"')
		}
		return append(dst, '}', '\n')
	}
	u := &m.BGP.Update
	a := &u.Attrs
	withdraw := func(dst []byte, n []bgp.NLRI) []byte {
		for _, p := range n {
			dst = jsonHead(dst, rec, "W", m.PeerAddr, m.PeerAS)
			dst = jsonLocal(dst, m.LocalAddr, m.LocalAS, rec.Header.Type != mrt.TypeBGP)
			dst = jsonPrefix(dst, p.Prefix, p.PathID, m.AddPath)
			dst = append(dst, '}', '\n')
		}
		return dst
	}
	announce := func(dst []byte, n []bgp.NLRI, nh netip.Addr) []byte {
		for _, p := range n {
			dst = jsonHead(dst, rec, "A", m.PeerAddr, m.PeerAS)
			dst = jsonLocal(dst, m.LocalAddr, m.LocalAS, rec.Header.Type != mrt.TypeBGP)
			dst = jsonPrefix(dst, p.Prefix, p.PathID, m.AddPath)
			dst = jsonAttrs(dst, a, nh)
			dst = append(dst, '}', '\n')
		}
		return dst
	}
	dst = withdraw(dst, u.Withdrawn)
	if a.Has(bgp.AttrMPUnreach) {
		dst = withdraw(dst, a.MPUnreach.NLRI)
	}
	var nh netip.Addr
	if a.Has(bgp.AttrNextHop) {
		nh = a.NextHop
	}
	dst = announce(dst, u.NLRI, nh)
	if a.Has(bgp.AttrMPReach) {
		dst = announce(dst, a.MPReach.NLRI, a.MPReach.NextHop)
	}
	return dst
}

func jsonHead(dst []byte, rec *mrt.Record, typ string, peer netip.Addr, peerAS bgp.ASN) []byte {
	dst = append(dst, `{"type":`...)
	dst = jsonString(dst, typ)
	dst = append(dst, `,"timestamp":`...)
	dst = strconv.AppendUint(dst, uint64(rec.Header.Timestamp), 10)
	if rec.Header.Type == mrt.TypeBGP4MPET {
		dst = append(dst, `,"microseconds":`...)
		dst = strconv.AppendUint(dst, uint64(rec.Header.Microseconds), 10)
	}
	dst = append(dst, `,"mrt_type":`...)
	dst = jsonString(dst, rec.Header.Type.String())
	dst = append(dst, `,"mrt_subtype":`...)
	dst = strconv.AppendUint(dst, uint64(rec.Header.Subtype), 10)
	dst = append(dst, `,"record":`...)
	dst = strconv.AppendInt(dst, int64(rec.Num), 10)
	if rec.Kind == mrt.KindMessage && rec.Message.Local {
		dst = append(dst, `,"local":true`...)
	}
	dst = append(dst, `,"peer_ip":`...)
	dst = jsonAddr(dst, peer)
	dst = append(dst, `,"peer_asn":`...)
	return strconv.AppendUint(dst, uint64(peerAS), 10)
}

func jsonLocal(dst []byte, local netip.Addr, localAS bgp.ASN, ok bool) []byte {
	if !ok {
		return dst
	}
	dst = append(dst, `,"local_ip":`...)
	dst = jsonAddr(dst, local)
	dst = append(dst, `,"local_asn":`...)
	return strconv.AppendUint(dst, uint64(localAS), 10)
}

func jsonPrefix(dst []byte, p netip.Prefix, pathID uint32, addPath bool) []byte {
	dst = append(dst, `,"prefix":"`...)
	dst = appendPrefix(dst, p.Masked())
	dst = append(dst, '"')
	if p != p.Masked() {
		// The encoding had bits set past the prefix length.
		dst = append(dst, `,"prefix_as_encoded":"`...)
		dst = appendPrefix(dst, p)
		dst = append(dst, '"')
	}
	if addPath {
		dst = append(dst, `,"path_id":`...)
		dst = strconv.AppendUint(dst, uint64(pathID), 10)
	}
	return dst
}

func jsonAddr(dst []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = a.AppendTo(dst)
	return append(dst, '"')
}

func jsonAttrs(dst []byte, a *bgp.Attrs, nh netip.Addr) []byte {
	p := a.Path()
	if a.Has(bgp.AttrASPath) {
		dst = append(dst, `,"as_path":"`...)
		dst = appendPath(dst, p)
		dst = append(dst, `","as_path_segments":[`...)
		for i, s := range p.Segments {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"type":"`...)
			dst = append(dst, s.Type.String()...)
			dst = append(dst, `","asns":[`...)
			for j, x := range s.ASNs {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = strconv.AppendUint(dst, uint64(x), 10)
			}
			dst = append(dst, "]}"...)
		}
		dst = append(dst, ']')
		if o, ok := p.Origin(); ok {
			dst = append(dst, `,"origin_asn":`...)
			dst = strconv.AppendUint(dst, uint64(o), 10)
		} else {
			dst = append(dst, `,"origin_asn":null`...)
		}
	}
	if a.Has(bgp.AttrOrigin) {
		dst = append(dst, `,"origin":`...)
		dst = jsonString(dst, a.Origin.String())
	}
	dst = append(dst, `,"next_hop":`...)
	dst = jsonAddr(dst, nh)
	if a.Has(bgp.AttrMPReach) && a.MPReach.LinkLocal.IsValid() {
		dst = append(dst, `,"next_hop_link_local":`...)
		dst = jsonAddr(dst, a.MPReach.LinkLocal)
	}
	if a.Has(bgp.AttrLocalPref) {
		dst = append(dst, `,"local_pref":`...)
		dst = strconv.AppendUint(dst, uint64(a.LocalPref), 10)
	}
	if a.Has(bgp.AttrMED) {
		dst = append(dst, `,"med":`...)
		dst = strconv.AppendUint(dst, uint64(a.MED), 10)
	}
	if a.Has(bgp.AttrCommunities) {
		dst = append(dst, `,"communities":[`...)
		for i, c := range a.Communities {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = c.Append(dst)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	if a.Has(bgp.AttrExtCommunities) {
		dst = append(dst, `,"extended_communities":[`...)
		for i, c := range a.ExtCommunities {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = hex.AppendEncode(dst, c[:])
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	if a.Has(bgp.AttrLargeCommunities) {
		dst = append(dst, `,"large_communities":[`...)
		for i, c := range a.LargeCommunities {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = c.Append(dst)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	if a.Has(bgp.AttrAtomicAggregate) {
		dst = append(dst, `,"atomic_aggregate":true`...)
	}
	if agg, ok := aggregator(a); ok {
		dst = append(dst, `,"aggregator":{"asn":`...)
		dst = strconv.AppendUint(dst, uint64(agg.ASN), 10)
		dst = append(dst, `,"ip":`...)
		dst = jsonAddr(dst, agg.Addr)
		dst = append(dst, '}')
	}
	if a.Has(bgp.AttrOTC) {
		dst = append(dst, `,"only_to_customer":`...)
		dst = strconv.AppendUint(dst, uint64(a.OTC), 10)
	}
	if a.Has(bgp.AttrOriginatorID) {
		dst = append(dst, `,"originator_id":`...)
		dst = jsonAddr(dst, a.OriginatorID)
	}
	if a.Has(bgp.AttrClusterList) {
		dst = append(dst, `,"cluster_list":[`...)
		for i, c := range a.ClusterList {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonAddr(dst, c)
		}
		dst = append(dst, ']')
	}
	if len(a.Unknown) > 0 {
		dst = append(dst, `,"unknown_attributes":[`...)
		for i, u := range a.Unknown {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"flags":`...)
			dst = strconv.AppendUint(dst, uint64(u.Flags), 10)
			dst = append(dst, `,"type":`...)
			dst = strconv.AppendUint(dst, uint64(u.Type), 10)
			dst = append(dst, `,"value":"`...)
			dst = hex.AppendEncode(dst, u.Value)
			dst = append(dst, `"}`...)
		}
		dst = append(dst, ']')
	}
	if len(a.Malformed) > 0 {
		dst = append(dst, `,"malformed_attributes":[`...)
		for i, m := range a.Malformed {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"type":`...)
			dst = jsonString(dst, m.Type.String())
			dst = append(dst, `,"error":`...)
			dst = jsonString(dst, m.Err.Error())
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return dst
}

// jsonString appends s as a JSON string (RFC 8259 section 7), replacing
// invalid UTF-8 with U+FFFD.
func jsonString(dst []byte, s string) []byte {
	const hexdig = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexdig[c>>4], hexdig[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}
