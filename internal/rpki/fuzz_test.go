package rpki

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
