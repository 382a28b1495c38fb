package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/storetest"
)

var ctx = context.Background()

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(filepath.Join(t.TempDir(), "manrs.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestStoreMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(Memory)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "manrs.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func pragma(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	var v int64
	if err := s.db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenPaths(t *testing.T) {
	for _, path := range []string{"", "a?b.db"} {
		if s, err := Open(path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
	if _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	s, _ := openTemp(t)
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q, %v", mode, err)
	}
	if fk := pragma(t, s, "foreign_keys"); fk != 1 {
		t.Errorf("foreign_keys %d", fk)
	}
	if bt := pragma(t, s, "busy_timeout"); bt != BusyTimeout.Milliseconds() {
		t.Errorf("busy_timeout %d", bt)
	}
}

func TestMigrations(t *testing.T) {
	s, path := openTemp(t)
	if v := pragma(t, s, "user_version"); v != int64(SchemaVersion()) {
		t.Errorf("user_version %d, want %d", v, SchemaVersion())
	}
	if id := pragma(t, s, "application_id"); id != applicationID {
		t.Errorf("application_id %#x", id)
	}
	if err := s.PutDay(ctx, storetest.MakeDay(storetest.Day1, "a")); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Reopening changes nothing.
	s, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := s.Day(ctx, storetest.Day1); err != nil {
		t.Errorf("day after reopening: %v", err)
	}

	// A later migration is applied on open; one that fails is rolled back
	// whole and leaves the version as it was.
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(saved[:len(saved):len(saved)], "CREATE TABLE extra (x); CREATE TABLE broken (;")
	s.Close()
	if s, err := Open(path); err == nil {
		s.Close()
		t.Fatal("a failing migration did not fail Open")
	} else if !strings.Contains(err.Error(), fmt.Sprintf("schema version %d", len(migrations))) {
		t.Errorf("error %q does not name the version", err)
	}
	migrations = saved
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed migration left table extra (%d, %v)", n, err)
	}
	s.Close()
	migrations = append(saved[:len(saved):len(saved)], "CREATE TABLE extra (x)")
	s, err = Open(path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if v := pragma(t, s, "user_version"); v != int64(len(migrations)) {
		t.Errorf("user_version %d after migration", v)
	}
	if err := s.db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").Scan(&n); err != nil || n != 1 {
		t.Errorf("table extra missing (%d, %v)", n, err)
	}
	s.Close()
	migrations = saved

	// A file of a newer version is refused, naming both versions.
	if s, err = Open(path); err == nil {
		s.Close()
		t.Fatal("a newer schema was opened")
	}
	want := fmt.Sprintf("schema version %d is newer than this program's %d", len(saved)+1, len(saved))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
}

func TestOpenForeignFile(t *testing.T) {
	// A database of another program: its application ID, a version
	// without ours, or tables of its own.
	for _, setup := range []string{
		"PRAGMA application_id = 42",
		"PRAGMA user_version = 3",
		"CREATE TABLE days (x)",
	} {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(setup); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if s, err := Open(path); err == nil {
			s.Close()
			t.Errorf("%s: opened", setup)
		} else {
			t.Logf("%s: %v", setup, err)
		}
	}
}

// TestPutDayRejects: a day that cannot be stored is refused whole, and
// what was stored for its date stays.
func TestPutDayRejects(t *testing.T) {
	day := storetest.Day1
	for _, tc := range []struct {
		name   string
		change func(d *incident.Day)
	}{
		{"no date", func(d *incident.Day) { d.Date = time.Time{} }},
		{"incident without ID", func(d *incident.Day) { d.Incidents[1].ID = "" }},
		{"incident of a measured metric", func(d *incident.Day) { d.Incidents[1].Metric = incident.M7IRR }},
		{"incident of an unknown metric", func(d *incident.Day) { d.Incidents[1].Metric = "M9" }},
		{"incident time out of range", func(d *incident.Day) { d.Incidents[1].End = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"incident with an invalid prefix", func(d *incident.Day) { d.Incidents[1].Prefixes = []netip.Prefix{{}} }},
		{"duplicate incident ID", func(d *incident.Day) { d.Incidents[2].ID = d.Incidents[1].ID }},
		{"measurement of an incident metric", func(d *incident.Day) { d.Measurements[1].Metric = incident.M2 }},
		{"measurement of an unknown metric", func(d *incident.Day) { d.Measurements[1].Metric = "M9" }},
		{"measurement NaN", func(d *incident.Day) { d.Measurements[1].Value = math.NaN() }},
		{"duplicate measurement", func(d *incident.Day) { d.Measurements[1] = d.Measurements[0] }},
		{"invalid prefix", func(d *incident.Day) { d.Prefixes[64500][0].Prefix = netip.Prefix{} }},
		{"negative peers", func(d *incident.Day) { d.Prefixes[64500][0].Peers = -1 }},
		{"RPKI state out of range", func(d *incident.Day) { d.Prefixes[64500][0].RPKI = 3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTemp(t)
			old := storetest.MakeDay(day, "a")
			if err := s.PutDay(ctx, old); err != nil {
				t.Fatal(err)
			}
			d := storetest.MakeDay(day, "b")
			tc.change(d)
			err := s.PutDay(ctx, d)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			got, err := s.Day(ctx, day)
			if err != nil || !got.Partial || got.Reasons[0] != old.Reasons[0] {
				t.Errorf("stored day changed: %+v, %v", got, err)
			}
			ins, err := s.Incidents(ctx, store.Query{})
			if err != nil || len(ins) != len(old.Incidents) {
				t.Errorf("stored incidents changed: %d, %v", len(ins), err)
			}
		})
	}
	t.Run("incident ID of another day", func(t *testing.T) {
		s, _ := openTemp(t)
		a := storetest.MakeDay(day, "a")
		if err := s.PutDay(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := storetest.MakeDay(day.AddDate(0, 0, 1), "a")
		b.Incidents[0].ID = a.Incidents[0].ID
		if err := s.PutDay(ctx, b); err == nil {
			t.Error("accepted")
		}
	})
}

// TestCorrupt: a stored value that does not decode is a *CorruptError
// naming its table and key, from every read that meets it.
func TestCorrupt(t *testing.T) {
	d := storetest.MakeDay(storetest.Day1, "a")
	id := d.Incidents[1].ID // not the first in order
	key := "2026-10-01"
	dayReads := func(s *Store) error { _, err := s.Day(ctx, storetest.Day1); return err }
	daysReads := func(s *Store) error { _, err := s.Days(ctx, time.Time{}, time.Time{}); return err }
	incidentReads := func(s *Store) error { _, err := s.Incident(ctx, id); return err }
	incidentsReads := func(s *Store) error { _, err := s.Incidents(ctx, store.Query{}); return err }
	for _, tc := range []struct {
		name   string
		update string
		reads  []func(*Store) error
		table  string
		key    string
	}{
		{"reasons", "UPDATE days SET reasons = 'not json'", []func(*Store) error{dayReads, daysReads}, "days", key},
		{"inputs", `UPDATE days SET inputs = '[{"items": "many"}]'`, []func(*Store) error{dayReads, daysReads}, "days", key},
		{"partial", "UPDATE days SET partial = 7", []func(*Store) error{dayReads}, "days", key},
		{"asns length", "UPDATE day_ases SET asns = x'00000001000002'", []func(*Store) error{
			func(s *Store) error { _, err := s.ASes(ctx, storetest.Day1); return err }}, "day_ases", key},
		{"asns order", "UPDATE day_ases SET asns = x'0000000200000001'", []func(*Store) error{
			func(s *Store) error { _, err := s.ASes(ctx, storetest.Day1); return err }}, "day_ases", key},
		{"prefixes truncated", "UPDATE prefixes SET data = substr(data, 1, length(data) - 2) WHERE asn = 64500", []func(*Store) error{
			func(s *Store) error { _, err := s.Prefixes(ctx, 64500, storetest.Day1); return err }}, "prefixes", key + " AS64500"},
		{"prefixes flags", "UPDATE prefixes SET data = x'ff18c0000201' WHERE asn = 64501", []func(*Store) error{
			func(s *Store) error { _, err := s.Prefixes(ctx, 64501, storetest.Day1); return err }}, "prefixes", key + " AS64501"},
		{"evidence", `UPDATE incidents SET evidence = '[{"seen": 5}]' WHERE id = '` + id + `'`, []func(*Store) error{incidentReads, incidentsReads}, "incidents", id},
		{"incident prefixes", `UPDATE incidents SET prefixes = '["192.0.2.0/33"]' WHERE id = '` + id + `'`, []func(*Store) error{incidentReads, incidentsReads}, "incidents", id},
		{"incident detail", `UPDATE incidents SET detail = '{"leak_type": "one"}' WHERE id = '` + id + `'`, []func(*Store) error{incidentReads, incidentsReads}, "incidents", id},
		{"incident metric", `UPDATE incidents SET metric = 'M7IRR' WHERE id = '` + id + `'`, []func(*Store) error{incidentReads, incidentsReads}, "incidents", id},
		{"incident asn", `UPDATE incidents SET asn = -1 WHERE id = '` + id + `'`, []func(*Store) error{incidentReads}, "incidents", id},
		{"incident ongoing", `UPDATE incidents SET ongoing = 2 WHERE id = '` + id + `'`, []func(*Store) error{incidentReads}, "incidents", id},
		{"measurement metric", `UPDATE measurements SET metric = 'M1' WHERE asn = 64501`, []func(*Store) error{
			func(s *Store) error { _, err := s.Measurements(ctx, 64501, time.Time{}, time.Time{}); return err }},
			"measurements", key + " AS64501 M1"},
		{"dispute state", `INSERT INTO disputes (incident_id, state, reason, opened_by, opened, reviewed_by, note)
			SELECT id, 'maybe', '', '', 0, '', '' FROM incidents`, []func(*Store) error{incidentReads,
			func(s *Store) error { _, err := s.Disputes(ctx, ""); return err }}, "disputes", ""},
		{"verdict conformant", fmt.Sprintf(`INSERT INTO verdicts (date, policy, asn, conformant) VALUES (%d, 'p', 64500, 2)`, storetest.Day1.Unix()), []func(*Store) error{
			func(s *Store) error { _, err := s.Verdicts(ctx, 0, "p", time.Time{}, time.Time{}); return err }},
			"verdicts", key + ` "p" AS64500`},
		{"verdict date", fmt.Sprintf(`INSERT INTO verdicts (date, policy, asn, conformant) VALUES (%d, 'p', 64500, 1)`, storetest.Day1.Unix()+1), []func(*Store) error{
			func(s *Store) error { _, err := s.Verdicts(ctx, 64500, "p", time.Time{}, time.Time{}); return err }},
			"verdicts", `"p" AS64500`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTemp(t)
			if err := s.PutDay(ctx, d); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.Exec(tc.update); err != nil {
				t.Fatal(err)
			}
			for i, read := range tc.reads {
				err := read(s)
				var ce *CorruptError
				if !errors.As(err, &ce) {
					t.Errorf("read %d: %v, want a CorruptError", i, err)
					continue
				}
				if ce.Table != tc.table || !strings.Contains(ce.Key, tc.key) {
					t.Errorf("read %d: %v, want table %s and key %s", i, err, tc.table, tc.key)
				}
			}
		})
	}
}

// TestQueryPlans: the reads of one AS, and the others by key, search the
// index meant for them; none scans a table.
func TestQueryPlans(t *testing.T) {
	s, _ := openTemp(t)
	incidentsOf, incidentsArgs := incidentsSQL(store.Query{ASN: 64500, From: storetest.Day1, To: storetest.Date(29)})
	ofMetric, ofMetricArgs := incidentsSQL(store.Query{ASN: 64500, Metric: incident.M2, From: storetest.Day1, To: storetest.Date(29)})
	byMetric, byMetricArgs := incidentsSQL(store.Query{Metric: incident.M2, From: storetest.Day1, To: storetest.Day1})
	feedPage, feedPageArgs := feedSQL("c", store.FeedQuery{Last: true, Types: []string{"indicator"}, Limit: 100})
	feedBodies, feedBodiesArgs := feedSQL("c", store.FeedQuery{Last: true, Bodies: true, Limit: 100})
	feedSpec, feedSpecArgs := feedSQL("c", store.FeedQuery{First: true, SpecVersions: []string{"2.1"}, Limit: 100})
	for _, q := range []struct {
		name  string
		query string
		args  []any
		want  string
	}{
		{"incidents of an AS", incidentsOf, incidentsArgs, "SEARCH i USING INDEX incidents_asn_date (asn=? AND date>? AND date<?)"},
		{"incidents of an AS and metric", ofMetric, ofMetricArgs, "SEARCH i USING INDEX incidents_asn_date (asn=? AND date>? AND date<?)"},
		{"incidents of a metric and day", byMetric, byMetricArgs, "SEARCH i USING INDEX incidents_date_metric (date>? AND date<?)"},
		{"incident", selectIncident + " WHERE i.id = ?", []any{"x"}, "SEARCH i USING INDEX sqlite_autoindex_incidents_1 (id=?)"},
		{"dispute state", selectIncident + " WHERE i.id = ?", []any{"x"}, "SEARCH d USING INDEX disputes_incident (incident_id=?)"},
		{"measurements of an AS", queryMeasurements, []any{0, 1, 64500}, "SEARCH measurements USING PRIMARY KEY (date=? AND asn=?)"},
		{"feed page", feedPage, feedPageArgs, "SEARCH f USING COVERING INDEX feed_objects_added (collection=? AND date_added>?)"},
		{"feed page of listed STIX versions", feedSpec, feedSpecArgs, "SEARCH g USING COVERING INDEX feed_objects_id (collection=? AND id=? AND spec_version=?)"},
		{"feed object's STIX versions", queryFeedSpecs, []any{"c", "x"}, "SEARCH feed_objects USING COVERING INDEX feed_objects_id (collection=? AND id=?)"},
		{"feed page with bodies", feedBodies, feedBodiesArgs, "SEARCH f USING INDEX feed_objects_added (collection=? AND date_added>?)"},
		{"feed end", queryFeedLast, []any{"c"}, "SEARCH feed_objects USING COVERING INDEX feed_objects_added (collection=?)"},
		{"feed object held", queryFeedHeld, []any{"c", "x", 1, 5}, "SEARCH feed_objects USING COVERING INDEX feed_objects_id (collection=? AND id=?)"},
		{"feed object", queryFeedHas, []any{"c", "x"}, "SEARCH feed_objects USING COVERING INDEX feed_objects_id (collection=? AND id=?)"},
		{"a metric of every AS", queryMetricOn, []any{0, "M8"}, "SEARCH measurements USING PRIMARY KEY (date=?)"},
		{"prefixes of an AS", queryPrefixes, []any{64500, 0}, "SEARCH p USING INDEX sqlite_autoindex_prefixes_1 (date=? AND asn=?) LEFT-JOIN"},
		{"ASes", "SELECT asns FROM day_ases WHERE date = ?", []any{0}, "SEARCH day_ases USING INTEGER PRIMARY KEY (rowid=?)"},
		{"verdicts of an AS", conformanceSQL("verdicts", false), []any{"p", 0, 1, 64500}, "SEARCH verdicts USING INDEX verdicts_policy_asn_date (policy=? AND asn=? AND date>? AND date<?)"},
		{"verdicts of a day", conformanceSQL("verdicts", true), []any{"p", 0, 0}, "SEARCH verdicts USING PRIMARY KEY (policy=? AND date>? AND date<?)"},
		{"lapses of an AS", conformanceSQL("lapses", false), []any{"p", 0, 1, 64500}, "SEARCH lapses USING INDEX lapses_policy_asn_date (policy=? AND asn=? AND date>? AND date<?)"},
		{"disputes of an incident", "SELECT * FROM disputes WHERE incident_id = ? ORDER BY id", []any{"x"}, "SEARCH disputes USING INDEX disputes_incident (incident_id=?)"},
	} {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q.query, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		found := false
		for _, step := range plan {
			found = found || step == q.want
			if strings.HasPrefix(step, "SCAN ") {
				t.Errorf("%s scans: %s", q.name, strings.Join(plan, "; "))
			}
		}
		if !found {
			t.Errorf("%s: plan %q lacks %q", q.name, strings.Join(plan, "; "), q.want)
		}
	}
}

// TestTwoHandles: two handles on one file, as two processes would have,
// write and read at once; the busy timeout makes one wait for the other.
func TestTwoHandles(t *testing.T) {
	s1, path := openTemp(t)
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var wg sync.WaitGroup
	for i, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 5 {
				if err := s.PutDay(ctx, storetest.MakeDay(storetest.Date(n), "ab"[i:i+1])); err != nil {
					t.Errorf("handle %d: %v", i, err)
					return
				}
				if _, err := s.Days(ctx, time.Time{}, time.Time{}); err != nil {
					t.Errorf("handle %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	days, err := s2.Days(ctx, time.Time{}, time.Time{})
	if err != nil || len(days) != 5 {
		t.Errorf("%d days, %v", len(days), err)
	}
}

func TestVerdictsRejects(t *testing.T) {
	s, _ := openTemp(t)
	if err := s.PutVerdicts(ctx, time.Time{}, "p", nil); err == nil {
		t.Error("no date accepted")
	}
	if err := s.PutVerdicts(ctx, storetest.Day1, "", nil); err == nil {
		t.Error("no policy accepted")
	}
	v := []store.Verdict{{ASN: 64500}, {ASN: 64500}}
	if err := s.PutVerdicts(ctx, storetest.Day1, "p", v); err == nil {
		t.Error("duplicate AS accepted")
	}
	if _, err := s.OpenDispute(ctx, "x", "", "", time.Time{}); err == nil {
		t.Error("dispute without time accepted")
	}
	if _, err := s.Incidents(ctx, store.Query{Limit: -1}); err == nil {
		t.Error("negative limit accepted")
	}
}

// TestLegacyDetail: an incident stored before schema version 2 (detail
// ”) gets its detail from the reason text the detectors wrote then.
func TestLegacyDetail(t *testing.T) {
	s, _ := openTemp(t)
	date := storetest.Day1
	mk := func(m incident.Metric, reason string, prefix string) incident.Incident {
		p := netip.MustParsePrefix(prefix)
		in := incident.Incident{Metric: m, ASN: 64500, Culprit: 64500, Prefixes: []netip.Prefix{p},
			Start: date, End: date.Add(time.Hour), Peers: 2, Reason: reason,
			Detail: incident.Detail{LeakType: 4}} // overwritten below: the row's detail is cleared
		in.ID = incident.MakeID(date, m, 64500, 64500, p, date.Add(time.Duration(len(reason))))
		return in
	}
	ins := []incident.Incident{
		mk(incident.M1, "route leak (RFC 7908 type 2): AS64500 passed a route learned from its peer AS64501 to its peer AS64502", "192.0.2.0/24"),
		mk(incident.M1C, "route leak (RFC 7908 type 1): AS64500 passed a route learned from its provider AS64501 to its provider AS64502", "192.0.2.0/24"),
		mk(incident.M2, "RPKI invalid: no ROA authorises AS64500 for 203.0.113.0/24 (covering: 203.0.113.0/24-24 AS64511 203.0.113.0/23-24 AS64510); no IRR route object", "203.0.113.0/24"),
		mk(incident.M2, "RPKI invalid: no ROA authorises AS64500 for 203.0.113.128/25 (covering: 203.0.113.0/24-24 AS64511); no IRR route object", "203.0.113.128/25"),
		mk(incident.M4, "bogon ASN AS65535 (Reserved, RFC 7300) in the path behind AS64500", "198.51.100.0/24"),
		mk(incident.M3, "bogon prefix: 2001:db8:1::/48 lies in 2001:db8::/32 (Documentation, RFC 3849)", "2001:db8:1::/48"),
	}
	want := []incident.Detail{
		{LeakType: 2}, {LeakType: 1},
		{Expected: []bgp.ASN{64510, 64511}, ExactROA: true}, {Expected: []bgp.ASN{64511}},
		{BogonASN: 65535}, {},
	}
	if err := s.PutDay(ctx, &incident.Day{Date: date, Incidents: ins}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("UPDATE incidents SET detail = ''"); err != nil {
		t.Fatal(err)
	}
	for i, in := range ins {
		got, err := s.Incident(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Detail, want[i]) {
			t.Errorf("%s %q: detail %+v, want %+v", in.Metric, in.Reason, got.Detail, want[i])
		}
	}
}
