package rpsl

import (
	"net/netip"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

func TestParseSetName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want SetClass // NotSet: an error
	}{
		{"AS-FOO", ASSetClass},
		{"as-foo", ASSetClass},
		{"AS3333:AS-FOO", ASSetClass},
		{"AS-FOO:AS-BAR:AS1", ASSetClass},
		{"AS1:AS-A_B-C9", ASSetClass},
		{"RS-FOO", RouteSetClass},
		{"AS702:RS-DE-PI", RouteSetClass},
		{"RTRS-X", RtrSetClass},
		{"FLTR-MARTIAN", FilterSetClass},
		{"prng-settest", PeeringSetClass},
		{"", NotSet},
		{"FOO", NotSet},
		{"AS3333", NotSet},            // no set component
		{"AS1:AS2", NotSet},           // no set component
		{"AS-FOO:RS-BAR", NotSet},     // mixed classes
		{"AS-", NotSet},               // ends with '-'
		{"AS-FOO-", NotSet},           // ends with '-'
		{"AS-FO.O", NotSet},           // bad character
		{"AS-FOO:", NotSet},           // empty component
		{":AS-FOO", NotSet},           // empty component
		{"AS-FOO::AS1", NotSet},       // empty component
		{"AS-ANY", NotSet},            // predefined
		{"rs-any", NotSet},            // predefined
		{"AS4294967296:AS-X", NotSet}, // ASN too large
		{"PeerAS:AS-X", NotSet},       // filters only
		{"AS-FOO AS-BAR", NotSet},     // space
		{"AS1-AS5", NotSet},           // a range, not a name
		{"AS-\x00", NotSet},           // garbage
		{"AS1.5:AS-FOO", NotSet},      // asdot components are not accepted
		{"AS4294967295:AS-X", ASSetClass},
	} {
		got, err := ParseSetName(tc.name)
		if got != tc.want || (err == nil) != (tc.want != NotSet) {
			t.Errorf("ParseSetName(%q) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if ASSetClass.String() != "as-set" || PeeringSetClass.Prefix() != "PRNG-" || SetClass(99).String() != "SetClass(99)" {
		t.Error("SetClass strings")
	}
}

func TestParseASN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bgp.ASN
		ok   bool
	}{
		{"AS3333", 3333, true},
		{"as065537", 65537, true},
		{"AS4294967295", 4294967295, true},
		{"AS1.10", 65546, true},
		{"AS0", 0, true},
		{"3333", 0, false},
		{"AS", 0, false},
		{"AS4294967296", 0, false},
		{"AS-FOO", 0, false},
		{"AS 1", 0, false},
		{"AS1.70000", 0, false},
	} {
		got, err := ParseASN(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseASN(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "": an error
	}{
		{"192.0.2.0/24", "192.0.2.0/24"},
		{"192.0.02.0/24", "192.0.2.0/24"},
		{"010.000.000.000/8", "10.0.0.0/8"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"2001:0dB8::/48", "2001:db8::/48"},
		{"::/0", "::/0"},
		{"::ffff:192.0.2.0/120", "::ffff:192.0.2.0/120"},
		{"192.0.2.0/024", "192.0.2.0/24"},
		{"192.0.2.1/24", ""},
		{"192.0.2.0", ""},
		{"192.0.2.0/", ""},
		{"192.0.2.0/33", ""},
		{"192.0.2/24", ""},
		{"192.0.2.0.0/24", ""},
		{"256.0.0.0/8", ""},
		{"1234.0.0.0/8", ""},
		{"192.0.2.0/24/24", ""},
		{"2001:db8::/129", ""},
		{"fe80::%1/64", ""},
		{"192.0.2.0/-1", ""},
		{" 192.0.2.0/24", ""},
	} {
		p, err := ParsePrefix(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParsePrefix(%q) = %v", tc.in, p)
			}
			continue
		}
		if err != nil || p.String() != tc.want {
			t.Errorf("ParsePrefix(%q) = %v, %v; want %s", tc.in, p, err, tc.want)
		}
	}
}

