package whois

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestServerPipelining sends queries in one write, as bgpq4 does, and
// reads the answers in order.
func TestServerPipelining(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{})
	cl := dial(t, addr)
	cl.send("!!", "!nbgpq4 1.9", "!a", "!s-lc", "!iAS-AS112,1", "!sRIPE,RIPE-NONAUTH", "!gas112", "!6as112", "!gas64511", "!q")
	for i, want := range []struct{ head, data string }{
		{"C", ""},
		{"F Missing required set name for A query", ""},
		{"A", "RIPE,RIPE-NONAUTH"},
		{"A", "AS112"},
		{"C", ""},
		{"A", "192.31.196.0/24 192.175.48.0/24"},
		{"A", "2001:4:112::/48 2620:4f:8000::/48"},
		{"D", ""},
	} {
		head, data := cl.irrd()
		if head != want.head || data != want.data {
			t.Fatalf("answer %d: %q %q, want %q %q", i, head, data, want.head, want.data)
		}
	}
	if rest := cl.rest(); rest != "" {
		t.Fatalf("after !q: %q", rest)
	}
}

// TestServerNonPersistent checks that a connection without !! is closed
// after its answer, with CRLF line ends (the whois client's) and without a
// final newline.
func TestServerNonPersistent(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{})
	for _, q := range []string{"!gas112\r", "\n\n!gAS112", " !gAS112 "} {
		cl := dial(t, addr)
		io.WriteString(cl.c, q)
		if !strings.HasSuffix(q, "\r") {
			cl.c.(*net.TCPConn).CloseWrite()
		} else {
			io.WriteString(cl.c, "\n")
		}
		if got, want := cl.rest(), "A32\n192.31.196.0/24 192.175.48.0/24\nC\n"; got != want {
			t.Errorf("%q: got %q, want %q", q, got, want)
		}
	}
	if got := query(t, addr, "-x 192.175.48.0/24"); !strings.HasSuffix(got, "source:         RIPE-NONAUTH\n\n\n") {
		t.Errorf("-x: %q", got)
	}
	// -k keeps the connection open.
	cl := dial(t, addr)
	cl.send("-k -s RIPE -T route 192.175.48.0/24", "!gAS112", "!q")
	if got := cl.rest(); !strings.Contains(got, "source:         RIPE\n\n\nA32\n") {
		t.Errorf("-k: %q", got)
	}
}

