package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const (
	ribSample  = "../../testdata/mrt/pyasn/rib.20140523.0600_firstMB.clean.bz2"
	vrps2019   = "../../testdata/rpki/ripe-2019-vrps.json"
	roas2016   = "../../testdata/rpki/ripe-2016-roas.csv"
	updSample  = "../../testdata/mrt/bgpdump/updates.20160811.1600.gz"
	trimSample = "../../testdata/mrt/bgpdump/updates.nlri_mask_trailing_bits.gz"
)

// runCmd runs the manrs command line and returns its exit status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/manrs -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/manrs -update if the change is intended)\n got:\n%s", path, got)
	}
}

func TestHelpEverywhere(t *testing.T) {
	root := newRootCmd(nil, nil)
	for _, c := range root.Commands() {
		args := []string{c.Name(), "--help"}
		code, out, _ := runCmd(t, args...)
		if code != exitOK || !strings.Contains(out, "Usage:") {
			t.Errorf("manrs %s --help: exit %d\n%s", c.Name(), code, out)
		}
		for _, sub := range c.Commands() {
			code, out, _ := runCmd(t, c.Name(), sub.Name(), "--help")
			if code != exitOK || !strings.Contains(out, "Usage:") {
				t.Errorf("manrs %s %s --help: exit %d\n%s", c.Name(), sub.Name(), code, out)
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, stderr := runCmd(t, "frobnicate"); code != exitUsage || !strings.Contains(stderr, "unknown command") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
