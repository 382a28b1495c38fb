package filter

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

func loadPolicyDB(tb testing.TB) *irr.DB {
	tb.Helper()
	f, err := os.Open("testdata/policy.db")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	db := irr.New()
	if st, err := db.Load(f, "policy.db", irr.LoadOptions{Strict: true}); err != nil || st.Bad() != 0 {
		tb.Fatalf("%+v, %v", st, err)
	}
	return db
}

// summary renders an expansion on one line per field, for comparison.
func summary(x *Expansion) string {
	var b strings.Builder
	fmt.Fprintf(&b, "asns %v\n", x.ASNs)
	for _, r := range x.Routes {
		fmt.Fprintf(&b, "route %s %v\n", r.Prefix, r.Origins)
	}
	for _, r := range x.Ranges {
		fmt.Fprintf(&b, "range %s %d-%d %v %s\n", r.Prefix, r.Lo, r.Hi, r.Origins, r.From)
	}
	for _, r := range x.TooLong {
		fmt.Fprintf(&b, "too long %s %v\n", r.Prefix, r.Origins)
	}
	for _, s := range x.Skipped {
		fmt.Fprintf(&b, "skipped %s: %s\n", s.ASN, s.Reason)
	}
	fmt.Fprintf(&b, "sets %v unknown %v missing %v truncated %v\n", x.Sets, x.Unknown, x.MissingSources, x.Truncated)
	return b.String()
}

