package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/peertest"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rtr"
)

// runRTRCmd runs "manrs rtr ARGS" and returns its exit status and output.
func runRTRCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmd(t, append([]string{"rtr"}, args...)...)
}

const rtrVRPs = "../../internal/rtr/testdata/vrps.json"

// needProgram returns the path of a peer program (peertest.Program).
func needProgram(t *testing.T, name, pkg string) string {
	t.Helper()
	return peertest.Program(t, pkg, name)
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

// gobgpKeys reads GoBGP's RPKI table of one address family through its
// CLI. A line is "192.0.2.0/24   28   64496   127.0.0.1:3323".
func gobgpKeys(gobgp, api, family string, got vrpKeys) error {
	host, port, _ := net.SplitHostPort(api)
	out, err := exec.Command(gobgp, "-u", host, "-p", port, "rpki", "table", "-a", family).CombinedOutput()
	if err != nil {
		return fmt.Errorf("gobgp rpki table -a %s: %v: %s", family, err, bytes.TrimSpace(out))
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		pfx, err := netip.ParsePrefix(f[0])
		if err != nil {
			continue // the header
		}
		got[fmt.Sprintf("%s-%s-%s", pfx, f[1], f[2])] = true
	}
	return nil
}

// waitGoBGP polls GoBGP's RPKI table until it equals want or the deadline
// passes, and returns the last table read. Until gobgpd's API is up the
// CLI fails; only the last failure counts.
func waitGoBGP(t *testing.T, gobgp, api string, want vrpKeys, timeout time.Duration) vrpKeys {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := vrpKeys{}
		err := errors.Join(gobgpKeys(gobgp, api, "ipv4", got), gobgpKeys(gobgp, api, "ipv6", got))
		if err == nil && maps.Equal(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRTRServeGoBGP loads the served set into gobgpd's RPKI table (GoBGP
// speaks RTR version 0), then changes the source and checks that GoBGP
// follows the Serial Notify with an incremental update.
func TestRTRServeGoBGP(t *testing.T) {
	gobgpd := needProgram(t, "gobgpd", "gobgpd")
	gobgp := needProgram(t, "gobgp", "gobgpd")
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
	addr := serveRTR(t, "--vrps", src, "--refresh", "300ms")
	host, port, _ := net.SplitHostPort(addr)
	// gobgpd starts its RPKI clients only with a BGP listener, so it gets
	// a loopback port of its own.
	_, bgpPort, _ := net.SplitHostPort(freeAddr(t))
	api := freeAddr(t)
	conf := filepath.Join(dir, "gobgpd.toml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(`[global.config]
  as = 65000
  router-id = "127.0.0.1"
  port = %s
  local-address-list = ["127.0.0.1"]
[[rpki-servers]]
  [rpki-servers.config]
    address = %q
    port = %s
`, bgpPort, host, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	cmd := exec.Command(gobgpd, "-f", conf, "--api-hosts", api, "-l", "info")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	got := waitGoBGP(t, gobgp, api, want, 20*time.Second)
	sameKeys(t, "GoBGP RPKI table", got, want)
	if t.Failed() {
		_, apiPort, _ := net.SplitHostPort(api)
		out, _ := exec.Command(gobgp, "-u", "127.0.0.1", "-p", apiPort, "rpki", "server").CombinedOutput()
		t.Fatalf("gobgp rpki server:\n%s\ngobgpd log:\n%s", out, logs.String())
	}

	changed := strings.Replace(string(data), `{"asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic"}`,
		`{"asn": 64511, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "apnic"}`, 1)
	changed = strings.Replace(changed, `{"asn": 3333, "prefix": "2001:67c:2e8::/48", "maxLength": 48, "ta": "ripe"}`,
		`{"asn": 64511, "prefix": "2001:db8:1::/48", "maxLength": 64, "ta": "ripe"}`, 1)
	if err := os.WriteFile(src+".tmp", []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(src+".tmp", src); err != nil {
		t.Fatal(err)
	}
	wantNow, _ := loadKeys(t, src)
	sameKeys(t, "GoBGP RPKI table after the change", waitGoBGP(t, gobgp, api, wantNow, 20*time.Second), wantNow)
}

// selfSignedCert writes a self-signed certificate for 127.0.0.1 and its
// key as PEM files into dir, and returns their paths and a pool that
// trusts the certificate.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestRTRServeTLS serves over TLS (RFC 8210 section 9.2, RFC 6810 section
// 7) beside plain TCP: a client that verifies the certificate gets the
// full set in every version, StayRTR's rtrdump reads it over TLS, and a
// plain-TCP client on the TLS port fails without disturbing the TLS
// session already open.
func TestRTRServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSignedCert(t, dir)
	want, wantSet := loadKeys(t, rtrVRPs)
	tlsAddr := freeAddr(t)
	plain := serveRTR(t, "--vrps", rtrVRPs, "--listen-tls", tlsAddr, "--tls-cert", certFile, "--tls-key", keyFile)
	waitListening(t, tlsAddr)
	conf := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	dialTLS := func(t *testing.T) *tls.Conn {
		t.Helper()
		d := &net.Dialer{Timeout: 5 * time.Second}
		tc, err := tls.DialWithDialer(d, "tcp", tlsAddr, conf)
		if err != nil {
			t.Fatalf("TLS dial: %v", err)
		}
		t.Cleanup(func() { tc.Close() })
		return tc
	}

	for _, v := range []rtr.Version{0, 1, 2} {
		t.Run(fmt.Sprint("version ", v), func(t *testing.T) {
			res, err := rtr.DumpConn(dialTLS(t), v, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			sameKeys(t, "dump over TLS", keysOf(res.Set), want)
			if wantASPAs := map[bool]int{true: len(wantSet.ASPAs)}[v == 2]; len(res.Set.ASPAs) != wantASPAs {
				t.Errorf("%d ASPAs, want %d", len(res.Set.ASPAs), wantASPAs)
			}
		})
	}

	t.Run("rtrdump", func(t *testing.T) {
		rtrdump := needProgram(t, "rtrdump", "stayrtr")
		out := filepath.Join(t.TempDir(), "out.json")
		cmd := exec.Command(rtrdump, "-connect", tlsAddr, "-type", "tls", "-tls.validate=false", "-rtr.version", "1", "-file", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rtrdump -type tls: %v\n%s", err, b)
		}
		got, _ := loadKeys(t, out)
		sameKeys(t, "rtrdump over TLS", got, want)
	})

	t.Run("plain client on the TLS port", func(t *testing.T) {
		// A TLS session in progress, to check it survives.
		open := dialTLS(t)
		first, err := rtr.DumpConn(open, 1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}

		// One plain client stays silent, holding its handshake open;
		// another sends a Reset Query in the clear.
		silent, err := net.DialTimeout("tcp", tlsAddr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		nc, err := net.DialTimeout("tcp", tlsAddr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_, err = rtr.DumpConn(nc, 1, 5*time.Second)
		if err == nil {
			t.Fatal("a Reset Query in the clear on the TLS port got an answer")
		}
		if isTimeoutErr(err) {
			t.Fatalf("plain client hung instead of being refused: %v", err)
		}
		// The server closes the connection after its TLS alert.
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.Copy(io.Discard, nc); isTimeoutErr(err) {
			t.Errorf("the server kept the failed connection open: %v", err)
		}

		// The open TLS session still answers, and new ones are served on
		// both listeners.
		if _, err := open.Write(rtr.SerialQuery{SessionID: first.SessionID, Serial: first.Serial}.AppendPDU(nil, 1)); err != nil {
			t.Fatal(err)
		}
		_ = open.SetReadDeadline(time.Now().Add(5 * time.Second))
		r := rtr.NewReader(open)
		for _, wantType := range []rtr.Type{rtr.TypeCacheResponse, rtr.TypeEndOfData} {
			p, _, err := r.Next()
			if err != nil || p.Type() != wantType {
				t.Fatalf("open TLS session after the plain client: got %v, %v; want %s", p, err, wantType)
			}
		}
		res, err := rtr.DumpConn(dialTLS(t), 1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		sameKeys(t, "a new TLS session", keysOf(res.Set), want)
		res, err = rtr.Dial(context.Background(), plain, 1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		sameKeys(t, "plain TCP", keysOf(res.Set), want)
	})

	t.Run("untrusted certificate", func(t *testing.T) {
		// A client that does not trust the certificate must refuse it.
		_, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", tlsAddr,
			&tls.Config{ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("dial with the system roots: %v, want an unknown authority error", err)
		}
	})
}

func isTimeoutErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// writeSyntheticVRPs writes n distinct VRPs in rpki-client JSON to path,
// leaving out those whose index is in skip, and returns their keys.
func writeSyntheticVRPs(t *testing.T, path string, n int, skip func(i int) bool) vrpKeys {
	t.Helper()
	var b strings.Builder
	keys := vrpKeys{}
	b.WriteString(`{"metadata": {"buildtime": "2026-11-27T12:00:00Z"}, "roas": [`)
	sep := ""
	for i := range n {
		if skip(i) {
			continue
		}
		pfx := fmt.Sprintf("10.%d.%d.0/24", i>>8&0xff, i&0xff)
		asn := 64496 + i%16
		fmt.Fprintf(&b, `%s{"asn": %d, "prefix": %q, "maxLength": 24, "ta": "test"}`, sep, asn, pfx)
		keys[fmt.Sprintf("%s-24-%d", pfx, asn)] = true
		sep = ",\n"
	}
	b.WriteString("]}\n")
	if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestRTRServeReload changes the source and sends SIGHUP to the running
// serve (in this process): the routers get a Serial Notify and the delta,
// the export directory is rewritten atomically, and a source that no
// longer loads keeps the last good set.
func TestRTRServeReload(t *testing.T) {
	// Catch SIGHUP here too, so that the signal cannot end the test binary
	// whatever the state of serve's own handler.
	guard := make(chan os.Signal, 16)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)

	const n = 20000
	dir := t.TempDir()
	src, exportDir := filepath.Join(dir, "vrps.json"), filepath.Join(dir, "export")
	want := writeSyntheticVRPs(t, src, n, func(int) bool { return false })
	metrics := freeAddr(t)
	addr := serveRTR(t, "--vrps", src, "--refresh", "1h", "--export", exportDir, "--metrics", metrics)
	exported, _ := loadKeys(t, filepath.Join(exportDir, "json"))
	sameKeys(t, "export at start", exported, want)

	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	res, err := rtr.DumpConn(nc, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "before the reload", keysOf(res.Set), want)

	// Readers of the export directory must only ever see whole files.
	stop := make(chan struct{})
	var readErr error
	var reads int
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, name := range []string{"json", "csv"} {
				b, err := os.ReadFile(filepath.Join(exportDir, name))
				if err != nil {
					readErr = err
					return
				}
				complete := json.Valid(b)
				if name == "csv" {
					complete = bytes.HasSuffix(b, []byte("\n")) && bytes.Count(b, []byte("\n")) >= n-n/100
				}
				if !complete {
					readErr = fmt.Errorf("export/%s: a partial file of %d bytes", name, len(b))
					return
				}
				reads++
			}
		}
	})

	// Withdraw 1% of the VRPs.
	wantNow := writeSyntheticVRPs(t, src, n, func(i int) bool { return i%100 == 7 })
	r := rtr.NewReader(nc)
	var notify rtr.SerialNotify
	deadline := time.Now().Add(20 * time.Second)
	for notify.Serial == 0 && time.Now().Before(deadline) {
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		_ = nc.SetReadDeadline(time.Now().Add(2 * time.Second))
		p, _, err := r.Next()
		switch {
		case isTimeoutErr(err):
			continue // serve may still be reading the source
		case err != nil:
			t.Fatal(err)
		}
		var ok bool
		if notify, ok = p.(rtr.SerialNotify); !ok || notify.Serial != res.Serial+1 {
			t.Fatalf("got %#v, want Serial Notify %d", p, res.Serial+1)
		}
	}
	if notify.Serial == 0 {
		t.Fatal("no Serial Notify after SIGHUP")
	}
	if _, err := nc.Write(rtr.SerialQuery{SessionID: res.SessionID, Serial: res.Serial}.AppendPDU(nil, 1)); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	withdrawn := 0
	for {
		p, _, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if pfx, ok := p.(rtr.Prefix); ok {
			if pfx.Announce || !want[fmt.Sprintf("%s-%d-%d", pfx.Prefix, pfx.MaxLength, pfx.ASN)] {
				t.Errorf("delta has %+v", pfx)
			}
			withdrawn++
		}
		if _, ok := p.(rtr.EndOfData); ok {
			break
		}
	}
	if withdrawn != len(want)-len(wantNow) {
		t.Errorf("%d withdrawals, want %d", withdrawn, len(want)-len(wantNow))
	}
	// The export follows the change: refreshRTR writes it before the
	// next signal is taken, and the Serial Notify came after the Update.
	deadline = time.Now().Add(10 * time.Second)
	for {
		got, _ := loadKeys(t, filepath.Join(exportDir, "json"))
		if maps.Equal(got, wantNow) || time.Now().After(deadline) {
			sameKeys(t, "export after the reload", got, wantNow)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if readErr != nil {
		t.Error(readErr)
	}
	t.Logf("%d whole export files read during the reload", reads)
	entries, err := os.ReadDir(exportDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left in the export directory", e.Name())
		}
	}

	t.Run("bad source keeps the last set", func(t *testing.T) {
		if err := os.WriteFile(src, []byte(`{"roas": [{"asn": 1, "prefix": `), 0o644); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		var body string
		for !strings.Contains(body, `manrs_rtr_refreshes_total{result="failed"}`) && time.Now().Before(deadline) {
			if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			resp, err := http.Get("http://" + metrics + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		}
		if !strings.Contains(body, `manrs_rtr_refreshes_total{result="failed"}`) || !strings.Contains(body, "manrs_rtr_last_refresh_success 0") {
			t.Fatalf("no failed refresh counted after SIGHUP:\n%s", body)
		}
		got, err := rtr.Dial(context.Background(), addr, 1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		sameKeys(t, "after a failed reload", keysOf(got.Set), wantNow)
		if got.Serial != notify.Serial {
			t.Errorf("serial %d, want %d kept", got.Serial, notify.Serial)
		}
		exported, _ := loadKeys(t, filepath.Join(exportDir, "json"))
		sameKeys(t, "export after a failed reload", exported, wantNow)
	})
}
