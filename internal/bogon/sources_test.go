package bogon

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/delegated"
)

func TestFullbogonsReader(t *testing.T) {
	tests := []struct {
		file               string
		prefixes, skipped  int
		comments           int
		first, last        string
		lastLine           int
		updated            string
		errLines           []int
		strictStopsAtLine  int
		strictErrSubstring string
	}{
		{file: "fullbogons-ipv4.txt", prefixes: 1479, comments: 1, first: "0.0.0.0/8", last: "240.0.0.0/4", lastLine: 1480, updated: "2022-03-16T12:50:02Z"},
		{file: "fullbogons-ipv6-excerpt.txt", prefixes: 300, comments: 1, first: "::/8", last: "2001:500:d930::/46", lastLine: 301, updated: "2022-03-16T12:50:02Z"},
		{file: "fullbogons-bad.txt", prefixes: 6, skipped: 6, comments: 3, first: "0.0.0.0/8", last: "43.228.164.0/22", lastLine: 15,
			updated: "2022-03-16T12:50:02Z", errLines: []int{3, 4, 5, 6, 9, 10}, strictStopsAtLine: 3, strictErrSubstring: "host bits set"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rd := NewFullbogonsReader(mustOpen(t, "testdata/"+tt.file), tt.file)
			var got []netip.Prefix
			line := 0
			for rd.Next() {
				got = append(got, rd.Prefix())
				line = rd.Line()
			}
			if err := rd.Err(); err != nil {
				t.Fatal(err)
			}
			st := rd.Stats()
			if len(got) != tt.prefixes || st.Prefixes != tt.prefixes || st.Skipped != tt.skipped || st.Comments != tt.comments {
				t.Errorf("prefixes %d (stats %d), skipped %d, comments %d; want %d, %d, %d: %v",
					len(got), st.Prefixes, st.Skipped, st.Comments, tt.prefixes, tt.skipped, tt.comments, st.Errors)
			}
			if len(got) > 0 && (got[0].String() != tt.first || got[len(got)-1].String() != tt.last || line != tt.lastLine) {
				t.Errorf("first %s, last %s at line %d; want %s, %s at %d", got[0], got[len(got)-1], line, tt.first, tt.last, tt.lastLine)
			}
			if u := rd.Updated().Format(time.RFC3339); u != tt.updated {
				t.Errorf("updated %s, want %s", u, tt.updated)
			}
			for i, err := range st.Errors {
				var pe *ParseError
				if !errors.As(err, &pe) || i >= len(tt.errLines) || pe.Line != tt.errLines[i] || pe.Name != tt.file {
					t.Errorf("error %d: %v, want one at line %v", i, err, tt.errLines)
				}
			}
			if tt.strictStopsAtLine == 0 {
				return
			}
			rd = NewFullbogonsReader(mustOpen(t, "testdata/"+tt.file), tt.file)
			rd.Strict = true
			for rd.Next() {
			}
			var pe *ParseError
			if !errors.As(rd.Err(), &pe) || pe.Line != tt.strictStopsAtLine || !strings.Contains(pe.Error(), tt.strictErrSubstring) {
				t.Errorf("strict: %v, want an error at line %d about %q", rd.Err(), tt.strictStopsAtLine, tt.strictErrSubstring)
			}
		})
	}
}

func TestFullbogonsHostile(t *testing.T) {
	tests := []struct {
		name              string
		in                string
		prefixes, skipped int
	}{
		{"empty", "", 0, 0},
		{"long line", strings.Repeat("1", MaxLineLength+1) + "\n10.0.0.0/8\n", 1, 1},
		{"huge line", strings.Repeat("1", 1<<20) + "\n10.0.0.0/8\n", 1, 1},
		{"huge last line", "10.0.0.0/8\n" + strings.Repeat("1", 1<<20), 1, 1},
		{"truncated", "10.0.0.0/8\n10.0.", 1, 1},
		{"nul", "\x00\n10.0.0.0/8\n", 1, 1},
		{"many bad", strings.Repeat("x\n", 1000), 0, 1000},
		{"no updated", "10.0.0.0/8\n# last updated 1647435002\n", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewFullbogonsReader(strings.NewReader(tt.in), tt.name)
			n := 0
			for rd.Next() {
				n++
			}
			st := rd.Stats()
			if rd.Err() != nil || n != tt.prefixes || st.Skipped != tt.skipped || len(st.Errors) > MaxErrors {
				t.Errorf("err %v, prefixes %d, skipped %d, %d errors; want %d, %d", rd.Err(), n, st.Skipped, len(st.Errors), tt.prefixes, tt.skipped)
			}
			if tt.name == "no updated" && !rd.Updated().IsZero() {
				t.Errorf("updated %v from a comment after the first prefix", rd.Updated())
			}
		})
	}
}

