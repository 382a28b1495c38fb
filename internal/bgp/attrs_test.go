package bgp

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// attr encodes one path attribute.
func attr(flags uint8, typ AttrType, v []byte) []byte {
	if len(v) > 255 {
		flags |= FlagExtLen
	}
	b := []byte{flags, byte(typ)}
	if flags&FlagExtLen != 0 {
		b = append(b, byte(len(v)>>8))
	}
	b = append(b, byte(len(v)))
	return append(b, v...)
}

func u32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func TestAttrsDecode(t *testing.T) {
	block := cat(
		attr(FlagTransitive, AttrOrigin, []byte{0}),
		attr(FlagTransitive, AttrASPath, seg(ASSequence, 4, 3333, 1299)),
		attr(FlagTransitive, AttrNextHop, []byte{192, 0, 2, 1}),
		attr(FlagOptional, AttrMED, u32(10)),
		attr(FlagTransitive, AttrLocalPref, u32(100)),
		attr(FlagTransitive, AttrAtomicAggregate, nil),
		attr(FlagOptional|FlagTransitive, AttrAggregator, cat(u32(1299), []byte{198, 51, 100, 1})),
		attr(FlagOptional|FlagTransitive, AttrCommunities, cat(u32(3333<<16|1), u32(uint32(CommunityNoExport)))),
		attr(FlagOptional|FlagTransitive, AttrLargeCommunities, cat(u32(3333), u32(1), u32(2))),
		attr(FlagOptional|FlagTransitive, AttrExtCommunities, []byte{0, 2, 0x0d, 0x05, 0, 0, 0, 1}),
		attr(FlagOptional|FlagTransitive, AttrOTC, u32(1299)),
		attr(FlagOptional|FlagTransitive, 99, []byte{1, 2, 3}),
	)
	var a Attrs
	if err := a.Decode(block, DecodeOptions{AS4: true}); err != nil {
		t.Fatal(err)
	}
	if len(a.Malformed) != 0 {
		t.Fatalf("malformed: %v", a.Malformed)
	}
	if a.Origin != OriginIGP || !a.Has(AttrOrigin) {
		t.Errorf("origin %v", a.Origin)
	}
	if o, _ := a.Path().Origin(); o != 1299 {
		t.Errorf("path origin %v", o)
	}
	if a.NextHop != netip.MustParseAddr("192.0.2.1") || a.MED != 10 || a.LocalPref != 100 {
		t.Errorf("next hop %v med %d lp %d", a.NextHop, a.MED, a.LocalPref)
	}
	if !a.Has(AttrAtomicAggregate) || a.Aggregator.ASN != 1299 || a.Aggregator.Addr != netip.MustParseAddr("198.51.100.1") {
		t.Errorf("aggregator %v", a.Aggregator)
	}
	if !slices.Equal(a.Communities, []Community{3333<<16 | 1, CommunityNoExport}) {
		t.Errorf("communities %v", a.Communities)
	}
	if len(a.LargeCommunities) != 1 || a.LargeCommunities[0].String() != "3333:1:2" {
		t.Errorf("large communities %v", a.LargeCommunities)
	}
	if len(a.ExtCommunities) != 1 || a.OTC != 1299 {
		t.Errorf("ext communities %v otc %v", a.ExtCommunities, a.OTC)
	}
	if len(a.Unknown) != 1 || a.Unknown[0].Type != 99 || string(a.Unknown[0].Value) != "\x01\x02\x03" {
		t.Errorf("unknown %v", a.Unknown)
	}
}

