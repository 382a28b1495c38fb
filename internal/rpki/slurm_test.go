package rpki

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

func parseSLURMFile(t *testing.T, name string) *SLURM {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseSLURM(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseSLURM(t *testing.T) {
	s := parseSLURMFile(t, "slurm-rfc8416.json")
	if len(s.PrefixFilters) != 3 || len(s.BGPsecFilters) != 3 || len(s.PrefixAssertions) != 2 || len(s.BGPsecAssertions) != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if pa := s.PrefixAssertions[1]; pa.Prefix != netip.MustParsePrefix("2001:db8::/32") || pa.MaxLength != 48 {
		t.Errorf("assertion %+v", pa)
	}
	if pa := s.PrefixAssertions[0]; pa.MaxLength != 24 {
		t.Errorf("absent maxPrefixLength: %d, want the prefix length", pa.MaxLength)
	}
	v2 := parseSLURMFile(t, "slurm-rpki-rs-full_v2.json")
	if v2.Version != 2 || len(v2.ASPAFilters) != 1 || len(v2.ASPAAssertions) != 1 {
		t.Fatalf("v2: %+v", v2)
	}
	if a := v2.ASPAAssertions[0]; a.Customer != 64496 || len(a.Providers) != 2 {
		t.Errorf("aspa assertion %+v", a)
	}
}

func TestParseSLURMErrors(t *testing.T) {
	const head = `{"slurmVersion": 1, "validationOutputFilters": {"prefixFilters": [`
	const mid = `], "bgpsecFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [`
	const tail = `], "bgpsecAssertions": []}}`
	doc := func(filters, assertions string) string { return head + filters + mid + assertions + tail }
	tests := []struct {
		name, input, want string
	}{
		{"not JSON", `{`, "RFC 8416 3"},
		{"no version", `{}`, "slurmVersion: RFC 8416 3.2: missing"},
		{"version 3", `{"slurmVersion": 3}`, "not supported"},
		{"missing filters", `{"slurmVersion": 1, "locallyAddedAssertions": {}}`, "validationOutputFilters: RFC 8416 3.2"},
		{"missing prefixFilters", `{"slurmVersion": 1, "validationOutputFilters": {}, "locallyAddedAssertions": {}}`, "RFC 8416 3.3"},
		{"unknown member", doc(`{"prefix": "10.0.0.0/8", "maxLength": 9}`, ``), "unknown field"},
		{"empty filter", doc(`{"comment": "nothing"}`, ``), "prefixFilters[0]: RFC 8416 3.3.1: a prefix filter needs"},
		{"filter host bits", doc(`{"prefix": "10.0.0.1/8"}`, ``), "host bits"},
		{"filter with maxPrefixLength", doc(`{"prefix": "10.0.0.0/8", "maxPrefixLength": 9}`, ``), "RFC 8416 3.3.1"},
		{"assertion without asn", doc(``, `{"prefix": "10.0.0.0/8"}`), "prefixAssertions[0]: RFC 8416 3.4.1"},
		{"maxPrefixLength short", doc(``, `{"prefix": "10.0.0.0/8", "asn": 1, "maxPrefixLength": 7}`), "maxPrefixLength 7 not in 8..32"},
		{"maxPrefixLength long", doc(``, `{"prefix": "2001:db8::/32", "asn": 1, "maxPrefixLength": 129}`), "not in 32..128"},
		{"negative asn", doc(`{"asn": -1}`, ``), "line 1"},
		{"asn too big", doc(`{"asn": 4294967296}`, ``), "RFC 8416 3"},
		{"aspa in version 1", `{"slurmVersion": 1, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": [], "aspaFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": []}}`, "need slurmVersion 2"},
		{"bad SKI", `{"slurmVersion": 1, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": [{"SKI": "abc"}]}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": []}}`, "want 20"},
		{"aspa customer in providers", `{"slurmVersion": 2, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": [], "aspaAssertions": [{"customerAsid": 1, "providerSet": [1, 2]}]}}`, "among its own providers"},
		{"aspa empty providers", `{"slurmVersion": 2, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": [], "aspaAssertions": [{"customerAsid": 1, "providerSet": []}]}}`, "missing or empty"},
		{"aspa twice", `{"slurmVersion": 2, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": [], "aspaAssertions": [{"customerAsid": 1, "providerSet": [2]}, {"customerAsid": 1, "providerSet": [3]}]}}`, "second assertion"},
		{"trailing data", doc(``, ``) + ` {}`, "line 1 (byte 167): RFC 8259 2: data after"},
		{"trailing garbage", doc(``, ``) + "\n}]]garbage", "line 2 (byte 167): RFC 8259 2: data after"},
		{"trailing bracket", doc(``, ``) + `]`, "line 1 (byte 166): RFC 8259 2: data after"},
		{"trailing NUL", doc(``, ``) + "\x00", "data after"},
		{"assertion IPv4-mapped", doc(``, `{"prefix": "::ffff:192.0.2.0/120", "asn": 1}`), "prefixAssertions[0]: RFC 8416 3.4.1: IPv4-mapped"},
		{"too large", `{"x": "` + strings.Repeat("a", MaxSLURMSize) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSLURM(strings.NewReader(tt.input), "local.json")
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rpki: local.json: ") {
				t.Errorf("error %q, want it to name the file and contain %q", err, tt.want)
			}
		})
	}
}

