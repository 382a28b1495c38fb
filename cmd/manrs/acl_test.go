package main

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/acl"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/world"
)

const (
	aclTestdata = "../../internal/acl/testdata"
	bogonDB     = aclTestdata + "/bogon.db"
)

func runACLCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmd(t, append([]string{"acl"}, args...)...)
}

func runURPFCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmd(t, append([]string{"urpf"}, args...)...)
}

// aclGolden compares got with internal/acl/testdata/name, rewriting it
// with -update.
func aclGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(aclTestdata, name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/manrs -run ACL -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/manrs -run ACL -update if the change is intended)\n got:\n%s", path, got)
	}
}

// TestACLFormats writes AS112's filter in every format from as112.db,
// with its interconnection subnets permitted.
func TestACLFormats(t *testing.T) {
	ifaces := map[string]string{"ios": "GigabitEthernet0/1", "ios-xr": "HundredGigE0/0/0/0", "eos": "Ethernet3/1",
		"junos": "et-0/0/2.112", "nftables": "eth0", "iptables": "eth0"}
	for _, ft := range acl.Formats() {
		t.Run(ft.Name, func(t *testing.T) {
			code, out, stderr := runACLCmd(t, "--irr", as112DB, "--format", ft.Name, "--interface", ifaces[ft.Name],
				"--permit", "100.64.112.0/31", "--permit", "2001:7f8:112::/127", "AS112")
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			aclGolden(t, "cmd-"+ft.Name+".txt", out)
		})
	}
}

func TestACLBogons(t *testing.T) {
	code, out, stderr := runACLCmd(t, "--irr", as112DB, "--irr", "TEST="+bogonDB, "-4", "AS112")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"10.112.0.0/16 lies in bogon space 10.0.0.0/8 (Private-Use)", "192.0.0.0/22 covers bogon space"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no warning %q in\n%s", want, stderr)
		}
	}
	if strings.Contains(out, "10.112.") || !strings.Contains(out, "permit ip 192.0.1.0 0.0.0.255 any") || !strings.Contains(out, "permit ip 192.0.3.0 0.0.0.255 any") {
		t.Errorf("bogon space permitted, or its neighbours not:\n%s", out)
	}
}

