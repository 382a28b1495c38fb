package rov

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

func vrp(p string, maxLen uint8, asn bgp.ASN) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(p), MaxLength: maxLen, ASN: asn}
}

func TestValidate(t *testing.T) {
	vrps := []rpki.VRP{
		// RFC 6811 section 2 style: 10.0.0.0/8-16 AS64500.
		vrp("10.0.0.0/8", 16, 64500),
		// Two origins for one prefix.
		vrp("192.0.2.0/24", 24, 64501),
		vrp("192.0.2.0/24", 24, 64502),
		// AS0 ROA (RFC 6483 section 4, RFC 7607).
		vrp("198.51.100.0/24", 32, 0),
		// Nested: an aggregate with a short maxLength and a more-specific.
		vrp("203.0.0.0/16", 16, 64510),
		vrp("203.0.113.0/24", 24, 64511),
		// Edges of the address space.
		vrp("0.0.0.0/0", 0, 64520),
		vrp("255.255.255.255/32", 32, 64521),
		vrp("2001:db8::/32", 48, 64530),
		vrp("2001:db8:ffff::1/128", 128, 64531),
		vrp("::/0", 0, 64532),
	}
	ix := New(vrps)
	tests := []struct {
		name   string
		prefix string
		origin bgp.ASN
		state  State
		reason Reason
	}{
		{"exact match", "10.0.0.0/8", 64500, Valid, ReasonNone},
		{"more-specific within maxLength", "10.20.0.0/16", 64500, Valid, ReasonNone},
		{"more-specific beyond maxLength", "10.20.30.0/24", 64500, Invalid, ReasonLength},
		{"wrong origin", "10.20.0.0/16", 64999, Invalid, ReasonAS},
		{"wrong origin beyond maxLength", "10.20.30.0/24", 64999, Invalid, ReasonLength},
		{"covered only by the /0 whose maxLength is 0", "11.0.0.0/8", 64500, Invalid, ReasonLength},
		{"the /0 itself", "0.0.0.0/0", 64520, Valid, ReasonNone},
		{"multi-origin first", "192.0.2.0/24", 64501, Valid, ReasonNone},
		{"multi-origin second", "192.0.2.0/24", 64502, Valid, ReasonNone},
		{"multi-origin other", "192.0.2.0/24", 64503, Invalid, ReasonAS},
		{"AS0 ROA never matches", "198.51.100.0/24", 0, Invalid, ReasonAS},
		{"AS0 ROA makes others invalid", "198.51.100.128/25", 64500, Invalid, ReasonAS},
		{"origin NONE", "10.0.0.0/8", 0, Invalid, ReasonAS},
		{"aggregate too short, specific matches", "203.0.113.0/24", 64511, Valid, ReasonNone},
		{"aggregate origin on specific", "203.0.113.0/24", 64510, Invalid, ReasonAS},
		{"host route", "255.255.255.255/32", 64521, Valid, ReasonNone},
		{"host route wrong AS", "255.255.255.255/32", 1, Invalid, ReasonAS},
		{"v6 within maxLength", "2001:db8:1::/48", 64530, Valid, ReasonNone},
		{"v6 beyond maxLength", "2001:db8:1:2::/64", 64530, Invalid, ReasonLength},
		{"v6 /128", "2001:db8:ffff::1/128", 64531, Valid, ReasonNone},
		{"v6 /128 other AS", "2001:db8:ffff::1/128", 64530, Invalid, ReasonAS},
		{"v6 not covered except ::/0", "2001:db9::/32", 64532, Invalid, ReasonLength},
		{"v6 ::/0 exact", "::/0", 64532, Valid, ReasonNone},
		{"IPv4-mapped rejected", "::ffff:10.0.0.0/104", 64500, NotFound, ReasonBadRoute},
		{"host bits ignored", "10.20.0.1/16", 64500, Valid, ReasonNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.prefix)
			s, r := ix.Validate(p, tt.origin)
			if s != tt.state || r != tt.reason {
				t.Errorf("Validate(%v, %v) = %v %q, want %v %q", p, tt.origin, s, r, tt.state, tt.reason)
			}
			if rs, rr, _ := bruteForce(vrps, p.Masked(), tt.origin); tt.reason != ReasonBadRoute && (rs != s || rr != r) {
				t.Errorf("brute force disagrees: %v %q", rs, rr)
			}
		})
	}
	t.Run("not found", func(t *testing.T) {
		ix := New([]rpki.VRP{vrp("10.0.0.0/8", 8, 1)})
		if s, r := ix.Validate(netip.MustParsePrefix("11.0.0.0/8"), 1); s != NotFound || r != ReasonNone {
			t.Errorf("got %v %q", s, r)
		}
		if s, _ := ix.Validate(netip.MustParsePrefix("2001:db8::/32"), 1); s != NotFound {
			t.Errorf("v6 got %v", s)
		}
		if s, r := ix.ValidateNone(netip.MustParsePrefix("11.0.0.0/8")); s != NotFound || r != ReasonNone {
			t.Errorf("none got %v %q", s, r)
		}
	})
	t.Run("invalid prefix", func(t *testing.T) {
		if s, r := ix.Validate(netip.Prefix{}, 1); s != NotFound || r != ReasonBadRoute {
			t.Errorf("got %v %q", s, r)
		}
	})
	t.Run("decisive VRPs", func(t *testing.T) {
		s, _, got := ix.ValidateVRPs(nil, netip.MustParsePrefix("192.0.2.0/24"), 64501)
		if s != Valid || len(got) != 1 || got[0].ASN != 64501 {
			t.Errorf("valid: %v %v", s, got)
		}
		s, _, got = ix.ValidateVRPs(got[:0], netip.MustParsePrefix("192.0.2.0/24"), 7)
		if s != Invalid || len(got) != 3 { // two /24 and the /0
			t.Errorf("invalid: %v %v", s, got)
		}
	})
}

