package bgp

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// canon is a text form of the attributes that decoding determines, for
// comparing a decode with the decode of its re-encoding. In a RIB entry
// only the next hop of MP_REACH_NLRI survives the abbreviated form.
func canon(a *Attrs, rib bool) string {
	var b strings.Builder
	for t := 0; t < 256; t++ {
		// AGGREGATOR and AS4_AGGREGATOR are compared by their effect:
		// an eight-octet AGGREGATOR read from a two-octet session is
		// written back as AS_TRANS and AS4_AGGREGATOR.
		if a.Has(AttrType(t)) && t != int(AttrAggregator) && t != int(AttrAS4Aggregator) {
			fmt.Fprintf(&b, "%d ", t)
		}
	}
	agg, hasAgg := a.AggregatorAS4()
	pathText := func(p *Path) string {
		var s []string
		for _, seg := range p.Segments {
			s = append(s, fmt.Sprint(seg.Type, seg.ASNs))
		}
		return strings.Join(s, " ")
	}
	fmt.Fprintf(&b, "|o=%v|p=%s|p4=%s|eff=%s|nh=%v|med=%d|lp=%d|agg=%v,%v|c=%v|ec=%v|lc=%v|oid=%v|cl=%v|otc=%v",
		a.Origin, pathText(&a.ASPath), pathText(&a.AS4Path), pathText(a.Path()), a.NextHop, a.MED, a.LocalPref,
		hasAgg, agg, a.Communities, a.ExtCommunities, a.LargeCommunities, a.OriginatorID, a.ClusterList, a.OTC)
	m := a.MPReach
	if rib {
		fmt.Fprintf(&b, "|mp=%v,%v", m.NextHop, m.LinkLocal)
	} else {
		fmt.Fprintf(&b, "|mp=%v,%v,%v,%v,%v,%x", m.AFI, m.SAFI, m.NextHop, m.LinkLocal, m.NLRI, m.Raw)
		fmt.Fprintf(&b, "|mpu=%v,%v,%v,%x", a.MPUnreach.AFI, a.MPUnreach.SAFI, a.MPUnreach.NLRI, a.MPUnreach.Raw)
	}
	for _, u := range a.Unknown {
		fmt.Fprintf(&b, "|u=%d,%d,%x", u.Flags&^FlagExtLen, u.Type, u.Value)
	}
	return b.String()
}

// roundTrip re-encodes decoded attributes and decodes them again.
func roundTrip(t *testing.T, a *Attrs, opt DecodeOptions) {
	t.Helper()
	enc := a.Append(nil, opt)
	var b Attrs
	if err := b.Decode(enc, opt); err != nil {
		t.Fatalf("re-encoded attributes do not decode: %v\n% x", err, enc)
	}
	if len(b.Malformed) > 0 {
		t.Fatalf("re-encoded attributes are malformed: %v", b.Malformed)
	}
	if got, want := canon(&b, opt.RIB), canon(a, opt.RIB); got != want {
		t.Fatalf("round trip differs:\nwant %s\ngot  %s", want, got)
	}
}

