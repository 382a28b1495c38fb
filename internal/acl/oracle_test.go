package acl

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/peertest"
)

// tool returns the path of an external program that can check rulesets,
// skipping the test when it is not installed or cannot work here (nft
// and iptables-restore need the kernel's netfilter, even to check): it
// must accept probe and refuse bad.
func tool(t *testing.T, name string, args []string, probe, bad string) string {
	t.Helper()
	pkg := "iptables"
	if name == "nft" {
		pkg = "nftables"
	}
	path := peertest.Program(t, pkg, name)
	run := func(input string) error {
		cmd := exec.Command(path, args...)
		cmd.Stdin = strings.NewReader(input)
		return cmd.Run()
	}
	if err := run(probe); err != nil {
		t.Skipf("%s cannot check rulesets here: %v", name, err)
	}
	if run(bad) == nil {
		t.Skipf("%s accepts anything here", name)
	}
	return path
}

// TestNftablesOracle has nft check the nftables golden files (nft -c).
func TestNftablesOracle(t *testing.T) {
	nft := tool(t, "nft", []string{"-c", "-f", "-"}, "table inet manrs_probe {\n}\n", "table inet manrs_probe {\n\tchain c {\n\t\tfrobnicate\n\t}\n}\n")
	files, _ := filepath.Glob("testdata/*nftables*.txt")
	if len(files) == 0 {
		t.Fatal("no nftables golden file")
	}
	for _, f := range files {
		out, err := exec.Command(nft, "-c", "-f", f).CombinedOutput()
		if err != nil {
			t.Errorf("nft -c -f %s: %v\n%s", f, err, out)
		}
	}
}

// TestIPTablesOracle has iptables-restore and ip6tables-restore check
// the rules the iptables golden files load (--test), and sh the scripts
// (-n).
func TestIPTablesOracle(t *testing.T) {
	probe := "*raw\n:MANRS-PROBE - [0:0]\nCOMMIT\n"
	bad := "*raw\n:MANRS-PROBE - [0:0]\n-A MANRS-PROBE -s not-an-address -j RETURN\nCOMMIT\n"
	tools := map[string]string{
		"iptables-restore":  tool(t, "iptables-restore", []string{"--test", "--noflush"}, probe, bad),
		"ip6tables-restore": tool(t, "ip6tables-restore", []string{"--test", "--noflush"}, probe, bad),
	}
	files, _ := filepath.Glob("testdata/*iptables*.txt")
	if len(files) == 0 {
		t.Fatal("no iptables golden file")
	}
	for _, f := range files {
		script, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("sh", "-n", f).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v\n%s", f, err, out)
		}
		checked := 0
		for name, path := range tools {
			rules, ok := heredoc(string(script), name+" --noflush <<'EOF'\n")
			if !ok {
				continue
			}
			checked++
			cmd := exec.Command(path, "--test", "--noflush")
			cmd.Stdin = strings.NewReader(rules)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Errorf("%s --test %s: %v\n%s\n%s", name, f, err, out.String(), rules)
			}
		}
		if checked == 0 {
			t.Errorf("%s: no rules found", f)
		}
	}
}

// heredoc returns the text of the here-document that follows start in
// script, up to the line EOF.
func heredoc(script, start string) (string, bool) {
	i := strings.Index(script, start)
	if i < 0 {
		return "", false
	}
	body := script[i+len(start):]
	j := strings.Index(body, "\nEOF\n")
	if j < 0 {
		return "", false
	}
	return body[:j+1], true
}
