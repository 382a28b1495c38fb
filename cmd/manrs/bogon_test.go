package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const bogonTestdata = "../../internal/bogon/testdata/"

func runBogon(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"bogon"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestBogonText(t *testing.T) {
	code, stdout, stderr := runBogon(t, "192.0.2.0/24", "10.1.2.3", "8.8.8.0/24", "192.175.48.0/24",
		"AS64512", "3356", "0.0.0.0/0", "2001:db8::/48", "10.1.2.3/16", "1.10", "1.100", "AS0")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `192.0.2.0/24: bogon: covered by 192.0.2.0/24, Documentation (TEST-NET-1) [special-purpose; RFC 5737; IANA IPv4 Special-Purpose Address Registry]
10.1.2.3: bogon: in 10.0.0.0/8, Private-Use [special-purpose; RFC 1918; IANA IPv4 Special-Purpose Address Registry]
8.8.8.0/24: not a bogon
192.175.48.0/24: not a bogon: within 192.175.48.0/24, Direct Delegation AS112 Service, globally reachable [special-purpose; RFC 7534; IANA IPv4 Special-Purpose Address Registry]
AS64512: bogon: in AS64512-AS65534, Private Use [special-purpose; RFC 6996; IANA Special-Purpose AS Numbers registry]
3356: not a bogon
0.0.0.0/0: bogon: covers 0.0.0.0/8, "This network" [special-purpose; RFC 791 section 3.2; IANA IPv4 Special-Purpose Address Registry]
2001:db8::/48: bogon: covered by 2001:db8::/32, Documentation [special-purpose; RFC 3849; IANA IPv6 Special-Purpose Address Registry]
10.1.2.3/16: bogon: covered by 10.0.0.0/8, Private-Use [special-purpose; RFC 1918; IANA IPv4 Special-Purpose Address Registry]
1.10: bogon: in AS65536-AS65551, Documentation [special-purpose; RFC 5398; IANA Special-Purpose AS Numbers registry]
1.100: bogon: in AS65552-AS131071, Reserved [reserved; IANA; IANA Autonomous System (AS) Numbers registry]
AS0: bogon: in AS0, Reserved (AS 0) [special-purpose; RFC 7607; IANA Special-Purpose AS Numbers registry]
`
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestBogonJSON(t *testing.T) {
	code, stdout, stderr := runBogon(t, "--json", "192.0.2.0/24", "8.8.8.8", "AS23456", "2001:4:112::/48", "fe80::1%eth0")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), stdout)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, m)
	}
	checks := []map[string]any{
		{"query": "192.0.2.0/24", "type": "prefix", "prefix": "192.0.2.0/24", "bogon": true, "relation": "covered-by",
			"kind": "special-purpose", "entry": "192.0.2.0/24", "name": "Documentation (TEST-NET-1)", "source": "RFC 5737",
			"registry": "IANA IPv4 Special-Purpose Address Registry", "forwardable": "false", "globally_reachable": "false"},
		{"query": "8.8.8.8", "type": "address", "address": "8.8.8.8", "bogon": false},
		{"query": "AS23456", "type": "asn", "asn": 23456.0, "bogon": true, "entry": "AS23456", "first": 23456.0, "last": 23456.0,
			"name": "AS_TRANS", "source": "RFC 6793"},
		{"query": "2001:4:112::/48", "bogon": false, "entry": "2001:4:112::/48", "name": "AS112-v6", "globally_reachable": "true"},
		{"query": "fe80::1%eth0", "type": "address", "bogon": true, "entry": "fe80::/10", "name": "Link-Local Unicast"},
	}
	for i, want := range checks {
		for k, v := range want {
			if got[i][k] != v {
				t.Errorf("line %d: %s = %v, want %v", i+1, k, got[i][k], v)
			}
		}
	}
	if _, ok := got[1]["entry"]; ok {
		t.Errorf("no-bogon answer has an entry: %v", got[1])
	}
	if _, ok := got[2]["forwardable"]; ok {
		t.Errorf("ASN answer has a forwardable flag: %v", got[2])
	}
}

