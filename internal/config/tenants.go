package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/manrs/manrs/internal/bgp"
)

// Defaults of the tenants section.
const (
	// DefaultSyslogTransport is the transport of a syslog output that
	// names none: TCP, so that a receiver that is down is noticed and
	// the message retried.
	DefaultSyslogTransport = "tcp"
	// DefaultSyslogFormat is the message format of a syslog output.
	DefaultSyslogFormat = "rfc5424"
	// DefaultSyslogPort and DefaultSyslogTLSPort are the ports of a
	// syslog address without one (RFC 5424 section 6, RFC 5425 section 4.1).
	DefaultSyslogPort    = "514"
	DefaultSyslogTLSPort = "6514"
	// DefaultWebhookTimeout bounds one POST of a webhook output.
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultMaxRetries is how many times a failed delivery is retried,
	// with exponential backoff, before it goes to the dead-letter list.
	DefaultMaxRetries = 5
	// MaxMaxRetries caps max_retries.
	MaxMaxRetries = 20
	// DefaultSMTPPort is the port of an smtp_address without one
	// (message submission, RFC 6409).
	DefaultSMTPPort = "587"
)

// Tenant is a client of the feeds: an enterprise or network that owns
// prefixes and ASes, watches its providers, and receives the events that
// concern them over TAXII and its push outputs.
type Tenant struct {
	Name string `yaml:"name"`
	// PasswordHash is taxii.HashPassword's output; PasswordEnv names an
	// environment variable holding the password instead. Without
	// either, the tenant has no TAXII access.
	PasswordHash string `yaml:"password_hash,omitempty"`
	PasswordEnv  string `yaml:"password_env,omitempty"`
	// Prefixes and ASNs are what the tenant owns; Providers are the
	// ASes it watches (their incidents and lapses are its events too).
	Prefixes  []netip.Prefix `yaml:"prefixes,omitempty"`
	ASNs      []bgp.ASN      `yaml:"asns,omitempty"`
	Providers []bgp.ASN      `yaml:"providers,omitempty"`
	Outputs   Outputs        `yaml:"outputs,omitempty"`
	// Line is where the tenant is in the file.
	Line int `yaml:"-"`
}

// Outputs are where a tenant's events go.
type Outputs struct {
	// TAXII is the alias of the tenant's TAXII collection; the
	// tenant's name when empty.
	TAXII   string   `yaml:"taxii,omitempty"`
	Syslog  *Syslog  `yaml:"syslog,omitempty"`
	Webhook *Webhook `yaml:"webhook,omitempty"`
	Email   *Email   `yaml:"email,omitempty"`
}

// Syslog sends each event as a syslog message.
type Syslog struct {
	// Address is host:port; the port defaults to 514, 6514 for TLS.
	Address string `yaml:"address"`
	// Transport is udp, tcp (DefaultSyslogTransport) or tls.
	Transport string `yaml:"transport,omitempty"`
	// Format is rfc5424 (DefaultSyslogFormat) or cef.
	Format string `yaml:"format,omitempty"`
	// CAFile is a PEM file of the CAs that sign the receiver's
	// certificate (tls); the system's roots when empty.
	CAFile string `yaml:"ca_file,omitempty"`
}

// Webhook POSTs each event as JSON, signed with HMAC-SHA256.
type Webhook struct {
	URL string `yaml:"url"`
	// SecretEnv names the environment variable holding the HMAC key.
	SecretEnv  string        `yaml:"secret_env"`
	Timeout    time.Duration `yaml:"timeout,omitempty"`
	MaxRetries *int          `yaml:"max_retries,omitempty"`
}

// Email mails each event over SMTP.
type Email struct {
	// SMTPAddress is host:port of the submission server; the port
	// defaults to 587.
	SMTPAddress string   `yaml:"smtp_address"`
	From        string   `yaml:"from"`
	To          []string `yaml:"to"`
	// StartTLS upgrades the connection (RFC 3207); true when absent.
	StartTLS *bool `yaml:"starttls,omitempty"`
	// Username and PasswordEnv authenticate (AUTH PLAIN, only over TLS
	// or to localhost).
	Username    string `yaml:"username,omitempty"`
	PasswordEnv string `yaml:"password_env,omitempty"`
}

// Collection is the alias of the tenant's TAXII collection.
func (t *Tenant) Collection() string {
	if t.Outputs.TAXII != "" {
		return t.Outputs.TAXII
	}
	return t.Name
}

// Watched returns the ASes whose events are the tenant's: its own and
// its providers'.
func (t *Tenant) Watched() []bgp.ASN {
	return append(slices.Clone(t.ASNs), t.Providers...)
}

// Retries is max_retries, or DefaultMaxRetries when absent.
func (w *Webhook) Retries() int {
	if w.MaxRetries == nil {
		return DefaultMaxRetries
	}
	return *w.MaxRetries
}

