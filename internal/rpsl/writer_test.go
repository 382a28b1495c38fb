package rpsl

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleFiles lists the testdata files of well-formed objects.
func sampleFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("testdata/irrd/*.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, f := range files {
		b := filepath.Base(f)
		if strings.HasPrefix(b, "malformed-") || strings.HasPrefix(b, "legacy-") || strings.HasPrefix(b, "line-neither") {
			continue
		}
		out = append(out, f)
	}
	return append(out, "testdata/ripe-db-route.txt", "testdata/ripe-db-route6.txt")
}

func readObjects(tb testing.TB, file string) []*Object {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	objs, _, err := ReadAll(f, filepath.Base(file))
	if err != nil {
		tb.Fatal(err)
	}
	return objs
}

// TestWriteRIPELayout writes the RIPE excerpts back: the objects come out
// byte for byte as RIPE wrote them.
func TestWriteRIPELayout(t *testing.T) {
	for _, name := range []string{"ripe-db-route.txt", "ripe-db-route6.txt"} {
		t.Run(name, func(t *testing.T) {
			in := readFixture(t, name)
			var out bytes.Buffer
			w := NewWriter(&out)
			for _, o := range readObjects(t, "testdata/"+name) {
				if err := w.Write(o); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			body := in[bytes.Index(in, []byte("\nroute"))+1:]
			if !bytes.Equal(out.Bytes(), body) {
				t.Fatalf("written text differs from %s:\n%s", name, firstDiff(out.String(), string(body)))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got " + al[i] + "\nwant " + bl[i]
		}
	}
	return "lengths " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl))
}

// TestRoundTrip parses what the writer wrote: the same attributes come
// back, with raw values when written raw.
func TestRoundTrip(t *testing.T) {
	for _, file := range sampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, o := range readObjects(t, file) {
				checkRoundTrip(t, o)
			}
		})
	}
}

func checkRoundTrip(t *testing.T, o *Object) {
	t.Helper()
	back, rd := readString(t, string(o.AppendRawText(nil)), func(r *Reader) { r.Limits = Limits{MaxLineLength: 1 << 20} })
	if len(back) != 1 || rd.Stats().BadLines != 0 || !back[0].Equal(o) {
		t.Fatalf("raw round trip of %q:\n%s\ngave %d objects %+v", o.Attrs[0].Value, o.AppendRawText(nil), len(back), rd.Stats())
	}
	back, _ = readString(t, o.String(), func(r *Reader) { r.Limits = Limits{MaxLineLength: 1 << 20} })
	if len(back) != 1 || len(back[0].Attrs) != len(o.Attrs) {
		t.Fatalf("round trip of %q gave %d objects", o.Attrs[0].Value, len(back))
	}
	for i, a := range back[0].Attrs {
		if a.Name != o.Attrs[i].Name || a.Value != o.Attrs[i].Value || a.Raw() != a.Value {
			t.Fatalf("round trip of %q: attribute %d is %q %q, want %q %q", o.Attrs[0].Value, i, a.Name, a.Value, o.Attrs[i].Name, o.Attrs[i].Value)
		}
	}
}

