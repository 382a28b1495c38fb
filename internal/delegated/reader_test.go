package delegated

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dump reads a whole input and renders what the Reader saw, one line per
// header, summary, record (with its prefixes) and error.
func dump(t testing.TB, name string, data []byte) string {
	t.Helper()
	rd := NewReader(bytes.NewReader(data), name)
	var b strings.Builder
	var recs []string
	var pfx []netip.Prefix
	for rd.Next() {
		rec := rd.Record()
		line := fmt.Sprintf("%d: %s", rec.Line, rec.AppendFormat(nil))
		switch rec.Type {
		case ASN:
			line += fmt.Sprintf(" => %s-%s", rec.StartASN, rec.LastASN())
		default:
			pfx = rec.AppendPrefixes(pfx[:0])
			line += fmt.Sprintf(" => %v", pfx)
		}
		recs = append(recs, line)
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	h := rd.Header()
	fmt.Fprintf(&b, "header: line=%d version=%s registry=%s serial=%s records=%d start=%s end=%s utc=%s\n",
		h.Line, h.Version, h.Registry, h.Serial, h.Records, fmtDate(h.StartDate), fmtDate(h.EndDate), h.UTCOffset)
	for _, s := range h.Summaries {
		fmt.Fprintf(&b, "summary: line=%d %s %s %d\n", s.Line, s.Registry, s.Type, s.Count)
	}
	for _, r := range recs {
		b.WriteString(r + "\n")
	}
	st := rd.Stats()
	fmt.Fprintf(&b, "stats: lines=%d comments=%d summaries=%d records=%d skipped=%d\n",
		st.Lines, st.Comments, st.Summaries, st.Records, st.Skipped)
	for _, err := range st.Errors {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func TestReaderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
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
			got := dump(t, name, data)
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".txt")+".golden")
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
				t.Fatalf("%v (run go test ./internal/delegated -update to refresh)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run go test ./internal/delegated -update to refresh)\ngot:\n%s", golden, got)
			}
		})
	}
}

func TestReaderCounts(t *testing.T) {
	tests := []struct {
		file                                string
		registry, version                   string
		summaries, records, skipped, errors int
	}{
		{"nro-extended-excerpt.txt", "nro", "2", 3, 15, 0, 0},
		{"delegated-apnic-extended.txt", "apnic", "2.3", 3, 17, 0, 0},
		{"delegated-arin-extended.txt", "arin", "2.3", 3, 16, 0, 0},
		{"delegated-ripencc-extended.txt", "ripencc", "2", 3, 15, 0, 0},
		{"delegated-lacnic-extended.txt", "lacnic", "2", 3, 12, 0, 0},
		{"delegated-afrinic-extended.txt", "afrinic", "2", 3, 10, 0, 0},
		{"delegated-ripencc.txt", "ripencc", "2", 3, 6, 0, 0},
		{"crlf-no-final-newline.txt", "ripencc", "2", 1, 2, 0, 0},
		{"bad-lines.txt", "ripencc", "2", 1, 3, 26, 26},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rd := NewReader(f, tt.file)
			n := 0
			for rd.Next() {
				n++
			}
			if err := rd.Err(); err != nil {
				t.Fatal(err)
			}
			h, st := rd.Header(), rd.Stats()
			if h.Registry != tt.registry || h.Version != tt.version {
				t.Errorf("header registry %q version %q, want %q %q", h.Registry, h.Version, tt.registry, tt.version)
			}
			if n != tt.records || st.Records != tt.records {
				t.Errorf("records: Next gave %d, Stats %d, want %d", n, st.Records, tt.records)
			}
			if st.Summaries != tt.summaries || len(h.Summaries) != tt.summaries {
				t.Errorf("summaries %d (header %d), want %d", st.Summaries, len(h.Summaries), tt.summaries)
			}
			if st.Skipped != tt.skipped || len(st.Errors) != tt.errors {
				t.Errorf("skipped %d, errors %d, want %d, %d: %v", st.Skipped, len(st.Errors), tt.skipped, tt.errors, st.Errors)
			}
		})
	}
}

