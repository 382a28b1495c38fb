package deliver

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/manrs/manrs/internal/stix"
)

// testCert returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}, pool
}

// syslogReceiver collects syslog messages over UDP, TCP or TLS.
type syslogReceiver struct {
	t         testing.TB
	transport string
	addr      string
	cert      *tls.Certificate

	mu   sync.Mutex
	msgs []string
	ln   net.Listener
	pc   net.PacketConn
	wg   sync.WaitGroup
}

func newSyslogReceiver(t testing.TB, transport string, cert *tls.Certificate) *syslogReceiver {
	r := &syslogReceiver{t: t, transport: transport, cert: cert, addr: "127.0.0.1:0"}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *syslogReceiver) start() {
	r.t.Helper()
	if r.transport == "udp" {
		pc, err := net.ListenPacket("udp", r.addr)
		if err != nil {
			r.t.Fatal(err)
		}
		r.pc, r.addr = pc, pc.LocalAddr().String()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			buf := make([]byte, 65536)
			for {
				n, _, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				r.add(string(buf[:n]))
			}
		}()
		return
	}
	var ln net.Listener
	var err error
	for range 50 { // the port of a receiver that comes back may linger
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	if r.transport == "tls" {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*r.cert}})
	}
	r.ln, r.addr = ln, ln.Addr().String()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r.wg.Add(1)
			go func() {
				defer r.wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					// Octet counting: MSG-LEN SP SYSLOG-MSG (RFC 6587 3.4.1).
					ns, err := br.ReadString(' ')
					if err != nil {
						return
					}
					n, err := strconv.Atoi(strings.TrimSuffix(ns, " "))
					if err != nil || n <= 0 || n > 1<<20 {
						r.add("BAD FRAME " + ns)
						return
					}
					msg := make([]byte, n)
					if _, err := io.ReadFull(br, msg); err != nil {
						r.add("SHORT FRAME")
						return
					}
					r.add(string(msg))
				}
			}()
		}
	}()
}

func (r *syslogReceiver) stop() {
	if r.ln != nil {
		r.ln.Close()
	}
	if r.pc != nil {
		r.pc.Close()
	}
	r.wg.Wait()
}

func (r *syslogReceiver) add(m string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

func (r *syslogReceiver) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// waitFor waits until f holds, for up to 5 seconds.
func waitFor(t testing.TB, what string, f func() bool) {
	t.Helper()
	for range 500 {
		if f() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// webhookReceiver checks signatures and records deliveries; while down
// it answers 503.
type webhookReceiver struct {
	srv    *httptest.Server
	secret []byte
	down   atomic.Bool

	mu         sync.Mutex
	deliveries map[string]int // delivery id -> times accepted
	payloads   []receivedPayload
	raw        [][]byte
	bad        []string
}

func newWebhookReceiver(t testing.TB, secret string) *webhookReceiver {
	w := &webhookReceiver{secret: []byte(secret), deliveries: map[string]int{}}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhookReceiver) serve(rw http.ResponseWriter, r *http.Request) {
	if w.down.Load() {
		http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		w.bad = append(w.bad, "method or content type")
	}
	if !Verify(w.secret, body, r.Header.Get(SignatureHeader)) {
		w.bad = append(w.bad, "signature")
		http.Error(rw, "bad signature", http.StatusUnauthorized)
		return
	}
	var p receivedPayload
	if err := json.Unmarshal(body, &p); err != nil || p.DeliveryID != r.Header.Get(DeliveryHeader) || p.Event.ID == "" {
		w.bad = append(w.bad, fmt.Sprintf("payload: %v", err))
	}
	w.deliveries[r.Header.Get(DeliveryHeader)]++
	w.payloads = append(w.payloads, p)
	w.raw = append(w.raw, body)
	rw.WriteHeader(http.StatusNoContent)
}

// receivedPayload is a webhook body as a receiver decodes it.
type receivedPayload struct {
	DeliveryID string `json:"delivery_id"`
	Tenant     string `json:"tenant"`
	Event      struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Date string `json:"date"`
	} `json:"event"`
	Bundle json.RawMessage `json:"bundle"`
}

// smtpServer speaks enough of RFC 5321 (with RFC 3207 STARTTLS and
// RFC 4954 AUTH PLAIN) for net/smtp.
type smtpServer struct {
	t    testing.TB
	ln   net.Listener
	tls  *tls.Config // offers STARTTLS when set
	user string      // wants AUTH PLAIN when set
	pass string
	down atomic.Bool // answers 421 while set

	mu   sync.Mutex
	msgs []smtpMsg
	wg   sync.WaitGroup
}

type smtpMsg struct {
	from string
	to   []string
	data []byte
	tls  bool
	auth bool
}

func newSMTPServer(t testing.TB, cfg *tls.Config) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{t: t, ln: ln, tls: cfg}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.session(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *smtpServer) session(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	if s.down.Load() {
		tp.PrintfLine("421 test server not available")
		return
	}
	tp.PrintfLine("220 test ESMTP")
	var m smtpMsg
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"test greets " + arg}
			if s.tls != nil && !m.tls {
				lines = append(lines, "STARTTLS")
			}
			if s.user != "" {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, l)
			}
		case "STARTTLS":
			if s.tls == nil || m.tls {
				tp.PrintfLine("502 no")
				continue
			}
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
			tp = textproto.NewConn(tc)
			m = smtpMsg{tls: true}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			if strings.ToUpper(mech) != "PLAIN" || err != nil || string(b) != "\x00"+s.user+"\x00"+s.pass {
				tp.PrintfLine("535 authentication failed")
				continue
			}
			m.auth = true
			tp.PrintfLine("235 ok")
		case "MAIL":
			if s.user != "" && !m.auth {
				tp.PrintfLine("530 authentication required")
				continue
			}
			m.from = angle(arg)
			tp.PrintfLine("250 ok")
		case "RCPT":
			m.to = append(m.to, angle(arg))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m.data = data
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = smtpMsg{tls: m.tls, auth: m.auth}
			tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown command")
		}
	}
}

