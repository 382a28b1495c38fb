package delivertest

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// SMTPServer speaks enough of SMTP (RFC 5321), with STARTTLS (RFC 3207)
// and AUTH PLAIN (RFC 4954), for net/smtp, and keeps every message it
// is given.
type SMTPServer struct {
	// User and Pass, when User is set, are the credentials AUTH PLAIN
	// must present before MAIL is accepted. Set them before the first
	// connection.
	User, Pass string
	// Down makes the server greet with 421 and hang up while set, so
	// that a test can make deliveries fail.
	Down atomic.Bool

	ln  net.Listener
	tls *tls.Config // offers STARTTLS when set

	mu   sync.Mutex
	msgs []SMTPMsg
	wg   sync.WaitGroup
}

// SMTPMsg is one message an SMTPServer accepted, with how its session
// went.
type SMTPMsg struct {
	// From is the MAIL FROM address and To the RCPT TO addresses,
	// without their angle brackets.
	From string
	To   []string
	// Data is the message as sent after DATA, dot-unstuffed.
	Data []byte
	// TLS reports whether the session had switched to TLS with
	// STARTTLS, Auth whether it had authenticated with AUTH PLAIN.
	TLS  bool
	Auth bool
}

// NewSMTPServer starts a server on a free port of 127.0.0.1. It offers
// STARTTLS with cfg when cfg is not nil. It stops when the test ends.
func NewSMTPServer(t testing.TB, cfg *tls.Config) *SMTPServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{ln: ln, tls: cfg}
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

// Addr returns the host:port the server listens on.
func (s *SMTPServer) Addr() string { return s.ln.Addr().String() }

func (s *SMTPServer) session(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	if s.Down.Load() {
		tp.PrintfLine("421 test server not available")
		return
	}
	tp.PrintfLine("220 test ESMTP")
	var m SMTPMsg
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"test greets " + arg}
			if s.tls != nil && !m.TLS {
				lines = append(lines, "STARTTLS")
			}
			if s.User != "" {
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
			if s.tls == nil || m.TLS {
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
			m = SMTPMsg{TLS: true}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			if strings.ToUpper(mech) != "PLAIN" || err != nil || string(b) != "\x00"+s.User+"\x00"+s.Pass {
				tp.PrintfLine("535 authentication failed")
				continue
			}
			m.Auth = true
			tp.PrintfLine("235 ok")
		case "MAIL":
			if s.User != "" && !m.Auth {
				tp.PrintfLine("530 authentication required")
				continue
			}
			m.From = angle(arg)
			tp.PrintfLine("250 ok")
		case "RCPT":
			m.To = append(m.To, angle(arg))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m.Data = data
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = SMTPMsg{TLS: m.TLS, Auth: m.Auth}
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

// Messages returns a copy of the messages accepted so far, in the order
// they were accepted.
func (s *SMTPServer) Messages() []SMTPMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMsg(nil), s.msgs...)
}

// ParseMail reads a message as package deliver's e-mail output writes
// it, a multipart/mixed MIME message (RFC 2045, 2046), and returns its
// header, its text/plain part and its application/stix+json attachment
// decoded from base64. A message of another content type fails the
// test.
func ParseMail(t testing.TB, data []byte) (msg *mail.Message, text string, bundle []byte) {
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
