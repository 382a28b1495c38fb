package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/deliver"
	"github.com/manrs/manrs/internal/deliver/delivertest"
	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/taxii"
)

// demoTestDays is how many days of the demo world the test observes: a
// first day, and days after it that have events and contact changes.
const demoTestDays = 3

var syslogEventRE = regexp.MustCompile(`event_id="([^"]+)"`)

// TestServeDemoTenantOutputs runs manrs serve --demo with a tenant of
// its own configuration, as a SOC would to try the feeds: the tenant
// must receive the same events, each once, over TAXII, syslog, webhook
// and e-mail, every STIX object valid; neither it nor the demo tenant
// may read the other's collection.
func TestServeDemoTenantOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo world")
	}
	sys := delivertest.NewSyslogReceiver(t, "tcp", nil)
	hook := delivertest.NewWebhookReceiver(t, delivertest.Signing{SignatureHeader: deliver.SignatureHeader,
		DeliveryHeader: deliver.DeliveryHeader, Secret: []byte("hook-secret"), Verify: deliver.Verify})
	mail := delivertest.NewSMTPServer(t, nil)
	t.Setenv("SOC_TAXII_PASSWORD", "soc-pw")
	t.Setenv("SOC_WEBHOOK_SECRET", "hook-secret")
	cfg := writeFile(t, t.TempDir(), "soc-tenant.yaml", fmt.Sprintf(`tenants:
  - name: soc
    password_env: SOC_TAXII_PASSWORD
    prefixes: [0.0.0.0/0, "::/0"]
    outputs:
      syslog: {address: "%s", transport: tcp}
      webhook: {url: "%s", secret_env: SOC_WEBHOOK_SECRET}
      email: {smtp_address: "%s", from: manrs@localhost, to: [soc@localhost], starttls: false}
`, sys.Addr(), hook.Srv.URL, mail.Addr()))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr whoisLog
	done := make(chan error, 1)
	go func() {
		cmd := newServeCmd()
		cmd.SetArgs([]string{"--demo", "--demo-days", fmt.Sprint(demoTestDays), "--config", cfg,
			"--listen", "127.0.0.1:0", "--log.level", "info"})
		cmd.SetOut(io.Discard)
		cmd.SetErr(&stderr)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		done <- cmd.ExecuteContext(ctx)
	}()
	// Up, and the collections caught up with the demo's days (in the
	// background, after the server is up).
	base, caughtUp := "", false
	for deadline := time.Now().Add(5 * time.Minute); (base == "" || !caughtUp) && time.Now().Before(deadline); {
		for _, line := range strings.Split(stderr.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, "manrs: serving "); ok {
				base = strings.TrimSuffix(rest, "/")
			}
			caughtUp = caughtUp || strings.Contains(line, "feeds caught up")
		}
		select {
		case err := <-done:
			t.Fatalf("manrs serve --demo ended: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if base == "" || !caughtUp {
		t.Fatalf("manrs serve --demo did not start, or its feeds did not catch up:\n%s", stderr.String())
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manrs serve: %v", err)
		}
	}()

	// TAXII: the events of the tenant's collection, by their indicators.
	want := map[string]bool{}
	col := taxii.Prefix + "manrs/collections/" + deliver.CollectionID("soc") + "/"
	next := ""
	for {
		q := url.Values{"match[type]": {"indicator"}, "limit": {"200"}}
		if next != "" {
			q.Set("next", next)
		}
		code, body := taxiiGet(t, base+col+"objects/?"+q.Encode(), "soc", "soc-pw")
		if code != http.StatusOK {
			t.Fatalf("soc's collection: %d %s", code, body)
		}
		var env struct {
			More    bool   `json:"more"`
			Next    string `json:"next"`
			Objects []struct {
				Extensions map[string]struct {
					EventID string `json:"event_id"`
				} `json:"extensions"`
			} `json:"objects"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		for _, o := range env.Objects {
			want[o.Extensions[string(stix.ExtensionID)].EventID] = true
		}
		if !env.More {
			break
		}
		next = env.Next
	}
	if len(want) == 0 || want[""] {
		t.Fatalf("soc's collection holds %d events (an indicator without event id: %v)", len(want), want[""])
	}

	// The push outputs, once the demo's days are delivered.
	var syslogIDs, hookIDs, mailIDs []string
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if len(sys.Messages()) >= len(want) && len(hook.Payloads()) >= len(want) && len(mail.Messages()) >= len(want) {
			break
		}
	}
	for _, m := range sys.Messages() {
		if g := syslogEventRE.FindStringSubmatch(m); g != nil {
			syslogIDs = append(syslogIDs, g[1])
		} else {
			t.Errorf("syslog message without event_id: %.200s", m)
		}
	}
	v := delivertest.NewValidator(t)
	for _, p := range hook.Payloads() {
		hookIDs = append(hookIDs, p.Event.ID)
		v.Bundle(t, p.Bundle)
	}
	if bad := hook.Bad(); len(bad) > 0 {
		t.Errorf("webhook: %v", bad)
	}
	for _, m := range mail.Messages() {
		hdr, _, bundle := delivertest.ParseMail(t, m.Data)
		mailIDs = append(mailIDs, hdr.Header.Get("X-Manrs-Event"))
		v.Bundle(t, bundle)
	}
	for _, out := range []struct {
		name string
		ids  []string
	}{{"syslog", syslogIDs}, {"webhook", hookIDs}, {"e-mail", mailIDs}} {
		seen := map[string]int{}
		for _, id := range out.ids {
			seen[id]++
			if !want[id] {
				t.Errorf("%s: event %s is not in the tenant's TAXII collection", out.name, id)
			}
		}
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("%s: event %s received %d times, want once", out.name, id, seen[id])
			}
		}
	}

	// Isolation: each tenant reads its own collection and the public
	// one; the other's is not found.
	for _, c := range []struct {
		user, pw, alias string
		code            int
	}{
		{"soc", "soc-pw", "soc", http.StatusOK}, {"soc", "soc-pw", "public", http.StatusOK}, {"soc", "soc-pw", "demo", http.StatusNotFound},
		{"demo", "demo", "demo", http.StatusOK}, {"demo", "demo", "soc", http.StatusNotFound}, {"demo", "soc-pw", "demo", http.StatusUnauthorized},
	} {
		if code, body := taxiiGet(t, base+taxii.Prefix+"manrs/collections/"+deliver.CollectionID(c.alias)+"/", c.user, c.pw); code != c.code {
			t.Errorf("%s reading %s's collection: %d, want %d: %.200s", c.user, c.alias, code, c.code, body)
		}
	}
	t.Logf("%d events to soc over TAXII, syslog, webhook and e-mail", len(want))
}

// taxiiGet sends an authenticated TAXII GET and returns the status and
// body.
func taxiiGet(t *testing.T, u, user, pw string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pw)
	req.Header.Set("Accept", taxii.MediaType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
