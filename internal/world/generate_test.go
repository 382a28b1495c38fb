package world

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/delegated"
	"github.com/manrs/manrs/internal/peeringdb"
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
	opt := VerifyOptions{}
	if path, err := exec.LookPath("bgpdump"); err == nil {
		opt.Bgpdump = path
	} else if os.Getenv("CI") == "true" {
		t.Fatal("bgpdump is not installed")
	} else {
		t.Log("bgpdump is not installed: MRT files not checked against it")
	}
	_, checks, err := Verify(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]int{}
	for _, c := range checks {
		formats[c.Format]++
		if c.Err != "" {
			t.Errorf("%s: %s", c.Path, c.Err)
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(c.Path))
		switch c.Format {
		case "mrt-table-dump-v2":
			if c.Items < 100 {
				t.Errorf("%s: %d records", c.Path, c.Items)
			}
		case "rpki-client-json", "rpki-client-csv", "spoofer-jsonl":
			if c.Items == 0 {
				t.Errorf("%s is empty", c.Path)
			}
		case "caida-as-rel2":
			in, _, err := decompress.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			g, hdr, _, _ := asrel.Load(in, c.Path, true)
			in.Close()
			if g.Len() != ases || len(hdr.Clique) != clique {
				t.Errorf("%s: %d ASes, clique %v", c.Path, g.Len(), hdr.Clique)
			}
		case "caida-ppdc-ases":
			if c.Items != ases {
				t.Errorf("%s: %d cones, want %d", c.Path, c.Items, ases)
			}
		case "peeringdb-dump":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			d, _, _ := peeringdb.Load(fh, c.Path)
			fh.Close()
			if nets, _, contacts := d.Len(); nets < ases/4 || contacts == 0 {
				t.Errorf("%s: %d networks, %d contacts", c.Path, nets, contacts)
			}
		case "rir-delegated-extended":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			dr := delegated.NewReader(fh, c.Path)
			asns := 0
			for dr.Next() {
				if dr.Record().Type == delegated.ASN {
					asns++
				}
			}
			fh.Close()
			if asns != ases || c.Items < 2*ases {
				t.Errorf("%s: %d records, %d ASNs", c.Path, c.Items, asns)
			}
		case "ground-truth-jsonl":
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				var e Event
				json.Unmarshal(sc.Bytes(), &e)
				routing := e.Type != ContactRemoved && e.Type != Spoofing
				if routing && (len(e.Prefixes) == 0 || len(e.SeenBy) == 0) {
					t.Errorf("event %s lacks prefixes or observers", sc.Text())
				}
			}
			fh.Close()
		}
	}
	ribs := 3 * m.Counts["collectors"]
	if formats["mrt-table-dump-v2"] != ribs || formats["mrt-bgp4mp"] != updates*m.Counts["collectors"] ||
		formats["rpki-client-json"] != 1 || formats["rpsl-dump"] != 6 || formats["sources-yaml"] != 1 {
		t.Errorf("formats %v", formats)
	}
}

// TestVerifyCatchesDamage: a changed byte fails the file that holds it,
// and only that file.
func TestVerifyCatchesDamage(t *testing.T) {
	dir := t.TempDir()
	m := generateTiny(t, 7, dir)
	var victim ManifestFile
	for _, f := range m.Files {
		if f.Format == "rpsl-dump" {
			victim = f
			break
		}
	}
	path := filepath.Join(dir, filepath.FromSlash(victim.Path))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, checks, err := Verify(dir, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if (c.Err != "") != (c.Path == victim.Path) {
			t.Errorf("%s: error %q", c.Path, c.Err)
		}
	}
}
