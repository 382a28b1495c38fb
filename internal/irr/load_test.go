package irr

import (
	"bytes"
	"errors"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// rpslTestdata holds the real RPSL samples of package rpsl, with their
// provenance in testdata/PROVENANCE.md.
const rpslTestdata = "../rpsl/testdata"

func readFile(tb testing.TB, file string) []byte {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// loadFile loads file into db and fails on an error.
func loadFile(tb testing.TB, db *DB, file string, opt LoadOptions) Stats {
	tb.Helper()
	st, err := db.Load(bytes.NewReader(readFile(tb, file)), filepath.Base(file), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// loadString loads text into db and fails on an error or a rejected
// object.
func loadString(tb testing.TB, db *DB, text string) {
	tb.Helper()
	st, err := db.Load(strings.NewReader(text), "test", LoadOptions{})
	if err != nil || st.Bad() != 0 || st.BadLines != 0 {
		tb.Fatalf("%+v, %v", st, err)
	}
}

// setsDB returns a DB of testdata/sets.txt with sources in the given
// order.
func setsDB(tb testing.TB, order ...string) *DB {
	tb.Helper()
	db := New(order...)
	st := loadFile(tb, db, "testdata/sets.txt", LoadOptions{})
	if st.Bad() != 0 || st.BadLines != 0 {
		tb.Fatalf("%+v", st)
	}
	return db
}

var pfx = netip.MustParsePrefix

// TestLoadRIPE loads the RIPE excerpts: every route and route6 object
// the rpsl views accept is found again, in source RIPE, and nothing else
// is.
func TestLoadRIPE(t *testing.T) {
	for _, tc := range []struct {
		file    string
		v6      bool
		objects int
	}{
		{"ripe-db-route.txt", false, 62},
		{"ripe-db-route6.txt", true, 62},
	} {
		t.Run(tc.file, func(t *testing.T) {
			file := filepath.Join(rpslTestdata, tc.file)
			db := New("RIPE")
			st := loadFile(t, db, file, LoadOptions{Source: "RIPE", Strict: true})
			if st.Objects != tc.objects || st.Indexed != tc.objects || st.Bad() != 0 || len(st.Errors) != 0 {
				t.Fatalf("stats %+v", st)
			}
			objs, _, err := rpsl.ReadAll(bytes.NewReader(readFile(t, file)), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			pairs := map[Route]bool{}
			byOrigin := map[bgp.ASN]map[netip.Prefix]bool{}
			for _, o := range objs {
				r, err := rpsl.ParseRoute(o)
				if err != nil {
					t.Fatal(err)
				}
				pairs[Route{Prefix: r.Prefix, Origin: r.Origin}] = true
				if byOrigin[r.Origin] == nil {
					byOrigin[r.Origin] = map[netip.Prefix]bool{}
				}
				byOrigin[r.Origin][r.Prefix] = true
				if got := db.RouteSources(r.Prefix, r.Origin); got.String() != "RIPE" || !got.Has("ripe") {
					t.Errorf("%s %s: sources %q", r.Prefix, r.Origin, got)
				}
				if db.HasRoute(r.Prefix, r.Origin+1) && !pairs[Route{Prefix: r.Prefix, Origin: r.Origin + 1}] {
					t.Errorf("%s %s: found with the wrong origin", r.Prefix, r.Origin+1)
				}
			}
			c := db.Len()
			if got := c.Route + c.Route6; got != len(pairs) || (tc.v6 && c.Route != 0) || (!tc.v6 && c.Route6 != 0) {
				t.Errorf("counts %+v, want %d pairs", c, len(pairs))
			}
			for asn, want := range byOrigin {
				got := db.Prefixes(asn, tc.v6)
				if w := slices.SortedFunc(maps.Keys(want), comparePrefix); !slices.Equal(got, w) {
					t.Errorf("%s: prefixes %v, want %v", asn, got, w)
				}
				if other := db.Prefixes(asn, !tc.v6); len(other) != 0 {
					t.Errorf("%s: other family %v", asn, other)
				}
			}
		})
	}
	t.Run("known objects", func(t *testing.T) {
		db := New()
		loadFile(t, db, filepath.Join(rpslTestdata, "ripe-db-route.txt"), LoadOptions{})
		loadFile(t, db, filepath.Join(rpslTestdata, "ripe-db-route6.txt"), LoadOptions{})
		for _, tc := range []struct {
			p      string
			origin bgp.ASN
			want   bool
		}{
			{"193.254.30.0/24", 12726, true},
			{"193.254.30.0/24", 12312, false},
			{"193.254.30.0/23", 12726, false},
			{"193.254.30.0/25", 12726, false},
			{"212.166.64.0/19", 12321, true},
			{"2001:4118::/32", 2607, true},
			{"2001:4118::/33", 2607, false},
		} {
			if got := db.HasRoute(pfx(tc.p), tc.origin); got != tc.want {
				t.Errorf("HasRoute(%s, %s) = %v", tc.p, tc.origin, got)
			}
		}
		if got := db.Order(); !slices.Equal(got, []string{"RIPE"}) {
			t.Errorf("order %v", got)
		}
	})
}

// TestLoadIRRdSamples loads IRRd's samples of every class, well formed
// and malformed: each is indexed, skipped or rejected for its reason.
func TestLoadIRRdSamples(t *testing.T) {
	for _, tc := range []struct {
		file   string
		want   ClassCounts
		skip   string // class skipped
		reject string // reason rejected
	}{
		{file: "route", want: ClassCounts{Route: 1}},
		{file: "route6", want: ClassCounts{Route6: 1}},
		{file: "aut-num", want: ClassCounts{AutNum: 1}},
		{file: "as-set", want: ClassCounts{ASSet: 1}},
		{file: "route-set", want: ClassCounts{RouteSet: 1}},
		{file: "mntner", want: ClassCounts{Mntner: 1}},
		{file: "person", skip: "person"},
		{file: "role", skip: "role"},
		{file: "inetnum", skip: "inetnum"},
		{file: "filter-set", skip: "filter-set"},
		{file: "key-cert", skip: "key-cert"},
		{file: "unknown-class", skip: "foo-block"},
		{file: "malformed-pk", reject: "route: RFC 2622 4"},
		{file: "malformed-source", reject: "route: RFC 2622 4"},
		{file: "missing-source", reject: "route: no source"},
		// The first source attribute counts (rpsl.Object.Source).
		{file: "invalid-multiple-attribute", want: ClassCounts{Route: 1}},
		{file: "missing-mandatory-attribute", want: ClassCounts{Route: 1}},
		// An empty line ends the object: the rest is an object of
		// class "changed".
		{file: "malformed-empty-line", reject: "route: no source", skip: "changed"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			db := New()
			file := filepath.Join(rpslTestdata, "irrd", tc.file+".txt")
			st := loadFile(t, db, file, LoadOptions{})
			if got := db.Len().ClassCounts; got != tc.want {
				t.Errorf("counts %+v, want %+v", got, tc.want)
			}
			if tc.skip != "" && st.Skipped[tc.skip] != 1 {
				t.Errorf("skipped %v, want %s", st.Skipped, tc.skip)
			}
			if tc.reject == "" {
				if st.Bad() != 0 {
					t.Errorf("rejected %v", st.Rejected)
				}
				return
			}
			if st.Rejected[tc.reject] != 1 || st.Bad() != 1 || len(st.Errors) != 1 {
				t.Fatalf("rejected %v, errors %v; want %s", st.Rejected, st.Errors, tc.reject)
			}
			if msg := st.Errors[0].Error(); !strings.Contains(msg, ": "+tc.file+".txt: line ") {
				t.Errorf("error %q does not name the input and the line", msg)
			}
		})
	}
	t.Run("views", func(t *testing.T) {
		db := New()
		for _, f := range []string{"aut-num", "as-set", "route-set", "mntner", "route"} {
			loadFile(t, db, filepath.Join(rpslTestdata, "irrd", f+".txt"), LoadOptions{})
		}
		a, ok := db.AutNum(65537)
		if !ok || a.Name != "TEST-AS" || len(a.Imports) != 13 || len(a.Exports) != 13 || !slices.Equal(a.AdminC, []string{"PERSON-TEST"}) {
			t.Errorf("aut-num %+v, %v", a, ok)
		}
		s, ok := db.ASSet("as65537:as-settest")
		if !ok || !slices.Equal(s.Members, []string{"AS65538", "AS65539", "AS65537", "AS-OTHERSET"}) {
			t.Errorf("as-set %+v, %v", s, ok)
		}
		rs, ok := db.RouteSet("rs-test")
		if !ok || !slices.Equal(rs.MpMembers, []string{"2001:db8::/48"}) || !slices.Equal(rs.MbrsByRef, []string{"TEST-MNT"}) {
			t.Errorf("route-set %+v, %v", rs, ok)
		}
		m, ok := db.Mntner("test-mnt")
		if !ok || len(m.Auth) != 4 || m.Source != "TEST" {
			t.Errorf("mntner %+v, %v", m, ok)
		}
		// The sample route (192.0.2.0/24 AS65537) is a member of
		// RS-TEST by member-of, maintained by TEST-MNT.
		x, err := db.ExpandRouteSet("RS-TEST", false, ExpandOptions{})
		if err != nil || len(x.Prefixes) != 1 || x.Prefixes[0].String() != "192.0.2.0/24" || !slices.Equal(x.Unknown, []string{"RS-OTHER-SET"}) {
			t.Errorf("RS-TEST v4: %+v, %v", x, err)
		}
		x, err = db.ExpandRouteSet("RS-TEST", true, ExpandOptions{})
		if err != nil || len(x.Prefixes) != 1 || x.Prefixes[0].String() != "2001:db8::/48" {
			t.Errorf("RS-TEST v6: %+v, %v", x, err)
		}
	})
}

// TestLoadHostile loads testdata/hostile.txt: each bad object is counted
// under its reason, named with its input and line, and the good one
// after them is indexed.
func TestLoadHostile(t *testing.T) {
	db := New("RIPE")
	st := loadFile(t, db, "testdata/hostile.txt", LoadOptions{})
	want := map[string]int{
		"route: RFC 2622 4":   5,
		"route: bad lines":    1,
		"route6: RFC 4012 3":  1,
		"route: no source":    1,
		"aut-num: RFC 2622 6": 1,
		"as-set: RFC 2622 5":  2,
		"mntner: RFC 2622 3":  1,
	}
	if !maps.Equal(st.Rejected, want) || st.Indexed != 2 || st.BadLines != 1 || st.Objects != 14 {
		t.Errorf("stats %+v\nwant rejected %v", st, want)
	}
	if len(st.Errors) != 13 {
		t.Fatalf("%d errors: %v", len(st.Errors), st.Errors)
	}
	last := 0
	for _, err := range st.Errors {
		line := errorLine(err)
		if msg := err.Error(); line < last || !strings.Contains(msg, "hostile.txt: line ") {
			t.Errorf("error %q out of order or without input and line", msg)
		}
		last = line
	}
	if !db.HasRoute(pfx("198.51.100.128/25"), 64500) || db.Len().Route != 1 {
		t.Errorf("the good route is missing: %+v", db.Len())
	}
	rs, ok := db.RouteSet("RS-BAD")
	if !ok || len(rs.Members) != 0 || len(rs.Invalid) != 1 {
		t.Errorf("RS-BAD: %+v", rs)
	}
}

func TestLoadOptions(t *testing.T) {
	const dump = "route: 192.0.2.0/24\norigin: AS1\n\n" +
		"route: 192.0.2.0/24\norigin: AS2\nsource: radb\n\n" +
		"route: 192.0.2.0/24\norigin: AS3\nsource: RIPE\n\n" +
		"route: 198.51.100.0/24\norigin: AS4\n"
	for _, tc := range []struct {
		name     string
		opt      LoadOptions
		err      string
		indexed  []bgp.ASN
		rejected map[string]int
	}{
		{"no source", LoadOptions{}, "", []bgp.ASN{2, 3}, map[string]int{"route: no source": 2}},
		{"source", LoadOptions{Source: "radb"}, "", []bgp.ASN{1, 2, 4}, map[string]int{"route: source mismatch": 1}},
		{"strict", LoadOptions{Source: "RADB", Strict: true}, "irr: test: line 8: route 192.0.2.0/24: source RIPE, want RADB", []bgp.ASN{1, 2}, map[string]int{"route: source mismatch": 1}},
		{"strict bad line", LoadOptions{Strict: true}, "", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := New()
			text := dump
			if tc.name == "strict bad line" {
				text = "route: 192.0.2.0/24\norigin: AS1\nsource: RIPE\n\nnot an attribute\n\n" + dump
				tc.err = "test: line 5: RFC 2622 2"
			}
			st, err := db.Load(strings.NewReader(text), "test", tc.opt)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			var got []bgp.ASN
			for _, asn := range []bgp.ASN{1, 2, 3, 4} {
				p := pfx("192.0.2.0/24")
				if asn == 4 {
					p = pfx("198.51.100.0/24")
				}
				if db.HasRoute(p, asn) {
					got = append(got, asn)
				}
			}
			if tc.name == "strict bad line" {
				tc.indexed = []bgp.ASN{1}
			}
			if !slices.Equal(got, tc.indexed) || (tc.rejected != nil && !maps.Equal(st.Rejected, tc.rejected)) {
				t.Errorf("indexed %v, rejected %v; want %v, %v", got, st.Rejected, tc.indexed, tc.rejected)
			}
		})
	}
	t.Run("limits", func(t *testing.T) {
		db := New()
		big := "as-set: AS-BIG\nmembers: AS1" + strings.Repeat(", AS1", 10_000) + "\nsource: RIPE\n\nroute: 192.0.2.0/24\norigin: AS1\nsource: RIPE\n"
		st, err := db.Load(strings.NewReader(big), "test", LoadOptions{Limits: rpsl.Limits{MaxLineLength: 1024}})
		if err != nil || st.Indexed != 1 || st.Dropped != 0 || st.BadLines != 1 || st.Rejected["as-set: bad lines"] != 1 || len(st.Errors) != 2 {
			t.Fatalf("%+v, %v", st, err)
		}
		// The reader skipped the line too long; the set, which lost its
		// members with it, is not indexed.
		if s, ok := db.ASSet("AS-BIG"); ok {
			t.Errorf("AS-BIG indexed without its members line: %+v", s)
		}
	})
}

func TestErrors(t *testing.T) {
	db := New()
	o := &rpsl.Object{Input: "nrtm", Line: 7}
	o.Add("route", "192.0.2.0/24")
	o.Add("origin", "AS1")
	err := db.Delete(o)
	if err == nil || err.Error() != "irr: nrtm: line 7: route 192.0.2.0/24: no source attribute and no source given" {
		t.Errorf("%v", err)
	}
	o.Source = "RIPE"
	err = db.Delete(o)
	if !errors.Is(err, ErrNotFound) || err.Error() != "irr: nrtm: line 7: route 192.0.2.0/24: source RIPE: not found" {
		t.Errorf("%v", err)
	}
	if err := db.Add(o); err != nil {
		t.Fatal(err)
	}
	o.Attrs[1].Value = "AS2"
	if err := db.Delete(o); !errors.Is(err, ErrNotFound) || err.Error() != "irr: nrtm: line 7: route 192.0.2.0/24: not found" {
		t.Errorf("%v", err)
	}
	o.Attrs[0].Value = "2001:db8::/32"
	if err := db.Delete(o); err == nil || !strings.Contains(err.Error(), "wrong address family") {
		t.Errorf("%v", err)
	}
}
