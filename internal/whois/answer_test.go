package whois

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// Texts of testdata/sets.db objects as the server writes them.
const (
	routeRIPE20 = "route:          193.0.0.0/20\norigin:         AS3333\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	routeRADB20 = "route:          193.0.0.0/20\norigin:         AS3333\nmnt-by:         OTHER-MNT\nsource:         RADB"
	routeRIPE24 = "route:          193.0.0.0/24\norigin:         AS3333\nmember-of:      RS-EXAMPLE\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	routeRADB24 = "route:          193.0.0.0/24\norigin:         AS2914\nmnt-by:         OTHER-MNT\nsource:         RADB"
	routeRIPE16 = "route:          193.0.0.0/16\ndescr:          A covering route\norigin:         AS3333\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	route4      = "route:          193.0.4.0/24\norigin:         AS1299\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	route6RIPE  = "route6:         2001:67c:2e8::/48\norigin:         AS3333\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	autNumRIPE  = "aut-num:        AS3333\nas-name:        EXAMPLE-A\nmember-of:      AS-BYREF\nimport:         from AS2914 accept ANY\nexport:         to AS2914 announce AS-EXAMPLE\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE"
	autNumRADB  = "aut-num:        AS3333\nas-name:        EXAMPLE-A-IN-RADB\nmnt-by:         OTHER-MNT\nsource:         RADB"
)

// irrdData is the IRRd framing of data.
func irrdData(data string) string {
	return "A" + strconv.Itoa(len(data)+1) + "\n" + data + "\nC\n"
}

func objs(texts ...string) string { return strings.Join(texts, "\n\n") }

