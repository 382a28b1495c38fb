package deliver

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/manrs/manrs/internal/config"
)

// Output is where a tenant's events are pushed.
type Output interface {
	// Name identifies the output in the delivery log: "syslog",
	// "webhook" or "email".
	Name() string
	// Send delivers one event once; id is the delivery's identifier,
	// the same for every attempt, so that a receiver can drop a repeat.
	Send(ctx context.Context, tenant string, ev *Event, id string) error
}

// DeliveryID is the idempotent identifier of the delivery of an event to
// one output of a tenant: the same on every attempt and in every
// process.
func DeliveryID(tenant, output, eventID string) string {
	sum := sha256.Sum256([]byte(tenant + "\x00" + output + "\x00" + eventID))
	return hex.EncodeToString(sum[:16])
}

// Env looks up environment variables; os.LookupEnv in production.
type Env func(string) (string, bool)

var osEnv Env = os.LookupEnv

// Outputs returns the push outputs of a tenant (TAXII is not one: it is
// pulled). Secrets are read through env; a missing one is an error, as
// is an unreadable CA file.
func Outputs(t *config.Tenant, dir string, env Env) ([]Output, error) {
	if env == nil {
		env = osEnv
	}
	var outs []Output
	if s := t.Outputs.Syslog; s != nil {
		o := &Syslog{Address: s.SyslogAddress(), Transport: s.Transport, Format: s.Format}
		if s.Transport == "tls" {
			o.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
			if s.CAFile != "" {
				p := s.CAFile
				if !filepath.IsAbs(p) {
					p = filepath.Join(dir, p)
				}
				pem, err := os.ReadFile(p)
				if err != nil {
					return nil, fmt.Errorf("tenant %s: syslog: ca_file: %w", t.Name, err)
				}
				pool := x509.NewCertPool()
				if !pool.AppendCertsFromPEM(pem) {
					return nil, fmt.Errorf("tenant %s: syslog: ca_file %s: no PEM certificate", t.Name, p)
				}
				o.TLS.RootCAs = pool
			}
		}
		outs = append(outs, o)
	}
	if w := t.Outputs.Webhook; w != nil {
		secret, ok := env(w.SecretEnv)
		if !ok || secret == "" {
			return nil, fmt.Errorf("tenant %s: webhook: environment variable %s (secret_env) is not set", t.Name, w.SecretEnv)
		}
		outs = append(outs, &Webhook{URL: w.URL, Secret: []byte(secret), Timeout: w.Timeout})
	}
	if e := t.Outputs.Email; e != nil {
		o := &Email{Address: e.Addr(), From: e.From, To: e.To, StartTLS: e.UseStartTLS(), Username: e.Username}
		if e.PasswordEnv != "" {
			pw, ok := env(e.PasswordEnv)
			if !ok {
				return nil, fmt.Errorf("tenant %s: email: environment variable %s (password_env) is not set", t.Name, e.PasswordEnv)
			}
			o.Password = pw
		}
		outs = append(outs, o)
	}
	return outs, nil
}

// Retries is how many times a tenant's failed deliveries are retried
// within one round: the webhook's max_retries, else the default.
func Retries(t *config.Tenant) int {
	if t.Outputs.Webhook != nil {
		return t.Outputs.Webhook.Retries()
	}
	return config.DefaultMaxRetries
}
