package main

import (
	"encoding/json"
	"errors"
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

// TestROVUnusablePaths: announcements whose AS_PATH is malformed are
// treated as withdrawals (RFC 7606), reported, and make the result partial.
func TestROVUnusablePaths(t *testing.T) {
	crafted := "../../internal/mrtdump/testdata/crafted/aspath_format.mrt"
	code, stdout, stderr := runCmd(t, "rov", "--vrps", vrps2019, "--json", crafted)
	if code != exitPartial || !strings.Contains(stderr, "without a usable AS_PATH skipped (RFC 7606 3: treat-as-withdraw)") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if strings.Contains(stdout, `"origin_asn":null`) && strings.Contains(stdout, `"reason":"as"`) {
		t.Errorf("a route without origin was found invalid:\n%s", stdout)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteErrorStops: when the output cannot be written the command stops
// at once with the write error.
func TestWriteErrorStops(t *testing.T) {
	for _, args := range [][]string{
		{"mrt", "dump", "-m", ribSample, ribSample},
		{"rov", "--vrps", vrps2019, "--json", ribSample, ribSample},
		{"aspa", "--vrps", vrps2019, "--json", ribSample},
	} {
		var stderr strings.Builder
		code := run(args, failWriter{}, &stderr)
		if code != exitFailure || strings.Count(stderr.String(), "disk full") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestGroupCommands(t *testing.T) {
	for _, args := range [][]string{{"mrt", "bogus"}, {"mrt", "dump", "--bogus"}} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, stdout, _ := runCmd(t, "mrt"); code != exitOK || !strings.Contains(stdout, "dump") {
		t.Errorf("manrs mrt: exit %d\n%s", code, stdout)
	}
}
