package mrtdump

import (
	"bytes"
	"flag"

	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/peertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/crafted/*.want")

// divergences lists the crafted inputs (testdata/crafted) on which manrs
// deliberately prints something other than bgpdump 1.6.2, with the
// reason. For these the test compares against testdata/crafted/NAME.want;
// NAME.expected keeps what bgpdump printed. docs/manrs-mrt.md explains
// each kind of difference.
var divergences = map[string]string{
	"aggregator":               "a 6-byte AGGREGATOR in a four-octet record is read by its length; of two AGGREGATORs the first counts (RFC 7606 3g)",
	"as4path_merge":            "AS4_PATH is merged as RFC 6793 4.2.3 says: bgpdump repeats the first AS_PATH segment, counts confederation segments and keeps a malformed AS4_PATH",
	"aspath_format":            "an AS_PATH with an empty segment is malformed (RFC 4271 4.3) and prints as ! Error !",
	"attr_defaults":            "attributes of the wrong length are discarded (RFC 7606 7), not zero-filled; of duplicates the first counts",
	"bgp_messages":             "a BGP header length that does not match the record is a corrupt record, not a hint",
	"bgp_type5":                "type BGP (5) lines: withdrawn prefixes keep their own address and the communities field is not glued to MED",
	"communities":              "a COMMUNITIES attribute whose length is not a multiple of 4 is discarded (RFC 7606 7.8)",
	"crash_as4agg_before_agg":  "bgpdump aborts on attribute order",
	"crash_dup_abbrev_mpreach": "bgpdump aborts on a second MP_REACH_NLRI",
	"crash_dup_aspath":         "bgpdump aborts on a duplicate AS_PATH",
	"crash_dup_communities":    "bgpdump aborts on a duplicate COMMUNITIES",
	"crash_dup_origin":         "bgpdump aborts on a duplicate ORIGIN",
	"crash_peer_index_range":   "bgpdump aborts on a RIB entry whose peer index is out of range; manrs skips the entry",
	"frame_et_short":           "bgpdump stops at a BGP4MP_ET record too short for its microseconds; manrs skips it and goes on",
	"frame_zero_length":        "bgpdump stops at a record of length 0; manrs skips it and goes on",
	"limit_aspath":             "AS paths are printed whole; bgpdump cuts them after 7900 bytes",
	"limit_communities":        "communities are printed whole; bgpdump cuts them after 8191 bytes",
	"local_addpath":            "MESSAGE_LOCAL_ADDPATH records are labelled _LOCAL_AP and show the peer; IPv6 withdrawals on IPv4 LOCAL sessions show the peer's IPv4 address",
	"mp_bgp4mp":                "MP_REACH_NLRI with a next hop of length 0 keeps its fields; LOCAL_PREF and MED are unsigned; a second MP_UNREACH_NLRI is discarded (RFC 7606 3g)",
	"nlri_edge":                "an IPv4 prefix longer than 32 bits ends the NLRI field (RFC 4271 4.3)",
	"prefix_len_overflow":      "prefix lengths beyond the address ends the field; bgpdump prints memory past the prefix",
	"table_dump_v1":            "TABLE_DUMP subtype 4 prints IPv6 addresses; a mask beyond the address length is a corrupt record",
	"table_dump_v1_batched":    "every entry of a TABLE_DUMP record is printed, not just the first",
	"table_dump_v1_short4":     "records that declare 4 bytes less than they hold are read in full (early RIS dumps)",
	"table_dump_v2":            "an IPv4 RIB prefix longer than 32 bits is a corrupt record",
	"td2_entry_count_overrun":  "RIB entries that the record does not hold are not invented",
	"td2_long_viewname":        "a view name of 255 bytes or more is read as such",
}

// ours decodes an MRT file and returns the lines manrs prints for it.
func ours(t *testing.T, name string) []byte {
	t.Helper()
	in, _, err := decompress.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	r := mrt.NewReader(in, name)
	var out []byte
	for r.Next() {
		out = AppendLines(out, r.Record())
	}
	return out
}

// bgpdumpLines runs bgpdump -m on name.
func bgpdumpLines(t *testing.T, name string) []byte {
	t.Helper()
	out, err := exec.Command("bgpdump", "-q", "-m", name).Output()
	if err != nil {
		t.Fatalf("bgpdump -m %s: %v", name, err)
	}
	return out
}

func needBgpdump(t *testing.T) {
	t.Helper()
	peertest.Program(t, "bgpdump", "bgpdump")
}

// TestBgpdumpOracleSamples runs bgpdump -m and our dump over every real MRT
// sample in testdata/mrt and requires identical output, except for the
// documented faults of bgpdump in the deprecated type BGP (5).
func TestBgpdumpOracleSamples(t *testing.T) {
	needBgpdump(t)
	files, _ := filepath.Glob("../../testdata/mrt/*/*.gz")
	more, _ := filepath.Glob("../../testdata/mrt/*/*/*.gz")
	bz, _ := filepath.Glob("../../testdata/mrt/*/*.bz2")
	files = append(append(files, more...), bz...)
	if len(files) < 20 {
		t.Fatalf("found only %d sample files", len(files))
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			t.Parallel()
			want := bgpdumpLines(t, name)
			got := ours(t, name)
			if filepath.Base(name) == "updates.20000325.0345.gz" {
				// The fifth record is damaged: its body is a run of other
				// records. bgpdump prints 2040 lines of garbage from it
				// and stops at the next header; manrs reports both faults
				// and finds the records after them. Both agree on what
				// precedes the damage.
				want = firstLines(want, 4)
				if n := bytes.Count(got, []byte{'\n'}); n < 5000 {
					t.Errorf("only %d lines: the records after the damage were not found", n)
				}
				got = firstLines(got, 4)
			}
			compareLines(t, want, got, bgpdumpType5Fault)
		})
	}
}

