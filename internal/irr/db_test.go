package irr

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// obj builds an object from "name: value" lines.
func obj(tb testing.TB, text string) *rpsl.Object {
	tb.Helper()
	objs, st, err := rpsl.ReadAll(strings.NewReader(text), "test")
	if err != nil || len(objs) != 1 || st.BadLines != 0 {
		tb.Fatalf("%q: %d objects, %+v, %v", text, len(objs), st, err)
	}
	return objs[0]
}

func TestSources(t *testing.T) {
	db := New("ripe", "RADB", "", "RIPE")
	if got := db.Order(); !slices.Equal(got, []string{"RIPE", "RADB"}) {
		t.Fatalf("order %v", got)
	}
	loadString(t, db, "route: 192.0.2.0/24\norigin: AS1\nsource: ALTDB\n\nroute: 192.0.2.0/24\norigin: AS1\nsource: RIPE\n")
	if got := db.Order(); !slices.Equal(got, []string{"RIPE", "RADB", "ALTDB"}) {
		t.Fatalf("order %v", got)
	}
	s := db.RouteSources(pfx("192.0.2.0/24"), 1)
	for _, tc := range []struct {
		name string
		got  any
		want any
	}{
		{"String", s.String(), "RIPE,ALTDB"},
		{"Names", fmt.Sprint(s.Names()), "[RIPE ALTDB]"},
		{"Len", s.Len(), 2},
		{"Bits", s.Bits(), uint64(0b101)},
		{"Has altdb", s.Has("altdb"), true},
		{"Has RADB", s.Has("RADB"), false},
		{"Empty", s.Empty(), false},
		{"zero String", Sources{}.String(), ""},
		{"zero Has", Sources{}.Has("RIPE"), false},
		{"zero Names", len(Sources{}.Names()), 0},
		{"missing", db.RouteSources(pfx("192.0.2.0/24"), 2).Empty(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	t.Run("too many", func(t *testing.T) {
		names := make([]string, MaxSources)
		for i := range names {
			names[i] = fmt.Sprintf("S%d", i)
		}
		db := New(names...)
		err := db.Add(obj(t, "route: 192.0.2.0/24\norigin: AS1\nsource: ONE-MORE\n"))
		if err == nil || !strings.Contains(err.Error(), "more than 64 sources") {
			t.Errorf("%v", err)
		}
		if err := db.Add(obj(t, "route: 192.0.2.0/24\norigin: AS1\nsource: S63\n")); err != nil {
			t.Fatal(err)
		}
		if s := db.RouteSources(pfx("192.0.2.0/24"), 1); s.String() != "S63" || s.Bits() != 1<<63 {
			t.Errorf("%v %x", s, s.Bits())
		}
		defer func() {
			if recover() == nil {
				t.Error("New with 65 sources did not panic")
			}
		}()
		New(append(names, "S64")...)
	})
}

// TestPrecedence checks that the earliest source wins for aut-nums and
// sets, and that route objects keep every source.
func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		order   []string
		autName string
		prec    []bgp.ASN
		mntner  string
	}{
		{[]string{"RIPE", "RADB"}, "EXAMPLE-A", []bgp.ASN{20}, "RIPE"},
		{[]string{"RADB", "RIPE"}, "EXAMPLE-A-IN-RADB", []bgp.ASN{21}, "RADB"},
		// Sources not given to New follow in the order met: RIPE first.
		{nil, "EXAMPLE-A", []bgp.ASN{20}, "RIPE"},
		{[]string{"RADB"}, "EXAMPLE-A-IN-RADB", []bgp.ASN{21}, "RADB"},
	} {
		t.Run(strings.Join(tc.order, ","), func(t *testing.T) {
			db := setsDB(t, tc.order...)
			a, ok := db.AutNum(64500)
			if !ok || a.Name != tc.autName {
				t.Errorf("aut-num %q, %v; want %q", a.Name, ok, tc.autName)
			}
			s, ok := db.ASSet("as-prec")
			x, err := db.ExpandASSet("AS-PREC", ExpandOptions{})
			if !ok || err != nil || !slices.Equal(x.ASNs, tc.prec) || s.Source != db.Order()[0] {
				t.Errorf("AS-PREC: %+v (%s), %+v, %v; want %v", s, s.Source, x, err, tc.prec)
			}
			if got := db.RouteSources(pfx("192.0.2.0/24"), 64500); got.Len() != 2 || !got.Has("RIPE") || !got.Has("RADB") {
				t.Errorf("route sources %v", got)
			}
			// A source restriction picks the other set.
			x, err = db.ExpandASSet("AS-PREC", ExpandOptions{Sources: []string{"radb"}})
			if err != nil || !slices.Equal(x.ASNs, []bgp.ASN{21}) {
				t.Errorf("AS-PREC in RADB: %+v, %v", x, err)
			}
			if m, ok := db.Mntner("EXAMPLE-MNT"); !ok || m.Source != "RIPE" {
				t.Errorf("mntner %+v", m)
			}
		})
	}
	t.Run("unknown source", func(t *testing.T) {
		db := setsDB(t)
		if _, err := db.ExpandASSet("AS-PREC", ExpandOptions{Sources: []string{"NOPE"}}); err == nil || err.Error() != `irr: unknown source "NOPE"` {
			t.Errorf("%v", err)
		}
	})
}

// TestReplaceDelete applies the adds and deletes an NRTM stream makes.
func TestReplaceDelete(t *testing.T) {
	const (
		route   = "route: 192.0.2.0/24\norigin: AS64500\nmember-of: RS-X\nmnt-by: M1\nsource: RIPE\n"
		route2  = "route: 192.0.2.0/24\norigin: AS64500\nmnt-by: M1\nsource: RIPE\n"
		routeB  = "route: 192.0.2.0/24\norigin: AS64500\nsource: RADB\n"
		routeC  = "route: 192.0.2.0/24\norigin: AS64501\nsource: RADB\n"
		routeS  = "route: 198.51.100.0/24\norigin: AS64500\nsource: RADB\n"
		rs      = "route-set: RS-X\nmbrs-by-ref: ANY\nsource: RIPE\n"
		aut     = "aut-num: AS64500\nmember-of: AS-X\nmnt-by: M1\nsource: RIPE\n"
		aut2    = "aut-num: AS64500\nmnt-by: M1\nsource: RIPE\n"
		asset   = "as-set: AS-X\nmbrs-by-ref: M1\nsource: RIPE\n"
		asset2  = "as-set: AS-X\nmembers: AS7\nmbrs-by-ref: M1\nsource: RIPE\n"
		mnt     = "mntner: M1\nsource: RIPE\n"
		deleted = "<deleted>"
	)
	db := New("RIPE", "RADB")
	type check struct {
		sets    string // ExpandRouteSet(RS-X) prefixes, or deleted
		asx     string // ExpandASSet(AS-X) ASNs, or deleted; "" unchecked
		counts  ClassCounts
		byAS    string // Prefixes(AS64500, false)
		missing bool   // the delete finds nothing
	}
	for _, tc := range []struct {
		name string
		add  string
		del  string
		want check
	}{
		{"add route", route, "", check{sets: deleted, counts: ClassCounts{Route: 1}, byAS: "[192.0.2.0/24]"}},
		{"same route again", route, "", check{sets: deleted, counts: ClassCounts{Route: 1}, byAS: "[192.0.2.0/24]"}},
		{"add route-set", rs, "", check{sets: "[192.0.2.0/24]", counts: ClassCounts{Route: 1, RouteSet: 1}, byAS: "[192.0.2.0/24]"}},
		{"replace route without member-of", route2, "", check{sets: "[]", counts: ClassCounts{Route: 1, RouteSet: 1}, byAS: "[192.0.2.0/24]"}},
		{"replace route with member-of", route, "", check{sets: "[192.0.2.0/24]", counts: ClassCounts{Route: 1, RouteSet: 1}, byAS: "[192.0.2.0/24]"}},
		{"same pair in RADB", routeB, "", check{sets: "[192.0.2.0/24]", counts: ClassCounts{Route: 2, RouteSet: 1}, byAS: "[192.0.2.0/24]"}},
		{"second origin", routeC, "", check{sets: "[192.0.2.0/24]", counts: ClassCounts{Route: 3, RouteSet: 1}, byAS: "[192.0.2.0/24]"}},
		{"second prefix", routeS, "", check{sets: "[192.0.2.0/24]", counts: ClassCounts{Route: 4, RouteSet: 1}, byAS: "[192.0.2.0/24 198.51.100.0/24]"}},
		{"delete RIPE route", "", route, check{sets: "[]", counts: ClassCounts{Route: 3, RouteSet: 1}, byAS: "[192.0.2.0/24 198.51.100.0/24]"}},
		{"delete it again", "", route, check{sets: "[]", counts: ClassCounts{Route: 3, RouteSet: 1}, byAS: "[192.0.2.0/24 198.51.100.0/24]", missing: true}},
		{"delete RADB route", "", routeB, check{sets: "[]", counts: ClassCounts{Route: 2, RouteSet: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete other origin", "", routeC, check{sets: "[]", counts: ClassCounts{Route: 1, RouteSet: 1}, byAS: "[198.51.100.0/24]"}},
		{"add aut-num and as-set", aut + "\n" + asset + "\n" + mnt, "", check{sets: "[]", asx: "[AS64500]", counts: ClassCounts{Route: 1, RouteSet: 1, AutNum: 1, ASSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"replace aut-num without member-of", aut2, "", check{sets: "[]", asx: "[]", counts: ClassCounts{Route: 1, RouteSet: 1, AutNum: 1, ASSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"replace aut-num with member-of", aut, "", check{sets: "[]", asx: "[AS64500]", counts: ClassCounts{Route: 1, RouteSet: 1, AutNum: 1, ASSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"replace as-set", asset2, "", check{sets: "[]", asx: "[AS7 AS64500]", counts: ClassCounts{Route: 1, RouteSet: 1, AutNum: 1, ASSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete aut-num", "", aut2, check{sets: "[]", asx: "[AS7]", counts: ClassCounts{Route: 1, RouteSet: 1, ASSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete as-set", "", asset, check{sets: "[]", asx: deleted, counts: ClassCounts{Route: 1, RouteSet: 1, Mntner: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete mntner", "", mnt, check{sets: "[]", asx: deleted, counts: ClassCounts{Route: 1, RouteSet: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete route-set", "", rs, check{sets: deleted, asx: deleted, counts: ClassCounts{Route: 1}, byAS: "[198.51.100.0/24]"}},
		{"delete last route", "", routeS, check{sets: deleted, asx: deleted, byAS: "[]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.add != "" {
				loadString(t, db, tc.add)
			}
			if tc.del != "" {
				err := db.Delete(obj(t, tc.del))
				if tc.want.missing != errors.Is(err, ErrNotFound) || (!tc.want.missing && err != nil) {
					t.Fatalf("delete: %v", err)
				}
			}
			if got := db.Len().ClassCounts; got != tc.want.counts {
				t.Errorf("counts %+v, want %+v", got, tc.want.counts)
			}
			x, err := db.ExpandRouteSet("RS-X", false, ExpandOptions{})
			if got := fmt.Sprint(x.Prefixes); tc.want.sets == deleted && !errors.Is(err, ErrNotFound) || tc.want.sets != deleted && got != tc.want.sets {
				t.Errorf("RS-X %s, %v; want %s", got, err, tc.want.sets)
			}
			if tc.want.asx != "" {
				x, err := db.ExpandASSet("AS-X", ExpandOptions{})
				if got := fmt.Sprint(x.ASNs); tc.want.asx == deleted && !errors.Is(err, ErrNotFound) || tc.want.asx != deleted && got != tc.want.asx {
					t.Errorf("AS-X %s, %v; want %s", got, err, tc.want.asx)
				}
			}
			if got := fmt.Sprint(db.Prefixes(64500, false)); got != tc.want.byAS {
				t.Errorf("prefixes of AS64500 %s, want %s", got, tc.want.byAS)
			}
		})
	}
	if len(db.routeInfo) != 0 || len(db.routeJoins) != 0 || len(db.autJoins) != 0 || len(db.byOrigin) != 0 || db.routes.Size() != 0 {
		t.Errorf("indexes left: %d %d %d %d %d", len(db.routeInfo), len(db.routeJoins), len(db.autJoins), len(db.byOrigin), db.routes.Size())
	}
}

// TestRouteLookups checks exact, covering and covered lookups, IPv4 and
// IPv6.
func TestRouteLookups(t *testing.T) {
	db := New("RIPE", "RADB")
	loadString(t, db, `route: 10.0.0.0/8
origin: AS1
source: RADB

route: 10.1.0.0/16
origin: AS3
source: RIPE

route: 10.1.0.0/16
origin: AS2
source: RIPE

route: 10.1.0.0/16
origin: AS2
source: RADB

route: 10.1.1.0/24
origin: AS2
source: RIPE

route: 10.1.1.128/25
origin: AS2
source: RIPE

route: 100.64.0.0/10
origin: AS2
source: RIPE

route: 0.0.0.0/0
origin: AS0
source: RADB

route6: 2001:db8::/32
origin: AS2
source: RIPE

route6: 2001:db8:1::/48
origin: AS2
source: RADB

route6: 2001:db8:1::/48
origin: AS4
source: RADB

route6: ::/0
origin: AS0
source: RADB
`)
	for _, tc := range []struct {
		name string
		got  func() any
		want string
	}{
		{"exact", func() any { return db.RouteSources(pfx("10.1.0.0/16"), 2) }, "RIPE,RADB"},
		{"exact one source", func() any { return db.RouteSources(pfx("10.1.0.0/16"), 3) }, "RIPE"},
		{"exact, other origin", func() any { return db.HasRoute(pfx("10.1.0.0/16"), 1) }, "false"},
		{"less specific is not exact", func() any { return db.HasRoute(pfx("10.1.2.0/24"), 1) }, "false"},
		{"more specific is not exact", func() any { return db.HasRoute(pfx("10.0.0.0/7"), 1) }, "false"},
		{"unmasked input", func() any { return db.HasRoute(pfx("10.1.1.1/24"), 2) }, "true"},
		{"AS0", func() any { return db.HasRoute(pfx("0.0.0.0/0"), 0) }, "true"},
		{"v6 exact", func() any { return db.RouteSources(pfx("2001:db8:1::/48"), 4) }, "RADB"},
		{"v6 not v4", func() any { return db.HasRoute(pfx("::ffff:10.0.0.0/104"), 1) }, "false"},
		{"invalid prefix", func() any { return db.HasRoute(netip.Prefix{}, 1) }, "false"},
		{"origins", func() any { return db.Origins(pfx("10.1.0.0/16")) }, "[AS2 AS3]"},
		{"origins none", func() any { return db.Origins(pfx("10.2.0.0/16")) }, "[]"},
		{"origins v6", func() any { return db.Origins(pfx("2001:db8:1::/48")) }, "[AS2 AS4]"},
		{"covering", func() any { return db.Covering(pfx("10.1.1.0/24")) }, "[0.0.0.0/0 AS0 RADB 10.0.0.0/8 AS1 RADB 10.1.0.0/16 AS2 RIPE,RADB 10.1.0.0/16 AS3 RIPE 10.1.1.0/24 AS2 RIPE]"},
		{"covering without exact", func() any { return db.Covering(pfx("10.1.2.0/24")) }, "[0.0.0.0/0 AS0 RADB 10.0.0.0/8 AS1 RADB 10.1.0.0/16 AS2 RIPE,RADB 10.1.0.0/16 AS3 RIPE]"},
		{"covering v6", func() any { return db.Covering(pfx("2001:db8:1:2::/64")) }, "[::/0 AS0 RADB 2001:db8::/32 AS2 RIPE 2001:db8:1::/48 AS2 RADB 2001:db8:1::/48 AS4 RADB]"},
		{"covered", func() any { return db.Covered(pfx("10.1.0.0/16")) }, "[10.1.0.0/16 AS2 RIPE,RADB 10.1.0.0/16 AS3 RIPE 10.1.1.0/24 AS2 RIPE 10.1.1.128/25 AS2 RIPE]"},
		{"covered v6", func() any { return db.Covered(pfx("2001:db8::/32")) }, "[2001:db8::/32 AS2 RIPE 2001:db8:1::/48 AS2 RADB 2001:db8:1::/48 AS4 RADB]"},
		{"prefixes", func() any { return db.Prefixes(2, false) }, "[10.1.0.0/16 10.1.1.0/24 10.1.1.128/25 100.64.0.0/10]"},
		{"prefixes v6", func() any { return db.Prefixes(2, true) }, "[2001:db8::/32 2001:db8:1::/48]"},
		{"prefixes none", func() any { return db.Prefixes(9, false) }, "[]"},
		{"counts", func() any { return db.Len() }, "{{8 4 0 0 0 0} map[RADB:{3 3 0 0 0 0} RIPE:{5 1 0 0 0 0}]}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(tc.got()); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestConcurrent reads while another goroutine loads and deletes; run
// with -race.
func TestConcurrent(t *testing.T) {
	db := setsDB(t, "RIPE", "RADB")
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			text := fmt.Sprintf("route: 10.%d.%d.0/24\norigin: AS%d\nsource: SRC%d\n", i/256, i%256, i%7, i%3)
			if err := db.Add(obj(t, text)); err != nil {
				t.Error(err)
			}
			if i%2 == 0 {
				if err := db.Delete(obj(t, text)); err != nil {
					t.Error(err)
				}
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for range 200 {
				db.HasRoute(pfx("192.0.2.0/24"), 64500)
				_ = db.RouteSources(pfx("10.0.1.0/24"), 1).String()
				db.Covering(pfx("10.0.0.0/24"))
				db.Prefixes(3, false)
				if _, err := db.ExpandRouteSet("RS-OPS", false, ExpandOptions{}); err != nil {
					t.Error(err)
				}
				db.Len()
			}
		})
	}
	wg.Wait()
	if got := db.Len().Sources["SRC1"].Route; got != 34 {
		t.Errorf("SRC1 holds %d routes", got)
	}
}
