package main

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store/sqlite"
)

const (
	adviseTestdata = "../../internal/advise/testdata"
	adviseDB       = adviseTestdata + "/advise.db"
	adviseVRPs     = adviseTestdata + "/advise-vrps.csv"
)

func runAdviseCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmd(t, append([]string{"advise"}, args...)...)
}

// adviseGolden compares got with internal/advise/testdata/name, rewriting
// it with -update.
func adviseGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(adviseTestdata, name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/manrs -run Advise -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/manrs -run Advise -update if the change is intended)\n got:\n%s", path, got)
	}
}

// adviseStore writes a store holding two observed days with the prefixes
// AS64500 originated, and returns its path.
func adviseStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "manrs.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps := func(s string, states ...incident.RPKIState) []incident.PrefixStatus {
		var out []incident.PrefixStatus
		for i, f := range strings.Fields(s) {
			out = append(out, incident.PrefixStatus{Prefix: netip.MustParsePrefix(f), RPKI: states[i], IRR: states[i] == incident.Valid, Peers: 4 + i%3})
		}
		return out
	}
	days := []struct {
		date     string
		prefixes []incident.PrefixStatus
	}{
		{"2026-09-28", ps("192.0.2.0/24", incident.Valid)},
		{"2026-09-30", ps("192.0.2.0/24 203.0.113.0/24", incident.Valid, incident.NotFound)},
		{"2026-10-01", ps("192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 203.0.113.0/25 203.0.113.128/25 2001:db8:1::/48 2001:db8:2::/48 10.0.1.0/24",
			incident.Valid, incident.NotFound, incident.NotFound, incident.NotFound, incident.NotFound, incident.Invalid, incident.Invalid, incident.Valid)},
	}
	for _, d := range days {
		date, _ := time.Parse("2006-01-02", d.date)
		day := &incident.Day{Date: date, ASes: []bgp.ASN{64500}, Prefixes: map[bgp.ASN][]incident.PrefixStatus{64500: d.prefixes}}
		if err := st.PutDay(context.Background(), day); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestAdviseStore advises AS64500 from the prefixes stored for it, with
// the IRR data and VRPs of the tests, and from the stored states alone.
func TestAdviseStore(t *testing.T) {
	path := adviseStore(t)
	code, out, stderr := runAdviseCmd(t, "--irr", adviseDB, "--vrps", adviseVRPs, "--store", path, "--date", "2026-10-01", "AS64500")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	adviseGolden(t, "cmd-store.txt", out)

	code, out, stderr = runAdviseCmd(t, "--store", path, "--date", "2026-10-01", "--days", "3", "--json", "AS64500")
	if code != exitOK || !strings.Contains(stderr, "2026-09-29 is not in the store") {
		t.Fatalf("stored states: exit %d, stderr %s", code, stderr)
	}
	adviseGolden(t, "cmd-store-states.json", out)
	var r struct {
		Clean  bool
		Period string
		VRPs   *int
		Advice []struct{ Kind, Prefix string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Clean || r.Period != "from 2026-09-29 to 2026-10-01" || r.VRPs != nil || len(r.Advice) == 0 {
		t.Errorf("stored states: %+v %v", r, err)
	}

	code, _, stderr = runAdviseCmd(t, "--store", path, "--date", "2026-10-05", "AS64500")
	if code != exitFailure || !strings.Contains(stderr, "no day from 2026-10-05 to 2026-10-05 is in the store") {
		t.Errorf("day not stored: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = runAdviseCmd(t, "--store", filepath.Join(t.TempDir(), "none.db"), "--date", "2026-10-01", "AS64500")
	if code != exitFailure || !strings.Contains(stderr, "no store at") {
		t.Errorf("no store: exit %d, stderr %s", code, stderr)
	}
}

// TestAdviseClean checks that advice and no advice both exit 0, the JSON
// telling them apart.
func TestAdviseClean(t *testing.T) {
	path := adviseStore(t)
	for _, c := range []struct {
		irr, vrps, date string
		clean           bool
	}{
		{adviseTestdata + "/clean.db", adviseTestdata + "/clean-vrps.csv", "2026-09-28", true},
		{adviseTestdata + "/clean.db", adviseTestdata + "/clean-vrps.csv", "2026-09-30", false},
		{adviseDB, adviseVRPs, "2026-09-28", false},
	} {
		code, out, stderr := runAdviseCmd(t, "--irr", c.irr, "--vrps", c.vrps, "--store", path, "--date", c.date, "--json", "AS64500")
		var r struct{ Clean bool }
		if err := json.Unmarshal([]byte(out), &r); code != exitOK || err != nil || r.Clean != c.clean {
			t.Errorf("%s on %s: exit %d, clean %v, want %v: %v\n%s\n%s", c.irr, c.date, code, r.Clean, c.clean, err, out, stderr)
		}
	}
	// 192.0.2.0/24 was seen by 4 peers, 203.0.113.0/24 by 5.
	code, out, _ := runAdviseCmd(t, "--irr", adviseTestdata+"/clean.db", "--vrps", adviseTestdata+"/clean-vrps.csv", "--store", path, "--date", "2026-09-30", "--min-peers", "5", "AS64500")
	if code != exitOK || !strings.Contains(out, "AS64500: 1 prefix announced on 2026-09-30") || !strings.Contains(out, "route 192.0.2.0/24 AS64500 in RIPE, RPKI valid\n    not announced") {
		t.Errorf("--min-peers: exit %d\n%s", code, out)
	}
}

func TestAdviseUsage(t *testing.T) {
	for _, args := range [][]string{
		{"AS64500"},
		{"--irr", adviseDB, "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--date", "2026-10-01", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--store", "x.db", "AS64500"},
		{"--mrt", "x.mrt", "AS64500"},
		{"--irr", adviseDB, "--date", "2026-10-01", "--days", "0", "AS64500"},
		{"--irr", adviseDB, "--date", "1 October", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--min-peers", "0", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--mnt-by", "MNT FOO", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--source", "RIPE\nsource: X", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "--slurm", "x.json", "AS64500"},
		{"--irr", adviseDB, "--mrt", "x.mrt", "AS-FOO"},
		{"--irr", adviseDB, "--mrt", "x.mrt"},
	} {
		if code, _, stderr := runAdviseCmd(t, args...); code != exitUsage || !strings.HasPrefix(stderr, "manrs: ") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestAdviseWorld advises ASes of a generated tiny world from its first
// RIB dump, VRPs and IRR dumps, and checks the advice against the world's
// ground truth: an AS the world gave no ROA gets one proposed for each
// prefix it announces, the holder of a prefix under a previous holder's
// ROA is told of that ROA, and a prefix announced without a route object
// gets one to register.
func TestAdviseWorld(t *testing.T) {
	g := generateTinyWorld(t, 7)
	adviseJSON := func(asn bgp.ASN) (adviceJSON, string) {
		t.Helper()
		args := append(append([]string{}, g.irr...), "--vrps", g.vrps, "--mrt", g.rib, "--json", asn.String())
		code, out, stderr := runAdviseCmd(t, args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %s", asn, code, stderr)
		}
		var r adviceJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v\n%s", asn, err, out)
		}
		return r, out
	}
	var noROA, stale, noRoute int
	for _, a := range g.w.ASes {
		named := false
		for _, v := range g.w.VRPs {
			named = named || v.ASN == a.ASN
		}
		if named || noROA >= 3 || len(a.IPv4) == 0 {
			continue
		}
		r, out := adviseJSON(a.ASN)
		if len(r.Prefixes) == 0 {
			continue
		}
		noROA++
		for _, p := range r.Prefixes {
			if p.RPKI == "not-found" && !r.has("roa-missing", p.Prefix) {
				t.Errorf("%s announces %s, which no ROA covers: no ROA proposed\n%s", a.ASN, p.Prefix, out)
			}
			if p.Registered != nil && !*p.Registered {
				noRoute++
				if !r.has("route-missing", p.Prefix) || !strings.Contains(r.rpsl(p.Prefix), "origin:         "+a.ASN.String()) {
					t.Errorf("%s announces %s without a route object: none proposed\n%s", a.ASN, p.Prefix, out)
				}
			}
		}
	}
	for _, v := range g.w.StaleROAs {
		var holder bgp.ASN
		for _, a := range g.w.ASes {
			for _, p := range slices.Concat(a.IPv4, a.IPv6) {
				if p.Prefix == v.Prefix && a.ASN != v.ASN {
					holder = a.ASN
				}
			}
		}
		if holder == 0 || stale >= 3 {
			continue
		}
		r, out := adviseJSON(holder)
		for _, p := range r.Prefixes {
			if p.Prefix != v.Prefix.String() || p.RPKI != "invalid" {
				continue
			}
			stale++
			found := false
			for _, adv := range r.Advice {
				found = found || adv.Kind == "roa-invalid" && adv.Prefix == v.Prefix.String() && adv.ASN == v.ASN.String() && slices.Contains(adv.Prefixes, p.Prefix)
			}
			if !found {
				t.Errorf("%s announces %s under the ROA of %s: not named\n%s", holder, v.Prefix, v.ASN, out)
			}
		}
	}
	if noROA == 0 || stale == 0 || noRoute == 0 {
		t.Errorf("the world has too little to check: %d ASes without ROA, %d prefixes under a previous holder's ROA, %d without route object", noROA, stale, noRoute)
	}
}

// adviceJSON is the part of advise --json the tests read.
type adviceJSON struct {
	Clean    bool `json:"clean"`
	Prefixes []struct {
		Prefix     string `json:"prefix"`
		RPKI       string `json:"rpki"`
		Registered *bool  `json:"registered"`
	} `json:"prefixes"`
	Advice []struct {
		Kind     string   `json:"kind"`
		Prefix   string   `json:"prefix"`
		ASN      string   `json:"asn"`
		Prefixes []string `json:"prefixes"`
		RPSL     string   `json:"rpsl"`
	} `json:"advice"`
}

// has reports whether advice of the kind concerns the announced prefix.
func (r adviceJSON) has(kind, prefix string) bool {
	for _, a := range r.Advice {
		if a.Kind == kind && slices.Contains(a.Prefixes, prefix) {
			return true
		}
	}
	return false
}

// rpsl returns the route object proposed for the prefix.
func (r adviceJSON) rpsl(prefix string) string {
	for _, a := range r.Advice {
		if a.Kind == "route-missing" && a.Prefix == prefix {
			return a.RPSL
		}
	}
	return ""
}
