package rpki

import (
	"net/netip"
	"os"
	"path/filepath"
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
		{"trailing data", doc(``, ``) + ` {}`, "data after"},
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