// UseStartTLS reports whether to upgrade with STARTTLS.
func (e *Email) UseStartTLS() bool { return e.StartTLS == nil || *e.StartTLS }

// strict checks that a mapping node holds only the keys allowed, and
// decodes it into v: a node decoded by an UnmarshalYAML method loses the
// decoder's KnownFields, so tenants check their keys themselves.
func strict(n *yaml.Node, what string, v any, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s: want a mapping", n.Line, what)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return fmt.Errorf("line %d: %s: unknown key %q (known: %s)", k.Line, what, k.Value, strings.Join(allowed, ", "))
		}
	}
	return n.Decode(v)
}

// valueLine returns the line of key's value in a mapping, else the
// mapping's.
func valueLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1].Line
		}
	}
	return n.Line
}

// UnmarshalYAML decodes and checks a tenant; errors carry the line.
func (t *Tenant) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Name         string   `yaml:"name"`
		PasswordHash string   `yaml:"password_hash"`
		PasswordEnv  string   `yaml:"password_env"`
		Prefixes     []string `yaml:"prefixes"`
		ASNs         []string `yaml:"asns"`
		Providers    []string `yaml:"providers"`
		Outputs      Outputs  `yaml:"outputs"`
	}
	if err := strict(n, "tenant", &raw, "name", "password_hash", "password_env", "prefixes", "asns", "providers", "outputs"); err != nil {
		return err
	}
	*t = Tenant{Name: raw.Name, PasswordHash: raw.PasswordHash, PasswordEnv: raw.PasswordEnv, Outputs: raw.Outputs, Line: n.Line}
	bad := func(key, format string, a ...any) error {
		return fmt.Errorf("line %d: tenant %q: %s: %s", valueLine(n, key), t.Name, key, fmt.Sprintf(format, a...))
	}
	switch {
	case t.Name == "":
		return fmt.Errorf("line %d: tenant: name is missing", n.Line)
	case strings.ContainsAny(t.Name, ":/ \t\n") || len(t.Name) > 64:
		return bad("name", "at most 64 characters, without colon, slash or space")
	case t.PasswordHash != "" && t.PasswordEnv != "":
		return bad("password_env", "password_hash and password_env exclude each other")
	case t.PasswordHash != "" && (!strings.HasPrefix(t.PasswordHash, "pbkdf2-sha256$") || strings.Count(t.PasswordHash, "$") != 3):
		return bad("password_hash", "want pbkdf2-sha256$ITERATIONS$SALT$KEY (manrs feed hash-password)")
	}
	for _, s := range raw.Prefixes {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return bad("prefixes", "%v", err)
		}
		if p != p.Masked() {
			return bad("prefixes", "%s has host bits set (%s)", s, p.Masked())
		}
		t.Prefixes = append(t.Prefixes, p)
	}
	for _, f := range []struct {
		key string
		in  []string
		out *[]bgp.ASN
	}{{"asns", raw.ASNs, &t.ASNs}, {"providers", raw.Providers, &t.Providers}} {
		for _, s := range f.in {
			a, err := bgp.ParseASN(s)
			if err != nil {
				return bad(f.key, "%q: %v", s, err)
			}
			*f.out = append(*f.out, a)
		}
	}
	if len(t.Prefixes)+len(t.ASNs)+len(t.Providers) == 0 {
		return fmt.Errorf("line %d: tenant %q: name at least one of prefixes, asns, providers", n.Line, t.Name)
	}
	return nil
}

// UnmarshalYAML decodes the outputs of a tenant strictly.
func (o *Outputs) UnmarshalYAML(n *yaml.Node) error {
	type plain Outputs
	if err := strict(n, "outputs", (*plain)(o), "taxii", "syslog", "webhook", "email"); err != nil {
		return err
	}
	if strings.ContainsAny(o.TAXII, "/ \t\n") {
		return fmt.Errorf("line %d: outputs: taxii: alias %q has a slash or space", valueLine(n, "taxii"), o.TAXII)
	}
	return nil
}

// UnmarshalYAML decodes and checks a syslog output.
func (s *Syslog) UnmarshalYAML(n *yaml.Node) error {
	type plain Syslog
	if err := strict(n, "syslog", (*plain)(s), "address", "transport", "format", "ca_file"); err != nil {
		return err
	}
	if s.Transport == "" {
		s.Transport = DefaultSyslogTransport
	}
	if s.Format == "" {
		s.Format = DefaultSyslogFormat
	}
	switch {
	case s.Address == "":
		return fmt.Errorf("line %d: syslog: address is missing", n.Line)
	case s.Transport != "udp" && s.Transport != "tcp" && s.Transport != "tls":
		return fmt.Errorf("line %d: syslog: transport %q is not udp, tcp or tls", valueLine(n, "transport"), s.Transport)
	case s.Format != "rfc5424" && s.Format != "cef":
		return fmt.Errorf("line %d: syslog: format %q is not rfc5424 or cef", valueLine(n, "format"), s.Format)
	case s.CAFile != "" && s.Transport != "tls":
		return fmt.Errorf("line %d: syslog: ca_file needs transport tls", valueLine(n, "ca_file"))
	}
	if _, _, err := splitHostPortDefault(s.Address, ""); err != nil {
		return fmt.Errorf("line %d: syslog: address: %v", valueLine(n, "address"), err)
	}
	return nil
}

