package sqlite

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

var samplePrefixes = []incident.PrefixStatus{
	{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Peers: 0},
	{Prefix: netip.MustParsePrefix("10.0.0.0/8"), RPKI: incident.Invalid, IRR: true, Peers: 1},
	{Prefix: netip.MustParsePrefix("192.0.2.0/24"), RPKI: incident.Valid, Peers: 300},
	{Prefix: netip.MustParsePrefix("192.0.2.1/32"), Peers: maxPeers},
	{Prefix: netip.MustParsePrefix("192.0.2.128/25"), Peers: 2},
	{Prefix: netip.MustParsePrefix("::/0"), Peers: 5},
	{Prefix: netip.MustParsePrefix("::ffff:192.0.2.0/120"), Peers: 5},
	{Prefix: netip.MustParsePrefix("2001:db8::/32"), RPKI: incident.Valid, IRR: true, Peers: 127},
	{Prefix: netip.MustParsePrefix("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128"), Peers: 128},
}

func TestPrefixesEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   incident.PrefixStatus
		want string
	}{
		{"IPv4 /24", incident.PrefixStatus{Prefix: netip.MustParsePrefix("192.0.2.0/24"), RPKI: incident.Valid, IRR: true, Peers: 3},
			"0a 18 c00002 03"},
		{"IPv4 /25, host bits cleared", incident.PrefixStatus{Prefix: netip.MustParsePrefix("192.0.2.129/25"), Peers: 300},
			"00 19 c0000280 ac02"},
		{"IPv4 /0", incident.PrefixStatus{Prefix: netip.MustParsePrefix("0.0.0.0/0")}, "00 00 00"},
		{"IPv6 /32 invalid", incident.PrefixStatus{Prefix: netip.MustParsePrefix("2001:db8::/32"), RPKI: incident.Invalid, Peers: 1},
			"05 20 20010db8 01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := appendPrefixes(nil, []incident.PrefixStatus{tc.in})
			if err != nil {
				t.Fatal(err)
			}
			if want := mustHex(tc.want); !bytes.Equal(got, want) {
				t.Errorf("encoded % x, want % x", got, want)
			}
		})
	}
}

func TestPrefixesRoundTrip(t *testing.T) {
	b, err := appendPrefixes(nil, samplePrefixes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodePrefixes(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, samplePrefixes) {
		t.Errorf("got %v\nwant %v", got, samplePrefixes)
	}
	if got, err := decodePrefixes(nil); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
}

func TestPrefixesEncodeRejects(t *testing.T) {
	for _, ps := range []incident.PrefixStatus{
		{},
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), RPKI: 3},
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Peers: -1},
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Peers: maxPeers + 1},
	} {
		if _, err := appendPrefixes(nil, []incident.PrefixStatus{ps}); err == nil {
			t.Errorf("%+v encoded", ps)
		}
	}
}

// Hostile blobs: each must be an error, not a panic or a wrong value.
var badPrefixBlobs = []struct {
	name, hex, err string
}{
	{"flags only", "0a", "truncated"},
	{"no address", "0a 18", "truncated"},
	{"short address", "0a 18 c000", "truncated"},
	{"no peers", "0a 18 c00002", "truncated peer count"},
	{"cut peers", "0a 18 c00002 80", "truncated peer count"},
	{"unknown flags", "1a 18 c00002 03", "unknown flags"},
	{"RPKI state 3", "06 18 c00002 03", "RPKI state 3"},
	{"IPv4 /33", "00 21 c0000200 00 00", "prefix length 33 over 32"},
	{"IPv6 /129", "01 81" + strings.Repeat("00", 17) + "00", "prefix length 129 over 128"},
	{"host bits", "00 19 c0000281 00", "host bits"},
	{"peers over the cap", "00 00 8080808008", "peer count over"},
	{"peers overflow uint64", "00 00 ffffffffffffffffff01", "peer count over"},
	{"peers not minimal", "00 00 8100", "not minimally encoded"},
	{"unsorted", "00 18 c00002 01 00 08 0a 01", "not sorted"},
	{"entry after a good one cut", "00 00 01 00", "truncated"},
}

func TestPrefixesDecodeRejects(t *testing.T) {
	for _, tc := range badPrefixBlobs {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodePrefixes(mustHex(tc.hex))
			if err == nil {
				t.Fatalf("decoded %v", got)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q, want %q", err, tc.err)
			}
		})
	}
}

func TestASNs(t *testing.T) {
	asns := []bgp.ASN{0, 1, 64500, 4200000000, 4294967295}
	b := appendASNs(nil, asns)
	if want := mustHex("00000000 00000001 0000fbf4 fa56ea00 ffffffff"); !bytes.Equal(b, want) {
		t.Errorf("encoded % x", b)
	}
	got, err := decodeASNs(b)
	if err != nil || !slices.Equal(got, asns) {
		t.Errorf("decoded %v, %v", got, err)
	}
	for _, bad := range []string{"00", "00000001 000000", "00000002 00000001", "00000001 00000001"} {
		if got, err := decodeASNs(mustHex(bad)); err == nil {
			t.Errorf("%s decoded as %v", bad, got)
		}
	}
}

// FuzzDecodePrefixes: decoding never panics, and what decodes encodes
// back to the same bytes.
func FuzzDecodePrefixes(f *testing.F) {
	good, _ := appendPrefixes(nil, samplePrefixes)
	f.Add(good)
	f.Add([]byte{})
	for _, tc := range badPrefixBlobs {
		f.Add(mustHex(tc.hex))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decodePrefixes(b)
		if err != nil {
			return
		}
		if len(ps) > len(b)/3 {
			t.Fatalf("%d entries from %d bytes", len(ps), len(b))
		}
		again, err := appendPrefixes(nil, ps)
		if err != nil {
			t.Fatalf("re-encode %v: %v", ps, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("round trip:\n in % x\nout % x", b, again)
		}
	})
}

// FuzzEncodePrefixes: any prefix status that encodes decodes to itself,
// masked.
func FuzzEncodePrefixes(f *testing.F) {
	f.Add([]byte{192, 0, 2, 0}, uint8(24), uint8(1), true, 3)
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(127), uint8(2), false, 1<<20)
	f.Fuzz(func(t *testing.T, addr []byte, bits, state uint8, irr bool, peers int) {
		a, ok := netip.AddrFromSlice(addr)
		if !ok {
			return
		}
		in := incident.PrefixStatus{Prefix: netip.PrefixFrom(a, int(bits)), RPKI: incident.RPKIState(state), IRR: irr, Peers: peers}
		b, err := appendPrefixes(nil, []incident.PrefixStatus{in})
		if err != nil {
			return
		}
		got, err := decodePrefixes(b)
		if err != nil {
			t.Fatalf("decode % x of %+v: %v", b, in, err)
		}
		in.Prefix = in.Prefix.Masked()
		if len(got) != 1 || got[0] != in {
			t.Fatalf("got %+v, want %+v", got, in)
		}
	})
}

// FuzzDecodeASNs: decoding never panics, and what decodes encodes back to
// the same bytes.
func FuzzDecodeASNs(f *testing.F) {
	f.Add(appendASNs(nil, []bgp.ASN{1, 2, 64500, 4294967295}))
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 2, 0, 0, 0, 1})
	f.Add([]byte{0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		asns, err := decodeASNs(b)
		if err != nil {
			return
		}
		if again := appendASNs(nil, asns); !bytes.Equal(again, b) {
			t.Fatalf("round trip:\n in % x\nout % x", b, again)
		}
	})
}
