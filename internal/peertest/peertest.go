// Package peertest finds the real peer programs (bgpdump, bgpq4, stayrtr,
// BIRD, chromium, ...) that tests compare manrs against. A missing program
// skips the test with a clear message, except under CI (CI=true), where it
// fails it: CI installs every peer program and must never pass by
// skipping.
package peertest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Program returns the path of the first of names found on PATH; pkg is
// the Debian package that provides it, named in the message when none
// is.
func Program(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	what := strings.Join(names, " or ")
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI must install it (apt-get install -y %s)", what, pkg)
	}
	t.Skipf("%s is not installed (apt-get install -y %s); skipping the test against it", what, pkg)
	return ""
}
