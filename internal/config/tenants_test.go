package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

const tenantsBase = "collectors:\n  - {name: a, ribs: x}\n"

func TestTenants(t *testing.T) {
	good := tenantsBase + `tenants:
  - name: acme
    password_env: ACME_TAXII_PASSWORD
    prefixes: [192.0.2.0/24, "2001:db8::/32"]
    asns: [AS64500, 64501]
    providers: [64510]
    outputs:
      taxii: acme-feed
      syslog: {address: siem.example.net, transport: tls, format: cef, ca_file: ca.pem}
      webhook: {url: "https://hooks.example.net/manrs", secret_env: ACME_HOOK_SECRET, max_retries: 2}
      email: {smtp_address: "smtp.example.net:25", from: manrs@example.net, to: [noc@example.net], starttls: false}
  - name: beta
    password_hash: pbkdf2-sha256$600000$c2FsdA$a2V5
    asns: [64520]
    outputs:
      syslog: {address: "127.0.0.1:5514"}
      webhook: {url: "http://127.0.0.1:9/hook", secret_env: S}
`
	c, err := Parse([]byte(good), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Tenants) != 2 {
		t.Fatalf("%d tenants", len(c.Tenants))
	}
	a, b := c.Tenants[0], c.Tenants[1]
	if a.Name != "acme" || a.Line != 4 || a.Collection() != "acme-feed" || b.Collection() != "beta" {
		t.Errorf("names, lines or collections: %+v %+v", a, b)
	}
	if len(a.Prefixes) != 2 || a.Prefixes[1] != netip.MustParsePrefix("2001:db8::/32") || len(a.ASNs) != 2 || a.ASNs[0] != 64500 {
		t.Errorf("acme owns %v %v", a.Prefixes, a.ASNs)
	}
	if w := a.Watched(); len(w) != 3 || w[2] != bgp.ASN(64510) {
		t.Errorf("watched %v", w)
	}
	if s := a.Outputs.Syslog; s.SyslogAddress() != "siem.example.net:6514" || s.Format != "cef" {
		t.Errorf("syslog %+v %s", s, s.SyslogAddress())
	}
	if s := b.Outputs.Syslog; s.Transport != DefaultSyslogTransport || s.Format != DefaultSyslogFormat || s.SyslogAddress() != "127.0.0.1:5514" {
		t.Errorf("syslog defaults %+v", s)
	}
	if w := a.Outputs.Webhook; w.Retries() != 2 || w.Timeout != DefaultWebhookTimeout {
		t.Errorf("webhook %+v", w)
	}
	if w := b.Outputs.Webhook; w.Retries() != DefaultMaxRetries {
		t.Errorf("webhook default retries %d", w.Retries())
	}
	if e := a.Outputs.Email; e.UseStartTLS() || e.Addr() != "smtp.example.net:25" {
		t.Errorf("email %+v", e)
	}
	if b.Outputs.Email != nil {
		t.Error("beta has e-mail")
	}
	e := Email{SMTPAddress: "mx.example.net"}
	if !e.UseStartTLS() || e.Addr() != "mx.example.net:587" {
		t.Errorf("email defaults: %v %s", e.UseStartTLS(), e.Addr())
	}
	if a.Outputs.Webhook.Timeout != 10*time.Second {
		t.Errorf("timeout %s", a.Outputs.Webhook.Timeout)
	}
}

