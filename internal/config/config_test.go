package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	good := `
collectors:
  - name: rrc00
    style: ris
    ribs: collectors/rrc00/{month}/bview.{date}.*.gz
rpki:
  vrps: rpki/{date}/rpki-client.json
  slurm: local.json
irr:
  - source: RIPE
    dump: irr/ripe.db.gz
asrel: caida/as-rel2.txt.bz2
delegated: [rir/a, rir/b]
`
	s, err := Parse([]byte(good), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Collectors[0].Name != "rrc00" || len(s.Delegated) != 2 || len(s.RPKI.SLURM) != 1 || s.IRR[0].Source != "RIPE" {
		t.Errorf("%+v", s)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key", "collectors:\n  - name: a\n    ribs: x\nrpkii: {}\n", "line 4: field rpkii not found"},
		{"twice", "collectors:\n  - {name: a, ribs: x}\n  - {name: a, ribs: y}\n", `"a" named twice`},
		{"style", "collectors:\n  - {name: a, ribs: x, style: bgpmon}\n", "neither ris nor routeviews"},
		{"irr", "collectors:\n  - {name: a, ribs: x}\nirr:\n  - {source: RIPE}\n", "irr[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "s.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "s.yaml") {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFeeds: the retention of the feeds has a default, may be 0 (keep
// everything) and may not be shorter than a month and a day.
func TestFeeds(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
		err  string
	}{
		{"tenants: []\n", DefaultFeedRetentionDays, ""},
		{"feeds: {retention_days: 0}\n", 0, ""},
		{"feeds: {retention_days: 400}\n", 400, ""},
		{"feeds: {retention_days: 7}\n", 0, "retention_days 7"},
		{"feeds: {retention_days: -1}\n", 0, "retention_days -1"},
		{"feeds: {keep: 3}\n", 0, "field keep not found"},
	} {
		s, err := Parse([]byte(c.text), "f.yaml")
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.text, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.text, err)
		case s.Feeds.RetentionDays != c.want || s.Feeds.Retention() != time.Duration(c.want)*24*time.Hour:
			t.Errorf("%q: retention %d days", c.text, s.Feeds.RetentionDays)
		}
	}
}

// TestCheckObserve: a file without collectors is a valid configuration
// (tenants for manrs serve), but not one to observe with.
func TestCheckObserve(t *testing.T) {
	s, err := Parse([]byte("tenants:\n  - {name: soc, asns: [64500]}\n"), "tenants.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckObserve(); err == nil || !strings.Contains(err.Error(), "tenants.yaml") || !strings.Contains(err.Error(), "at least one collector") {
		t.Errorf("CheckObserve: %v", err)
	}
	s, err = Parse([]byte("collectors:\n  - {name: a, ribs: x}\n"), "s.yaml")
	if err != nil || s.CheckObserve() != nil {
		t.Errorf("with a collector: %v, %v", err, s.CheckObserve())
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"u.20261001.0005.gz", "u.20261001.0000.gz", "u.20261002.0000.gz", "rpki-20261001.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &Config{Dir: dir}
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	got, err := s.Resolve("u.{date}.*.gz", day)
	if err != nil || len(got) != 2 || filepath.Base(got[0]) != "u.20261001.0000.gz" {
		t.Errorf("glob: %v %v", got, err)
	}
	if got, err := s.Resolve("rpki-{date}.json", day); err != nil || len(got) != 1 {
		t.Errorf("file: %v %v", got, err)
	}
	if _, err := s.Resolve("rpki-{date}.json", day.AddDate(0, 0, 1)); err == nil {
		t.Error("a missing file resolved")
	}
	if _, err := s.Resolve("u.{date}.*.gz", day.AddDate(0, 0, 5)); err == nil {
		t.Error("an empty glob resolved")
	}
	if got, _ := s.Resolve("https://example.net/{month}/{date_}.json", day); got[0] != "https://example.net/2026.10/2026_10_01.json" {
		t.Errorf("URL: %v", got)
	}
	// {time:N}: every N minutes of the day.
	got, err = s.Resolve("https://data.ris.ripe.net/rrc00/{month}/updates.{date}.{time:5}.gz", day)
	if err != nil || len(got) != 288 || got[0] != "https://data.ris.ripe.net/rrc00/2026.10/updates.20261001.0000.gz" ||
		got[287] != "https://data.ris.ripe.net/rrc00/2026.10/updates.20261001.2355.gz" {
		t.Errorf("{time:5}: %d names, %v", len(got), err)
	}
	if got, err := s.Resolve("u.{date}.{time:60}.gz", day); err == nil {
		t.Errorf("{time:60} of files that do not all exist: %v", got)
	}
	for _, bad := range []string{"https://x/{time:7}", "https://x/{time:0}", "https://x/{time:5}{time:5}"} {
		if _, err := s.Resolve(bad, day); err == nil {
			t.Errorf("%s resolved", bad)
		}
	}
}

func TestObservatory(t *testing.T) {
	base := "collectors:\n  - {name: a, ribs: x}\n"
	c, err := Parse([]byte(base), "c.yaml")
	if err != nil || c.Observatory.MinPeers != DefaultMinPeers || len(c.Observatory.Policies) != 2 {
		t.Fatalf("defaults: %+v %v", c.Observatory, err)
	}
	c, err = Parse([]byte(base+`observatory:
  min_peers: 5
  bands: {ready: 0.95}
  policies:
    rfp:
      actions: [filtering, anti-spoofing]
      bands: [ready]
  default_policy: rfp
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Observatory
	if o.MinPeers != 5 || o.Bands.Ready != 0.95 || o.Bands.Aspiring != DefaultAspiring || len(o.PolicyNames()) != 3 || o.DefaultPolicy != "rfp" {
		t.Errorf("%+v", o)
	}
	for _, bad := range []string{
		"observatory: {min_peers: -1}",
		"observatory: {bands: {ready: 0.3}}",
		"observatory: {default_policy: none}",
		"observatory: {policies: {x: {actions: [routing], bands: [ready]}}}",
		"observatory: {policies: {x: {actions: [filtering], bands: [great]}}}",
	} {
		if _, err := Parse([]byte(base+bad+"\n"), "c.yaml"); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestDocumentedExample parses the configuration that docs/observatory.md
// shows, so that the documentation stays true.
func TestDocumentedExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/observatory.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "```yaml\n")
	end := strings.Index(doc[start+1:], "\n```")
	if start < 0 || end < 0 {
		t.Fatal("docs/observatory.md has no yaml example")
	}
	c, err := Parse([]byte(doc[start+len("```yaml\n"):start+1+end]), "docs/observatory.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Collectors) != 2 || len(c.IRR) != 2 || c.Observatory.MinPeers != DefaultMinPeers || len(c.Observatory.Policies) != 3 ||
		c.Observatory.Policies["minimum"].Bands == nil || c.Observatory.Policies["rfp-2027"].Bands[1] != Aspiring {
		t.Errorf("parsed %+v", c)
	}
}
