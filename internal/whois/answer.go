package whois

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rpsl"
)

// Status is how a query was answered; its String is the result label of
// the query metrics.
type Status uint8

// Answers, after IRRd's response types.
const (
	StatusNone     Status = iota // no answer: !!, !q
	StatusData                   // A<length> and data (IRRd), objects (RIPE)
	StatusEmpty                  // C: a valid query without data
	StatusNotFound               // D: the key was not found
	StatusError                  // F <message> (IRRd), %% ERROR: (RIPE)
)

var statusNames = [...]string{StatusNone: "none", StatusData: "data", StatusEmpty: "empty", StatusNotFound: "not_found", StatusError: "error"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Answer is the answer to one query.
type Answer struct {
	Status Status
	// RIPE tells that the answer is in the RIPE style: objects and
	// "%" comment lines, ending with two blank lines.
	RIPE bool
	// Body is the data of StatusData, the message of StatusError.
	Body []byte
}

// noEntries is the RIPE-style answer without objects, as IRRd writes it.
const noEntries = "%  No entries found for the selected source(s).\n"

// Size returns the length of the answer on the wire.
func (a *Answer) Size() int {
	switch {
	case a.Status == StatusNone:
		return 0
	case a.RIPE && a.Status == StatusData:
		return len(a.Body) + 3
	case a.RIPE && a.Status == StatusError:
		return len("%% ERROR: ") + len(a.Body) + 3
	case a.RIPE:
		return len(noEntries) + 2
	case a.Status == StatusData:
		return len(strconv.Itoa(len(a.Body)+1)) + 2 + len(a.Body) + 3
	case a.Status == StatusError:
		return 3 + len(a.Body)
	}
	return 2
}

// AppendTo appends the answer as the server sends it (IRRd 4's "Raw TCP
// responses"): "A<length>\n<data>\nC\n", the length counting the data and
// its newline; "C\n"; "D\n"; "F <message>\n". In the RIPE style: the
// objects, or "%  No entries found for the selected source(s).", or
// "%% ERROR: <message>", then two blank lines.
func (a *Answer) AppendTo(b []byte) []byte {
	switch {
	case a.Status == StatusNone:
		return b
	case a.RIPE && a.Status == StatusData:
		b = append(b, a.Body...)
		return append(b, "\n\n\n"...)
	case a.RIPE && a.Status == StatusError:
		b = append(b, "%% ERROR: "...)
		b = append(b, a.Body...)
		return append(b, "\n\n\n"...)
	case a.RIPE:
		return append(b, noEntries+"\n\n"...)
	case a.Status == StatusData:
		b = append(b, 'A')
		b = strconv.AppendInt(b, int64(len(a.Body)+1), 10)
		b = append(b, '\n')
		b = append(b, a.Body...)
		return append(b, "\nC\n"...)
	case a.Status == StatusEmpty:
		return append(b, "C\n"...)
	case a.Status == StatusNotFound:
		return append(b, "D\n"...)
	}
	b = append(b, "F "...)
	b = append(b, a.Body...)
	return append(b, '\n')
}

// Limits bound what one query may cost. A zero field takes its default.
type Limits struct {
	// MaxAnswerBytes is the largest answer built; a larger one is
	// answered with an error.
	MaxAnswerBytes int
	// MaxSetMembers is the most ASes or prefixes a set expansion
	// returns (irr.ExpandOptions.MaxMembers).
	MaxSetMembers int
	// MaxSetDepth is the deepest nesting of sets expanded.
	MaxSetDepth int
}

// Default limits.
const (
	// DefaultMaxAnswerBytes bounds an answer: the largest as-sets
	// expand to about a million prefixes, 15 to 20 MB of text.
	DefaultMaxAnswerBytes = 32 << 20
	// DefaultMaxSetMembers bounds a set expansion.
	DefaultMaxSetMembers = 1_500_000
	// DefaultMaxSetDepth bounds the nesting of sets: real as-sets nest
	// 15 to 17 levels deep.
	DefaultMaxSetDepth = irr.DefaultMaxDepth
	// MinMoreSpecificBits4 and MinMoreSpecificBits6 are the shortest
	// prefixes whose more specifics (!r...,M, -M) are searched: a search
	// under 0.0.0.0/0 would walk every route object before the answer
	// limit could stop it.
	MinMoreSpecificBits4 = 8
	MinMoreSpecificBits6 = 16
)

func (l Limits) withDefaults() Limits {
	if l.MaxAnswerBytes <= 0 {
		l.MaxAnswerBytes = DefaultMaxAnswerBytes
	}
	if l.MaxSetMembers <= 0 {
		l.MaxSetMembers = DefaultMaxSetMembers
	}
	if l.MaxSetDepth <= 0 {
		l.MaxSetDepth = DefaultMaxSetDepth
	}
	return l
}

// Session is the state of one client: the sources it selected, whether
// it asked to stay connected, its idle timeout and name. Its Answer
// method answers queries against a DB; a Server runs one per connection.
type Session struct {
	db      *DB
	lim     Limits
	version string
	serials map[string]uint64
	journal *Journal

	// defaults are the sources selected at the start and by -a.
	defaults []string
	// Sources are the sources selected, in order of precedence.
	Sources []string
	// Persistent is set by !! and -k: the connection stays open after
	// an answer.
	Persistent bool
	// Timeout is the idle timeout; !t sets it.
	Timeout time.Duration
	// Client is the name the client gave with !n or -V.
	Client string
	// Quit is set by !q.
	Quit bool
}

// SessionConfig is what a Session needs beyond its DB.
type SessionConfig struct {
	// Sources are the sources selected at the start of a session, in
	// order of precedence; empty means every source of the DB.
	Sources []string
	Limits  Limits
	// Version is the answer to !v.
	Version string
	// Serials are the serials the sources' dumps were taken at, answered
	// by !j as the range 0-serial; a source without one is answered "-".
	Serials map[string]uint64
	// Journal, when set, follows the sources' serials after NRTM
	// updates, for !j, and answers -g queries; Serials are then read
	// for the sources it does not know.
	Journal *Journal
	// Timeout is the idle timeout until !t changes it.
	Timeout time.Duration
}

// NewSession returns a session over db.
func NewSession(db *DB, cfg SessionConfig) *Session {
	s := &Session{db: db, lim: cfg.Limits.withDefaults(), version: cfg.Version, serials: cfg.Serials, journal: cfg.Journal, Timeout: cfg.Timeout}
	s.defaults = slices.Clone(cfg.Sources)
	if len(s.defaults) == 0 {
		s.defaults = db.irr.Order()
	}
	s.Sources = s.defaults
	return s
}

// maxClientName bounds the client name kept from !n and -V.
const maxClientName = 128

// Answer answers a parsed query and updates the session.
func (s *Session) Answer(q Query) Answer {
	a := s.answer(q)
	if a.Status == StatusData && len(a.Body) > s.lim.MaxAnswerBytes {
		a = s.tooLarge(a.RIPE)
	}
	if a.Status == StatusError {
		a.Body = oneLine(a.Body)
	}
	return a
}

// oneLine replaces the line ends of an error message, which would break
// the framing of the answer.
func oneLine(b []byte) []byte {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return b
}

// AnswerLine parses and answers one query line.
func (s *Session) AnswerLine(line string) (Query, Answer) {
	q, err := ParseQuery(line)
	if err != nil {
		var qe *QueryError
		if errors.As(err, &qe) {
			return q, Answer{Status: StatusError, RIPE: qe.RIPE, Body: oneLine([]byte(qe.Msg))}
		}
		return q, Answer{Status: StatusError, Body: oneLine([]byte(err.Error()))}
	}
	return q, s.Answer(q)
}

func (s *Session) tooLarge(ripe bool) Answer {
	return Answer{Status: StatusError, RIPE: ripe, Body: fmt.Appendf(nil,
		"Answer larger than this server's limit of %d bytes; narrow the query", s.lim.MaxAnswerBytes)}
}

func errAnswer(format string, a ...any) Answer {
	return Answer{Status: StatusError, Body: fmt.Appendf(nil, format, a...)}
}

func dataOrNotFound(body []byte) Answer {
	if len(body) == 0 {
		return Answer{Status: StatusNotFound}
	}
	return Answer{Status: StatusData, Body: body}
}

func (s *Session) answer(q Query) Answer {
	switch q.Kind {
	case KindPersistent:
		s.Persistent = true
		return Answer{Status: StatusNone}
	case KindQuit:
		s.Quit = true
		return Answer{Status: StatusNone}
	case KindName:
		s.Client = clipName(q.Client)
		return Answer{Status: StatusEmpty}
	case KindVersion:
		return Answer{Status: StatusData, Body: []byte(s.version)}
	case KindListSources:
		return Answer{Status: StatusData, Body: []byte(strings.Join(s.Sources, ","))}
	case KindSetSources:
		s.Sources = slices.Clone(q.Sources)
		return Answer{Status: StatusEmpty}
	case KindTimeout:
		s.Timeout = q.Timeout
		return Answer{Status: StatusEmpty}
	case KindSerials:
		return s.serialRanges(q)
	case KindOrigin4, KindOrigin6:
		return s.originPrefixes(q.ASN, q.Kind == KindOrigin6)
	case KindSetRoutes:
		return s.setRoutes(q)
	case KindMembers:
		if q.Recursive {
			return s.expand(q.Name)
		}
		return s.directMembers(q.Name)
	case KindExact:
		o := s.db.exact(q.Class, q.Key, s.Sources)
		if o == nil {
			return Answer{Status: StatusNotFound}
		}
		return Answer{Status: StatusData, Body: []byte(strings.TrimRight(o.text, "\n"))}
	case KindMaintained:
		return s.objects(s.db.maintained(q.Name, nil, s.Sources), false, false, true)
	case KindRoutes:
		return s.routeSearch(q, false)
	case KindRIPE:
		return s.ripe(q)
	case KindNRTM:
		return s.nrtm(q)
	}
	return errAnswer("Unrecognised query")
}

func clipName(s string) string {
	if len(s) > maxClientName {
		return s[:maxClientName]
	}
	return s
}

// known returns the sources of the session that the DB has, in the
// session's order; an empty result selects nothing (irr.ExpandOptions
// would read an empty list as every source).
func (s *Session) known() []string {
	order := s.db.irr.Order()
	var out []string
	for _, src := range s.Sources {
		if slices.Contains(order, src) && !slices.Contains(out, src) {
			out = append(out, src)
		}
	}
	return out
}

// allSources reports whether the sources cover every source of the DB.
func allSources(known []string, order []string) bool {
	for _, o := range order {
		if !slices.Contains(known, o) {
			return false
		}
	}
	return true
}

func (s *Session) expandOptions(known []string) irr.ExpandOptions {
	return irr.ExpandOptions{MaxDepth: s.lim.MaxSetDepth, MaxMembers: s.lim.MaxSetMembers, Sources: known}
}

func (s *Session) truncated(name string) Answer {
	return errAnswer("Expansion of %s stopped at this server's limits (%d members, %d levels of nested sets)",
		name, s.lim.MaxSetMembers, s.lim.MaxSetDepth)
}

// serialRanges answers !j: for each source "SOURCE:Y:FIRST-LAST" when
// the journal holds changes of it (Y: served over NRTM, FIRST-LAST: the
// serials of the journal), "SOURCE:N:0-SERIAL" (N: no changes kept) for
// a source whose serial is known, "SOURCE:N:-" for a source without a
// known serial, "SOURCE:X:Database unknown" for a source the DB does not
// have, as IRRd does.
func (s *Session) serialRanges(q Query) Answer {
	order := s.db.irr.Order()
	srcs := q.Sources
	if q.AllSources {
		srcs = s.defaults
	}
	var b []byte
	for _, src := range srcs {
		if len(b) > 0 {
			b = append(b, '\n')
		}
		b = append(b, src...)
		serial, ok := s.serial(src)
		first, last, journaled := s.journal.rangeOf(src)
		switch {
		case !slices.Contains(order, src):
			b = append(b, ":X:Database unknown"...)
		case journaled:
			b = fmt.Appendf(b, ":Y:%d-%d", first, last)
		case ok:
			b = fmt.Appendf(b, ":N:0-%d", serial)
		default:
			b = append(b, ":N:-"...)
		}
	}
	return dataOrNotFound(b)
}

// serial returns the serial of a source's data: the journal's, else the
// configured one.
func (s *Session) serial(src string) (uint64, bool) {
	if s.journal != nil {
		if n, ok := s.journal.Serial(src); ok {
			return n, true
		}
	}
	n, ok := s.serials[src]
	return n, ok
}

// nrtm answers -g SOURCE:VERSION:FIRST-LAST from the journal, in the
// RIPE style, with IRRd's errors.
func (s *Session) nrtm(q Query) Answer {
	if s.journal == nil {
		return Answer{Status: StatusError, RIPE: true, Body: []byte("No journal kept for this source, unable to serve NRTM queries")}
	}
	b, msg := s.journal.appendNRTM(nil, q.Name, q.NRTMVersion, q.First, q.Last)
	if msg != "" {
		return Answer{Status: StatusError, RIPE: true, Body: []byte(msg)}
	}
	return Answer{Status: StatusData, RIPE: true, Body: b}
}

// prefixes returns the prefixes of the route (v6 false) or route6 objects
// of origin in the known sources, sorted.
func (s *Session) prefixes(origin bgp.ASN, v6 bool, known []string) ([]netip.Prefix, error) {
	if len(known) == 0 {
		return nil, nil
	}
	if allSources(known, s.db.irr.Order()) {
		return s.db.irr.Prefixes(origin, v6), nil
	}
	x, err := s.db.irr.ExpandRouteSet(origin.String(), v6, s.expandOptions(known))
	if err != nil {
		return nil, err
	}
	out := make([]netip.Prefix, len(x.Prefixes))
	for i, r := range x.Prefixes {
		out[i] = r.Prefix
	}
	return out, nil
}

// originPrefixes answers !g and !6: the distinct prefixes of the route
// or route6 objects of an origin, separated by spaces; D when there are
// none, as IRRd answers.
func (s *Session) originPrefixes(origin bgp.ASN, v6 bool) Answer {
	ps, err := s.prefixes(origin, v6, s.known())
	if err != nil {
		return errAnswer("%s", why(err))
	}
	b := newBody(s.lim.MaxAnswerBytes)
	for _, p := range ps {
		b.word(p.String())
	}
	return b.answer(s)
}

// setRoutes answers !a: the prefixes of the route objects of the ASes an
// as-set expands to, recursively, IPv4 then IPv6 (!a4 and !a6 one only);
// D when there are none.
func (s *Session) setRoutes(q Query) Answer {
	known := s.known()
	if len(known) == 0 {
		return Answer{Status: StatusNotFound}
	}
	b := newBody(s.lim.MaxAnswerBytes)
	for _, v6 := range []bool{false, true} {
		if q.Family == 4 && v6 || q.Family == 6 && !v6 {
			continue
		}
		x, err := s.db.irr.ExpandRouteSet(q.Name, v6, s.expandOptions(known))
		if errors.Is(err, irr.ErrNotFound) {
			return Answer{Status: StatusNotFound}
		}
		if err != nil {
			return errAnswer("%s", why(err))
		}
		if x.Truncated {
			return s.truncated(q.Name)
		}
		for _, r := range x.Prefixes {
			b.word(r.String())
		}
	}
	return b.answer(s)
}

// expand answers !i<set>,1: the AS numbers of an as-set, or the prefixes
// (with their range operators, IPv4 then IPv6) of a route-set, recursively
// expanded; D when the set is not found or expands to nothing.
func (s *Session) expand(name string) Answer {
	known := s.known()
	if len(known) == 0 {
		return Answer{Status: StatusNotFound}
	}
	b := newBody(s.lim.MaxAnswerBytes)
	if c, _ := rpsl.ParseSetName(name); c == rpsl.ASSetClass {
		x, err := s.db.irr.ExpandASSet(name, s.expandOptions(known))
		if errors.Is(err, irr.ErrNotFound) {
			return Answer{Status: StatusNotFound}
		}
		if err != nil {
			return errAnswer("%s", why(err))
		}
		if x.Truncated {
			return s.truncated(name)
		}
		for _, asn := range x.ASNs {
			b.word(asn.String())
		}
		return b.answer(s)
	}
	for _, v6 := range []bool{false, true} {
		x, err := s.db.irr.ExpandRouteSet(name, v6, s.expandOptions(known))
		if errors.Is(err, irr.ErrNotFound) {
			return Answer{Status: StatusNotFound}
		}
		if err != nil {
			return errAnswer("%s", why(err))
		}
		if x.Truncated {
			return s.truncated(name)
		}
		for _, r := range x.Prefixes {
			b.word(r.String())
		}
	}
	return b.answer(s)
}

// directMembers answers !i<set>: the members of the set as written
// (members, then mp-members), then the AS numbers of the aut-nums (as-set)
// or the prefixes of the route objects (route-set) that join it with
// member-of and a maintainer its mbrs-by-ref admits (RFC 2622 sections
// 5.1 and 5.2); D when the set is not found or has no members.
func (s *Session) directMembers(name string) Answer {
	class := "as-set"
	if c, _ := rpsl.ParseSetName(name); c == rpsl.RouteSetClass {
		class = "route-set"
	}
	o := s.db.exact(class, name, s.Sources)
	if o == nil {
		return Answer{Status: StatusNotFound}
	}
	ro, err := o.parsed()
	if err != nil {
		return errAnswer("%s", why(err))
	}
	var members, mbrsByRef []string
	if class == "as-set" {
		v, err := rpsl.ParseASSet(ro)
		if err != nil {
			return errAnswer("%s", why(err))
		}
		members, mbrsByRef = v.Members, v.MbrsByRef
	} else {
		v, err := rpsl.ParseRouteSet(ro)
		if err != nil {
			return errAnswer("%s", why(err))
		}
		members, mbrsByRef = append(slices.Clone(v.Members), v.MpMembers...), v.MbrsByRef
	}
	b := newBody(s.lim.MaxAnswerBytes)
	seen := make(map[string]bool)
	add := func(m string) {
		if !seen[m] {
			seen[m] = true
			b.word(m)
		}
	}
	for _, m := range members {
		add(m)
	}
	if len(mbrsByRef) > 0 {
		joinClasses := []string{"aut-num"}
		if class == "route-set" {
			joinClasses = []string{"route", "route6"}
		}
		joined := s.db.members(name, joinClasses, s.Sources)
		if len(joined) > s.lim.MaxAnswerBytes/minObjectBytes {
			return s.tooLarge(false)
		}
		sortObjects(joined, s.Sources)
		for _, j := range joined {
			if b.over {
				break
			}
			if admitted(j, mbrsByRef) {
				if j.prefix.IsValid() {
					add(j.prefix.String())
				} else {
					add(j.key)
				}
			}
		}
	}
	return b.answer(s)
}

// admitted reports whether mbrs-by-ref admits object o: it names one of
// o's maintainers, or is ANY (RFC 2622 section 5.1).
func admitted(o *object, mbrsByRef []string) bool {
	ro, err := o.parsed()
	if err != nil {
		return false
	}
	for _, m := range upperItems(ro.List("mnt-by")) {
		if slices.Contains(mbrsByRef, m) {
			return true
		}
	}
	return slices.Contains(mbrsByRef, "ANY")
}

// routeSearch answers !r and the RIPE-style -x, -l, -L and -M.
func (s *Session) routeSearch(q Query, ripe bool) Answer {
	p := q.Prefix
	classes := q.Classes
	if q.Match == MatchMore {
		floor := MinMoreSpecificBits4
		if p.Addr().Is6() {
			floor = MinMoreSpecificBits6
		}
		if p.Bits() < floor {
			a := errAnswer("More specific search of %s refused: this server searches under /%d or longer", p, floor)
			a.RIPE = ripe
			return a
		}
	}
	var objs []*object
	switch q.Match {
	case MatchExact, MatchOrigins:
		objs = s.db.routes(p, 0, classes, s.Sources, nil)
	case MatchOneLess:
		// The most specific covering prefix with objects in the
		// selected sources; one without is not a level.
		cover := s.db.irr.Covering(p)
		for i := len(cover) - 1; i >= 0 && objs == nil; i-- {
			if r := cover[i]; r.Prefix.Bits() < p.Bits() {
				objs = s.db.routes(r.Prefix, 0, classes, s.Sources, nil)
			}
		}
	case MatchAllLess:
		objs = s.routesOf(s.db.irr.Covering(p), classes)
	case MatchMore:
		cover := s.db.irr.Covered(p)
		cover = slices.DeleteFunc(cover, func(r irr.Route) bool { return r.Prefix == p })
		objs = s.routesOf(cover, classes)
	}
	if q.Match == MatchOrigins {
		var asns []bgp.ASN
		for _, o := range objs {
			if !slices.Contains(asns, o.origin) {
				asns = append(asns, o.origin)
			}
		}
		slices.Sort(asns)
		b := newBody(s.lim.MaxAnswerBytes)
		for _, a := range asns {
			b.word(a.String())
		}
		return b.answer(s)
	}
	if q.Match == MatchExact || q.Match == MatchOneLess {
		sortRouteObjects(objs, s.Sources)
	}
	return s.objects(objs, ripe, q.KeysOnly, false)
}

// routesOf returns the route objects of routes (sorted least specific
// first), each prefix's in order of origin, then source.
func (s *Session) routesOf(routes []irr.Route, classes []string) []*object {
	var objs []*object
	for i, r := range routes {
		if i > 0 && routes[i-1].Prefix == r.Prefix {
			continue // routes lists a prefix once per origin
		}
		n := len(objs)
		objs = s.db.routes(r.Prefix, 0, classes, s.Sources, objs)
		sortRouteObjects(objs[n:], s.Sources)
	}
	return objs
}

func sortRouteObjects(objs []*object, sources []string) {
	slices.SortFunc(objs, func(a, b *object) int {
		if a.origin != b.origin {
			if a.origin < b.origin {
				return -1
			}
			return 1
		}
		return sourceRank(sources, a.source) - sourceRank(sources, b.source)
	})
}

// minObjectBytes is less than the text of any object, or its keys.
const minObjectBytes = 16

// objects answers with the text of objs, separated by blank lines (the
// RIPE style when ripe is set), or their keys only, sorted first when
// sorted is set; D or "No entries" when there are none. So many objects
// that their answer cannot fit are refused before any is read.
func (s *Session) objects(objs []*object, ripe, keysOnly, sorted bool) Answer {
	if len(objs) > s.lim.MaxAnswerBytes/minObjectBytes {
		return s.tooLarge(ripe)
	}
	if sorted {
		sortObjects(objs, s.Sources)
	}
	b := newBody(s.lim.MaxAnswerBytes)
	if keysOnly {
		seen := make(map[string]bool)
		for _, o := range objs {
			if b.over {
				break
			}
			k := keyFields(o)
			if k != "" && !seen[k] {
				seen[k] = true
				b.object(k)
			}
		}
	} else {
		for _, o := range objs {
			b.object(o.text)
		}
	}
	a := b.answer(s)
	a.RIPE = ripe
	return a
}

// keyFields returns the primary key attributes of o and its members and
// mp-members, one item a line, as IRRd answers -K.
func keyFields(o *object) string {
	ro, err := o.parsed()
	if err != nil || len(ro.Attrs) == 0 {
		return ""
	}
	var b strings.Builder
	line := func(name, v string) {
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	line(o.class, strings.Join(strings.Fields(ro.Attrs[0].Value), " "))
	if o.prefix.IsValid() {
		line("origin", o.origin.String())
	}
	for _, attr := range []string{"members", "mp-members"} {
		for _, m := range ro.List(attr) {
			line(attr, m)
		}
	}
	return b.String()
}

// ripe answers a RIPE-style query.
func (s *Session) ripe(q Query) Answer {
	if q.KeepAlive {
		s.Persistent = true
	}
	if q.Client != "" {
		s.Client = clipName(q.Client)
	}
	switch {
	case q.AllSources:
		s.Sources = s.defaults
	case len(q.Sources) > 0:
		s.Sources = slices.Clone(q.Sources)
	}
	switch q.Search {
	case SearchRoutes:
		return s.routeSearch(q, true)
	case SearchInverse:
		switch q.Attr {
		case "origin":
			return s.originObjects(q)
		case "member-of":
			return s.objects(s.db.members(q.Name, q.Classes, s.Sources), true, q.KeysOnly, true)
		default: // mnt-by
			return s.objects(s.db.maintained(q.Name, q.Classes, s.Sources), true, q.KeysOnly, true)
		}
	case SearchKey:
		if q.Prefix.IsValid() {
			return s.routeSearch(Query{Prefix: q.Prefix, Match: MatchAllLess, Classes: q.Classes, KeysOnly: q.KeysOnly}, true)
		}
		return s.objects(s.db.byKey(q.Key, q.Classes, s.Sources), true, q.KeysOnly, true)
	}
	// Flags only: IRRd answers that nothing was found.
	return Answer{Status: StatusEmpty, RIPE: true}
}

// originObjects answers -i origin: the route and route6 objects of an
// origin, by prefix, then source.
func (s *Session) originObjects(q Query) Answer {
	var objs []*object
	for _, v6 := range []bool{false, true} {
		ps, err := s.prefixes(q.ASN, v6, s.known())
		if err != nil {
			return Answer{Status: StatusError, RIPE: true, Body: []byte(why(err))}
		}
		for _, p := range ps {
			objs = s.db.routes(p, q.ASN, q.Classes, s.Sources, objs)
		}
	}
	return s.objects(objs, true, q.KeysOnly, false)
}

// body builds the data of an answer up to a size limit.
type body struct {
	b    []byte
	max  int
	over bool
}

func newBody(max int) *body { return &body{max: max} }

// word appends a word, separated by a space.
func (b *body) word(w string) {
	if b.over {
		return
	}
	if len(b.b)+len(w)+1 > b.max {
		b.over = true
		return
	}
	if len(b.b) > 0 {
		b.b = append(b.b, ' ')
	}
	b.b = append(b.b, w...)
}

// object appends an object's text, separated by a blank line; the text
// ends with a newline, the body does not.
func (b *body) object(text string) {
	if b.over {
		return
	}
	text = strings.TrimRight(text, "\n")
	if len(b.b)+len(text)+2 > b.max {
		b.over = true
		return
	}
	if len(b.b) > 0 {
		b.b = append(b.b, "\n\n"...)
	}
	b.b = append(b.b, text...)
}

func (b *body) answer(s *Session) Answer {
	if b.over {
		return s.tooLarge(false)
	}
	return dataOrNotFound(b.b)
}
