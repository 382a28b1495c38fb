package delivertest

import (
	"testing"
	"time"
)

// WaitFor waits until f holds, checking every 10 milliseconds for up to
// 5 seconds, and fails the test if it never does; what names the
// awaited condition in the failure. Receivers get their messages on
// their own goroutines, so a test waits for them rather than sleeping.
func WaitFor(t testing.TB, what string, f func() bool) {
	t.Helper()
	for range 500 {
		if f() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