func TestTenantsBad(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key", "tenants:\n  - name: a\n    asns: [1]\n    pasword_env: X\n", `line 6: tenant: unknown key "pasword_env"`},
		{"no name", "tenants:\n  - asns: [1]\n", "line 4: tenant: name is missing"},
		{"bad name", "tenants:\n  - {name: 'a:b', asns: [1]}\n", "line 4: tenant \"a:b\": name"},
		{"nothing owned", "tenants:\n  - name: a\n", "line 4: tenant \"a\": name at least one of"},
		{"bad prefix", "tenants:\n  - name: a\n    prefixes: [192.0.2.1/24]\n", "line 5: tenant \"a\": prefixes: 192.0.2.1/24 has host bits set"},
		{"garbage prefix", "tenants:\n  - name: a\n    prefixes: [nope]\n", "line 5: tenant \"a\": prefixes"},
		{"bad asn", "tenants:\n  - name: a\n    asns: [ASX]\n", "line 5: tenant \"a\": asns"},
		{"bad provider", "tenants:\n  - name: a\n    providers: [-1]\n", "line 5: tenant \"a\": providers"},
		{"both passwords", "tenants:\n  - {name: a, asns: [1], password_env: X, password_hash: y}\n", "exclude each other"},
		{"bad hash", "tenants:\n  - name: a\n    asns: [1]\n    password_hash: secret\n", "line 6: tenant \"a\": password_hash"},
		{"twice", "tenants:\n  - {name: a, asns: [1]}\n  - {name: a, asns: [2]}\n", `line 5: tenant "a": named twice`},
		{"collection taken", "tenants:\n  - {name: a, asns: [1]}\n  - {name: b, asns: [2], outputs: {taxii: a}}\n", `line 5: tenant "b": TAXII collection "a" is taken`},
		{"public taken", "tenants:\n  - {name: public, asns: [1]}\n", `collection "public" is taken`},
		{"outputs key", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      slack: {}\n", `line 7: outputs: unknown key "slack"`},
		{"transport", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      syslog:\n        address: h\n        transport: sctp\n", `line 9: syslog: transport "sctp"`},
		{"format", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      syslog: {address: h, format: leef}\n", `line 7: syslog: format "leef"`},
		{"no address", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      syslog: {format: cef}\n", `line 7: syslog: address is missing`},
		{"ca without tls", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      syslog: {address: h, ca_file: c}\n", `ca_file needs transport tls`},
		{"webhook url", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      webhook: {url: 'ftp://x', secret_env: S}\n", `line 7: webhook: url "ftp://x"`},
		{"webhook secret", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      webhook: {url: 'https://x'}\n", `secret_env is missing`},
		{"webhook retries", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      webhook: {url: 'https://x', secret_env: S, max_retries: 99}\n", `max_retries 99`},
		{"webhook timeout", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      webhook: {url: 'https://x', secret_env: S, timeout: soon}\n", `line 7`},
		{"email to", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      email: {smtp_address: m, from: a@b}\n", `line 7: email: to is missing`},
		{"email from", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      email: {smtp_address: m, from: nobody, to: [a@b]}\n", `email: from "nobody"`},
		{"email inject", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      email: {smtp_address: m, from: a@b, to: [\"x@y\\r\\nBcc: z@w\"]}\n", `is not an address`},
		{"email auth", "tenants:\n  - name: a\n    asns: [1]\n    outputs:\n      email: {smtp_address: m, from: a@b, to: [c@d], username: u}\n", `username and password_env go together`},
		{"not a list", "tenants: {name: a}\n", "line 3"},
		{"tenant not a map", "tenants:\n  - a\n", "line 4: tenant: want a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tenantsBase+tc.text), "m.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "m.yaml") {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzTenants: any tenants section parses into tenants that pass the
// checks again, or gives an error naming the file; never a panic.
func FuzzTenants(f *testing.F) {
	f.Add([]byte("tenants:\n  - {name: a, asns: [1], outputs: {syslog: {address: h}}}\n"))
	f.Add([]byte("tenants:\n  - name: a\n    prefixes: [192.0.2.0/24]\n    outputs:\n      webhook: {url: 'https://x', secret_env: S}\n      email: {smtp_address: m, from: a@b, to: [c@d]}\n"))
	f.Add([]byte("tenants:\n  - {name: a, asns: [1]}\n  - {name: a, asns: [1]}\n"))
	f.Add([]byte("tenants: [[[\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(append([]byte(tenantsBase), b...), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("a parsed config fails its checks: %v", err)
		}
		for _, tn := range c.Tenants {
			if tn.Name == "" || len(tn.Prefixes)+len(tn.ASNs)+len(tn.Providers) == 0 {
				t.Fatalf("%+v", tn)
			}
		}
	})
}