func TestAttrsAppend(t *testing.T) {
	var a Attrs
	a.Origin = OriginEGP
	a.ASPath = Path{Segments: []Segment{{ASSequence, []ASN{3333, 4200000000, 1299}}, {ASSet, []ASN{7, 8}}}}
	a.NextHop = netip.MustParseAddr("192.0.2.1")
	a.MED, a.LocalPref = 5, 100
	a.Aggregator = Aggregator{4200000000, netip.MustParseAddr("198.51.100.1")}
	a.Communities = []Community{1<<16 | 2, CommunityNoExport}
	a.LargeCommunities = []LargeCommunity{{4200000000, 1, 2}}
	a.ExtCommunities = []ExtCommunity{{0, 2, 0, 1, 0, 0, 0, 9}}
	a.OTC = 1299
	a.MPReach = MPReach{AFI: AFIIPv6, SAFI: SAFIUnicast, NextHop: netip.MustParseAddr("2001:db8::1"), LinkLocal: netip.MustParseAddr("fe80::1"),
		NLRI: []NLRI{{Prefix: netip.MustParsePrefix("2001:db8:1::/48"), PathID: 7}}}
	a.Unknown = []RawAttr{{Flags: FlagOptional | FlagTransitive, Type: 99, Value: make([]byte, 300)}}
	for _, typ := range []AttrType{AttrOrigin, AttrASPath, AttrNextHop, AttrMED, AttrLocalPref, AttrAtomicAggregate,
		AttrAggregator, AttrCommunities, AttrLargeCommunities, AttrExtCommunities, AttrOTC, AttrMPReach, 99} {
		a.Set(typ)
	}
	roundTrip(t, &a, DecodeOptions{AS4: true, AddPath: true})
	roundTrip(t, &a, DecodeOptions{AS4: true, RIB: true, RIBAFI: AFIIPv6})
	a.MPReach.NLRI[0].PathID = 0
	roundTrip(t, &a, DecodeOptions{AS4: true})

	// Two-octet encoding: AS_TRANS in AS_PATH and AGGREGATOR, the full
	// values in AS4_PATH and AS4_AGGREGATOR, merged back on decoding
	// (RFC 6793 4.2.2, 4.2.3).
	enc := a.Append(nil, DecodeOptions{})
	var b Attrs
	if err := b.Decode(enc, DecodeOptions{}); err != nil || len(b.Malformed) > 0 {
		t.Fatal(err, b.Malformed)
	}
	if got := fmt.Sprint(b.ASPath.Segments[0].ASNs); got != "[AS3333 AS23456 AS1299]" {
		t.Errorf("two-octet AS_PATH %s", got)
	}
	if got := fmt.Sprint(b.Path().Segments[0].ASNs); got != "[AS3333 AS4200000000 AS1299]" {
		t.Errorf("merged path %s", got)
	}
	if agg, _ := b.AggregatorAS4(); !b.Has(AttrAS4Path) || b.Aggregator.ASN != ASTrans || agg.ASN != 4200000000 {
		t.Errorf("AS4_PATH %v, AGGREGATOR %v, aggregator %v", b.Has(AttrAS4Path), b.Aggregator, agg)
	}
	// A two-octet AGGREGATOR voids AS4_PATH (RFC 6793 4.2.3).
	a.Aggregator.ASN = 65000
	if err := b.Decode(a.Append(nil, DecodeOptions{}), DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(b.Path().Segments[0].ASNs); got != "[AS3333 AS23456 AS1299]" {
		t.Errorf("path with a two-octet aggregator %s", got)
	}

	// An AS path of 300 ASNs is split into segments of 255.
	long := make([]ASN, 300)
	for i := range long {
		long[i] = ASN(i + 1)
	}
	a.ASPath = Path{Segments: []Segment{{ASSequence, long}}}
	enc = a.Append(nil, DecodeOptions{AS4: true})
	if err := b.Decode(enc, DecodeOptions{AS4: true}); err != nil || b.Path().Len() != 300 || len(b.ASPath.Segments) != 2 {
		t.Errorf("long path: %v, %d ASNs in %d segments", err, b.Path().Len(), len(b.ASPath.Segments))
	}
}

func TestAppendUpdate(t *testing.T) {
	var u Update
	u.Withdrawn = []NLRI{{Prefix: netip.MustParsePrefix("10.0.0.0/8")}}
	u.NLRI = []NLRI{{Prefix: netip.MustParsePrefix("192.0.2.0/24")}, {Prefix: netip.MustParsePrefix("198.51.100.0/25")}}
	u.Attrs.Origin = OriginIGP
	u.Attrs.Set(AttrOrigin)
	u.Attrs.ASPath = Path{Segments: []Segment{{ASSequence, []ASN{3333}}}}
	u.Attrs.Set(AttrASPath)
	msg, err := AppendUpdate(nil, &u, DecodeOptions{AS4: true})
	if err != nil {
		t.Fatal(err)
	}
	var m Message
	if err := m.Decode(msg, DecodeOptions{AS4: true}); err != nil {
		t.Fatal(err)
	}
	if len(m.Update.Withdrawn) != 1 || len(m.Update.NLRI) != 2 || m.Update.NLRI[1].Prefix.String() != "198.51.100.0/25" {
		t.Errorf("decoded %+v", m.Update)
	}
	// Too many prefixes for one message.
	for i := 0; i < 20000; i++ {
		u.NLRI = append(u.NLRI, NLRI{Prefix: netip.MustParsePrefix("203.0.113.0/24")})
	}
	if _, err := AppendUpdate(nil, &u, DecodeOptions{AS4: true}); err == nil {
		t.Error("an UPDATE over 65535 bytes was written")
	}
}
