package rpki

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func addSeeds(f *testing.F, glob string) {
	names, _ := filepath.Glob(filepath.Join("testdata", glob))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzLoadJSON: no panic, and what loads writes as JSON and loads back the
// same.
func FuzzLoadJSON(f *testing.F) {
	addSeeds(f, "*.json")
	f.Add([]byte(`{"roas":[{"asn":"1.2","prefix":"::/0","maxLength":0}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, _, err := Load(bytes.NewReader(in), "fuzz.json", LoadOptions{Format: FormatJSON})
		if err != nil {
			return
		}
		roundTrip(t, s)
	})
}

// FuzzLoadCSV: no panic, and what loads survives a CSV round trip.
func FuzzLoadCSV(f *testing.F) {
	addSeeds(f, "*.csv")
	f.Fuzz(func(t *testing.T, in []byte) {
		s, _, err := Load(bytes.NewReader(in), "fuzz.csv", LoadOptions{Format: FormatCSV})
		if err != nil {
			return
		}
		s.ASPAs = nil
		s.Dedup()
		out, _ := LookupOutput("csv")
		var buf bytes.Buffer
		if err := out.Write(&buf, s, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		back, st, err := Load(&buf, "again.csv", LoadOptions{Strict: true})
		if err != nil {
			t.Fatalf("reload: %v\n%s", err, buf.Bytes())
		}
		back.Dedup()
		// The CSV writer replaces commas and quotes in TA names.
		for i := range s.VRPs {
			s.VRPs[i].TA = string(appendCSVField(nil, s.VRPs[i].TA))
		}
		s.Dedup()
		if !back.Equal(s) || st.SkippedTotal() != 0 {
			t.Fatalf("CSV round trip differs:\n%+v\n%+v", back.VRPs, s.VRPs)
		}
	})
}

func roundTrip(t *testing.T, s *Set) {
	t.Helper()
	s.Dedup()
	out, _ := LookupOutput("json")
	var buf bytes.Buffer
	if err := out.Write(&buf, s, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, st, err := Load(&buf, "again.json", LoadOptions{Strict: true})
	if err != nil {
		t.Fatalf("reload: %v\n%s", err, buf.Bytes())
	}
	back.Dedup()
	if !back.Equal(s) || st.SkippedTotal() != 0 {
		t.Fatalf("JSON round trip differs:\n%+v\n%+v", back, s)
	}
	for _, o := range Outputs() {
		if err := o.Write(&bytes.Buffer{}, s, WriteOptions{}); err != nil {
			t.Fatalf("%s: %v", o.Name, err)
		}
	}
}

// FuzzParseSLURM: no panic; an accepted file applies without error to an
// empty set.
func FuzzParseSLURM(f *testing.F) {
	addSeeds(f, "slurm*.json")
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := ParseSLURM(bytes.NewReader(in), "fuzz.json")
		if err != nil {
			return
		}
		set := &Set{}
		if err := set.ApplySLURM(s); err != nil {
			t.Fatalf("apply: %v", err)
		}
		if len(set.VRPs) > len(s.PrefixAssertions) || len(set.ASPAs) > len(s.ASPAAssertions) {
			t.Fatalf("apply added more than asserted")
		}
	})
}

// FuzzScanString: the scanner reads a JSON string as encoding/json does,
// accepting and rejecting the same inputs. encoding/json replaces each
// byte that is not UTF-8 with U+FFFD, the scanner keeps it; the loader
// replaces such bytes where it keeps a string (trust-anchor names).
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`plain`, `a\ud800\n`, `\ud800\ud83d\ude00`, `\ude00`, `\u00e9\"\\\/\b\f\n\r\t`, "\xff\xfe", `\ud800\q`, `a"b`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > MaxStringLen/8 {
			return
		}
		doc := append(append([]byte{'"'}, in...), '"')
		var want string
		jerr := json.Unmarshal(doc, &want)
		s := newScanner(bytes.NewReader(doc))
		got, err := s.readString()
		if err == nil {
			err = s.finish()
		}
		if (err == nil) != (jerr == nil) {
			t.Fatalf("scanner: %v, encoding/json: %v", err, jerr)
		}
		if err == nil && replaceInvalidUTF8(got) != want {
			t.Fatalf("scanner %q, encoding/json %q", got, want)
		}
	})
}

// replaceInvalidUTF8 replaces each byte that is not part of a UTF-8
// sequence with U+FFFD, as encoding/json does.
func replaceInvalidUTF8(b []byte) string {
	var out []byte
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return string(out)
}
