package rpsl

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// object reads the single object of text.
func object(t *testing.T, text string) *Object {
	t.Helper()
	objs, rd := readString(t, text, nil)
	if len(objs) != 1 || rd.Stats().BadLines != 0 {
		t.Fatalf("%d objects, %+v", len(objs), rd.Stats())
	}
	return objs[0]
}

func TestParseRoute(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    func(*testing.T) *Object
		want Route
	}{
		{"irrd route", func(t *testing.T) *Object { return irrdSample(t, "route") }, Route{
			Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 65537, MntBy: []string{"TEST-MNT"}, MemberOf: []string{"RS-TEST"}, Source: "TEST"}},
		{"irrd route6", func(t *testing.T) *Object { return irrdSample(t, "route6") }, Route{
			Prefix: netip.MustParsePrefix("2001:db8::/48"), Origin: 65537, MntBy: []string{"TEST-MNT"}, Source: "TEST"}},
		{"ripe route", func(t *testing.T) *Object { return readObjects(t, "testdata/ripe-db-route.txt")[0] }, Route{
			Prefix: netip.MustParsePrefix("193.254.30.0/24"), Origin: 12726, MntBy: []string{"AS12312-MNT"}, Source: "RIPE",
			Created: time.Date(2002, 5, 21, 15, 33, 55, 0, time.UTC), LastModified: time.Date(2009, 10, 15, 9, 32, 17, 0, time.UTC)}},
		{"ripe route6", func(t *testing.T) *Object { return readObjects(t, "testdata/ripe-db-route6.txt")[2] }, Route{
			Prefix: netip.MustParsePrefix("2001:4118::/32"), Origin: 2607, MntBy: []string{"SWDB-SANET", "AS2607-MNT"}, Source: "RIPE",
			Created: time.Date(2004, 12, 30, 10, 46, 36, 0, time.UTC), LastModified: time.Date(2004, 12, 31, 9, 12, 32, 0, time.UTC)}},
		{"hierarchical member-of", func(t *testing.T) *Object {
			return object(t, "route: 194.113.52.0/23\norigin: AS702\nmember-of: AS702:RS-DE,\n AS702:rs-de-pi\n")
		}, Route{Prefix: netip.MustParsePrefix("194.113.52.0/23"), Origin: 702, MemberOf: []string{"AS702:RS-DE", "AS702:RS-DE-PI"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRoute(tc.o(t))
			if err != nil {
				t.Fatal(err)
			}
			if got.Prefix != tc.want.Prefix || got.Origin != tc.want.Origin || !slices.Equal(got.MntBy, tc.want.MntBy) ||
				!slices.Equal(got.MemberOf, tc.want.MemberOf) || got.Source != tc.want.Source ||
				!got.Created.Equal(tc.want.Created) || !got.LastModified.Equal(tc.want.LastModified) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestParseRouteErrors checks that a rejected object's error names the
// input, the line and the clause.
func TestParseRouteErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		clause     string
		reason     string
	}{
		{"not a route", "aut-num: AS1\n", 1, "RFC 2622 4", "not a route or route6"},
		{"not a prefix", "route: not-a-prefix\norigin: AS1\n", 1, "RFC 2622 4", `no "/"`},
		{"host bits", "route: 192.0.2.1/24\norigin: AS1\n", 1, "RFC 2622 4", "bits set after the prefix length"},
		{"length", "route: 192.0.2.0/33\norigin: AS1\n", 1, "RFC 2622 4", "length must be 0-32"},
		{"v6 in route", "route: 2001:db8::/32\norigin: AS1\n", 1, "RFC 2622 4", "not an IPv4 prefix"},
		{"v4 in route6", "route6: 192.0.2.0/24\norigin: AS1\n", 1, "RFC 4012 3", "not an IPv6 prefix"},
		{"zone", "route6: fe80::%eth0/64\norigin: AS1\n", 1, "RFC 4012 3", "zone"},
		{"no origin", "route: 192.0.2.0/24\nmnt-by: A\n", 1, "RFC 2622 4", "no origin"},
		{"two origins", "route: 192.0.2.0/24\norigin: AS1\norigin: AS2\n", 3, "RFC 2622 4", "more than once"},
		{"two route attributes", "route: 192.0.2.0/24\nroute: 192.0.3.0/24\norigin: AS1\n", 2, "RFC 2622 4", "more than once"},
		{"origin without AS", "route: 192.0.2.0/24\norigin: 65537\n", 2, "RFC 2622 4", `does not start with "AS"`},
		{"origin too large", "route: 192.0.2.0/24\norigin: AS4294967296\n", 2, "RFC 2622 4", "0-4294967295"},
		{"bad created", "route: 192.0.2.0/24\norigin: AS1\ncreated: 2002-05-21\n", 3, "RIPE timestamps", "RFC 3339"},
		{"member-of an as-set", "route: 192.0.2.0/24\norigin: AS1\nmember-of: AS-FOO\n", 3, "RFC 2622 4", "not a route-set name"},
		{"bad source", "route: 192.0.2.0/24\norigin: AS1\nsource: +TEST$$$\n", 3, "RFC 2622 4", "registry name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := object(t, tc.text)
			_, err := ParseRoute(o)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Name != "test" || pe.Line != tc.line || pe.Clause != tc.clause || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %v; want test, line %d, %s, %q", err, tc.line, tc.clause, tc.reason)
			}
			if !strings.HasPrefix(err.Error(), "rpsl: test: line ") {
				t.Errorf("error %q does not start with the input and line", err)
			}
		})
	}
	// IRRd's malformed samples.
	for _, f := range []string{"malformed-pk", "malformed-source", "invalid-multiple-attribute"} {
		o := readObjects(t, "testdata/irrd/"+f+".txt")[0]
		if f == "invalid-multiple-attribute" {
			// Two source attributes: the first one counts.
			if r, err := ParseRoute(o); err != nil || r.Source != "TEST" {
				t.Errorf("%s: %+v, %v", f, r, err)
			}
			continue
		}
		if _, err := ParseRoute(o); err == nil || !strings.Contains(err.Error(), f+".txt: line ") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestParseAutNum(t *testing.T) {
	a, err := ParseAutNum(irrdSample(t, "aut-num"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ASN != 65537 || a.Name != "TEST-AS" || len(a.Imports) != 13 || len(a.Exports) != 13 || len(a.MpImports) != 2 || len(a.MpExports) != 2 ||
		a.Imports[0] != "from AS3356 accept ANY" || a.MpExports[1] != "afi ipv6.unicast to AS9002 announce AS-SETTEST" ||
		!slices.Equal(a.AdminC, []string{"PERSON-TEST"}) || !slices.Equal(a.TechC, []string{"PERSON-TEST"}) ||
		!slices.Equal(a.MntBy, []string{"TEST-MNT"}) || a.Source != "TEST" {
		t.Fatalf("%+v", a)
	}
	ripe := object(t, `aut-num:        AS3333
as-name:        RIPE-NCC-AS
member-of:      AS-RIPENCC, as3333:AS-Test
import:         from AS1 accept ANY # transit
                  AND NOT AS-BOGONS
org:            ORG-RIEN1-RIPE
admin-c:        BRD-RIPE
tech-c:         OPS4-RIPE
abuse-c:        ops4-ripe
mnt-by:         RIPE-NCC-MNT
created:        2002-09-17T14:37:54Z
last-modified:  2024-01-10T10:58:00Z
source:         RIPE
`)
	a, err = ParseAutNum(ripe)
	if err != nil {
		t.Fatal(err)
	}
	if a.ASN != 3333 || a.Org != "ORG-RIEN1-RIPE" || !slices.Equal(a.MemberOf, []string{"AS-RIPENCC", "AS3333:AS-TEST"}) ||
		a.Imports[0] != "from AS1 accept ANY\nAND NOT AS-BOGONS" || !slices.Equal(a.AbuseC, []string{"OPS4-RIPE"}) || a.LastModified.Year() != 2024 {
		t.Fatalf("%+v", a)
	}
	for _, tc := range []struct{ text, reason string }{
		{"aut-num: 3333\n", `does not start with "AS"`},
		{"aut-num: AS-FOO\n", "not a number"},
		{"aut-num: AS1\nas-name: A\nas-name: B\n", "more than once"},
		{"aut-num: AS1\nmember-of: RS-FOO\n", "not an as-set name"},
		{"route: 192.0.2.0/24\n", "not an aut-num"},
	} {
		if _, err := ParseAutNum(object(t, tc.text)); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.reason)
		}
	}
}

func TestParseASSet(t *testing.T) {
	s, err := ParseASSet(irrdSample(t, "as-set"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "AS65537:AS-SETTEST" || !slices.Equal(s.Members, []string{"AS65538", "AS65539", "AS65537", "AS-OTHERSET"}) || len(s.Invalid) != 0 || s.Source != "TEST" {
		t.Fatalf("%+v", s)
	}
	o := object(t, `as-set:     as-example
members:    AS1, as002, AS1.10, as-foo, AS3333:AS-BAR:AS1
members:    AS1-AS5, RS-FOO, AS-ANY, 192.0.2.0/24
members:    AS10 - AS12
mbrs-by-ref: any
source:     radb
`)
	s, err = ParseASSet(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"AS1", "AS2", "AS65546", "AS-FOO", "AS3333:AS-BAR:AS1", "AS10", "AS12"}
	if s.Name != "AS-EXAMPLE" || !slices.Equal(s.Members, want) || !slices.Equal(s.MbrsByRef, []string{"ANY"}) || s.Source != "RADB" {
		t.Fatalf("%+v", s)
	}
	var reasons []string
	for _, e := range s.Invalid {
		var pe *ParseError
		if !errors.As(e, &pe) || pe.Line == 0 || pe.Clause != "RFC 2622 5.1" {
			t.Errorf("invalid member error %v", e)
		}
		reasons = append(reasons, e.Error())
	}
	if len(reasons) != 5 || !strings.Contains(reasons[0], `"AS1-AS5"`) || !strings.Contains(reasons[1], "route-set name") ||
		!strings.Contains(reasons[2], "predefined") || !strings.Contains(reasons[4], `"-"`) {
		t.Fatalf("invalid: %q", reasons)
	}
	for _, text := range []string{"as-set: RS-FOO\n", "as-set: FOO\n", "as-set: AS-ANY\n", "as-set: AS1\n", "as-set: AS-FOO-\n"} {
		if _, err := ParseASSet(object(t, text)); err == nil || !strings.Contains(err.Error(), "RFC 2622 5:") {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestParseRouteSet(t *testing.T) {
	s, err := ParseRouteSet(irrdSample(t, "route-set"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "RS-TEST" || !slices.Equal(s.Members, []string{"RS-OTHER-SET"}) || !slices.Equal(s.MpMembers, []string{"2001:db8::/48"}) ||
		!slices.Equal(s.MbrsByRef, []string{"TEST-MNT"}) || len(s.Invalid) != 0 {
		t.Fatalf("%+v", s)
	}
	o := object(t, `route-set:  AS3333:RS-EXAMPLE
members:    192.0.2.0/24^+, 192.0.2.0/24^24-32, 10.0.0.0/8^-, 10.0.0.0/8^16,
            rs-foo^+, AS1, AS-BAR^32, AS2^-
members:    2001:db8::/32, 192.0.2.0/24^16-24, 192.0.2.1/24, 10.0.0.0/8^33, RTRS-X
mp-members: 2001:db8::/32^48-64, 192.0.2.0/24, RS-V6
`)
	s, err = ParseRouteSet(o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Members, []string{"192.0.2.0/24^+", "192.0.2.0/24^24-32", "10.0.0.0/8^-", "10.0.0.0/8^16", "RS-FOO^+", "AS1", "AS-BAR^32", "AS2^-"}) ||
		!slices.Equal(s.MpMembers, []string{"2001:db8::/32^48-64", "192.0.2.0/24", "RS-V6"}) || len(s.Invalid) != 5 {
		t.Fatalf("%+v", s)
	}
	for i, reason := range []string{"mp-members", "range starts shorter", "bits set", "range longer", "rtr-set name"} {
		if !strings.Contains(s.Invalid[i].Error(), reason) || !strings.Contains(s.Invalid[i].Error(), "line 4") {
			t.Errorf("invalid %d: %v, want %q", i, s.Invalid[i], reason)
		}
	}
}

func TestParseMntner(t *testing.T) {
	m, err := ParseMntner(irrdSample(t, "mntner"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Auth{{"PGPKEY", "80F238C6"}, {"CRYPT-PW", "LEuuhsBJNFV0Q"}, {"MD5-PW", "$1$fgW84Y9r$kKEn9MUq8PChNKpQhO6BM."}, {"BCRYPT-PW", "$2b$12$RMrlONJ0tasnpo.zHDF.yuYm/Gb1ARmIjP097ZoIWBn9YLIM2ao5W"}}
	if m.Name != "TEST-MNT" || !slices.Equal(m.Auth, want) || !slices.Equal(m.UpdTo, []string{"upd-to@example.net"}) ||
		!slices.Equal(m.MntNfy, []string{"mnt-nfy@example.net", "mnt-nfy2@example.net"}) || !slices.Equal(m.MntBy, []string{"TEST-MNT", "OTHER1-MNT", "OTHER2-MNT"}) {
		t.Fatalf("%+v", m)
	}
	for _, tc := range []struct {
		in   string
		want Auth
	}{
		{"NONE", Auth{"NONE", ""}},
		{"mail-from  dbm@example.net", Auth{"MAIL-FROM", "dbm@example.net"}},
		{"X509-1", Auth{"X509", "1"}},
		{"SSO user@example.net", Auth{"SSO", "user@example.net"}},
	} {
		if got, err := ParseAuth(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseAuth(%q) = %+v, %v", tc.in, got, err)
		}
	}
	if _, err := ParseMntner(object(t, "mntner: A\nauth:\n")); err == nil || !strings.Contains(err.Error(), "RFC 2725 9") {
		t.Errorf("empty auth: %v", err)
	}
}

func TestParseContact(t *testing.T) {
	p, err := ParseContact(irrdSample(t, "person"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Class != "person" || p.Name != "Test person" || p.NICHandle != "PERSON-TEST" || !slices.Equal(p.Emails, []string{"email@example.com"}) ||
		!slices.Equal(p.Phones, []string{"+31 20 000 0000"}) {
		t.Fatalf("%+v", p)
	}
	r, err := ParseContact(irrdSample(t, "role"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Class != "role" || r.Name != "DashCare BV" || r.NICHandle != "ROLE-TEST" || !slices.Equal(r.Emails, []string{"unread@example.com"}) {
		t.Fatalf("%+v", r)
	}
	for _, text := range []string{"person: X\n", "person: X\nnic-hdl: A\nnic-hdl: B\n", "role: X\nnic-hdl: A B\n", "mntner: X\n"} {
		if _, err := ParseContact(object(t, text)); err == nil || !strings.Contains(err.Error(), "RFC 2622 3") {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestKeyErrors(t *testing.T) {
	for _, text := range []string{
		"route: 192.0.2.0/24\n",
		"aut-num: ASX\n",
		"as-set: FOO\n",
		"route-set: AS-FOO\n",
		"person: X\n",
		"inetnum: 192.0.2.255 - 192.0.2.0\n",
		"inetnum: 192.0.2.0\n",
		"inet6num: 192.0.2.0/24\n",
		"as-block: AS5 - AS1\n",
		"mntner:\n",
	} {
		if k, err := object(t, text).Key(); err == nil {
			t.Errorf("%q: key %q", text, k)
		}
	}
	if k, err := object(t, "inetnum: 192.0.2.0-192.0.2.255\n").Key(); err != nil || k != "192.0.2.0 - 192.0.2.255" {
		t.Errorf("inetnum: %q, %v", k, err)
	}
	if k, err := object(t, "mntner: a-mnt\n").Key(); err != nil || k != "A-MNT" {
		t.Errorf("mntner: %q, %v", k, err)
	}
}

// TestViewsDoNotPin checks that views hold no memory of their object:
// changing the object's text leaves the view alone.
func TestViewsDoNotPin(t *testing.T) {
	o := object(t, "route: 192.0.2.0/24\norigin: AS1\nmnt-by: MAINT-X\nsource: RIPE\n")
	r, err := ParseRoute(o)
	if err != nil {
		t.Fatal(err)
	}
	o.Attrs[2].Value = "OTHER"
	if r.MntBy[0] != "MAINT-X" || r.Origin != bgp.ASN(1) {
		t.Fatal(r)
	}
}
