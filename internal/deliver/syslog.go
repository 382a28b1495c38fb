package deliver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Syslog sends each event as one syslog message: RFC 5424 with the
// routing fields as structured data, or CEF.
type Syslog struct {
	// Address is host:port.
	Address string
	// Transport is udp, tcp or tls.
	Transport string
	// Format is rfc5424 or cef.
	Format string
	// TLS configures the tls transport (server name from Address when
	// unset).
	TLS *tls.Config
	// Hostname is the HOSTNAME of the header; os.Hostname when empty.
	Hostname string
	// Dial dials; a net.Dialer's when nil.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// syslogTimeout bounds one delivery to a syslog receiver.
const syslogTimeout = 10 * time.Second

// Facility is the syslog facility of every message: local0 (16), which
// receivers commonly route to a SIEM.
const Facility = 16

// SDID is the SD-ID of the structured data element of RFC 5424 messages
// (RFC 5424 section 7.2.2): a name, @ and an enterprise number; 32473 is
// the one reserved for documentation (RFC 5612).
const SDID = "manrs@32473"

// Name implements Output.
func (s *Syslog) Name() string { return "syslog" }

// Send implements Output: one connection per event over TCP and TLS, so
// that a receiver that is down fails the delivery (and it is retried)
// rather than a write to a dead connection passing; over UDP, one
// datagram, which is fire and forget.
func (s *Syslog) Send(ctx context.Context, tenant string, ev *Event, id string) error {
	host := s.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	var msg []byte
	if s.Format == "cef" {
		msg = RFC5424(time.Now(), host, ev.Severity, id, "", CEF(tenant, ev, id))
	} else {
		msg = RFC5424(time.Now(), host, ev.Severity, id, StructuredData(tenant, ev, id), "\ufeff"+ev.Name)
	}
	ctx, cancel := context.WithTimeout(ctx, syslogTimeout)
	defer cancel()
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	network := s.Transport
	if network == "tls" {
		network = "tcp"
	}
	c, err := dial(ctx, network, s.Address)
	if err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if s.Transport == "tls" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(s.Address)
		}
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("syslog: tls: %w", err)
		}
		c = tc
	}
	if s.Transport != "udp" {
		// Octet counting (RFC 6587 section 3.4.1, RFC 5425 section 4.3).
		msg = append([]byte(strconv.Itoa(len(msg))+" "), msg...)
	}
	if _, err := c.Write(msg); err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	if tc, ok := c.(*tls.Conn); ok {
		// Send close_notify: the receiver sees a clean end of stream.
		if err := tc.CloseWrite(); err != nil {
			return fmt.Errorf("syslog: %w", err)
		}
	}
	return nil
}

// RFC5424 formats a syslog message (RFC 5424 section 6): PRI from
// Facility and severity, version 1, the time in UTC with microseconds,
// the host, APP-NAME manrs, no PROCID, MSGID the delivery id cut to 32
// characters, the structured data (or NILVALUE) and the message.
func RFC5424(t time.Time, host string, severity int, msgID, sd, msg string) []byte {
	if sd == "" {
		sd = "-"
	}
	host = headerField(host, 255)
	msgID = headerField(msgID, 32)
	var b []byte
	b = fmt.Appendf(b, "<%d>1 %s %s manrs - %s %s", Facility*8+severity, t.UTC().Format("2006-01-02T15:04:05.000000Z"), host, msgID, sd)
	if msg != "" {
		b = append(b, ' ')
		b = append(b, msg...)
	}
	return b
}

// headerField is a header field (RFC 5424 section 6): printable US-ASCII
// without space, at most n characters, NILVALUE when empty.
func headerField(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 33 || r > 126 {
			return -1
		}
		return r
	}, s)
	if len(s) > n {
		s = s[:n]
	}
	if s == "" {
		return "-"
	}
	return s
}

// StructuredData is the SD-ELEMENT of an event (RFC 5424 section 6.3)
// with its routing fields; docs/feeds.md maps each parameter.
func StructuredData(tenant string, ev *Event, id string) string {
	var b strings.Builder
	b.WriteString("[" + SDID)
	param := func(name, v string) {
		if v != "" {
			b.WriteString(" " + name + `="` + sdEscape(v) + `"`)
		}
	}
	for _, f := range routingFields(tenant, ev, id) {
		param(f.name, f.value)
	}
	b.WriteString("]")
	return b.String()
}

// sdEscape escapes a PARAM-VALUE (RFC 5424 section 6.3.3): '"', '\' and
// ']' take a backslash.
func sdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `]`, `\]`).Replace(s)
}

type field struct{ name, value string }

// routingFields are the fields of an event that syslog and CEF carry, in
// a fixed order.
func routingFields(tenant string, ev *Event, id string) []field {
	r := ev.Routing
	num := func(p *uint32) string {
		if p == nil {
			return ""
		}
		return strconv.FormatUint(uint64(*p), 10)
	}
	nums := func(a []uint32, sep string) string {
		s := make([]string, len(a))
		for i, v := range a {
			s[i] = strconv.FormatUint(uint64(v), 10)
		}
		return strings.Join(s, sep)
	}
	fs := []field{
		{"tenant", tenant}, {"delivery_id", id}, {"event_id", ev.ID}, {"event_type", string(ev.Type)}, {"date", ev.Date},
		{"indicator_id", string(ev.IndicatorID)},
	}
	if r == nil {
		return fs
	}
	fs = append(fs, field{"manrs_metric", r.Metric}, field{"charged_asn", num(r.ChargedASN)}, field{"culprit_asn", num(r.CulpritASN)},
		field{"prefixes", strings.Join(r.Prefixes, ",")}, field{"expected_origins", nums(r.ExpectedOrigins, ",")},
		field{"observed_origin", num(r.ObservedOrigin)}, field{"as_path", nums(r.ASPath, " ")},
		field{"leaker_asn", num(r.LeakerASN)}, field{"bogon_asn", num(r.BogonASN)}, field{"rpki_state", r.RPKIState},
		field{"policy", r.Policy})
	if r.LeakType > 0 {
		fs = append(fs, field{"rfc7908_leak_type", strconv.Itoa(r.LeakType)})
	}
	if r.Peers > 0 {
		fs = append(fs, field{"peers", strconv.Itoa(r.Peers)})
	}
	return fs
}
