package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// observedWorld generates a tiny three-day world and observes it into a
// fresh store; it returns the world directory and the store path.
func observedWorld(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	wdir := filepath.Join(dir, "world")
	if code, _, stderr := runCmd(t, "world", "generate", "--seed", "1", "--scale", "tiny", "--days", "3", "--update-interval", "1h", "--out", wdir); code != exitOK {
		t.Fatalf("world generate: exit %d: %s", code, stderr)
	}
	db := filepath.Join(dir, "manrs.db")
	code, stdout, stderr := runCmd(t, "observe", "--config", filepath.Join(wdir, "sources.yaml"), "--store", db, "--json")
	if code != exitOK {
		t.Fatalf("observe: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("observe printed %d days, want 3:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		var d dayOutput
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.ASes < 50 || d.Incidents == 0 || d.Measurements == 0 || d.Partial {
			t.Fatalf("observe summary %s (%v)", l, err)
		}
	}
	return wdir, db
}

// TestObservatoryCommands runs the observatory's commands one after the
// other on a stored world, as a user would: score an AS with an incident,
// ask for its conformance, list lapses, dispute an incident and accept
// the dispute, which takes the incident out of the score.
func TestObservatoryCommands(t *testing.T) {
	wdir, db := observedWorld(t)
	st := []string{"--store", db}

	// Pick the AS and M2 incident of the last day from the incident list.
	code, stdout, stderr := runCmd(t, append([]string{"incident", "list", "AS174", "--from", "2026-10-03", "--metric", "m2", "--json"}, st...)...)
	if code != exitOK {
		t.Fatalf("incident list: exit %d: %s", code, stderr)
	}
	var in struct {
		ID     string `json:"id"`
		Metric string `json:"metric"`
		ASN    uint32 `json:"asn"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &in); err != nil || in.Metric != "M2" || in.ASN != 174 {
		t.Fatalf("incident list: %v\n%s", err, stdout)
	}

	score := func() map[string]float64 {
		t.Helper()
		code, stdout, stderr := runCmd(t, append([]string{"score", "AS174", "--date", "2026-10-03", "--json"}, st...)...)
		if code != exitOK {
			t.Fatalf("score: exit %d: %s", code, stderr)
		}
		var s struct {
			Metrics []struct {
				Metric    string
				Incidents int
				Score     *float64
			}
			Actions []struct {
				Action string
				Score  *float64
			}
		}
		if err := json.Unmarshal([]byte(stdout), &s); err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, m := range s.Metrics {
			if m.Metric == "M2" {
				out["M2 incidents"] = float64(m.Incidents)
				out["M2"] = *m.Score
			}
		}
		for _, a := range s.Actions {
			if a.Action == "filtering" && a.Score != nil {
				out["filtering"] = *a.Score
			}
		}
		return out
	}
	before := score()
	if before["M2 incidents"] < 1 || before["M2"] >= 1 || before["filtering"] > before["M2"] {
		t.Fatalf("score before the dispute: %v", before)
	}

	// A calendar month is one period: the M2 incident continued over three
	// days is one incident there, which weighs more than its one day.
	code, stdout, _ = runCmd(t, append([]string{"score", "AS174", "--month", "2026-10", "--json"}, st...)...)
	var month struct {
		Days    int
		Metrics []struct {
			Metric    string
			Incidents int
			Score     float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &month); err != nil || code != exitOK || month.Days != 3 || month.Metrics[2].Metric != "M2" ||
		month.Metrics[2].Incidents != 1 || month.Metrics[2].Score >= before["M2"] {
		t.Errorf("score --month: exit %d, %v: %+v", code, err, month)
	}

	// The text explains: actions, policies, metrics and the incident.
	code, stdout, _ = runCmd(t, append([]string{"score", "AS174"}, st...)...)
	for _, want := range []string{"AS174, 2026-10-03", "filtering", "policy minimum", "M7RPKI", in.ID, "RPKI invalid"} {
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("score text lacks %q (exit %d):\n%s", want, code, stdout)
		}
	}

	// Conformance: AS174 has M2 incidents every day, so "no" with evidence
	// for each day, exit 1 under --quiet as grep does.
	code, stdout, _ = runCmd(t, append([]string{"conformance", "AS174", "--before", "2026-10-04", "--days", "3", "--json"}, st...)...)
	var ans struct {
		Conformant bool
		Evidence   []struct {
			Observed bool
			Failing  map[string]string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &ans); err != nil || code != exitOK || ans.Conformant || len(ans.Evidence) != 3 {
		t.Fatalf("conformance: exit %d, %v\n%s", code, err, stdout)
	}
	for _, e := range ans.Evidence {
		if !e.Observed || e.Failing["filtering"] == "" {
			t.Errorf("conformance evidence %+v", e)
		}
	}
	if code, _, _ = runCmd(t, append([]string{"conformance", "AS174", "--before", "2026-10-04", "--days", "3", "--quiet"}, st...)...); code != exitFailure {
		t.Errorf("conformance --quiet of a non-conformant AS: exit %d", code)
	}
	// Days before the store's first day are "not observed": not conformant.
	code, stdout, _ = runCmd(t, append([]string{"conformance", "AS174", "--before", "2026-10-02", "--days", "30"}, st...)...)
	if code != exitOK || !strings.Contains(stdout, "not observed") {
		t.Errorf("conformance over unobserved days: exit %d\n%s", code, stdout)
	}

	// Lapses are listed in a stable order, one line each.
	code, stdout, _ = runCmd(t, append([]string{"lapses", "--since", "2026-10-01"}, st...)...)
	if code != exitOK || !regexp.MustCompile(`(?m)^2026-10-0[23]  AS\d+ +(lapsed|restored) `).MatchString(stdout) || strings.Contains(stdout, "map[") {
		t.Errorf("lapses: exit %d\n%s", code, stdout)
	}

	// Dispute the incident and accept it: the incident leaves the score
	// and the default list, and the trail stays.
	code, stdout, stderr = runCmd(t, append([]string{"incident", "dispute", in.ID, "--reason", "our customer's prefix; ROA pending", "--by", "noc@as174"}, st...)...)
	m := regexp.MustCompile(`^dispute (\d+) of incident ` + in.ID + `: open`).FindStringSubmatch(stdout)
	if code != exitOK || m == nil {
		t.Fatalf("incident dispute: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, append([]string{"incident", "review", m[1], "--accept", "--note", "checked", "--by", "reviewer",
		"--config", filepath.Join(wdir, "sources.yaml")}, st...)...)
	if code != exitOK || !strings.Contains(stdout, "accepted") || !strings.Contains(stdout, "reviewed") {
		t.Fatalf("incident review: exit %d\n%s%s", code, stdout, stderr)
	}
	after := score()
	if after["M2 incidents"] != before["M2 incidents"]-1 || after["M2"] <= before["M2"] {
		t.Errorf("after the accepted dispute: %v, before %v", after, before)
	}
	code, stdout, _ = runCmd(t, append([]string{"incident", "show", in.ID}, st...)...)
	if code != exitOK || !strings.Contains(stdout, "dispute:accepted") || !strings.Contains(stdout, "ROA pending") {
		t.Errorf("incident show after review: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, append([]string{"incident", "list", "AS174", "--from", "2026-10-03", "--metric", "M2"}, st...)...)
	if code != exitOK || strings.Contains(stdout, in.ID) {
		t.Errorf("an accepted incident is still listed: exit %d\n%s", code, stdout)
	}
	// A second review of the same dispute is refused.
	if code, _, _ := runCmd(t, append([]string{"incident", "review", m[1], "--reject"}, st...)...); code == exitOK {
		t.Error("a reviewed dispute was reviewed again")
	}

	// Bad requests are usage errors or clear failures.
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"score", "ASfoo"}, exitUsage},
		{[]string{"score", "AS174", "--date", "26-10-03"}, exitUsage},
		{[]string{"score", "AS174", "--month", "2026-10", "--days", "30"}, exitUsage},
		{[]string{"score", "AS174", "--month", "October"}, exitUsage},
		{[]string{"conformance", "AS174"}, exitUsage},
		{[]string{"conformance", "AS174", "--before", "2026-10-04", "--policy", "nosuch"}, exitUsage},
		{[]string{"lapses"}, exitUsage},
		{[]string{"incident", "list", "AS174", "--metric", "M7IRR"}, exitUsage},
		{[]string{"incident", "show", "0000"}, exitFailure},
		{[]string{"incident", "dispute", in.ID}, exitUsage},
		{[]string{"incident", "review", m[1]}, exitUsage},
		{[]string{"observe"}, exitUsage},
		{[]string{"observe", "--config", filepath.Join(wdir, "sources.yaml"), "--date", "2026-10-01", "--from", "2026-10-01"}, exitUsage},
	} {
		if code, _, stderr := runCmd(t, append(c.args, st...)...); code != c.code {
			t.Errorf("manrs %s: exit %d, want %d (%s)", strings.Join(c.args, " "), code, c.code, stderr)
		}
	}
}

// TestObservePartial observes a day one of whose RIB dumps is corrupt: the
// day is stored as partial with the reason, and the exit status is 3.
func TestObservePartial(t *testing.T) {
	wdir, db := observedWorld(t)
	ribs, err := filepath.Glob(filepath.Join(wdir, "collectors", "*", "2026.10", "bview.20261002.*"))
	if err != nil || len(ribs) == 0 {
		t.Fatalf("no RIB dump of 2026-10-02 (%v)", err)
	}
	if err := os.WriteFile(ribs[0], []byte("\x1f\x8b\x08\x00 not gzip after all"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "observe", "--config", filepath.Join(wdir, "sources.yaml"), "--store", db, "--date", "2026-10-02", "--json", "--quiet")
	var d dayOutput
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || code != exitPartial || !d.Partial || len(d.Reasons) == 0 {
		t.Fatalf("observe of a damaged day: exit %d, %v\n%s%s", code, err, stdout, stderr)
	}
	if !strings.Contains(strings.Join(d.Reasons, "\n"), filepath.Base(ribs[0])) {
		t.Errorf("the reasons do not name the damaged file %s: %q", ribs[0], d.Reasons)
	}
	// The partial day shows in the conformance evidence.
	code, stdout, _ = runCmd(t, "conformance", "AS174", "--before", "2026-10-04", "--days", "3", "--store", db)
	if code != exitOK || !strings.Contains(stdout, "2026-10-02") || !strings.Contains(stdout, "partial") {
		t.Errorf("conformance with a partial day: exit %d\n%s", code, stdout)
	}
}
