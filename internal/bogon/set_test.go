package bogon

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

type prefixCase struct {
	query    string
	bogon    bool
	entry    string // the matched entry's prefix
	rel      Relation
	kind     Kind
	name     string
	source   string
	registry string
}

func checkPrefixCases(t *testing.T, s *Set, cases []prefixCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.query, func(t *testing.T) {
			m, ok := s.CheckPrefix(netip.MustParsePrefix(tt.query))
			if ok != tt.bogon {
				t.Fatalf("CheckPrefix(%s) = %+v, %v; want bogon %v", tt.query, m, ok, tt.bogon)
			}
			if !ok {
				return
			}
			if m.Prefix.String() != tt.entry || m.Relation != tt.rel || m.Kind != tt.kind || !m.Bogon {
				t.Errorf("got %s %s %s, want %s %s %s", m.Relation, m.Prefix, m.Kind, tt.rel, tt.entry, tt.kind)
			}
			if tt.name != "" && m.Name != tt.name {
				t.Errorf("name %q, want %q", m.Name, tt.name)
			}
			if tt.source != "" && m.Source != tt.source {
				t.Errorf("source %q, want %q", m.Source, tt.source)
			}
			if tt.registry != "" && m.Registry != tt.registry {
				t.Errorf("registry %q, want %q", m.Registry, tt.registry)
			}
		})
	}
}

