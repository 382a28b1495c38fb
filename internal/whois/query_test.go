package whois

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// TestParseQuery parses every kind of query; the canonical form is what
// String gives back.
func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		line  string
		kind  Kind
		canon string
		check func(q Query) bool
	}{
		{"!!", KindPersistent, "!!", nil},
		{"  !q\r", KindQuit, "!q", nil},
		{"!Q", KindQuit, "!q", nil},
		{"!v", KindVersion, "!v", nil},
		{"!nbgpq4 1.9", KindName, "!nbgpq4 1.9", func(q Query) bool { return q.Client == "bgpq4 1.9" }},
		{"!s-lc", KindListSources, "!s-lc", nil},
		{"!s-LC", KindListSources, "!s-lc", nil},
		{"!sripe,radb", KindSetSources, "!sRIPE,RADB", func(q Query) bool { return slices.Equal(q.Sources, []string{"RIPE", "RADB"}) }},
		{"!a4as-foo", KindSetRoutes, "!a4AS-FOO", func(q Query) bool { return q.Family == 4 && q.Name == "AS-FOO" }},
		{"!aAS-FOO:AS-BAR", KindSetRoutes, "!aAS-FOO:AS-BAR", func(q Query) bool { return q.Family == 0 }},
		{"!a6AS3333", KindSetRoutes, "!a6AS3333", func(q Query) bool { return q.Family == 6 && q.Name == "AS3333" }},
		{"!gas112", KindOrigin4, "!gAS112", func(q Query) bool { return q.ASN == 112 }},
		{"!6AS4200000000", KindOrigin6, "!6AS4200000000", func(q Query) bool { return q.ASN == 4200000000 }},
		{"!ias-foo,1", KindMembers, "!iAS-FOO,1", func(q Query) bool { return q.Recursive && q.Name == "AS-FOO" }},
		{"!iRS-FOO", KindMembers, "!iRS-FOO", func(q Query) bool { return !q.Recursive }},
		{"!iAS3333:AS-CUSTOMERS,1", KindMembers, "!iAS3333:AS-CUSTOMERS,1", nil},
		{"!j-*", KindSerials, "!j-*", func(q Query) bool { return q.AllSources }},
		{"!jripe,radb", KindSerials, "!jRIPE,RADB", nil},
		{"!mroute,192.0.2.0/24AS64500", KindExact, "!mroute,192.0.2.0/24AS64500",
			func(q Query) bool { return q.Prefix == netip.MustParsePrefix("192.0.2.0/24") && q.ASN == 64500 }},
		{"!mroute6,2001:db8::/32 - as64500", KindExact, "!mroute6,2001:db8::/32AS64500", nil},
		{"!mAUT-NUM,as64500", KindExact, "!maut-num,AS64500", nil},
		{"!mas-set,as-foo", KindExact, "!mas-set,AS-FOO", nil},
		{"!mperson,jd1-ripe", KindExact, "!mperson,JD1-RIPE", nil},
		{"!oexample-mnt", KindMaintained, "!oEXAMPLE-MNT", nil},
		{"!r192.0.2.0/24", KindRoutes, "!r192.0.2.0/24", func(q Query) bool { return q.Match == MatchExact }},
		{"!r192.0.2.0/24,o", KindRoutes, "!r192.0.2.0/24,o", func(q Query) bool { return q.Match == MatchOrigins }},
		{"!r192.0.2.0/24,l", KindRoutes, "!r192.0.2.0/24,l", func(q Query) bool { return q.Match == MatchOneLess }},
		{"!r192.0.2.0/24,L", KindRoutes, "!r192.0.2.0/24,L", func(q Query) bool { return q.Match == MatchAllLess }},
		{"!r2001:db8::/32,M", KindRoutes, "!r2001:db8::/32,M", func(q Query) bool { return q.Match == MatchMore }},
		{"!r192.0.2.1", KindRoutes, "!r192.0.2.1/32", nil},
		{"!t300", KindTimeout, "!t300", func(q Query) bool { return q.Timeout == 300*time.Second }},
		{"AS64500", KindRIPE, "AS64500", func(q Query) bool { return q.Search == SearchKey && q.ASN == 64500 }},
		{"as-foo", KindRIPE, "AS-FOO", func(q Query) bool { return q.Key == "AS-FOO" && q.ASN == 0 }},
		{"192.0.2.0/24", KindRIPE, "192.0.2.0/24", func(q Query) bool { return q.Prefix.IsValid() }},
		{"2001:db8::1", KindRIPE, "2001:db8::1/128", nil},
		{"-k", KindRIPE, "-k", func(q Query) bool { return q.KeepAlive && q.Search == SearchNone }},
		{"-k -K -r -F -s ripe,radb -T route,ROUTE6 -V me -i origin as64500", KindRIPE,
			"-k -K -s RIPE,RADB -T route,route6 -V me -i origin AS64500",
			func(q Query) bool { return q.Search == SearchInverse && q.ASN == 64500 && q.Client == "me" }},
		{"-i member-of rs-foo", KindRIPE, "-i member-of RS-FOO", nil},
		{"-i MNT-BY foo-mnt", KindRIPE, "-i mnt-by FOO-MNT", nil},
		{"-a -L 192.0.2.0/24", KindRIPE, "-a -L 192.0.2.0/24", func(q Query) bool { return q.AllSources && q.Match == MatchAllLess }},
		{"-s RIPE -a -x 192.0.2.0/24", KindRIPE, "-a -x 192.0.2.0/24", nil},
		{"-l 192.0.2.0/24", KindRIPE, "-l 192.0.2.0/24", nil},
		{"-M 192.0.2.0/24", KindRIPE, "-M 192.0.2.0/24", nil},
	} {
		q, err := ParseQuery(tc.line)
		if err != nil {
			t.Errorf("%q: %v", tc.line, err)
			continue
		}
		if q.Kind != tc.kind || q.String() != tc.canon || (tc.check != nil && !tc.check(q)) {
			t.Errorf("%q: %v %q %+v", tc.line, q.Kind, q.String(), q)
		}
		if again, err := ParseQuery(q.String()); err != nil || again.String() != q.String() {
			t.Errorf("%q: canonical form %q parses to %q, %v", tc.line, q.String(), again.String(), err)
		}
	}
}