func TestFullbogonsSet(t *testing.T) {
	b := NewBuilder()
	for _, f := range []string{"fullbogons-ipv4.txt", "fullbogons-ipv6-excerpt.txt"} {
		st, err := b.AddFullbogons(mustOpen(t, "testdata/"+f), f)
		if err != nil || st.Skipped != 0 {
			t.Fatalf("%s: %v, %d skipped", f, err, st.Skipped)
		}
	}
	s := b.Build()
	const cymru = "listed in fullbogons (updated 2022-03-16)"
	checkPrefixCases(t, s, []prefixCase{
		// Built-in registries win where both list a prefix.
		{"0.0.0.0/8", true, "0.0.0.0/8", CoveredBy, SpecialPurpose, `"This network"`, "RFC 791 section 3.2", RegistryIPv4Special},
		{"10.0.0.0/8", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "Private-Use", "RFC 1918", RegistryIPv4Special},
		{"23.135.225.0/24", true, "23.135.225.0/24", CoveredBy, Fullbogons, cymru, "fullbogons-ipv4.txt line 4", RegistryFullbogons},
		{"23.135.225.128/25", true, "23.135.225.0/24", CoveredBy, Fullbogons, cymru, "fullbogons-ipv4.txt line 4", RegistryFullbogons},
		{"23.135.224.0/23", true, "23.135.225.0/24", Covers, Fullbogons, cymru, "fullbogons-ipv4.txt line 4", RegistryFullbogons},
		{"23.135.224.0/24", false, "", 0, 0, "", "", ""},
		{"8.8.8.0/24", false, "", 0, 0, "", "", ""},
		{"192.175.48.0/24", false, "", 0, 0, "", "", ""},
		{"2000::/16", true, "2000::/16", CoveredBy, Fullbogons, cymru, "fullbogons-ipv6-excerpt.txt line 8", RegistryFullbogons},
		{"2001:201::/48", true, "2001:201::/32", CoveredBy, Fullbogons, cymru, "fullbogons-ipv6-excerpt.txt line 9", RegistryFullbogons},
		{"2001:200::/32", false, "", 0, 0, "", "", ""},
		{"::/8", true, "::/8", CoveredBy, Reserved, "Reserved by IETF", "RFC 4291", RegistryIPv6Space},
	})
	v4, v6 := s.Prefixes()
	if v4 < 1479 || v6 < 300 {
		t.Errorf("set holds %d IPv4 and %d IPv6 prefixes, want at least 1479 and 300", v4, v6)
	}
}

func loadDelegated(t *testing.T, absent Absent, files ...string) *Set {
	t.Helper()
	b := NewBuilder()
	b.Absent = absent
	for _, f := range files {
		st, err := b.AddDelegated(mustOpen(t, "testdata/"+f), f)
		if err != nil || st.Skipped != 0 {
			t.Fatalf("%s: %v, %d skipped", f, err, st.Skipped)
		}
	}
	return b.Build()
}

func TestDelegatedRecords(t *testing.T) {
	s := loadDelegated(t, AbsentAuto, "delegated-ripencc-extended.txt", "delegated-arin-extended.txt")
	const ripe, arin = "ripencc delegated statistics", "arin delegated statistics"
	checkPrefixCases(t, s, []prefixCase{
		{"2.56.168.0/22", true, "2.56.168.0/22", CoveredBy, Unallocated, "available", "delegated-ripencc-extended.txt line 12", ripe},
		{"2.56.170.0/24", true, "2.56.168.0/22", CoveredBy, Unallocated, "available", "delegated-ripencc-extended.txt line 12", ripe},
		{"5.8.40.0/21", true, "5.8.40.0/21", CoveredBy, Unallocated, "reserved", "delegated-ripencc-extended.txt line 13", ripe},
		{"2.0.0.0/12", false, "", 0, 0, "", "", ""},
		{"2001:601::/32", true, "2001:601::/32", CoveredBy, Unallocated, "reserved", "delegated-ripencc-extended.txt line 17", ripe},
		{"2a14:7580::/29", true, "2a14:7580::/29", CoveredBy, Unallocated, "available", "delegated-ripencc-extended.txt line 19", ripe},
		{"23.128.0.0/10", true, "23.128.0.0/10", CoveredBy, Unallocated, "reserved", "delegated-arin-extended.txt line 12", arin},
		// 1280 addresses: 208.65.76.0/22 and 208.65.80.0/24.
		{"208.65.80.0/24", true, "208.65.80.0/24", CoveredBy, Unallocated, "available", "delegated-arin-extended.txt line 15", arin},
		{"208.65.76.0/21", true, "208.65.76.0/22", Covers, Unallocated, "available", "delegated-arin-extended.txt line 15", arin},
		{"208.65.81.0/24", false, "", 0, 0, "", "", ""},
		// Two RIRs' files say nothing about space that they do not list.
		{"9.9.9.0/24", false, "", 0, 0, "", "", ""},
		{"2c0f:f020::/32", false, "", 0, 0, "", "", ""},
	})
	asns := []struct {
		asn   bgp.ASN
		bogon bool
		name  string
		src   string
	}{
		{7, false, "", ""},
		{1877, true, "available", "delegated-ripencc-extended.txt line 7"},
		{7552, true, "reserved", "delegated-ripencc-extended.txt line 8"},
		{1865, true, "available", "delegated-arin-extended.txt line 7"},
		{393216 + 1023, true, "reserved", "delegated-arin-extended.txt line 8"},
		{393216 + 1024, false, "", ""},
		{64512, true, "Private Use", "RFC 6996"},
		{9, false, "", ""},
	}
	for _, tt := range asns {
		m, ok := s.CheckASN(tt.asn)
		if ok != tt.bogon || m.Name != tt.name || m.Source != tt.src {
			t.Errorf("CheckASN(%d) = %q %q %v, want %q %q %v", tt.asn, m.Name, m.Source, ok, tt.name, tt.src, tt.bogon)
		}
	}
}