func TestAttrsMalformed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		block     []byte
		opt       DecodeOptions
		fatal     bool
		malformed AttrType
		keeps     AttrType // an attribute that must survive
		twice     bool     // the attribute is listed twice in Malformed
	}{
		{name: "origin length", block: cat(attr(0x40, AttrOrigin, []byte{0, 0}), attr(0x40, AttrNextHop, []byte{1, 2, 3, 4})),
			malformed: AttrOrigin, keeps: AttrNextHop},
		{name: "communities not multiple of 4", block: cat(attr(0xc0, AttrCommunities, []byte{1, 2, 3}), attr(0x40, AttrOrigin, []byte{2})),
			malformed: AttrCommunities, keeps: AttrOrigin},
		{name: "duplicate", block: cat(attr(0x40, AttrOrigin, []byte{1}), attr(0x40, AttrOrigin, []byte{2})),
			malformed: AttrOrigin, keeps: AttrOrigin},
		{name: "bad as path", block: cat(attr(0x40, AttrASPath, []byte{2, 5, 0, 1}), attr(0x40, AttrOrigin, []byte{2})),
			malformed: AttrASPath, keeps: AttrOrigin},
		{name: "mp_reach next hop length", block: attr(0x80, AttrMPReach, []byte{0, 2, 1, 5, 1, 2, 3, 4, 5, 0}),
			malformed: AttrMPReach},
		{name: "duplicate after a malformed first copy", block: cat(attr(0x40, AttrOrigin, []byte{0, 0}), attr(0x40, AttrOrigin, []byte{1}), attr(0x40, AttrNextHop, []byte{1, 2, 3, 4})),
			malformed: AttrOrigin, keeps: AttrNextHop, twice: true},
		{name: "attribute overruns block", block: []byte{0x40, 1, 9, 0}, fatal: true},
		{name: "header truncated", block: []byte{0x40, 1}, fatal: true},
		{name: "extended length truncated", block: []byte{0x50, 1, 0}, fatal: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Attrs
			err := a.Decode(tc.block, tc.opt)
			if tc.fatal {
				if err == nil || !strings.Contains(err.Error(), "RFC 4271 4.3") {
					t.Fatalf("want an RFC 4271 4.3 error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if tc.twice {
				want = 2
			}
			if len(a.Malformed) != want || a.Malformed[0].Type != tc.malformed {
				t.Fatalf("malformed = %v, want %d %v", a.Malformed, want, tc.malformed)
			}
			if tc.keeps != 0 && !a.Has(tc.keeps) {
				t.Errorf("%v was lost", tc.keeps)
			}
			if tc.malformed != tc.keeps && a.Has(tc.malformed) {
				t.Errorf("%v is still marked present", tc.malformed)
			}
		})
	}
}

func TestAttrsAS4Merge(t *testing.T) {
	block := cat(
		attr(0x40, AttrASPath, seg(ASSequence, 2, 3333, 23456)),
		attr(0xc0, AttrAS4Path, seg(ASSequence, 4, 4200000001)),
	)
	var a Attrs
	if err := a.Decode(block, DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := a.Path().Segments[0].ASNs; !slices.Equal(got, []ASN{3333, 4200000001}) {
		t.Errorf("merged path %v", got)
	}
	// RFC 6793 4.2.3: an AGGREGATOR other than AS_TRANS voids AS4_PATH.
	block = cat(block, attr(0xc0, AttrAggregator, []byte{0x0d, 0x05, 1, 2, 3, 4}))
	if err := a.Decode(block, DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := a.Path().Segments[0].ASNs; !slices.Equal(got, []ASN{3333, 23456}) {
		t.Errorf("path with a non-AS_TRANS aggregator %v", got)
	}
}

func TestMPReach(t *testing.T) {
	v6 := netip.MustParseAddr("2001:db8::1").As16()
	ll := netip.MustParseAddr("fe80::1").As16()
	full := cat([]byte{0, 2, 1, 32}, v6[:], ll[:], []byte{0}, []byte{32, 0x20, 0x01, 0x0d, 0xb8})
	var a Attrs
	if err := a.Decode(attr(0x80, AttrMPReach, full), DecodeOptions{AS4: true}); err != nil {
		t.Fatal(err)
	}
	m := a.MPReach
	if m.AFI != AFIIPv6 || m.NextHop.String() != "2001:db8::1" || m.LinkLocal.String() != "fe80::1" {
		t.Errorf("mp_reach %+v", m)
	}
	if len(m.NLRI) != 1 || m.NLRI[0].Prefix.String() != "2001:db8::/32" {
		t.Errorf("nlri %v", m.NLRI)
	}
	// RFC 6396 4.3.4 abbreviated form in a RIB entry.
	abbr := cat([]byte{16}, v6[:])
	if err := a.Decode(attr(0x80, AttrMPReach, abbr), DecodeOptions{AS4: true, RIB: true, RIBAFI: AFIIPv6}); err != nil {
		t.Fatal(err)
	}
	if !a.MPReach.Abbreviated || a.MPReach.NextHop.String() != "2001:db8::1" {
		t.Errorf("abbreviated mp_reach %+v", a.MPReach)
	}
	// A RIB entry that carries the full form is still understood.
	if err := a.Decode(attr(0x80, AttrMPReach, full), DecodeOptions{AS4: true, RIB: true, RIBAFI: AFIIPv6}); err != nil {
		t.Fatal(err)
	}
	if a.MPReach.Abbreviated || a.MPReach.NextHop.String() != "2001:db8::1" || len(a.Malformed) != 0 {
		t.Errorf("full mp_reach in RIB %+v %v", a.MPReach, a.Malformed)
	}
}

func TestNLRI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		afi     AFI
		addPath bool
		want    []string
		ids     []uint32
		wantErr bool
	}{
		{name: "v4", in: []byte{24, 192, 0, 2, 16, 10, 1, 0}, afi: AFIIPv4, want: []string{"192.0.2.0/24", "10.1.0.0/16", "0.0.0.0/0"}},
		{name: "host bits kept", in: []byte{13, 11, 13}, afi: AFIIPv4, want: []string{"11.13.0.0/13"}},
		{name: "add-path", in: []byte{0, 0, 0, 7, 8, 10}, afi: AFIIPv4, addPath: true, want: []string{"10.0.0.0/8"}, ids: []uint32{7}},
		{name: "v6", in: []byte{48, 0x20, 0x01, 0x0d, 0xb8, 0, 1}, afi: AFIIPv6, want: []string{"2001:db8:1::/48"}},
		{name: "v4 too long", in: []byte{33, 1, 2, 3, 4, 5}, afi: AFIIPv4, wantErr: true},
		{name: "truncated", in: []byte{24, 1, 2}, afi: AFIIPv4, wantErr: true},
		{name: "path id truncated", in: []byte{0, 0}, afi: AFIIPv4, addPath: true, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNLRI(nil, tc.in, tc.afi, tc.addPath)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			var s []string
			var ids []uint32
			for _, n := range got {
				s = append(s, n.Prefix.String())
				ids = append(ids, n.PathID)
			}
			if !slices.Equal(s, tc.want) {
				t.Errorf("prefixes %v, want %v", s, tc.want)
			}
			if tc.ids != nil && !slices.Equal(ids, tc.ids) {
				t.Errorf("path ids %v, want %v", ids, tc.ids)
			}
		})
	}
}

