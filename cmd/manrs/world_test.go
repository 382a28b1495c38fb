package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorldGenerate(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "world", "generate", "--seed", "3", "--scale", "tiny", "--update-interval", "1h", "--json", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Scale  string
		Files  int
		Counts map[string]int
	}
	var manifest struct{ Files []struct{ Path string } }
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &manifest)
	}
	if err != nil {
		t.Fatal(err)
	}
	// 3 RIB dumps and 24 update files (one an hour), and the rest.
	if err := json.Unmarshal([]byte(stdout), &s); err != nil || s.Scale != "tiny" || s.Files != len(manifest.Files) || s.Files < 3+24+10 || s.Counts["ases"] != 60 {
		t.Fatalf("summary %s (%v)", stdout, err)
	}
	// The world's own files feed the other commands.
	code, stdout, _ = runCmd(t, "rov", "--vrps", filepath.Join(dir, "rpki/20261001/rpki-client.json"),
		filepath.Join(dir, "collectors/rrc00/2026.10/bview.20261001.0000.gz"))
	if code != exitOK || !strings.Contains(stdout, "validated against") {
		t.Errorf("rov on the world: exit %d\n%s", code, stdout)
	}
	// verify reads it all back; a damaged file fails it.
	code, stdout, stderr = runCmd(t, "world", "verify", "--json", dir)
	if code != exitOK || strings.Count(stdout, "\n") != len(manifest.Files) || strings.Contains(stdout, `"error"`) {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "sources.yaml"), []byte("rpki: nowhere/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd(t, "world", "verify", dir)
	if code != exitFailure || !strings.Contains(stdout, "FAIL sources-yaml") || !strings.Contains(stderr, "1 of ") {
		t.Errorf("verify of a damaged world: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, args := range [][]string{
		{"world", "verify"},
		{"world", "generate", "--scale", "tiny"},
		{"world", "generate", "--scale", "huge", "--out", dir},
		{"world", "generate", "--days", "0", "--out", dir},
		{"world", "generate", "--start", "yesterday", "--out", dir},
		{"world", "frobnicate"},
	} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