func TestApplySLURM(t *testing.T) {
	p := netip.MustParsePrefix
	s := &Set{
		VRPs: []VRP{
			{Prefix: p("192.0.2.0/24"), MaxLength: 24, ASN: 1, TA: "ripe"},    // prefix filter
			{Prefix: p("192.0.2.128/25"), MaxLength: 25, ASN: 2, TA: "ripe"},  // more specific: filtered
			{Prefix: p("192.0.0.0/16"), MaxLength: 24, ASN: 3, TA: "ripe"},    // less specific: kept
			{Prefix: p("203.0.113.0/24"), MaxLength: 24, ASN: 64496, TA: "x"}, // asn filter
			{Prefix: p("198.51.100.0/24"), MaxLength: 24, ASN: 64497},         // prefix+asn filter
			{Prefix: p("198.51.100.0/24"), MaxLength: 24, ASN: 64498},         // kept: other asn
		},
		ASPAs: []ASPA{
			{Customer: 64496, Providers: []bgp.ASN{1}},
			{Customer: 64499, Providers: []bgp.ASN{1}},
		},
	}
	rfc := parseSLURMFile(t, "slurm-rfc8416.json")
	v2 := parseSLURMFile(t, "slurm-rpki-rs-full_v2.json")
	if err := s.ApplySLURM(rfc); err != nil {
		t.Fatal(err)
	}
	want := []VRP{
		{Prefix: p("192.0.0.0/16"), MaxLength: 24, ASN: 3, TA: "ripe"},
		{Prefix: p("198.51.100.0/24"), MaxLength: 24, ASN: 64496, TA: AssertionTA},
		{Prefix: p("198.51.100.0/24"), MaxLength: 24, ASN: 64498},
		{Prefix: p("2001:db8::/32"), MaxLength: 48, ASN: 64496, TA: AssertionTA},
	}
	if !(&Set{VRPs: s.VRPs}).Equal(&Set{VRPs: want}) {
		t.Errorf("VRPs after SLURM:\n%+v\nwant\n%+v", s.VRPs, want)
	}
	// The v2 file overlaps the RFC example (same prefixes): both rejected.
	if err := (&Set{}).ApplySLURM(rfc, v2); err == nil || !strings.Contains(err.Error(), "RFC 8416 4.2") {
		t.Errorf("overlap not rejected: %v", err)
	}
	s2 := &Set{ASPAs: []ASPA{{Customer: 64496, Providers: []bgp.ASN{1}}, {Customer: 64499, Providers: []bgp.ASN{1}}}}
	if err := s2.ApplySLURM(v2); err != nil {
		t.Fatal(err)
	}
	// The filter removed 64496's ASPA, the assertion added a new one.
	if len(s2.ASPAs) != 2 || s2.ASPAs[0].Customer != 64496 || len(s2.ASPAs[0].Providers) != 2 || s2.ASPAs[0].TA != AssertionTA {
		t.Errorf("ASPAs %+v", s2.ASPAs)
	}
}

