package advise

import (
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/advise -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/advise -update if the change is intended)\n got:\n%s", path, got)
	}
}

func loadDB(t testing.TB) *irr.DB {
	t.Helper()
	f, err := os.Open("testdata/advise.db")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db := irr.New("RIPE", "RADB")
	if st, err := db.Load(f, "advise.db", irr.LoadOptions{Strict: true}); err != nil || st.Bad() != 0 {
		t.Fatalf("load advise.db: %+v %v", st, err)
	}
	return db
}

func loadVRPs(t testing.TB) []rpki.VRP {
	t.Helper()
	f, err := os.Open("testdata/advise-vrps.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, _, err := rpki.Load(f, "advise-vrps.csv", rpki.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set.VRPs
}

func announce(t testing.TB, s string) []Announcement {
	t.Helper()
	var out []Announcement
	for i, f := range strings.Fields(s) {
		out = append(out, Announcement{Prefix: netip.MustParsePrefix(f), Peers: 6 - i%3})
	}
	return out
}

// exampleAnnounced are what AS64500 announces in the tests: a valid
// prefix, one with nothing, a /24 with both its /25s, a prefix a ROA of
// another origin makes invalid, one a ROA of its own makes invalid for
// its length, and one under a ROA whose maxLength admits more.
const exampleAnnounced = "192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 203.0.113.0/25 203.0.113.128/25 2001:db8:1::/48 2001:db8:2::/48 10.0.1.0/24"

func example(t testing.TB) *Report {
	return Advise(Input{ASN: 64500, Announced: announce(t, exampleAnnounced), VRPs: loadVRPs(t), IRR: loadDB(t), Period: "in the test"})
}

// find returns the advice of a kind about a prefix and origin.
func find(r *Report, k Kind, prefix string, asn bgp.ASN) (Advice, bool) {
	p := netip.MustParsePrefix(prefix)
	for _, a := range r.Advice {
		if a.Kind == k && a.Prefix == p && a.ASN == asn {
			return a, true
		}
	}
	return Advice{}, false
}

func prefixesOf(t testing.TB, s string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Fields(s) {
		out = append(out, netip.MustParsePrefix(f))
	}
	return out
}

func TestROAMissing(t *testing.T) {
	r := example(t)
	for _, c := range []struct {
		prefix    string
		maxLength int
		covers    string
		reason    string
	}{
		{"198.51.100.0/24", 24, "198.51.100.0/24", "not-found: no ROA covers it"},
		// Both halves announced: one ROA with maxLength 25.
		{"203.0.113.0/24", 25, "203.0.113.0/24 203.0.113.0/25 203.0.113.128/25", "one ROA with maxLength 25"},
		{"2001:db8:1::/48", 48, "2001:db8:1::/48", "invalid (as)"},
		{"2001:db8:2::/48", 48, "2001:db8:2::/48", "invalid (as)"}, // AS64511's /32-48 allows the length
	} {
		a, ok := find(r, ROAMissing, c.prefix, 64500)
		if !ok {
			t.Errorf("no roa-missing for %s", c.prefix)
			continue
		}
		if a.MaxLength != c.maxLength || !slices.Equal(a.Covers, prefixesOf(t, c.covers)) || !strings.Contains(a.Reason, c.reason) {
			t.Errorf("%s: maxLength %d covers %v reason %q", c.prefix, a.MaxLength, a.Covers, a.Reason)
		}
	}
	for _, p := range []string{"192.0.2.0/24", "203.0.113.0/25", "10.0.1.0/24"} {
		if _, ok := find(r, ROAMissing, p, 64500); ok {
			t.Errorf("roa-missing for %s", p)
		}
	}
}

// TestROAAggregation checks RFC 9319 section 5: a ROA with maxLength only
// where every more-specific up to it is announced.
func TestROAAggregation(t *testing.T) {
	for _, c := range []struct {
		name, announced string
		want            []string // prefix/maxLength of the ROAs to create
	}{
		{"one", "198.51.100.0/24", []string{"198.51.100.0/24-24"}},
		{"both halves", "198.51.100.0/24 198.51.100.0/25 198.51.100.128/25", []string{"198.51.100.0/24-25"}},
		{"one half", "198.51.100.0/24 198.51.100.0/25", []string{"198.51.100.0/24-24", "198.51.100.0/25-25"}},
		{"two levels", "198.51.100.0/24 198.51.100.0/25 198.51.100.128/25 198.51.100.0/26 198.51.100.64/26 198.51.100.128/26 198.51.100.192/26", []string{"198.51.100.0/24-26"}},
		{"second level incomplete", "198.51.100.0/24 198.51.100.0/25 198.51.100.128/25 198.51.100.0/26", []string{"198.51.100.0/24-25", "198.51.100.0/26-26"}},
		{"halves without the aggregate", "198.51.100.0/25 198.51.100.128/25", []string{"198.51.100.0/25-25", "198.51.100.128/25-25"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Advise(Input{ASN: 64500, Announced: announce(t, c.announced), VRPs: []rpki.VRP{}})
			var got []string
			for _, a := range r.Advice {
				if a.Kind == ROAMissing {
					got = append(got, a.Prefix.String()+"-"+strconv.Itoa(a.MaxLength))
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("ROAs %v, want %v", got, c.want)
			}
		})
	}
}

func TestROAInvalid(t *testing.T) {
	r := example(t)
	a, ok := find(r, ROAInvalid, "2001:db8::/32", 64511)
	if !ok || a.MaxLength != 48 || !slices.Equal(a.Covers, prefixesOf(t, "2001:db8:1::/48 2001:db8:2::/48")) || !strings.Contains(a.Reason, "authorises AS64511, not AS64500") || a.TA != "ripe" {
		t.Errorf("wrong origin: %+v %v", a, ok)
	}
	a, ok = find(r, ROAInvalid, "2001:db8:2::/47", 64500)
	if !ok || !slices.Equal(a.Covers, prefixesOf(t, "2001:db8:2::/48")) || !strings.Contains(a.Reason, "only up to /47") {
		t.Errorf("too short maxLength: %+v %v", a, ok)
	}
	r = Advise(Input{ASN: 64500, Announced: announce(t, "192.0.2.0/24"), VRPs: []rpki.VRP{{Prefix: netip.MustParsePrefix("192.0.0.0/16"), MaxLength: 32, ASN: 0}}})
	if a, ok := find(r, ROAInvalid, "192.0.0.0/16", 0); !ok || !strings.Contains(a.Reason, "AS0") {
		t.Errorf("AS0: %+v %v", a, ok)
	}
}

func TestROAMaxLength(t *testing.T) {
	r := example(t)
	a, ok := find(r, ROAMaxLength, "10.0.0.0/16", 64500)
	if !ok || a.MaxLength != 24 || !slices.Equal(a.Covers, prefixesOf(t, "10.0.1.0/24")) || !strings.Contains(a.Reason, "announces only 10.0.1.0/24") {
		t.Errorf("loose maxLength: %+v %v", a, ok)
	}
	// A maxLength whose every more-specific is announced is no advice.
	vrps := []rpki.VRP{{Prefix: netip.MustParsePrefix("198.51.100.0/24"), MaxLength: 25, ASN: 64500}}
	r = Advise(Input{ASN: 64500, Announced: announce(t, "198.51.100.0/24 198.51.100.0/25 198.51.100.128/25"), VRPs: vrps})
	if !r.Clean {
		t.Errorf("exact maxLength: %+v", r.Advice)
	}
	r = Advise(Input{ASN: 64500, Announced: announce(t, "198.51.100.0/24 198.51.100.0/25"), VRPs: vrps})
	if a, ok := find(r, ROAMaxLength, "198.51.100.0/24", 64500); !ok || !strings.Contains(a.Reason, "announces only 198.51.100.0/24 198.51.100.0/25") {
		t.Errorf("half announced: %+v", r.Advice)
	}
}

func TestRouteMissing(t *testing.T) {
	r := example(t)
	a, ok := find(r, RouteMissing, "198.51.100.0/24", 64500)
	want := "route:          198.51.100.0/24\norigin:         AS64500\nmnt-by:         MAINT-EXAMPLE\nsource:         RIPE\n"
	if !ok || a.Object == nil || a.Object.String() != want {
		t.Errorf("route-missing: %+v %v\n%s", a, ok, a.Object)
	}
	if r.MntByFrom != "aut-num" || r.SourceFrom != "aut-num" {
		t.Errorf("defaults from %s, %s", r.MntByFrom, r.SourceFrom)
	}
	for _, p := range []string{"192.0.2.0/24", "2001:db8:1::/48", "2001:db8:2::/48", "10.0.1.0/24"} {
		if _, ok := find(r, RouteMissing, p, 64500); ok {
			t.Errorf("route-missing for %s, which is registered", p)
		}
	}
	// The names given, and the placeholder without an aut-num.
	r = Advise(Input{ASN: 64501, Announced: announce(t, "2001:db8:9::/48"), IRR: loadDB(t), MntBy: "MNT-FOO", Source: "altdb"})
	a, _ = find(r, RouteMissing, "2001:db8:9::/48", 64501)
	if a.Object == nil || a.Object.String() != "route6:         2001:db8:9::/48\norigin:         AS64501\nmnt-by:         MNT-FOO\nsource:         ALTDB\n" {
		t.Errorf("given names: %v", a.Object)
	}
	r = Advise(Input{ASN: 64501, Announced: announce(t, "2001:db8:9::/48"), IRR: loadDB(t)})
	if r.MntBy != PlaceholderMntBy || r.Source != DefaultSource {
		t.Errorf("no aut-num: %s %s", r.MntBy, r.Source)
	}
	r = Advise(Input{ASN: 64511, Announced: announce(t, "2001:db8:9::/48"), IRR: loadDB(t)})
	if r.Source != "RADB" || r.SourceFrom != "route objects" {
		t.Errorf("source of the other route objects: %s %s", r.Source, r.SourceFrom)
	}
}

func TestRouteConflict(t *testing.T) {
	r := example(t)
	for _, c := range []struct {
		prefix string
		asn    bgp.ASN
		rpki   string
		reason string
	}{
		{"192.0.2.0/24", 64999, "invalid (as)", "the RPKI says AS64999 may not originate it"},
		{"192.0.2.64/26", 64666, "invalid (length)", "a more-specific of 192.0.2.0/24"},
		{"2001:db8:1::/48", 64511, "valid", "the RPKI authorises AS64511 too"},
	} {
		a, ok := find(r, RouteConflict, c.prefix, c.asn)
		if !ok || a.RPKI != c.rpki || !strings.Contains(a.Reason, c.reason) || len(a.Sources) != 1 || a.Sources[0] != "RADB" {
			t.Errorf("%s %s: %+v %v", c.prefix, c.asn, a, ok)
		}
	}
}

func TestRouteStale(t *testing.T) {
	r := example(t)
	a, ok := find(r, RouteStale, "192.0.2.128/25", 64500)
	if !ok || a.RPKI != "invalid (length)" || !strings.Contains(a.Reason, "not announced by AS64500 in the test, and RPKI-invalid as registered") {
		t.Errorf("stale: %+v %v", a, ok)
	}
	n := 0
	for _, a := range r.Advice {
		if a.Kind == RouteStale {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d stale objects, want 1", n)
	}
}

// TestStored checks advice from the observatory's stored states, without
// VRPs or IRR data.
func TestStored(t *testing.T) {
	an := []Announcement{
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Peers: 4, Stored: &Stored{RPKI: rov.Valid, IRR: true}},
		{Prefix: netip.MustParsePrefix("198.51.100.0/24"), Peers: 3, Stored: &Stored{RPKI: rov.NotFound, IRR: false}},
		{Prefix: netip.MustParsePrefix("203.0.113.0/24"), Peers: 2, Stored: &Stored{RPKI: rov.Invalid, IRR: true}},
	}
	r := Advise(Input{ASN: 64500, Announced: an, Period: "2026-10-01"})
	var kinds []string
	for _, a := range r.Advice {
		kinds = append(kinds, string(a.Kind)+" "+a.Prefix.String())
	}
	want := []string{"roa-missing 198.51.100.0/24", "roa-missing 203.0.113.0/24", "route-missing 198.51.100.0/24"}
	if !slices.Equal(kinds, want) {
		t.Errorf("advice %v, want %v", kinds, want)
	}
	if r.Prefixes[2].RPKI != "invalid" || !r.Prefixes[0].Registered || r.Prefixes[1].Registered {
		t.Errorf("prefixes %+v", r.Prefixes)
	}
}

func TestClean(t *testing.T) {
	r := Advise(Input{ASN: 64500, Announced: announce(t, "192.0.2.0/24"),
		VRPs: []rpki.VRP{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLength: 24, ASN: 64500}}, IRR: loadDB(t)})
	// 192.0.2.128/25 is registered and not announced; AS64999's object
	// conflicts.
	if r.Clean {
		t.Fatal("clean with a stale and a conflicting object")
	}
	db := irr.New()
	if _, err := db.Load(strings.NewReader("route: 192.0.2.0/24\norigin: AS64500\nsource: RIPE\n"), "one.db", irr.LoadOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	r = Advise(Input{ASN: 64500, Announced: announce(t, "192.0.2.0/24"),
		VRPs: []rpki.VRP{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLength: 24, ASN: 64500}}, IRR: db})
	var b strings.Builder
	if err := r.WriteText(&b); err != nil || !r.Clean || !strings.Contains(b.String(), "no advice") {
		t.Errorf("clean: %v %v\n%s", r.Clean, err, b.String())
	}
	js, _ := json.Marshal(r)
	if !strings.Contains(string(js), `"clean":true`) || !strings.Contains(string(js), `"advice":[]`) {
		t.Errorf("json %s", js)
	}
}

func TestGolden(t *testing.T) {
	r := example(t)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "example.txt", b.String())
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "example.json", string(js)+"\n")
}

func TestParseObjectName(t *testing.T) {
	for _, ok := range []string{"MNT-FOO", "RIPE", "RIPE-NONAUTH", "a", "MAINT_AS64500", "ALTDB2"} {
		if _, err := ParseObjectName("mnt-by", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1MNT", "MNT-", "MNT FOO", "MNT#x", "MNT\nsource: EVIL", "-X", strings.Repeat("A", MaxNameLen+1), "MNT:X"} {
		if _, err := ParseObjectName("mnt-by", bad); err == nil || !strings.HasPrefix(err.Error(), "mnt-by") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
