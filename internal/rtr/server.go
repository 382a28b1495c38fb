package rtr

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manrs/manrs/internal/rpki"
)

// Server defaults.
const (
	// DefaultHistory is how many deltas are kept for Serial Queries.
	DefaultHistory = 16
	// DefaultWriteTimeout is how long one write of at most writeChunk
	// octets may take before a client is dropped as too slow.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultMaxClients is the default client limit.
	DefaultMaxClients = 1024
	// writeChunk is the size of the writes of a response.
	writeChunk = 64 << 10
	// queueLen bounds the queries a client may have waiting.
	queueLen = 4
)

// Config configures a Server.
type Config struct {
	// SessionID is the session ID; 0 picks a random one.
	SessionID uint16
	// Serial is the serial of the first data served.
	Serial uint32
	// Timers are the intervals sent in End of Data; zero fields take the
	// RFC 8210 section 6 defaults.
	Timers Timers
	// History is the number of deltas kept; 0 means DefaultHistory.
	History int
	// MaxClients is the most clients served at once; 0 means
	// DefaultMaxClients.
	MaxClients int
	// WriteTimeout drops a client whose writes stall; 0 means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
	// IdleTimeout drops a client that sends nothing for that long; 0
	// means twice the expire interval.
	IdleTimeout time.Duration
	Logger      *slog.Logger
	Metrics     *Metrics
}

// Server is an RTR cache: it serves the current set to every connected
// router and keeps a history of deltas for incremental updates.
type Server struct {
	cfg  Config
	log  *slog.Logger
	snap atomic.Pointer[snapshot]

	mu       sync.Mutex // guards history, clients, closed
	history  []*delta   // oldest first, each from the serial before the next
	clients  map[*conn]struct{}
	closed   bool
	lns      []net.Listener
	wg       sync.WaitGroup
	nclients atomic.Int64
}

// NewServer returns a Server with no data; routers get No Data Available
// until the first Update.
func NewServer(cfg Config) *Server {
	if cfg.SessionID == 0 {
		var b [2]byte
		for cfg.SessionID == 0 {
			_, _ = rand.Read(b[:])
			cfg.SessionID = binary.BigEndian.Uint16(b[:])
		}
	}
	if cfg.Timers.Refresh == 0 {
		cfg.Timers.Refresh = DefaultRefresh
	}
	if cfg.Timers.Retry == 0 {
		cfg.Timers.Retry = DefaultRetry
	}
	if cfg.Timers.Expire == 0 {
		cfg.Timers.Expire = DefaultExpire
	}
	if cfg.History <= 0 {
		cfg.History = DefaultHistory
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = DefaultMaxClients
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Duration(cfg.Timers.Expire) * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Server{cfg: cfg, log: log, clients: map[*conn]struct{}{}}
}

// SessionID returns the session ID.
func (s *Server) SessionID() uint16 { return s.cfg.SessionID }

// Current returns the set served and its serial; the set is nil before
// the first Update. The set must not be modified.
func (s *Server) Current() (*rpki.Set, uint32) {
	sn := s.snap.Load()
	if sn == nil {
		return nil, 0
	}
	return sn.set, sn.serial
}

// Clients returns the number of connected clients.
func (s *Server) Clients() int { return int(s.nclients.Load()) }

// Update makes set the data served. If it differs from the current data
// the serial is incremented, the delta joins the history and every client
// gets a Serial Notify; changed reports whether that happened. The set
// must not be modified afterwards.
func (s *Server) Update(set *rpki.Set) (serial uint32, changed bool) {
	p := newPayload(set)
	s.mu.Lock()
	old := s.snap.Load()
	next := &snapshot{session: s.cfg.SessionID, timers: s.cfg.Timers, set: set, payload: p}
	if old == nil {
		next.serial = s.cfg.Serial
		s.snap.Store(next)
		s.mu.Unlock()
		s.observe(next)
		return next.serial, true
	}
	d := diff(old.payload, p)
	if d.empty() {
		// Same payload: keep the snapshot and its encodings.
		s.mu.Unlock()
		return old.serial, false
	}
	d.from = old.serial
	next.serial = old.serial + 1
	s.history = append(s.history, d)
	if over := len(s.history) - s.cfg.History; over > 0 {
		s.history = append(s.history[:0:0], s.history[over:]...)
	}
	s.snap.Store(next)
	clients := make([]*conn, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	s.observe(next)
	for _, c := range clients {
		c.notifyChange()
	}
	s.log.Info("serial changed", "serial", next.serial, "announced", len(d.announce), "withdrawn", len(d.withdraw),
		"aspa_changes", len(d.aspas), "clients", len(clients))
	return next.serial, true
}

func (s *Server) observe(sn *snapshot) {
	if m := s.cfg.Metrics; m != nil {
		m.serial.Set(float64(sn.serial))
		m.vrps.Set(float64(len(sn.payload.vrps)))
		m.aspas.Set(float64(len(sn.payload.aspas)))
	}
}

// deltaSince returns the change from serial to the snapshot sn, or false
// if serial has left the history (RFC 8210 section 8.2: the cache then
// answers with Cache Reset).
func (s *Server) deltaSince(sn *snapshot, serial uint32) (func() *delta, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The history may have moved past sn; use only the deltas up to it.
	end := len(s.history)
	for end > 0 && s.history[end-1].from != sn.serial-1 {
		end--
	}
	for i := 0; i < end; i++ {
		if s.history[i].from == serial {
			ds := append([]*delta(nil), s.history[i:end]...)
			return func() *delta { return compose(ds) }, true
		}
	}
	return nil, false
}

// Serve accepts routers on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.lns = append(s.lns, ln)
	s.mu.Unlock()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.accept(nc)
	}
}

