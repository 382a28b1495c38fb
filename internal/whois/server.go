package whois

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a Server's Config.
const (
	// DefaultMaxConnections is how many connections are served at once;
	// more are refused with an error line.
	DefaultMaxConnections = 256
	// DefaultMaxQueryLength is the longest query line, in bytes; bgpq4
	// sends lines of at most 256.
	DefaultMaxQueryLength = 4096
	// DefaultMaxQueriesPerConnection is how many queries one connection
	// may send; bgpq4 sends one per AS of the largest as-sets, tens of
	// thousands.
	DefaultMaxQueriesPerConnection = 1_000_000
	// DefaultIdleTimeout is how long a client may take to send a query
	// line, the first one included; IRRd's default, which !t changes.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultWriteTimeout is how long an answer may take to be written.
	DefaultWriteTimeout = 2 * time.Minute
	// DefaultMaxAnswerMemory is how many bytes of answers the server
	// holds at once, built or being written; a query whose answer does
	// not fit is answered with an error.
	DefaultMaxAnswerMemory = 512 << 20
	// writeBufferSize is the buffer in front of a connection: answers to
	// pipelined queries go out together.
	writeBufferSize = 16 << 10
	// refuseTimeout bounds writing the refusal to a connection over the
	// limit; maxLingeringRefusals is how many refused connections linger
	// at once (see refuse).
	refuseTimeout        = time.Second
	maxLingeringRefusals = 64
	// lingerTimeout and lingerBytes bound what is read and dropped after
	// an error line, before the connection is closed.
	lingerTimeout = time.Second
	lingerBytes   = 1 << 20
	// maxLogged is how much of a query a log line quotes.
	maxLogged = 256
)

// DefaultMaxConcurrentQueries is how many queries are answered at once,
// the others waiting: queries are computed in memory, so more than a few
// per core only adds memory.
var DefaultMaxConcurrentQueries = 4 * runtime.GOMAXPROCS(0)

// Config configures a Server. A zero field takes its default.
type Config struct {
	// Sources, Serials, Journal, Version and Limits configure each
	// session (see SessionConfig).
	Sources []string
	Serials map[string]uint64
	Journal *Journal
	Version string
	Limits  Limits

	MaxConnections          int
	MaxQueryLength          int
	MaxQueriesPerConnection int
	MaxConcurrentQueries    int
	MaxAnswerMemory         int64
	IdleTimeout             time.Duration
	WriteTimeout            time.Duration

	// Logger receives a line per query (info) and per connection
	// (debug); nil logs nothing.
	Logger *slog.Logger
	// Metrics records Prometheus metrics; nil records none.
	Metrics *Metrics
}

func (c Config) withDefaults() Config {
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.MaxQueryLength <= 0 {
		c.MaxQueryLength = DefaultMaxQueryLength
	}
	if c.MaxQueriesPerConnection <= 0 {
		c.MaxQueriesPerConnection = DefaultMaxQueriesPerConnection
	}
	if c.MaxConcurrentQueries <= 0 {
		c.MaxConcurrentQueries = DefaultMaxConcurrentQueries
	}
	if c.MaxAnswerMemory <= 0 {
		c.MaxAnswerMemory = DefaultMaxAnswerMemory
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.Version == "" {
		c.Version = "manrs whois"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Limits = c.Limits.withDefaults()
	return c
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("whois: server closed")

// Server serves whois queries (RFC 3912) in the IRRd 4 dialect over TCP:
// each connection is a Session, its query lines answered in order.
type Server struct {
	db  *DB
	cfg Config
	log *slog.Logger
	m   *Metrics

	eval      chan struct{} // one token per query being answered
	answerMem atomic.Int64  // bytes of answers held
	lingering chan struct{} // one token per refused connection lingering

	refusedCount  atomic.Int64 // refusals not logged yet
	refusedLogged atomic.Int64 // when refusals were last logged, Unix nanoseconds

	closing   atomic.Bool
	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup
}

// NewServer returns a server of db.
func NewServer(db *DB, cfg Config) *Server {
	cfg = cfg.withDefaults()
	return &Server{
		db: db, cfg: cfg, log: cfg.Logger, m: cfg.Metrics,
		eval:      make(chan struct{}, cfg.MaxConcurrentQueries),
		lingering: make(chan struct{}, maxLingeringRefusals),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[net.Conn]struct{}),
	}
}

// Serve accepts connections on ln and serves each in its own goroutine,
// until Shutdown; it then returns ErrServerClosed. Connections over
// MaxConnections get an error line and are closed.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors and the like: wait and go on, as
			// net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !s.track(c) {
			continue
		}
		go s.serveConn(c)
	}
}