func TestRangeOp(t *testing.T) {
	for _, tc := range []struct {
		in     string
		ok     bool
		bits   int
		max    int
		lo, hi int
		admits bool
	}{
		{"", true, 24, 32, 24, 24, true},
		{"^-", true, 24, 32, 25, 32, true},
		{"^-", true, 32, 32, 33, 32, false},
		{"^+", true, 24, 32, 24, 32, true},
		{"^24", true, 16, 32, 24, 24, true},
		{"^24-28", true, 16, 32, 24, 28, true},
		{"^0-24", true, 16, 32, 16, 24, true},
		{"^8-12", true, 16, 32, 16, 12, false},
		{"^48-64", true, 32, 128, 48, 64, true},
		{"^128", true, 32, 128, 128, 128, true},
		{"^129", false, 0, 0, 0, 0, false},
		{"^28-24", false, 0, 0, 0, 0, false},
		{"^", false, 0, 0, 0, 0, false},
		{"^-24", false, 0, 0, 0, 0, false},
		{"^24-", false, 0, 0, 0, 0, false},
		{"^x", false, 0, 0, 0, 0, false},
		{"24", false, 0, 0, 0, 0, false},
		{"^++", false, 0, 0, 0, 0, false},
	} {
		op, err := ParseRangeOp(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseRangeOp(%q) = %+v, %v", tc.in, op, err)
			continue
		}
		if !tc.ok {
			continue
		}
		if op.String() != tc.in {
			t.Errorf("ParseRangeOp(%q).String() = %q", tc.in, op.String())
		}
		lo, hi, ok := op.Lengths(tc.bits, tc.max)
		if lo != tc.lo || hi != tc.hi || ok != tc.admits {
			t.Errorf("%q.Lengths(%d, %d) = %d, %d, %v", tc.in, tc.bits, tc.max, lo, hi, ok)
		}
	}
}

func TestParseMembers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		mp   bool
		want Member
	}{
		{"AS1", false, Member{Kind: MemberASN, ASN: 1}},
		{"as-foo^+", false, Member{Kind: MemberSet, Set: "AS-FOO", Op: RangeOp{Kind: RangePlus}}},
		{"192.0.2.0/24^24-32", false, Member{Kind: MemberPrefix, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Op: RangeOp{Kind: RangeLength, Min: 24, Max: 32}}},
		{"2001:db8::/32^-", true, Member{Kind: MemberPrefix, Prefix: netip.MustParsePrefix("2001:db8::/32"), Op: RangeOp{Kind: RangeMinus}}},
	} {
		got, err := ParseRouteSetMember(tc.in, tc.mp)
		if err != nil || got != tc.want {
			t.Errorf("ParseRouteSetMember(%q) = %+v, %v", tc.in, got, err)
		}
		back, err := ParseRouteSetMember(got.String(), tc.mp)
		if err != nil || back != got {
			t.Errorf("%q does not read back: %+v, %v", got.String(), back, err)
		}
	}
	for _, in := range []string{"", "^+", "AS1^", "RS-FOO^x", "192.0.2.0/24^+^+", "FLTR-X", "garbage"} {
		if m, err := ParseRouteSetMember(in, true); err == nil {
			t.Errorf("ParseRouteSetMember(%q) = %+v", in, m)
		}
	}
	for _, in := range []string{"", "AS1^+", "192.0.2.0/24", "RS-FOO", "AS1-AS5", "AS-ANY"} {
		if m, err := ParseASSetMember(in); err == nil {
			t.Errorf("ParseASSetMember(%q) = %+v", in, m)
		}
	}
	if MemberPrefix.String() != "prefix" || RangePlus.String() != "^+" || MemberKind(0).String() != "MemberKind(0)" {
		t.Error("kind strings")
	}
}
