package deliver

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/deliver/delivertest"
)

var testNow = time.Date(2026, 10, 2, 3, 4, 5, 0, time.UTC)

func TestRFC5424(t *testing.T) {
	ev := TestEvent("acme", testNow)
	ev.Name = `Route leak "quoted" ] \ by AS64501`
	sd := StructuredData("ac\"me]", ev, "d1")
	msg := string(RFC5424(testNow, "host name", ev.Severity, "d1", sd, "\ufeff"+ev.Name))
	want := `<134>1 2026-10-02T03:04:05.000000Z hostname manrs - d1 [manrs@32473 tenant="ac\"me\]" delivery_id="d1" event_id="` + ev.ID
	if !strings.HasPrefix(msg, want) {
		t.Errorf("got  %s\nwant %s...", msg, want)
	}
	for _, p := range []string{`event_type="route-leak"`, `prefixes="198.51.100.0/24"`, `charged_asn="64501"`, `manrs_metric="M1"`,
		`rfc7908_leak_type="1"`, `indicator_id="indicator--`} {
		if !strings.Contains(msg, p) {
			t.Errorf("no %s in %s", p, msg)
		}
	}
	if !strings.HasSuffix(msg, "] \ufeff"+ev.Name) {
		t.Errorf("message part: %q", msg)
	}
	// RFC 5424 section 6: the header's fields.
	re := regexp.MustCompile(`^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) \[`)
	if !re.MatchString(msg) {
		t.Errorf("header does not match RFC 5424: %s", msg)
	}
	if got := string(RFC5424(testNow, "", 6, "", "", "")); got != "<134>1 2026-10-02T03:04:05.000000Z - manrs - - -" {
		t.Errorf("nil values: %q", got)
	}
}

func TestCEF(t *testing.T) {
	ev := TestEvent("acme", testNow)
	ev.Type = "route|leak"
	ev.Name = `a|b\c` + "\nd"
	ev.Description = "x=y\\z\nw"
	got := CEF("acme", ev, "d1")
	want := `CEF:0|manrs|manrs|1.0|route\|leak|a\|b\\c d|1|msg=x\=y\\z\nw cs1=acme cs1Label=tenant cs2=d1 cs2Label=deliveryId externalId=` + ev.ID + ` cat=route|leak cs6=`
	if !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s...", got, want)
	}
	for _, p := range []string{" cn1=64501 cn1Label=chargedAsn", " cs3=198.51.100.0/24 cs3Label=prefixes", " cs5=M1 cs5Label=manrsMetric"} {
		if !strings.Contains(got, p) {
			t.Errorf("no %q in %s", p, got)
		}
	}
	if h := got[:strings.Index(got, "|msg=")]; strings.Count(h, "|")-strings.Count(h, `\|`) != 6 {
		t.Errorf("header fields: %s", h)
	}
}

func TestSign(t *testing.T) {
	// RFC 4231 test case 2.
	got := Sign([]byte("Jefe"), []byte("what do ya want for nothing?"))
	if got != "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" {
		t.Errorf("got %s", got)
	}
	if !Verify([]byte("Jefe"), []byte("what do ya want for nothing?"), got) || Verify([]byte("Jefe"), []byte("x"), got) {
		t.Error("Verify")
	}
}