func TestMessageDecode(t *testing.T) {
	marker := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	body := cat([]byte{0, 4, 24, 10, 0, 0}, []byte{0, 4}, attr(0x40, AttrOrigin, []byte{0}), []byte{24, 192, 0, 2})
	msg := cat(marker, []byte{0, byte(HeaderLen + len(body)), byte(MsgUpdate)}, body)
	var m Message
	if err := m.Decode(msg, DecodeOptions{AS4: true}); err != nil {
		t.Fatal(err)
	}
	if m.Type != MsgUpdate || len(m.Update.Withdrawn) != 1 || len(m.Update.NLRI) != 1 || !m.Update.Attrs.Has(AttrOrigin) {
		t.Fatalf("update %+v", m.Update)
	}
	bad := slices.Clone(msg)
	bad[3] = 0
	if err := m.Decode(bad, DecodeOptions{}); err == nil || !strings.Contains(err.Error(), "marker") {
		t.Errorf("bad marker: %v", err)
	}
	if err := m.Decode(msg[:HeaderLen+3], DecodeOptions{}); err == nil {
		t.Error("short message must fail")
	}
	ka := cat(marker, []byte{0, HeaderLen, byte(MsgKeepalive)})
	if err := m.Decode(ka, DecodeOptions{}); err != nil || m.Type != MsgKeepalive {
		t.Errorf("keepalive: %v %v", m.Type, err)
	}
}

func BenchmarkAttrsDecode(b *testing.B) {
	block := cat(
		attr(FlagTransitive, AttrOrigin, []byte{0}),
		attr(FlagTransitive, AttrASPath, seg(ASSequence, 4, 3333, 1299, 2914, 15169)),
		attr(FlagTransitive, AttrNextHop, []byte{192, 0, 2, 1}),
		attr(FlagOptional|FlagTransitive, AttrCommunities, cat(u32(3333<<16|1), u32(1299<<16|20000), u32(1299<<16|30000))),
	)
	var a Attrs
	b.ReportAllocs()
	b.SetBytes(int64(len(block)))
	for b.Loop() {
		if err := a.Decode(block, DecodeOptions{AS4: true}); err != nil {
			b.Fatal(err)
		}
	}
}
