package whois

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// Kind is the kind of a query: one IRRd command ("!g", "!i", ...) or a
// RIPE-style query.
type Kind uint8

// Kinds of queries, after the IRRd 4 whois query reference ("IRRd style
// queries" and "RIPE style queries").
const (
	KindInvalid     Kind = iota // a query that did not parse
	KindPersistent              // !!: keep the connection open
	KindQuit                    // !q: close the connection
	KindName                    // !n<name>: the client's name
	KindVersion                 // !v: the server's version
	KindListSources             // !s-lc: the sources selected
	KindSetSources              // !s<sources>: select sources
	KindSetRoutes               // !a[4|6]<as-set>: prefixes of a set's ASes
	KindOrigin4                 // !g<asn>: IPv4 prefixes of an origin
	KindOrigin6                 // !6<asn>: IPv6 prefixes of an origin
	KindMembers                 // !i<set>[,1]: members of a set
	KindSerials                 // !j<sources> or !j-*: serial ranges
	KindExact                   // !m<class>,<key>: one object by key
	KindMaintained              // !o<mntner>: objects a mntner maintains
	KindRoutes                  // !r<prefix>[,o|l|L|M]: route search
	KindTimeout                 // !t<seconds>: the idle timeout
	KindRIPE                    // RIPE-style flags and search
	KindNRTM                    // -g SOURCE:VERSION:FIRST-LAST: NRTM changes
)

var kindNames = [...]string{
	KindInvalid:     "invalid",
	KindPersistent:  "!!",
	KindQuit:        "!q",
	KindName:        "!n",
	KindVersion:     "!v",
	KindListSources: "!s-lc",
	KindSetSources:  "!s",
	KindSetRoutes:   "!a",
	KindOrigin4:     "!g",
	KindOrigin6:     "!6",
	KindMembers:     "!i",
	KindSerials:     "!j",
	KindExact:       "!m",
	KindMaintained:  "!o",
	KindRoutes:      "!r",
	KindTimeout:     "!t",
	KindRIPE:        "ripe",
	KindNRTM:        "-g",
}

// String returns the command, e.g. "!g", or "ripe" and "invalid"; the
// values of the command label of the query metrics.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Match is what a route search looks for, relative to the prefix asked.
type Match uint8

// Route searches: IRRd's !r options and the RIPE flags -x, -l, -L, -M.
const (
	MatchExact   Match = iota // route objects of exactly the prefix (!r, -x)
	MatchOrigins              // the origins of those (!r...,o)
	MatchOneLess              // the most specific less specific prefix, not the prefix (,l and -l)
	MatchAllLess              // every less specific prefix and the prefix itself (,L and -L)
	MatchMore                 // every more specific prefix, not the prefix (,M and -M)
)

var matchOptions = [...]string{MatchExact: "", MatchOrigins: "o", MatchOneLess: "l", MatchAllLess: "L", MatchMore: "M"}
var matchFlags = [...]string{MatchExact: "-x", MatchOrigins: "", MatchOneLess: "-l", MatchAllLess: "-L", MatchMore: "-M"}

// Search is what a RIPE-style query searches for.
type Search uint8

// RIPE-style searches.
const (
	SearchNone    Search = iota // flags only, e.g. "-k" or "-s RIPE"
	SearchKey                   // a free-text key: an AS number, a prefix, a name
	SearchInverse               // -i attribute value
	SearchRoutes                // -x, -l, -L or -M and a prefix
)

// Inverse attributes: the attributes -i searches, indexed by DB.
var inverseAttrs = []string{"origin", "member-of", "mnt-by"}

