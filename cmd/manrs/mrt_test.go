package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestMRTDump(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		lines  int
		stdout []string
		stderr []string
	}{
		{name: "bgpdump lines", args: []string{"mrt", "dump", "-m", updSample}, code: exitOK, lines: 41234,
			stdout: []string{"BGP4MP|1470931200|A|2001:7f8:54::188|59689|2804:14d::/40|59689 6939 3356 4230 28573|IGP|2001:7f8:54::10|0|0|59689:200 59689:240|NAG||\n"}},
		{name: "bzip2 RIB", args: []string{"mrt", "dump", "-m", ribSample}, code: exitOK, lines: 270005,
			stdout: []string{"TABLE_DUMP2|1400824800|B|196.7.106.245|2905|0.0.0.0/0|2905 65023 16637|IGP|196.7.106.245|0|0||NAG||\n"}},
		{name: "partial record is reported", args: []string{"mrt", "dump", "-m", trimSample}, code: exitPartial, lines: 1,
			stdout: []string{"|11.13.0.0/13|"},
			stderr: []string{"decoded in part: mrt: " + trimSample + ": record 1 at 0x0: BGP message at offset 16: NLRI: RFC 4271 4.3"}},
		{name: "missing file", args: []string{"mrt", "dump", "-m", "no-such.mrt"}, code: exitFailure, stderr: []string{"no-such.mrt"}},
		{name: "no format", args: []string{"mrt", "dump", updSample}, code: exitUsage, stderr: []string{"-m or --json"}},
		{name: "both formats", args: []string{"mrt", "dump", "-m", "--json", updSample}, code: exitUsage},
		{name: "no files", args: []string{"mrt", "dump", "-m"}, code: exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if tc.lines > 0 && strings.Count(stdout, "\n") != tc.lines {
				t.Errorf("%d lines, want %d", strings.Count(stdout, "\n"), tc.lines)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q", s)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestMRTDumpJSON(t *testing.T) {
	code, stdout, stderr := runCmd(t, "mrt", "dump", "--json", "../../testdata/mrt/bgpdump/updates.20100722.2015.gz")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	types := map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		types[v["type"].(string)]++
		if v["type"] == "A" {
			for _, f := range []string{"timestamp", "peer_ip", "peer_asn", "prefix", "as_path", "origin", "next_hop"} {
				if _, ok := v[f]; !ok {
					t.Fatalf("line %d lacks %q: %s", i+1, f, line)
				}
			}
		}
	}
	// The same file gives 5067 A and 547 W lines with -m.
	if types["A"] != 5067 || types["W"] != 547 || types["STATE"] != 40 {
		t.Errorf("types %v", types)
	}
}

func TestMRTDumpStdin(t *testing.T) {
	f, err := os.Open(updSample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := newRootCmd(nil, nil)
	var out strings.Builder
	root.SetOut(&out)
	root.SetIn(f)
	root.SetArgs([]string{"mrt", "dump", "-m", "-"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 41234 {
		t.Errorf("%d lines from stdin", n)
	}
}

func TestMRTDumpTruncatedGzip(t *testing.T) {
	data, err := os.ReadFile(updSample)
	if err != nil {
		t.Fatal(err)
	}
	cut := t.TempDir() + "/cut.gz"
	if err := os.WriteFile(cut, data[:len(data)/4], 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "mrt", "dump", "-m", cut)
	if code != exitPartial || !strings.Contains(stderr, "cut.gz: record ") || !strings.Contains(stderr, "gzip: unexpected EOF") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if n := strings.Count(stdout, "\n"); n == 0 || n >= 41234 {
		t.Errorf("%d lines before the fault", n)
	}
}
