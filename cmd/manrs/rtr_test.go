package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rtr"
)

// runRTRCmd runs "manrs rtr ARGS". Until main.go registers the command,
// it builds the root and adds it, mapping the error to an exit status as
// run does.
func runRTRCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	for _, c := range newRootCmd(nil, nil).Commands() {
		if c.Name() == "rtr" {
			return runCmd(t, append([]string{"rtr"}, args...)...)
		}
	}
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.AddCommand(newRTRCmd())
	root.SetArgs(append([]string{"rtr"}, args...))
	err := root.Execute()
	var ue usageError
	var pe partialError
	code := exitOK
	switch {
	case err == nil:
	case errors.As(err, &pe):
		code = exitPartial
	case errors.As(err, &ue):
		code = exitUsage
	default:
		code = exitFailure
	}
	if err != nil {
		stderr.WriteString("manrs: " + err.Error() + "\n")
	}
	return code, stdout.String(), stderr.String()
}

const rtrVRPs = "../../internal/rtr/testdata/vrps.json"

// needProgram returns the path of an external program, skipping the test
// when it is missing, or failing it when CI=true.
func needProgram(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (apt-get install %s)", name, pkg)
		}
		t.Skipf("%s is not installed; apt-get install %s to test against it", name, pkg)
	}
	return path
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// lockedBuffer is a bytes.Buffer safe for a server's concurrent logs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveRTR runs "manrs rtr serve ARGS --listen ADDR" in the background
// and returns ADDR; the server stops at the end of the test.
func serveRTR(t *testing.T, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	var stdout bytes.Buffer
	stderr := &lockedBuffer{}
	root := newRootCmd(&stdout, stderr)
	root.AddCommand(newRTRCmd())
	root.SetArgs(append([]string{"rtr", "serve", "--listen", addr, "--log.level", "warn"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("rtr serve: %v\n%s", err, stderr)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("rtr serve ended: %v\n%s", err, stderr)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("rtr serve did not listen on %s\n%s", addr, stderr)
	return ""
}

// vrpKeys is a set of "prefix-maxlen-asn" strings.
type vrpKeys map[string]bool

func keysOf(s *rpki.Set) vrpKeys {
	k := vrpKeys{}
	for _, v := range s.VRPs {
		k[fmt.Sprintf("%s-%d-%d", v.Prefix, v.MaxLength, v.ASN)] = true
	}
	return k
}

func loadKeys(t *testing.T, path string) (vrpKeys, *rpki.Set) {
	t.Helper()
	s, _, err := loadVRPFile(nil, path, rpki.LoadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Dedup()
	return keysOf(s), s
}

func sameKeys(t *testing.T, what string, got, want vrpKeys) {
	t.Helper()
	if !maps.Equal(got, want) {
		var missing, extra []string
		for k := range want {
			if !got[k] {
				missing = append(missing, k)
			}
		}
		for k := range got {
			if !want[k] {
				extra = append(extra, k)
			}
		}
		t.Errorf("%s: missing %v, extra %v", what, missing, extra)
	}
}

// rtrdumpKeys runs StayRTR's rtrdump against addr.
func rtrdumpKeys(t *testing.T, rtrdump, addr string, version int) vrpKeys {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.json")
	cmd := exec.Command(rtrdump, "-connect", addr, "-rtr.version", strconv.Itoa(version), "-file", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rtrdump: %v\n%s", err, b)
	}
	k, _ := loadKeys(t, out)
	return k
}

func TestRTRServeRtrdump(t *testing.T) {
	rtrdump := needProgram(t, "rtrdump", "stayrtr")
	dir := t.TempDir()
	src := filepath.Join(dir, "vrps.json")
	data, err := os.ReadFile(rtrVRPs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want, _ := loadKeys(t, src)
	metrics := freeAddr(t)
	addr := serveRTR(t, "--vrps", src, "--refresh", "200ms", "--metrics", metrics, "--export", filepath.Join(dir, "export"))
	// Version 2 is left out: StayRTR 0.5 implements the ASPA PDU of
	// draft-ietf-sidrops-8210bis-10, whose layout differs (docs/manrs-rtr.md).
	for _, v := range []int{0, 1} {
		t.Run(fmt.Sprint("version ", v), func(t *testing.T) {
			sameKeys(t, "rtrdump", rtrdumpKeys(t, rtrdump, addr, v), want)
		})
	}

	t.Run("http and export", func(t *testing.T) {
		resp, err := http.Get("http://" + metrics + "/csv")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p := filepath.Join(dir, "served.csv")
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		got, _ := loadKeys(t, p)
		sameKeys(t, "/csv", got, want)
		exported, _ := loadKeys(t, filepath.Join(dir, "export", "json"))
		sameKeys(t, "export/json", exported, want)
		resp, err = http.Get("http://" + metrics + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "manrs_rtr_vrps 6") {
			t.Errorf("metrics lack manrs_rtr_vrps 6:\n%s", body)
		}
	})

	t.Run("incremental", func(t *testing.T) {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		res, err := rtr.DumpConn(nc, 1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// Drop a VRP and add one; the next refresh picks it up.
		changed := strings.Replace(string(data), `{"asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic"}`,
			`{"asn": 64511, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "apnic"}`, 1)
		if err := os.WriteFile(src+".tmp", []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(src+".tmp", src); err != nil {
			t.Fatal(err)
		}
		r := rtr.NewReader(nc)
		_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		p, _, err := r.Next()
		n, ok := p.(rtr.SerialNotify)
		if err != nil || !ok || n.Serial != res.Serial+1 {
			t.Fatalf("got %#v, %v; want Serial Notify %d", p, err, res.Serial+1)
		}
		if _, err := nc.Write(rtr.SerialQuery{SessionID: res.SessionID, Serial: res.Serial}.AppendPDU(nil, 1)); err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			p, _, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if pfx, ok := p.(rtr.Prefix); ok {
				got = append(got, fmt.Sprintf("%v %s", pfx.Announce, pfx.Prefix))
			}
			if _, ok := p.(rtr.EndOfData); ok {
				break
			}
		}
		if want := []string{"false 1.1.1.0/24", "true 198.51.100.0/24"}; !slices.Equal(got, want) {
			t.Errorf("delta %v, want %v", got, want)
		}
		wantNow, _ := loadKeys(t, src)
		sameKeys(t, "rtrdump after the change", rtrdumpKeys(t, rtrdump, addr, 1), wantNow)
	})

	t.Run("drop guard", func(t *testing.T) {
		if err := os.WriteFile(src+".tmp", []byte(`{"roas": [{"asn": 1, "prefix": "10.0.0.0/8", "maxLength": 8}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		before, _ := loadKeys(t, src)
		if err := os.Rename(src+".tmp", src); err != nil {
			t.Fatal(err)
		}
		time.Sleep(600 * time.Millisecond)
		sameKeys(t, "after a refresh that lost most VRPs", rtrdumpKeys(t, rtrdump, addr, 1), before)
		resp, err := http.Get("http://" + metrics + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `manrs_rtr_refreshes_total{result="dropped"}`) {
			t.Errorf("no dropped refresh counted:\n%s", body)
		}
	})
}

// TestRTRDumpStayRTR reads StayRTR serving the test file with manrs rtr
// dump, in every version.
func TestRTRDumpStayRTR(t *testing.T) {
	stayrtr := needProgram(t, "stayrtr", "stayrtr")
	want, _ := loadKeys(t, rtrVRPs)
	addr, metrics := freeAddr(t), freeAddr(t)
	abs, err := filepath.Abs(rtrVRPs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(stayrtr, "-bind", addr, "-metrics.addr", metrics, "-cache", abs, "-checktime=false", "-refresh", "3600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitListening(t, addr)
	for _, v := range []string{"0", "1", "2"} {
		t.Run("version "+v, func(t *testing.T) {
			code, stdout, stderr := runRTRCmd(t, "dump", "--version", v, "--format", "csv", addr)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			p := filepath.Join(t.TempDir(), "out.csv")
			if err := os.WriteFile(p, []byte(stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			got, _ := loadKeys(t, p)
			sameKeys(t, "manrs rtr dump of stayrtr", got, want)
		})
	}
}

func TestRTRDumpErrors(t *testing.T) {
	// A cache that answers with garbage: exit status 1.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			nc.Write([]byte{1, 3, 0, 0, 0, 0, 0, 9, 0})
			time.Sleep(100 * time.Millisecond)
			nc.Close()
		}
	}()
	code, _, stderr := runRTRCmd(t, "dump", "--version", "1", ln.Addr().String())
	if code != exitFailure || !strings.Contains(stderr, "RFC 8210") {
		t.Errorf("exit %d, stderr %q; want 1 naming the RFC clause", code, stderr)
	}
	if code, _, _ := runRTRCmd(t, "dump", "--version", "3", ln.Addr().String()); code != exitUsage {
		t.Errorf("--version 3: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runRTRCmd(t, "serve"); code != exitUsage {
		t.Errorf("serve without --vrps: exit %d, want %d", code, exitUsage)
	}
}

// TestRTRRestart checks that a restarted server gets a new session ID, so
// that a router's Serial Query is answered with Cache Reset.
func TestRTRRestart(t *testing.T) {
	want, _ := loadKeys(t, rtrVRPs)
	var sessions []uint16
	for range 2 {
		addr := serveRTR(t, "--vrps", rtrVRPs)
		res, err := rtr.Dial(context.Background(), addr, 2, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		sameKeys(t, "manrs rtr dump", keysOf(res.Set), want)
		if len(res.Set.ASPAs) != 2 {
			t.Errorf("%d ASPAs over version 2, want 2", len(res.Set.ASPAs))
		}
		sessions = append(sessions, res.SessionID)
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		nc.Write(rtr.SerialQuery{SessionID: res.SessionID ^ 1, Serial: res.Serial}.AppendPDU(nil, 2))
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if p, _, err := rtr.NewReader(nc).Next(); err != nil || p.Type() != rtr.TypeCacheReset {
			t.Errorf("Serial Query of another session: got %v, %v; want Cache Reset", p, err)
		}
		nc.Close()
	}
	if sessions[0] == sessions[1] {
		t.Logf("both runs drew session ID %d", sessions[0])
	}
}

// TestRTRServeBIRD loads the served set into BIRD 2's ROA tables.
func TestRTRServeBIRD(t *testing.T) {
	bird := needProgram(t, "bird", "bird2")
	birdc := needProgram(t, "birdc", "bird2")
	want, _ := loadKeys(t, rtrVRPs)
	addr := serveRTR(t, "--vrps", rtrVRPs)
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	conf := filepath.Join(dir, "bird.conf")
	sock := filepath.Join(dir, "bird.ctl")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(`router id 127.0.0.1;
log "%s/bird.log" all;
roa4 table r4; roa6 table r6;
protocol rpki rtr1 { roa4 { table r4; }; roa6 { table r6; }; remote %s port %s; retry keep 5; refresh keep 30; expire 600; }
`, dir, host, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bird, "-c", conf, "-s", sock, "-P", filepath.Join(dir, "bird.pid")).CombinedOutput(); err != nil {
		t.Fatalf("bird: %v\n%s", err, b)
	}
	t.Cleanup(func() { exec.Command(birdc, "-s", sock, "down").Run() })
	got := vrpKeys{}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		got = vrpKeys{}
		for _, table := range []string{"r4", "r6"} {
			out, _ := exec.Command(birdc, "-s", sock, "show", "route", "table", table).CombinedOutput()
			// "1.0.0.0/24-24 AS13335  [rtr1 14:31:02.123] * (100)"
			for _, line := range strings.Split(string(out), "\n") {
				f := strings.Fields(line)
				if len(f) < 2 || !strings.HasPrefix(f[1], "AS") || !strings.Contains(f[0], "-") {
					continue
				}
				pfx, maxLen, _ := strings.Cut(f[0], "-")
				got[fmt.Sprintf("%s-%s-%s", pfx, maxLen, strings.TrimPrefix(f[1], "AS"))] = true
			}
		}
		if len(got) >= len(want) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	sameKeys(t, "BIRD ROA tables", got, want)
}
