package rpsl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds every file under testdata/dir (and the files given) as a
// seed.
func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, err := filepath.Glob(filepath.Join("testdata", g))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

var fuzzLimits = Limits{MaxLineLength: 512, MaxObjectBytes: 8192, MaxObjectLines: 200}

// storedBytes is the text an object holds.
func storedBytes(o *Object) int {
	n := 0
	for _, a := range o.Attrs {
		n += len(a.Name) + len(a.Value) + len(a.raw)
	}
	return n
}

// FuzzReader checks the dump reader: no panic, nothing over the limits
// stored, every object well formed, and every object read without bad
// lines comes back the same through the writer.
func FuzzReader(f *testing.F) {
	addSeeds(f, "irrd/*.txt", "ripe-db-route6.txt", "golden/*.txt")
	f.Add([]byte("route: 192.0.2.0/24 # c\n+\n  x\norigin: AS1\n\n\x00\n  orphan\n$$: x\nmntner:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), "fuzz")
		rd.Limits = fuzzLimits
		objects := 0
		for rd.Next() {
			o := rd.Object()
			objects++
			if len(o.Attrs) == 0 || len(o.Attrs) > fuzzLimits.MaxObjectLines || storedBytes(o) > fuzzLimits.MaxObjectBytes {
				t.Fatalf("object of %d attributes, %d bytes", len(o.Attrs), storedBytes(o))
			}
			for _, a := range o.Attrs {
				if !validAttrName(a.Name) || a.Line < o.Line || strings.HasPrefix(a.Value, "\n") || strings.HasSuffix(a.Value, "\n") {
					t.Fatalf("attribute %+v", a)
				}
			}
			views(t, o)
			if o.BadLines > 0 {
				continue
			}
			for _, raw := range []bool{true, false} {
				text := o.appendText(nil, raw)
				back := NewReader(bytes.NewReader(text), "back")
				back.Limits = Limits{MaxLineLength: 1 << 20}
				if !back.Next() || back.Object().BadLines != 0 {
					t.Fatalf("%q does not read back: %v", text, back.Stats().Errors)
				}
				b := back.Object()
				if raw && !b.Equal(o) {
					t.Fatalf("raw round trip:\n%q\n%+v\n%+v", text, o.Attrs, b.Attrs)
				}
				for i := range b.Attrs {
					if b.Attrs[i].Name != o.Attrs[i].Name || b.Attrs[i].Value != o.Attrs[i].Value {
						t.Fatalf("round trip:\n%q\n%+v\n%+v", text, o.Attrs, b.Attrs)
					}
				}
				k1, err1 := o.Key()
				k2, err2 := b.Key()
				if k1 != k2 || (err1 == nil) != (err2 == nil) {
					t.Fatalf("keys %q %v, %q %v", k1, err1, k2, err2)
				}
				if back.Next() {
					t.Fatalf("%q reads as two objects", text)
				}
			}
		}
		if rd.Err() != nil {
			t.Fatal(rd.Err())
		}
		st := rd.Stats()
		if st.Objects != objects || len(st.Errors) > MaxErrors || st.Objects+st.Dropped > st.Lines || len(rd.Header()) > MaxHeaderLines {
			t.Fatalf("stats %+v", st)
		}
	})
}

// views runs every typed view on o and checks what they return.
func views(t *testing.T, o *Object) {
	t.Helper()
	key, keyErr := o.Key()
	if r, err := ParseRoute(o); err == nil {
		if r.Prefix.Masked() != r.Prefix || r.Prefix.Addr().Is4() != (o.Class() == "route") {
			t.Fatalf("route prefix %v of %s", r.Prefix, o.Class())
		}
		if keyErr != nil || key != r.Prefix.String()+r.Origin.String() {
			t.Fatalf("route key %q %v", key, keyErr)
		}
		for _, m := range r.MemberOf {
			if c, err := ParseSetName(m); err != nil || c != RouteSetClass || m != strings.ToUpper(m) {
				t.Fatalf("member-of %q", m)
			}
		}
	}
	if a, err := ParseAutNum(o); err == nil && (keyErr != nil || key != a.ASN.String()) {
		t.Fatalf("aut-num key %q %v for %v", key, keyErr, a.ASN)
	}
	if s, err := ParseASSet(o); err == nil {
		if keyErr != nil || key != s.Name {
			t.Fatalf("as-set key %q %v for %q", key, keyErr, s.Name)
		}
		for _, m := range s.Members {
			if back, err := ParseASSetMember(m); err != nil || back.String() != m {
				t.Fatalf("as-set member %q: %v", m, err)
			}
		}
	}
	if s, err := ParseRouteSet(o); err == nil {
		for i, list := range [][]string{s.Members, s.MpMembers} {
			for _, m := range list {
				if back, err := ParseRouteSetMember(m, i == 1); err != nil || back.String() != m {
					t.Fatalf("route-set member %q: %v", m, err)
				}
			}
		}
	}
	if c, err := ParseContact(o); err == nil && c.NICHandle != key {
		t.Fatalf("contact %q, key %q", c.NICHandle, key)
	}
	if m, err := ParseMntner(o); err == nil {
		for _, a := range m.Auth {
			if a.Scheme == "" || a.Scheme != strings.ToUpper(a.Scheme) {
				t.Fatalf("auth %+v", a)
			}
		}
	}
	r := o.Redacted()
	if len(r.Attrs) != len(o.Attrs) {
		t.Fatal("Redacted changed the attributes")
	}
}

