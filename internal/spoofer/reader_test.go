package spoofer

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fmtResult(r *Result) string {
	if !r.Tested() {
		return "-"
	}
	return fmt.Sprintf("%s %v nat=%s private=%s routed=%s", r.ASN, r.Client, r.NAT, r.Private, r.Routed)
}

// render reads a whole input and prints what the Reader saw, one line per
// session, then the counts and the errors.
func render(t testing.TB, name string, data []byte) string {
	t.Helper()
	rd := NewReader(bytes.NewReader(data), name)
	var b strings.Builder
	for rd.Next() {
		s := rd.Session()
		fmt.Fprintf(&b, "session %d %s country=%q v4=[%s] v6=[%s]\n", s.ID, s.Time.Format(timeLayout), s.Country,
			fmtResult(&s.IPv4), fmtResult(&s.IPv6))
	}
	st := rd.Stats()
	fmt.Fprintf(&b, "format: %v\nstats: lines=%d sessions=%d skipped=%d\n", rd.Format(), st.Lines, st.Sessions, st.Skipped)
	for _, err := range st.Errors {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	if err := rd.Err(); err != nil {
		fmt.Fprintf(&b, "end: %v\n", err)
	} else {
		b.WriteString("end: ok\n")
	}
	return b.String()
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/spoofer -update to refresh)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/spoofer -update to refresh)\ngot:\n%s", golden, got)
	}
}

func TestReaderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", name+".golden"), render(t, name, data))
		})
	}
}

func TestReaderCounts(t *testing.T) {
	tests := []struct {
		file              string
		format            Format
		sessions, skipped int
		fatal             bool
	}{
		{"caida-catalog-sessions.jsonl", FormatJSONLines, 2, 0, false},
		{"api-collection-page.jsonld", FormatJSONLines, 5, 0, false},
		{"api-collection-pretty.json", FormatJSON, 2, 0, false},
		{"api-array.json", FormatJSON, 2, 0, false},
		{"single-session.json", FormatJSON, 1, 0, false},
		{"sessions.csv", FormatCSV, 3, 0, false},
		{"reordered-crlf.csv", FormatCSV, 2, 0, false},
		{"bad-sessions.jsonl", FormatJSONLines, 3, 22, false},
		{"bad-rows.csv", FormatCSV, 2, 8, false},
		{"no-header.csv", FormatCSV, 0, 0, true},
		{"truncated.json", FormatJSON, 1, 0, true},
		{"garbage.bin", FormatCSV, 0, 0, true},
		{"garbage-brace.json", FormatJSON, 0, 0, true},
		{"deep.json", FormatJSON, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			rd := NewReader(bytes.NewReader(data), tt.file)
			for rd.Next() {
			}
			st := rd.Stats()
			if rd.Format() != tt.format || st.Sessions != tt.sessions || st.Skipped != tt.skipped {
				t.Errorf("format %v, %d sessions, %d skipped; want %v, %d, %d", rd.Format(), st.Sessions, st.Skipped,
					tt.format, tt.sessions, tt.skipped)
			}
			if (rd.Err() != nil) != tt.fatal {
				t.Errorf("Err() = %v, want fatal %v", rd.Err(), tt.fatal)
			}
			if err := rd.Err(); err != nil && !strings.HasPrefix(err.Error(), "spoofer: "+tt.file+": line ") {
				t.Errorf("error %q does not name the input and line", err)
			}
			for _, err := range st.Errors {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line < 1 || pe.Record < 1 || pe.Offset < 0 || pe.Offset > int64(len(data)) {
					t.Errorf("%v: no position", err)
				}
			}
		})
	}
}

