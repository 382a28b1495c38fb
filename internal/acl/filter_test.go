package acl

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

func sources(t testing.TB, from From, s string) []Source {
	t.Helper()
	var out []Source
	for _, p := range prefixes(t, s) {
		out = append(out, Source{Prefix: p, From: from, Origins: []bgp.ASN{64500}})
	}
	return out
}

func TestBuild(t *testing.T) {
	irr := sources(t, FromIRR, "193.0.0.0/25 193.0.0.128/25 193.0.10.0/24 2001:67c:2e8::/48")
	routes := sources(t, FromRoutes, "8.8.8.0/24 193.0.10.0/24")
	f, notes, err := Build(append(irr, routes...), Options{Name: "CUST", Object: "AS64500", IPv4: true, IPv6: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	if want := prefixes(t, "8.8.8.0/24 193.0.0.0/24 193.0.10.0/24"); !slices.Equal(f.V4, want) {
		t.Errorf("V4 = %v, want %v", f.V4, want)
	}
	if want := prefixes(t, "2001:67c:2e8::/48"); !slices.Equal(f.V6, want) {
		t.Errorf("V6 = %v, want %v", f.V6, want)
	}
	if f.Counts[FromIRR] != 4 || f.Counts[FromRoutes] != 2 {
		t.Errorf("counts %v", f.Counts)
	}
}

// TestBuildBogons checks that bogon space is never permitted, even when
// registered, unless the operator permits it.
func TestBuildBogons(t *testing.T) {
	for _, c := range []struct {
		name    string
		src     []Source
		want    string
		dropped []bool
	}{
		{"private space registered", sources(t, FromIRR, "10.1.0.0/16 193.0.0.0/24"), "193.0.0.0/24", []bool{true}},
		{"shared space seen in routes", sources(t, FromRoutes, "100.64.0.0/10 8.8.8.0/24"), "8.8.8.0/24", []bool{true}},
		{"aggregate over bogon space cut", sources(t, FromIRR, "192.0.0.0/22"), "192.0.1.0/24 192.0.3.0/24", []bool{false}},
		{"operator's word", sources(t, FromPermit, "10.1.0.0/30"), "10.1.0.0/30", nil},
		{"not bogon: AS112", sources(t, FromIRR, "192.175.48.0/24"), "192.175.48.0/24", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, notes, err := Build(c.src, Options{Name: "X", Object: "AS64500", IPv4: true})
			if err != nil {
				t.Fatal(err)
			}
			if want := prefixes(t, c.want); !slices.Equal(f.V4, want) {
				t.Errorf("V4 = %v, want %v", f.V4, want)
			}
			if len(notes) != len(c.dropped) {
				t.Fatalf("notes %v, want %d", notes, len(c.dropped))
			}
			for i, n := range notes {
				if n.Dropped != c.dropped[i] || !strings.Contains(n.String(), "bogon space") {
					t.Errorf("note %d: %v (dropped %v, want %v)", i, n, n.Dropped, c.dropped[i])
				}
			}
		})
	}
}

// TestBuildEmpty checks that a family without sources is refused unless
// asked for, and that the family not selected is not.
func TestBuildEmpty(t *testing.T) {
	v4 := sources(t, FromIRR, "193.0.0.0/24")
	_, _, err := Build(v4, Options{Name: "X", Object: "AS64500", IPv4: true, IPv6: true})
	var ee *EmptyError
	if !errors.As(err, &ee) || !ee.V6 || !strings.Contains(err.Error(), "no IPv6 source prefix for AS64500") {
		t.Errorf("IPv6 empty: %v", err)
	}
	if _, _, err := Build(v4, Options{Name: "X", Object: "AS64500", IPv4: true}); err != nil {
		t.Errorf("-4: %v", err)
	}
	f, _, err := Build(v4, Options{Name: "X", Object: "AS64500", IPv4: true, IPv6: true, AllowEmpty: true})
	if err != nil || len(f.V6) != 0 {
		t.Errorf("allow empty: %v %v", f, err)
	}
	_, _, err = Build(sources(t, FromIRR, "10.0.0.0/8"), Options{Name: "X", Object: "AS64500", IPv4: true})
	if !errors.As(err, &ee) || ee.V6 {
		t.Errorf("only bogons: %v", err)
	}
	if _, _, err := Build(v4, Options{Name: "X", Object: "AS64500"}); err == nil {
		t.Error("no family: no error")
	}
}

func TestParseName(t *testing.T) {
	for _, ok := range []string{"A", "ANTISPOOF-AS64500", "cust_1", strings.Repeat("x", MaxNameLen)} {
		if _, err := ParseName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1abc", "-a", "a b", "a\"b", "a;b", "a\nb", "a{", strings.Repeat("x", MaxNameLen+1), "añ"} {
		if _, err := ParseName(bad); err == nil || !strings.Contains(err.Error(), "filter name") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"AS64500":                "ANTISPOOF-AS64500",
		"AS-EXAMPLE":             "ANTISPOOF-AS-EXAMPLE",
		"AS64500:AS-CUSTOMERS":   "ANTISPOOF-AS64500-AS-CUSTOME",
		"RIPE::AS-FOO":           "ANTISPOOF-RIPE--AS-FOO",
		"AS4200000000:AS-ABCDEF": "ANTISPOOF-AS4200000000-AS-AB",
	} {
		got := DefaultName(in)
		if got != want {
			t.Errorf("DefaultName(%q) = %q, want %q", in, got, want)
		}
		if _, err := ParseName(got); err != nil {
			t.Errorf("DefaultName(%q) = %q: %v", in, got, err)
		}
	}
}

func TestCheckInterface(t *testing.T) {
	for _, c := range []struct {
		format, name string
		ok           bool
	}{
		{"ios", "GigabitEthernet0/1", true},
		{"ios", "Port-channel10.200", true},
		{"ios", "", true},
		{"ios", "Gi0/1 ; reload", false},
		{"ios", "0/1", false},
		{"ios", "Gi0/1\n", false},
		{"ios-xr", "Bundle-Ether1.100", true},
		{"eos", "Ethernet1/1", true},
		{"junos", "xe-0/0/1", true},
		{"junos", "xe-0/0/1.100", true},
		{"junos", "ae0.32767", true},
		{"junos", "xe-0/0/1.", false},
		{"junos", "xe-0/0/1.1a", false},
		{"junos", "xe-0/0/1.1.2", false},
		{"junos", "xe-0/0/1.9999999999", false},
		{"nftables", "eth1", true},
		{"nftables", "", false},
		{"nftables", "enp3s0f1.100", true},
		{"nftables", "eth0/1", false},
		{"nftables", "averyveryverylongname", false},
		{"iptables", "", true},
		{"iptables", "eth1", true},
		{"iptables", "eth1:0", false},
		{"iptables", "eth1\"", false},
	} {
		ft, err := ParseFormat(c.format)
		if err != nil {
			t.Fatal(err)
		}
		if err := ft.CheckInterface(c.name); (err == nil) != c.ok {
			t.Errorf("%s %q: %v, want ok %v", c.format, c.name, err, c.ok)
		}
	}
}

func TestParseFormat(t *testing.T) {
	if _, err := ParseFormat("bird"); err == nil || !strings.Contains(err.Error(), "ios, ios-xr, eos, junos, nftables, iptables") {
		t.Errorf("bird: %v", err)
	}
	for _, n := range FormatNames() {
		if f, err := ParseFormat(n); err != nil || f.Name != n {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestWriteChecks(t *testing.T) {
	f, _, err := Build(sources(t, FromIRR, "193.0.0.0/24"), Options{Name: "X", Object: "AS64500", IPv4: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := formatNftables.Write(&b, f); err == nil {
		t.Error("nftables without interface: no error")
	}
	f.Interface = "xe-0/0/1.x"
	if err := formatJunos.Write(&b, f); err == nil {
		t.Error("junos with xe-0/0/1.x: no error")
	}
	if _, _, err := Build(nil, Options{Name: "X", Interface: "a b", IPv4: true, AllowEmpty: true}); err == nil {
		t.Error("interface with a space: no error")
	}
	f2, _, err := Build(sources(t, FromIRR, "193.0.0.0/24"), Options{Name: "X", Object: "AS-X\n! injected", IPv4: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := formatIOS.Write(&b, f2); err != nil || strings.Contains(b.String(), "\n! injected") {
		t.Errorf("object with a new line reached the output: %v\n%s", err, b.String())
	}
}