func TestACLEmpty(t *testing.T) {
	// AS64500 has IPv4 route objects only.
	code, out, stderr := runACLCmd(t, "--irr", "TEST="+bogonDB, "AS64500")
	if code != exitFailure || out != "" || !strings.Contains(stderr, "no IPv6 source prefix for AS64500") || !strings.Contains(stderr, "give -4") {
		t.Errorf("IPv6 empty: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
	if code, out, _ := runACLCmd(t, "--irr", "TEST="+bogonDB, "-4", "AS64500"); code != exitOK || !strings.Contains(out, "193.0.0.0 0.0.7.255") {
		t.Errorf("-4: exit %d\n%s", code, out)
	}
	if code, out, _ := runACLCmd(t, "--irr", "TEST="+bogonDB, "--allow-empty", "AS64500"); code != exitOK || !strings.Contains(out, "ipv6 access-list ANTISPOOF-AS64500") {
		t.Errorf("--allow-empty: exit %d\n%s", code, out)
	}
	// An unknown set: no source at all.
	code, _, stderr = runACLCmd(t, "--irr", as112DB, "AS-NOPE")
	if code != exitFailure || !strings.Contains(stderr, "set AS-NOPE not found") || !strings.Contains(stderr, "no IPv4 source prefix") {
		t.Errorf("unknown set: exit %d, stderr %s", code, stderr)
	}
}

func TestACLUsage(t *testing.T) {
	for _, args := range [][]string{
		{"AS112"}, // no --irr
		{"--irr", as112DB, "--format", "bird", "AS112"},
		{"--irr", as112DB, "-4", "-6", "AS112"},
		{"--irr", as112DB, "--interface", "Gi0/1; reload", "AS112"},
		{"--irr", as112DB, "--format", "nftables", "AS112"},
		{"--irr", as112DB, "--format", "junos", "--interface", "xe-0/0/0.x", "AS112"},
		{"--irr", as112DB, "--name", "two words", "AS112"},
		{"--irr", as112DB, "--permit", "192.0.2.1/24", "AS112"},
		{"--irr", as112DB, "--permit", "nonsense", "AS112"},
		{"--irr", as112DB, "--asrel", "x.txt", "AS112"},
		{"--irr", as112DB, "RS-FOO"},
		{"--irr", as112DB, "192.0.2.0/24"},
		{"--irr", as112DB, "AS112", "AS113"},
		{"--irr", as112DB, "AS-FOO", "EXCEPT", "AS112"},
	} {
		code, _, stderr := runACLCmd(t, args...)
		if code != exitUsage || !strings.HasPrefix(stderr, "manrs: ") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// generatedWorld is a generated tiny world: its directory, the paths of
// its first RIB dump, AS relationships, VRPs and IRR dumps, and its
// ground truth.
type generatedWorld struct {
	dir, rib, asrel, vrps string
	irr                   []string // --irr values, RADB last
	w                     *world.World
}

func generateTinyWorld(t *testing.T, seed uint64) *generatedWorld {
	t.Helper()
	sc, err := world.ParseScale("tiny")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := world.Generate(world.Options{Seed: seed, Scale: sc, Days: 1, Out: dir, UpdateInterval: 6 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	g := &generatedWorld{dir: dir}
	if g.w, err = world.Build(seed, sc); err != nil {
		t.Fatal(err)
	}
	day := world.DefaultStart.Format("20060102")
	ribs, _ := filepath.Glob(filepath.Join(dir, "collectors", "*", "*", "bview."+day+".0000.gz"))
	if len(ribs) == 0 {
		t.Fatal("no RIB dump")
	}
	g.rib = ribs[0]
	g.asrel = filepath.Join(dir, "caida", day+".as-rel2.txt.bz2")
	g.vrps = filepath.Join(dir, "rpki", day, "rpki-client.json")
	for _, src := range []string{"afrinic", "apnic", "arin", "lacnic", "ripe", "radb"} {
		g.irr = append(g.irr, "--irr", strings.ToUpper(src)+"="+filepath.Join(dir, "irr", src+".db.gz"))
	}
	return g
}

// graph reads the world's AS relationships.
func (g *generatedWorld) graph(t *testing.T) *asrel.Graph {
	t.Helper()
	f, _, err := decompress.Open(g.asrel)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gr, _, _, err := asrel.Load(f, "as-rel2", true)
	if err != nil {
		t.Fatal(err)
	}
	return gr
}

// TestACLWorld makes the filter of ASes of a tiny world with their routes:
// every prefix the world gave an AS is permitted, whether it has a route
// object or not.
func TestACLWorld(t *testing.T) {
	g := generateTinyWorld(t, 6)
	checked := 0
	for _, a := range g.w.ASes {
		if len(a.IPv4) == 0 || len(a.IPv6) == 0 || len(a.Customers) > 0 || checked == 3 {
			continue
		}
		checked++
		args := append(append([]string{}, g.irr...), "--format", "nftables", "--interface", "eth1", "--mrt", g.rib, "--allow-empty", a.ASN.String())
		code, out, stderr := runACLCmd(t, args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %s", a.ASN, code, stderr)
		}
		for _, p := range append(append([]world.Prefix{}, a.IPv4...), a.IPv6...) {
			if !permits(out, p.Prefix.String()) {
				t.Errorf("%s: %s not permitted\n%s", a.ASN, p.Prefix, out)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no stub with IPv4 and IPv6 prefixes in the world")
	}
}

// permits reports whether an nftables filter permits the prefix: an
// element of its sets covers it.
func permits(nft, prefix string) bool {
	p := netip.MustParsePrefix(prefix)
	for line := range strings.Lines(nft) {
		s := strings.TrimSuffix(strings.TrimSpace(line), ",")
		if q, err := netip.ParsePrefix(s); err == nil && q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func TestURPFCmd(t *testing.T) {
	g := generateTinyWorld(t, 6)
	gr := g.graph(t)
	var stub, multi bgp.ASN
	for _, a := range g.w.ASes {
		if len(a.IPv4) == 0 || len(a.Customers) > 0 {
			continue
		}
		switch len(gr.Providers(a.ASN)) {
		case 1:
			if stub == 0 {
				stub = a.ASN
			}
		case 2:
			if multi == 0 {
				multi = a.ASN
			}
		}
	}
	if stub == 0 || multi == 0 {
		t.Fatalf("no single-homed (%s) or multihomed (%s) stub", stub, multi)
	}
	code, out, stderr := runURPFCmd(t, "--asrel", g.asrel, "--mrt", g.rib, stub.String())
	if code != exitOK || !strings.HasPrefix(out, stub.String()+": strict uRPF (RFC 3704 section 2.2") || !strings.Contains(out, "single-homed-stub") {
		t.Errorf("single-homed stub %s: exit %d\n%s\nstderr: %s", stub, code, out, stderr)
	}
	code, out, _ = runURPFCmd(t, "--asrel", g.asrel, "--mrt", g.rib, "--json", multi.String())
	var rec struct {
		ASN, Mode, Algorithm string
		Reasons              []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || code != exitOK || rec.Mode != "feasible-path" || rec.Algorithm == "" || rec.ASN != multi.String() {
		t.Errorf("multihomed stub %s: exit %d, %v\n%s", multi, code, err, out)
	}
	providers := gr.Providers(multi)
	code, out, _ = runURPFCmd(t, "--asrel", g.asrel, "--mrt", g.rib, "--local-as", providers[0].String(), multi.String())
	if code != exitOK || !strings.Contains(out, "on the interface of "+providers[0].String()+" towards "+multi.String()) || !strings.Contains(out, "multihomed:") {
		t.Errorf("multihomed stub %s from %s: exit %d\n%s", multi, providers[0], code, out)
	}
	code, out, _ = runURPFCmd(t, "--asrel", g.asrel, stub.String())
	if code != exitOK || !strings.Contains(out, "loose uRPF") || !strings.Contains(out, "no-routes") {
		t.Errorf("no routes: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{stub.String()},
		{"--asrel", g.asrel, "AS-FOO"},
		{"--asrel", g.asrel, "--local-as", "x", stub.String()},
		{"--asrel", g.asrel, "--local-as", stub.String(), stub.String()},
		{"--asrel", g.asrel},
	} {
		if code, _, stderr := runURPFCmd(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, stderr %s", args, code, stderr)
		}
	}
	if code, _, _ := runURPFCmd(t, "--asrel", filepath.Join(g.dir, "nope"), stub.String()); code != exitFailure {
		t.Errorf("missing file: exit %d", code)
	}
	if code, _, stderr := runURPFCmd(t, "--asrel", g.asrel, "--mrt", g.asrel, stub.String()); code != exitFailure && code != exitPartial {
		t.Errorf("MRT file that is not one: exit %d, stderr %s", code, stderr)
	}
}

// TestACLHelp checks the help of acl, urpf and advise: usage, examples
// and exit status.
func TestACLHelp(t *testing.T) {
	for _, name := range []string{"acl", "urpf", "advise"} {
		code, out, _ := runCmd(t, name, "--help")
		for _, want := range []string{"Usage:", "Examples:", "Exit status:", "manrs " + name + " "} {
			if code != exitOK || !strings.Contains(out, want) {
				t.Errorf("manrs %s --help: exit %d, no %q\n%s", name, code, want, out)
			}
		}
	}
}