// TestWriteGolden writes the IRRd samples raw as one dump and compares
// with testdata/golden/irrd-samples.txt.
func TestWriteGolden(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	w.Raw = true
	if err := w.Comment("IRRd sample objects, as the rpsl writer lays them out.\n"); err != nil {
		t.Fatal(err)
	}
	for _, file := range sampleFiles(t) {
		if !strings.Contains(file, "/irrd/") {
			continue
		}
		for _, o := range readObjects(t, file) {
			if err := w.Write(o); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "irrd-samples.txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/rpsl -update to refresh)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("writer output differs from %s (run go test ./internal/rpsl -update to refresh):\n%s", golden, firstDiff(out.String(), string(want)))
	}
	// The golden dump reads back into the same objects.
	objs, st, err := ReadAll(bytes.NewReader(want), "golden")
	if err != nil || st.BadLines != 0 || st.Dropped != 0 || len(objs) != 24 {
		t.Fatalf("golden reads as %d objects, %+v, %v", len(objs), st, err)
	}
}

func TestWriteLayout(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs []Attr
		raw   bool
		want  string
	}{
		{"padding", []Attr{{Name: "route", Value: "192.0.2.0/24"}, {Name: "origin", Value: "AS64500"}},
			false, "route:          192.0.2.0/24\norigin:         AS64500\n"},
		{"long names", []Attr{{Name: "last-modified", Value: "x"}, {Name: "abuse-mailbox", Value: "y"}, {Name: "fifteen-chars-x", Value: "z"}, {Name: "a-very-long-attribute", Value: "w"}},
			false, "last-modified:  x\nabuse-mailbox:  y\nfifteen-chars-x: z\na-very-long-attribute: w\n"},
		{"empty value", []Attr{{Name: "remarks", Value: ""}}, false, "remarks:\n"},
		{"continuation", []Attr{{Name: "descr", Value: "a\n\nb"}}, false, "descr:          a\n+\n                b\n"},
		{"empty first line", []Attr{{Name: "filter", Value: "\n{ AS1 }"}}, false, "filter:\n                { AS1 }\n"},
		{"raw comments", []Attr{{Name: "members", Value: "AS1,\nAS2", raw: "AS1, # one\nAS2"}}, true, "members:        AS1, # one\n                AS2\n"},
		{"raw ignored", []Attr{{Name: "members", Value: "AS1,\nAS2", raw: "AS1, # one\nAS2"}}, false, "members:        AS1,\n                AS2\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &Object{Attrs: tc.attrs}
			var got string
			if tc.raw {
				got = string(o.AppendRawText(nil))
			} else {
				got = o.String()
			}
			if got != tc.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	if err := w.Comment("\nThe contents of this file are synthetic.\n"); err != nil {
		t.Fatal(err)
	}
	a := &Object{}
	a.Add("mntner", "A-MNT")
	b := &Object{}
	b.Add("route6", "2001:db8::/32")
	b.Add("origin", "AS64500")
	for _, o := range []*Object{a, b} {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []*Object{
		{},
		{Attrs: []Attr{{Name: "bad name", Value: "x"}}},
		{Attrs: []Attr{{Name: "", Value: "x"}}},
		{Attrs: []Attr{{Name: "descr", Value: "Company #1"}}},
	} {
		if err := w.Write(bad); err == nil {
			t.Errorf("Write(%+v) wrote", bad.Attrs)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "#\n# The contents of this file are synthetic.\n#\n\nmntner:         A-MNT\n\nroute6:         2001:db8::/32\norigin:         AS64500\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	rd := NewReader(&out, "written")
	if !rd.Next() || rd.Object().Get("mntner") != "A-MNT" || len(rd.Header()) != 3 || !rd.Next() || rd.Next() {
		t.Fatal("written dump does not read back")
	}
}

func TestRedacted(t *testing.T) {
	o := irrdSample(t, "mntner")
	r := o.Redacted()
	var auth []string
	for _, a := range r.Attrs {
		if a.Is("auth") {
			auth = append(auth, a.Value)
		}
	}
	want := []string{"PGPKey-80F238C6", "CRYPT-Pw DummyValue", "MD5-pw DummyValue", "bcrypt-pw DummyValue"}
	if strings.Join(auth, "|") != strings.Join(want, "|") {
		t.Fatalf("auth %q", auth)
	}
	if text := string(r.AppendRawText(nil)); strings.Contains(text, "LEuuhsBJNFV0Q") || strings.Contains(text, "$1$") || !strings.Contains(text, "CRYPT-Pw DummyValue  # Filtered for security") {
		t.Fatalf("redacted text:\n%s", text)
	}
	if o.Get("auth") != "PGPKey-80F238C6" || !strings.Contains(o.String(), "LEuuhsBJNFV0Q") {
		t.Fatal("Redacted changed the original")
	}
	checkRoundTrip(t, r)
}

func TestAddRaw(t *testing.T) {
	o := &Object{}
	o.AddRaw("person", "Test Person")
	o.AddRaw("source", "RIPE # Filtered")
	o.AddRaw("members", "AS1, # first\n  AS2\n# last")
	o.AddRaw("remarks", "  ")
	want := []Attr{
		{Name: "person", Value: "Test Person"},
		{Name: "source", Value: "RIPE", raw: "RIPE # Filtered"},
		{Name: "members", Value: "AS1,\nAS2", raw: "AS1, # first\nAS2\n# last"},
		{Name: "remarks"},
	}
	for i, a := range o.Attrs {
		if a != want[i] {
			t.Errorf("attribute %d: %+v, want %+v", i, a, want[i])
		}
	}
	checkRoundTrip(t, o)
}
