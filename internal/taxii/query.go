package taxii

import (
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultPageSize is the number of objects a page holds when the client
// gives no limit; MaxPageSize is the most it may ask for (TAXII 2.1
// section 3.4: the server may return fewer than the limit).
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// maxFilterValues caps the comma-separated values of one filter.
const maxFilterValues = 100

// query holds the filters and paging of a request (TAXII 2.1 sections
// 3.4 and 3.5).
type query struct {
	addedAfter   time.Time
	limit        int
	start        int // log position to resume from (next)
	ids, types   []string
	specVersions []string
	// version filter: all, first, last, or the listed versions; last
	// when none is given.
	all, first, last bool
	versions         []time.Time
	// fingerprint identifies the filters, to tie a next token to them.
	fingerprint uint64
}

// errQuery is the class of errors in a query string; the server answers
// them with 400.
var errQuery = errors.New("bad query")

func queryErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errQuery, fmt.Sprintf(format, args...))
}

// parseQuery parses the query parameters of objects, manifest, an object
// and its versions; allowed lists the match fields the endpoint takes.
func parseQuery(v url.Values, allowed ...string) (query, error) {
	q := query{limit: DefaultPageSize}
	var fp []string
	for key, vals := range v {
		if len(vals) != 1 {
			return q, queryErr("%s given %d times", key, len(vals))
		}
		val := vals[0]
		switch {
		case key == "added_after":
			t, err := parseTime(val)
			if err != nil {
				return q, queryErr("added_after: %v", err)
			}
			q.addedAfter = t
			fp = append(fp, key+"="+val)
		case key == "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return q, queryErr("limit %q: want a positive integer", val)
			}
			q.limit = min(n, MaxPageSize)
		case key == "next":
		case strings.HasPrefix(key, "match[") && strings.HasSuffix(key, "]"):
			field := key[len("match[") : len(key)-1]
			if !slices.Contains(allowed, field) {
				return q, queryErr("filter %s is not supported here", key)
			}
			list, err := splitList(val)
			if err != nil {
				return q, queryErr("%s: %v", key, err)
			}
			switch field {
			case "id":
				q.ids = list
			case "type":
				q.types = list
			case "spec_version":
				q.specVersions = list
			case "version":
				for _, s := range list {
					switch s {
					case "all":
						q.all = true
					case "first":
						q.first = true
					case "last":
						q.last = true
					default:
						t, err := parseTime(s)
						if err != nil {
							return q, queryErr("match[version]: %v", err)
						}
						q.versions = append(q.versions, t)
					}
				}
			}
			slices.Sort(list)
			fp = append(fp, key+"="+strings.Join(list, ","))
		}
	}
	if !q.all && !q.first && !q.last && len(q.versions) == 0 {
		q.last = true
	}
	slices.Sort(fp)
	h := fnv.New64a()
	h.Write([]byte(strings.Join(fp, "&")))
	q.fingerprint = h.Sum64()
	if tok := v.Get("next"); tok != "" {
		pos, err := decodeNext(tok, q.fingerprint)
		if err != nil {
			return q, err
		}
		q.start = pos
	}
	return q, nil
}

func splitList(s string) ([]string, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	list := strings.Split(s, ",")
	if len(list) > maxFilterValues {
		return nil, fmt.Errorf("more than %d values", maxFilterValues)
	}
	for _, x := range list {
		if x == "" {
			return nil, errors.New("empty value")
		}
	}
	return list, nil
}

// parseTime parses a TAXII timestamp: RFC 3339 in UTC ("Z").
func parseTime(s string) (time.Time, error) {
	if !strings.HasSuffix(s, "Z") {
		return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339 in UTC (Z)", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339", s)
	}
	return t, nil
}

// A next token (TAXII 2.1 section 3.4) is opaque to clients: the log
// position to resume from and the fingerprint of the filters it was
// issued for, so that a token used with other filters is refused rather
// than silently skipping objects.
const nextVersion = "1"

func encodeNext(pos int, fingerprint uint64) string {
	s := fmt.Sprintf("%s.%d.%x", nextVersion, pos, fingerprint)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeNext(tok string, fingerprint uint64) (int, error) {
	if len(tok) > 64 {
		return 0, queryErr("next: bad token")
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, queryErr("next: bad token")
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != nextVersion {
		return 0, queryErr("next: bad token")
	}
	pos, err := strconv.Atoi(parts[1])
	if err != nil || pos < 0 {
		return 0, queryErr("next: bad token")
	}
	fp, err := strconv.ParseUint(parts[2], 16, 64)
	if err != nil {
		return 0, queryErr("next: bad token")
	}
	if fp != fingerprint {
		return 0, queryErr("next: token issued for other filters")
	}
	return pos, nil
}

// matches reports whether entry i of l passes the filters other than
// added_after and paging.
func (q *query) matches(l *Log, i int) bool {
	e := &l.Entries[i]
	if q.ids != nil && !slices.Contains(q.ids, e.ID) {
		return false
	}
	if q.types != nil && !slices.Contains(q.types, e.Type) {
		return false
	}
	// match[spec_version]: the listed ones, else the latest the object
	// has (TAXII 2.1 section 3.5).
	okSpec := func(j int) bool {
		if q.specVersions != nil {
			return slices.Contains(q.specVersions, l.Entries[j].SpecVersion)
		}
		return true
	}
	versions := l.ByID[e.ID]
	if q.specVersions == nil {
		latest := ""
		for _, j := range versions {
			latest = max(latest, l.Entries[j].SpecVersion)
		}
		okSpec = func(j int) bool { return l.Entries[j].SpecVersion == latest }
	}
	if !okSpec(i) {
		return false
	}
	if q.all {
		return true
	}
	for _, t := range q.versions {
		if e.Version.Equal(t) {
			return true
		}
	}
	if q.first || q.last {
		first, last := true, true
		for _, j := range versions {
			if j == i || !okSpec(j) {
				continue
			}
			v := l.Entries[j].Version
			first = first && !v.Before(e.Version)
			last = last && !v.After(e.Version)
		}
		return q.first && first || q.last && last
	}
	return false
}

// page returns the positions of the entries of l on the page q asks for,
// and the token of the next page ("" when it is the last).
func (q *query) page(l *Log, match func(int) bool) (hits []int, next string) {
	start := q.start
	if !q.addedAfter.IsZero() {
		k, _ := slices.BinarySearchFunc(l.Entries, q.addedAfter, func(e Entry, t time.Time) int {
			if e.DateAdded.After(t) {
				return 1
			}
			return -1
		})
		start = max(start, k)
	}
	for i := start; i < len(l.Entries); i++ {
		if !match(i) {
			continue
		}
		if len(hits) == q.limit {
			return hits, encodeNext(hits[len(hits)-1]+1, q.fingerprint)
		}
		hits = append(hits, i)
	}
	return hits, ""
}