func TestStateStrings(t *testing.T) {
	for s, want := range map[State]string{NotFound: "not-found", Valid: "valid", Invalid: "invalid"} {
		if s.String() != want {
			t.Errorf("%d: %q", s, s.String())
		}
	}
	for r, want := range map[Reason]string{ReasonNone: "", ReasonAS: "as", ReasonLength: "length"} {
		if r.String() != want {
			t.Errorf("%d: %q", r, r.String())
		}
	}
}

// bruteForce transcribes Routinator's RouteValidity (src/validity.rs) over a
// plain list, with RFC 6483's rule that an AS0 VRP never matches.
func bruteForce(vrps []rpki.VRP, p netip.Prefix, origin bgp.ASN) (State, Reason, []rpki.VRP) {
	var matched, badASN, badLen []rpki.VRP
	for _, v := range vrps {
		vp := v.Prefix.Masked()
		if vp.Addr().Is4() != p.Addr().Is4() || vp.Bits() > p.Bits() || !vp.Contains(p.Addr()) {
			continue
		}
		switch {
		case p.Bits() > int(v.MaxLength):
			badLen = append(badLen, v)
		case v.ASN != origin || v.ASN == 0:
			badASN = append(badASN, v)
		default:
			matched = append(matched, v)
		}
	}
	switch {
	case len(matched) > 0:
		return Valid, ReasonNone, matched
	case len(badASN) > 0:
		return Invalid, ReasonAS, append(badASN, badLen...)
	case len(badLen) > 0:
		return Invalid, ReasonLength, badLen
	}
	return NotFound, ReasonNone, nil
}

func sameVRPs(a, b []rpki.VRP) bool {
	key := func(x, y rpki.VRP) int { return rpki.CompareVRP(x, y) }
	a, b = slices.Clone(a), slices.Clone(b)
	for i := range a {
		a[i].Prefix = a[i].Prefix.Masked()
		a[i].TA, a[i].Expires = "", 0
	}
	for i := range b {
		b[i].Prefix = b[i].Prefix.Masked()
		b[i].TA, b[i].Expires = "", 0
	}
	slices.SortFunc(a, key)
	slices.SortFunc(b, key)
	return slices.Equal(a, b)
}

// randomPrefix draws prefixes from a small space so that they nest often.
func randomPrefix(r *rand.Rand, v6 bool) netip.Prefix {
	if v6 {
		var b [16]byte
		b[0], b[1] = 0x20, 0x01
		b[2] = byte(r.IntN(4))
		b[3] = byte(r.IntN(4)) << 6
		b[15] = byte(r.IntN(4))
		bits := []int{0, 16, 20, 24, 26, 28, 32, 48, 64, 126, 127, 128}[r.IntN(12)]
		return netip.PrefixFrom(netip.AddrFrom16(b), bits).Masked()
	}
	a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)) << 6, byte(r.IntN(4))})
	bits := []int{0, 1, 8, 12, 14, 16, 18, 22, 24, 26, 30, 31, 32}[r.IntN(13)]
	return netip.PrefixFrom(a, bits).Masked()
}

func randomVRPs(r *rand.Rand, n int) []rpki.VRP {
	var out []rpki.VRP
	for range n {
		p := randomPrefix(r, r.IntN(3) == 0)
		ml := p.Bits() + r.IntN(p.Addr().BitLen()-p.Bits()+1)
		if r.IntN(2) == 0 {
			ml = p.Bits()
		}
		out = append(out, rpki.VRP{Prefix: p, MaxLength: uint8(ml), ASN: bgp.ASN(r.IntN(4))})
	}
	return out
}

func TestIndexMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		vrps := randomVRPs(r, r.IntN(60))
		ix := New(vrps)
		if ix.Len() != len(vrps) {
			t.Fatalf("round %d: Len %d, want %d", round, ix.Len(), len(vrps))
		}
		for range 200 {
			p := randomPrefix(r, r.IntN(3) == 0)
			origin := bgp.ASN(r.IntN(4))
			check(t, ix, vrps, p, origin)
		}
	}
}

func check(t *testing.T, ix *Index, vrps []rpki.VRP, p netip.Prefix, origin bgp.ASN) {
	t.Helper()
	s, rs, got := ix.ValidateVRPs(nil, p, origin)
	ws, wr, want := bruteForce(vrps, p, origin)
	if s != ws || rs != wr {
		t.Fatalf("%v %v: index %v %q, brute force %v %q (VRPs %v)", p, origin, s, rs, ws, wr, vrps)
	}
	if !sameVRPs(got, want) {
		t.Fatalf("%v %v: index VRPs %v, brute force %v", p, origin, got, want)
	}
	if s2, r2 := ix.Validate(p, origin); s2 != s || r2 != rs {
		t.Fatalf("Validate and ValidateVRPs disagree")
	}
}

// FuzzIndex builds an index from fuzzed VRPs and compares it with the
// brute-force reference on fuzzed routes.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{10, 0, 0, 0, 8, 16, 1, 10, 1, 0, 0, 16, 16, 1}, []byte{10, 1, 2, 0, 24, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0}, []byte{0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x80, 0x20, 0x01, 0x0d, 0xb8, 32, 48, 5}, []byte{0x80, 0x20, 0x01, 0x0d, 0xb8, 48, 5})
	f.Fuzz(func(t *testing.T, vb, rb []byte) {
		vrps := decodeVRPs(vb)
		ix := New(vrps)
		for len(rb) >= 6 {
			var p netip.Prefix
			var origin bgp.ASN
			p, origin, rb = decodeRoute(rb)
			check(t, ix, vrps, p, origin)
		}
	})
}

// decodeVRPs turns bytes into VRPs: a flag byte (top bit: IPv6), address
// bytes, length, maxLength, ASN byte.
func decodeVRPs(b []byte) []rpki.VRP {
	var out []rpki.VRP
	for len(b) >= 7 && len(out) < 200 {
		var p netip.Prefix
		var asn bgp.ASN
		p, asn, b = decodeRoute(b)
		if len(b) == 0 {
			break
		}
		ml := int(b[0])
		b = b[1:]
		if ml < p.Bits() || ml > p.Addr().BitLen() {
			ml = p.Bits()
		}
		out = append(out, rpki.VRP{Prefix: p, MaxLength: uint8(ml), ASN: asn})
	}
	return out
}

func decodeRoute(b []byte) (netip.Prefix, bgp.ASN, []byte) {
	if b[0]&0x80 != 0 && len(b) >= 6 {
		var a [16]byte
		a[0], a[1], a[2], a[3] = 0x20, b[1], b[2], b[3]
		a[15] = b[0] & 0x7f
		l := int(b[4]) % 129
		return netip.PrefixFrom(netip.AddrFrom16(a), l).Masked(), bgp.ASN(b[5] % 4), b[6:]
	}
	a := netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	l := int(b[4]) % 33
	return netip.PrefixFrom(a, l).Masked(), bgp.ASN(b[5] % 4), b[6:]
}

func TestTally(t *testing.T) {
	var tl Tally
	p1 := Peer{netip.MustParseAddr("192.0.2.1"), 3333}
	p2 := Peer{netip.MustParseAddr("2001:db8::1"), 1299}
	tl.Add(p1, netip.MustParsePrefix("10.0.0.0/8"), Valid, ReasonNone)
	tl.Add(p1, netip.MustParsePrefix("10.0.0.0/9"), Invalid, ReasonLength)
	tl.Add(p2, netip.MustParsePrefix("2001:db8::/32"), Invalid, ReasonAS)
	tl.Add(p2, netip.MustParsePrefix("10.1.0.0/16"), NotFound, ReasonNone)
	if tl.IPv4 != (Counts{Valid: 1, InvalidLength: 1, NotFound: 1}) || tl.IPv6 != (Counts{InvalidAS: 1}) {
		t.Errorf("totals %+v %+v", tl.IPv4, tl.IPv6)
	}
	peers := tl.Peers()
	if len(peers) != 2 || peers[0].Peer != p2 || peers[1].IPv4.Total() != 2 {
		t.Errorf("peers %+v", peers)
	}
}