func TestCheckOverlap(t *testing.T) {
	p := netip.MustParsePrefix
	a := &SLURM{Source: "a", PrefixFilters: []PrefixFilter{{Prefix: p("10.0.0.0/8")}}, ASPAFilters: []ASPAFilter{{Customer: 5}}}
	tests := []struct {
		name string
		b    *SLURM
		ok   bool
	}{
		{"disjoint", &SLURM{Source: "b", PrefixAssertions: []PrefixAssertion{{Prefix: p("11.0.0.0/8")}}}, true},
		{"covered", &SLURM{Source: "b", PrefixAssertions: []PrefixAssertion{{Prefix: p("10.1.0.0/16")}}}, false},
		{"covering", &SLURM{Source: "b", PrefixFilters: []PrefixFilter{{Prefix: p("0.0.0.0/0")}}}, false},
		{"asn-only filter", &SLURM{Source: "b", PrefixFilters: []PrefixFilter{{ASN: 1, HasASN: true}}}, true},
		{"aspa customer", &SLURM{Source: "b", ASPAAssertions: []ASPAAssertion{{Customer: 5, Providers: []bgp.ASN{6}}}}, false},
		{"bgpsec asn", &SLURM{Source: "b", BGPsecFilters: []BGPsecFilter{{ASN: 1, HasASN: true}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOverlap([]*SLURM{a, tt.b})
			if (err == nil) != tt.ok {
				t.Errorf("CheckOverlap: %v, want ok=%v", err, tt.ok)
			}
		})
	}
	one := &SLURM{Source: "c", BGPsecFilters: []BGPsecFilter{{ASN: 9, HasASN: true}}}
	two := &SLURM{Source: "d", BGPsecAssertions: []BGPsecAssertion{{ASN: 9, SKI: make([]byte, 20)}}}
	if err := CheckOverlap([]*SLURM{one, two}); err == nil {
		t.Error("BGPsec ASN overlap accepted")
	}
}

func TestParseSLURMTrailingSpace(t *testing.T) {
	const doc = `{"slurmVersion": 1, "validationOutputFilters": {"prefixFilters": [], "bgpsecFilters": []}, "locallyAddedAssertions": {"prefixAssertions": [], "bgpsecAssertions": []}}`
	for _, tail := range []string{"", "\n", " \t\r\n\n"} {
		if _, err := ParseSLURM(strings.NewReader(doc+tail), "ok.json"); err != nil {
			t.Errorf("tail %q: %v", tail, err)
		}
	}
}

// randomPrefix draws from a small space, so that prefixes often equal,
// cover or fall under one another; a few are IPv4-mapped IPv6.
func randomPrefix(r *rand.Rand) netip.Prefix {
	switch r.IntN(8) {
	case 0:
		b := [16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(4)), byte(r.IntN(4))}
		return netip.PrefixFrom(netip.AddrFrom16(b), 28+r.IntN(24)).Masked()
	case 1:
		a := netip.AddrFrom16(netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)), 0}).As16())
		return netip.PrefixFrom(a, 100+r.IntN(20)).Masked()
	}
	a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)), byte(r.IntN(4))})
	return netip.PrefixFrom(a, 6+r.IntN(26)).Masked()
}