// TestBgpdumpOracleCrafted checks the crafted edge cases: against live
// bgpdump where we agree with it, against the golden .want file where we
// do not (see divergences).
func TestBgpdumpOracleCrafted(t *testing.T) {
	files, _ := filepath.Glob("testdata/crafted/*.mrt")
	if len(files) == 0 {
		t.Fatal("no crafted files")
	}
	seen := map[string]bool{}
	for _, name := range files {
		base := strings.TrimSuffix(filepath.Base(name), ".mrt")
		seen[base] = true
		t.Run(base, func(t *testing.T) {
			got := ours(t, name)
			if _, ok := divergences[base]; ok {
				golden := strings.TrimSuffix(name, ".mrt") + ".want"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/mrtdump -update to create it)", err)
				}
				compareLines(t, want, got, nil)
				return
			}
			needBgpdump(t)
			compareLines(t, bgpdumpLines(t, name), got, nil)
		})
	}
	for name := range divergences {
		if !seen[name] {
			t.Errorf("divergence %q has no crafted file", name)
		}
	}
}

func firstLines(b []byte, n int) []byte {
	i := 0
	for ; n > 0 && i < len(b); n-- {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return b
		}
		i += j + 1
	}
	return b[:i]
}

// compareLines fails the test at the first differing line. equal, if not
// nil, may accept a pair of lines that differ.
func compareLines(t *testing.T, want, got []byte, equal func(want, got string) bool) {
	t.Helper()
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] && (equal == nil || !equal(w[i], g[i])) {
			t.Fatalf("line %d differs (update golden files with go test ./internal/mrtdump -update where that is intended):\nwant %s\ngot  %s", i+1, w[i], g[i])
		}
	}
	if len(w) != len(g) {
		t.Fatalf("got %d lines, want %d", len(g)-1, len(w)-1)
	}
}

// bgpdumpType5Fault accepts the two faults bgpdump has in lines of the
// deprecated MRT type BGP (5), and nothing else: a withdrawn prefix printed
// with the peer's address in place of its own (inet_ntoa's static buffer),
// and the communities field glued to the MED field.
func bgpdumpType5Fault(want, got string) bool {
	if !strings.HasPrefix(want, "BGP|") {
		return false
	}
	w, g := strings.Split(want, "|"), strings.Split(got, "|")
	switch {
	case len(w) == 6 && len(g) == 6 && w[2] == "W":
		_, wlen, _ := strings.Cut(w[5], "/")
		_, glen, _ := strings.Cut(g[5], "/")
		return strings.Join(w[:5], "|") == strings.Join(g[:5], "|") &&
			w[5] == w[3]+"/"+wlen && wlen == glen
	case len(w) == 14 && len(g) == 15 && w[2] == "A":
		return strings.Join(w[:10], "|") == strings.Join(g[:10], "|") &&
			w[10] == g[10]+g[11] &&
			strings.Join(w[11:], "|") == strings.Join(g[12:], "|")
	}
	return false
}

func TestBgpdumpType5Fault(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"BGP|1|W|192.0.2.1|65001|192.0.2.1/16", "BGP|1|W|192.0.2.1|65001|10.4.0.0/16", true},
		{"BGP|1|W|192.0.2.1|65001|192.0.2.1/16", "BGP|1|W|192.0.2.1|65001|10.4.0.0/17", false},
		{"BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 2|IGP|192.0.2.1|0|765001:1|NAG||", "BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 2|IGP|192.0.2.1|0|7|65001:1|NAG||", true},
		{"BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 2|IGP|192.0.2.1|0|0|NAG||", "BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 2|IGP|192.0.2.1|0|0||NAG||", true},
		{"BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 2|IGP|192.0.2.1|0|0|NAG||", "BGP|1|A|192.0.2.1|65001|10.2.0.0/16|1 3|IGP|192.0.2.1|0|0||NAG||", false},
		{"BGP4MP|1|W|192.0.2.1|65001|192.0.2.1/16", "BGP4MP|1|W|192.0.2.1|65001|10.4.0.0/16", false},
	} {
		if got := bgpdumpType5Fault(tc.want, tc.got); got != tc.ok {
			t.Errorf("bgpdumpType5Fault(%q, %q) = %v", tc.want, tc.got, got)
		}
	}
}

// TestDivergencesDiffer makes sure that each documented divergence is real:
// the recorded bgpdump output differs from ours, or bgpdump crashed.
func TestDivergencesDiffer(t *testing.T) {
	for name := range divergences {
		if strings.HasPrefix(name, "crash_") {
			continue
		}
		if strings.HasPrefix(name, "crash_") {
			continue
		}
		want, err := os.ReadFile(filepath.Join("testdata/crafted", name+".expected"))
		if err != nil {
			t.Fatal(err)
		}
		got := ours(t, filepath.Join("testdata/crafted", name+".mrt"))
		if bytes.Equal(want, got) {
			t.Errorf("%s: manrs prints what bgpdump printed; remove it from divergences", name)
		}
	}
}