func TestExpand(t *testing.T) {
	db := loadPolicyDB(t)
	for _, c := range []struct {
		name string
		args []string
		opt  ExpandOptions
		want string
	}{
		{"as-set with a cycle, a private ASN and an unknown set", []string{"AS-TEST"}, ExpandOptions{Routes: true}, `asns [AS2121 AS3333]
route 10.0.0.0/8 [AS3333]
route 193.0.0.0/21 [AS3333]
route 193.0.20.0/23 [AS2121]
route 193.0.22.0/23 [AS2121]
route 193.0.30.0/24 [AS2121]
skipped AS64512: private-use ASN (RFC 6996)
sets [AS-NESTED AS-TEST] unknown [AS-MISSING] missing [] truncated false
`},
		{"special ASNs kept (-p)", []string{"AS-TEST"}, ExpandOptions{Routes: true, Special: true, V6: true}, `asns [AS2121 AS3333 AS64512]
route 2001:67c:2e8::/48 [AS3333]
sets [AS-NESTED AS-TEST] unknown [AS-MISSING] missing [] truncated false
`},
		{"EXCEPT and maximum length", []string{"AS-TEST", "EXCEPT", "AS2121"}, ExpandOptions{Routes: true, MaxLength: 16}, `asns [AS3333]
route 10.0.0.0/8 [AS3333]
too long 193.0.0.0/21 [AS3333]
skipped AS2121: after EXCEPT (AS2121)
skipped AS64512: private-use ASN (RFC 6996)
sets [AS-NESTED AS-TEST] unknown [AS-MISSING] missing [] truncated false
`},
		{"sources", []string{"AS2121", "AS1"}, ExpandOptions{Routes: true, Sources: []string{"radb", "APNIC"}}, `asns [AS1 AS2121]
route 193.0.30.0/24 [AS1]
sets [] unknown [] missing [APNIC] truncated false
`},
		{"a source for the set", []string{"RADB::AS-TEST", "RIPE::AS-NESTED"}, ExpandOptions{}, `asns [AS2121 AS3333]
skipped AS64512: private-use ASN (RFC 6996)
sets [AS-NESTED AS-TEST] unknown [AS-MISSING RADB::AS-TEST] missing [] truncated false
`},
		{"only sources the DB lacks", []string{"AS-TEST", "APNIC::AS-TEST"}, ExpandOptions{Routes: true, Sources: []string{"APNIC"}}, `asns []
sets [] unknown [APNIC::AS-TEST AS-TEST] missing [APNIC] truncated false
`},
		{"depth", []string{"AS-TEST"}, ExpandOptions{MaxDepth: 1}, `asns [AS3333]
skipped AS64512: private-use ASN (RFC 6996)
sets [AS-TEST] unknown [AS-MISSING] missing [] truncated true
`},
		{"route-set, prefix objects", []string{"RS-TEST", "198.51.100.0/24^-"}, ExpandOptions{Routes: true, MaxLength: 28}, `asns []
range 193.0.0.0/21 22-23 [] RS-TEST
range 193.0.20.0/23 23-23 [AS2121] RS-TEST
range 193.0.22.0/23 23-23 [AS2121] RS-TEST
range 193.0.30.0/24 24-24 [AS2121] RS-TEST
range 198.51.100.0/24 25-28 [] 198.51.100.0/24^-
range 203.0.113.0/24 24-28 [] RS-TEST
sets [RS-TEST] unknown [] missing [] truncated false
`},
		{"route-sets are for prefix lists", []string{"RS-TEST", "AS2121"}, ExpandOptions{}, `asns [AS2121]
sets [] unknown [] missing [] truncated false
`},
		{"ASes without routes (-w)", []string{"AS3333", "AS9"}, ExpandOptions{Validate: true, V6: true}, `asns [AS3333]
skipped AS9: no route6 objects (-w)
sets [] unknown [] missing [] truncated false
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := ParseQuery(c.args)
			if err != nil {
				t.Fatal(err)
			}
			x, err := Expand(db, q, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(x); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	db := loadPolicyDB(t)
	for _, c := range []struct {
		args []string
		opt  ExpandOptions
		want string
	}{
		{[]string{"192.0.2.0/24"}, ExpandOptions{V6: true}, "not an IPv6 prefix"},
		{[]string{"2001:db8::/32"}, ExpandOptions{}, "not an IPv4 prefix"},
		{[]string{"192.0.2.0/24"}, ExpandOptions{MaxLength: 16}, "longer than the maximum length /16"},
	} {
		q, err := ParseQuery(c.args)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Expand(db, q, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}

func TestSpecialASN(t *testing.T) {
	for asn, want := range map[bgp.ASN]bool{
		0: false, 112: false, 23456: false, 64495: false, 64496: true, 64511: true, 64512: true, 65534: true,
		65535: true, 65536: true, 65551: true, 65552: false, 4199999999: false, 4200000000: true, 4294967295: true,
	} {
		if _, got := SpecialASN(asn); got != want {
			t.Errorf("%s: %v, want %v", asn, got, want)
		}
	}
}

// TestPolicyOrigins: a prefix is RPKI invalid only when the route of
// every origin of the query registering it is.
func TestPolicyOrigins(t *testing.T) {
	p := netip.MustParsePrefix("192.0.2.0/24")
	ix := rov.New([]rpki.VRP{{Prefix: p, MaxLength: 24, ASN: 64501}})
	pol := Policy{RPKI: ix, RPKIAction: Drop}
	x := &Expansion{Routes: []Route{{Prefix: p, Origins: []bgp.ASN{64500, 64501}}}}
	l, notes := Build(x, Options{}, pol)
	if len(l.Entries) != 1 || len(notes) != 0 {
		t.Errorf("a valid origin among two: entries %v, notes %v", l.Entries, notes)
	}
	x.Routes[0].Origins = []bgp.ASN{64500, 64502}
	l, notes = Build(x, Options{}, pol)
	if len(l.Entries) != 0 || len(notes) != 1 || notes[0].Reason != ReasonRPKIInvalid ||
		notes[0].Detail != "AS64500: as, AS64502: as; VRPs 192.0.2.0/24-24 AS64501" {
		t.Errorf("two invalid origins: entries %v, notes %+v", l.Entries, notes)
	}
	// Bogons drop, RPKI annotates: the prefix goes, with both notes.
	pol = Policy{RPKI: ix, RPKIAction: Annotate, Bogons: bogon.Default(), BogonAction: Drop}
	l, notes = Build(x, Options{}, pol)
	if len(l.Entries) != 0 || len(notes) != 2 || notes[0].Reason != ReasonBogon || notes[1].Action != Annotate {
		t.Errorf("bogon and invalid: entries %v, notes %+v", l.Entries, notes)
	}
	if a, err := ParseAction("annotate"); err != nil || a != Annotate || a.String() != "annotate" {
		t.Errorf("ParseAction: %v %v", a, err)
	}
	if _, err := ParseAction("keep"); err == nil {
		t.Error("ParseAction(keep) succeeded")
	}
}

func TestReportText(t *testing.T) {
	db := loadPolicyDB(t)
	q, err := ParseQuery([]string{"AS-TEST", "RS-TEST", "EXCEPT", "AS9"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := Expand(db, q, ExpandOptions{Routes: true, MaxLength: 22})
	if err != nil {
		t.Fatal(err)
	}
	pol := Policy{Bogons: bogon.Default(), BogonAction: Annotate}
	o := Options{MaxLength: 22, ASWidth: -1}
	l, notes := Build(x, o, pol)
	f, _ := LookupFormat("ios")
	var b strings.Builder
	if err := NewReport(db, f, q, x, l, notes, nil).WriteText(&b, "report: "); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.String())
}