// TestErrorPositions checks that the line and offset of an error are those
// of the session, in every layout.
func TestErrorPositions(t *testing.T) {
	bad := `{"session": 0, "timestamp": "2024-01-01T00:00:00+00:00"}`
	tests := []struct {
		name, input string
		line        int
	}{
		{"jsonl", "\n" + strings.Repeat(`{"session": 1, "timestamp": "2024-01-01T00:00:00+00:00"}`+"\n", 2) + "  " + bad + "\n", 4},
		{"array", "[\n{\"session\": 1, \"timestamp\": \"2024-01-01T00:00:00+00:00\"},\n\n  " + bad + "\n]", 4},
		{"pretty collection", "{\n \"hydra:member\": [\n  " + bad + "\n ]\n}\n", 3},
		{"page on one line", "\n{\"hydra:member\": [" + bad + "]}\n", 2},
		{"top-level session", "\n\n" + strings.Replace(bad, ",", ",\n", 1), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.input), "in")
			for rd.Next() {
			}
			errs := rd.Stats().Errors
			var pe *ParseError
			if len(errs) != 1 || !errors.As(errs[0], &pe) {
				t.Fatalf("errors %v, err %v", errs, rd.Err())
			}
			if pe.Line != tt.line || !strings.HasPrefix(tt.input[pe.Offset:], `{"session": 0`) {
				t.Fatalf("%v: want line %d, offset at the session (%q)", pe, tt.line, tt.input[pe.Offset:])
			}
		})
	}
}

// TestWriterMatchesAPI writes the sessions CAIDA published back byte for
// byte.
func TestWriterMatchesAPI(t *testing.T) {
	data, err := os.ReadFile("testdata/caida-catalog-sessions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	sessions := readAll(t, data)
	var buf bytes.Buffer
	if err := WriteAll(&buf, FormatJSONLines, sessions); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("written:\n%s\npublished:\n%s", buf.Bytes(), data)
	}
}

