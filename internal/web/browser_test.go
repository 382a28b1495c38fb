package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/manrs/manrs/internal/peertest"
)

// chromium returns the path of Debian's chromium, or skips the test
// where it is not installed (except under CI, where that fails it).
func chromium(t *testing.T) string {
	t.Helper()
	return peertest.Program(t, "chromium", "chromium", "chromium-browser", "google-chrome")
}

// TestDashboardInBrowser drives the dashboard in headless Chromium: the
// search form leads to an AS page, whose readiness cards, both history
// charts (drawn by script from the API) and incident evidence show.
func TestDashboardInBrowser(t *testing.T) {
	exe := chromium(t)
	f := getFixture(t)
	srv := httptest.NewServer(New(f.st, f.o, nil))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser; a timeout on it would stop the
	// browser, so the deadline guards the steps after it.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	step, cancelSteps := context.WithTimeout(ctx, 90*time.Second)
	defer cancelSteps()
	run := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(step, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(step, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	asn := fmt.Sprint(uint32(f.asn))
	do("search", chromedp.WaitVisible(`input[name="as"]`), chromedp.SendKeys(`input[name="as"]`, "AS"+asn), chromedp.Submit(`input[name="as"]`),
		chromedp.WaitVisible(`#readiness`))
	title := run("title", chromedp.Title())
	cards := run("readiness", chromedp.Text(`#readiness`))
	do("charts", chromedp.WaitVisible(`#chart30.drawn canvas`), chromedp.WaitVisible(`#chart365.drawn canvas`))
	points30, err := chromedp.Run(step, chromedp.AttributeValue(`#chart30`, "data-points"))
	if err != nil {
		t.Fatal(err)
	}
	points365, err := chromedp.Run(step, chromedp.AttributeValue(`#chart365`, "data-points"))
	if err != nil {
		t.Fatal(err)
	}
	metrics := run("metrics", chromedp.Text(`#metrics`))
	if !strings.Contains(title, "AS"+asn) {
		t.Errorf("the search led to %q", title)
	}
	for _, a := range []string{"Filtering", "Anti spoofing", "Coordination", "Global validation"} {
		if !strings.Contains(cards, a) {
			t.Errorf("readiness cards lack %s: %q", a, cards)
		}
	}
	if points30.Value != "30" || points365.Value != "12" {
		t.Errorf("charts: %q and %q points", points30.Value, points365.Value)
	}
	if !strings.Contains(metrics, "M7RPKI") {
		t.Errorf("metrics table: %q", metrics)
	}

	// An incident opens to show its evidence: the AS path that the
	// collector peer saw.
	n, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll("details.incident").length`))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("AS%s shows no incident", asn)
	}
	do("open an incident", chromedp.Click(`details.incident summary`), chromedp.WaitVisible(`details.incident[open] table.evidence`))
	evidence := run("evidence", chromedp.Text(`details.incident[open] table.evidence`))
	if !strings.Contains(evidence, "AS path") || !strings.Contains(evidence, asn) {
		t.Errorf("evidence %q", evidence)
	}
}
