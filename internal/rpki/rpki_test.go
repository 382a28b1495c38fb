package rpki

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadFile(t *testing.T, name string, opts LoadOptions) (*Set, Stats, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Load(f, name, opts)
}

func TestLoad(t *testing.T) {
	tests := []struct {
		file  string
		vrps  int
		aspas int
		build string
		first VRP
		check func(t *testing.T, s *Set)
	}{
		{file: "rpki-client.json", vrps: 5, aspas: 2, build: "2024-05-01T12:00:00Z",
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic", Expires: 1714608000},
			check: func(t *testing.T, s *Set) {
				if got := s.ASPAs[0].Providers; len(got) != 2 || got[0] != 64497 {
					t.Errorf("providers not sorted: %v", got)
				}
			}},
		{file: "routinator.json", vrps: 3, aspas: 1, build: "2024-05-01T12:00:00Z",
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic"},
			check: func(t *testing.T, s *Set) {
				if a := s.ASPAs[0]; a.Customer != 64496 || a.TA != "ripe" || len(a.Providers) != 2 {
					t.Errorf("aspa %+v", a)
				}
			}},
		{file: "stayrtr.json", vrps: 3, aspas: 2, build: "2024-05-01T12:00:00Z",
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335}},
		{file: "rpki-client.csv", vrps: 3,
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic", Expires: 1714608000}},
		{file: "routinator.csv", vrps: 3,
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic"}},
		{file: "ripe-validator.csv", vrps: 3,
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "APNIC RPKI Root"}},
		{file: "routinator-ext.csv", vrps: 2,
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, Expires: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC).Unix()}},
		{file: "headerless.csv", vrps: 2,
			first: VRP{Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335, TA: "apnic", Expires: 1714608000}},
		{file: "ripe-irr-bgp-stats-roas.csv", vrps: 49,
			first: VRP{Prefix: netip.MustParsePrefix("86.106.22.0/24"), MaxLength: 24, ASN: 31207}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, st, err := loadFile(t, tt.file, LoadOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.VRPs) != tt.vrps || len(s.ASPAs) != tt.aspas || st.VRPs != tt.vrps || st.ASPAs != tt.aspas {
				t.Fatalf("got %d VRPs, %d ASPAs (stats %+v), want %d, %d", len(s.VRPs), len(s.ASPAs), st, tt.vrps, tt.aspas)
			}
			if st.SkippedTotal() != 0 {
				t.Errorf("skipped %s", st.SkipSummary())
			}
			if s.VRPs[0] != tt.first {
				t.Errorf("first VRP %+v, want %+v", s.VRPs[0], tt.first)
			}
			if tt.build != "" && s.Metadata.BuildTime.Format(time.RFC3339) != tt.build {
				t.Errorf("build time %v, want %s", s.Metadata.BuildTime, tt.build)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestLoadBadRecords(t *testing.T) {
	tests := []struct {
		file    string
		vrps    int
		aspas   int
		skipped map[Reason]int
	}{
		{"bad-records.json", 2, 1, map[Reason]int{
			ReasonHostBits: 1, ReasonMaxLength: 2, ReasonASN: 3, ReasonPrefix: 3, ReasonMissing: 2,
			ReasonField: 2, ReasonProviders: 2}},
		{"bad-records.csv", 1, 0, map[Reason]int{
			ReasonHostBits: 1, ReasonASN: 1, ReasonMaxLength: 1, ReasonMissing: 1, ReasonField: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, st, err := loadFile(t, tt.file, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.VRPs) != tt.vrps || len(s.ASPAs) != tt.aspas {
				t.Errorf("kept %d VRPs, %d ASPAs, want %d, %d", len(s.VRPs), len(s.ASPAs), tt.vrps, tt.aspas)
			}
			for r := range numReasons {
				if st.Skipped[r] != tt.skipped[r] {
					t.Errorf("skipped %v: %d, want %d (all: %s)", r, st.Skipped[r], tt.skipped[r], st.SkipSummary())
				}
			}
			_, _, err = loadFile(t, tt.file, LoadOptions{Strict: true})
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("strict: got %v, want a RecordError", err)
			}
			if !strings.Contains(err.Error(), "rpki: "+tt.file+": line ") {
				t.Errorf("strict error %q does not name the file and line", err)
			}
		})
	}
	t.Run("line numbers", func(t *testing.T) {
		_, _, err := loadFile(t, "bad-records.json", LoadOptions{Strict: true})
		if !strings.Contains(err.Error(), "line 4:") || !strings.Contains(err.Error(), "host bits") {
			t.Errorf("error %q, want line 4 and host bits", err)
		}
	})
}

func TestLoadHostile(t *testing.T) {
	tests := []struct {
		name, input string
	}{
		{"truncated.json", ""},
		{"garbage.bin", ""},
		{"empty", "   \n"},
		{"top-level array", "[1, 2]"},
		{"roas not array", `{"roas": {}}`},
		{"trailing data", `{"roas": []} {}`},
		{"NUL then junk", "{\"roas\": []}\x00junk"},
		{"NUL at the end", "{\"roas\": []}\x00"},
		{"NUL for a value", "{\"roas\": \x00}"},
		{"NUL in an array", "{\"roas\": [\x00]}"},
		{"unterminated string", `{"roas": [{"prefix": "1.0.0.0/24`},
		{"control char", "{\"roas\": [{\"ta\": \"a\x01\"}]}"},
		{"bad escape", `{"roas": [{"ta": "\q"}]}`},
		{"bad number", `{"roas": [{"asn": 01}]}`},
		{"too deep", `{"x": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`},
		{"long string", `{"x": "` + strings.Repeat("a", MaxStringLen+1) + `"}`},
		{"unknown CSV", "foo,bar\n1,2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.input == "" && strings.Contains(tt.name, ".") {
				_, _, err = loadFile(t, tt.name, LoadOptions{})
			} else {
				_, _, err = Load(strings.NewReader(tt.input), tt.name, LoadOptions{})
			}
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("got %v, want a syntax error", err)
			}
			if !strings.HasPrefix(err.Error(), "rpki: "+tt.name+": ") {
				t.Errorf("error %q does not name the input", err)
			}
		})
	}
	t.Run("escapes", func(t *testing.T) {
		s, _, err := Load(strings.NewReader(`{"roas": [{"asn": 1, "prefix": "1.0.0.0\/8", "ta": "r\u00e9\ud83d\ude00\"x\"", "maxLength": 8, "extra": {"a": [1, true, null, -2.5e3]}}]}`), "escapes", LoadOptions{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.VRPs[0].TA; got != "ré😀\"x\"" {
			t.Errorf("ta %q", got)
		}
	})
	t.Run("deep.json skipped member", func(t *testing.T) {
		_, _, err := loadFile(t, "deep.json", LoadOptions{})
		if !errors.Is(err, ErrSyntax) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDedup(t *testing.T) {
	p := netip.MustParsePrefix
	s := &Set{
		VRPs: []VRP{
			{Prefix: p("2001:db8::/32"), MaxLength: 32, ASN: 1},
			{Prefix: p("10.0.0.0/8"), MaxLength: 8, ASN: 2, TA: "ripe", Expires: 5},
			{Prefix: p("10.0.0.0/8"), MaxLength: 8, ASN: 2, TA: "arin", Expires: 7},
			{Prefix: p("10.0.0.0/8"), MaxLength: 8, ASN: 1},
			{Prefix: p("9.0.0.0/8"), MaxLength: 9, ASN: 1},
		},
		ASPAs: []ASPA{
			{Customer: 5, Providers: []bgp.ASN{7, 6}},
			{Customer: 3, Providers: []bgp.ASN{4}},
			{Customer: 5, Providers: []bgp.ASN{8, 6}, Expires: 3},
		},
	}
	s.Dedup()
	want := []VRP{
		{Prefix: p("9.0.0.0/8"), MaxLength: 9, ASN: 1},
		{Prefix: p("10.0.0.0/8"), MaxLength: 8, ASN: 1},
		{Prefix: p("10.0.0.0/8"), MaxLength: 8, ASN: 2, TA: "arin", Expires: 7},
		{Prefix: p("2001:db8::/32"), MaxLength: 32, ASN: 1},
	}
	if !(&Set{VRPs: want}).Equal(&Set{VRPs: s.VRPs}) {
		t.Errorf("VRPs %+v\nwant %+v", s.VRPs, want)
	}
	if len(s.ASPAs) != 2 || s.ASPAs[1].Customer != 5 || len(s.ASPAs[1].Providers) != 3 || s.ASPAs[1].Expires != 3 {
		t.Errorf("ASPAs %+v", s.ASPAs)
	}
}

// goldenSet is the input of the golden files: every loader sample merged.
func goldenSet(t *testing.T) *Set {
	t.Helper()
	all := &Set{}
	for _, f := range []string{"rpki-client.json", "routinator.json", "stayrtr.json", "rpki-client.csv", "ripe-validator.csv"} {
		s, _, err := loadFile(t, f, LoadOptions{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		all.Merge(s)
	}
	all.Dedup()
	return all
}

func TestGolden(t *testing.T) {
	s := goldenSet(t)
	opts := WriteOptions{Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	for _, out := range Outputs() {
		t.Run(out.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := out.Write(&buf, s, opts); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "vrps."+out.Name)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/rpki -update to create)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s; run go test ./internal/rpki -update to refresh\ngot:\n%s", golden, buf.Bytes())
			}
		})
	}
	if _, ok := LookupOutput("nope"); ok {
		t.Error("LookupOutput found nope")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	s := goldenSet(t)
	for _, name := range []string{"json", "csv"} {
		t.Run(name, func(t *testing.T) {
			out, _ := LookupOutput(name)
			var buf bytes.Buffer
			if err := out.Write(&buf, s, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			back, _, err := Load(&buf, name, LoadOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			back.Dedup()
			want := &Set{VRPs: s.VRPs, ASPAs: s.ASPAs}
			if name == "csv" {
				want.ASPAs = nil
			}
			if !back.Equal(want) {
				t.Errorf("round trip differs:\n%+v\n%+v", back, want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatJSON, FormatCSV} {
		if g, err := ParseFormat(f.String()); err != nil || g != f {
			t.Errorf("ParseFormat(%v) = %v, %v", f, g, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
	// A forced format reads the other format as garbage.
	if _, _, err := Load(strings.NewReader("ASN,IP Prefix\n"), "x", LoadOptions{Format: FormatJSON}); !errors.Is(err, ErrSyntax) {
		t.Errorf("CSV as JSON: %v", err)
	}
}

func TestBirdTableName(t *testing.T) {
	out, _ := LookupOutput("bird2")
	if err := out.Write(&bytes.Buffer{}, &Set{}, WriteOptions{BirdTable: "bad name;"}); err == nil {
		t.Error("bad table name accepted")
	}
	var buf bytes.Buffer
	if err := out.Write(&buf, &Set{}, WriteOptions{BirdTable: "RPKI"}); err != nil || !strings.Contains(buf.String(), "roa4 table RPKI4;") {
		t.Errorf("%v %s", err, buf.String())
	}
}

func TestWriteJSONExpires(t *testing.T) {
	p := netip.MustParsePrefix
	tests := []struct {
		name    string
		set     *Set
		want    []string
		notWant string
	}{
		{"vrp unknown", &Set{VRPs: []VRP{{Prefix: p("192.0.2.0/24"), MaxLength: 24, ASN: 1, TA: "x"}}},
			[]string{`"maxLength": 24, "ta": "x" }`}, `"expires"`},
		{"vrp known", &Set{VRPs: []VRP{{Prefix: p("192.0.2.0/24"), MaxLength: 24, ASN: 1, TA: "x", Expires: 1714608000}}},
			[]string{`"ta": "x", "expires": 1714608000 }`}, ""},
		{"aspa unknown", &Set{ASPAs: []ASPA{{Customer: 1, Providers: []bgp.ASN{2}}}},
			[]string{`{ "customer_asid": 1, "providers": [2] }`}, `"expires"`},
		{"aspa known", &Set{ASPAs: []ASPA{{Customer: 1, Providers: []bgp.ASN{2}, Expires: 1714608000}}},
			[]string{`{ "customer_asid": 1, "expires": 1714608000, "providers": [2] }`}, ""},
	}
	out, _ := LookupOutput("json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := out.Write(&buf, tt.set, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %s:\n%s", w, buf.String())
				}
			}
			if tt.notWant != "" && strings.Contains(buf.String(), tt.notWant) {
				t.Errorf("output has %s:\n%s", tt.notWant, buf.String())
			}
			// StayRTR reads expires as *int64 and drops a record whose
			// expiry has passed, 0 included.
			var stay struct {
				ROAs []struct {
					Expires *int64 `json:"expires"`
				} `json:"roas"`
				ASPAs []struct {
					Expires *int64 `json:"expires"`
				} `json:"aspas"`
			}
			if err := json.Unmarshal(buf.Bytes(), &stay); err != nil {
				t.Fatal(err)
			}
			for _, r := range append(stay.ROAs, stay.ASPAs...) {
				if r.Expires != nil && *r.Expires <= 0 {
					t.Errorf("expires %d: StayRTR would drop the record", *r.Expires)
				}
			}
			back, _, err := Load(&buf, "again.json", LoadOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(tt.set) {
				t.Errorf("round trip: %+v, want %+v", back, tt.set)
			}
		})
	}
}

// TestLoadJSONASN: a JSON number is a plain integer, asdot only comes in a
// string.
func TestLoadJSONASN(t *testing.T) {
	tests := []struct {
		value string
		want  bgp.ASN
		ok    bool
	}{
		{`13335`, 13335, true},
		{`0`, 0, true},
		{`4294967295`, 4294967295, true},
		{`"13335"`, 13335, true},
		{`"AS13335"`, 13335, true},
		{`"as13335"`, 13335, true},
		{`"1.10"`, 65546, true},
		{`"AS1.10"`, 65546, true},
		{`"13335.0"`, 13335 << 16, true}, // asdot in a string, RFC 5396
		{`13335.0`, 0, false},
		{`2.0`, 0, false},
		{`1.10`, 0, false},
		{`1e3`, 0, false},
		{`1E3`, 0, false},
		{`-1`, 0, false},
		{`-0`, 0, false},
		{`4294967296`, 0, false},
		{`true`, 0, false},
		{`null`, 0, false},
		{`"AS"`, 0, false},
		{`[1]`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			docs := map[string]string{
				"roa":      `{"roas": [{"asn": ` + tt.value + `, "prefix": "192.0.2.0/24"}]}`,
				"customer": `{"aspas": [{"customer_asid": ` + tt.value + `, "providers": [65537]}]}`,
				"provider": `{"aspas": [{"customer_asid": 65537, "providers": [` + tt.value + `]}]}`,
			}
			for what, doc := range docs {
				s, st, err := Load(strings.NewReader(doc), "asn.json", LoadOptions{})
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if !tt.ok {
					if st.Skipped[ReasonASN] != 1 || len(s.VRPs)+len(s.ASPAs) != 0 {
						t.Errorf("%s: kept %+v, skipped %s; want 1 asn", what, s, st.SkipSummary())
					}
					continue
				}
				var got bgp.ASN
				switch {
				case what == "roa" && len(s.VRPs) == 1:
					got = s.VRPs[0].ASN
				case what == "customer" && len(s.ASPAs) == 1:
					got = s.ASPAs[0].Customer
				case what == "provider" && len(s.ASPAs) == 1:
					got = s.ASPAs[0].Providers[0]
				default:
					t.Fatalf("%s: not loaded, skipped %s", what, st.SkipSummary())
				}
				if got != tt.want {
					t.Errorf("%s: %v, want %v", what, got, tt.want)
				}
			}
		})
	}
}

func TestLoadBOM(t *testing.T) {
	const bom = "\xef\xbb\xbf"
	tests := []struct {
		name, input string
		format      Format
		vrps        int
		err         bool
	}{
		{"json", bom + `{"roas": [{"asn": 1, "prefix": "192.0.2.0/24"}]}`, FormatAuto, 1, false},
		{"json forced", bom + `{"roas": [{"asn": 1, "prefix": "192.0.2.0/24"}]}`, FormatJSON, 1, false},
		{"json space after", bom + "\n {\"roas\": []}", FormatAuto, 0, false},
		{"csv", bom + "ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,24\n", FormatAuto, 1, false},
		{"bom only", bom, FormatAuto, 0, true},
		{"partial bom", "\xef\xbb{\"roas\": []}", FormatJSON, 0, true},
		{"bom twice", bom + bom + `{"roas": []}`, FormatJSON, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := Load(strings.NewReader(tt.input), tt.name, LoadOptions{Format: tt.format, Strict: true})
			if tt.err {
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("got %v, want a syntax error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.VRPs) != tt.vrps {
				t.Errorf("%d VRPs, want %d", len(s.VRPs), tt.vrps)
			}
		})
	}
	t.Run("offset counts the mark", func(t *testing.T) {
		_, _, err := Load(strings.NewReader(bom+`{"roas": x}`), "bom.json", LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), "(byte 12)") {
			t.Errorf("error %v, want byte 12", err)
		}
	})
}

// TestJSONStringOracle compares the scanner's strings with encoding/json's.
func TestJSONStringOracle(t *testing.T) {
	tests := []string{
		`plain`,
		`a\ud800\n`,
		`a\ud800\nb`,
		`\ud800\ud83d\ude00`,
		`\ud83d\ude00`,
		`\ude00`,
		`\ude00\ud83d\ude00`,
		`\ud800x`,
		`\ud800`,
		`\ud800\u0041`,
		`\ud800\"`,
		`\ud800\\`,
		`\ud800\/`,
		`\ud800\t\ud800\b`,
		`\udbff\udfff`,
		`\ud800\udbff\udc00`,
		`r\u00e9\u0000`,
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			var want string
			if err := json.Unmarshal([]byte(`"`+in+`"`), &want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			s := newScanner(strings.NewReader(`"` + in + `"`))
			got, err := s.readString()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("got %q, encoding/json %q", got, want)
			}
		})
	}
	for _, in := range []string{`\ud800\q`, `\ud800\`, `\ud800\u12`, `\ud800\u12x4`} {
		t.Run("bad "+in, func(t *testing.T) {
			if err := json.Unmarshal([]byte(`"`+in+`"`), new(string)); err == nil {
				t.Fatalf("encoding/json accepts %s", in)
			}
			if _, err := newScanner(strings.NewReader(`"` + in + `"`)).readString(); !errors.Is(err, ErrSyntax) {
				t.Errorf("got %v, want a syntax error", err)
			}
		})
	}
}

// TestLoadTANotUTF8: a trust-anchor name that is not UTF-8 loads the same
// from JSON and CSV, and survives every output.
func TestLoadTANotUTF8(t *testing.T) {
	inputs := map[string]string{
		"json": "{\"roas\": [{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"ta\": \"a\xff\xfeb\xc3\"}]}",
		"csv":  "ASN,IP Prefix,Max Length,Trust Anchor\nAS1,192.0.2.0/24,24,a\xff\xfeb\xc3\n",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			s, _, err := Load(strings.NewReader(in), name, LoadOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.VRPs[0].TA; got != "a\uFFFDb\uFFFD" {
				t.Errorf("ta %q", got)
			}
			roundTrip(t, s)
		})
	}
}

func TestLoadIPv4Mapped(t *testing.T) {
	tests := []struct {
		prefix string
		reason Reason
		ok     bool
	}{
		{"::ffff:192.0.2.0/120", ReasonPrefix, false},
		{"::ffff:0.0.0.0/96", ReasonPrefix, false},
		{"::ffff:c000:200/120", ReasonPrefix, false},
		{"::/80", 0, true}, // covers the mapped range, but is plain IPv6
		{"::/0", 0, true},
		{"192.0.2.0/24", 0, true},
		{"64:ff9b::c000:200/120", 0, true}, // NAT64, RFC 6052: not mapped
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			for _, in := range []string{
				`{"roas": [{"asn": 1, "prefix": "` + tt.prefix + `"}]}`,
				"ASN,IP Prefix\nAS1," + tt.prefix + "\n",
			} {
				s, st, err := Load(strings.NewReader(in), "mapped", LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if tt.ok {
					if len(s.VRPs) != 1 {
						t.Errorf("skipped: %s", st.SkipSummary())
					}
					continue
				}
				if len(s.VRPs) != 0 || st.Skipped[tt.reason] != 1 {
					t.Errorf("kept %v, skipped %s", s.VRPs, st.SkipSummary())
				}
				_, _, err = Load(strings.NewReader(in), "mapped", LoadOptions{Strict: true})
				if err == nil || !strings.Contains(err.Error(), "IPv4-mapped") {
					t.Errorf("strict: %v", err)
				}
			}
		})
	}
}

func TestCSVHeaderQuotedShort(t *testing.T) {
	tests := []struct {
		name, header string
		quoted       string
	}{
		{"short", "foo,bar", `"foo,bar"`},
		{"at the cap", strings.Repeat("x", maxQuoted), `"` + strings.Repeat("x", maxQuoted) + `"`},
		{"long", strings.Repeat("y", 200_000), `"` + strings.Repeat("y", maxQuoted) + `..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Load(strings.NewReader(tt.header+"\n1,2\n"), "h.csv", LoadOptions{})
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(err.Error(), "(header "+tt.quoted+")") || len(err.Error()) > 200 {
				t.Errorf("error %q (%d bytes), want header %s", err, len(err.Error()), tt.quoted)
			}
		})
	}
}