// Query is one parsed query line.
type Query struct {
	Kind Kind
	// Name is the set (!a, !i), the maintainer (!o, -i mnt-by), the
	// route-set or as-set (-i member-of) or the source (-g), upper case.
	Name string
	// Client is the client's name (!n, -V), as given.
	Client string
	// Class and Key are the object class (lower case) and primary key
	// (upper case, canonical) of !m; Key is also the key of a RIPE-style
	// search.
	Class, Key string
	// ASN is the origin of !g, !6, -i origin, and of a route key.
	ASN bgp.ASN
	// Prefix is the prefix of !r, of -x/-l/-L/-M, of a route key and of
	// a search key that is a prefix or an address.
	Prefix netip.Prefix
	// Family is 4 or 6 for !a4 and !a6, 0 for both.
	Family int
	// Recursive is the ",1" of !i.
	Recursive bool
	// Match is the kind of route search of !r and of RIPE-style queries.
	Match Match
	// Sources are the sources of !s, !j and -s, upper case.
	Sources []string
	// AllSources is !j-* and -a.
	AllSources bool
	// Timeout is the idle timeout of !t.
	Timeout time.Duration
	// NRTMVersion (1 or 3), First and Last are the NRTM version and the
	// serial range of -g, of the source Name; Last is 0 for LAST.
	NRTMVersion int
	First, Last uint64

	// Search is what a RIPE-style query searches; Attr is the attribute
	// of -i.
	Search Search
	Attr   string
	// KeepAlive (-k) keeps the connection open; KeysOnly (-K) answers
	// primary keys and members only.
	KeepAlive, KeysOnly bool
	// Classes restricts a RIPE-style search to object classes (-T),
	// lower case.
	Classes []string
}

// QueryError is a query that cannot be answered as asked; the server
// answers it with "F <message>" (IRRd style) or "%% ERROR: <message>"
// (RIPE style).
type QueryError struct {
	RIPE bool // the query was RIPE-style
	Msg  string
}

func (e *QueryError) Error() string { return e.Msg }

// qerr returns a QueryError of an IRRd-style query; the messages follow
// IRRd's where IRRd has one.
func qerr(format string, a ...any) *QueryError {
	return &QueryError{Msg: fmt.Sprintf(format, a...)}
}

func irrdErr(format string, a ...any) error { return qerr(format, a...) }

func ripeErr(format string, a ...any) error {
	return &QueryError{RIPE: true, Msg: fmt.Sprintf(format, a...)}
}

// ripe marks e as the error of a RIPE-style query.
func ripe(e *QueryError) error {
	e.RIPE = true
	return e
}

// maxShown bounds how much of a query argument an error message quotes.
const maxShown = 64

// shown returns s for an error message: quoted, and clipped.
func shown(s string) string {
	if len(s) > maxShown {
		s = s[:maxShown] + "..."
	}
	return strconv.Quote(s)
}

// why returns the message of err for an error answer, clipped: parse
// errors quote their input, which may be long.
func why(err error) string {
	msg := err.Error()
	if len(msg) > 4*maxShown {
		msg = msg[:4*maxShown] + "..."
	}
	return msg
}

// ParseQuery parses one query line, without its line end. White space
// around the query is ignored. A line starting with "!" is an IRRd-style
// command; anything else is a RIPE-style query, as IRRd 4 reads them.
// The error is a *QueryError saying what is wrong.
func ParseQuery(line string) (Query, error) {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "!") {
		return parseIRRd(line[1:])
	}
	return parseRIPE(line)
}

// parseIRRd parses an IRRd-style command, cmd being the line after "!".
func parseIRRd(cmd string) (Query, error) {
	if cmd == "" {
		return Query{}, irrdErr("Missing IRRD command")
	}
	// Commands are case sensitive, as IRRd's are (!j and !J differ).
	c, arg := cmd[0], cmd[1:]
	switch c {
	case '!':
		return Query{Kind: KindPersistent}, nil
	case 'q', 'Q':
		return Query{Kind: KindQuit}, nil
	case 'v':
		return Query{Kind: KindVersion}, nil
	case 'a':
		return parseSetRoutes(arg)
	}
	if arg == "" {
		if strings.IndexByte("tg6ijmnors", c) < 0 {
			return Query{}, unrecognised(c)
		}
		return Query{}, irrdErr("Missing parameter for %c query", c)
	}
	switch c {
	case 'n':
		return Query{Kind: KindName, Client: arg}, nil
	case 's':
		if strings.EqualFold(arg, "-lc") {
			return Query{Kind: KindListSources}, nil
		}
		srcs, err := parseSources(arg)
		if err != nil {
			return Query{}, err
		}
		return Query{Kind: KindSetSources, Sources: srcs}, nil
	case 'g', '6':
		asn, err := rpsl.ParseASN(arg)
		if err != nil {
			return Query{}, irrdErr("Invalid AS number %s: %v", shown(arg), why(err))
		}
		k := KindOrigin4
		if c == '6' {
			k = KindOrigin6
		}
		return Query{Kind: k, ASN: asn}, nil
	case 'i':
		name, rec := arg, false
		if n, ok := strings.CutSuffix(arg, ",1"); ok {
			name, rec = n, true
		}
		name, err := setName(name, true)
		if err != nil {
			return Query{}, err
		}
		return Query{Kind: KindMembers, Name: name, Recursive: rec}, nil
	case 'j':
		if arg == "-*" {
			return Query{Kind: KindSerials, AllSources: true}, nil
		}
		srcs, err := parseSources(arg)
		if err != nil {
			return Query{}, err
		}
		return Query{Kind: KindSerials, Sources: srcs}, nil
	case 'm':
		return parseExact(arg)
	case 'o':
		name, err := objectName(arg, "maintainer")
		if err != nil {
			return Query{}, err
		}
		return Query{Kind: KindMaintained, Name: name}, nil
	case 'r':
		return parseRouteSearch(arg)
	case 't':
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 1000 {
			return Query{}, irrdErr("Invalid value for timeout: %s (1 to 1000 seconds)", shown(arg))
		}
		return Query{Kind: KindTimeout, Timeout: time.Duration(n) * time.Second}, nil
	}
	return Query{}, unrecognised(c)
}