// UnmarshalYAML decodes and checks a webhook output.
func (w *Webhook) UnmarshalYAML(n *yaml.Node) error {
	type plain Webhook
	if err := strict(n, "webhook", (*plain)(w), "url", "secret_env", "timeout", "max_retries"); err != nil {
		return err
	}
	if w.Timeout == 0 {
		w.Timeout = DefaultWebhookTimeout
	}
	u, err := url.Parse(w.URL)
	switch {
	case w.URL == "":
		return fmt.Errorf("line %d: webhook: url is missing", n.Line)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("line %d: webhook: url %q is not an http(s) URL", valueLine(n, "url"), w.URL)
	case w.SecretEnv == "":
		return fmt.Errorf("line %d: webhook: secret_env is missing: every delivery is signed", n.Line)
	case w.Timeout < 0:
		return fmt.Errorf("line %d: webhook: timeout %s is negative", valueLine(n, "timeout"), w.Timeout)
	case w.MaxRetries != nil && (*w.MaxRetries < 0 || *w.MaxRetries > MaxMaxRetries):
		return fmt.Errorf("line %d: webhook: max_retries %d is not from 0 to %d", valueLine(n, "max_retries"), *w.MaxRetries, MaxMaxRetries)
	}
	return nil
}

// UnmarshalYAML decodes and checks an e-mail output.
func (e *Email) UnmarshalYAML(n *yaml.Node) error {
	type plain Email
	if err := strict(n, "email", (*plain)(e), "smtp_address", "from", "to", "starttls", "username", "password_env"); err != nil {
		return err
	}
	switch {
	case e.SMTPAddress == "":
		return fmt.Errorf("line %d: email: smtp_address is missing", n.Line)
	case !strings.Contains(e.From, "@") || strings.ContainsAny(e.From, "\r\n<>"):
		return fmt.Errorf("line %d: email: from %q is not an address", valueLine(n, "from"), e.From)
	case len(e.To) == 0:
		return fmt.Errorf("line %d: email: to is missing", n.Line)
	case (e.Username == "") != (e.PasswordEnv == ""):
		return fmt.Errorf("line %d: email: username and password_env go together", n.Line)
	}
	for _, to := range e.To {
		if !strings.Contains(to, "@") || strings.ContainsAny(to, "\r\n<>,") {
			return fmt.Errorf("line %d: email: to %q is not an address", valueLine(n, "to"), to)
		}
	}
	if _, _, err := splitHostPortDefault(e.SMTPAddress, ""); err != nil {
		return fmt.Errorf("line %d: email: smtp_address: %v", valueLine(n, "smtp_address"), err)
	}
	return nil
}

// SyslogAddress returns the address with its default port.
func (s *Syslog) SyslogAddress() string {
	port := DefaultSyslogPort
	if s.Transport == "tls" {
		port = DefaultSyslogTLSPort
	}
	h, p, _ := splitHostPortDefault(s.Address, port)
	return net.JoinHostPort(h, p)
}

// Addr returns smtp_address with its default port.
func (e *Email) Addr() string {
	h, p, _ := splitHostPortDefault(e.SMTPAddress, DefaultSMTPPort)
	return net.JoinHostPort(h, p)
}

// checkTenants checks what spans tenants: names and collection aliases
// are unique.
func checkTenants(ts []Tenant) error {
	names, cols := map[string]bool{}, map[string]bool{}
	for _, t := range ts {
		if names[t.Name] {
			return fmt.Errorf("line %d: tenant %q: named twice", t.Line, t.Name)
		}
		names[t.Name] = true
		if c := t.Collection(); cols[c] || c == PublicCollection {
			return fmt.Errorf("line %d: tenant %q: TAXII collection %q is taken", t.Line, t.Name, c)
		}
		cols[t.Collection()] = true
	}
	return nil
}

// PublicCollection is the alias of the TAXII collection every tenant
// reads.
const PublicCollection = "public"

// splitHostPortDefault splits host[:port], with def for a missing port.
func splitHostPortDefault(addr, def string) (host, port string, err error) {
	if addr == "" {
		return "", "", fmt.Errorf("empty address")
	}
	if strings.HasPrefix(addr, "[") || strings.Count(addr, ":") == 1 {
		h, p, err := net.SplitHostPort(addr)
		if err == nil {
			if h == "" {
				return "", "", fmt.Errorf("%q has no host", addr)
			}
			return h, p, nil
		}
		if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
			return strings.Trim(addr, "[]"), def, nil
		}
		return "", "", err
	}
	return addr, def, nil
}
