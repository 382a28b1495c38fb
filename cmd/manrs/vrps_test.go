package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const vrpsTestdata = "../../internal/rpki/testdata/"

func runVRPs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"vrps", "convert"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVRPsConvert(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1714564800")
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string // substrings
		stderr    []string
		notStdout []string
	}{
		{name: "json to csv", args: []string{"--to", "csv", vrpsTestdata + "rpki-client.json"}, code: exitOK,
			stdout: []string{"ASN,IP Prefix,Max Length,Trust Anchor,Expires\n", "AS13335,1.0.0.0/24,24,apnic,1714608000\n"},
			stderr: []string{"2 ASPAs not written"}},
		{name: "csv to openbgpd", args: []string{"--to", "openbgpd", vrpsTestdata + "routinator.csv"}, code: exitOK,
			stdout: []string{"roa-set {\n\t1.0.0.0/24 source-as 13335\n", "aspa-set {\n}\n"}},
		{name: "merge and bird2", args: []string{"--to", "bird2", "--bird.table", "RPKI", vrpsTestdata + "rpki-client.csv", vrpsTestdata + "routinator.json"}, code: exitOK,
			stdout: []string{"define force_roa_table_update = 1714564800;", "roa6 table RPKI6;", "\troute 2606:4700::/32 max 48 as 13335;\n"}},
		{name: "rpsl", args: []string{"--to", "rpsl", vrpsTestdata + "rpki-client.csv"}, code: exitOK,
			stdout: []string{"\nroute6: 2001:67c:2e8::/48\norigin: AS3333\n", "source: ROA-RIPE-RPKI-ROOT\n", "created: 2024-05-01T12:00:00Z\n"}},
		{name: "slurm", args: []string{"--to", "json", "--slurm", vrpsTestdata + "slurm-rfc8416.json", vrpsTestdata + "rpki-client.json"}, code: exitOK,
			stdout: []string{`"prefix": "198.51.100.0/24", "maxLength": 24, "ta": "slurm"`, `"customer_asid": 64496`}},
		{name: "overlapping slurm files", args: []string{"--to", "json", "--slurm", vrpsTestdata + "slurm-rfc8416.json", "--slurm", vrpsTestdata + "slurm-rpki-rs-full_v2.json", vrpsTestdata + "rpki-client.json"}, code: exitFailure,
			stderr: []string{"RFC 8416 4.2"}},
		{name: "bad records are partial", args: []string{"--to", "csv", vrpsTestdata + "bad-records.json"}, code: exitPartial,
			stdout: []string{"AS13335,1.0.0.0/24,24,apnic,0\n"},
			stderr: []string{"bad-records.json: skipped 15 bad records: 3 prefix, 1 host-bits, 2 maxlength, 3 asn, 2 missing, 2 field, 2 providers"}},
		{name: "strict", args: []string{"--strict", "--to", "csv", vrpsTestdata + "bad-records.json"}, code: exitFailure,
			stderr: []string{"bad-records.json: line 4: "}, notStdout: []string{"AS13335"}},
		{name: "syntax error", args: []string{"--to", "csv", vrpsTestdata + "truncated.json"}, code: exitFailure,
			stderr: []string{"truncated.json", "syntax error"}},
		{name: "missing file", args: []string{"--to", "csv", "no-such-file.json"}, code: exitFailure},
		{name: "no --to", args: []string{vrpsTestdata + "rpki-client.json"}, code: exitUsage, stderr: []string{"--to is required"}},
		{name: "bad --to", args: []string{"--to", "xml", vrpsTestdata + "rpki-client.json"}, code: exitUsage},
		{name: "bad --from", args: []string{"--from", "xml", "--to", "csv", vrpsTestdata + "rpki-client.json"}, code: exitUsage},
		{name: "no files", args: []string{"--to", "csv"}, code: exitUsage},
		{name: "unknown flag", args: []string{"--nope", "--to", "csv", "x"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runVRPs(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.notStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q", s)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestVRPsConvertOutputFile(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1714564800")
	dir := t.TempDir()
	out := filepath.Join(dir, "vrps.json")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runVRPs(t, "--to", "json", "-o", out, vrpsTestdata+"rpki-client.json")
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("{\n\t\"metadata\": {")) || !bytes.Contains(got, []byte(`"buildtime": "2024-05-01T12:00:00Z"`)) {
		t.Errorf("output:\n%s", got)
	}
	// A failed conversion leaves the old file and no temporary file.
	code, _, _ = runVRPs(t, "--to", "json", "-o", out, vrpsTestdata+"truncated.json")
	if code != exitFailure {
		t.Errorf("exit %d", code)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
	// Standard input, and the round trip through our own JSON.
	var stdout2, stderr2 bytes.Buffer
	root := newRootCmd(&stdout2, &stderr2)
	root.SetIn(bytes.NewReader(got))
	root.SetArgs([]string{"vrps", "convert", "--to", "json", "-"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout2.Bytes(), got) {
		t.Errorf("JSON round trip through stdin differs:\n%s\n%s", stdout2.Bytes(), got)
	}
}

func TestVRPsHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"vrps", "convert", "--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, s := range []string{"--slurm", "openbgpd", "bird2", "rpsl", "Examples:", "SOURCE_DATE_EPOCH"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("help lacks %q", s)
		}
	}
}