func TestBogonFiles(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "fullbogons-ipv4.txt.gz")
	data, err := os.ReadFile(bogonTestdata + "fullbogons-ipv4.txt")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	full := bogonTestdata + "fullbogons-ipv4.txt"
	nro := bogonTestdata + "nro-extended-excerpt.txt"
	bad := bogonTestdata + "fullbogons-bad.txt"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"fullbogons", []string{"--fullbogons", full, "23.135.225.0/24", "8.8.8.0/24"}, exitOK,
			[]string{"23.135.225.0/24: bogon: covered by 23.135.225.0/24, listed in fullbogons (updated 2022-03-16) [fullbogons; " + full + " line 4; Team Cymru fullbogons]\n",
				"8.8.8.0/24: not a bogon\n"}, nil},
		{"compressed", []string{"--fullbogons", gz, "23.135.225.0/24"}, exitOK,
			[]string{"[fullbogons; " + gz + " line 4; Team Cymru fullbogons]"}, nil},
		{"delegated", []string{"--delegated", nro, "9.9.9.0/24", "1.0.0.0/24", "2001:601::/32", "AS9", "AS7"}, exitOK,
			[]string{"9.9.9.0/24: bogon: covered by 8.0.0.0/7, not in delegated statistics [unallocated; absent from " + nro + "; RIR delegated statistics]\n",
				"1.0.0.0/24: not a bogon\n",
				"2001:601::/32: bogon: covered by 2001:601::/32, reserved [unallocated; " + nro + " line 19; ripencc delegated statistics]\n",
				"AS9: bogon: in AS9-AS23455, not in delegated statistics",
				"AS7: not a bogon\n"}, nil},
		{"absent ignored", []string{"--absent", "ignored", "--delegated", nro, "9.9.9.0/24"}, exitOK,
			[]string{"9.9.9.0/24: not a bogon\n"}, nil},
		{"match covered", []string{"--match", "covered", "0.0.0.0/0", "192.0.0.0/23", "10.0.0.0/8"}, exitOK,
			[]string{"0.0.0.0/0: not a bogon\n", "192.0.0.0/23: not a bogon\n", "10.0.0.0/8: bogon"}, nil},
		{"bad lines", []string{"--fullbogons", bad, "27.123.224.0/22"}, exitPartial,
			[]string{"27.123.224.0/22: bogon: covered by 27.123.224.0/22"},
			[]string{"fullbogons-bad.txt: skipped 6 bad lines; first: bogon: " + bad + ": line 3: prefix 10.0.0.1/8 has host bits set", "skipped 6 bad lines in the data files"}},
		{"strict", []string{"--strict", "--fullbogons", bad, "8.8.8.0/24"}, exitFailure, nil, []string{"line 3"}},
		{"strict quiet", []string{"-q", "--strict", "--fullbogons", bad, "8.8.8.0/24"}, exitUsage, nil, []string{"line 3"}},
		{"missing file", []string{"--delegated", "no-such-file", "8.8.8.0/24"}, exitFailure, nil, []string{"no-such-file"}},
		{"missing file quiet", []string{"-q", "--delegated", "no-such-file", "8.8.8.0/24"}, exitUsage, nil, []string{"no-such-file"}},
		{"quiet, no bogon", []string{"-q", "8.8.8.0/24", "AS3356"}, exitOK, nil, nil},
		{"quiet, a bogon", []string{"--quiet", "8.8.8.0/24", "AS0"}, exitFailure, nil, []string{"1 of 2 arguments are bogons"}},
		{"quiet, bad lines", []string{"-q", "--fullbogons", bad, "8.8.8.0/24"}, exitOK, nil, []string{"skipped 6 bad lines"}},
		{"bad argument", []string{"8.8.8.0/24", "not-a-thing"}, exitUsage, nil, []string{`"not-a-thing" is not a prefix, an address or an ASN`}},
		{"bad prefix", []string{"10.0.0.0/33"}, exitUsage, nil, []string{`"10.0.0.0/33" is not a prefix`}},
		{"no arguments", nil, exitUsage, nil, []string{"needs at least 1"}},
		{"bad --absent", []string{"--absent", "maybe", "8.8.8.0/24"}, exitUsage, nil, []string{"--absent"}},
		{"bad --match", []string{"--match", "exact", "8.8.8.0/24"}, exitUsage, nil, []string{"--match"}},
		{"unknown flag", []string{"--nope", "8.8.8.0/24"}, exitUsage, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBogon(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if strings.Contains(strings.Join(tt.args, " "), "-q") && stdout != "" {
				t.Errorf("--quiet printed %q", stdout)
			}
		})
	}
}
