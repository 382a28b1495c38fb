package taxii

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
)

// BenchmarkPoll measures pages served per second to 200 concurrent
// pollers over a collection of 10,000 objects, through HTTP on the
// loopback: each iteration, every poller fetches one page of 100
// objects at its own position with its next token.
func BenchmarkPoll(b *testing.B) {
	const pollers, limit = 200, 100
	m, s := fixture(b, 10_000)
	all, _, err := m.Find(context.Background(), colA.ID, store.FeedQuery{All: true, Limit: 20_000})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: pollers, MaxConnsPerHost: pollers}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	// Each poller starts at its own page, as pollers out of step do.
	fp := mustFingerprint(b, limit)
	urls := make([]string, pollers)
	for p := range urls {
		urls[p] = fmt.Sprintf("%s/taxii2/manrs/collections/%s/objects/?limit=%d", srv.URL, colA.ID, limit)
		if start := (p * limit * 7) % 9000; start > 0 {
			urls[p] += "&next=" + encodeNext(all[start-1].DateAdded, fp)
		}
	}
	fetch := func(u string) {
		req, _ := http.NewRequest("GET", u, nil)
		req.SetBasicAuth("a", "secret-a")
		req.Header.Set("Accept", MediaType)
		resp, err := hc.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Errorf("status %d", resp.StatusCode)
		}
	}
	b.ReportAllocs()
	start := time.Now()
	pages := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for _, u := range urls {
			wg.Go(func() { fetch(u) })
		}
		wg.Wait()
		pages += pollers
	}
	b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
}

// mustFingerprint is the fingerprint of a query with only a limit,
// which next tokens are tied to (limit is not part of it).
func mustFingerprint(b *testing.B, limit int) uint64 {
	q, err := parseQuery(map[string][]string{"limit": {fmt.Sprint(limit)}})
	if err != nil {
		b.Fatal(err)
	}
	return q.fingerprint
}

// BenchmarkAdd measures object versions added a second to a collection
// in a store on disk, in batches of 250 as a day's events come, each
// checked against what the collection holds.
func BenchmarkAdd(b *testing.B) {
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "manrs.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	f := NewFeeds(st, colA)
	raws := make([]json.RawMessage, 250)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for i := range raws {
			raws[i] = rawObject(n, base.Add(time.Duration(n)*time.Second))
			n++
		}
		if _, err := f.AddRaw(context.Background(), colA.ID, raws...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "objects/s")
}
