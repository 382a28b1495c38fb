package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRequest sends arbitrary paths and query strings to the API: every
// answer is JSON or a page, never a panic, and only a store failure may
// be a 500.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		"/api/v1/as/AS64500?date=2026-10-01", "/api/v1/as/64500/history?days=30&to=2026-10-05",
		"/api/v1/as/1/conformance?before=2026-10-05&days=3&policy=strict", "/api/v1/as/1/incidents?metric=m2&limit=5",
		"/api/v1/lapses?since=2026-10-01", "/api/v1/incidents/abc", "/as/AS1", "/?as=AS1", "/api/v1/as/4294967296",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.Parse(target)
		if err != nil || !strings.HasPrefix(u.Path, "/") {
			return
		}
		fx := getFixture(t)
		h := New(fx.st, fx.o, nil)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = u
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("%s: 500: %s", target, rec.Body)
		}
		// A path that is not clean (/api/./x) is redirected to its
		// clean form, as net/http does, with a Location to follow.
		redirect := rec.Code >= 300 && rec.Code < 400
		if redirect && rec.Header().Get("Location") == "" {
			t.Fatalf("%s: %d without a Location", target, rec.Code)
		}
		if strings.HasPrefix(u.Path, "/api/") && !redirect && rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s: %d answer is not JSON: %s", target, rec.Code, rec.Body)
		}
	})
}