// TestApplySLURMOracle compares the filter index with trying every filter
// on every VRP (PrefixFilter.Matches, RFC 8416 section 3.3.1).
func TestApplySLURMOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var kept, removed int
	for round := range 200 {
		file := &SLURM{Source: "f"}
		for range r.IntN(12) {
			f := PrefixFilter{}
			switch r.IntN(3) {
			case 0:
				f.Prefix = randomPrefix(r)
			case 1:
				f.ASN, f.HasASN = bgp.ASN(1+r.IntN(4)), true
			default:
				f.Prefix, f.ASN, f.HasASN = randomPrefix(r), bgp.ASN(1+r.IntN(4)), true
			}
			file.PrefixFilters = append(file.PrefixFilters, f)
		}
		set := &Set{}
		for range 200 {
			p := randomPrefix(r)
			set.VRPs = append(set.VRPs, VRP{Prefix: p, MaxLength: uint8(p.Bits()), ASN: bgp.ASN(1 + r.IntN(5))})
		}
		set.Dedup()
		n := len(set.VRPs)
		var want []VRP
		for _, v := range set.VRPs {
			if !slices.ContainsFunc(file.PrefixFilters, func(f PrefixFilter) bool { return f.Matches(&v) }) {
				want = append(want, v)
			}
		}
		if err := set.ApplySLURM(file); err != nil {
			t.Fatal(err)
		}
		if !set.Equal(&Set{VRPs: want}) {
			t.Fatalf("round %d: filters %+v\nkept %v\nwant %v", round, file.PrefixFilters, set.VRPs, want)
		}
		removed += n - len(want)
		kept += len(want)
	}
	t.Logf("%d VRPs kept, %d removed", kept, removed)
	if kept < removed/10 || removed < kept/10 {
		t.Errorf("%d VRPs kept, %d removed: the test does not exercise both outcomes", kept, removed)
	}
}

// TestCheckOverlapOracle compares the sweep with comparing every prefix
// with every prefix of the other files (RFC 8416 section 4.2).
func TestCheckOverlapOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	overlaps := 0
	for round := range 2000 {
		files := make([]*SLURM, 1+r.IntN(4))
		for i := range files {
			files[i] = &SLURM{Source: string(rune('a' + i))}
			for range r.IntN(4) {
				if r.IntN(2) == 0 {
					files[i].PrefixFilters = append(files[i].PrefixFilters, PrefixFilter{Prefix: randomPrefix(r)})
				} else {
					files[i].PrefixAssertions = append(files[i].PrefixAssertions, PrefixAssertion{Prefix: randomPrefix(r)})
				}
			}
			if r.IntN(4) == 0 {
				files[i].PrefixFilters = append(files[i].PrefixFilters, PrefixFilter{ASN: 1, HasASN: true})
			}
		}
		want := false
		for i, f := range files {
			for _, g := range files[i+1:] {
				for _, p := range slurmPrefixes(f) {
					for _, q := range slurmPrefixes(g) {
						want = want || p.Overlaps(q)
					}
				}
			}
		}
		err := CheckOverlap(files)
		if (err != nil) != want {
			t.Fatalf("round %d: CheckOverlap %v, want overlap %v: %+v", round, err, want, files)
		}
		if want {
			overlaps++
			if !strings.Contains(err.Error(), "RFC 8416 4.2") {
				t.Errorf("error %q", err)
			}
		}
	}
	t.Logf("%d of 2000 rounds overlap", overlaps)
	if overlaps < 200 || overlaps > 1800 {
		t.Errorf("%d of 2000 rounds overlap: the test does not exercise both outcomes", overlaps)
	}
}

func slurmPrefixes(f *SLURM) []netip.Prefix {
	var out []netip.Prefix
	for _, pf := range f.PrefixFilters {
		if pf.Prefix.IsValid() {
			out = append(out, pf.Prefix)
		}
	}
	for _, pa := range f.PrefixAssertions {
		out = append(out, pa.Prefix)
	}
	return out
}
