package rpsl

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// readString reads every object of s with a Reader configured by cfg.
func readString(tb testing.TB, s string, cfg func(*Reader)) ([]*Object, *Reader) {
	tb.Helper()
	rd := NewReader(strings.NewReader(s), "test")
	if cfg != nil {
		cfg(rd)
	}
	var out []*Object
	for rd.Next() {
		out = append(out, rd.Object())
	}
	return out, rd
}

func TestReadRIPEDumps(t *testing.T) {
	for _, tc := range []struct {
		file, class string
		objects     int
	}{
		{"ripe-db-route.txt", "route", 62},
		{"ripe-db-route6.txt", "route6", 62},
	} {
		t.Run(tc.file, func(t *testing.T) {
			objs, st, err := ReadAll(bytes.NewReader(readFixture(t, tc.file)), tc.file)
			if err != nil || len(objs) != tc.objects || st.Objects != tc.objects || st.BadLines != 0 || st.Dropped != 0 {
				t.Fatalf("%d objects, %+v, %v", len(objs), st, err)
			}
			rd := NewReader(bytes.NewReader(readFixture(t, tc.file)), tc.file)
			rd.Next()
			if h := rd.Header(); len(h) != 6 || h[2] != "# RIPE Database Terms and Conditions" {
				t.Errorf("header %q", h)
			}
			for _, o := range objs {
				if o.Class() != tc.class || o.Source != "RIPE" || o.Input != tc.file || o.BadLines != 0 {
					t.Fatalf("object at line %d: class %q source %q", o.Line, o.Class(), o.Source)
				}
				if _, err := ParseRoute(o); err != nil {
					t.Errorf("ParseRoute: %v", err)
				}
			}
		})
	}
}

func TestReadRIPEFirstObject(t *testing.T) {
	objs, _, err := ReadAll(bytes.NewReader(readFixture(t, "ripe-db-route.txt")), "ripe-db-route.txt")
	if err != nil {
		t.Fatal(err)
	}
	o := objs[0]
	want := []Attr{
		{Name: "route", Value: "193.254.30.0/24", Line: 8},
		{Name: "descr", Value: "Lufthansa Airplus Servicekarten GmbH", Line: 9},
		{Name: "origin", Value: "AS12726", Line: 10},
		{Name: "mnt-by", Value: "AS12312-MNT", Line: 11},
		{Name: "created", Value: "2002-05-21T15:33:55Z", Line: 12},
		{Name: "last-modified", Value: "2009-10-15T09:32:17Z", Line: 13},
		{Name: "source", Value: "RIPE", Line: 14},
	}
	if o.Line != 8 || !slices.Equal(o.Attrs[:len(want)], want) || len(o.Attrs) != 14 {
		t.Fatalf("line %d, attrs %+v", o.Line, o.Attrs)
	}
	if got := o.Values("remarks"); len(got) != 7 || got[6] != "****************************" {
		t.Errorf("remarks %q", got)
	}
	// A member-of list continued on the next line.
	var beumer *Object
	for _, o := range objs {
		if o.Get("route") == "194.113.52.0/23" {
			beumer = o
		}
	}
	if beumer == nil {
		t.Fatal("194.113.52.0/23 not read")
	}
	if v := beumer.Get("member-of"); v != "AS702:RS-DE,\nAS702:RS-DE-PI" {
		t.Errorf("member-of %q", v)
	}
	if l := beumer.List("MEMBER-OF"); !slices.Equal(l, []string{"AS702:RS-DE", "AS702:RS-DE-PI"}) {
		t.Errorf("List(member-of) %q", l)
	}
}

// irrdSample reads one object extracted from IRRd's rpsl_samples.py.
func irrdSample(t *testing.T, name string) *Object {
	t.Helper()
	objs, st, err := ReadAll(bytes.NewReader(readFixture(t, "irrd/"+name+".txt")), name)
	if err != nil || len(objs) != 1 || st.BadLines != 0 {
		t.Fatalf("%s: %d objects, %+v, %v", name, len(objs), st, err)
	}
	return objs[0]
}