// TestServerConnectionLimit opens a thousand connections to a server that
// serves 50: the others are refused with an error line, and the server
// goes on serving.
func TestServerConnectionLimit(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	reg := prometheus.NewRegistry()
	_, addr := startServer(t, db, Config{MaxConnections: 50, Metrics: NewMetrics(reg)})
	var held []*client
	for range 50 {
		cl := dial(t, addr)
		cl.send("!!", "!v")
		if head, _ := cl.irrd(); head != "A" {
			t.Fatalf("!v: %q", head)
		}
		held = append(held, cl)
	}
	// A hundred at a time, so that the test stays within a process's
	// default limit of 1024 open files, client and server side together.
	var wg sync.WaitGroup
	refused := make(chan string, 1000)
	dialers := make(chan struct{}, 100)
	for range 950 {
		dialers <- struct{}{}
		wg.Go(func() {
			defer func() { <-dialers }()
			c, err := net.DialTimeout("tcp", addr, ioTimeout)
			if err != nil {
				refused <- err.Error()
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(ioTimeout))
			b, _ := io.ReadAll(c)
			refused <- string(b)
		})
	}
	wg.Wait()
	close(refused)
	for got := range refused {
		if got != "F Too many connections (this server's limit is 50); try again later\n" {
			t.Fatalf("over the limit: %q", got)
		}
	}
	if n, _ := metricValue(t, reg, "manrs_whois_connections_total", "result", "refused"); n != 950 {
		t.Errorf("refused connections: %v", n)
	}
	// A refused client that sent its query at once still reads the
	// error line: the server reads what it sent before closing.
	for range 20 {
		if got := query(t, addr, "!gAS112"); got != "F Too many connections (this server's limit is 50); try again later\n" {
			t.Fatalf("refused after sending a query: %q", got)
		}
	}
	for _, cl := range held[:10] {
		cl.send("!q")
		cl.rest()
	}
	// Closed connections free their places.
	deadline := time.Now().Add(ioTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, ioTimeout)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(ioTimeout))
		io.WriteString(c, "!gAS112\n")
		b, _ := io.ReadAll(c)
		c.Close()
		if strings.HasPrefix(string(b), "A32\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no place freed: %q", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// metricValue returns the value of the counter or gauge name whose
// labels are labels (name, value, ...), and whether there is one.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels ...string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
				}
				if !found {
					continue metrics
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue(), true
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount()), true
			}
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// TestServerIdleTimeout checks that a silent client and a slow one (a
// byte at a time, never ending its line) are cut off after the idle
// timeout, and that !t changes it.
func TestServerIdleTimeout(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{IdleTimeout: 200 * time.Millisecond})
	start := time.Now()
	cl := dial(t, addr)
	cl.send("!!")
	if got := cl.rest(); got != "" {
		t.Fatalf("silent client: %q", got)
	}
	// Only the lower bound is exact; the upper one only tells "closed"
	// from "never closed" on a loaded machine.
	if took := time.Since(start); took < 200*time.Millisecond || took > 30*time.Second {
		t.Errorf("silent client closed after %v", took)
	}

	start = time.Now()
	slow := dial(t, addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			if _, err := slow.c.Write([]byte{"!gAS112"[i%7]}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
			if time.Since(start) > 60*time.Second {
				return
			}
		}
	}()
	if got := slow.rest(); got != "" {
		t.Fatalf("slow client: %q", got)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("slow client closed after %v", took)
	}
	<-done

	cl = dial(t, addr)
	cl.send("!!", "!t1")
	if head, _ := cl.irrd(); head != "C" {
		t.Fatalf("!t1: %q", head)
	}
	time.Sleep(500 * time.Millisecond) // longer than the server's timeout, within !t1
	cl.send("!gAS112")
	if head, data := cl.irrd(); head != "A" || data != "192.31.196.0/24 192.175.48.0/24" {
		t.Fatalf("after !t1: %q %q", head, data)
	}
}

// TestServerLongQuery sends a line over the limit, and a megabyte without
// a newline: each gets an error line and the connection is closed.
func TestServerLongQuery(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{MaxQueryLength: 64})
	want := "F Query too long: this server's limit is 64 bytes\n"
	if got := query(t, addr, "!i"+strings.Repeat("A", 100)); got != want {
		t.Errorf("long line: %q", got)
	}
	if got := query(t, addr, "!gAS112"+strings.Repeat(" ", 57)); got != "A32\n192.31.196.0/24 192.175.48.0/24\nC\n" {
		t.Errorf("line of 64 bytes: %q", got)
	}
	cl := dial(t, addr)
	go func() {
		// The server stops reading: the write fails or blocks until the
		// connection is closed.
		cl.c.Write(bytes.Repeat([]byte("x"), 1<<20))
	}()
	if got := cl.rest(); got != want {
		t.Errorf("a megabyte without newline: %q", got)
	}
}

// TestServerQueryLimit checks the per-connection query limit.
func TestServerQueryLimit(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{MaxQueriesPerConnection: 3})
	cl := dial(t, addr)
	cl.send("!!", "!v", "!v", "!v")
	for range 2 {
		if head, _ := cl.irrd(); head != "A" {
			t.Fatalf("%q", head)
		}
	}
	if got := cl.rest(); got != "F Query limit of this connection reached (3 queries); reconnect to go on\n" {
		t.Fatalf("over the limit: %q", got)
	}
}

// TestServerHugeExpansion expands an as-set of 20,000 ASes and 100,000
// routes on a server whose limits are lower: the answers are errors with
// the reason, and smaller sets are still answered.
func TestServerHugeExpansion(t *testing.T) {
	db := genDB(t, 20_000, 5, 100)
	_, addr := startServer(t, db, Config{Limits: Limits{MaxSetMembers: 10_000, MaxAnswerBytes: 1 << 20}})
	for _, tc := range []struct{ query, want string }{
		{"!aAS-ALL", "F Expansion of AS-ALL stopped at this server's limits (10000 members, 64 levels of nested sets)\n"},
		{"!iAS-ALL,1", "F Expansion of AS-ALL stopped at this server's limits (10000 members, 64 levels of nested sets)\n"},
		{"-i mnt-by GEN-MNT", "%% ERROR: Answer larger than this server's limit of 1048576 bytes; narrow the query\n\n\n"},
	} {
		if got := query(t, addr, tc.query); got != tc.want {
			t.Errorf("%s: %q", tc.query, got)
		}
	}
	got := query(t, addr, "!aAS-GROUP-7")
	if !strings.HasPrefix(got, "A") || strings.Count(got, "/24") != 500 {
		t.Errorf("!aAS-GROUP-7: %d prefixes in %.60q", strings.Count(got, "/24"), got)
	}
}

