package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

const whoisAS112 = "../../testdata/irr/as112.db"

// whoisLog collects a command's stderr while the test reads it.
type whoisLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *whoisLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *whoisLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runWhois runs newWhoisCmd with args, as main would run it, and returns
// the exit status and the output.
func runWhois(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newWhoisCmd()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// whoisWaitFor waits until stderr holds a line starting with prefix and
// returns the rest of that line.
func whoisWaitFor(t *testing.T, stderr *whoisLog, done <-chan int, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				return rest
			}
		}
		select {
		case code := <-done:
			t.Fatalf("manrs whois serve exited with %d:\n%s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no %q on stderr:\n%s", prefix, stderr.String())
	return ""
}

func whoisQuery(t *testing.T, addr, q string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, q+"\r\n")
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWhoisServe runs manrs whois serve over the AS112 objects with
// metrics, queries it, reads the metrics and stops it as SIGTERM would.
func TestWhoisServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr whoisLog
	done := make(chan int, 1)
	go func() {
		done <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0",
			"--irr", whoisAS112, "--sources", "RIPE,RIPE-NONAUTH,APNIC", "--serial", "ripe=42", "--log.format", "json"}, io.Discard, &stderr)
	}()
	addr := whoisWaitFor(t, &stderr, done, "manrs: serving whois on ")
	metrics := whoisWaitFor(t, &stderr, done, "manrs: metrics on ")

	for _, tc := range []struct{ query, want string }{
		{"!gas112", "A32\n192.31.196.0/24 192.175.48.0/24\nC\n"},
		{"!s-lc", "A24\nRIPE,RIPE-NONAUTH,APNIC\nC\n"},
		{"!j-*", "A39\nRIPE:N:0-42\nRIPE-NONAUTH:N:-\nAPNIC:N:-\nC\n"},
		{"!ias-as112,1", "A6\nAS112\nC\n"},
		{"-s APNIC AS112", "%  No entries found for the selected source(s).\n\n\n"},
	} {
		if got := whoisQuery(t, addr, tc.query); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
	if got := whoisQuery(t, addr, "!v"); !strings.Contains(got, "manrs whois") {
		t.Errorf("!v: %q", got)
	}

	resp, err := http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`manrs_whois_queries_total{command="!g",result="data"} 1`,
		`manrs_whois_connections_total{result="accepted"} 6`,
		`manrs_whois_irr_objects{class="route",source="RIPE-NONAUTH"} 2`,
		`manrs_whois_query_duration_seconds_bucket`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("manrs whois serve did not stop")
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"loaded","objects":11,"routes":8,"sources":"RIPE,RIPE-NONAUTH,APNIC","bad":0`,
		`"msg":"query"`, `"query":"!gas112","command":"!g","result":"data"`, `"msg":"shutting down"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// TestWhoisServeBadObjects checks that bad objects are reported and
// skipped, and the server serves the rest.
func TestWhoisServeBadObjects(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "bad.db")
	os.WriteFile(dump, []byte("route: 192.0.2.0/24\norigin: AS3333\nsource: TEST\n\nroute: 192.0.2.1/24\norigin: AS3333\nsource: TEST\n\n"+
		"route: 198.51.100.0/24\norigin: ASX\nsource: TEST\n\nroute: 198.51.100.0/24\norigin: AS3333\nsource: OTHER\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr whoisLog
	done := make(chan int, 1)
	go func() {
		done <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--irr", "TEST=" + dump, "--log.level", "warn"}, io.Discard, &stderr)
	}()
	addr := whoisWaitFor(t, &stderr, done, "manrs: serving whois on ")
	if got := whoisQuery(t, addr, "!gAS3333"); got != "A13\n192.0.2.0/24\nC\n" {
		t.Errorf("!gAS3333: %q", got)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		`manrs: rpsl: bad.db: line 5: RFC 2622 4: route 192.0.2.1/24: route: prefix "192.0.2.1/24": bits set after the prefix length`,
		`manrs: rpsl: bad.db: line 10: RFC 2622 4: route 198.51.100.0/24: origin: parse ASN "ASX"`,
		"manrs: irr: bad.db: line 13: route 198.51.100.0/24: source OTHER, want TEST",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestWhoisUsage checks the usage errors and the help.
func TestWhoisUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, exitUsage, "--irr: at least one RPSL dump is needed"},
		{[]string{"serve", "--irr", whoisAS112, "--sources", "RIPE,,X"}, exitUsage, "--sources"},
		{[]string{"serve", "--irr", whoisAS112, "--serial", "RIPE"}, exitUsage, "--serial \"RIPE\": want SOURCE=SERIAL"},
		{[]string{"serve", "--irr", whoisAS112, "--serial", "RADB=1", "--listen", "127.0.0.1:0"}, exitUsage, "--serial RADB: no such source"},
		{[]string{"serve", "--irr", whoisAS112, "--log.format", "xml"}, exitUsage, "--log.format"},
		{[]string{"serve", "--irr", whoisAS112, "--nrtm", "RIPE"}, exitUsage, "want SOURCE=HOST:PORT[@SERIAL]"},
		{[]string{"serve", "--irr", whoisAS112, "--nrtm", "RIPE=localhost"}, exitUsage, "missing port"},
		{[]string{"serve", "--irr", whoisAS112, "--nrtm", "RIPE=localhost:43@x"}, exitUsage, "not a serial"},
		{[]string{"serve", "--irr", whoisAS112, "--nrtm", "RADB=localhost:43@1"}, exitUsage, "--nrtm RADB: no such source"},
		{[]string{"serve", "--irr", whoisAS112, "--nrtm", "RIPE=localhost:43"}, exitUsage, "--nrtm RIPE: no serial to start from"},
		{[]string{"serve", "--irr", whoisAS112, "--serial", "RIPE=/nonexistent/RIPE.CURRENTSERIAL"}, exitUsage, "neither a serial nor a serial file"},
		{[]string{"serve", "--irr", whoisAS112, "--max-connections", "0"}, exitUsage, "must be positive"},
		{[]string{"serve", "--irr", "/nonexistent/ripe.db", "--listen", "127.0.0.1:0"}, exitFailure, "/nonexistent/ripe.db"},
		{[]string{"serve", "--irr", whoisAS112, "--listen", "256.0.0.1:1"}, exitFailure, "--listen"},
		{[]string{"serve", "extra"}, exitUsage, "takes 0 arguments"},
		{[]string{"bogus"}, exitUsage, "unknown command"},
	} {
		var stderr bytes.Buffer
		code := runWhoisErr(tc.args, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, want %d; stderr %q lacks %q", tc.args, code, tc.code, stderr.String(), tc.want)
		}
	}
	var out bytes.Buffer
	cmd := newWhoisCmd()
	cmd.SetArgs([]string{"serve", "--help"})
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil || !strings.Contains(out.String(), "bgpq4 -h 127.0.0.1:4343") || !strings.Contains(out.String(), "--max-connections") {
		t.Errorf("help: %v\n%s", err, out.String())
	}
}

// runWhoisErr runs the command and writes its error to stderr as main
// does.
func runWhoisErr(args []string, stderr *bytes.Buffer) int {
	cmd := newWhoisCmd()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := cmd.Execute()
	if err == nil {
		return exitOK
	}
	stderr.WriteString("manrs: " + err.Error() + "\n")
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// TestWhoisPipelinedSession talks to the command's server as bgpq4 does.
func TestWhoisPipelinedSession(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr whoisLog
	done := make(chan int, 1)
	go func() {
		done <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--irr", whoisAS112, "--log.level", "error"}, io.Discard, &stderr)
	}()
	addr := whoisWaitFor(t, &stderr, done, "manrs: serving whois on ")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "!!\n!nbgpq4 1.9\n!a\n!s-lc\n!sAPNIC\n!iAS-AS112\n!sRIPE,RIPE-NONAUTH\n!6as112\n!q\n")
	b, err := io.ReadAll(bufio.NewReader(c))
	if err != nil {
		t.Fatal(err)
	}
	want := "C\nF Missing required set name for A query\nA18\nRIPE,RIPE-NONAUTH\nC\nC\nD\nC\nA34\n2001:4:112::/48 2620:4f:8000::/48\nC\n"
	if string(b) != want {
		t.Errorf("got %q\nwant %q", b, want)
	}
	cancel()
	<-done
}

const (
	whoisNRTMDump   = "../../internal/whois/testdata/nrtm/test.db"
	whoisNRTMStream = "../../internal/whois/testdata/nrtm/test.101-106.nrtm"
)

// whoisFakeNRTM serves NRTM answers on loopback: the answer of the
// query, else RIPE's error 401.
func whoisFakeNRTM(t *testing.T, answers map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				a, ok := answers[strings.TrimSpace(line)]
				if !ok {
					a = "%ERROR:401: invalid range: Not within 101-106\n"
				}
				io.WriteString(c, a)
			})
		}
	})
	return ln.Addr().String()
}