func TestReadIRRdSamples(t *testing.T) {
	for _, tc := range []struct {
		file, class, key string
		attrs            int
		check            func(*testing.T, *Object)
	}{
		{"as-block", "as-block", "AS65536 - AS65538", 9, func(t *testing.T, o *Object) {
			a := o.Attrs[4]
			if a.Value != "changed@example.com" || a.Raw() != "changed@example.com  # only changed line without date" {
				t.Errorf("changed %q, raw %q", a.Value, a.Raw())
			}
		}},
		{"as-set", "as-set", "AS65537:AS-SETTEST", 12, nil},
		{"aut-num", "aut-num", "AS65537", 41, func(t *testing.T, o *Object) {
			if v := o.Get("descr"); v != "description\nfoo" {
				t.Errorf("descr %q", v)
			}
		}},
		{"domain", "domain", "2.0.192.IN-ADDR.ARPA", 8, func(t *testing.T, o *Object) {
			a := o.Attrs[6]
			if a.Name != "source" || a.Value != "TEST" || a.Raw() != "TEST\n# foo" {
				t.Errorf("source %q raw %q", a.Value, a.Raw())
			}
		}},
		{"filter-set", "filter-set", "FLTR-SETTEST", 10, func(t *testing.T, o *Object) {
			v := o.Get("filter")
			lines := strings.Split(v, "\n")
			if len(lines) != 86 || lines[0] != "{" || lines[1] != "1.0.0.0/8^- ," || lines[85] != "}" {
				t.Fatalf("%d lines: %q", len(lines), v)
			}
			// The tab-and-spaces line and the "+" line are empty lines.
			i := slices.Index(lines, "172.16.0.0/12^- ,")
			if i < 0 || lines[i+1] != "" || lines[i+2] != "" || lines[i+3] != "192.0.2.0/24^- ," {
				t.Errorf("lines after 172.16.0.0/12: %q", lines[i:i+4])
			}
			// The comments after 169.254.0.0/16 and 172.16.0.0/12 are in Raw.
			if raw := o.Attrs[3].Raw(); !strings.Contains(raw, "169.254.0.0/16^- ,  # The next two lines") {
				t.Errorf("raw %q", raw)
			}
		}},
		{"inet-rtr", "inet-rtr", "RTR.EXAMPLE.COM", 10, nil},
		{"inet6num", "inet6num", "2001:db8::/48", 10, nil},
		{"inetnum", "inetnum", "192.0.2.0 - 192.0.2.255", 13, nil},
		{"irt", "irt", "TEST-IRT", 10, nil},
		{"key-cert", "key-cert", "PGPKEY-80F238C6", 270, func(t *testing.T, o *Object) {
			c := o.Values("certif")
			if c[0] != "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBFnY7YoBEADH5ooPsoR9G/dNxrdHRMJeDHXCSQbwgXWEez5/F8/BZKV9occ/" {
				t.Errorf("certif %q", c[0])
			}
			if c[len(c)-1] != "-----END PGP PUBLIC KEY BLOCK-----" {
				t.Errorf("last certif %q", c[len(c)-1])
			}
		}},
		{"mntner", "mntner", "TEST-MNT", 17, func(t *testing.T, o *Object) {
			if v := o.Values("remarks")[0]; v != "unįcöde tæst 🌈🦄" {
				t.Errorf("remarks %q", v)
			}
			if l := o.List("mnt-by"); !slices.Equal(l, []string{"TEST-MNT", "OTHER1-MNT", "OTHER2-MNT"}) {
				t.Errorf("mnt-by %q", l)
			}
		}},
		{"organisation", "organisation", "TEST-ORG", 11, nil},
		{"peering-set", "peering-set", "PRNG-SETTEST", 12, nil},
		{"person", "person", "PERSON-TEST", 11, nil},
		{"role", "role", "ROLE-TEST", 13, nil},
		{"route", "route", "192.0.2.0/24AS65537", 10, func(t *testing.T, o *Object) {
			if v := o.Get("descr"); v != "example route" {
				t.Errorf("descr %q", v)
			}
			if v := o.Values("descr")[1]; v != "the route attribute should have the extra zero removed,\nbut this value should not: 192.0.02.0/24" {
				t.Errorf("descr %q", v)
			}
			a := o.Attrs[9]
			if a.Name != "rpki-ov-state" || a.Value != "valid" || a.Raw() != "valid  # should be discarded" {
				t.Errorf("last %+v raw %q", a, a.Raw())
			}
		}},
		{"route-set", "route-set", "RS-TEST", 11, nil},
		{"route6", "route6", "2001:db8::/48AS65537", 7, nil},
		{"rtr-set", "rtr-set", "RTRS-SETTEST", 11, func(t *testing.T, o *Object) {
			if v, ok := o.Lookup("remarks"); !ok || v != "" {
				t.Errorf("empty remarks: %q %v", v, ok)
			}
		}},
		{"unknown-class", "foo-block", "192.0.2.0/24", 5, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			o := irrdSample(t, tc.file)
			if o.Class() != tc.class || len(o.Attrs) != tc.attrs || o.Source != "TEST" || o.Line != 1 {
				t.Fatalf("class %q, %d attributes, source %q, line %d", o.Class(), len(o.Attrs), o.Source, o.Line)
			}
			key, err := o.Key()
			if err != nil || key != tc.key {
				t.Errorf("Key = %q, %v; want %q", key, err, tc.key)
			}
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

// TestReadMalformed reads IRRd's malformed samples: a bad line is skipped
// and counted; a bad first line skips the object.
func TestReadMalformed(t *testing.T) {
	for _, tc := range []struct {
		file              string
		objects, bad, drp int
		errLine           int
		errText           string
	}{
		{"legacy-irrd-artifact", 0, 0, 1, 1, `"*xxte:          192.0.2.0/24" is neither an attribute`},
		{"malformed-attribute-name", 1, 1, 0, 3, `"$$$-by:         TEST-MNT" is neither`},
		{"line-neither-continuation-nor-attr", 1, 1, 0, 4, `"or" is neither`},
		{"malformed-empty-line", 2, 0, 0, 0, ""},
		{"malformed-pk", 1, 0, 0, 0, ""},
		{"missing-source", 1, 0, 0, 0, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			name := tc.file + ".txt"
			objs, st, err := ReadAll(bytes.NewReader(readFixture(t, "irrd/"+name)), name)
			if err != nil || len(objs) != tc.objects || st.BadLines != tc.bad || st.Dropped != tc.drp {
				t.Fatalf("%d objects, %+v, %v", len(objs), st, err)
			}
			if tc.errText == "" {
				if len(st.Errors) != 0 {
					t.Fatalf("errors %v", st.Errors)
				}
				return
			}
			var pe *ParseError
			if len(st.Errors) != 1 || !errors.As(st.Errors[0], &pe) || pe.Line != tc.errLine || pe.Name != name || !strings.Contains(pe.Error(), tc.errText) || pe.Clause != "RFC 2622 2" {
				t.Fatalf("errors %v", st.Errors)
			}
			for _, o := range objs {
				if o.BadLines != tc.bad {
					t.Errorf("BadLines %d", o.BadLines)
				}
			}
			// Strict mode stops at the same error.
			rd := NewReader(bytes.NewReader(readFixture(t, "irrd/"+name)), name)
			rd.Strict = true
			for rd.Next() {
			}
			if !errors.As(rd.Err(), &pe) || pe.Line != tc.errLine {
				t.Errorf("strict: %v", rd.Err())
			}
		})
	}
}

func TestReadSyntax(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     [][]Attr // per object: name, value, raw (in Line)
		bad, drp int
	}{
		{"crlf", "route: 192.0.2.0/24\r\norigin: AS1\r\n\r\nroute: 192.0.2.0/25\r\n", [][]Attr{{{Name: "route", Value: "192.0.2.0/24"}, {Name: "origin", Value: "AS1"}}, {{Name: "route", Value: "192.0.2.0/25"}}}, 0, 0},
		{"unterminated", "route: 192.0.2.0/24\norigin: AS1", [][]Attr{{{Name: "route", Value: "192.0.2.0/24"}, {Name: "origin", Value: "AS1"}}}, 0, 0},
		{"truncated line", "route: 192.0.2.0/24\nori", [][]Attr{{{Name: "route", Value: "192.0.2.0/24"}}}, 1, 0},
		{"many blank lines", "\n\n\nmntner: A\n\n\n\n\nmntner: B\n\n", [][]Attr{{{Name: "mntner", Value: "A"}}, {{Name: "mntner", Value: "B"}}}, 0, 0},
		{"white space between objects", "  \n\t\nmntner: A\n", [][]Attr{{{Name: "mntner", Value: "A"}}}, 0, 0},
		{"white space line continues", "descr: a\n \t \ndescr: b\n", [][]Attr{{{Name: "descr", Value: "a"}, {Name: "descr", Value: "b"}}}, 0, 0},
		{"comment lines everywhere", "% banner\n# more\nmntner: A\n# inside\n% inside\ndescr: x\n  y\n# between\n  z\n", [][]Attr{{{Name: "mntner", Value: "A"}, {Name: "descr", Value: "x\ny\nz"}}}, 0, 0},
		{"continuation before attribute", "  orphan\n+ more\nmntner: A\n", [][]Attr{{{Name: "mntner", Value: "A"}}}, 1, 0},
		{"continuation after blank", "mntner: A\n\n  orphan\n", [][]Attr{{{Name: "mntner", Value: "A"}}}, 1, 0},
		{"plus lines", "remarks: a\n+\n+   b\n+\n", [][]Attr{{{Name: "remarks", Value: "a\n\nb"}}}, 0, 0},
		{"empty values", "remarks:\nremarks:   \nremarks: # c\n", [][]Attr{{{Name: "remarks"}, {Name: "remarks"}, {Name: "remarks", Value: "", raw: "# c"}}}, 0, 0},
		{"comment on continuation", "members: AS1, # first\n  AS2 # second\n", [][]Attr{{{Name: "members", Value: "AS1,\nAS2", raw: "AS1, # first\nAS2 # second"}}}, 0, 0},
		{"comment later only", "members: AS1,\n  AS2 # second\n", [][]Attr{{{Name: "members", Value: "AS1,\nAS2", raw: "AS1,\nAS2 # second"}}}, 0, 0},
		{"name case kept", "Route: 192.0.2.0/24\nORIGIN: AS1\n", [][]Attr{{{Name: "Route", Value: "192.0.2.0/24"}, {Name: "ORIGIN", Value: "AS1"}}}, 0, 0},
		{"colon in value", "route6: 2001:db8::/32\n", [][]Attr{{{Name: "route6", Value: "2001:db8::/32"}}}, 0, 0},
		{"space before colon", "mntner: A\ndescr : x\n", [][]Attr{{{Name: "mntner", Value: "A"}}}, 1, 0},
		{"bad line drops its continuations", "mntner: A\n$x: y\n  z\ndescr: d\n", [][]Attr{{{Name: "mntner", Value: "A"}, {Name: "descr", Value: "d"}}}, 1, 0},
		{"bad first line drops object", "!!!\nmntner: A\n\nmntner: B\n", [][]Attr{{{Name: "mntner", Value: "B"}}}, 0, 1},
		{"binary garbage", "\x00\x01\xff\xfe\n\x89PNG\r\n\x1a\n\nmntner: A\ndescr: \x00\xff\n", [][]Attr{{{Name: "mntner", Value: "A"}, {Name: "descr", Value: "\x00\xff"}}}, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, rd := readString(t, tc.in, nil)
			st := rd.Stats()
			if rd.Err() != nil || st.BadLines != tc.bad || st.Dropped != tc.drp || len(objs) != len(tc.want) {
				t.Fatalf("%d objects, %+v, %v", len(objs), st, rd.Err())
			}
			for i, o := range objs {
				if len(o.Attrs) != len(tc.want[i]) {
					t.Fatalf("object %d: %+v", i, o.Attrs)
				}
				for j, a := range o.Attrs {
					w := tc.want[i][j]
					if a.Name != w.Name || a.Value != w.Value || a.Raw() != w.Raw() {
						t.Errorf("object %d attribute %d: %q %q raw %q, want %q %q raw %q", i, j, a.Name, a.Value, a.Raw(), w.Name, w.Value, w.Raw())
					}
				}
			}
		})
	}
}