func TestBuiltinPrefixes(t *testing.T) {
	s := Default()
	const v4 = RegistryIPv4Special
	const v6 = RegistryIPv6Special
	checkPrefixCases(t, s, []prefixCase{
		{"10.0.0.0/8", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "Private-Use", "RFC 1918", v4},
		{"10.1.0.0/16", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "Private-Use", "RFC 1918", v4},
		{"10.1.2.3/32", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "", "", ""},
		{"10.1.2.3/8", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "", "", ""}, // host bits masked
		{"0.0.0.0/8", true, "0.0.0.0/8", CoveredBy, SpecialPurpose, `"This network"`, "RFC 791 section 3.2", v4},
		{"0.0.0.0/32", true, "0.0.0.0/32", CoveredBy, SpecialPurpose, `"This host on this network"`, "RFC 1122 section 3.2.1.3", v4},
		{"0.0.0.0/0", true, "0.0.0.0/8", Covers, SpecialPurpose, "", "", ""},
		{"100.64.0.0/10", true, "100.64.0.0/10", CoveredBy, SpecialPurpose, "Shared Address Space", "RFC 6598", v4},
		{"100.0.0.0/8", true, "100.64.0.0/10", Covers, SpecialPurpose, "", "", ""},
		{"127.0.0.1/32", true, "127.0.0.0/8", CoveredBy, SpecialPurpose, "Loopback", "", ""},
		{"169.254.1.0/24", true, "169.254.0.0/16", CoveredBy, SpecialPurpose, "Link Local", "RFC 3927", ""},
		{"172.16.0.0/12", true, "172.16.0.0/12", CoveredBy, SpecialPurpose, "Private-Use", "", ""},
		{"172.32.0.0/12", false, "", 0, 0, "", "", ""},
		{"192.0.0.0/24", true, "192.0.0.0/24", CoveredBy, SpecialPurpose, "IETF Protocol Assignments", "RFC 6890 section 2.1", v4},
		{"192.0.0.0/23", true, "192.0.0.0/24", Covers, SpecialPurpose, "", "", ""},
		{"192.0.0.8/32", true, "192.0.0.8/32", CoveredBy, SpecialPurpose, "IPv4 dummy address", "RFC 7600", ""},
		{"192.0.0.9/32", false, "", 0, 0, "", "", ""},  // PCP anycast: globally reachable
		{"192.0.0.10/32", false, "", 0, 0, "", "", ""}, // TURN anycast
		{"192.0.0.170/32", true, "192.0.0.170/32", CoveredBy, SpecialPurpose, "NAT64/DNS64 Discovery", "", ""},
		{"192.0.2.0/24", true, "192.0.2.0/24", CoveredBy, SpecialPurpose, "Documentation (TEST-NET-1)", "RFC 5737", v4},
		{"192.31.196.0/24", false, "", 0, 0, "", "", ""}, // AS112-v4
		{"192.52.193.0/24", false, "", 0, 0, "", "", ""}, // AMT
		{"192.88.99.0/24", true, "192.88.99.0/24", CoveredBy, SpecialPurpose, "Deprecated (6to4 Relay Anycast)", "RFC 7526", v4},
		{"192.88.99.2/32", true, "192.88.99.2/32", CoveredBy, SpecialPurpose, "6a44-relay anycast address", "RFC 6751", v4},
		{"192.168.1.0/24", true, "192.168.0.0/16", CoveredBy, SpecialPurpose, "Private-Use", "RFC 1918", v4},
		{"192.175.48.0/24", false, "", 0, 0, "", "", ""}, // AS112 direct delegation
		{"198.18.0.0/15", true, "198.18.0.0/15", CoveredBy, SpecialPurpose, "Benchmarking", "RFC 2544", v4},
		{"198.19.255.0/24", true, "198.18.0.0/15", CoveredBy, SpecialPurpose, "Benchmarking", "", ""},
		{"198.51.100.0/24", true, "198.51.100.0/24", CoveredBy, SpecialPurpose, "Documentation (TEST-NET-2)", "RFC 5737", v4},
		{"203.0.113.0/25", true, "203.0.113.0/24", CoveredBy, SpecialPurpose, "Documentation (TEST-NET-3)", "RFC 5737", v4},
		{"224.0.0.0/4", true, "224.0.0.0/4", CoveredBy, Reserved, "Multicast", "RFC 5771", RegistryIPv4Space},
		{"232.1.0.0/16", true, "224.0.0.0/4", CoveredBy, Reserved, "Multicast", "", ""},
		{"240.0.0.0/4", true, "240.0.0.0/4", CoveredBy, SpecialPurpose, "Reserved", "RFC 1112 section 4", v4},
		{"255.255.255.255/32", true, "255.255.255.255/32", CoveredBy, SpecialPurpose, "Limited Broadcast", "", ""},
		{"192.0.0.0/8", true, "192.0.0.0/24", Covers, SpecialPurpose, "", "", ""},
		{"8.8.8.0/24", false, "", 0, 0, "", "", ""},
		{"1.1.1.0/24", false, "", 0, 0, "", "", ""},
		{"11.0.0.0/8", false, "", 0, 0, "", "", ""},

		{"::/128", true, "::/128", CoveredBy, SpecialPurpose, "Unspecified Address", "RFC 4291", v6},
		{"::1/128", true, "::1/128", CoveredBy, SpecialPurpose, "Loopback Address", "RFC 4291", v6},
		{"::ffff:0:0/96", true, "::ffff:0.0.0.0/96", CoveredBy, SpecialPurpose, "IPv4-mapped Address", "", ""},
		{"::ffff:8.8.8.0/120", true, "::ffff:0.0.0.0/96", CoveredBy, SpecialPurpose, "IPv4-mapped Address", "", ""},
		{"64:ff9b::/96", false, "", 0, 0, "", "", ""}, // globally reachable
		{"64:ff9b::808:800/120", false, "", 0, 0, "", "", ""},
		{"64:ff9b::/64", true, "::/8", CoveredBy, Reserved, "Reserved by IETF", "RFC 4291", RegistryIPv6Space},
		{"64:ff9b:1::/48", true, "64:ff9b:1::/48", CoveredBy, SpecialPurpose, "IPv4-IPv6 Translat.", "RFC 8215", v6},
		{"100::/64", true, "100::/64", CoveredBy, SpecialPurpose, "Discard-Only Address Block", "RFC 6666", v6},
		{"100:0:0:1::/64", true, "100:0:0:1::/64", CoveredBy, SpecialPurpose, "Dummy IPv6 Prefix", "", ""},
		{"2001::/23", true, "2001::/23", CoveredBy, SpecialPurpose, "IETF Protocol Assignments", "RFC 2928", v6},
		{"2001::/32", true, "2001::/32", CoveredBy, SpecialPurpose, "TEREDO", "RFC 4380, RFC 8190", v6},
		{"2001:1::1/128", false, "", 0, 0, "", "", ""},
		{"2001:1::3/128", false, "", 0, 0, "", "", ""},
		{"2001:1::4/128", true, "2001::/23", CoveredBy, SpecialPurpose, "", "", ""},
		{"2001:2::/48", true, "2001:2::/48", CoveredBy, SpecialPurpose, "Benchmarking", "", ""},
		{"2001:3::/32", false, "", 0, 0, "", "", ""},
		{"2001:4:112::/48", false, "", 0, 0, "", "", ""},
		{"2001:4:113::/48", true, "2001::/23", CoveredBy, SpecialPurpose, "", "", ""},
		{"2001:10::/28", true, "2001:10::/28", CoveredBy, SpecialPurpose, "Deprecated (previously ORCHID)", "RFC 4843", v6},
		{"2001:20::/28", false, "", 0, 0, "", "", ""},
		{"2001:30::/28", false, "", 0, 0, "", "", ""},
		{"2001:db8::/32", true, "2001:db8::/32", CoveredBy, SpecialPurpose, "Documentation", "RFC 3849", v6},
		{"2001:db8:1::/48", true, "2001:db8::/32", CoveredBy, SpecialPurpose, "Documentation", "", ""},
		{"2002::/16", true, "2002::/16", CoveredBy, SpecialPurpose, "6to4", "RFC 3056", v6},
		{"2002:c058:6301::/48", true, "2002::/16", CoveredBy, SpecialPurpose, "6to4", "", ""},
		{"2620:4f:8000::/48", false, "", 0, 0, "", "", ""},
		{"3fff::/20", true, "3fff::/20", CoveredBy, SpecialPurpose, "Documentation", "RFC 9637", v6},
		{"3fff:fff::/32", true, "3fff::/20", CoveredBy, SpecialPurpose, "Documentation", "", ""},
		{"5f00::/16", true, "5f00::/16", CoveredBy, SpecialPurpose, "Segment Routing (SRv6) SIDs", "RFC 9602", v6},
		{"fc00::/7", true, "fc00::/7", CoveredBy, SpecialPurpose, "Unique-Local", "RFC 4193, RFC 8190", v6},
		{"fd12:3456::/32", true, "fc00::/7", CoveredBy, SpecialPurpose, "Unique-Local", "", ""},
		{"fe80::/10", true, "fe80::/10", CoveredBy, SpecialPurpose, "Link-Local Unicast", "RFC 4291", v6},
		{"fec0::/10", true, "fec0::/10", CoveredBy, Reserved, "Reserved by IETF (deprecated site-local)", "RFC 3879", RegistryIPv6Space},
		{"ff02::1/128", true, "ff00::/8", CoveredBy, Reserved, "Multicast", "RFC 4291", RegistryIPv6Space},
		{"4000::/3", true, "4000::/3", CoveredBy, Reserved, "Reserved by IETF", "", ""},
		{"8000::/1", true, "8000::/3", Covers, Reserved, "", "", ""},
		{"::/0", true, "::/8", Covers, Reserved, "", "", ""},
		{"2000::/3", true, "2001::/23", Covers, SpecialPurpose, "", "", ""},
		{"2001:200::/23", false, "", 0, 0, "", "", ""},
		{"2a00:1450::/32", false, "", 0, 0, "", "", ""},
		{"2600::/12", false, "", 0, 0, "", "", ""},
	})
}

