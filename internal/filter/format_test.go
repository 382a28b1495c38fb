package filter

import (
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/filter -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/filter -update if the change is intended)\n got:\n%s", path, got)
	}
}

// formatCase is one list every format is asked to write.
type formatCase struct {
	name string
	x    *Expansion
	o    Options
	pol  Policy
}

func formatCases(t *testing.T) []formatCase {
	v4 := expansionOf(t, false, "192.0.2.0/25", "192.0.2.128/25", "198.51.100.0/24", "198.51.100.0/26",
		"203.0.113.0/24^25-26", "10.0.0.0/8^+")
	v4.Routes = dedupRoutes(v4.Routes)
	v6 := expansionOf(t, true, "2001:db8::/48", "2001:db8:1::/48", "2001:db8:100::/40", "::192.0.2.0/120")
	v6.Routes = dedupRoutes(v6.Routes)
	empty := &Expansion{}
	asns := []bgp.ASN{112, 174, 1299, 2914, 3257, 3320, 3356, 6453, 6762, 6939, 7018, 196615}
	ases := &Expansion{ASNs: asns}
	noPeer := &Expansion{ASNs: slices.DeleteFunc(slices.Clone(asns), func(a bgp.ASN) bool { return a == 112 })}
	tmpl, err := ParseTemplate(`%N %n/%l %a-%A %m %i\n`)
	if err != nil {
		t.Fatal(err)
	}
	annotate := Policy{Bogons: bogon.Default(), BogonAction: Annotate}
	return []formatCase{
		{"prefix list", v4, Options{Template: tmpl}, Policy{}},
		{"prefix list, aggregated and annotated", v4, Options{Aggregate: true, Template: tmpl}, annotate},
		{"IPv6 prefix list, more specifics up to /48, aggregated", v6, Options{Refine: 48, Aggregate: true, Template: tmpl}, Policy{}},
		{"empty prefix list", empty, Options{Name: "EMPTY", Template: tmpl}, Policy{}},
		{"numbered prefix list (-s)", v4, Options{Sequence: true, Template: tmpl}, Policy{}},
		{"extended list (-E), aggregated", v4, Options{Kind: Extended, Aggregate: true}, annotate},
		{"extended list (-E)", v4, Options{Kind: Extended}, Policy{}},
		{"IPv6 extended list (-E)", v6, Options{Kind: Extended}, Policy{}},
		{"extended list (-E) named POLICY/TERM, with -M", v4, Options{Kind: Extended, Name: "POLICY/TERM", Match: "community blackhole"}, Policy{}},
		{"empty extended list (-E)", empty, Options{Kind: Extended}, Policy{}},
		{"AS-path list (-f 112)", ases, Options{Kind: ASPath, PeerAS: 112}, Policy{}},
		{"AS-path list of others (-f 112)", noPeer, Options{Kind: ASPath, PeerAS: 112}, Policy{}},
		{"AS-path list of the peer alone (-f 112)", &Expansion{ASNs: []bgp.ASN{112}}, Options{Kind: ASPath, PeerAS: 112}, Policy{}},
		{"AS-path list, 3 a line (-W 3)", ases, Options{Kind: ASPath, PeerAS: 112, ASWidth: 3}, Policy{}},
		{"AS-path list, no limit (-W 0)", noPeer, Options{Kind: ASPath, PeerAS: 112, ASWidth: 0}, Policy{}},
		{"empty AS-path list", empty, Options{Kind: ASPath, PeerAS: 112}, Policy{}},
		{"AS list (-t)", ases, Options{Kind: ASSet}, Policy{}},
		{"empty AS list (-t)", empty, Options{Kind: ASSet}, Policy{}},
		{"empty prefix list denying an AS (-a)", empty, Options{DenyAS: 64500}, Policy{}},
	}
}

// TestFormats writes lists of every kind in every format, with
// aggregates, notes, empty lists and the options that change the
// output, and compares them with testdata/formats/FORMAT.txt. A list the
// format refuses (Options.Check) is written as the reason.
func TestFormats(t *testing.T) {
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			var out strings.Builder
			for _, c := range formatCases(t) {
				o := c.o
				if f.Name != userFormat {
					o.Template = nil
				}
				if o.ASWidth == 0 && !strings.Contains(c.name, "-W 0") {
					o.ASWidth = -1
				}
				o.V6 = c.x.V6
				fmt.Fprintf(&out, "=== %s\n", c.name)
				if err := o.Check(f); err != nil {
					fmt.Fprintf(&out, "refused: %v\n", err)
					continue
				}
				l, _ := Build(c.x, o, c.pol)
				var b bytes.Buffer
				if err := f.Write(&b, l); err != nil {
					t.Fatal(err)
				}
				out.Write(b.Bytes())
			}
			golden(t, "formats/"+f.Name+".txt", out.String())
		})
	}
}

func TestFormatsTable(t *testing.T) {
	seen := make(map[string]bool)
	for _, f := range Formats() {
		if seen[f.Name] || seen[f.Flag] {
			t.Errorf("%s %q: name or flag twice", f.Name, f.Flag)
		}
		seen[f.Name], seen[f.Flag] = true, true
		if f.prefixList == nil {
			t.Errorf("%s writes no prefix list", f.Name)
		}
		if g, ok := LookupFormat(f.Name); !ok || g != f {
			t.Errorf("LookupFormat(%q)", f.Name)
		}
	}
	if len(seen) != 2*15 {
		t.Errorf("%d formats, want 15", len(seen)/2)
	}
}

func TestAppendAddr(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":        "192.0.2.1",
		"::":               "::",
		"::1":              "::1",
		"::2":              "::2",
		"::c000:201":       "::192.0.2.1",
		"::ffff:192.0.2.1": "::ffff:192.0.2.1",
		"::1:0:0":          "::1:0:0",
		"2001:db8::1":      "2001:db8::1",
		"2001:db8:0:1::":   "2001:db8:0:1::",
		"2001:0:0:1::1":    "2001:0:0:1::1",
		"1:0:0:0:0:0:0:0":  "1::",
	} {
		if got := addrString(netip.MustParseAddr(in)); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