// TestAnswers answers every kind of query against testdata/sets.db, each
// case in a new session after its setup queries.
func TestAnswers(t *testing.T) {
	db := loadDB(t, []string{"RIPE", "RADB"}, testSets)
	for _, tc := range []struct {
		name  string
		setup []string
		query string
		want  string
	}{
		// Session control.
		{"persistent", nil, "!!", ""},
		{"quit", nil, "!q", ""},
		{"name", nil, "!nbgpq4 1.9", "C\n"},
		{"version", nil, "!v", irrdData("manrs whois test")},
		{"list sources", nil, "!s-lc", irrdData("RIPE,RADB")},
		{"set sources", nil, "!sradb,RIPE", "C\n"},
		{"sources listed as set", []string{"!sradb,RIPE"}, "!s-lc", irrdData("RADB,RIPE")},
		{"unknown source accepted", nil, "!sAPNIC,AFRINIC", "C\n"},
		{"timeout", nil, "!t60", "C\n"},
		{"serials", nil, "!j-*", irrdData("RIPE:N:0-4242\nRADB:N:-")},
		{"serials named", nil, "!jradb,APNIC", irrdData("RADB:N:-\nAPNIC:X:Database unknown")},

		// !g and !6.
		{"origin v4", nil, "!gas3333", irrdData("193.0.0.0/16 193.0.0.0/20 193.0.0.0/24")},
		{"origin v6", nil, "!6AS3333", irrdData("2001:67c:2e8::/48")},
		{"origin none", nil, "!gAS64999", "D\n"},
		{"origin one source", []string{"!sRADB"}, "!gAS3333", irrdData("193.0.0.0/20")},
		{"origin unknown source", []string{"!sAPNIC"}, "!gAS3333", "D\n"},
		{"origin bad", nil, "!gfoo", "F Invalid AS number \"foo\": AS number \"foo\" does not start with \"AS\"\n"},

		// !i.
		{"as-set members", nil, "!iAS-EXAMPLE", irrdData("AS3333 AS-CUSTOMERS AS-MISSING")},
		{"as-set recursive", nil, "!ias-example,1", irrdData("AS1299 AS3333 AS6939")},
		{"as-set recursive other source", []string{"!sRADB"}, "!iAS-CUSTOMERS,1", irrdData("AS174")},
		{"as-set by reference", nil, "!iAS-BYREF", irrdData("AS1299 AS3333")},
		{"as-set by reference recursive", nil, "!iAS-BYREF,1", irrdData("AS1299 AS3333")},
		{"route-set members", nil, "!iRS-EXAMPLE", irrdData("198.51.100.0/24^+ AS1299 RS-INNER^26 2001:db8::/32^48 193.0.0.0/24")},
		{"route-set recursive", nil, "!iRS-EXAMPLE,1",
			irrdData("192.0.2.0/24 193.0.0.0/24 193.0.4.0/24 198.51.100.0/24^+ 203.0.113.0/24^26 2001:db8::/32^48")},
		{"set not found", nil, "!iAS-NOPE,1", "D\n"},
		{"set in another source only", []string{"!sAPNIC"}, "!iAS-EXAMPLE", "D\n"},
		{"not a set", nil, "!iAS3333", "F Invalid set name \"AS3333\": set name \"AS3333\" has no set-name component\n"},

		// !a.
		{"bgpq4 probe", nil, "!a", "F Missing required set name for A query\n"},
		{"set routes", nil, "!aAS-EXAMPLE",
			irrdData("192.0.2.0/24 193.0.0.0/16 193.0.0.0/20 193.0.0.0/24 193.0.4.0/24 198.18.0.0/15 2001:67c:2e8::/48")},
		{"set routes v4", []string{"!sRIPE"}, "!a4AS-CUSTOMERS", irrdData("193.0.0.0/16 193.0.0.0/20 193.0.0.0/24 193.0.4.0/24 198.18.0.0/15")},
		{"set routes v6", nil, "!a6AS-EXAMPLE", irrdData("2001:67c:2e8::/48")},
		{"set routes of an AS", nil, "!a4AS1299", irrdData("192.0.2.0/24 193.0.4.0/24")},
		{"set routes not found", nil, "!a4AS-NOPE", "D\n"},
		{"set routes of a route-set", nil, "!aRS-EXAMPLE", "F \"RS-EXAMPLE\" is a route-set; !a expands as-sets (use !iRS-EXAMPLE,1)\n"},

		// !m and !o.
		{"exact route", nil, "!mroute,193.0.0.0/20AS3333", irrdData(routeRIPE20)},
		{"exact route legacy key", []string{"!sRADB,RIPE"}, "!mroute,193.0.0.0/20 - AS3333", irrdData(routeRADB20)},
		{"exact route6", nil, "!mroute6,2001:67c:2e8::/48AS3333", irrdData(route6RIPE)},
		{"exact aut-num", nil, "!maut-num,as3333", irrdData(autNumRIPE)},
		{"exact mntner redacted", nil, "!mmntner,EXAMPLE-MNT", irrdData("mntner:         EXAMPLE-MNT\ndescr:          Example maintainer\nauth:           CRYPT-PW DummyValue  # Filtered for security\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE")},
		{"exact not found", nil, "!mas-set,AS-NOPE", "D\n"},
		{"exact wrong family", nil, "!mroute,2001:67c:2e8::/48AS3333", "F Invalid route key \"2001:67c:2e8::/48AS3333\": wrong address family\n"},
		{"exact bad argument", nil, "!mroute", "F Invalid argument for object lookup: \"route\" (want class,key)\n"},
		{"maintained", []string{"!sRIPE"}, "!oEXAMPLE-MNT", irrdData(objs(
			"as-set:         AS-BYREF\ndescr:          Takes aut-nums maintained by EXAMPLE-MNT only\nmembers:        AS1299\nmbrs-by-ref:    EXAMPLE-MNT\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			"as-set:         AS-CUSTOMERS\nmembers:        AS1299, AS-EXAMPLE, AS-DEEP\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			"as-set:         AS-DEEP\nmembers:        AS6939\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			"as-set:         AS-EXAMPLE\ndescr:          Nested, looping, naming a missing set\nmembers:        AS3333, AS-CUSTOMERS, AS-MISSING\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			autNumRIPE,
			"mntner:         EXAMPLE-MNT\ndescr:          Example maintainer\nauth:           CRYPT-PW DummyValue  # Filtered for security\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			routeRIPE16, routeRIPE20, routeRIPE24, route4,
			"route:          198.18.0.0/15\norigin:         AS6939\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			"route-set:      RS-EXAMPLE\nmembers:        198.51.100.0/24^+, AS1299, RS-INNER^26\nmp-members:     2001:db8::/32^48\nmbrs-by-ref:    ANY\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			"route-set:      RS-INNER\nmembers:        203.0.113.0/24\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE",
			route6RIPE))},
		{"maintained none", nil, "!oNOBODY-MNT", "D\n"},

		// !r.
		{"routes exact", nil, "!r193.0.0.0/24", irrdData(objs(routeRADB24, routeRIPE24))},
		{"routes origins", nil, "!r193.0.0.0/24,o", irrdData("AS2914 AS3333")},
		{"routes one less", nil, "!r193.0.0.0/22,l", irrdData(objs(routeRIPE20, routeRADB20))},
		{"routes one less skips exact", nil, "!r193.0.0.0/24,l", irrdData(objs(routeRIPE20, routeRADB20))},
		{"routes one less in a source", []string{"!sRIPE"}, "!r193.0.0.0/24,l", irrdData(routeRIPE20)},
		{"routes all less", nil, "!r193.0.0.0/24,L", irrdData(objs(routeRIPE16, routeRIPE20, routeRADB20, routeRADB24, routeRIPE24))},
		{"routes more", nil, "!r193.0.0.0/16,M", irrdData(objs(routeRIPE20, routeRADB20, routeRADB24, routeRIPE24, route4))},
		{"routes address", nil, "!r193.0.4.1,L", irrdData(objs(routeRIPE16, routeRIPE20, routeRADB20, route4))},
		{"routes none", nil, "!r10.0.0.0/8", "D\n"},
		{"routes more refused", nil, "!r0.0.0.0/0,M", "F More specific search of 0.0.0.0/0 refused: this server searches under /8 or longer\n"},
		{"routes bad option", nil, "!r193.0.0.0/16,x", "F Invalid route search option: \"x\" (o, l, L or M)\n"},
		{"routes bad prefix", nil, "!r193.0.0.1/16", "F Invalid input for route search: \"193.0.0.1/16\": prefix \"193.0.0.1/16\": bits set after the prefix length (193.0.0.0/16)\n"},

		// Errors.
		{"no command", nil, "!", "F Missing IRRD command\n"},
		{"unknown command", nil, "!x", "F Unrecognised command: x\n"},
		{"missing parameter", nil, "!g", "F Missing parameter for g query\n"},
		{"bad timeout", nil, "!t0", "F Invalid value for timeout: \"0\" (1 to 1000 seconds)\n"},
		{"bad source", nil, "!sRIPE,,RADB", "F Invalid source list \"RIPE,,RADB\": empty source name\n"},

		// RIPE style.
		{"ripe key", nil, "AS3333", objs(autNumRIPE, autNumRADB) + "\n\n\n"},
		{"ripe key lower case", nil, "as3333", objs(autNumRIPE, autNumRADB) + "\n\n\n"},
		{"ripe type and source", nil, "-s RADB -T aut-num AS3333", autNumRADB + "\n\n\n"},
		{"ripe set keys only", nil, "-K AS-EXAMPLE", "as-set: AS-EXAMPLE\nmembers: AS3333\nmembers: AS-CUSTOMERS\nmembers: AS-MISSING\n\n\n"},
		{"ripe origin", []string{"!sRIPE"}, "-i origin AS3333", objs(routeRIPE16, routeRIPE20, routeRIPE24, route6RIPE) + "\n\n\n"},
		{"ripe origin route6 only", nil, "-T route6 -i origin AS3333", route6RIPE + "\n\n\n"},
		{"ripe member-of", nil, "-i member-of RS-EXAMPLE", routeRIPE24 + "\n\n\n"},
		{"ripe mnt-by", []string{"!sRADB"}, "-i mnt-by other-mnt -T route",
			objs("route:          192.0.2.0/24\norigin:         AS1299\nmnt-by:         OTHER-MNT\nsource:         RADB",
				routeRADB20, routeRADB24,
				"route:          198.18.0.0/15\norigin:         AS174\nmnt-by:         OTHER-MNT\nsource:         RADB") + "\n\n\n"},
		{"ripe exact route", nil, "-s RADB -x 193.0.0.0/24", routeRADB24 + "\n\n\n"},
		{"ripe one less", nil, "-r -l 193.0.0.0/24", objs(routeRIPE20, routeRADB20) + "\n\n\n"},
		{"ripe all less", []string{"!sRIPE"}, "-L 193.0.0.0/20", objs(routeRIPE16, routeRIPE20) + "\n\n\n"},
		{"ripe more", nil, "-M 193.0.0.0/20", objs(routeRADB24, routeRIPE24, route4) + "\n\n\n"},
		{"ripe prefix key", []string{"!sRADB"}, "193.0.0.5", objs(routeRADB20, routeRADB24) + "\n\n\n"},
		{"ripe prefix keys only", []string{"!sRADB"}, "-K -T route 193.0.0.0/24", "route: 193.0.0.0/20\norigin: AS3333\n\nroute: 193.0.0.0/24\norigin: AS2914\n\n\n"},
		{"ripe not found", nil, "AS-NOPE", noEntries + "\n\n"},
		{"ripe flags only", nil, "-k", noEntries + "\n\n"},
		{"ripe all sources", []string{"!sAPNIC"}, "-a AS-DEEP", "as-set:         AS-DEEP\nmembers:        AS6939\nmnt-by:         EXAMPLE-MNT\nsource:         RIPE\n\n\n"},
		{"ripe sources persist", []string{"-s RADB"}, "!s-lc", irrdData("RADB")},
		{"ripe unknown flag", nil, "-q version", "%% ERROR: Unrecognised flag/search: \"-q\"\n\n\n"},
		{"ripe unknown inverse", nil, "-i admin-c FOO", "%% ERROR: Inverse attribute search not supported for \"admin-c\", only supported for attributes: origin, member-of, mnt-by\n\n\n"},
		{"ripe missing argument", nil, "-s", "%% ERROR: Missing argument for flag/search: -s\n\n\n"},
		{"ripe two searches", nil, "AS1 AS2", "%% ERROR: more than one search in a query; send one query per line\n\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession(db, SessionConfig{Version: "manrs whois test", Serials: map[string]uint64{"RIPE": 4242}})
			for _, q := range tc.setup {
				if _, a := s.AnswerLine(q); a.Status == StatusError {
					t.Fatalf("setup %q: %s", q, a.Body)
				}
			}
			_, a := s.AnswerLine(tc.query)
			got := string(a.AppendTo(nil))
			if got != tc.want {
				t.Errorf("%s:\n got %q\nwant %q", tc.query, got, tc.want)
			}
			if a.Size() != len(got) {
				t.Errorf("%s: Size %d, written %d", tc.query, a.Size(), len(got))
			}
		})
	}
}