// angle returns the address between < and > of a MAIL or RCPT argument.
func angle(arg string) string {
	_, a, _ := strings.Cut(arg, "<")
	a, _, _ = strings.Cut(a, ">")
	return a
}

func (s *smtpServer) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}

// parseMail returns the text part and the attached bundle of a message.
func parseMail(t testing.TB, data []byte) (*mail.Message, string, []byte) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var text string
	var bundle []byte
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			text = string(b)
		case "application/stix+json":
			if bundle, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", "")); err != nil {
				t.Fatal(err)
			}
		}
	}
	return m, text, bundle
}

// validator checks STIX objects against the official STIX 2.1 JSON
// schemas and the routing-event extension's schema, kept in
// internal/stix/testdata.
type validator struct {
	schemas map[string]*jsonschema.Schema
	ext     *jsonschema.Schema
}

const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

var schemaOf = map[string]string{
	"indicator": "sdos/indicator.json", "observed-data": "sdos/observed-data.json", "note": "sdos/note.json",
	"identity": "sdos/identity.json", "report": "sdos/report.json", "sighting": "sros/sighting.json",
	"relationship": "sros/relationship.json", "extension-definition": "common/extension-definition.json",
	"autonomous-system": "observables/autonomous-system.json", "ipv4-addr": "observables/ipv4-addr.json",
	"ipv6-addr": "observables/ipv6-addr.json",
}

func newValidator(t testing.TB) *validator {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	root := filepath.Join("..", "stix", "testdata", "schemas")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		return c.AddResource(schemaBase+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	const extID = "https://github.com/manrs/manrs/blob/main/internal/stix/routing-event.schema.json"
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(stix.RoutingEventSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(extID, doc); err != nil {
		t.Fatal(err)
	}
	v := &validator{schemas: map[string]*jsonschema.Schema{}}
	for typ, file := range schemaOf {
		if v.schemas[typ], err = c.Compile(schemaBase + file); err != nil {
			t.Fatal(err)
		}
	}
	if v.ext, err = c.Compile(extID); err != nil {
		t.Fatal(err)
	}
	return v
}

// object validates one STIX object given as JSON.
func (v *validator) object(t testing.TB, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := doc.(map[string]any)
	typ, _ := m["type"].(string)
	s := v.schemas[typ]
	if s == nil {
		t.Errorf("object of unknown type %q: %.100s", typ, raw)
		return
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%v: %v", m["id"], err)
	}
	if exts, ok := m["extensions"].(map[string]any); ok {
		if err := v.ext.Validate(exts[string(stix.ExtensionID)]); err != nil {
			t.Errorf("%v: extension: %v", m["id"], err)
		}
	}
}

// bundle validates every object of a bundle given as JSON and returns
// their IDs.
func (v *validator) bundle(t testing.TB, raw []byte) []string {
	t.Helper()
	var b struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil || b.Type != "bundle" || !strings.HasPrefix(b.ID, "bundle--") {
		t.Fatalf("not a bundle (%v): %.200s", err, raw)
	}
	var ids []string
	for _, o := range b.Objects {
		v.object(t, o)
		var head struct {
			ID string `json:"id"`
		}
		json.Unmarshal(o, &head)
		ids = append(ids, head.ID)
	}
	return ids
}