// unrecognised is IRRd's error for an unknown command letter; a byte that
// is not a printable character is quoted.
func unrecognised(c byte) error {
	if c > ' ' && c < 0x7f {
		return irrdErr("Unrecognised command: %c", c)
	}
	return irrdErr("Unrecognised command: %q", c)
}

// parseSetRoutes parses the argument of !a: an optional 4 or 6, then an
// as-set name or an AS number. The message for a missing name is IRRd's:
// bgpq4 probes for !a support with a bare "!a" and recognises it.
func parseSetRoutes(arg string) (Query, error) {
	q := Query{Kind: KindSetRoutes}
	if arg != "" && (arg[0] == '4' || arg[0] == '6') {
		q.Family = int(arg[0] - '0')
		arg = arg[1:]
	}
	if arg == "" {
		return Query{}, irrdErr("Missing required set name for A query")
	}
	if asn, err := rpsl.ParseASN(arg); err == nil && !strings.HasPrefix(strings.ToUpper(arg), "AS-") {
		q.Name = asn.String()
		return q, nil
	}
	name, err := setName(arg, false)
	if err != nil {
		return Query{}, err
	}
	q.Name = name
	return q, nil
}

// setName checks the name of the set of !i (as-set or route-set) or !a
// (as-set only) and returns it upper case.
func setName(s string, routeSets bool) (string, *QueryError) {
	c, err := rpsl.ParseSetName(s)
	if err != nil {
		return "", qerr("Invalid set name %s: %v", shown(s), why(err))
	}
	switch {
	case c == rpsl.ASSetClass, c == rpsl.RouteSetClass && routeSets:
		return strings.ToUpper(s), nil
	case c == rpsl.RouteSetClass:
		return "", qerr("%s is a route-set; !a expands as-sets (use !i%s,1)", shown(s), strings.ToUpper(s))
	}
	return "", qerr("%s is a %s name; only as-sets and route-sets have members here", shown(s), c)
}

// objectName checks a maintainer or other RPSL object name (RFC 2622
// section 2: letters, digits, "-" and "_") and returns it upper case.
func objectName(s, what string) (string, *QueryError) {
	if s == "" {
		return "", qerr("Missing %s name", what)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isNameByte(c) {
			return "", qerr("Invalid %s name %s: letters, digits, '-' and '_' only", what, shown(s))
		}
	}
	return strings.ToUpper(s), nil
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// parseSources parses a comma-separated list of source names.
func parseSources(s string) ([]string, *QueryError) {
	var out []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, qerr("Invalid source list %s: empty source name", shown(s))
		}
		for i := 0; i < len(n); i++ {
			if !isNameByte(n[i]) {
				return nil, qerr("Invalid source name %s: letters, digits, '-' and '_' only", shown(n))
			}
		}
		out = append(out, strings.ToUpper(n))
	}
	return out, nil
}