func TestSyslogTransports(t *testing.T) {
	cert, pool := delivertest.Cert(t)
	v := delivertest.NewValidator(t)
	_ = v
	for _, tc := range []struct{ transport, format string }{
		{"udp", "rfc5424"}, {"tcp", "rfc5424"}, {"tls", "rfc5424"}, {"tcp", "cef"}, {"tls", "cef"},
	} {
		t.Run(tc.transport+"-"+tc.format, func(t *testing.T) {
			r := delivertest.NewSyslogReceiver(t, tc.transport, &cert)
			out := &Syslog{Address: r.Addr(), Transport: tc.transport, Format: tc.format, Hostname: "observer",
				TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
			evs := []*Event{TestEvent("acme", testNow), TestEvent("acme", testNow.Add(time.Second))}
			for i, ev := range evs {
				if err := out.Send(context.Background(), "acme", ev, DeliveryID("acme", "syslog", ev.ID)); err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
			}
			delivertest.WaitFor(t, "two messages", func() bool { return len(r.Messages()) == 2 })
			for i, m := range r.Messages() { // in any order over two connections
				if !strings.HasPrefix(m, "<134>1 ") || !strings.Contains(m, evs[0].ID) && !strings.Contains(m, evs[1].ID) {
					t.Errorf("message %d: %s", i, m)
				}
				if tc.format == "cef" && !strings.Contains(m, " - CEF:0|manrs|manrs|") {
					t.Errorf("not CEF: %s", m)
				}
			}
		})
	}
	t.Run("tls-untrusted", func(t *testing.T) {
		r := delivertest.NewSyslogReceiver(t, "tls", &cert)
		out := &Syslog{Address: r.Addr(), Transport: "tls", Format: "rfc5424"}
		if err := out.Send(context.Background(), "acme", TestEvent("acme", testNow), "d"); err == nil {
			t.Error("an untrusted certificate was accepted")
		}
	})
	t.Run("tcp-down", func(t *testing.T) {
		r := delivertest.NewSyslogReceiver(t, "tcp", nil)
		r.Stop()
		out := &Syslog{Address: r.Addr(), Transport: "tcp", Format: "rfc5424"}
		if err := out.Send(context.Background(), "acme", TestEvent("acme", testNow), "d"); err == nil {
			t.Error("a receiver that is down was not noticed")
		}
	})
}

// newWebhookReceiver starts a webhook receiver that checks deliveries
// signed under secret.
func newWebhookReceiver(t testing.TB, secret string) *delivertest.WebhookReceiver {
	return delivertest.NewWebhookReceiver(t, delivertest.Signing{
		SignatureHeader: SignatureHeader,
		DeliveryHeader:  DeliveryHeader,
		Secret:          []byte(secret),
		Verify:          Verify,
	})
}

func TestWebhook(t *testing.T) {
	v := delivertest.NewValidator(t)
	r := newWebhookReceiver(t, "s3cret")
	ev := TestEvent("acme", testNow)
	w := &Webhook{URL: r.Srv.URL, Secret: []byte("s3cret"), Timeout: time.Second}
	if err := w.Send(context.Background(), "acme", ev, "d1"); err != nil {
		t.Fatal(err)
	}
	if len(r.Bad()) > 0 || r.Deliveries()["d1"] != 1 {
		t.Fatalf("bad %v, deliveries %v", r.Bad(), r.Deliveries())
	}
	var p struct {
		DeliveryID string          `json:"delivery_id"`
		Tenant     string          `json:"tenant"`
		Event      map[string]any  `json:"event"`
		Bundle     json.RawMessage `json:"bundle"`
	}
	if err := json.Unmarshal(r.Raw()[0], &p); err != nil {
		t.Fatal(err)
	}
	if p.Tenant != "acme" || p.Event["id"] != ev.ID || p.Event["type"] != "route-leak" || p.Event["routing"] == nil {
		t.Errorf("payload %+v", p)
	}
	ids := v.Bundle(t, p.Bundle)
	if len(ids) < 5 {
		t.Errorf("bundle of %d objects", len(ids))
	}
	bad := &Webhook{URL: r.Srv.URL, Secret: []byte("wrong")}
	if err := bad.Send(context.Background(), "acme", ev, "d2"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a bad signature: %v", err)
	}
}

func TestEmail(t *testing.T) {
	v := delivertest.NewValidator(t)
	cert, pool := delivertest.Cert(t)
	for _, tc := range []struct {
		name     string
		starttls bool
		auth     bool
	}{{"plain", false, false}, {"starttls", true, false}, {"starttls-auth", true, true}, {"auth-localhost", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			var cfg *tls.Config
			if tc.starttls {
				cfg = &tls.Config{Certificates: []tls.Certificate{cert}}
			}
			s := delivertest.NewSMTPServer(t, cfg)
			out := &Email{Address: s.Addr(), From: "manrs@example.net", To: []string{"noc@example.net", "soc@example.net"},
				StartTLS: tc.starttls, TLS: &tls.Config{RootCAs: pool}}
			if tc.auth {
				s.User, s.Pass = "acme", "pw"
				out.Username, out.Password = "acme", "pw"
			}
			ev := TestEvent("acme", testNow)
			if err := out.Send(context.Background(), "acme", ev, "d1"); err != nil {
				t.Fatal(err)
			}
			msgs := s.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			if m := msgs[0]; m.From != "manrs@example.net" || len(m.To) != 2 || m.TLS != tc.starttls || m.Auth != tc.auth {
				t.Fatalf("from %q to %q tls %v auth %v", m.From, m.To, m.TLS, m.Auth)
			}
			m, text, bundle := delivertest.ParseMail(t, msgs[0].Data)
			if !strings.Contains(m.Header.Get("Subject"), "manrs") || m.Header.Get("Message-Id") != "<d1@manrs.invalid>" {
				t.Errorf("headers %v", m.Header)
			}
			if !strings.Contains(text, ev.Description) || !strings.Contains(text, "event_id:") {
				t.Errorf("text %q", text)
			}
			v.Bundle(t, bundle)
		})
	}
	t.Run("starttls-refused", func(t *testing.T) {
		s := delivertest.NewSMTPServer(t, nil)
		out := &Email{Address: s.Addr(), From: "a@b", To: []string{"c@d"}, StartTLS: true}
		if err := out.Send(context.Background(), "acme", TestEvent("acme", testNow), "d"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("got %v", err)
		}
	})
}