// TestServerAnswerMemory checks that answers over the memory budget are
// refused while the server goes on.
func TestServerAnswerMemory(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	_, addr := startServer(t, db, Config{MaxAnswerMemory: 20})
	if got := query(t, addr, "!gAS112"); got != "F Server busy: too many large answers being sent; try again later\n" {
		t.Errorf("over the budget: %q", got)
	}
	if got := query(t, addr, "!v"); got != "A12\nmanrs whois\nC\n" {
		t.Errorf("within the budget: %q", got)
	}
}

// TestServerShutdown checks that Shutdown closes idle connections and
// waits for them.
func TestServerShutdown(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(db, Config{IdleTimeout: time.Hour})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	cl := dial(t, ln.Addr().String())
	cl.send("!!", "!v")
	cl.irrd()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	if got := cl.rest(); got != "" {
		t.Errorf("after shutdown: %q", got)
	}
	if err := <-errc; !errors.Is(err, ErrServerClosed) {
		t.Errorf("serve: %v", err)
	}
	if err := srv.Serve(ln); !errors.Is(err, ErrServerClosed) {
		t.Errorf("serve after shutdown: %v", err)
	}
}

// TestServerLogsAndMetrics checks the query log lines and the metrics.
func TestServerLogsAndMetrics(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	var logs syncBuffer
	reg := prometheus.NewRegistry()
	_, addr := startServer(t, db, Config{
		Logger:  slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: NewMetrics(reg),
	})
	cl := dial(t, addr)
	cl.send("!!", "!ntester", "!gAS112", "!gAS64511", "!x", "!q")
	cl.rest()
	query(t, addr, "AS112")
	for _, tc := range []struct {
		command, result string
		want            float64
	}{
		{"!g", "data", 1}, {"!g", "not_found", 1}, {"invalid", "error", 1}, {"!n", "empty", 1}, {"ripe", "data", 1}, {"!q", "none", 1},
	} {
		if n, _ := metricValue(t, reg, "manrs_whois_queries_total", "command", tc.command, "result", tc.result); n != tc.want {
			t.Errorf("manrs_whois_queries_total{command=%q,result=%q} = %v, want %v", tc.command, tc.result, n, tc.want)
		}
	}
	deadline := time.Now().Add(ioTimeout)
	for !(strings.Contains(logs.String(), `"reason":"answered"`) && strings.Contains(logs.String(), `"reason":"quit"`)) &&
		time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, name := range []string{"manrs_whois_query_duration_seconds", "manrs_whois_answer_size_bytes", "manrs_whois_connections_closed_total"} {
		if n, ok := metricValue(t, reg, name); !ok || n == 0 {
			t.Errorf("%s: %v", name, n)
		}
	}
	out := logs.String()
	for _, want := range []string{
		`"msg":"query","remote":"127.0.0.1:`,
		`"query":"!gAS112","command":"!g","result":"data","bytes":38,`,
		`"client":"tester"`,
		`"query":"!x","command":"invalid","result":"error","bytes":26,`,
		`"error":"Unrecognised command: x"`,
		`"msg":"connection closed"`, `"reason":"quit"`, `"reason":"answered"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServerSlowReader checks that a client that sends queries but never
// reads is cut off by the write timeout rather than holding the server.
func TestServerSlowReader(t *testing.T) {
	db := genDB(t, 2_000, 5, 100)
	_, addr := startServer(t, db, Config{WriteTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	io.WriteString(c, "!!\n")
	start := time.Now()
	for time.Since(start) < 5*time.Second {
		c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := io.WriteString(c, strings.Repeat("!aAS-ALL\n", 100)); err != nil {
			return // the server closed the connection
		}
	}
	t.Fatal("the server kept a client that does not read")
}