func TestCovering(t *testing.T) {
	s := Default()
	tests := []struct {
		query string
		want  string // entry prefix, "" for no match
	}{
		{"10.1.0.0/16", "10.0.0.0/8"},
		{"0.0.0.0/0", ""},
		{"192.0.0.0/23", ""},
		{"192.0.0.9/32", ""},
		{"8000::/1", ""},
		{"2001:db8::/48", "2001:db8::/32"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m, ok := s.Covering(netip.MustParsePrefix(tt.query))
			got := ""
			if ok {
				got = m.Prefix.String()
			}
			if got != tt.want || (ok && m.Relation != CoveredBy) {
				t.Errorf("Covering(%s) = %q %s, want %q", tt.query, got, m.Relation, tt.want)
			}
		})
	}
	if _, ok := s.Covering(netip.Prefix{}); ok {
		t.Error("Covering(invalid) matched")
	}
	if _, ok := s.CheckPrefix(netip.Prefix{}); ok {
		t.Error("CheckPrefix(invalid) matched")
	}
}

func TestLookup(t *testing.T) {
	s := Default()
	tests := []struct {
		query, entry string
		bogon        bool
	}{
		{"192.175.48.0/24", "192.175.48.0/24", false},
		{"192.175.48.0/25", "192.175.48.0/24", false},
		{"192.0.0.9/32", "192.0.0.9/32", false},
		{"192.0.0.1/32", "192.0.0.0/29", true},
		{"8.8.8.0/24", "", false},
	}
	for _, tt := range tests {
		e, ok := s.Lookup(netip.MustParsePrefix(tt.query))
		got := ""
		if ok {
			got = e.Prefix.String()
		}
		if got != tt.entry || e.Bogon != tt.bogon {
			t.Errorf("Lookup(%s) = %q bogon %v, want %q %v", tt.query, got, e.Bogon, tt.entry, tt.bogon)
		}
	}
	if _, ok := s.Lookup(netip.Prefix{}); ok {
		t.Error("Lookup(invalid) found an entry")
	}
}

