package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/manrs/manrs/internal/peertest"
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
			stdout:    []string{`"prefix": "198.51.100.0/24", "maxLength": 24, "ta": "slurm" }`, `"customer_asid": 64496`},
			notStdout: []string{`"expires": 0`}},
		{name: "two standard inputs", args: []string{"--to", "csv", "-", "-"}, code: exitUsage,
			stderr: []string{`standard input ("-") given 2 times`}},
		{name: "standard input for slurm and vrps", args: []string{"--to", "csv", "--slurm", "-", "-"}, code: exitUsage,
			stderr: []string{`standard input ("-") given 2 times`}},
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

// compressors write data compressed in a format decompress reads.
var compressors = map[string]func(t *testing.T, data []byte) []byte{
	"gz": func(t *testing.T, data []byte) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(data)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	},
	"zst": func(t *testing.T, data []byte) []byte {
		w, err := zstd.NewWriter(nil)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		return w.EncodeAll(data, nil)
	},
	"bz2": func(t *testing.T, data []byte) []byte {
		cmd := exec.Command(peertest.Program(t, "bzip2", "bzip2"), "-c")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return out
	},
}

// compressedCopy writes testdata file name, compressed with ext, into dir.
func compressedCopy(t *testing.T, dir, name, ext string) string {
	t.Helper()
	data, err := os.ReadFile(vrpsTestdata + name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+"."+ext)
	if err := os.WriteFile(path, compressors[ext](t, data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVRPsConvertCompressed(t *testing.T) {
	for _, ext := range []string{"gz", "zst", "bz2"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			vrps := compressedCopy(t, dir, "rpki-client.json", ext)
			slurm := compressedCopy(t, dir, "slurm-rfc8416.json", ext)
			code, stdout, stderr := runVRPs(t, "--to", "csv", "--slurm", slurm, vrps)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, want := range []string{"AS13335,1.0.0.0/24,24,apnic,1714608000\n", "AS64496,198.51.100.0/24,24,slurm,0\n"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
		})
	}
}

// runVRPsStdin runs manrs with stdin and returns the exit status run would.
func runVRPsStdin(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.SetIn(bytes.NewReader(stdin))
	root.SetArgs(append([]string{"vrps", "convert"}, args...))
	err := root.Execute()
	var ue usageError
	switch {
	case err == nil:
		return exitOK, stdout.String(), stderr.String()
	case errors.As(err, &ue):
		return exitUsage, stdout.String(), err.Error()
	}
	return exitFailure, stdout.String(), err.Error()
}

func TestVRPsConvertStdin(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(vrpsTestdata + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	slurm, vrps := read("slurm-rfc8416.json"), read("rpki-client.json")
	tests := []struct {
		name   string
		stdin  []byte
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"slurm", slurm, []string{"--to", "csv", "--slurm", "-", vrpsTestdata + "rpki-client.json"}, exitOK,
			[]string{"AS13335,1.0.0.0/24,24,apnic,", "AS64496,198.51.100.0/24,24,slurm,0\n"}, ""},
		{"gzip slurm", compressors["gz"](t, slurm), []string{"--to", "csv", "--slurm", "-", vrpsTestdata + "rpki-client.json"}, exitOK,
			[]string{"AS64496,198.51.100.0/24,24,slurm,0\n"}, ""},
		{"zstd vrps", compressors["zst"](t, vrps), []string{"--to", "csv", "-"}, exitOK,
			[]string{"AS13335,1.0.0.0/24,24,apnic,1714608000\n"}, ""},
		{"bad slurm", []byte("{}"), []string{"--to", "csv", "--slurm", "-", vrpsTestdata + "rpki-client.json"}, exitFailure,
			nil, "rpki: -: slurmVersion"},
		{"twice", vrps, []string{"--to", "csv", "--slurm", "-", "-"}, exitUsage, nil, "given 2 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runVRPsStdin(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderr)
			}
		})
	}
}

func TestVRPsGroup(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"vrps"}, exitOK, "Available Commands:", ""},
		{[]string{"vrps", "bogus"}, exitUsage, "", `unknown command "bogus" for "manrs vrps"`},
		{[]string{"vrps", "bogus", "convert"}, exitUsage, "", `unknown command "bogus" for "manrs vrps"`},
		{[]string{"vrps", "--nope"}, exitUsage, "", "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, stdout, stderr)
			}
		})
	}
}
