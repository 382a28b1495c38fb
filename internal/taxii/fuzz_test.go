package taxii

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzQuery checks that no query string makes the parser panic, that a
// parsed query is within bounds, and that next tokens round-trip.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=10", "limit=0", "limit=-1", "limit=99999999999999999999",
		"added_after=2026-10-01T00:00:00.000000Z", "added_after=2026-10-01", "added_after=2026-10-01T00:00:00+01:00",
		"match[id]=indicator--1,indicator--2", "match[type]=indicator&match[version]=first,last,all",
		"match[version]=2026-10-01T00:00:00.000Z", "match[spec_version]=2.0,2.1", "match[foo]=1", "match[id]=",
		"match[type]=a,,b", "next=" + encodeNext(time.Unix(5, 0), 0), "next=!!!", "next=MS4xLjA", "limit=1&limit=2",
		"match[version]=" + strings.Repeat("last,", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseQuery(v, "id", "type", "version", "spec_version")
		if err != nil {
			return
		}
		if q.limit < 1 || q.limit > MaxPageSize || q.resume.Before(time.Unix(0, 1)) && !q.resume.IsZero() {
			t.Fatalf("%q: limit %d resume %s", raw, q.limit, q.resume)
		}
		if len(q.ids) > maxFilterValues || len(q.types) > maxFilterValues || len(q.versions) > maxFilterValues {
			t.Fatalf("%q: too many values", raw)
		}
		if !q.all && !q.first && !q.last && len(q.versions) == 0 {
			t.Fatalf("%q: no version filter", raw)
		}
		last := q.resume.Add(7 * time.Microsecond)
		if q.resume.IsZero() {
			last = time.Date(2026, 10, 1, 0, 0, 0, 7000, time.UTC)
		}
		tok := encodeNext(last, q.fingerprint)
		at, err := decodeNext(tok, q.fingerprint)
		if err != nil || !at.Equal(last) {
			t.Fatalf("%q: next token round trip: %s, %v", raw, at, err)
		}
		if _, err := decodeNext(tok, q.fingerprint+1); err == nil {
			t.Fatalf("%q: token accepted for other filters", raw)
		}
	})
}

// FuzzAccept checks the Accept parser never panics and accepts the TAXII
// media type whatever follows it.
func FuzzAccept(f *testing.F) {
	for _, s := range []string{"", MediaType, "application/json", "*/*;q=0", "application/taxii+json;version=2.0, text/html", ";;,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acceptable(s)
		if !acceptable(MediaType + ", " + s) {
			t.Fatalf("%q: TAXII media type first, not acceptable", s)
		}
	})
}