// track registers a new connection, or refuses it.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		c.Close()
		return false
	}
	if len(s.conns) >= s.cfg.MaxConnections {
		s.mu.Unlock()
		s.refuse(c)
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	s.m.accepted()
	return true
}

// refuse answers a connection over the limit with an error line and
// closes it. A few refused connections at a time linger to read what the
// client sent, so that closing does not reset the connection before the
// client reads the line; the others are closed at once. Refusals are
// logged at most once a second, with their count.
func (s *Server) refuse(c net.Conn) {
	s.m.refused()
	n := s.refusedCount.Add(1)
	if now := time.Now().UnixNano(); now-s.refusedLogged.Load() > int64(time.Second) {
		s.refusedLogged.Store(now)
		s.refusedCount.Add(-n)
		s.log.Warn("connections refused", "count", n, "last_remote", c.RemoteAddr().String(),
			"reason", "too many connections", "limit", s.cfg.MaxConnections)
	}
	c.SetWriteDeadline(time.Now().Add(refuseTimeout))
	fmt.Fprintf(c, "F Too many connections (this server's limit is %d); try again later\n", s.cfg.MaxConnections)
	select {
	case s.lingering <- struct{}{}:
		go func() {
			linger(c)
			c.Close()
			<-s.lingering
		}()
	default:
		c.Close()
	}
}

// linger closes the sending side of c, then reads and drops what the
// client sends for a moment, or until it closes: closing a socket with
// unread input resets the connection, and the client could lose the last
// answer.
func linger(c net.Conn) {
	if tc, ok := c.(interface{ CloseWrite() error }); ok && tc.CloseWrite() == nil {
		c.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.CopyN(io.Discard, c, lingerBytes)
	}
}

// Shutdown stops accepting connections, lets each connection finish the
// query it is answering, closes idle ones, and waits for all to end. When
// ctx ends first, it closes the connections left and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		// Wakes a connection waiting for a query; one answering sees
		// closing once it is done.
		c.SetReadDeadline(time.Now())
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// Why connections end: the reason label of the closed-connections metric.
const (
	reasonAnswered    = "answered"
	reasonQuit        = "quit"
	reasonTooLong     = "query too long"
	reasonQueryLimit  = "query limit"
	reasonShutdown    = "shutdown"
	reasonWriteError  = "write error"
	reasonClosed      = "client closed"
	reasonIdleTimeout = "idle timeout"
	reasonReadError   = "read error"
)

// errLineTooLong is a query line over MaxQueryLength.
var errLineTooLong = errors.New("query line too long")

// conn is one connection being served.
type conn struct {
	s      *Server
	c      net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	sess   *Session
	remote string
	n      int // queries answered
}

func (s *Server) serveConn(c net.Conn) {
	cn := &conn{
		s: s, c: c, remote: c.RemoteAddr().String(),
		br: bufio.NewReaderSize(c, s.cfg.MaxQueryLength+2),
		bw: bufio.NewWriterSize(c, writeBufferSize),
		sess: NewSession(s.db, SessionConfig{Sources: s.cfg.Sources, Limits: s.cfg.Limits, Version: s.cfg.Version,
			Serials: s.cfg.Serials, Journal: s.cfg.Journal, Timeout: s.cfg.IdleTimeout}),
	}
	s.log.Debug("connection", "remote", cn.remote)
	reason := cn.serve()
	switch reason {
	case reasonAnswered, reasonQuit, reasonTooLong, reasonQueryLimit:
		// The client may have sent more than the server read.
		linger(c)
	}
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.m.ended(reason)
	s.log.Debug("connection closed", "remote", cn.remote, "client", cn.sess.Client, "queries", cn.n, "reason", reason)
	s.wg.Done()
}