func TestRecordFields(t *testing.T) {
	const in = "2|nro|20160406|3|19821213|20160406|+0000\n" +
		"iana|ZZ|asn|0|1|19920101|ietf|ietf|iana\n" +
		"arin|CA|ipv4|192.139.46.0|768|19910628|assigned|ce1d1b3a|e-stats\n" +
		"ripencc|ZZ|ipv6|2001:601::|32|20160406|reserved||e-stats\n"
	rd := NewReader(strings.NewReader(in), "in")
	var got []Record
	for rd.Next() {
		got = append(got, *rd.Record())
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{Line: 2, Registry: "iana", Country: "ZZ", Type: ASN, StartASN: 0, Value: 1,
			Date: time.Date(1992, 1, 1, 0, 0, 0, 0, time.UTC), Status: IETF, OpaqueID: "ietf", Extensions: "iana"},
		{Line: 3, Registry: "arin", Country: "CA", Type: IPv4, Start: netip.MustParseAddr("192.139.46.0"), Value: 768,
			Date: time.Date(1991, 6, 28, 0, 0, 0, 0, time.UTC), Status: Assigned, OpaqueID: "ce1d1b3a", Extensions: "e-stats"},
		{Line: 4, Registry: "ripencc", Country: "ZZ", Type: IPv6, Start: netip.MustParseAddr("2001:601::"), Value: 32,
			Date: time.Date(2016, 4, 6, 0, 0, 0, 0, time.UTC), Status: Reserved, Extensions: "e-stats"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if got, want := got[1].LastAddr(), netip.MustParseAddr("192.139.48.255"); got != want {
		t.Errorf("LastAddr = %s, want %s", got, want)
	}
	if got, want := got[2].LastAddr(), netip.MustParseAddr("2001:601:ffff:ffff:ffff:ffff:ffff:ffff"); got != want {
		t.Errorf("LastAddr = %s, want %s", got, want)
	}
}

func TestAppendRangePrefixes(t *testing.T) {
	tests := []struct {
		first, last string
		want        string
	}{
		{"192.0.2.0", "192.0.2.255", "[192.0.2.0/24]"},
		{"192.139.46.0", "192.139.48.255", "[192.139.46.0/23 192.139.48.0/24]"},
		{"10.0.0.1", "10.0.0.6", "[10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32]"},
		{"0.0.0.0", "255.255.255.255", "[0.0.0.0/0]"},
		{"255.255.255.255", "255.255.255.255", "[255.255.255.255/32]"},
		{"0.0.0.0", "0.0.0.0", "[0.0.0.0/32]"},
		{"128.0.0.0", "255.255.255.254", "[128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 255.255.255.224/28 255.255.255.240/29 255.255.255.248/30 255.255.255.252/31 255.255.255.254/32]"},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "[::/0]"},
		{"2000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "[2000::/3]"},
		{"2001:db8::", "2001:db9:ffff:ffff:ffff:ffff:ffff:ffff", "[2001:db8::/31]"},
		{"2001:db8::ffff:ffff:ffff:ffff", "2001:db8:0:1::", "[2001:db8::ffff:ffff:ffff:ffff/128 2001:db8:0:1::/128]"},
		{"10.0.0.2", "10.0.0.1", "[]"},
		{"10.0.0.1", "::1", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.first+"-"+tt.last, func(t *testing.T) {
			got := AppendRangePrefixes(nil, netip.MustParseAddr(tt.first), netip.MustParseAddr(tt.last))
			if s := fmt.Sprint(got); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestStrict(t *testing.T) {
	f, err := os.Open("testdata/bad-lines.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f, "bad-lines.txt")
	rd.Strict = true
	n := 0
	for rd.Next() {
		n++
	}
	var pe *ParseError
	if !errors.As(rd.Err(), &pe) {
		t.Fatalf("Err() = %v, want a *ParseError", rd.Err())
	}
	if pe.Line != 4 || pe.Clause != "RIR stats 4.2.2" || n != 0 {
		t.Errorf("stopped at line %d (%s) after %d records, want line 4 (RIR stats 4.2.2) after 0", pe.Line, pe.Clause, n)
	}
	want := `delegated: bad-lines.txt: line 4: RIR stats 4.2.2: unknown type "ipx"`
	if got := rd.Err().Error(); got != want {
		t.Errorf("error\ngot  %s\nwant %s", got, want)
	}
}

func TestMissingVersionLine(t *testing.T) {
	const in = "ripencc|FR|ipv4|2.0.0.0|1048576|20100712|allocated\n"
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprint("strict=", strict), func(t *testing.T) {
			rd := NewReader(strings.NewReader(in), "in")
			rd.Strict = strict
			n := 0
			for rd.Next() {
				n++
			}
			st := rd.Stats()
			if strict {
				if rd.Err() == nil || n != 0 {
					t.Errorf("strict: err %v, %d records; want an error and none", rd.Err(), n)
				}
				return
			}
			if rd.Err() != nil || n != 1 || st.Skipped != 0 || len(st.Errors) != 1 {
				t.Errorf("err %v, %d records, %d skipped, errors %v; want 1 record, 0 skipped, 1 error", rd.Err(), n, st.Skipped, st.Errors)
			}
		})
	}
}

func TestHostileInput(t *testing.T) {
	good := "ripencc|FR|ipv4|2.0.0.0|1048576|20100712|allocated\n"
	tests := []struct {
		name             string
		in               string
		records, skipped int
	}{
		{"empty", "", 0, 0},
		{"only comments", "#\n# x\n\n", 0, 0},
		{"long line", "2|ripencc|1|1|19830705|20240103|+0100\n" + strings.Repeat("x", MaxLineLength+1) + "\n" + good, 1, 1},
		{"huge line", "2|ripencc|1|1|19830705|20240103|+0100\n" + strings.Repeat("x|", 200<<10) + "\n" + good, 1, 1},
		{"huge last line", "2|ripencc|1|1|19830705|20240103|+0100\n" + good + strings.Repeat("x", 200<<10), 1, 1},
		{"nul bytes", "2|ripencc|1|1|19830705|20240103|+0100\n\x00\x00\x00\n" + good, 1, 1},
		{"truncated record", "2|ripencc|1|1|19830705|20240103|+0100\nripencc|FR|ipv4|2.0.", 0, 1},
		{"many pipes", "2|ripencc|1|1|19830705|20240103|+0100\n" + strings.Repeat("|", 1000) + "\n" + good, 1, 1},
		{"many bad lines", "2|ripencc|1|1|19830705|20240103|+0100\n" + strings.Repeat("bad\n", 500) + good, 1, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.in), tt.name)
			n := 0
			for rd.Next() {
				n++
			}
			if err := rd.Err(); err != nil {
				t.Fatal(err)
			}
			st := rd.Stats()
			if n != tt.records || st.Skipped != tt.skipped {
				t.Errorf("records %d, skipped %d; want %d, %d (errors %v)", n, st.Skipped, tt.records, tt.skipped, st.Errors)
			}
			if len(st.Errors) > MaxErrors {
				t.Errorf("kept %d errors, cap is %d", len(st.Errors), MaxErrors)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	data, err := os.ReadFile("testdata/delegated-apnic-extended.txt")
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(data[:500]), iotest.ErrReader(boom))
	rd := NewReader(r, "apnic")
	for rd.Next() {
	}
	if !errors.Is(rd.Err(), boom) || !strings.Contains(rd.Err().Error(), "delegated: apnic: ") {
		t.Errorf("Err() = %v, want it to wrap boom and name the input", rd.Err())
	}
}

// TestRoundTrip formats every record of the fixtures and reads it back.
func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rd := NewReader(bytes.NewReader(data), file)
		for rd.Next() {
			checkRoundTrip(t, rd.Record())
		}
	}
}

func checkRoundTrip(t testing.TB, rec *Record) {
	t.Helper()
	line := rec.AppendFormat([]byte("2|x|1|1|||+0000\n"))
	rd := NewReader(bytes.NewReader(line), "roundtrip")
	if !rd.Next() {
		t.Fatalf("record %+v formatted as %q does not read back: %v", rec, line, rd.Stats().Errors)
	}
	back := *rd.Record()
	back.Line = rec.Line
	if back != *rec {
		t.Fatalf("round trip of %q:\ngot  %+v\nwant %+v", line, back, *rec)
	}
}

func TestLastASN(t *testing.T) {
	rec := Record{Type: ASN, StartASN: 64512, Value: 1023}
	if got := rec.LastASN(); got != bgp.ASN(65534) {
		t.Errorf("LastASN = %d, want 65534", got)
	}
}