// whoisWaitAnswer queries addr until the answer is want.
func whoisWaitAnswer(t *testing.T, addr, q, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := whoisQuery(t, addr, q)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q, want %q", q, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWhoisServeNRTM runs a manrs whois serve that mirrors a scripted
// NRTM server, and a second one that mirrors the first over NRTM: both
// end with the same answers, and the metrics count the changes.
func TestWhoisServeNRTM(t *testing.T) {
	stream, err := os.ReadFile(whoisNRTMStream)
	if err != nil {
		t.Fatal(err)
	}
	upstream := whoisFakeNRTM(t, map[string]string{"-g TEST:3:101-LAST": string(stream)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log1, log2 whoisLog
	done1, done2 := make(chan int, 1), make(chan int, 1)
	go func() {
		done1 <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--irr", "TEST=" + whoisNRTMDump,
			"--nrtm", "TEST=" + upstream + "@100", "--nrtm-interval", "50ms", "--log.format", "json"}, io.Discard, &log1)
	}()
	addr1 := whoisWaitFor(t, &log1, done1, "manrs: serving whois on ")
	metrics := whoisWaitFor(t, &log1, done1, "manrs: metrics on ")
	whoisWaitAnswer(t, addr1, "!jTEST", "A15\nTEST:Y:101-106\nC\n")

	// The second takes its serial from the dump's "% SERIAL 100".
	go func() {
		done2 <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--irr", "TEST=" + whoisNRTMDump,
			"--nrtm", "TEST=" + addr1, "--nrtm-interval", "50ms", "--log.format", "json"}, io.Discard, &log2)
	}()
	addr2 := whoisWaitFor(t, &log2, done2, "manrs: serving whois on ")
	whoisWaitAnswer(t, addr2, "!jTEST", "A15\nTEST:Y:101-106\nC\n")
	for q, want := range map[string]string{
		"!gAS64500":         "A15\n203.0.113.0/24\nC\n",
		"!gAS64501":         "A16\n198.51.100.0/24\nC\n",
		"!iAS-TEST,1":       "A24\nAS64500 AS64501 AS64502\nC\n",
		"!maut-num,AS64500": "D\n",
	} {
		for _, addr := range []string{addr1, addr2} {
			if got := whoisQuery(t, addr, q); got != want {
				t.Errorf("%s at %s: %q, want %q", q, addr, got, want)
			}
		}
	}
	for _, q := range []string{"-g TEST:3:101-LAST", "!oTEST-MNT", "-i origin AS64500", "!r198.51.100.0/24"} {
		if a, b := whoisQuery(t, addr1, q), whoisQuery(t, addr2, q); a != b {
			t.Errorf("%s: first %q, second %q", q, a, b)
		}
	}

	resp, err := http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`manrs_whois_nrtm_changes_total{op="add",source="TEST"} 4`,
		`manrs_whois_nrtm_changes_total{op="del",source="TEST"} 2`,
		`manrs_whois_nrtm_serial{source="TEST"} 106`,
		`manrs_whois_nrtm_polls_total{result="updated",source="TEST"} 1`,
		`manrs_whois_irr_objects{class="route",source="TEST"} 2`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	cancel()
	for _, done := range []chan int{done1, done2} {
		if code := <-done; code != exitOK {
			t.Errorf("exit %d", code)
		}
	}
	for _, want := range []string{`"msg":"mirroring","source":"TEST"`, `"msg":"nrtm poll","source":"TEST"`, `"result":"updated","added":4,"deleted":2`} {
		if !strings.Contains(log1.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, log1.String())
		}
	}
	if !strings.Contains(log2.String(), `"msg":"nrtm serial","source":"TEST","serial":100,"from":"`) {
		t.Errorf("second's logs lack the serial's origin:\n%s", log2.String())
	}
}