func TestDelegatedAbsent(t *testing.T) {
	const absent = "not in delegated statistics"
	const nro = "absent from nro-extended-excerpt.txt"
	s := loadDelegated(t, AbsentAuto, "nro-extended-excerpt.txt")
	checkPrefixCases(t, s, []prefixCase{
		{"1.0.0.0/24", false, "", 0, 0, "", "", ""},
		{"1.0.2.0/23", false, "", 0, 0, "", "", ""},
		{"1.0.4.0/24", true, "1.0.4.0/22", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"1.0.0.0/16", true, "1.0.4.0/22", Covers, Unallocated, absent, nro, RegistryDelegated},
		{"2.0.0.0/12", false, "", 0, 0, "", "", ""},
		{"2.16.0.0/13", false, "", 0, 0, "", "", ""},
		{"2.48.0.0/13", true, "2.48.0.0/12", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"9.9.9.0/24", true, "8.0.0.0/7", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"10.0.0.0/8", true, "10.0.0.0/8", CoveredBy, SpecialPurpose, "Private-Use", "RFC 1918", RegistryIPv4Special},
		{"192.175.48.0/24", false, "", 0, 0, "", "", ""}, // globally reachable wins over a gap
		{"2001:200::/35", false, "", 0, 0, "", "", ""},
		{"2001:200:4000::/35", true, "2001:200:4000::/34", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"2001:100::/24", true, "2001::/23", CoveredBy, SpecialPurpose, "IETF Protocol Assignments", "", ""},
		{"2001:601::/32", true, "2001:601::/32", CoveredBy, Unallocated, "reserved", "nro-extended-excerpt.txt line 19", "ripencc delegated statistics"},
		{"2001:602::/32", true, "2001:602::/31", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"2a00::/12", true, "2800::/5", CoveredBy, Unallocated, absent, nro, RegistryDelegated},
		{"4000::/3", true, "4000::/3", CoveredBy, Reserved, "", "", ""},
	})
	asns := []struct {
		asn   bgp.ASN
		bogon bool
		name  string
		src   string
	}{
		{0, true, "Reserved (AS 0)", "RFC 7607"},
		{1, false, "", ""},
		{2, true, absent, nro},
		{7, false, "", ""},
		{9, true, absent, nro},
		{3356, true, absent, nro},
		{64512, true, "Private Use", "RFC 6996"},
		{4294967295, true, "Reserved (last 32-bit ASN)", "RFC 7300"},
	}
	for _, tt := range asns {
		m, ok := s.CheckASN(tt.asn)
		if ok != tt.bogon || m.Name != tt.name || m.Source != tt.src {
			t.Errorf("CheckASN(%d) = %q %q %v, want %q %q %v", tt.asn, m.Name, m.Source, ok, tt.name, tt.src, tt.bogon)
		}
	}

	// The modes.
	tests := []struct {
		absent Absent
		files  []string
		bogon  bool
	}{
		{AbsentAuto, []string{"nro-extended-excerpt.txt"}, true},
		{AbsentIgnored, []string{"nro-extended-excerpt.txt"}, false},
		{AbsentAuto, []string{"delegated-ripencc-extended.txt"}, false},
		{AbsentUnallocated, []string{"delegated-ripencc-extended.txt"}, true},
		{AbsentUnallocated, nil, false},
	}
	for _, tt := range tests {
		s := loadDelegated(t, tt.absent, tt.files...)
		_, ok := s.CheckPrefix(netip.MustParsePrefix("9.9.9.0/24"))
		_, okASN := s.CheckASN(3356)
		if ok != tt.bogon || okASN != tt.bogon {
			t.Errorf("absent %d, files %v: 9.9.9.0/24 bogon %v, AS3356 bogon %v; want %v", tt.absent, tt.files, ok, okASN, tt.bogon)
		}
	}
}

