package filter

import (
	"bytes"
	"strings"
	"testing"
)

func TestTemplate(t *testing.T) {
	x := expansionOf(t, false, "192.0.2.0/24", "198.51.100.0/25")
	for _, c := range []struct{ tmpl, want string }{
		// bgpq4's manual: "bgpq4 -F "ipfw add pass all from %n/%l to any\n" as3254"
		{`ipfw add pass all from %n/%l to any\n`, "ipfw add pass all from 192.0.2.0/24 to any\nipfw add pass all from 198.51.100.0/25 to any\n"},
		// and "bgpq4 -6F "%n/%l; " as-eltel": one line, ended by bgpq4
		{`%n/%l; `, "192.0.2.0/24; 198.51.100.0/25; \n"},
		{`%N %m %i %a %A 100%%\t\\\q\n`, "NN 255.255.255.0 0.0.0.255 24 24 100%\t\\q\nNN 255.255.255.128 0.0.0.127 25 25 100%\t\\q\n"},
		{"%n\n", "192.0.2.0\n198.51.100.0\n\n"}, // a new line, not \n: bgpq4 adds its own
		{"", "\n"},
	} {
		tmpl, err := ParseTemplate(c.tmpl)
		if err != nil {
			t.Fatalf("%q: %v", c.tmpl, err)
		}
		if tmpl.String() != c.tmpl {
			t.Errorf("%q: String %q", c.tmpl, tmpl.String())
		}
		f, _ := LookupFormat(userFormat)
		l, _ := Build(x, Options{Template: tmpl}, Policy{})
		var b bytes.Buffer
		if err := f.Write(&b, l); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.tmpl, b.String(), c.want)
		}
	}
	for _, c := range []struct{ tmpl, want string }{
		{"%n/%q", "position 4: unknown sequence %q"},
		{"%n/%", "position 4: % at the end"},
		{`%n\`, `position 3: \ at the end`},
		{strings.Repeat("x", MaxTemplateLen+1), "at most 4096"},
	} {
		if _, err := ParseTemplate(c.tmpl); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.tmpl, err, c.want)
		}
	}
}