// parseExact parses the argument of !m: a class, a comma and a primary
// key. For route and route6 the key is the prefix and the origin, spaces
// and dashes between them ignored, as IRRd allows for legacy keys
// ("192.0.2.0/24AS65530", "192.0.2.0/24 AS65530", "192.0.2.0/24-AS65530").
func parseExact(arg string) (Query, error) {
	class, key, ok := strings.Cut(arg, ",")
	class = strings.ToLower(strings.TrimSpace(class))
	key = strings.TrimSpace(key)
	if !ok || class == "" || key == "" {
		return Query{}, irrdErr("Invalid argument for object lookup: %s (want class,key)", shown(arg))
	}
	if _, err := objectName(class, "class"); err != nil {
		return Query{}, err
	}
	q := Query{Kind: KindExact, Class: class}
	switch class {
	case "route", "route6":
		p, asn, err := parseRouteKey(key)
		if err != nil {
			return Query{}, irrdErr("Invalid %s key %s: %v", class, shown(key), why(err))
		}
		if p.Addr().Is4() != (class == "route") {
			return Query{}, irrdErr("Invalid %s key %s: wrong address family", class, shown(key))
		}
		q.Prefix, q.ASN = p, asn
		q.Key = p.String() + asn.String()
	case "aut-num":
		asn, err := rpsl.ParseASN(key)
		if err != nil {
			return Query{}, irrdErr("Invalid aut-num key %s: %v", shown(key), why(err))
		}
		q.ASN, q.Key = asn, asn.String()
	default:
		q.Key = canonicalKey(key)
	}
	return q, nil
}

// canonicalKey is a primary key as DB indexes it: upper case, runs of
// white space as one space.
func canonicalKey(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

// parseRouteKey parses a route or route6 primary key.
func parseRouteKey(key string) (netip.Prefix, bgp.ASN, error) {
	k := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '-' {
			return -1
		}
		return r
	}, key)
	i := strings.LastIndexAny(k, "Aa")
	if i < 0 || i+1 >= len(k) || (k[i+1] != 'S' && k[i+1] != 's') {
		return netip.Prefix{}, 0, fmt.Errorf("want the prefix and the origin, e.g. 192.0.2.0/24AS64500")
	}
	p, err := rpsl.ParsePrefix(k[:i])
	if err != nil {
		return netip.Prefix{}, 0, err
	}
	asn, err := rpsl.ParseASN(k[i:])
	if err != nil {
		return netip.Prefix{}, 0, err
	}
	return p, asn, nil
}

// parseRouteSearch parses the argument of !r.
func parseRouteSearch(arg string) (Query, error) {
	addr, opt, hasOpt := strings.Cut(arg, ",")
	q := Query{Kind: KindRoutes}
	if hasOpt {
		found := false
		for m, o := range matchOptions {
			if o != "" && o == opt {
				q.Match, found = Match(m), true
			}
		}
		if !found {
			return Query{}, irrdErr("Invalid route search option: %s (o, l, L or M)", shown(opt))
		}
	}
	p, err := parsePrefixOrAddr(addr)
	if err != nil {
		return Query{}, irrdErr("Invalid input for route search: %s: %v", shown(addr), why(err))
	}
	q.Prefix = p
	return q, nil
}

