package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The RIB sample's first routes have paths such as "2905 65023 16637" and
// "701 6453 15169". These ASPAs make some of them valid, some invalid.
const aspaSample = `{"metadata":{"buildtime":"2014-05-23T06:00:00Z"},"roas":[],"aspas":[
 {"customer_asid":15169,"providers":[6453,3356]},
 {"customer_asid":6453,"providers":[0]},
 {"customer_asid":701,"providers":[0]},
 {"customer_asid":16637,"providers":[7]}
]}`

func TestASPA(t *testing.T) {
	dir := t.TempDir()
	vrps := filepath.Join(dir, "aspas.json")
	if err := os.WriteFile(vrps, []byte(aspaSample), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "aspa", "--vrps", vrps, "--json", "--summary", ribSample)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s aspaSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Customers != 4 || s.Direction != "downstream" || s.IPv4.Total() != 270005 {
		t.Fatalf("summary %+v", s)
	}
	if s.IPv4.Valid == 0 || s.IPv4.Invalid == 0 || s.IPv4.Unknown == 0 {
		t.Errorf("want all three outcomes: %+v", s.IPv4)
	}
	// 701 6453 15169: 6453 is a provider of 15169 (up), 701 attests
	// no providers and 6453 none either. Downstream (from a provider)
	// this is one up hop and one unattested down hop: valid. Upstream
	// (from a customer) 701 would have to be a provider of 6453, which
	// 6453's ASPA denies: invalid.
	code, stdout, _ = runCmd(t, "aspa", "--vrps", vrps, "--json", "--only", "valid", ribSample)
	if code != exitOK || !strings.Contains(stdout, `"as_path":[701,6453,15169]`) {
		t.Errorf("want 701 6453 15169 valid downstream; exit %d", code)
	}
	code, stdout, _ = runCmd(t, "aspa", "--vrps", vrps, "--direction", "upstream", "--json", "--only", "invalid", ribSample)
	if code != exitOK || !strings.Contains(stdout, `"as_path":[701,6453,15169]`) || !strings.Contains(stdout, `"direction":"upstream"`) {
		t.Errorf("want 701 6453 15169 invalid upstream; exit %d", code)
	}
	code, stdout, _ = runCmd(t, "aspa", "--vrps", vrps, ribSample)
	if code != exitOK || !strings.Contains(stdout, "270005 AS paths verified downstream against the ASPAs of 4 customer ASes") {
		t.Errorf("text summary: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runCmd(t, "aspa", "--vrps", vrps, "--direction", "sideways", ribSample); code != exitUsage {
		t.Errorf("bad direction: exit %d", code)
	}
	_, _, stderr = runCmd(t, "aspa", "--vrps", vrps2019, updSample)
	if !strings.Contains(stderr, "no ASPA records") {
		t.Errorf("no warning about missing ASPAs: %s", stderr)
	}
}
