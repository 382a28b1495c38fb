package detect

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rpsl"
	"github.com/manrs/manrs/internal/world"
)

// routeObjects is the IRR of the tests: the route objects of RPSL dumps.
type routeObjects map[pairKey]bool

func (r routeObjects) HasRoute(p netip.Prefix, origin bgp.ASN) bool { return r[pairKey{p, origin}] }

func open(t *testing.T, path string) io.ReadCloser {
	t.Helper()
	in, _, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// loadKnowledge reads what a world's sources name for day.
func loadKnowledge(t *testing.T, src *config.Config, day time.Time) (*Knowledge, *asrel.Graph) {
	t.Helper()
	one := func(tmpl string) string {
		files, err := src.Resolve(tmpl, day)
		if err != nil || len(files) != 1 {
			t.Fatalf("%s: %v %v", tmpl, files, err)
		}
		return files[0]
	}
	k := &Knowledge{}
	in := open(t, one(src.RPKI.VRPs))
	set, _, err := rpki.Load(in, "vrps", rpki.LoadOptions{Strict: true})
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	k.ROV = rov.New(set.VRPs)
	if len(set.ASPAs) > 0 {
		k.ASPA = aspa.New(set.ASPAs)
	}
	in = open(t, one(src.ASRel))
	g, _, _, err := asrel.Load(in, "asrel", true)
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	k.Rel = g
	b := bogon.NewBuilder()
	for _, d := range src.Delegated {
		in := open(t, one(d))
		if _, err := b.AddDelegated(in, d); err != nil {
			t.Fatal(err)
		}
		in.Close()
	}
	k.Bogons = b.Build()
	irr := routeObjects{}
	for _, x := range src.IRR {
		in := open(t, one(x.Dump))
		r := rpsl.NewReader(in, x.Dump)
		for r.Next() {
			if c := r.Object().Class(); c == "route" || c == "route6" {
				ro, err := rpsl.ParseRoute(r.Object())
				if err != nil {
					t.Fatal(err)
				}
				irr[pairKey{ro.Prefix, ro.Origin}] = true
			}
		}
		in.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	k.IRR = irr
	return k, g
}

// feed gives a collector the first RIB dump of the day and every update
// file of the day.
func feed(t *testing.T, c *Collector, ribs, updates []string) {
	t.Helper()
	files := append(ribs[:1:1], updates...)
	var routes []mrt.Route
	for _, f := range files {
		in := open(t, f)
		r := mrt.NewReader(in, filepath.Base(f))
		for r.Next() {
			rec := r.Record()
			routes = rec.AppendRoutes(routes[:0])
			for i := range routes {
				c.Route(&routes[i])
			}
		}
		in.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
}

// observeWorld generates a world and observes its first day.
func observeWorld(t *testing.T, scale string, seed uint64) (*Result, []world.Event, *Knowledge, time.Time) {
	t.Helper()
	dir := t.TempDir()
	sc, _ := world.ParseScale(scale)
	if _, err := world.Generate(world.Options{Seed: seed, Scale: sc, Days: 1, Out: dir, UpdateInterval: time.Hour}); err != nil {
		t.Fatal(err)
	}
	src, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	day := world.DefaultStart
	k, _ := loadKnowledge(t, src, day)
	o := New(k, Options{Start: day})
	for _, col := range src.Collectors {
		ribs, err := src.Resolve(col.RIBs, day)
		if err != nil {
			t.Fatal(err)
		}
		updates, err := src.Resolve(col.Updates, day)
		if err != nil {
			t.Fatal(err)
		}
		feed(t, o.Collector(col.Name), ribs, updates)
	}
	res := o.Finish()
	var events []world.Event
	fh, err := os.Open(filepath.Join(dir, "ground-truth/events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc2 := bufio.NewScanner(fh)
	for sc2.Scan() {
		var e world.Event
		if err := json.Unmarshal(sc2.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return res, events, k, day
}

// expectation is one (metric, charged AS, event) the detectors should
// report.
type expectation struct {
	metric incident.Metric
	asn    bgp.ASN
	event  *world.Event
}

// matches reports whether incident in reports event e charged to asn.
func matches(in *incident.Incident, x expectation) bool {
	e := x.event
	if in.Metric != x.metric || in.ASN != x.asn || in.Culprit != e.Culprit {
		return false
	}
	if in.Start.After(e.End) || e.Start.After(in.End) {
		return false
	}
	return slices.ContainsFunc(in.Prefixes, func(p netip.Prefix) bool { return slices.Contains(e.Prefixes, p) })
}

// TestWorldPrecisionRecall observes the first day of generated worlds and
// scores the incidents against the ground truth, metric by metric.
func TestWorldPrecisionRecall(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	type score struct{ expected, found, reported, correct int }
	aspaStates := map[string]int{}
	scores := map[incident.Metric]*score{}
	for _, m := range []incident.Metric{incident.M1, incident.M1C, incident.M2, incident.M2C, incident.M3, incident.M3C, incident.M4, incident.M4C} {
		scores[m] = &score{}
	}
	for _, seed := range seeds {
		res, events, _, day := observeWorld(t, "small", seed)
		end := day.Add(24 * time.Hour)
		var want []expectation
		for i := range events {
			e := &events[i]
			m := incident.Metric(e.Metric)
			if scores[m] == nil || len(e.SeenBy) < DefaultMinPeers || !e.Start.Before(end) || e.End.Before(day) {
				continue
			}
			want = append(want, expectation{m, e.Culprit, e})
			for _, p := range e.Propagators {
				want = append(want, expectation{m.Customer(), p, e})
			}
		}
		for _, x := range want {
			s := scores[x.metric]
			s.expected++
			if i := slices.IndexFunc(res.Incidents, func(in incident.Incident) bool { return matches(&in, x) }); i >= 0 {
				s.found++
				checkDetail(t, &res.Incidents[i], x.event, aspaStates)
			} else {
				t.Logf("seed %d: missed %s of AS%d: %s event %s culprit AS%d %v %s-%s, %d peers", seed, x.metric, x.asn,
					x.event.Type, x.event.ID, x.event.Culprit, x.event.Prefixes, x.event.Start.Format("15:04"), x.event.End.Format("15:04"), len(x.event.SeenBy))
			}
		}
		for i := range res.Incidents {
			in := &res.Incidents[i]
			s := scores[in.Metric]
			if s == nil {
				continue
			}
			s.reported++
			if slices.ContainsFunc(want, func(x expectation) bool { return matches(in, x) }) {
				s.correct++
			} else {
				t.Logf("seed %d: false %s of AS%d (culprit AS%d) %v %s-%s, %d peers: %s", seed, in.Metric, in.ASN, in.Culprit, in.Prefixes,
					in.Start.Format("15:04"), in.End.Format("15:04"), in.Peers, in.Reason)
			}
		}
	}
	var table strings.Builder
	for _, m := range incident.Metrics {
		s := scores[m]
		if s == nil {
			continue
		}
		precision, recall := 1.0, 1.0
		if s.reported > 0 {
			precision = float64(s.correct) / float64(s.reported)
		}
		if s.expected > 0 {
			recall = float64(s.found) / float64(s.expected)
		}
		fmt.Fprintf(&table, "%-5s expected %4d found %4d reported %4d correct %4d  precision %.3f recall %.3f\n",
			m, s.expected, s.found, s.reported, s.correct, precision, recall)
		if s.expected == 0 && !testing.Short() {
			// One world (-short) may hold no event of a metric; three do.
			t.Errorf("%s: the worlds hold nothing to find", m)
		}
		if precision < 0.95 || recall < 0.95 {
			t.Errorf("%s: precision %.3f, recall %.3f; both must be at least 0.95", m, precision, recall)
		}
	}
	t.Logf("over seeds %v:\n%s", seeds, table.String())
	t.Logf("ASPA states of the leaks found: %v", aspaStates)
	if aspaStates["valid"] > 0 {
		t.Errorf("%d leaks found have paths that ASPA verifies as valid", aspaStates["valid"])
	}
}

// checkDetail checks the detail of an incident found against the event
// it reports: the RFC 7908 type and an ASPA state of a leak (counted in
// aspa), the legitimate origin among the expected ones of a hijack.
func checkDetail(t *testing.T, in *incident.Incident, e *world.Event, aspa map[string]int) {
	t.Helper()
	d := &in.Detail
	switch in.Metric.Direct() {
	case incident.M1:
		if d.LeakType != e.RFC7908Type {
			t.Errorf("%s of AS%d (event %s): leak type %d, want %d", in.Metric, in.ASN, e.ID, d.LeakType, e.RFC7908Type)
		}
		if d.ASPA == "" {
			t.Errorf("%s of AS%d (event %s): no ASPA state", in.Metric, in.ASN, e.ID)
		}
		aspa[d.ASPA]++
	case incident.M2:
		if e.Victim != 0 && !slices.Contains(d.Expected, e.Victim) {
			t.Errorf("%s of AS%d (event %s): expected origins %v lack the victim AS%d", in.Metric, in.ASN, e.ID, d.Expected, e.Victim)
		}
	case incident.M4:
		if d.BogonASN == 0 {
			t.Errorf("%s of AS%d (event %s): no bogon ASN", in.Metric, in.ASN, e.ID)
		}
	}
}