// parsePrefixOrAddr parses a prefix, or an address as a host prefix.
func parsePrefixOrAddr(s string) (netip.Prefix, error) {
	if strings.IndexByte(s, '/') >= 0 {
		return rpsl.ParsePrefix(s)
	}
	a, err := rpsl.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseRIPE parses a RIPE-style query: flags, then at most one search,
// as IRRd 4 reads them ("-k -K -s ARIN -L 192.0.2.0/24").
func parseRIPE(line string) (Query, error) {
	q := Query{Kind: KindRIPE}
	words := strings.Fields(line)
	if len(words) == 0 {
		return Query{}, ripeErr("empty query")
	}
	next := func(i *int, flag string) (string, error) {
		if *i+1 >= len(words) {
			return "", ripeErr("Missing argument for flag/search: %s", flag)
		}
		*i++
		return words[*i], nil
	}
	search := func(s Search) error {
		if q.Search != SearchNone {
			return ripeErr("more than one search in a query; send one query per line")
		}
		q.Search = s
		return nil
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") || len(w) == 1 {
			if err := search(SearchKey); err != nil {
				return Query{}, err
			}
			parseSearchKey(&q, w)
			continue
		}
		var err error
		switch w {
		case "-k":
			q.KeepAlive = true
		case "-K":
			q.KeysOnly = true
		case "-r", "-F":
			// No recursion into contacts: the server never does it.
		case "-a":
			q.AllSources, q.Sources = true, nil
		case "-s":
			var v string
			if v, err = next(&i, w); err == nil {
				var qe *QueryError
				if q.Sources, qe = parseSources(v); qe != nil {
					err = ripe(qe)
				}
				q.AllSources = false
			}
		case "-T":
			var v string
			if v, err = next(&i, w); err == nil {
				err = parseClasses(&q, v)
			}
		case "-V":
			q.Client, err = next(&i, w)
		case "-i":
			if err = search(SearchInverse); err == nil {
				err = parseInverse(&q, words, &i)
			}
		case "-g":
			var v string
			if v, err = next(&i, w); err == nil {
				err = parseNRTM(&q, v)
			}
		case "-x", "-l", "-L", "-M":
			var v string
			if err = search(SearchRoutes); err == nil {
				if v, err = next(&i, w); err == nil {
					err = parseRIPERoutes(&q, w, v)
				}
			}
		default:
			err = ripeErr("Unrecognised flag/search: %s", shown(w))
		}
		if err != nil {
			return Query{}, err
		}
	}
	if q.NRTMVersion != 0 {
		switch {
		case q.Search != SearchNone:
			return Query{}, ripeErr("-g cannot be combined with a search")
		case q.KeepAlive:
			return Query{}, ripeErr("-k with -g (NRTM keepalive) is not supported; poll with -g instead")
		}
		return Query{Kind: KindNRTM, Name: q.Name, NRTMVersion: q.NRTMVersion, First: q.First, Last: q.Last}, nil
	}
	return q, nil
}

// parseNRTM parses the argument of -g: SOURCE:VERSION:FIRST-LAST, LAST
// being a serial or "LAST".
func parseNRTM(q *Query, v string) error {
	f := strings.Split(v, ":")
	if len(f) != 3 {
		return ripeErr("Invalid parameter for -g %s: want SOURCE:VERSION:FIRST-LAST", shown(v))
	}
	srcs, qe := parseSources(f[0])
	if qe != nil || len(srcs) != 1 {
		return ripeErr("Invalid source for -g %s: one source name", shown(v))
	}
	switch f[1] {
	case "1", "3":
	default:
		return ripeErr("Invalid NRTM version for -g %s: 1 or 3", shown(v))
	}
	lo, hi, ok := strings.Cut(f[2], "-")
	first, err := strconv.ParseUint(lo, 10, 64)
	if !ok || err != nil || first == 0 {
		return ripeErr("Invalid serial range for -g %s: want FIRST-LAST, FIRST a serial from 1", shown(v))
	}
	var last uint64
	if !strings.EqualFold(hi, "LAST") {
		if last, err = strconv.ParseUint(hi, 10, 64); err != nil || last == 0 {
			return ripeErr("Invalid serial range for -g %s: LAST is a serial or \"LAST\"", shown(v))
		}
	}
	q.Name = srcs[0]
	q.NRTMVersion = int(f[1][0] - '0')
	q.First, q.Last = first, last
	return nil
}

// parseClasses parses the object classes of -T.
func parseClasses(q *Query, v string) error {
	for _, c := range strings.Split(v, ",") {
		c = strings.ToLower(c)
		if _, err := objectName(c, "class"); err != nil {
			return ripe(err)
		}
		q.Classes = append(q.Classes, c)
	}
	return nil
}

// parseInverse parses the attribute and value of -i.
func parseInverse(q *Query, words []string, i *int) error {
	if *i+2 >= len(words) {
		return ripeErr("Missing argument for flag/search: -i (want -i attribute value)")
	}
	attr, v := strings.ToLower(words[*i+1]), words[*i+2]
	*i += 2
	q.Attr = attr
	switch attr {
	case "origin":
		asn, err := rpsl.ParseASN(v)
		if err != nil {
			return ripeErr("Invalid origin %s: %v", shown(v), why(err))
		}
		q.ASN = asn
	case "member-of":
		c, err := rpsl.ParseSetName(v)
		if err != nil || (c != rpsl.ASSetClass && c != rpsl.RouteSetClass) {
			return ripeErr("Invalid member-of %s: an as-set or route-set name", shown(v))
		}
		q.Name = strings.ToUpper(v)
	case "mnt-by":
		name, err := objectName(v, "maintainer")
		if err != nil {
			return ripe(err)
		}
		q.Name = name
	default:
		return ripeErr("Inverse attribute search not supported for %s, only supported for attributes: %s",
			shown(attr), strings.Join(inverseAttrs, ", "))
	}
	return nil
}

