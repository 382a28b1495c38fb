package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestROVSummary(t *testing.T) {
	code, stdout, stderr := runCmd(t, "rov", "--vrps", vrps2019, "--vrps", roas2016, ribSample)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "rov-summary.txt", stdout)
}

func TestROVJSON(t *testing.T) {
	code, stdout, stderr := runCmd(t, "rov", "--vrps", vrps2019, "--vrps", roas2016, "--json", ribSample)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 270005 {
		t.Fatalf("%d lines", len(lines))
	}
	want := `{"prefix":"5.10.160.0/19","origin_asn":"AS20825","peer_asn":"AS701","peer_ip":"157.130.10.233","timestamp":1400824800,"state":"invalid","reason":"as","vrps":{"matched":[],"unmatched_as":[{"asn":"AS6830","prefix":"5.10.160.0/19","max_length":19}],"unmatched_length":[]}}`
	if !strings.Contains(stdout, want+"\n") {
		t.Errorf("no line %s", want)
	}
	states := map[string]int{}
	for _, l := range lines {
		var v struct {
			State, Reason string
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		states[v.State+"/"+v.Reason]++
	}
	// Must agree with the summary (testdata/rov-summary.txt).
	if states["valid/"] != 621 || states["invalid/as"] != 155 || states["invalid/length"] != 52 || states["not-found/"] != 269177 {
		t.Errorf("states %v", states)
	}
}

func TestROVOptions(t *testing.T) {
	code, stdout, _ := runCmd(t, "rov", "--vrps", roas2016, "--json", "--only", "valid", updSample)
	if code != exitOK || strings.Count(stdout, "\n") == 0 || strings.Contains(stdout, `"state":"not-found"`) {
		t.Errorf("--only valid: exit %d, %d lines", code, strings.Count(stdout, "\n"))
	}
	code, stdout, _ = runCmd(t, "rov", "--vrps", vrps2019, "--json", "--summary", updSample)
	var s rovSummary
	if code != exitOK || json.Unmarshal([]byte(stdout), &s) != nil || s.VRPs != 371 || len(s.Peers) == 0 {
		t.Errorf("--summary: exit %d, %q", code, stdout)
	}
	for _, args := range [][]string{
		{"rov", updSample},
		{"rov", "--vrps", vrps2019},
		{"rov", "--vrps", vrps2019, "--only", "valid", updSample},
		{"rov", "--vrps", vrps2019, "--json", "--only", "bogus", updSample},
	} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, _ := runCmd(t, "rov", "--vrps", vrps2019, trimSample); code != exitPartial {
		t.Errorf("damaged MRT: exit %d, want %d", code, exitPartial)
	}
	if code, _, _ := runCmd(t, "rov", "--vrps", vrps2019, "nope.mrt"); code != exitFailure {
		t.Errorf("unreadable MRT: exit %d, want %d", code, exitFailure)
	}
}
