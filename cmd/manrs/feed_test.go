package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/deliver"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
	"github.com/manrs/manrs/internal/taxii"
	"github.com/manrs/manrs/internal/web"
	"github.com/manrs/manrs/internal/world"
)

// hookServer accepts signed webhook deliveries, or answers 503 while down.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	down   bool
	events []string
}

func newHookServer(t *testing.T, secret string) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.down {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		if !deliver.Verify([]byte(secret), body, r.Header.Get(deliver.SignatureHeader)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		h.events = append(h.events, r.Header.Get(deliver.EventHeader))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.Close)
	return h
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFeedTest(t *testing.T) {
	hook := newHookServer(t, "s3cret")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "manrs.yaml", fmt.Sprintf(`collectors:
  - {name: x, ribs: x}
tenants:
  - name: acme
    password_env: FEED_TEST_PW
    asns: [64500]
    outputs:
      syslog: {address: "%s", transport: udp}
      webhook: {url: "%s", secret_env: FEED_TEST_SECRET, max_retries: 0}
`, pc.LocalAddr(), hook.URL))
	t.Setenv("FEED_TEST_SECRET", "s3cret")
	t.Setenv("FEED_TEST_PW", "pw")

	code, out, stderr := runCmd(t, "feed", "test", "acme", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "syslog   ok") || !strings.Contains(out, "webhook  ok") || !strings.Contains(out, "taxii    ok (collection acme)") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	buf := make([]byte, 4096)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _, err := pc.ReadFrom(buf); err != nil || !strings.Contains(string(buf[:n]), "manrs feed test") {
		t.Errorf("syslog got %q, %v", buf[:n], err)
	}
	if len(hook.events) != 1 || !strings.HasPrefix(hook.events[0], "test-") {
		t.Errorf("webhook got %v", hook.events)
	}

	hook.mu.Lock()
	hook.down = true
	hook.mu.Unlock()
	code, out, _ = runCmd(t, "feed", "test", "acme", "--config", cfg, "--json")
	var res struct {
		Tenant  string       `json:"tenant"`
		OK      bool         `json:"ok"`
		Results []feedResult `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != exitFailure || res.OK || res.Tenant != "acme" || len(res.Results) != 3 {
		t.Errorf("exit %d: %+v", code, res)
	}
	for _, r := range res.Results {
		if (r.Output == "webhook") == r.OK || r.Output == "webhook" && !strings.Contains(r.Error, "503") {
			t.Errorf("%+v", r)
		}
	}

	if code, _, stderr := runCmd(t, "feed", "test", "nobody", "--config", cfg); code != exitUsage || !strings.Contains(stderr, `no tenant "nobody"`) {
		t.Errorf("unknown tenant: exit %d, %s", code, stderr)
	}
	os.Unsetenv("FEED_TEST_SECRET")
	if code, out, _ := runCmd(t, "feed", "test", "acme", "--config", cfg); code != exitFailure || !strings.Contains(out, "FEED_TEST_SECRET") {
		t.Errorf("missing secret: exit %d, %s", code, out)
	}
	if code, _, _ := runCmd(t, "feed", "test", "acme"); code != exitUsage {
		t.Errorf("no --config: exit %d", code)
	}
}

func TestFeedHashPassword(t *testing.T) {
	var stdout, stderr strings.Builder
	root := newRootCmd(&stdout, &stderr)
	root.SetIn(strings.NewReader("correct horse\n"))
	root.SetArgs([]string{"feed", "hash-password"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	h := strings.TrimSpace(stdout.String())
	st, err := sqlite.Open(sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := taxii.New(taxii.Config{Store: taxii.NewFeeds(st), Tenants: []taxii.Tenant{{Name: "a", PasswordHash: h}}}); err != nil {
		t.Errorf("hash %q: %v", h, err)
	}
}

// tinyStore generates a tiny world and observes its first day into a
// store; observe observes another.
func tinyStore(t *testing.T, days int) (st store.Store, path string, observe func(i int) time.Time) {
	t.Helper()
	dir := t.TempDir()
	sc, _ := world.ParseScale("tiny")
	if _, err := world.Generate(world.Options{Seed: 9, Scale: sc, Days: days, Out: dir, UpdateInterval: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "manrs.db")
	if st, err = sqlite.Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	observe = func(i int) time.Time {
		d := world.DefaultStart.AddDate(0, 0, i)
		if _, err := observatory.Ingest(context.Background(), st, cfg, d, observatory.Options{}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	observe(0)
	return st, path, observe
}

func TestServeTenantTAXII(t *testing.T) {
	st, path, observe := tinyStore(t, 2)
	demo, err := demoTenant(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if len(demo.ASNs) == 0 || demo.PasswordHash == "" || demo.Outputs.Syslog != nil || demo.Outputs.Webhook != nil || demo.Outputs.Email != nil {
		t.Fatalf("demo tenant %+v", demo)
	}
	hook := newHookServer(t, "k")
	t.Setenv("SERVE_TEST_SECRET", "k")
	webhookTenant := demo
	webhookTenant.Name, webhookTenant.PasswordHash = "hooked", ""
	webhookTenant.Outputs.Webhook = &config.Webhook{URL: hook.URL, SecretEnv: "SERVE_TEST_SECRET", Timeout: time.Second}
	tenants := []config.Tenant{demo, webhookTenant}
	svc, tx, closeLog, err := openDeliveries(context.Background(), st, tenants, config.Feeds{RetentionDays: config.DefaultFeedRetentionDays}, "minimum", "", deliveryLogPath(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	o := config.DefaultObservatory()
	ws := web.New(st, &o, nil)
	ws.Mount(taxii.Prefix, taxiiGuard(tx, true))
	srv := httptest.NewServer(ws)
	defer srv.Close()

	get := func(h http.Handler, url, user, pw string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth(user, pw)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	coll := taxii.Prefix + "manrs/collections/" + deliver.CollectionID("demo") + "/objects/?match[type]=indicator"
	code, body := get(ws, coll, "demo", "demo")
	var env struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if json.Unmarshal(body, &env); code != http.StatusOK || len(env.Objects) == 0 {
		t.Errorf("demo collection: %d, %d indicators: %.300s", code, len(env.Objects), body)
	}
	if code, _ := get(ws, taxii.Prefix, "demo", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("bad password: %d", code)
	}
	if code, _ := get(ws, taxii.Prefix+"manrs/collections/"+deliver.CollectionID("hooked")+"/", "demo", "demo"); code != http.StatusNotFound {
		t.Errorf("another tenant's collection: %d", code)
	}
	if code, _ := get(taxiiGuard(tx, false), taxii.Prefix, "demo", "demo"); code != http.StatusForbidden {
		t.Errorf("plain HTTP on a public listener: %d", code)
	}
	if !isLoopback(&net.TCPAddr{IP: net.IPv6loopback}) || isLoopback(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1)}) {
		t.Error("isLoopback")
	}

	// Days stored before start are not pushed; a day stored later is,
	// once, on the next poll.
	if len(hook.events) != 0 {
		t.Errorf("pushed at start: %v", hook.events)
	}
	day := observe(1)
	if _, err := svc.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := deliver.EventsOfDay(context.Background(), st, day, "minimum", deliver.TenantSelector(&webhookTenant))
	if err != nil {
		t.Fatal(err)
	}
	hook.mu.Lock()
	got := append([]string(nil), hook.events...)
	hook.mu.Unlock()
	if len(evs) == 0 {
		t.Fatal("the demo tenant has no events on the second day")
	}
	if len(got) != len(evs) {
		t.Errorf("pushed %d events of the new day, want %d", len(got), len(evs))
	}
	for i, e := range evs {
		if i < len(got) && got[i] != e.ID {
			t.Errorf("event %d: %s, want %s", i, got[i], e.ID)
		}
	}
	// manrs observe's delivery of the same day finds it delivered.
	cfg := &config.Config{Tenants: []config.Tenant{webhookTenant}, Observatory: config.DefaultObservatory()}
	failed, err := deliverDay(context.Background(), cfg, st, path, day, nil)
	if err != nil || failed != 0 {
		t.Fatal(failed, err)
	}
	if len(hook.events) != len(got) {
		t.Errorf("delivered again: %d events", len(hook.events))
	}
	recs, bad, err := deliver.ReadLog(deliveryLogPath(path))
	if err != nil || bad != 0 || len(recs) != len(evs) {
		t.Errorf("delivery log: %d records, %d bad, %v", len(recs), bad, err)
	}

	// A restart serves the same collections: every object with the date
	// added it had, nothing added twice.
	svc2, _, closeLog2, err := openDeliveries(context.Background(), st, tenants, config.Feeds{RetentionDays: config.DefaultFeedRetentionDays}, "minimum", "", deliveryLogPath(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer closeLog2()
	for _, alias := range []string{"demo", "hooked", config.PublicCollection} {
		id := deliver.CollectionID(alias)
		q := store.FeedQuery{All: true, Limit: 1 << 20, Bodies: true}
		before, _, err := svc.Feed.Collections.Find(context.Background(), id, q)
		if err != nil {
			t.Fatal(err)
		}
		after, _, err := svc2.Feed.Collections.Find(context.Background(), id, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) == 0 || len(after) != len(before) {
			t.Errorf("collection %s: %d entries after a restart, %d before", alias, len(after), len(before))
			continue
		}
		for i, e := range before {
			if a := after[i]; a.ID != e.ID || !a.DateAdded.Equal(e.DateAdded) || string(a.Object) != string(e.Object) {
				t.Errorf("collection %s entry %d: %s added %s after a restart, %s added %s before", alias, i, a.ID, a.DateAdded, e.ID, e.DateAdded)
				break
			}
		}
	}
}
