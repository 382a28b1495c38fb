package acl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/acl -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/acl -update if the change is intended)\n got:\n%s", path, got)
	}
}

// goldenSources are a customer's sources: route objects that aggregate,
// a host route, a prefix in bogon space (left out), routes seen in
// routing data and the interconnection subnet.
func goldenSources(t *testing.T) []Source {
	var s []Source
	s = append(s, sources(t, FromIRR, "193.0.0.0/22 193.0.4.0/22 193.0.10.0/23 193.0.12.1/32 10.20.0.0/16 2001:67c:2e8::/48 2a00:1450::/32")...)
	s = append(s, sources(t, FromRoutes, "193.0.8.0/23 2a00:1450:4000::/37")...)
	s = append(s, sources(t, FromPermit, "100.64.100.0/31 2001:7f8:1::a506:4500:1/128")...)
	return s
}

// TestGolden writes the filter in every format, for both families with
// an interface and for IPv4 alone without one (with one for nftables,
// which needs it).
func TestGolden(t *testing.T) {
	ifaces := map[string]string{
		"ios": "GigabitEthernet0/1", "ios-xr": "TenGigE0/0/0/1.100", "eos": "Ethernet7",
		"junos": "xe-0/0/1.100", "nftables": "eth1", "iptables": "eth1",
	}
	for _, ft := range Formats() {
		t.Run(ft.Name, func(t *testing.T) {
			for _, c := range []struct {
				suffix string
				v4, v6 bool
				iface  string
			}{
				{"", true, true, ifaces[ft.Name]},
				{"-4", true, false, ""},
			} {
				if c.iface == "" && ft.needsInterface {
					c.iface = ifaces[ft.Name]
				}
				f, notes, err := Build(goldenSources(t), Options{Name: "ANTISPOOF-AS64500", Object: "AS64500", Interface: c.iface, IPv4: c.v4, IPv6: c.v6})
				if err != nil {
					t.Fatal(err)
				}
				if len(notes) != 1 || !notes[0].Dropped {
					t.Errorf("notes: %v", notes)
				}
				var b strings.Builder
				if err := ft.Write(&b, f); err != nil {
					t.Fatal(err)
				}
				golden(t, ft.Name+c.suffix+".txt", b.String())
			}
		})
	}
}

// TestGoldenEmpty writes, in every format, the IPv6 filter of a customer
// without IPv6 space, which --allow-empty asks for: it lets only
// neighbor discovery and link-local sources in.
func TestGoldenEmpty(t *testing.T) {
	f, _, err := Build(nil, Options{Name: "NOV6", Object: "AS-EXAMPLE", Interface: "eth2", IPv6: true, AllowEmpty: true})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, ft := range Formats() {
		all.WriteString("==> " + ft.Name + " <==\n")
		if err := ft.Write(&all, f); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "empty-v6.txt", all.String())
}