func (s *Server) accept(nc net.Conn) {
	s.mu.Lock()
	if s.closed || len(s.clients) >= s.cfg.MaxClients {
		n := len(s.clients)
		s.mu.Unlock()
		s.log.Warn("connection refused: client limit reached", "remote", nc.RemoteAddr().String(), "clients", n)
		if m := s.cfg.Metrics; m != nil {
			m.rejected.Inc()
		}
		nc.Close()
		return
	}
	c := &conn{s: s, nc: nc, notify: make(chan struct{}, 1), reqs: make(chan PDU, queueLen),
		done: make(chan struct{}), remote: nc.RemoteAddr().String()}
	s.clients[c] = struct{}{}
	s.wg.Add(2)
	s.mu.Unlock()
	s.nclients.Add(1)
	if m := s.cfg.Metrics; m != nil {
		m.clients.Inc()
	}
	s.log.Info("client connected", "remote", c.remote)
	go c.readLoop()
	go c.writeLoop()
}

func (s *Server) remove(c *conn, reason string) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
	s.nclients.Add(-1)
	if m := s.cfg.Metrics; m != nil {
		m.clients.Dec()
		m.dropped.WithLabelValues(reason).Inc()
	}
}

// Shutdown stops accepting, closes every session and waits for the
// client goroutines to end or ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for _, ln := range s.lns {
		ln.Close()
	}
	for c := range s.clients {
		c.close("shutdown")
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// conn is one router's session: a goroutine reads its queries, another
// writes the answers and notifications, so that a router that does not
// read stalls only its own writer, which its write deadline then ends.
type conn struct {
	s      *Server
	nc     net.Conn
	remote string
	notify chan struct{}
	reqs   chan PDU
	done   chan struct{}

	closeOnce sync.Once
	reason    string
	version   atomic.Int32 // -1 + version once negotiated; 0 before
}

func (c *conn) notifyChange() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *conn) close(reason string) {
	c.closeOnce.Do(func() {
		c.reason = reason
		close(c.done)
		c.nc.Close()
	})
}

// negotiated returns the session's version.
func (c *conn) negotiated() (Version, bool) {
	v := c.version.Load()
	return Version(v - 1), v > 0
}

func (c *conn) readLoop() {
	defer c.s.wg.Done()
	r := NewReader(c.nc)
	for {
		_ = c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.IdleTimeout))
		p, v, err := r.Next()
		if err != nil {
			c.readError(err, v)
			return
		}
		// RFC 8210 section 7: the first PDU sets the version; a later PDU
		// of another version is an Unexpected Protocol Version.
		if cur, ok := c.negotiated(); !ok {
			c.version.Store(int32(v) + 1)
		} else if v != cur {
			c.fail(cur, &Error{Type: p.Type(), Code: UnexpectedProtocolVersion, Clause: "RFC 8210 7",
				Reason: fmt.Sprintf("version %d PDU in a version %d session", v, cur), PDU: p.AppendPDU(nil, v)})
			return
		}
		switch p := p.(type) {
		case SerialQuery, ResetQuery:
			select {
			case c.reqs <- p:
			case <-c.done:
				return
			}
		case ErrorReport:
			// RFC 8210 section 5.11: never answer an Error Report with one.
			c.s.log.Warn("client reported an error", "remote", c.remote, "code", p.Code.String(), "text", p.Text)
			if m := c.s.cfg.Metrics; m != nil {
				m.errorsReceived.WithLabelValues(strconv.Itoa(int(p.Code))).Inc()
			}
			c.close("error_report")
			return
		default:
			ver, _ := c.negotiated()
			c.fail(ver, &Error{Type: p.Type(), Code: InvalidRequest, Clause: clause(p.Type(), ver),
				Reason: p.Type().String() + " PDU is sent by caches, not routers", PDU: p.AppendPDU(nil, ver)})
			return
		}
	}
}

