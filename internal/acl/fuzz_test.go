package acl

import (
	"regexp"
	"strings"
	"testing"
)

var (
	nameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,27}$`)
	ifaceRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9/.:_-]{0,63}$`)
)

// FuzzNames checks the parsers of the names that come from the command
// line against regular expressions, their oracle, and that a filter
// written with names they accept has the lines it would have with
// plain names: no name can add a line, a quote or a comment.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"ANTISPOOF-AS64500", "GigabitEthernet0/1", "xe-0/0/1.100", "eth1", "a b", "x\"y", "1a", "a\nb", "xe-0/0/1.", ""} {
		f.Add(s, s)
	}
	base, _, err := Build(sources(f, FromIRR, "193.0.0.0/24 2001:67c:2e8::/48"), Options{Name: "N", Object: "AS64500", Interface: "eth1", IPv4: true, IPv6: true})
	if err != nil {
		f.Fatal(err)
	}
	lines := map[string]int{}
	for _, ft := range Formats() {
		var b strings.Builder
		if err := ft.Write(&b, base); err != nil {
			f.Fatal(err)
		}
		lines[ft.Name] = strings.Count(b.String(), "\n")
	}
	f.Fuzz(func(t *testing.T, name, iface string) {
		_, err := ParseName(name)
		if (err == nil) != nameRE.MatchString(name) {
			t.Fatalf("ParseName(%q): %v", name, err)
		}
		if err != nil {
			name = "N"
		}
		ierr := ParseInterface(iface)
		if (ierr == nil) != ifaceRE.MatchString(iface) {
			t.Fatalf("ParseInterface(%q): %v", iface, ierr)
		}
		for _, ft := range Formats() {
			if ft.CheckInterface(iface) != nil || iface == "" {
				continue
			}
			if ierr != nil {
				t.Fatalf("%s accepts %q, which ParseInterface refuses", ft.Name, iface)
			}
			fl := *base
			fl.Name, fl.Interface = name, iface
			var b strings.Builder
			if err := ft.Write(&b, &fl); err != nil {
				t.Fatalf("%s: %q %q: %v", ft.Name, name, iface, err)
			}
			if n := strings.Count(b.String(), "\n"); n != lines[ft.Name] {
				t.Fatalf("%s: name %q, interface %q: %d lines, want %d", ft.Name, name, iface, n, lines[ft.Name])
			}
		}
	})
}