// FuzzMember checks the member, set-name, prefix and range operator
// parsers: what they accept prints in a form they read back the same.
func FuzzMember(f *testing.F) {
	for _, s := range []string{"AS1", "as-foo^+", "192.0.2.0/24^24-32", "2001:db8::/32^-", "AS3333:RS-FOO:AS1^16", "010.0.0.0/8", "AS1.10", "RS-ANY", "AS1-AS5", "::ffff:1.2.3.4/128^128"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mp := range []bool{false, true} {
			m, err := ParseRouteSetMember(s, mp)
			if err != nil {
				continue
			}
			back, err := ParseRouteSetMember(m.String(), mp)
			if err != nil || back != m {
				t.Fatalf("%q -> %q -> %+v, %v", s, m.String(), back, err)
			}
			if m.Kind == MemberPrefix {
				if lo, hi, ok := m.Op.Lengths(m.Prefix.Bits(), m.Prefix.Addr().BitLen()); ok && (lo < m.Prefix.Bits() || hi > m.Prefix.Addr().BitLen() || lo > hi) {
					t.Fatalf("%q: lengths %d-%d", s, lo, hi)
				}
			}
		}
		if m, err := ParseASSetMember(s); err == nil {
			if back, err := ParseASSetMember(m.String()); err != nil || back != m {
				t.Fatalf("%q -> %q -> %+v, %v", s, m.String(), back, err)
			}
		}
		if c, err := ParseSetName(s); err == nil {
			if c2, err := ParseSetName(strings.ToUpper(s)); err != nil || c2 != c {
				t.Fatalf("%q: %v, upper case %v %v", s, c, c2, err)
			}
		}
		if p, err := ParsePrefix(s); err == nil {
			if back, err := ParsePrefix(p.String()); err != nil || back != p || p.Masked() != p {
				t.Fatalf("%q -> %v -> %v, %v", s, p, back, err)
			}
		}
		if n, err := ParseASN(s); err == nil {
			if back, err := ParseASN(n.String()); err != nil || back != n {
				t.Fatalf("%q -> %v -> %v, %v", s, n, back, err)
			}
		}
	})
}

// FuzzNRTM checks the NRTM reader: no panic, nothing over the limits,
// serials inside the header's range and increasing.
func FuzzNRTM(f *testing.F) {
	addSeeds(f, "nrtm/*.txt")
	f.Add([]byte("%START Version: 3 RIPE 10-20\n\nADD 10\n\nmntner: A\n!!\n\nDEL 12\nmntner: B\n%END RIPE\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewNRTMReader(bytes.NewReader(data), "fuzz")
		r.Limits = fuzzLimits
		var last uint64
		n := 0
		for r.Next() {
			c := r.Change()
			h := r.Header()
			if h == nil || c.Object == nil || (c.Op != NRTMAdd && c.Op != NRTMDel) || c.Serial < h.First || c.Serial > h.Last || (n > 0 && c.Serial <= last) {
				t.Fatalf("change %+v, header %+v, last %d", c, h, last)
			}
			if len(c.Object.Attrs) > fuzzLimits.MaxObjectLines || storedBytes(c.Object) > fuzzLimits.MaxObjectBytes {
				t.Fatalf("object of %d attributes", len(c.Object.Attrs))
			}
			views(t, c.Object)
			last = c.Serial
			n++
		}
		if st := r.Stats(); st.Objects != n || len(st.Errors) > MaxErrors {
			t.Fatalf("stats %+v", st)
		}
		if r.Err() != nil && !strings.HasPrefix(r.Err().Error(), "rpsl: fuzz: ") {
			t.Fatalf("error %q does not name the input", r.Err())
		}
	})
}
