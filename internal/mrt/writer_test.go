package mrt

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// sampleWrite writes one of each record the Writer makes.
func sampleWrite(t *testing.T, w *Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pit := &PeerIndex{CollectorID: netip.MustParseAddr("192.0.2.254"), ViewName: "world", Peers: []Peer{
		{BGPID: netip.MustParseAddr("192.0.2.1"), Addr: netip.MustParseAddr("192.0.2.1"), ASN: 3333},
		{BGPID: netip.MustParseAddr("192.0.2.2"), Addr: netip.MustParseAddr("2001:db8::2"), ASN: 4200000000},
	}}
	must(w.WritePeerIndex(1600000000, pit))
	var a bgp.Attrs
	a.Origin = bgp.OriginIGP
	a.ASPath = bgp.Path{Segments: []bgp.Segment{{Type: bgp.ASSequence, ASNs: []bgp.ASN{3333, 1299, 64496}}}}
	a.NextHop = netip.MustParseAddr("192.0.2.1")
	a.Communities = []bgp.Community{3333<<16 | 100}
	for _, typ := range []bgp.AttrType{bgp.AttrOrigin, bgp.AttrASPath, bgp.AttrNextHop, bgp.AttrCommunities} {
		a.Set(typ)
	}
	rib := &RIB{Sequence: 0, Prefix: netip.MustParsePrefix("198.51.100.0/24"), Entries: []RIBEntry{
		{PeerIndex: 0, Originated: 1599990000, Attrs: a},
		{PeerIndex: 1, Originated: 1599990001, Attrs: a},
	}}
	must(w.WriteRIB(1600000000, rib))
	var a6 bgp.Attrs
	a6.Origin = bgp.OriginIGP
	a6.ASPath = a.ASPath
	a6.MPReach = bgp.MPReach{AFI: bgp.AFIIPv6, SAFI: bgp.SAFIUnicast, NextHop: netip.MustParseAddr("2001:db8::2")}
	for _, typ := range []bgp.AttrType{bgp.AttrOrigin, bgp.AttrASPath, bgp.AttrMPReach} {
		a6.Set(typ)
	}
	rib6 := &RIB{Sequence: 1, Prefix: netip.MustParsePrefix("2001:db8:1::/48"), AddPath: true, Entries: []RIBEntry{
		{PeerIndex: 1, Originated: 1599990002, PathID: 9, Attrs: a6},
	}}
	must(w.WriteRIB(1600000000, rib6))
	m := &Message{PeerAS: 3333, LocalAS: 65000, PeerAddr: netip.MustParseAddr("192.0.2.1"), LocalAddr: netip.MustParseAddr("192.0.2.254")}
	u := &bgp.Update{Withdrawn: []bgp.NLRI{{Prefix: netip.MustParsePrefix("203.0.113.0/24")}},
		NLRI: []bgp.NLRI{{Prefix: netip.MustParsePrefix("198.51.100.0/24")}}, Attrs: a}
	must(w.WriteUpdate(1600000100, -1, m, u))
	u6 := &bgp.Update{Attrs: a6}
	u6.Attrs.MPReach.NLRI = []bgp.NLRI{{Prefix: netip.MustParsePrefix("2001:db8:1::/48")}}
	must(w.WriteUpdate(1600000101, 250000, m, u6))
	must(w.WriteStateChange(1600000102, -1, &StateChange{PeerAS: 3333, LocalAS: 65000, PeerAddr: m.PeerAddr, LocalAddr: m.LocalAddr, OldState: 6, NewState: 1}))
	must(w.Flush())
}

func TestWriterRoundTrip(t *testing.T) {
	var b bytes.Buffer
	sampleWrite(t, NewWriter(&b))
	recs, r, errs := readAll(t, b.Bytes())
	if r.Err() != nil || len(errs) != 0 {
		t.Fatalf("%v %v", r.Err(), errs)
	}
	if len(recs) != 6 {
		t.Fatalf("%d records", len(recs))
	}
	if p := recs[0].PeerIndex; p.ViewName != "world" || p.Peers[1].ASN != 4200000000 || p.Peers[1].Addr.String() != "2001:db8::2" {
		t.Errorf("peer index %+v", p)
	}
	if rib := recs[1].RIB; len(rib.Entries) != 2 || rib.Entries[1].Peer.ASN != 4200000000 {
		t.Errorf("rib %+v", rib)
	} else if o, _ := rib.Entries[0].Attrs.Path().Origin(); o != 64496 {
		t.Errorf("origin %v", o)
	}
	if rib := recs[2].RIB; !rib.AddPath || rib.Entries[0].PathID != 9 || rib.Entries[0].Attrs.MPReach.NextHop.String() != "2001:db8::2" {
		t.Errorf("rib6 %+v", rib)
	}
	if m := recs[3].Message; len(m.BGP.Update.NLRI) != 1 || len(m.BGP.Update.Withdrawn) != 1 || !m.AS4 {
		t.Errorf("update %+v", m)
	}
	if recs[4].Header.Type != TypeBGP4MPET || recs[4].Header.Microseconds != 250000 || len(recs[4].Message.BGP.Update.Attrs.MPReach.NLRI) != 1 {
		t.Errorf("ET update %+v", recs[4].Header)
	}
	if s := recs[5].State; s.OldState != 6 || s.NewState != 1 || s.PeerAS != 3333 {
		t.Errorf("state %+v", s)
	}
}

func TestWriterErrors(t *testing.T) {
	w := NewWriter(&bytes.Buffer{})
	m := &Message{PeerAddr: netip.MustParseAddr("192.0.2.1"), LocalAddr: netip.MustParseAddr("2001:db8::1")}
	if err := w.WriteUpdate(1, -1, m, &bgp.Update{}); err == nil {
		t.Error("mixed address families were written")
	}
}