// flaky fails while down is set.
type flaky struct {
	name  string
	down  bool
	calls int
	got   map[string]int
}

func (f *flaky) Name() string { return f.name }
func (f *flaky) Send(_ context.Context, _ string, ev *Event, id string) error {
	f.calls++
	if f.down {
		return errors.New("connection refused")
	}
	if f.got == nil {
		f.got = map[string]int{}
	}
	f.got[id]++
	return nil
}

func TestDispatcherRetries(t *testing.T) {
	path := filepath.Join(t.TempDir(), LogName)
	log, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	d := NewDispatcher(log, nil)
	d.Backoff, d.MaxBackoff = time.Millisecond, 4*time.Millisecond
	out := &flaky{name: "webhook", down: true}
	tg := Target{Tenant: "acme", Outputs: []Output{out}, Retries: 2}
	evs := []*Event{TestEvent("acme", testNow), TestEvent("acme", testNow.Add(time.Second)), TestEvent("acme", testNow.Add(2*time.Second))}

	res := d.Deliver(context.Background(), tg, evs)
	if len(res) != 3 || res[0].Attempts != 3 || res[0].OK() || !res[1].Deferred || !res[2].Deferred || out.calls != 3 {
		t.Fatalf("round 1: %+v, %d calls", res, out.calls)
	}
	if d.DeadLetters() != 3 {
		t.Errorf("%d dead letters", d.DeadLetters())
	}
	// Still down: tried once more each round (the first), the rest wait.
	d.Deliver(context.Background(), tg, nil)
	out.down = false
	res = d.Deliver(context.Background(), tg, evs[:1]) // a repeat of the first event too
	if len(res) != 3 || d.DeadLetters() != 0 {
		t.Fatalf("round 3: %+v, %d dead", res, d.DeadLetters())
	}
	for _, r := range res {
		if !r.OK() || r.Attempts != 1 {
			t.Errorf("%+v", r)
		}
	}
	res = d.Deliver(context.Background(), tg, evs)
	for _, r := range res {
		if !r.OK() || r.Attempts != 0 {
			t.Errorf("a delivered event went again: %+v", r)
		}
	}
	if len(out.got) != 3 {
		t.Errorf("delivered %v", out.got)
	}
	for id, n := range out.got {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	// A second process reading the same log delivers nothing again.
	log2, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer log2.Close()
	if p, _ := log2.Pending(); len(p) != 0 {
		t.Errorf("pending %+v", p)
	}
	d2 := NewDispatcher(log2, nil)
	out2 := &flaky{name: "webhook"}
	d2.Deliver(context.Background(), Target{Tenant: "acme", Outputs: []Output{out2}}, evs)
	if out2.calls != 0 {
		t.Errorf("the second process delivered %d again", out2.calls)
	}
	recs, bad, err := ReadLog(path)
	if err != nil || bad != 0 {
		t.Fatal(err, bad)
	}
	// Rounds 1 and 2: 3 attempts of the first event, 2 deferred; round 3:
	// 3 delivered.
	if len(recs) != 3+2+3+2+3 {
		t.Errorf("%d records", len(recs))
	}
	for _, r := range recs {
		if r.Tenant != "acme" || r.Output != "webhook" || r.EventID == "" || r.Date != "2026-10-02" || r.Time.IsZero() {
			t.Errorf("record %+v", r)
		}
		if (r.Result == ResultOK) != (r.Error == "") {
			t.Errorf("record %+v", r)
		}
	}
}

func TestLogPendingAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), LogName)
	a, _ := OpenLog(path)
	b, _ := OpenLog(path)
	defer a.Close()
	defer b.Close()
	a.Append(Record{Tenant: "t", Output: "o", EventID: "e", DeliveryID: "x", Date: "2026-10-01", Result: ResultDeadLetter, Error: "down"})
	if p, _ := b.Pending(); len(p) != 1 || p[0].Date != "2026-10-01" {
		t.Fatalf("pending %+v", p)
	}
	b.Append(Record{Tenant: "t", Output: "o", EventID: "e", DeliveryID: "x", Date: "2026-10-01", Result: ResultOK})
	if ok, _ := a.Delivered("x"); !ok {
		t.Error("a did not see b's delivery")
	}
	if p, _ := a.Pending(); len(p) != 0 {
		t.Errorf("pending %+v", p)
	}
}