func readAll(t testing.TB, data []byte) []Session {
	t.Helper()
	rd := NewReader(bytes.NewReader(data), "in")
	rd.Strict = true
	var out []Session
	for rd.Next() {
		out = append(out, *rd.Session())
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReaderStrict(t *testing.T) {
	data, err := os.ReadFile("testdata/bad-sessions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rd := NewReader(bytes.NewReader(data), "bad-sessions.jsonl")
	rd.Strict = true
	n := 0
	for rd.Next() {
		n++
	}
	var pe *ParseError
	if !errors.As(rd.Err(), &pe) || pe.Line != 2 || n != 1 {
		t.Fatalf("strict: %d sessions, err %v; want 1 and line 2", n, rd.Err())
	}
}

func TestReaderLimits(t *testing.T) {
	session := `{"session": 1, "timestamp": "2024-01-01T00:00:00+00:00"}`
	t.Run("long line", func(t *testing.T) {
		in := session + "\n" + `{"session": 2, "x": "` + strings.Repeat("y", MaxLineLength) + `"}` + "\n" + session + "\n"
		rd := NewReader(strings.NewReader(in), "long.jsonl")
		n := 0
		for rd.Next() {
			n++
		}
		if rd.Err() != nil || n != 2 || rd.Stats().Skipped != 1 {
			t.Fatalf("%d sessions, %+v, %v", n, rd.Stats(), rd.Err())
		}
	})
	t.Run("long CSV line", func(t *testing.T) {
		in := "session,timestamp\n1,2024-01-01T00:00:00Z\n" + strings.Repeat("9", MaxLineLength+10) + "\n2,2024-01-01T00:00:00Z\n"
		rd := NewReader(strings.NewReader(in), "long.csv")
		n := 0
		for rd.Next() {
			n++
		}
		if rd.Err() != nil || n != 2 || rd.Stats().Skipped != 1 {
			t.Fatalf("%d sessions, %+v, %v", n, rd.Stats(), rd.Err())
		}
	})
	t.Run("large value", func(t *testing.T) {
		in := "[\n" + session + ",\n" + `{"session": 2, "x": "` + strings.Repeat("y", MaxRecordSize+2*maxRead) + `"}` + "\n]"
		rd := NewReader(strings.NewReader(in), "big.json")
		n := 0
		for rd.Next() {
			n++
		}
		if !errors.Is(rd.Err(), errTooLarge) || n != 1 {
			t.Fatalf("%d sessions, err %v", n, rd.Err())
		}
	})
	t.Run("many fields", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("{\n")
		for i := range 10 * maxKeys {
			fmt.Fprintf(&b, "%q: %d,\n", fmt.Sprint("k", i), i)
		}
		b.WriteString(`"session": 1, "timestamp": "2024-01-01T00:00:00Z"}`)
		rd := NewReader(strings.NewReader(b.String()), "wide.json")
		for rd.Next() {
		}
		// The fields past maxKeys, session and timestamp among them,
		// are dropped.
		if rd.Err() != nil || rd.Stats().Skipped != 1 {
			t.Fatalf("%+v, %v", rd.Stats(), rd.Err())
		}
	})
}

func TestReaderInputs(t *testing.T) {
	for _, file := range []string{"api-collection-pretty.json", "api-collection-page.jsonld", "reordered-crlf.csv"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		want := render(t, file, data)
		for _, tt := range []struct {
			name string
			r    func() io.Reader
		}{
			{"one byte at a time", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }},
			{"data with EOF", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }},
			{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }},
		} {
			t.Run(file+"/"+tt.name, func(t *testing.T) {
				rd := NewReader(tt.r(), file)
				var b strings.Builder
				for rd.Next() {
					s := rd.Session()
					fmt.Fprintf(&b, "session %d %s country=%q v4=[%s] v6=[%s]\n", s.ID, s.Time.Format(timeLayout), s.Country,
						fmtResult(&s.IPv4), fmtResult(&s.IPv6))
				}
				if rd.Err() != nil || !strings.HasPrefix(want, b.String()) || b.Len() == 0 {
					t.Fatalf("got\n%s\nwant\n%s\nerr %v", b.String(), want, rd.Err())
				}
			})
		}
	}
	t.Run("read error", func(t *testing.T) {
		data, _ := os.ReadFile("testdata/caida-catalog-sessions.jsonl")
		rd := NewReader(io.MultiReader(bytes.NewReader(data[:300]), iotest.ErrReader(errors.New("link down"))), "x.jsonl")
		for rd.Next() {
		}
		if err := rd.Err(); err == nil || !strings.Contains(err.Error(), "link down") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		for _, in := range []string{"", "\n\n", "\xef\xbb\xbf", strings.Repeat(" \n", 100_000)} {
			rd := NewReader(strings.NewReader(in), "empty")
			if rd.Next() || rd.Err() != nil {
				t.Fatalf("%q: %v", in, rd.Err())
			}
		}
	})
	t.Run("long leading white space", func(t *testing.T) {
		in := strings.Repeat("\n", 70_000) + `{"session": 1, "timestamp": "2024-01-01T00:00:00Z"}` + "\n"
		if got := readAll(t, []byte(in)); len(got) != 1 {
			t.Fatalf("%d sessions", len(got))
		}
	})
	t.Run("byte order mark", func(t *testing.T) {
		data, _ := os.ReadFile("testdata/caida-catalog-sessions.jsonl")
		if got := readAll(t, append([]byte("\xef\xbb\xbf"), data...)); len(got) != 2 {
			t.Fatalf("%d sessions", len(got))
		}
	})
}

func TestEnums(t *testing.T) {
	for o := NotTested; o <= Unknown; o++ {
		s := o.String()
		if o == NotTested {
			s = ""
		}
		if got, ok := ParseOutcome(s); !ok || got != o {
			t.Errorf("outcome %v does not round-trip", o)
		}
	}
	for f := FormatJSONLines; f <= FormatCSV; f++ {
		if got, ok := ParseFormat(f.String()); !ok || got != f {
			t.Errorf("format %v does not round-trip", f)
		}
	}
	tests := []struct{ got, want string }{
		{Outcome(9).String(), "Outcome(9)"},
		{NAT(9).String(), "NAT(9)"},
		{BehindNAT.String(), "yes"},
		{Format(0).String(), "Format(0)"},
		{Verdict(9).String(), "Verdict(9)"},
		{NotSpoofable.String(), "not-spoofable"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
