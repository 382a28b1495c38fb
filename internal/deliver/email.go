package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Email mails each event: a plain-text summary with its STIX bundle
// attached as application/stix+json.
type Email struct {
	// Address is the SMTP server's host:port.
	Address  string
	From     string
	To       []string
	StartTLS bool
	// TLS configures STARTTLS (server name from Address when unset).
	TLS *tls.Config
	// Username and Password authenticate with AUTH PLAIN (RFC 4616).
	Username, Password string
	// Hello is the EHLO name; "localhost" when empty.
	Hello string
}

// emailTimeout bounds one SMTP transaction.
const emailTimeout = 30 * time.Second

// Name implements Output.
func (e *Email) Name() string { return "email" }

// Send implements Output. STARTTLS, when asked, is required: a server
// that does not offer it fails the delivery.
func (e *Email) Send(ctx context.Context, tenant string, ev *Event, id string) error {
	msg, err := Message(e.From, e.To, tenant, ev, id, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, emailTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", e.Address)
	if err != nil {
		return fmt.Errorf("email: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(e.Address)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("email: %w", err)
	}
	defer c.Close()
	hello := e.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return fmt.Errorf("email: EHLO: %w", err)
	}
	if e.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("email: %s does not offer STARTTLS", e.Address)
		}
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if e.TLS != nil {
			cfg = e.TLS.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("email: STARTTLS: %w", err)
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return fmt.Errorf("email: AUTH: %w", err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return fmt.Errorf("email: MAIL FROM: %w", err)
	}
	for _, to := range e.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("email: RCPT TO %s: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("email: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("email: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("email: DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("email: QUIT: %w", err)
	}
	return nil
}

// Message returns the e-mail of an event (RFC 5322, MIME multipart/mixed):
// a quoted-printable text/plain summary and the STIX bundle as an
// application/stix+json attachment in base64. Its Message-ID is derived
// from the delivery id, so a repeat is recognisable.
func Message(from string, to []string, tenant string, ev *Event, id string, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	qw := quotedprintable.NewWriter(pw)
	qw.Write([]byte(Summary(tenant, ev, id)))
	qw.Close()

	bundle, err := json.MarshalIndent(ev.Bundle, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("email: encode bundle: %w", err)
	}
	h = textproto.MIMEHeader{}
	name := "manrs-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, ev.ID) + ".json"
	h.Set("Content-Type", `application/stix+json; version="2.1"; name="`+name+`"`)
	h.Set("Content-Transfer-Encoding", "base64")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	aw, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	enc := base64.StdEncoding.EncodeToString(bundle)
	for len(enc) > 76 {
		aw.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	aw.Write([]byte(enc + "\r\n"))
	mw.Close()

	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", from)
	hdr("To", strings.Join(to, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", "[manrs] "+ev.Name))
	hdr("Date", now.UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+id+"@manrs.invalid>")
	hdr("X-Manrs-Delivery", id)
	hdr("X-Manrs-Event", mime.QEncoding.Encode("utf-8", ev.ID))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	b.WriteString("\r\n")
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// Summary is the plain text of an event's e-mail.
func Summary(tenant string, ev *Event, id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\n", ev.Name, ev.Description)
	for _, f := range routingFields(tenant, ev, id) {
		if f.value != "" {
			fmt.Fprintf(&b, "%-18s %s\n", f.name+":", f.value)
		}
	}
	b.WriteString("\nThe STIX 2.1 bundle of the event is attached.\n")
	return b.String()
}