func TestReadDefaultSource(t *testing.T) {
	objs, _ := readString(t, "route: 192.0.2.0/24\norigin: AS1\n\nroute: 192.0.2.0/24\norigin: AS1\nsource: RIPE # filtered\n", func(r *Reader) { r.Source = "RADB" })
	if objs[0].Source != "RADB" || objs[1].Source != "RIPE" {
		t.Fatalf("sources %q %q", objs[0].Source, objs[1].Source)
	}
}

// TestReadLimits feeds hostile sizes: every skip is counted and named,
// and nothing over the caps is stored.
func TestReadLimits(t *testing.T) {
	huge := strings.Repeat("x", 100_000)
	big := func(lines int) string {
		var b strings.Builder
		b.WriteString("as-set: AS-BIG\n")
		for i := range lines {
			b.WriteString("members: AS")
			b.WriteString(strings.Repeat("1", 1+i%9))
			b.WriteByte('\n')
		}
		return b.String()
	}
	small := Limits{MaxLineLength: 1024, MaxObjectBytes: 64 << 10, MaxObjectLines: 1000}
	for _, tc := range []struct {
		name    string
		in      string
		lim     Limits
		objects int
		bad     int
		drp     int
		check   func(*testing.T, []*Object)
	}{
		{"huge line in object", "mntner: A\ndescr: " + huge + "\n  cont\nremarks: r\n", small, 1, 1, 0, func(t *testing.T, o []*Object) {
			if len(o[0].Attrs) != 2 || o[0].Attrs[1].Value != "r" || o[0].BadLines != 1 {
				t.Errorf("%+v", o[0].Attrs)
			}
		}},
		{"huge continuation", "mntner: A\ndescr: d\n " + huge + "\nremarks: r\n", small, 1, 1, 0, func(t *testing.T, o []*Object) {
			if len(o[0].Attrs) != 3 || o[0].Attrs[1].Value != "d" {
				t.Errorf("%+v", o[0].Attrs)
			}
		}},
		{"long line under the cap", "mntner: A\ndescr: " + huge[:50_000] + "\nremarks: r\n\nmntner: B\ndescr: " + huge[:40_000], Limits{}, 2, 0, 0, func(t *testing.T, o []*Object) {
			if len(o[0].Get("descr")) != 50_000 || o[0].Get("remarks") != "r" || len(o[1].Get("descr")) != 40_000 {
				t.Errorf("long values lost")
			}
		}},
		{"huge first line", "descr: " + huge + "\nmntner: A\n\nmntner: B\n", small, 1, 0, 1, nil},
		{"huge comment", "#" + huge + "\nmntner: A\n", small, 1, 0, 0, nil},
		{"huge line without newline", "mntner: A\n\n" + huge, small, 1, 0, 1, nil},
		{"object of 100,000 lines", big(100_000) + "\nmntner: A\n", Limits{}, 2, 0, 0, func(t *testing.T, o []*Object) {
			if len(o[0].Attrs) != 100_001 {
				t.Errorf("%d attributes", len(o[0].Attrs))
			}
		}},
		{"object over the line cap", big(100_000) + "\nmntner: A\n", small, 1, 0, 1, func(t *testing.T, o []*Object) {
			if o[0].Get("mntner") != "A" {
				t.Errorf("%+v", o[0].Attrs)
			}
		}},
		{"object over the byte cap", big(5000) + "\nmntner: A\n", Limits{MaxObjectBytes: 10_000}, 1, 0, 1, nil},
		{"one long value over the byte cap", "remarks: a\n" + strings.Repeat(" "+strings.Repeat("y", 900)+"\n", 100) + "\nmntner: A\n", Limits{MaxObjectBytes: 10_000}, 1, 0, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, rd := readString(t, tc.in, func(r *Reader) { r.Limits = tc.lim })
			st := rd.Stats()
			if rd.Err() != nil || len(objs) != tc.objects || st.BadLines != tc.bad || st.Dropped != tc.drp {
				t.Fatalf("%d objects, %+v, %v", len(objs), st, rd.Err())
			}
			for _, e := range st.Errors {
				var pe *ParseError
				if !errors.As(e, &pe) || pe.Name != "test" || pe.Line == 0 {
					t.Errorf("error %v does not name input and line", e)
				}
			}
			lim := tc.lim.withDefaults()
			for _, o := range objs {
				n := 0
				for _, a := range o.Attrs {
					n += len(a.Name) + len(a.Value) + len(a.raw)
				}
				if n > lim.MaxObjectBytes || len(o.Attrs) > lim.MaxObjectLines {
					t.Errorf("object of %d bytes, %d attributes stored", n, len(o.Attrs))
				}
			}
			if tc.check != nil {
				tc.check(t, objs)
			}
		})
	}
}