// TestWhoisServeNRTMGap checks that a stream with a gap is refused and
// logged, and the data left as loaded.
func TestWhoisServeNRTMGap(t *testing.T) {
	stream, err := os.ReadFile(whoisNRTMStream)
	if err != nil {
		t.Fatal(err)
	}
	s := string(stream)
	gap := s[:strings.Index(s, "ADD 102")] + s[strings.Index(s, "ADD 103"):]
	dir := t.TempDir()
	dump, _ := os.ReadFile(whoisNRTMDump)
	os.WriteFile(filepath.Join(dir, "test.db"), dump, 0o644)
	os.WriteFile(filepath.Join(dir, "TEST.CURRENTSERIAL"), []byte("100\n"), 0o644)
	upstream := whoisFakeNRTM(t, map[string]string{"-g TEST:3:101-LAST": gap})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr whoisLog
	done := make(chan int, 1)
	go func() {
		done <- runWhois(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--irr", "TEST=" + filepath.Join(dir, "test.db"),
			"--nrtm", "TEST=" + upstream, "--nrtm-interval", "50ms", "--log.format", "json"}, io.Discard, &stderr)
	}()
	addr := whoisWaitFor(t, &stderr, done, "manrs: serving whois on ")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "ADD 103 where serial 102 was due") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{`"msg":"nrtm poll failed"`, "ADD 103 where serial 102 was due", "TEST.CURRENTSERIAL"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, stderr.String())
		}
	}
	for q, want := range map[string]string{"!jTEST": "A13\nTEST:N:0-100\nC\n", "!gAS64501": "D\n", "!gAS64500": "A28\n192.0.2.0/24 203.0.113.0/24\nC\n"} {
		if got := whoisQuery(t, addr, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	cancel()
	<-done
}
