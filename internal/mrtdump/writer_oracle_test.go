package mrtdump

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
)

// randomMRT writes a deterministic file of varied records with mrt.Writer:
// RIBs of both families with and without ADD-PATH, and updates and state
// changes of both families, with random paths, communities and
// aggregators.
func randomMRT(t *testing.T, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	w := mrt.NewWriter(&b)
	peers := []mrt.Peer{
		{BGPID: netip.MustParseAddr("192.0.2.1"), Addr: netip.MustParseAddr("192.0.2.1"), ASN: 3333},
		{BGPID: netip.MustParseAddr("192.0.2.2"), Addr: netip.MustParseAddr("2001:db8::2"), ASN: 4200000000},
		{BGPID: netip.MustParseAddr("192.0.2.3"), Addr: netip.MustParseAddr("198.51.100.3"), ASN: 1299},
	}
	if err := w.WritePeerIndex(1600000000, &mrt.PeerIndex{CollectorID: netip.MustParseAddr("192.0.2.254"), ViewName: "oracle", Peers: peers}); err != nil {
		t.Fatal(err)
	}
	prefix := func(v6 bool) netip.Prefix {
		if v6 {
			a := [16]byte{0x20, 0x01, 0x0d, 0xb8, byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
			return netip.PrefixFrom(netip.AddrFrom16(a), 32+rng.IntN(33)).Masked()
		}
		a := [4]byte{byte(1 + rng.IntN(223)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
		return netip.PrefixFrom(netip.AddrFrom4(a), 8+rng.IntN(25)).Masked()
	}
	attrs := func(v6 bool, nh netip.Addr) bgp.Attrs {
		var a bgp.Attrs
		a.Origin = bgp.Origin(rng.IntN(3))
		path := make([]bgp.ASN, 1+rng.IntN(8))
		for i := range path {
			path[i] = bgp.ASN(rng.Uint32N(400000))
		}
		a.ASPath = bgp.Path{Segments: []bgp.Segment{{Type: bgp.ASSequence, ASNs: path}}}
		if rng.IntN(10) == 0 {
			a.ASPath.Segments = append(a.ASPath.Segments, bgp.Segment{Type: bgp.ASSet, ASNs: []bgp.ASN{7, 4200000001}})
		}
		a.Set(bgp.AttrOrigin)
		a.Set(bgp.AttrASPath)
		if rng.IntN(2) == 0 {
			a.MED = rng.Uint32()
			a.Set(bgp.AttrMED)
		}
		if rng.IntN(2) == 0 {
			a.LocalPref = rng.Uint32N(1000)
			a.Set(bgp.AttrLocalPref)
		}
		for range rng.IntN(5) {
			a.Communities = append(a.Communities, bgp.Community(rng.Uint32()))
		}
		if rng.IntN(8) == 0 {
			a.Communities = append(a.Communities, bgp.CommunityNoExport)
		}
		if len(a.Communities) > 0 {
			a.Set(bgp.AttrCommunities)
		}
		if rng.IntN(6) == 0 {
			a.Set(bgp.AttrAtomicAggregate)
			a.Aggregator = bgp.Aggregator{ASN: bgp.ASN(rng.Uint32N(5000000)), Addr: netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))})}
			a.Set(bgp.AttrAggregator)
		}
		if v6 {
			a.MPReach = bgp.MPReach{AFI: bgp.AFIIPv6, SAFI: bgp.SAFIUnicast, NextHop: nh}
			if rng.IntN(3) == 0 {
				a.MPReach.LinkLocal = netip.MustParseAddr("fe80::1")
			}
			a.Set(bgp.AttrMPReach)
		} else {
			a.NextHop = nh
			a.Set(bgp.AttrNextHop)
		}
		return a
	}
	for i := range 300 {
		v6 := rng.IntN(3) == 0
		rib := &mrt.RIB{Sequence: uint32(i), Prefix: prefix(v6), AddPath: rng.IntN(4) == 0}
		for p := range peers {
			if rng.IntN(3) == 0 {
				continue
			}
			nh := netip.MustParseAddr("192.0.2.9")
			if v6 {
				nh = netip.MustParseAddr("2001:db8::9")
			}
			rib.Entries = append(rib.Entries, mrt.RIBEntry{PeerIndex: uint16(p), Originated: 1599000000 + uint32(i), PathID: uint32(rng.IntN(100)), Attrs: attrs(v6, nh)})
		}
		if err := w.WriteRIB(1600000000, rib); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 300 {
		v6sess := rng.IntN(2) == 0
		m := &mrt.Message{PeerAS: bgp.ASN(rng.Uint32N(5000000)), LocalAS: 65000, AddPath: rng.IntN(5) == 0,
			PeerAddr: netip.MustParseAddr("192.0.2.77"), LocalAddr: netip.MustParseAddr("192.0.2.254")}
		if v6sess {
			m.PeerAddr, m.LocalAddr = netip.MustParseAddr("2001:db8::77"), netip.MustParseAddr("2001:db8::fe")
		}
		v6 := rng.IntN(2) == 0
		var u bgp.Update
		if v6 {
			u.Attrs = attrs(true, netip.MustParseAddr("2001:db8::77"))
			for range 1 + rng.IntN(4) {
				u.Attrs.MPReach.NLRI = append(u.Attrs.MPReach.NLRI, bgp.NLRI{Prefix: prefix(true), PathID: uint32(rng.IntN(9))})
			}
			if rng.IntN(3) == 0 {
				u.Attrs.MPUnreach = bgp.MPUnreach{AFI: bgp.AFIIPv6, SAFI: bgp.SAFIUnicast, NLRI: []bgp.NLRI{{Prefix: prefix(true), PathID: 1}}}
				u.Attrs.Set(bgp.AttrMPUnreach)
			}
		} else {
			u.Attrs = attrs(false, netip.MustParseAddr("192.0.2.77"))
			for range 1 + rng.IntN(4) {
				u.NLRI = append(u.NLRI, bgp.NLRI{Prefix: prefix(false), PathID: uint32(rng.IntN(9))})
			}
			for range rng.IntN(3) {
				u.Withdrawn = append(u.Withdrawn, bgp.NLRI{Prefix: prefix(false), PathID: 2})
			}
		}
		micro := -1
		if rng.IntN(2) == 0 {
			micro = rng.IntN(1000000)
		}
		if err := w.WriteUpdate(1600000000+uint32(i), micro, m, &u); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			s := &mrt.StateChange{PeerAS: m.PeerAS, LocalAS: 65000, PeerAddr: m.PeerAddr, LocalAddr: m.LocalAddr, OldState: 6, NewState: 1}
			if err := w.WriteStateChange(1600000000+uint32(i), micro, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriterBgpdump writes varied records with mrt.Writer and requires
// bgpdump to print exactly what manrs prints for them: bgpdump checks the
// writer, and the decoder is checked on data no sample has.
func TestWriterBgpdump(t *testing.T) {
	needBgpdump(t)
	for _, seed := range []uint64{1, 2, 3} {
		data := randomMRT(t, seed)
		name := filepath.Join(t.TempDir(), "written.mrt")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got := ours(t, name)
		if bytes.Count(got, []byte{'\n'}) < 1000 {
			t.Fatalf("only %d lines", bytes.Count(got, []byte{'\n'}))
		}
		compareLines(t, bgpdumpLines(t, name), got, nil)
	}
}
