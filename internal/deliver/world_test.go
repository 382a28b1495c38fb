package deliver

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/deliver/delivertest"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
	"github.com/manrs/manrs/internal/taxii"
	"github.com/manrs/manrs/internal/world"
)

const worldDays = 3

// tinyWorld generates a tiny world and observes its days into a store.
func tinyWorld(t *testing.T) (store.Store, []time.Time, *config.Config) {
	t.Helper()
	dir := t.TempDir()
	sc, _ := world.ParseScale("tiny")
	if _, err := world.Generate(world.Options{Seed: 9, Scale: sc, Days: worldDays, Out: dir, UpdateInterval: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(filepath.Join(dir, "manrs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var days []time.Time
	for i := range worldDays {
		day := world.DefaultStart.AddDate(0, 0, i)
		if _, err := observatory.Ingest(context.Background(), st, cfg, day, observatory.Options{}); err != nil {
			t.Fatal(err)
		}
		days = append(days, day)
	}
	return st, days, cfg
}

// expected returns the IDs of the events of every day that a tenant
// selects.
func expected(t *testing.T, st store.Store, days []time.Time, policy string, tn *config.Tenant) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, d := range days {
		evs, err := EventsOfDay(context.Background(), st, d, policy, TenantSelector(tn))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			out[e.ID] = true
		}
	}
	return out
}

// pickTenants picks two culprits whose events differ: the one with the
// most incidents, and another with events the first does not get.
func pickTenants(t *testing.T, st store.Store, days []time.Time) (a, b bgp.ASN) {
	t.Helper()
	ins, err := st.Incidents(context.Background(), store.Query{From: days[0], To: days[len(days)-1]})
	if err != nil {
		t.Fatal(err)
	}
	count := map[bgp.ASN]int{}
	for _, in := range ins {
		count[in.Culprit]++
	}
	var asns []bgp.ASN
	for a := range count {
		asns = append(asns, a)
	}
	if len(asns) < 2 {
		t.Skipf("the tiny world has incidents of %d ASes", len(asns))
	}
	sort.Slice(asns, func(i, j int) bool {
		return count[asns[i]] > count[asns[j]] || count[asns[i]] == count[asns[j]] && asns[i] < asns[j]
	})
	a = asns[0]
	ta := &config.Tenant{ASNs: []bgp.ASN{a}}
	ea := expected(t, st, days, "minimum", ta)
	for _, c := range asns[1:] {
		eb := expected(t, st, days, "minimum", &config.Tenant{ASNs: []bgp.ASN{c}})
		for id := range eb {
			if !ea[id] {
				return a, c
			}
		}
	}
	t.Skip("no two ASes with different events")
	return 0, 0
}

var eventIDRE = regexp.MustCompile(`event_id="([^"]+)"|externalId=(\S+)`)

func TestTenantsOnWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and observes a world")
	}
	st, days, _ := tinyWorld(t)
	asnA, asnB := pickTenants(t, st, days)
	cert, pool := delivertest.Cert(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}

	sysA := delivertest.NewSyslogReceiver(t, "tcp", nil)
	sysB := delivertest.NewSyslogReceiver(t, "tls", &cert)
	udpA := delivertest.NewSyslogReceiver(t, "udp", nil)
	hookA := newWebhookReceiver(t, "secret-a")
	hookB := newWebhookReceiver(t, "secret-b")
	mailA := delivertest.NewSMTPServer(t, nil)
	mailB := delivertest.NewSMTPServer(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	hashB, err := taxii.HashPassword("pw-b")
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`collectors:
  - {name: x, ribs: x}
tenants:
  - name: acme
    password_env: ACME_PW
    asns: [%d]
    outputs:
      syslog: {address: "%s", transport: tcp}
      webhook: {url: "%s", secret_env: HOOK_A, max_retries: 1, timeout: 2s}
      email: {smtp_address: "%s", from: manrs@example.net, to: [noc@acme.example], starttls: false}
  - name: beta
    password_hash: %s
    asns: [%d]
    outputs:
      syslog: {address: "%s", transport: tls, format: cef, ca_file: ca.pem}
      webhook: {url: "%s", secret_env: HOOK_B, max_retries: 1}
      email: {smtp_address: "%s", from: manrs@example.net, to: [soc@beta.example]}
  - name: gamma
    asns: [%d]
    outputs:
      syslog: {address: "%s", transport: udp}
`, asnA, sysA.Addr(), hookA.Srv.URL, mailA.Addr(), hashB, asnB, sysB.Addr(), hookB.Srv.URL, mailB.Addr(), asnA, udpA.Addr())
	cfg, err := config.Parse([]byte(yaml), "manrs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"ACME_PW": "pw-a", "HOOK_A": "secret-a", "HOOK_B": "secret-b"}[k]
		return v, ok
	}
	logPath := filepath.Join(dir, LogName)
	dlog, err := OpenLog(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	feed := NewFeed(st, cfg.Tenants, "minimum")
	svc, err := NewService(st, cfg.Tenants, "minimum", dir, env, dlog, feed, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.Dispatcher.Backoff, svc.Dispatcher.MaxBackoff = time.Millisecond, 5*time.Millisecond
	for _, o := range svc.Targets["beta"].Outputs {
		if e, ok := o.(*Email); ok {
			e.TLS = &tls.Config{RootCAs: pool}
		}
	}
	wantA := expected(t, st, days, "minimum", &cfg.Tenants[0])
	wantB := expected(t, st, days, "minimum", &cfg.Tenants[1])
	if len(wantA) == 0 || len(wantB) == 0 {
		t.Fatalf("events: acme %d, beta %d", len(wantA), len(wantB))
	}

	// acme's webhook and beta's syslog are down for the first round.
	hookA.Down.Store(true)
	sysB.Stop()
	res, err := svc.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, r := range res {
		if !r.OK() {
			failed[r.DeliveryID] = true
			if !(r.Tenant == "acme" && r.Output == "webhook" || r.Tenant == "beta" && r.Output == "syslog") {
				t.Errorf("unexpected failure %+v: %v", r, r.Err)
			}
		}
	}
	if len(failed) != len(wantA)+len(wantB) || svc.Dispatcher.DeadLetters() != len(failed) {
		t.Errorf("%d failed, %d dead letters; want %d", len(failed), svc.Dispatcher.DeadLetters(), len(wantA)+len(wantB))
	}
	// They come back; the next rounds deliver the backlog, then nothing.
	hookA.Down.Store(false)
	sysB.Start()
	for range 2 {
		res, err = svc.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if !r.OK() {
				t.Errorf("%+v: %v", r, r.Err)
			}
		}
	}
	if n := svc.Dispatcher.DeadLetters(); n != 0 {
		t.Errorf("%d dead letters left", n)
	}
	// A restarted process with the same delivery log sends nothing again.
	svc2, err := NewService(st, cfg.Tenants, "minimum", dir, env, dlog, NewFeed(st, cfg.Tenants, "minimum"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, _ := svc2.Poll(context.Background()); len(res) != 0 {
		t.Errorf("after a restart, %d deliveries", len(res))
	}

	v := delivertest.NewValidator(t)
	exactlyOnce := func(name string, got []string, want map[string]bool) {
		t.Helper()
		seen := map[string]int{}
		for _, id := range got {
			seen[id]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s: event %s delivered %d times", name, id, n)
			}
			if !want[id] {
				t.Errorf("%s: event %s is not the tenant's", name, id)
			}
		}
		for id := range want {
			if seen[id] == 0 {
				t.Errorf("%s: event %s lost", name, id)
			}
		}
	}
	syslogIDs := func(r *delivertest.SyslogReceiver) []string {
		var ids []string
		for _, m := range r.Messages() {
			sm := eventIDRE.FindStringSubmatch(m)
			if sm == nil {
				t.Errorf("no event id in %s", m)
				continue
			}
			ids = append(ids, sm[1]+sm[2])
		}
		return ids
	}
	delivertest.WaitFor(t, "syslog messages", func() bool { return len(sysA.Messages()) >= len(wantA) && len(sysB.Messages()) >= len(wantB) })
	exactlyOnce("acme syslog", syslogIDs(sysA), wantA)
	exactlyOnce("beta syslog (cef)", syslogIDs(sysB), wantB)
	delivertest.WaitFor(t, "udp messages", func() bool { return len(udpA.Messages()) >= len(wantA) })
	exactlyOnce("gamma syslog (udp)", syslogIDs(udpA), wantA)

	for _, h := range []struct {
		name string
		r    *delivertest.WebhookReceiver
		want map[string]bool
	}{{"acme webhook", hookA, wantA}, {"beta webhook", hookB, wantB}} {
		var ids []string
		if len(h.r.Bad()) > 0 {
			t.Errorf("%s: %v", h.name, h.r.Bad())
		}
		for _, p := range h.r.Payloads() {
			ids = append(ids, p.Event.ID)
			v.Bundle(t, p.Bundle)
		}
		for id, n := range h.r.Deliveries() {
			if n != 1 {
				t.Errorf("%s: delivery %s accepted %d times", h.name, id, n)
			}
		}
		exactlyOnce(h.name, ids, h.want)
	}
	for _, m := range []struct {
		name string
		s    *delivertest.SMTPServer
		want map[string]bool
		tls  bool
	}{{"acme email", mailA, wantA, false}, {"beta email", mailB, wantB, true}} {
		var ids []string
		for _, msg := range m.s.Messages() {
			if msg.TLS != m.tls {
				t.Errorf("%s: tls %v", m.name, msg.TLS)
			}
			hdr, _, bundle := delivertest.ParseMail(t, msg.Data)
			ids = append(ids, hdr.Header.Get("X-Manrs-Event"))
			v.Bundle(t, bundle)
		}
		exactlyOnce(m.name, ids, m.want)
	}

	// TAXII: each tenant reads its collection and the public one; the
	// other's answers 404.
	tts, err := TAXIITenants(cfg.Tenants, env)
	if err != nil {
		t.Fatal(err)
	}
	if len(tts) != 2 {
		t.Fatalf("%d TAXII tenants (gamma has no password)", len(tts))
	}
	srv, err := taxii.New(taxii.Config{Tenants: tts, Store: feed.Collections})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	get := func(user, pw, path string, code int) []byte {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.SetBasicAuth(user, pw)
		req.Header.Set("Accept", taxii.MediaType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != code {
			t.Errorf("GET %s as %s: %d, want %d: %.200s", path, user, resp.StatusCode, code, b)
		}
		return b
	}
	var cols struct {
		Collections []struct {
			ID    string `json:"id"`
			Alias string `json:"alias"`
		} `json:"collections"`
	}
	json.Unmarshal(get("acme", "pw-a", "/taxii2/manrs/collections/", 200), &cols)
	var aliases []string
	for _, c := range cols.Collections {
		aliases = append(aliases, c.Alias)
	}
	slices.Sort(aliases)
	if !slices.Equal(aliases, []string{"acme", "public"}) {
		t.Errorf("acme sees %v", aliases)
	}
	taxiiIDs := func(user, pw, alias string) []string {
		t.Helper()
		var ids []string
		next := ""
		for {
			path := "/taxii2/manrs/collections/" + CollectionID(alias) + "/objects/?limit=1000"
			if next != "" {
				path += "&next=" + next
			}
			var env struct {
				More    bool              `json:"more"`
				Next    string            `json:"next"`
				Objects []json.RawMessage `json:"objects"`
			}
			if err := json.Unmarshal(get(user, pw, path, 200), &env); err != nil {
				t.Fatal(err)
			}
			for _, o := range env.Objects {
				v.Object(t, o)
				var ind struct {
					Type       string                     `json:"type"`
					Extensions map[string]json.RawMessage `json:"extensions"`
				}
				json.Unmarshal(o, &ind)
				if ind.Type != "indicator" {
					continue
				}
				var ext struct {
					EventID string `json:"event_id"`
				}
				for _, e := range ind.Extensions {
					json.Unmarshal(e, &ext)
				}
				ids = append(ids, ext.EventID)
			}
			if !env.More {
				return ids
			}
			next = env.Next
		}
	}
	exactlyOnce("acme TAXII", taxiiIDs("acme", "pw-a", "acme"), wantA)
	exactlyOnce("beta TAXII", taxiiIDs("beta", "pw-b", "beta"), wantB)
	get("acme", "pw-a", "/taxii2/manrs/collections/"+CollectionID("beta")+"/", 404)
	get("acme", "pw-a", "/taxii2/manrs/collections/"+CollectionID("beta")+"/objects/", 404)
	get("beta", "pw-b", "/taxii2/manrs/collections/"+CollectionID("acme")+"/objects/", 404)
	get("beta", "pw-a", "/taxii2/manrs/collections/", 401)
	if pub := taxiiIDs("beta", "pw-b", "public"); len(pub) < len(wantA) {
		t.Errorf("public collection: %d events", len(pub))
	}

	// The delivery log holds every attempt.
	recs, bad, err := ReadLog(logPath)
	if err != nil || bad != 0 {
		t.Fatal(err, bad)
	}
	results := map[string]int{}
	for _, r := range recs {
		results[r.Result]++
		if strings.Contains(r.Tenant, "gamma") && r.Output != "syslog" {
			t.Errorf("gamma has only syslog: %+v", r)
		}
	}
	if results[ResultOK] != 4*len(wantA)+3*len(wantB) || results[ResultDeadLetter] == 0 {
		t.Errorf("results %v", results)
	}
}

// TestContactRemovedOnWorld: the contact removals the world injected on
// the days after its first are events of those days, and no other AS's
// contacts are reported removed.
func TestContactRemovedOnWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and observes a world")
	}
	st, days, cfg := tinyWorld(t)
	f, err := os.Open(filepath.Join(cfg.Dir, "ground-truth", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	dec := json.NewDecoder(f)
	for {
		var e world.Event
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if e.Type == world.ContactRemoved && e.Start.After(days[0]) && !e.Start.After(days[len(days)-1]) {
			want[fmt.Sprintf("%s AS%d", e.Start.Format("2006-01-02"), e.Culprit)] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("the world removed no contacts after its first day")
	}
	got := map[string]bool{}
	for _, d := range days {
		evs, err := EventsOfDay(context.Background(), st, d, "minimum", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Type == stix.ContactRemoved {
				got[fmt.Sprintf("%s AS%d", e.Date, *e.Routing.ChargedASN)] = true
			}
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("contact removal %s: no event", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("contact removal %s: an event, but not in the ground truth", k)
		}
	}
	t.Logf("%d contact removals", len(got))
}

// TestFeedRetention: a start leaves out the days older than the
// retention (counted back from the latest), pruning removes what was
// added longer ago than it, and a day pruned is not fed again.
func TestFeedRetention(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and observes a world")
	}
	ctx := context.Background()
	st, days, _ := tinyWorld(t)
	tenants := []config.Tenant{{Name: "all", Prefixes: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}}}
	feed := NewFeed(st, tenants, "minimum")
	feed.Retention = 36 * time.Hour
	dlog, err := OpenLog(filepath.Join(t.TempDir(), LogName))
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	svc, err := NewService(st, nil, "minimum", "", nil, dlog, feed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cols := []string{CollectionID(config.PublicCollection), CollectionID("all")}
	q := store.FeedQuery{All: true, Limit: 1 << 20}
	total := 0
	for _, col := range cols {
		fed, err := feed.Collections.FedDays(ctx, col)
		if err != nil || !slices.Equal(fed, days[1:]) {
			t.Fatalf("fed %v (%v), want %v: the first day is older than the retention", fed, err, days[1:])
		}
		before, _, err := feed.Collections.Find(ctx, col, q)
		if err != nil || len(before) == 0 {
			t.Fatalf("%d objects, %v", len(before), err)
		}
		total += len(before)
	}
	// A day and a half later everything is older than the retention.
	n, err := feed.Prune(ctx, time.Now().Add(37*time.Hour))
	if err != nil || n != total {
		t.Fatalf("pruned %d of %d: %v", n, total, err)
	}
	// Fed again, the days add nothing but the tenant's report.
	for _, d := range days[1:] {
		if err := feed.AddDay(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, col := range cols {
		after, _, err := feed.Collections.Find(ctx, col, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range after {
			if !slices.Contains([]string{"report", "identity", "extension-definition", "marking-definition"}, e.Type) {
				t.Errorf("collection %s: %s %s fed again after pruning", col, e.Type, e.ID)
			}
		}
	}
}