// serve answers the queries of the connection until it ends, and says
// why it ended.
func (cn *conn) serve() string {
	s := cn.s
	for {
		if cn.br.Buffered() == 0 {
			// Nothing more is queued: send the answers so far before
			// waiting for the next query.
			if err := cn.flush(); err != nil {
				return reasonWriteError
			}
		}
		cn.c.SetReadDeadline(time.Now().Add(cn.sess.Timeout))
		if s.closing.Load() {
			cn.flush()
			return reasonShutdown
		}
		line, err := cn.readLine()
		switch {
		case errors.Is(err, errLineTooLong):
			cn.fail(fmt.Sprintf("Query too long: this server's limit is %d bytes", s.cfg.MaxQueryLength))
			return reasonTooLong
		case err != nil && !errors.Is(err, io.EOF):
			// A timeout or a reset: a line cut short is not a query.
			return endReason(err, s.closing.Load())
		}
		query := strings.TrimSpace(line)
		if query == "" {
			if err != nil {
				return endReason(err, s.closing.Load())
			}
			continue // blank lines are not queries
		}
		if cn.n >= s.cfg.MaxQueriesPerConnection {
			cn.fail(fmt.Sprintf("Query limit of this connection reached (%d queries); reconnect to go on", s.cfg.MaxQueriesPerConnection))
			return reasonQueryLimit
		}
		cn.n++
		if !cn.answer(query) {
			return reasonWriteError
		}
		switch {
		case cn.sess.Quit:
			cn.flush()
			return reasonQuit
		case !cn.sess.Persistent:
			cn.flush()
			return reasonAnswered
		case err != nil:
			cn.flush()
			return endReason(err, s.closing.Load())
		}
	}
}

// endReason names why reading a query failed.
func endReason(err error, closing bool) string {
	var ne net.Error
	switch {
	case closing:
		return reasonShutdown
	case errors.Is(err, io.EOF):
		return reasonClosed
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return reasonIdleTimeout
	}
	return reasonReadError
}

// readLine reads a query line; at the end of the input, a last line
// without a newline is returned with the error.
func (cn *conn) readLine() (string, error) {
	b, err := cn.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLineTooLong
	}
	line := strings.TrimRight(string(b), "\r\n")
	if len(line) > cn.s.cfg.MaxQueryLength {
		return "", errLineTooLong
	}
	return line, err
}

// answer answers one query, logging it, and reports whether the answer
// could be written.
func (cn *conn) answer(line string) bool {
	s := cn.s
	start := time.Now()
	s.eval <- struct{}{}
	q, a := cn.sess.AnswerLine(line)
	<-s.eval
	size := int64(a.Size())
	if s.answerMem.Add(size) > s.cfg.MaxAnswerMemory && size > 0 {
		s.answerMem.Add(-size)
		a = Answer{Status: StatusError, RIPE: a.RIPE, Body: []byte("Server busy: too many large answers being sent; try again later")}
		size = int64(a.Size())
		s.answerMem.Add(size)
	}
	err := cn.write(&a)
	s.answerMem.Add(-size)
	took := time.Since(start)
	s.m.query(q.Kind, a.Status, int(size), took)
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		attrs := []slog.Attr{
			slog.String("remote", cn.remote), slog.String("query", clipLogged(line)),
			slog.String("command", q.Kind.String()), slog.String("result", a.Status.String()),
			slog.Int64("bytes", size), slog.Duration("duration", took),
		}
		if cn.sess.Client != "" {
			attrs = append(attrs, slog.String("client", cn.sess.Client))
		}
		if a.Status == StatusError {
			attrs = append(attrs, slog.String("error", clipLogged(string(a.Body))))
		}
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "query", attrs...)
	}
	return err == nil
}

func clipLogged(s string) string {
	if len(s) > maxLogged {
		return s[:maxLogged] + "..."
	}
	return s
}

// write writes an answer in its pieces, without copying its body.
func (cn *conn) write(a *Answer) error {
	cn.c.SetWriteDeadline(time.Now().Add(cn.s.cfg.WriteTimeout))
	var head [32]byte
	var err error
	switch {
	case a.Status == StatusNone:
	case a.Status == StatusData && !a.RIPE:
		h := append(head[:0], 'A')
		h = strconv.AppendInt(h, int64(len(a.Body)+1), 10)
		h = append(h, '\n')
		if _, err = cn.bw.Write(h); err == nil {
			if _, err = cn.bw.Write(a.Body); err == nil {
				_, err = cn.bw.WriteString("\nC\n")
			}
		}
	case a.Status == StatusData:
		if _, err = cn.bw.Write(a.Body); err == nil {
			_, err = cn.bw.WriteString("\n\n\n")
		}
	default:
		_, err = cn.bw.Write(a.AppendTo(head[:0]))
	}
	return err
}

func (cn *conn) flush() error {
	if cn.bw.Buffered() == 0 {
		return nil
	}
	cn.c.SetWriteDeadline(time.Now().Add(cn.s.cfg.WriteTimeout))
	return cn.bw.Flush()
}

// fail sends an error line before the connection is closed.
func (cn *conn) fail(msg string) {
	cn.write(&Answer{Status: StatusError, Body: []byte(msg)})
	cn.flush()
	cn.s.log.Info("query refused", "remote", cn.remote, "client", cn.sess.Client, "error", msg)
	cn.s.m.query(KindInvalid, StatusError, len(msg)+3, 0)
}