// TestParseQueryErrors checks that bad queries are errors saying why,
// in the style of the query.
func TestParseQueryErrors(t *testing.T) {
	for _, tc := range []struct {
		line, msg string
		ripe      bool
	}{
		{"!", "Missing IRRD command", false},
		{"!z", "Unrecognised command: z", false},
		{"!J-*", "Unrecognised command: J", false},
		{"!\x00", `Unrecognised command: '\x00'`, false},
		{"!g", "Missing parameter for g query", false},
		{"!a", "Missing required set name for A query", false},
		{"!a4", "Missing required set name for A query", false},
		{"!gAS", `Invalid AS number "AS": AS number "AS" does not start with "AS"`, false},
		{"!g112", `Invalid AS number "112": AS number "112" does not start with "AS"`, false},
		{"!gAS4294967296", `Invalid AS number "AS4294967296": parse ASN "AS4294967296": not a number in 0-4294967295`, false},
		{"!iFOO", `Invalid set name "FOO": set name "FOO": component "FOO" is neither an AS number nor a name starting with AS-, RS-, RTRS-, FLTR- or PRNG-`, false},
		{"!iFLTR-FOO", `"FLTR-FOO" is a filter-set name; only as-sets and route-sets have members here`, false},
		{"!s", "Missing parameter for s query", false},
		{"!sRIPE;RADB", `Invalid source name "RIPE;RADB": letters, digits, '-' and '_' only`, false},
		{"!mroute,192.0.2.0/24", `Invalid route key "192.0.2.0/24": want the prefix and the origin, e.g. 192.0.2.0/24AS64500`, false},
		{"!maut-num,64500", `Invalid aut-num key "64500": AS number "64500" does not start with "AS"`, false},
		{"!mas set,AS-FOO", `Invalid class name "as set": letters, digits, '-' and '_' only`, false},
		{"!oFOO MNT", `Invalid maintainer name "FOO MNT": letters, digits, '-' and '_' only`, false},
		{"!r192.0.2.0/33", `Invalid input for route search: "192.0.2.0/33": prefix "192.0.2.0/33": length must be 0-32`, false},
		{"!r192.0.2.0/24,", `Invalid route search option: "" (o, l, L or M)`, false},
		{"!tx", `Invalid value for timeout: "x" (1 to 1000 seconds)`, false},
		{"!t1001", `Invalid value for timeout: "1001" (1 to 1000 seconds)`, false},
		{"", "empty query", true},
		{"-s", "Missing argument for flag/search: -s", true},
		{"-i origin", "Missing argument for flag/search: -i (want -i attribute value)", true},
		{"-i origin 64500", `Invalid origin "64500": AS number "64500" does not start with "AS"`, true},
		{"-i member-of FOO", `Invalid member-of "FOO": an as-set or route-set name`, true},
		{"-x foo", `Invalid input for route search: "foo": IPv4 address "foo": want four dotted octets`, true},
		{"-x 192.0.2.0/24 -l 192.0.2.0/24", "more than one search in a query; send one query per line", true},
		{"-T route;x AS1", `Invalid class name "route;x": letters, digits, '-' and '_' only`, true},
		{"-g RIPE:3", `Invalid parameter for -g "RIPE:3": want SOURCE:VERSION:FIRST-LAST`, true},
		{"-g RIPE,RADB:3:1-LAST", `Invalid source for -g "RIPE,RADB:3:1-LAST": one source name`, true},
		{"-g RIPE:3:5-x", `Invalid serial range for -g "RIPE:3:5-x": LAST is a serial or "LAST"`, true},
		{"-g RIPE:3:1-LAST -x 192.0.2.0/24", "-g cannot be combined with a search", true},
		{"-y", `Unrecognised flag/search: "-y"`, true},
	} {
		_, err := ParseQuery(tc.line)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Msg != tc.msg || qe.RIPE != tc.ripe {
			t.Errorf("%q: %#v, want %q (RIPE %v)", tc.line, err, tc.msg, tc.ripe)
		}
	}
}

// TestParseQueryClips checks that error messages quote bounded parts of
// a long query.
func TestParseQueryClips(t *testing.T) {
	for _, long := range []string{"!gAS" + string(make([]byte, 1<<20)), "!r" + strings.Repeat("1", 1<<20), "-i origin " + strings.Repeat("\xff", 1<<20)} {
		_, err := ParseQuery(long)
		if err == nil || len(err.Error()) > 1024 {
			t.Errorf("%.20q: error of %d bytes", long, len(err.Error()))
		}
	}
}

func TestRouteKey(t *testing.T) {
	for _, k := range []string{"192.0.2.0/24AS64500", "192.0.2.0/24 AS64500", "192.0.2.0/24-as64500", "192.0.2.0/24\tAS64500"} {
		p, asn, err := parseRouteKey(k)
		if err != nil || p != netip.MustParsePrefix("192.0.2.0/24") || asn != bgp.ASN(64500) {
			t.Errorf("%q: %v %v %v", k, p, asn, err)
		}
	}
}
