package world

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/delegated"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/peeringdb"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rpsl"
	"github.com/manrs/manrs/internal/spoofer"
)

func generateTiny(t *testing.T, seed uint64, dir string) *Manifest {
	return generateScale(t, "tiny", seed, dir, 30*time.Minute)
}

func generateScale(t *testing.T, scale string, seed uint64, dir string, updates time.Duration) *Manifest {
	t.Helper()
	sc, _ := ParseScale(scale)
	m, err := Generate(Options{Seed: seed, Scale: sc, Days: 1, Out: dir, UpdateInterval: updates})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGenerateDeterministic: the same seed and options give the same
// bytes; another seed gives other bytes.
func TestGenerateDeterministic(t *testing.T) {
	a := generateTiny(t, 42, t.TempDir())
	b := generateTiny(t, 42, t.TempDir())
	c := generateTiny(t, 43, t.TempDir())
	if len(a.Files) == 0 || len(a.Files) != len(b.Files) {
		t.Fatalf("%d and %d files", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i] != b.Files[i] {
			t.Errorf("%s differs between two runs with one seed", a.Files[i].Path)
		}
	}
	same := 0
	for i := range a.Files {
		if i < len(c.Files) && a.Files[i].SHA256 == c.Files[i].SHA256 {
			same++
		}
	}
	if same == len(a.Files) {
		t.Error("another seed gave the same world")
	}
}

// TestGenerateReadBack reads every file of a tiny and a small world with
// the project's own readers, and the MRT files with bgpdump too.
func TestGenerateReadBack(t *testing.T) {
	for _, tc := range []struct {
		scale   string
		ases    int
		clique  int
		updates int
	}{{"tiny", 60, 3, 48}, {"small", 1500, 6, 24}} {
		t.Run(tc.scale, func(t *testing.T) {
			dir := t.TempDir()
			interval := 30 * time.Minute
			if tc.scale == "small" {
				interval = time.Hour
			}
			readBack(t, dir, generateScale(t, tc.scale, 1, dir, interval), tc.ases, tc.clique, tc.updates)
		})
	}
}

func readBack(t *testing.T, dir string, m *Manifest, ases, clique, updates int) {
	formats := map[string]int{}
	for _, f := range m.Files {
		formats[f.Format]++
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		switch f.Format {
		case "mrt-table-dump-v2", "mrt-bgp4mp":
			in, _, err := decompress.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			r := mrt.NewReader(in, f.Path)
			r.OnError = func(e *mrt.Error) { t.Errorf("%v", e) }
			n := 0
			for r.Next() {
				n++
			}
			in.Close()
			if r.Err() != nil {
				t.Errorf("%s: %v", f.Path, r.Err())
			}
			if f.Format == "mrt-table-dump-v2" && n < 100 {
				t.Errorf("%s: %d records", f.Path, n)
			}
		case "rpki-client-json", "rpki-client-csv":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			set, st, err := rpki.Load(fh, f.Path, rpki.LoadOptions{Strict: true})
			fh.Close()
			if err != nil || st.SkippedTotal() > 0 || len(set.VRPs) == 0 {
				t.Errorf("%s: %v, %d VRPs, %d skipped", f.Path, err, len(set.VRPs), st.SkippedTotal())
			}
		case "caida-as-rel2":
			in, _, err := decompress.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			g, hdr, st, err := asrel.Load(in, f.Path, true)
			in.Close()
			if err != nil || g.Len() != ases || len(hdr.Clique) != clique || st.Skipped > 0 {
				t.Errorf("%s: %v, %d ASes, clique %v", f.Path, err, g.Len(), hdr.Clique)
			}
		case "caida-ppdc-ases":
			in, _, err := decompress.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			cones, _, err := asrel.LoadCones(in, f.Path, true)
			in.Close()
			if err != nil || cones.Len() != ases {
				t.Errorf("%s: %v", f.Path, err)
			}
		case "peeringdb-dump":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			d, st, err := peeringdb.Load(fh, f.Path)
			fh.Close()
			nets, _, contacts := d.Len()
			if err != nil || st.Skipped > 0 || nets < ases/4 || contacts == 0 {
				t.Errorf("%s: %v, %d networks, %d contacts, stats %+v", f.Path, err, nets, contacts, st)
			}
		case "spoofer-jsonl":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			sr := spoofer.NewReader(fh, f.Path)
			sr.Strict = true
			for sr.Next() {
			}
			fh.Close()
			if sr.Err() != nil {
				t.Errorf("%s: %v", f.Path, sr.Err())
			}
		case "rpsl-dump":
			in, _, err := decompress.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			rr := rpsl.NewReader(in, f.Path)
			rr.Strict = true
			for rr.Next() {
				o := rr.Object()
				switch o.Class() {
				case "route", "route6":
					if _, err := rpsl.ParseRoute(o); err != nil {
						t.Errorf("%s: %v", f.Path, err)
					}
				case "as-set":
					if s, err := rpsl.ParseASSet(o); err != nil || len(s.Invalid) > 0 {
						t.Errorf("%s: %v %v", f.Path, err, s.Invalid)
					}
				case "aut-num":
					if _, err := rpsl.ParseAutNum(o); err != nil {
						t.Errorf("%s: %v", f.Path, err)
					}
				}
			}
			in.Close()
			if rr.Err() != nil {
				t.Errorf("%s: %v", f.Path, rr.Err())
			}
		case "sources-yaml":
			// Every path and template it names must match files.
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				_, v, ok := strings.Cut(line, ": ")
				if !ok || !strings.Contains(v, "/") {
					continue
				}
				glob := strings.NewReplacer("{date}", "20261001", "{month}", "2026.10", "{date_}", "2026_10_01").Replace(strings.TrimSpace(v))
				if m, _ := filepath.Glob(filepath.Join(dir, glob)); len(m) == 0 {
					t.Errorf("sources.yaml: %q matches no file", v)
				}
			}
		case "rir-delegated-extended":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			dr := delegated.NewReader(fh, f.Path)
			dr.Strict = true
			n, asns := 0, 0
			for dr.Next() {
				n++
				if dr.Record().Type == delegated.ASN {
					asns++
				}
			}
			fh.Close()
			if dr.Err() != nil || asns != ases || n < 2*ases || dr.Header().Records != n {
				t.Errorf("%s: %v, %d records, %d ASNs, header says %d", f.Path, dr.Err(), n, asns, dr.Header().Records)
			}
		case "ground-truth-jsonl":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				var e Event
				err := json.Unmarshal(sc.Bytes(), &e)
				routing := e.Type != ContactRemoved && e.Type != Spoofing
				if err != nil || e.Culprit == 0 || routing && (len(e.Prefixes) == 0 || len(e.SeenBy) == 0) {
					t.Errorf("event %s: %v", sc.Text(), err)
				}
			}
			fh.Close()
		default:
			t.Errorf("%s: unknown format %s", f.Path, f.Format)
		}
	}
	ribs := 3 * m.Counts["collectors"]
	if formats["mrt-table-dump-v2"] != ribs || formats["mrt-bgp4mp"] != updates*m.Counts["collectors"] || formats["rpki-client-json"] != 1 {
		t.Errorf("formats %v", formats)
	}
	if _, err := exec.LookPath("bgpdump"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bgpdump is not installed")
		}
		t.Skip("bgpdump is not installed: MRT files not checked against it")
	}
	for _, f := range m.Files {
		if !strings.HasPrefix(f.Format, "mrt-") {
			continue
		}
		out, err := exec.Command("bgpdump", "-v", "-m", filepath.Join(dir, f.Path)).CombinedOutput()
		if err != nil || strings.Contains(string(out), "[error]") || strings.Contains(string(out), "[warn]") {
			t.Errorf("bgpdump %s: %v\n%s", f.Path, err, firstLines(string(out), 5))
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