// parseRIPERoutes parses -x, -l, -L and -M and their prefix.
func parseRIPERoutes(q *Query, flag, v string) error {
	for m, f := range matchFlags {
		if f == flag {
			q.Match = Match(m)
		}
	}
	p, err := parsePrefixOrAddr(v)
	if err != nil {
		return ripeErr("Invalid input for route search: %s: %v", shown(v), why(err))
	}
	q.Prefix = p
	return nil
}

// parseSearchKey parses a free-text search key: an AS number, a prefix or
// an address, or any other primary key.
func parseSearchKey(q *Query, w string) {
	if asn, err := rpsl.ParseASN(w); err == nil && !strings.HasPrefix(strings.ToUpper(w), "AS-") {
		q.ASN, q.Key = asn, asn.String()
		return
	}
	if p, err := parsePrefixOrAddr(w); err == nil {
		q.Prefix, q.Key = p, p.String()
		return
	}
	q.Key = canonicalKey(w)
}

// String returns the query in canonical form: parsing it gives back the
// same query.
func (q Query) String() string {
	var b strings.Builder
	switch q.Kind {
	case KindPersistent:
		return "!!"
	case KindQuit:
		return "!q"
	case KindVersion:
		return "!v"
	case KindListSources:
		return "!s-lc"
	case KindName:
		return "!n" + q.Client
	case KindSetSources:
		return "!s" + strings.Join(q.Sources, ",")
	case KindSetRoutes:
		b.WriteString("!a")
		if q.Family != 0 {
			b.WriteString(strconv.Itoa(q.Family))
		}
		b.WriteString(q.Name)
	case KindOrigin4:
		return "!g" + q.ASN.String()
	case KindOrigin6:
		return "!6" + q.ASN.String()
	case KindMembers:
		b.WriteString("!i" + q.Name)
		if q.Recursive {
			b.WriteString(",1")
		}
	case KindSerials:
		if q.AllSources {
			return "!j-*"
		}
		return "!j" + strings.Join(q.Sources, ",")
	case KindExact:
		return "!m" + q.Class + "," + q.Key
	case KindMaintained:
		return "!o" + q.Name
	case KindRoutes:
		b.WriteString("!r" + q.Prefix.String())
		if q.Match != MatchExact {
			b.WriteString("," + matchOptions[q.Match])
		}
	case KindTimeout:
		return "!t" + strconv.Itoa(int(q.Timeout/time.Second))
	case KindRIPE:
		q.ripeString(&b)
	case KindNRTM:
		last := "LAST"
		if q.Last != 0 {
			last = strconv.FormatUint(q.Last, 10)
		}
		fmt.Fprintf(&b, "-g %s:%d:%d-%s", q.Name, q.NRTMVersion, q.First, last)
	}
	return b.String()
}

func (q Query) ripeString(b *strings.Builder) {
	var words []string
	if q.KeepAlive {
		words = append(words, "-k")
	}
	if q.KeysOnly {
		words = append(words, "-K")
	}
	if q.AllSources {
		words = append(words, "-a")
	} else if len(q.Sources) > 0 {
		words = append(words, "-s", strings.Join(q.Sources, ","))
	}
	if len(q.Classes) > 0 {
		words = append(words, "-T", strings.Join(q.Classes, ","))
	}
	if q.Client != "" {
		words = append(words, "-V", q.Client)
	}
	switch q.Search {
	case SearchKey:
		words = append(words, q.Key)
	case SearchInverse:
		v := q.Name
		if q.Attr == "origin" {
			v = q.ASN.String()
		}
		words = append(words, "-i", q.Attr, v)
	case SearchRoutes:
		words = append(words, matchFlags[q.Match], q.Prefix.String())
	}
	if len(words) == 0 || strings.HasPrefix(words[0], "!") {
		// -r changes nothing: it stands for a query of no flags, and
		// keeps a key starting with "!" from reading as a command.
		words = append([]string{"-r"}, words...)
	}
	b.WriteString(strings.Join(words, " "))
}