func TestReadErrorsCapped(t *testing.T) {
	var b strings.Builder
	for range 500 {
		b.WriteString("!bad\n\n")
	}
	_, rd := readString(t, b.String(), nil)
	if st := rd.Stats(); st.Dropped != 500 || len(st.Errors) != MaxErrors {
		t.Fatalf("%d dropped, %d errors", st.Dropped, len(st.Errors))
	}
}

// TestReadRandomGarbage reads random bytes: the reader must not fail,
// and what it hands out must be well formed.
func TestReadRandomGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab:-_ \t+#%\n\n\n\r\x00\xff")
	for i := range 200 {
		buf := make([]byte, rng.IntN(4000))
		for j := range buf {
			if i%2 == 0 {
				buf[j] = byte(rng.UintN(256))
			} else {
				buf[j] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		objs, rd := readString(t, string(buf), func(r *Reader) { r.Limits = Limits{MaxLineLength: 64} })
		if rd.Err() != nil {
			t.Fatal(rd.Err())
		}
		for _, o := range objs {
			if len(o.Attrs) == 0 || !validAttrName(o.Attrs[0].Name) {
				t.Fatalf("object %+v", o)
			}
		}
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"AS1", []string{"AS1"}},
		{"AS1, AS2,AS3", []string{"AS1", "AS2", "AS3"}},
		{"AS702:RS-DE,\nAS702:RS-DE-PI", []string{"AS702:RS-DE", "AS702:RS-DE-PI"}},
		{" ,, a  b\t,c, ", []string{"a", "b", "c"}},
	} {
		if got := SplitList(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestObjectHelpers(t *testing.T) {
	o := &Object{}
	o.Add("route", "192.0.2.0/24")
	o.Add("MNT-BY", "A-MNT, B-MNT")
	o.Add("mnt-by", "C-MNT")
	if o.Class() != "route" || o.Get("mnt-by") != "A-MNT, B-MNT" || o.Get("origin") != "" {
		t.Fatal(o.Attrs)
	}
	if v := o.Values("Mnt-By"); !slices.Equal(v, []string{"A-MNT, B-MNT", "C-MNT"}) {
		t.Errorf("Values %q", v)
	}
	if v := o.List("mnt-by"); !slices.Equal(v, []string{"A-MNT", "B-MNT", "C-MNT"}) {
		t.Errorf("List %q", v)
	}
	c := o.Clone()
	if !c.Equal(o) {
		t.Error("clone differs")
	}
	c.Attrs[1].Value = "X"
	if c.Equal(o) || o.Attrs[1].Value == "X" {
		t.Error("clone shares attributes")
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"mnt-by", "MNT-BY", true}, {"Mnt-By", "mnt-by", true}, {"mnt-by", "mnt-bx", false}, {"mnt-by", "mnt-b", false},
		{"a_1", "A_1", true}, {"@", "`", false}, {"[", "{", false}, {"\u00e9", "\u00e9", true}, {"\u00e9", "\u00c9", false}, {"x\u00e9", "X\u00e8", false},
	} {
		if got := (Attr{Name: tc.a}).Is(tc.b); got != tc.want {
			t.Errorf("Is(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
	if (&Object{}).Class() != "" {
		t.Error("empty object has a class")
	}
}
