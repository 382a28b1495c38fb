package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
	"github.com/manrs/manrs/internal/world"
)

// fixture is a store of a tiny world observed for a few days, shared by
// the tests of the package.
type fixture struct {
	st   store.Store
	o    *config.Observatory
	days []*incident.Day
	// asn has incidents; its day is the last.
	asn bgp.ASN
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

const fixtureDays = 5

func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { shared, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return shared
}

func buildFixture() (*fixture, error) {
	dir, err := tempDir()
	if err != nil {
		return nil, err
	}
	sc, _ := world.ParseScale("tiny")
	if _, err := world.Generate(world.Options{Seed: 9, Scale: sc, Days: fixtureDays, Out: dir, UpdateInterval: 2 * time.Hour}); err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(filepath.Join(dir, "manrs.db"))
	if err != nil {
		return nil, err
	}
	f := &fixture{st: st, o: &cfg.Observatory}
	for i := range fixtureDays {
		d, err := observatory.Ingest(context.Background(), st, cfg, world.DefaultStart.AddDate(0, 0, i), observatory.Options{})
		if err != nil {
			return nil, err
		}
		f.days = append(f.days, d)
	}
	last := f.days[len(f.days)-1]
	f.asn = last.ASes[0]
	for _, in := range last.Incidents {
		if in.Metric.Action() == incident.Filtering {
			f.asn = in.ASN
			break
		}
	}
	return f, nil
}

func get(t *testing.T, srv *httptest.Server, path string, wantCode int) []byte {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantCode {
		t.Errorf("GET %s: %d, want %d: %s", path, resp.StatusCode, wantCode, b)
	}
	return b
}

func TestAPI(t *testing.T) {
	f := getFixture(t)
	srv := httptest.NewServer(New(f.st, f.o, nil))
	defer srv.Close()
	last := f.days[len(f.days)-1].Date.Format("2006-01-02")
	first := f.days[0].Date.Format("2006-01-02")
	asn := fmt.Sprint(uint32(f.asn))

	var days []DayInfo
	if err := json.Unmarshal(get(t, srv, "/api/v1/days", 200), &days); err != nil || len(days) != fixtureDays || days[fixtureDays-1].Date != last {
		t.Errorf("days %+v %v", days, err)
	}
	var rep ASReport
	if err := json.Unmarshal(get(t, srv, "/api/v1/as/AS"+asn, 200), &rep); err != nil || rep.Date != last || len(rep.Actions) != 4 || !rep.Seen {
		t.Errorf("as: %+v %v", rep, err)
	}
	if _, ok := rep.Verdicts[f.o.DefaultPolicy]; !ok {
		t.Errorf("no verdict under %s: %+v", f.o.DefaultPolicy, rep.Verdicts)
	}
	var h []observatory.DayScore
	if err := json.Unmarshal(get(t, srv, "/api/v1/as/"+asn+"/history?days=10&to="+last, 200), &h); err != nil || len(h) != 10 {
		t.Fatalf("history: %d days, %v", len(h), err)
	}
	observed := 0
	for _, d := range h {
		if d.Observed {
			observed++
		}
	}
	if observed == 0 || observed > fixtureDays {
		t.Errorf("history: %d observed days", observed)
	}
	// Months: the fixture's days all fall in its first month, which is
	// then scored as one period; earlier months have no data.
	var ms []observatory.MonthScore
	if err := json.Unmarshal(get(t, srv, "/api/v1/as/"+asn+"/months?months=3&to="+last, 200), &ms); err != nil || len(ms) != 3 {
		t.Fatalf("months: %+v, %v", ms, err)
	}
	if ms[2].Month != last[:7] || ms[2].Observed != observed || len(ms[2].Actions) != 4 || ms[0].Actions != nil || ms[0].Observed != 0 {
		t.Errorf("months: %+v", ms)
	}
	get(t, srv, "/api/v1/as/"+asn+"/months?months=0", 400)
	var a observatory.Answer
	if err := json.Unmarshal(get(t, srv, "/api/v1/as/"+asn+"/conformance?before="+last+"&days=3", 200), &a); err != nil || len(a.Evidence) != 3 || a.Reason == "" {
		t.Errorf("conformance: %+v %v", a, err)
	}
	var ins []store.Incident
	if err := json.Unmarshal(get(t, srv, "/api/v1/as/"+asn+"/incidents?from="+first+"&to="+last, 200), &ins); err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		if in.ASN != f.asn {
			t.Errorf("incident of %s in %s's list", in.ASN, f.asn)
		}
	}
	if len(ins) > 0 {
		var one struct {
			store.Incident
			Disputes []store.Dispute `json:"disputes"`
		}
		if err := json.Unmarshal(get(t, srv, "/api/v1/incidents/"+ins[0].ID, 200), &one); err != nil || one.ID != ins[0].ID || len(one.Evidence) == 0 {
			t.Errorf("incident: %+v %v", one, err)
		}
	}
	get(t, srv, "/api/v1/as/"+asn+"/prefixes?date="+last, 200)
	var ls []Lapse
	if err := json.Unmarshal(get(t, srv, "/api/v1/lapses?since="+first, 200), &ls); err != nil {
		t.Errorf("lapses: %v", err)
	}

	// Bad requests answer 400 with a JSON error naming the parameter;
	// unknown things 404.
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/api/v1/as/ASX", 400, "asn"},
		{"/api/v1/as/" + asn + "?date=yesterday", 400, "date"},
		{"/api/v1/as/" + asn + "?date=1999-01-01", 404, "not found"},
		{"/api/v1/as/" + asn + "/history?days=0", 400, "days"},
		{"/api/v1/as/" + asn + "/conformance", 400, "before"},
		{"/api/v1/as/" + asn + "/conformance?before=" + last + "&policy=lenient", 400, "policy"},
		{"/api/v1/as/" + asn + "/incidents?metric=M7IRR", 400, "metric"},
		{"/api/v1/incidents/nope", 404, "not found"},
		{"/api/v1/nothing", 404, ""},
	} {
		b := get(t, srv, tc.path, tc.code)
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %s lacks %q", tc.path, b, tc.want)
		}
	}

	// Pages render; metrics count the requests.
	for _, p := range []string{"/", "/as/" + asn, "/?as=AS" + asn} {
		if b := get(t, srv, p, 200); !strings.Contains(string(b), "manrs") {
			t.Errorf("%s: %s", p, b[:min(200, len(b))])
		}
	}
	if b := string(get(t, srv, "/as/"+asn, 200)); !strings.Contains(b, "AS"+asn) || !strings.Contains(b, `id="chart30"`) {
		t.Error("the AS page lacks its AS or its chart")
	}
	if b := string(get(t, srv, "/metrics", 200)); !strings.Contains(b, `manrs_http_requests_total{code="400"`) || !strings.Contains(b, "manrs_store_latest_day_timestamp_seconds") {
		t.Errorf("metrics lack the request counters:\n%s", b[:min(2000, len(b))])
	}
	get(t, srv, "/static/uPlot.iife.min.js", 200)
	get(t, srv, "/healthz", 200)
}
