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

	"github.com/manrs/manrs/internal/store"
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
	resume       time.Time // date added of the previous page's last object (next)
	ids, types   []string
	specVersions []string
	// version filter: all, first, last, or the listed versions; last
	// when none is given.
	all, first, last bool
	versions         []time.Time
	// fingerprint identifies the filters, to tie a next token to them.
	fingerprint uint64
}

// feedQuery is the store query of q: the entries after added_after and
// after the page q resumes from.
func (q *query) feedQuery(bodies bool) store.FeedQuery {
	after := q.addedAfter
	if q.resume.After(after) {
		after = q.resume
	}
	return store.FeedQuery{After: after, IDs: q.ids, Types: q.types, SpecVersions: q.specVersions,
		All: q.all, First: q.first, Last: q.last, Versions: q.versions, Limit: q.limit, Bodies: bodies}
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
		at, err := decodeNext(tok, q.fingerprint)
		if err != nil {
			return q, err
		}
		q.resume = at
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

// A next token (TAXII 2.1 section 3.4) is opaque to clients: the date
// added (Unix nanoseconds) of the last object of the page it follows,
// which is unique within a collection, and the fingerprint of the
// filters it was issued for, so that a token used with other filters is
// refused rather than silently skipping objects.
const nextVersion = "2"

func encodeNext(last time.Time, fingerprint uint64) string {
	s := fmt.Sprintf("%s.%d.%x", nextVersion, last.UnixNano(), fingerprint)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeNext(tok string, fingerprint uint64) (time.Time, error) {
	bad := queryErr("next: bad token")
	if len(tok) > 80 {
		return time.Time{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return time.Time{}, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != nextVersion {
		return time.Time{}, bad
	}
	ns, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || ns <= 0 {
		return time.Time{}, bad
	}
	fp, err := strconv.ParseUint(parts[2], 16, 64)
	if err != nil {
		return time.Time{}, bad
	}
	if fp != fingerprint {
		return time.Time{}, queryErr("next: token issued for other filters")
	}
	return time.Unix(0, ns).UTC(), nil
}
