package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/filter"
)

const (
	bgpq4Dir   = "../../testdata/irr/bgpq4"
	as112DB    = "../../testdata/irr/as112.db"
	policyDB   = "../../internal/filter/testdata/policy.db"
	policyVRPs = "../../internal/filter/testdata/policy-vrps.json"
)

// runFilterCmd runs "manrs filter ARGS" and returns its exit status and output.
func runFilterCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmd(t, append([]string{"filter"}, args...)...)
}

// filterGolden compares got with internal/filter/testdata/name, the
// package's golden files, rewriting it with -update.
func filterGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("../../internal/filter/testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/manrs -run Filter -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/manrs -run Filter -update if the change is intended)\n got:\n%s", path, got)
	}
}

// scriptCases reads bgpq4's generate_outputs.sh: for each bgpq4 command
// line, its arguments (the shell's variables and quotes resolved) and
// the file it writes.
func scriptCases(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(bgpq4Dir, "generate_outputs.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := strings.NewReplacer("${TEST_ASN}", "112", "${TEST_AS_SET}", "AS-AS112")
	cases := make(map[string][]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), `"${BGPQ4_PATH}" `)
		if !ok {
			continue
		}
		cmdline, out, ok := strings.Cut(line, " > ")
		if !ok {
			t.Fatalf("no output file in %q", sc.Text())
		}
		file := filepath.Base(strings.Trim(out, `"`))
		cases[file] = shellWords(t, vars.Replace(cmdline))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// shellWords splits a command line the way sh does for the script's
// lines: words separated by spaces, with single and double quotes.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestFilterBGPQ4Script runs every bgpq4 command line of
// generate_outputs.sh as manrs filter over as112.db, and compares the
// output with bgpq4's, byte for byte.
func TestFilterBGPQ4Script(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	cases := scriptCases(t)
	files, _ := filepath.Glob(filepath.Join(bgpq4Dir, "*.txt"))
	if len(cases) != 44 || len(files) != 44 {
		t.Fatalf("%d command lines, %d reference files; want 44 of each", len(cases), len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			args, ok := cases[name]
			if !ok {
				t.Fatalf("generate_outputs.sh does not write %s", name)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			code, got, stderr := runFilterCmd(t, append([]string{"--irr", as112DB}, args...)...)
			if code != exitOK || got != string(want) {
				t.Errorf("bgpq4 %s: exit %d\n got: %q\nwant: %q\nstderr: %s", strings.Join(args, " "), code, got, want, stderr)
			}
		})
	}
}

func TestFilterWarnings(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	code, out, stderr := runFilterCmd(t, "--irr", as112DB, "AS-NOPE")
	want := "no ip prefix-list NN\n! generated prefix-list NN is empty\nip prefix-list NN deny 0.0.0.0/0\n"
	if code != exitOK || out != want || !strings.Contains(stderr, "set AS-NOPE not found") {
		t.Errorf("unknown set: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
	code, _, stderr = runFilterCmd(t, "--irr", as112DB, "-S", "APNIC,AFRINIC", "AS112")
	if code != exitOK || !strings.Contains(stderr, "no object of source APNIC") || !strings.Contains(stderr, "is empty") {
		t.Errorf("missing sources: exit %d, stderr: %s", code, stderr)
	}
	code, _, stderr = runFilterCmd(t, "--irr", as112DB, "-S", "RIPE-NONAUTH,RIPE", "AS112")
	if code != exitOK || !strings.Contains(stderr, "earliest --irr source is taken (RIPE,RIPE-NONAUTH)") {
		t.Errorf("sources out of order: exit %d, stderr: %s", code, stderr)
	}
	t.Setenv("IRRD_SOURCES", "RIPE-NONAUTH")
	code, out, _ = runFilterCmd(t, "--irr", as112DB, "-j", "AS112")
	if code != exitOK || !strings.Contains(out, "192.31.196.0") {
		t.Errorf("IRRD_SOURCES: exit %d\n%s", code, out)
	}
}

func TestFilterUsage(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	for _, args := range [][]string{
		{"AS112"}, // no --irr
		{"--irr", as112DB, "-J", "-b", "AS112"},
		{"--irr", as112DB, "--format", "cisco", "AS112"},
		{"--irr", as112DB, "-7", "AS112"},
		{"--irr", as112DB, "-J", "-A", "AS112"},
		{"--irr", as112DB, "-E", "-f", "112", "AS112"},
		{"--irr", as112DB, "-f", "0", "AS112"},
		{"--irr", as112DB, "-6", "-f", "112", "AS112"},
		{"--irr", as112DB, "-F", "%n %q", "AS112"},
		{"--irr", as112DB, "-K", "-f", "112", "AS112"},
		{"--irr", as112DB, "-R", "0", "AS112"},
		{"--irr", as112DB, "-r", "25", "-R", "24", "AS112"},
		{"--irr", as112DB, "-m", "33", "AS112"},
		{"--irr", as112DB, "-s", "-J", "AS112"},
		{"--irr", as112DB, "-l", "two words", "AS112"},
		{"--irr", as112DB, "FOO"},
		{"--irr", as112DB, "RIPE::AS112"},
		{"--irr", as112DB, "AS112", "EXCEPT", "RS-FOO"},
		{"--irr", as112DB, "-6", "192.0.2.0/24"},
		{"--irr", as112DB, "--rpki", "drop", "AS112"},
		{"--irr", as112DB, "--vrps", policyVRPs, "AS112"},
		{"--irr", as112DB, "--vrps", policyVRPs, "--rpki", "maybe", "AS112"},
		{"--irr", as112DB, "--report", "xml", "AS112"},
		{"--irr", as112DB, "-t", "--bogons", "drop", "-j", "AS112"},
	} {
		code, _, stderr := runFilterCmd(t, args...)
		if code != exitUsage || !strings.HasPrefix(stderr, "manrs: ") {
			t.Errorf("%q: exit %d, want %d; stderr %q", args, code, exitUsage, stderr)
		}
	}
}

// TestFilterPolicy drops RPKI-invalid and bogon prefixes and reports
// them, with the foreign origins, in JSON.
func TestFilterPolicy(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	code, out, stderr := runFilterCmd(t, "--irr", policyDB, "--vrps", policyVRPs, "--rpki", "drop", "--bogons", "drop",
		"--report", "json", "-A", "AS-TEST")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r filter.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	filterGolden(t, "cmd-policy.json", out)
	reasons := map[string]string{}
	for _, n := range r.Dropped {
		reasons[n.Prefix] = n.Reason
	}
	if reasons["10.0.0.0/8"] != "bogon" || reasons["193.0.20.0/23"] != "rpki-invalid" {
		t.Errorf("dropped %v", reasons)
	}
	if r.Filter == nil || strings.Contains(*r.Filter, "10.0.0.0") || !strings.Contains(*r.Filter, "193.0.0.0/21") {
		t.Errorf("filter %v", r.Filter)
	}
	if len(r.Foreign) != 1 || r.Foreign[0].Prefix != "193.0.30.0/24" {
		t.Errorf("foreign %+v", r.Foreign)
	}
}

// TestFilterAnnotate keeps the failing prefixes with comments, and
// writes the text report on stderr.
func TestFilterAnnotate(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	code, out, stderr := runFilterCmd(t, "--irr", policyDB, "--vrps", policyVRPs, "--rpki", "annotate", "--bogons", "annotate",
		"--report", "text", "-l", "TEST", "AS-TEST")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	filterGolden(t, "cmd-annotate.txt", out)
	for _, want := range []string{"! bogon 10.0.0.0/8", "! rpki-invalid 193.0.20.0/23", "ip prefix-list TEST permit 10.0.0.0/8"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, want := range []string{"manrs: filter: 3 annotated", "left out AS64512: private-use ASN (RFC 6996)", "unknown sets: AS-MISSING"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no %q in stderr\n%s", want, stderr)
		}
	}
}

// TestFilterOutput writes the filter to a file, atomically.
func TestFilterOutput(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	path := filepath.Join(t.TempDir(), "as112.conf")
	code, out, stderr := runFilterCmd(t, "--irr", as112DB, "-J", "--output", path, "AS112")
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, stderr)
	}
	got, err := os.ReadFile(path)
	want, _ := os.ReadFile(filepath.Join(bgpq4Dir, "junos--4.txt"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: %v\n%s", path, err, got)
	}
}

// TestFilterPartial exits 3 when the IRR data has bad objects, the filter
// written all the same.
func TestFilterPartial(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	path := filepath.Join(t.TempDir(), "bad.db")
	data, err := os.ReadFile(as112DB)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\nroute: 192.0.2.0/33\norigin: AS112\nsource: RIPE\n"...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runFilterCmd(t, "--irr", path, "AS112")
	want, _ := os.ReadFile(filepath.Join(bgpq4Dir, "ios--4.txt"))
	if code != exitPartial || out != string(want) || !strings.Contains(stderr, "1 bad IRR object") {
		t.Errorf("exit %d\n%s\nstderr: %s", code, out, stderr)
	}
}

func TestFilterHelp(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	code, out, _ := runFilterCmd(t, "--help")
	if code != exitOK || !strings.Contains(out, "manrs filter --irr ripe.db.gz -Jl eltel AS20597") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestFilterManual runs the examples of bgpq4's manual page over the
// route objects it shows, and compares with the outputs it shows.
func TestFilterManual(t *testing.T) {
	t.Setenv("IRRD_SOURCES", "") // the sources of -S, when set
	const eltel = "../../internal/filter/testdata/eltel.db"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-Jl", "eltel", "AS20597"}, `policy-options {
replace:
 prefix-list eltel {
    81.9.0.0/20;
    81.9.32.0/20;
    81.9.96.0/20;
    81.222.128.0/20;
    81.222.192.0/18;
    85.249.8.0/21;
    85.249.224.0/19;
    89.112.0.0/19;
    89.112.4.0/22;
    89.112.32.0/19;
    89.112.64.0/19;
    217.170.64.0/20;
    217.170.80.0/20;
 }
}
`},
		{[]string{"-Al", "eltel", "AS20597"}, `no ip prefix-list eltel
ip prefix-list eltel permit 81.9.0.0/20
ip prefix-list eltel permit 81.9.32.0/20
ip prefix-list eltel permit 81.9.96.0/20
ip prefix-list eltel permit 81.222.128.0/20
ip prefix-list eltel permit 81.222.192.0/18
ip prefix-list eltel permit 85.249.8.0/21
ip prefix-list eltel permit 85.249.224.0/19
ip prefix-list eltel permit 89.112.0.0/18 ge 19 le 19
ip prefix-list eltel permit 89.112.4.0/22
ip prefix-list eltel permit 89.112.64.0/19
ip prefix-list eltel permit 217.170.64.0/19 ge 20 le 20
`},
		{[]string{"-F", `ipfw add pass all from %n/%l to any\n`, "-m", "19", "AS20597"}, `ipfw add pass all from 81.222.192.0/18 to any
ipfw add pass all from 85.249.224.0/19 to any
ipfw add pass all from 89.112.0.0/19 to any
ipfw add pass all from 89.112.32.0/19 to any
ipfw add pass all from 89.112.64.0/19 to any
`},
	} {
		code, out, stderr := runFilterCmd(t, append([]string{"--irr", eltel}, c.args...)...)
		if code != exitOK || out != c.want {
			t.Errorf("%q: exit %d\n%s\nwant\n%s\nstderr: %s", c.args, code, out, c.want, stderr)
		}
	}
	// The manual's route filter example, with its term and match.
	code, out, _ := runFilterCmd(t, "--irr", eltel, "-JEA", "-l", "eltel/specifics", "-r", "29", "-R", "32", "-M", "community blackhole", "AS20597")
	for _, want := range []string{"policy-options {\n policy-statement eltel {\n  term specifics {\nreplace:\n   from {\n    community blackhole;\n",
		"    route-filter 81.9.0.0/20 prefix-length-range /29-/32;\n", "    route-filter 217.170.64.0/19 prefix-length-range /29-/32;\n   }\n  }\n }\n}\n"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("-JEA: exit %d, no %q in\n%s", code, want, out)
		}
	}
}