func TestCheckAddr(t *testing.T) {
	s := Default()
	tests := []struct {
		addr string
		want string
	}{
		{"10.1.2.3", "10.0.0.0/8"},
		{"127.0.0.1", "127.0.0.0/8"},
		{"8.8.8.8", ""},
		{"192.0.0.9", ""},
		{"::1", "::1/128"},
		{"fe80::1%eth0", "fe80::/10"},
		{"::ffff:10.1.2.3", "::ffff:0.0.0.0/96"},
		{"2001:db8::1", "2001:db8::/32"},
		{"2a00:1450:4001::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			m, ok := s.CheckAddr(netip.MustParseAddr(tt.addr))
			got := ""
			if ok {
				got = m.Prefix.String()
			}
			if got != tt.want {
				t.Errorf("CheckAddr(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
	if _, ok := s.CheckAddr(netip.Addr{}); ok {
		t.Error("CheckAddr(invalid) matched")
	}
}

func TestCheckASN(t *testing.T) {
	s := Default()
	tests := []struct {
		asn         bgp.ASN
		bogon       bool
		first, last bgp.ASN
		name        string
		source      string
		kind        Kind
	}{
		{0, true, 0, 0, "Reserved (AS 0)", "RFC 7607", SpecialPurpose},
		{1, false, 0, 0, "", "", 0},
		{112, false, 0, 0, "", "", 0},
		{3356, false, 0, 0, "", "", 0},
		{23455, false, 0, 0, "", "", 0},
		{23456, true, 23456, 23456, "AS_TRANS", "RFC 6793", SpecialPurpose},
		{23457, false, 0, 0, "", "", 0},
		{64495, false, 0, 0, "", "", 0},
		{64496, true, 64496, 64511, "Documentation", "RFC 5398", SpecialPurpose},
		{64511, true, 64496, 64511, "Documentation", "RFC 5398", SpecialPurpose},
		{64512, true, 64512, 65534, "Private Use", "RFC 6996", SpecialPurpose},
		{65534, true, 64512, 65534, "Private Use", "RFC 6996", SpecialPurpose},
		{65535, true, 65535, 65535, "Reserved (last 16-bit ASN)", "RFC 7300", SpecialPurpose},
		{65536, true, 65536, 65551, "Documentation", "RFC 5398", SpecialPurpose},
		{65551, true, 65536, 65551, "Documentation", "RFC 5398", SpecialPurpose},
		{65552, true, 65552, 131071, "Reserved", "IANA", Reserved},
		{131071, true, 65552, 131071, "Reserved", "IANA", Reserved},
		{131072, false, 0, 0, "", "", 0},
		{4199999999, false, 0, 0, "", "", 0},
		{4200000000, true, 4200000000, 4294967294, "Private Use", "RFC 6996", SpecialPurpose},
		{4294967294, true, 4200000000, 4294967294, "Private Use", "RFC 6996", SpecialPurpose},
		{4294967295, true, 4294967295, 4294967295, "Reserved (last 32-bit ASN)", "RFC 7300", SpecialPurpose},
	}
	for _, tt := range tests {
		t.Run(tt.asn.String(), func(t *testing.T) {
			m, ok := s.CheckASN(tt.asn)
			if ok != tt.bogon {
				t.Fatalf("CheckASN(%d) = %+v, %v; want %v", tt.asn, m, ok, tt.bogon)
			}
			if !ok {
				return
			}
			if m.First != tt.first || m.Last != tt.last || m.Name != tt.name || m.Source != tt.source || m.Kind != tt.kind || !m.IsASN() {
				t.Errorf("got %d-%d %q %q %s, want %d-%d %q %q %s", m.First, m.Last, m.Name, m.Source, m.Kind,
					tt.first, tt.last, tt.name, tt.source, tt.kind)
			}
		})
	}
}

func TestBuiltinTable(t *testing.T) {
	entries := Builtin()
	seen := map[string]bool{}
	for _, e := range entries {
		key := e.Prefix.String()
		if e.IsASN() {
			key = e.First.String() + "-" + e.Last.String()
			if e.First > e.Last {
				t.Errorf("%s: first after last", key)
			}
		} else if e.Prefix.Masked() != e.Prefix {
			t.Errorf("%s: host bits set", e.Prefix)
		}
		if seen[key] {
			t.Errorf("%s listed twice", key)
		}
		seen[key] = true
		if e.Name == "" || e.Source == "" || e.Registry == "" || e.Kind == 0 {
			t.Errorf("%s: incomplete entry %+v", key, e)
		}
		if e.Kind == SpecialPurpose && !e.IsASN() && strings.HasPrefix(e.Registry, "IANA IP") && !strings.Contains(e.Registry, "Special") {
			t.Errorf("%s: special-purpose entry from %s", key, e.Registry)
		}
		if e.Bogon == (e.GloballyReachable == FlagTrue) {
			t.Errorf("%s: Bogon %v with Globally Reachable %q", key, e.Bogon, e.GloballyReachable)
		}
	}
	// Each built-in entry answers for itself.
	s := Default()
	for _, e := range entries {
		if e.IsASN() {
			continue
		}
		m, ok := s.CheckPrefix(e.Prefix)
		if ok != e.Bogon {
			t.Errorf("CheckPrefix(%s) = %v, want %v", e.Prefix, ok, e.Bogon)
			continue
		}
		if ok && (m.Prefix != e.Prefix || m.Name != e.Name || m.Relation != CoveredBy) {
			t.Errorf("CheckPrefix(%s) matched %s %q", e.Prefix, m.Prefix, m.Name)
		}
	}
}

func TestAppendOverlapping(t *testing.T) {
	s := Default()
	tests := []struct {
		query string
		max   int
		want  []string
	}{
		{"192.0.0.0/23", 10, []string{"covers 192.0.0.0/24", "covers 192.0.0.0/29", "covers 192.0.0.8/32", "covers 192.0.0.170/32", "covers 192.0.0.171/32"}},
		{"192.0.0.0/23", 2, []string{"covers 192.0.0.0/24", "covers 192.0.0.0/29"}},
		{"192.0.0.1/32", 10, []string{"covered-by 192.0.0.0/29", "covered-by 192.0.0.0/24"}},
		{"192.0.0.9/32", 10, nil},
		{"0.0.0.0/32", 10, []string{"covered-by 0.0.0.0/32", "covered-by 0.0.0.0/8"}},
		{"8.8.8.0/24", 10, nil},
		{"8.8.8.0/24", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var got []string
			for _, m := range s.AppendOverlapping(nil, netip.MustParsePrefix(tt.query), tt.max) {
				got = append(got, m.Relation.String()+" "+m.Prefix.String())
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{SpecialPurpose.String(), "special-purpose"},
		{Reserved.String(), "reserved"},
		{Unallocated.String(), "unallocated"},
		{Fullbogons.String(), "fullbogons"},
		{Kind(0).String(), "Kind(0)"},
		{CoveredBy.String(), "covered-by"},
		{Covers.String(), "covers"},
		{Relation(9).String(), "Relation(9)"},
		{FlagNA.String(), "n/a"},
		{FlagTrue.String(), "true"},
		{FlagUnset.String(), ""},
		{Flag(9).String(), "Flag(9)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func mustOpen(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestIsBogonASN checks the fast test against CheckASN for every ASN the
// bitmap holds and around the 32-bit limits, with the built-in registries
// only and with delegated statistics (which make unallocated ASNs bogons).
func TestIsBogonASN(t *testing.T) {
	b := NewBuilder()
	for _, f := range []string{"testdata/delegated-arin-extended.txt", "testdata/delegated-ripencc-extended.txt", "testdata/nro-extended-excerpt.txt"} {
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.AddDelegated(in, f); err != nil {
			t.Fatal(err)
		}
		in.Close()
	}
	for name, s := range map[string]*Set{"default": Default(), "delegated": b.Build()} {
		bogons := 0
		check := func(a bgp.ASN) {
			_, want := s.CheckASN(a)
			if got := s.IsBogonASN(a); got != want {
				t.Fatalf("%s: IsBogonASN(%d) = %v, CheckASN says %v", name, a, got, want)
			}
			if want {
				bogons++
			}
		}
		for a := bgp.ASN(0); a < lowASNs+10; a++ {
			check(a)
		}
		for a := bgp.ASN(4199999990); a != 0; a++ {
			if a > 4200000010 && a < 4294967280 {
				a = 4294967280
			}
			check(a)
		}
		if bogons == 0 {
			t.Errorf("%s: no bogon ASN found", name)
		}
	}
}