func TestDelegatedAllRIRs(t *testing.T) {
	// The five RIRs' files together cover all space: absent space counts.
	b := NewBuilder()
	for _, reg := range rirs {
		in := "2|" + reg + "|1|1|19830705|20240103|+0000\n" + reg + "|ZZ|ipv4|1.0.0.0|256||allocated|\n"
		if _, err := b.AddDelegated(strings.NewReader(in), reg); err != nil {
			t.Fatal(err)
		}
		_, absent := b.Build().CheckPrefix(netip.MustParsePrefix("9.9.9.0/24"))
		if want := reg == rirs[len(rirs)-1]; absent != want {
			t.Errorf("after %s: 9.9.9.0/24 bogon %v, want %v", reg, absent, want)
		}
	}
}

func TestAbsentAroundException(t *testing.T) {
	// A file that lists only half of the AS112 block leaves a gap inside
	// a globally reachable block: the registry accounts for it.
	in := "2|nro|1|1|19830705|20240103|+0000\narin|US|ipv4|192.175.48.0|128|19960307|assigned|x\n"
	b := NewBuilder()
	if _, err := b.AddDelegated(strings.NewReader(in), "in"); err != nil {
		t.Fatal(err)
	}
	s := b.Build()
	for _, q := range []string{"192.175.48.0/24", "192.175.48.128/25"} {
		if m, ok := s.CheckPrefix(netip.MustParsePrefix(q)); ok {
			t.Errorf("%s is a bogon: %+v", q, m)
		}
	}
	if m, ok := s.CheckPrefix(netip.MustParsePrefix("192.175.49.0/24")); !ok || m.Name != "not in delegated statistics" {
		t.Errorf("192.175.49.0/24: %+v %v, want absent", m, ok)
	}
}

func TestDelegatedStrict(t *testing.T) {
	in := "2|ripencc|1|1|19830705|20240103|+0000\nripencc|ZZ|ipv4|1.0.0|256||available|\nripencc|ZZ|ipv4|1.0.1.0|256||available|\n"
	b := NewBuilder()
	st, err := b.AddDelegated(strings.NewReader(in), "in")
	if err != nil || st.Skipped != 1 {
		t.Fatalf("lenient: %v, %d skipped; want nil, 1", err, st.Skipped)
	}
	b = NewBuilder()
	b.Strict = true
	_, err = b.AddDelegated(strings.NewReader(in), "in")
	var pe *delegated.ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("strict: %v, want a parse error at line 2", err)
	}
}

func TestGaps(t *testing.T) {
	a := netip.MustParseAddr
	listed := [][2]netip.Addr{
		{a("10.0.0.0"), a("10.255.255.255")},
		{a("2001:db8::"), a("2001:db8::ffff")},
		{a("0.0.0.0"), a("0.0.0.255")},
		{a("10.0.0.0"), a("10.0.0.255")}, // inside an earlier range
		{a("200.0.0.0"), a("255.255.255.255")},
	}
	got := gaps(listed, universe4)
	want := [][2]netip.Addr{{a("0.0.1.0"), a("9.255.255.255")}, {a("11.0.0.0"), a("199.255.255.255")}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("gaps4 = %v, want %v", got, want)
	}
	got = gaps(listed, universe6)
	want = [][2]netip.Addr{{a("2000::"), a("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")}, {a("2001:db8::1:0"), universe6[1]}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("gaps6 = %v, want %v", got, want)
	}
	if got := gaps(nil, universe4); len(got) != 1 || got[0] != universe4 {
		t.Errorf("gaps of nothing = %v", got)
	}
	asn := gapsASN([][2]uint64{{5, 9}, {0, 0}, {7, 20}, {4294967290, 4294967295}})
	if len(asn) != 2 || asn[0] != [2]uint64{1, 4} || asn[1] != [2]uint64{21, 4294967289} {
		t.Errorf("gapsASN = %v", asn)
	}
}

func TestDisjoint(t *testing.T) {
	in := []asnRange{{10, 20, ref{meta: 1}}, {5, 12, ref{meta: 2}}, {15, 30, ref{meta: 3}}, {16, 18, ref{meta: 4}}}
	got := disjoint(in)
	want := []asnRange{{5, 12, ref{meta: 2}}, {13, 20, ref{meta: 1}}, {21, 30, ref{meta: 3}}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
}