// TestSessionState checks what queries change in a session.
func TestSessionState(t *testing.T) {
	db := loadDB(t, []string{"RIPE", "RADB"}, testSets)
	s := NewSession(db, SessionConfig{Timeout: time.Second})
	s.AnswerLine("!!")
	s.AnswerLine("!nmy client")
	s.AnswerLine("!t77")
	if !s.Persistent || s.Client != "my client" || s.Timeout != 77*time.Second || s.Quit {
		t.Fatalf("after !!, !n, !t: %+v", s)
	}
	s = NewSession(db, SessionConfig{})
	s.AnswerLine("-k -V " + strings.Repeat("x", 500) + " AS3333")
	if !s.Persistent || len(s.Client) != maxClientName {
		t.Fatalf("after -k -V: persistent %v, client of %d bytes", s.Persistent, len(s.Client))
	}
	s.AnswerLine("!q")
	if !s.Quit {
		t.Fatal("!q did not quit")
	}
}

// TestAnswerLimits checks that answers and expansions past the limits
// are errors with a reason.
func TestAnswerLimits(t *testing.T) {
	db := loadDB(t, []string{"RIPE", "RADB"}, testSets)
	for _, tc := range []struct {
		lim   Limits
		query string
		want  string
	}{
		{Limits{MaxAnswerBytes: 20}, "!gAS3333", "F Answer larger than this server's limit of 20 bytes; narrow the query\n"},
		{Limits{MaxAnswerBytes: 20}, "-i origin AS3333", "%% ERROR: Answer larger than this server's limit of 20 bytes; narrow the query\n\n\n"},
		{Limits{MaxAnswerBytes: 100}, "!mas-set,AS-CUSTOMERS", "F Answer larger than this server's limit of 100 bytes; narrow the query\n"},
		{Limits{MaxSetMembers: 2}, "!iAS-EXAMPLE,1", "F Expansion of AS-EXAMPLE stopped at this server's limits (2 members, 64 levels of nested sets)\n"},
		{Limits{MaxSetMembers: 3}, "!aAS-EXAMPLE", "F Expansion of AS-EXAMPLE stopped at this server's limits (3 members, 64 levels of nested sets)\n"},
		{Limits{MaxSetDepth: 2}, "!iAS-EXAMPLE,1", "F Expansion of AS-EXAMPLE stopped at this server's limits (1500000 members, 2 levels of nested sets)\n"},
		{Limits{MaxSetMembers: 3}, "!iAS-EXAMPLE,1", irrdData("AS1299 AS3333 AS6939")},
	} {
		s := NewSession(db, SessionConfig{Limits: tc.lim})
		_, a := s.AnswerLine(tc.query)
		if got := string(a.AppendTo(nil)); got != tc.want {
			t.Errorf("%+v %s:\n got %q\nwant %q", tc.lim, tc.query, got, tc.want)
		}
	}
}