func (c *conn) readError(err error, v Version) {
	var e *Error
	switch {
	case errors.As(err, &e):
		ver, ok := c.negotiated()
		if !ok {
			ver = min(v, MaxVersion)
		}
		if e.Code == UnsupportedProtocolVersion {
			// RFC 8210 section 7: answer with the highest version spoken.
			ver = MaxVersion
		}
		if e.Type == TypeErrorReport {
			c.s.log.Warn("malformed Error Report from client", "remote", c.remote, "err", err)
			c.close("protocol_error")
			return
		}
		c.fail(ver, e)
	case errors.Is(err, io.EOF):
		c.close("closed")
	case isTimeout(err):
		select {
		case <-c.done:
		default:
			c.s.log.Info("client idle, closing", "remote", c.remote)
		}
		c.close("idle")
	default:
		c.close("closed")
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// fail sends the Error Report for e and ends the session (RFC 8210
// section 5.11: errors other than No Data Available are fatal).
func (c *conn) fail(v Version, e *Error) {
	c.s.log.Warn("protocol error, closing", "remote", c.remote, "err", e.Error())
	b := e.Report().AppendPDU(nil, v)
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	_, _ = c.nc.Write(b)
	if m := c.s.cfg.Metrics; m != nil {
		m.errorsSent.WithLabelValues(strconv.Itoa(int(e.Code))).Inc()
	}
	c.close("protocol_error")
}

func (c *conn) writeLoop() {
	defer c.s.wg.Done()
	defer func() {
		c.close("closed")
		c.s.remove(c, c.reason)
		c.s.log.Info("client disconnected", "remote", c.remote, "reason", c.reason)
	}()
	answered := false
	for {
		select {
		case <-c.done:
			return
		case p := <-c.reqs:
			if !c.answer(p) {
				return
			}
			answered = true
		case <-c.notify:
			sn := c.s.snap.Load()
			v, ok := c.negotiated()
			if !answered || !ok || sn == nil {
				continue
			}
			// RFC 8210 section 5.2.
			if !c.write(SerialNotify{SessionID: sn.session, Serial: sn.serial}.AppendPDU(nil, v), TypeSerialNotify) {
				return
			}
		}
	}
}

// answer writes the response to a query (RFC 8210 section 8).
func (c *conn) answer(p PDU) bool {
	v, _ := c.negotiated()
	sn := c.s.snap.Load()
	if sn == nil {
		// RFC 8210 section 8.4: no data yet; not fatal.
		b := ErrorReport{Code: NoDataAvailable, Text: "no data yet"}.AppendPDU(nil, v)
		if m := c.s.cfg.Metrics; m != nil {
			m.errorsSent.WithLabelValues(strconv.Itoa(int(NoDataAvailable))).Inc()
		}
		return c.write(b, TypeErrorReport)
	}
	switch q := p.(type) {
	case ResetQuery:
		return c.send(sn.fullResponse(v))
	case SerialQuery:
		if q.SessionID != sn.session {
			// RFC 8210 section 5.1: the session changed (a restart); the
			// router must start over.
			return c.write(CacheReset{}.AppendPDU(nil, v), TypeCacheReset)
		}
		if q.Serial == sn.serial {
			return c.send(sn.deltaResponse(v, func() *delta { return &delta{} }, q.Serial))
		}
		d, ok := c.s.deltaSince(sn, q.Serial)
		if !ok {
			return c.write(CacheReset{}.AppendPDU(nil, v), TypeCacheReset)
		}
		return c.send(sn.deltaResponse(v, d, q.Serial))
	}
	return true
}

func (c *conn) send(e encoding) bool {
	if !c.writeBytes(e.bytes) {
		return false
	}
	if m := c.s.cfg.Metrics; m != nil {
		for t, n := range e.counts {
			m.pdusSent.WithLabelValues(t.String()).Add(float64(n))
		}
	}
	return true
}

func (c *conn) write(b []byte, t Type) bool {
	return c.send(encoding{bytes: b, counts: map[Type]int{t: 1}})
}

// writeBytes writes b in chunks, each with the write deadline, and drops
// the client when one stalls.
func (c *conn) writeBytes(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), writeChunk)
		_ = c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
		if _, err := c.nc.Write(b[:n]); err != nil {
			if isTimeout(err) {
				c.s.log.Warn("client too slow, dropping", "remote", c.remote)
				c.close("write_timeout")
			} else {
				c.close("closed")
			}
			return false
		}
		b = b[n:]
	}
	return true
}
