package delivertest

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SyslogReceiver collects syslog messages over UDP (one message a
// datagram, RFC 5426), or over TCP or TLS with octet-counting framing
// (RFC 6587 section 3.4.1). A frame it cannot read is recorded as a
// message that starts with "BAD FRAME" or is "SHORT FRAME", so that a
// test sees it.
type SyslogReceiver struct {
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

// NewSyslogReceiver starts a receiver on a free port of 127.0.0.1 for
// transport "udp", "tcp" or "tls"; cert is the server certificate of
// "tls" and is not used otherwise. The receiver stops when the test
// ends.
func NewSyslogReceiver(t testing.TB, transport string, cert *tls.Certificate) *SyslogReceiver {
	r := &SyslogReceiver{t: t, transport: transport, cert: cert, addr: "127.0.0.1:0"}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Addr returns the host:port the receiver listens on. It stays the same
// across Stop and Start, so that a sender configured with it finds the
// receiver again.
func (r *SyslogReceiver) Addr() string { return r.addr }

// Start listens again after Stop, on the same address. A receiver
// starts on its own when made; Start is for a test that takes it down
// and brings it back.
func (r *SyslogReceiver) Start() {
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

// Stop closes the listener (or the UDP socket) and waits until every
// connection it accepted has ended; a sender then finds the receiver
// down. The messages received so far are kept.
func (r *SyslogReceiver) Stop() {
	if r.ln != nil {
		r.ln.Close()
	}
	if r.pc != nil {
		r.pc.Close()
	}
	r.wg.Wait()
}

func (r *SyslogReceiver) add(m string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

// Messages returns a copy of the messages received so far, in the order
// they arrived (messages over different connections may interleave).
func (r *SyslogReceiver) Messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}
