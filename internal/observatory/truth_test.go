package observatory

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/spoofer"
	"github.com/manrs/manrs/internal/world"
)

// TestRegistryMetricsAgainstGroundTruth scores the metrics that come from
// registries rather than routes (M5 and M5C from Spoofer sessions, M8 from
// PeeringDB) against a generated world's ground truth: the networks that
// became or always were spoofable, with the providers whose cones hold
// them, and the networks whose contacts were removed. internal/detect's
// tests score M1 to M4 the same way.
func TestRegistryMetricsAgainstGroundTruth(t *testing.T) {
	const days = 4
	dir := t.TempDir()
	sc, _ := world.ParseScale("small")
	if _, err := world.Generate(world.Options{Seed: 5, Scale: sc, Days: days, Out: dir, UpdateInterval: 6 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	last := world.DefaultStart.AddDate(0, 0, days-1)
	before, err := Observe(context.Background(), cfg, last.AddDate(0, 0, -1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	day, err := Observe(context.Background(), cfg, last, Options{})
	if err != nil {
		t.Fatal(err)
	}
	events := readEvents(t, filepath.Join(dir, "ground-truth/events.jsonl"))

	// When each AS was last tested by Spoofer, from the world's sessions.
	tested := map[bgp.ASN][]time.Time{}
	for d := range days {
		path, err := cfg.Resolve(cfg.Spoofer, world.DefaultStart.AddDate(0, 0, d))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path[0])
		if err != nil {
			t.Fatal(err)
		}
		r := spoofer.NewReader(f, path[0])
		for r.Next() {
			s := r.Session()
			for _, res := range []spoofer.Result{s.IPv4, s.IPv6} {
				if res.ASN != 0 && res.Routed != spoofer.NotTested {
					tested[res.ASN] = append(tested[res.ASN], s.Time)
				}
			}
		}
		f.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	// An AS is spoofable in truth when a session tested it after its
	// spoofing began.
	spoofable := map[bgp.ASN]*world.Event{}
	for i := range events {
		e := &events[i]
		if e.Type != world.Spoofing {
			continue
		}
		for _, at := range tested[e.Culprit] {
			if !at.Before(e.Start) && at.Before(last.Add(24*time.Hour)) {
				spoofable[e.Culprit] = e
			}
		}
	}

	value := func(d *incident.Day, m incident.Metric) map[bgp.ASN]float64 {
		out := map[bgp.ASN]float64{}
		for _, x := range d.Measurements {
			if x.Metric == m {
				out[x.ASN] = x.Value
			}
		}
		return out
	}

	// M5: every tested AS has a verdict, 0 exactly when spoofable.
	m5 := value(day, incident.M5)
	var m5Wrong, m5Spoofable int
	for asn := range tested {
		v, ok := m5[asn]
		want := 1.0
		if spoofable[asn] != nil {
			want = 0
			m5Spoofable++
		}
		if !ok || v != want {
			m5Wrong++
			t.Logf("M5 of AS%d: %v (measured %v), want %v", asn, v, ok, want)
		}
	}
	if len(m5) != len(tested) {
		t.Errorf("M5 measured for %d ASes; %d were tested", len(m5), len(tested))
	}
	if m5Spoofable == 0 {
		t.Error("the world holds no spoofable AS that Spoofer tested")
	}
	if float64(m5Wrong) > 0.05*float64(len(tested)) {
		t.Errorf("M5 wrong for %d of %d tested ASes", m5Wrong, len(tested))
	}

	// M5C: each provider whose cone holds a spoofable AS is charged, and
	// nothing else is.
	type charge struct{ asn, culprit bgp.ASN }
	want := map[charge]bool{}
	for asn, e := range spoofable {
		for _, p := range e.Propagators {
			want[charge{p, asn}] = true
		}
	}
	got := map[charge]bool{}
	for _, in := range day.Incidents {
		if in.Metric == incident.M5C {
			got[charge{in.ASN, in.Culprit}] = true
		}
	}
	precisionRecall(t, "M5C", want, got)

	// M8: an AS whose contacts were removed has M8 0 from that day on; on
	// the day they went, it had 1 the day before, and every such drop is
	// one of the world's removals.
	m8, m8Before := value(day, incident.M8), value(before, incident.M8)
	wantDrop, gotDrop := map[charge]bool{}, map[charge]bool{}
	removed := 0
	for _, e := range events {
		if e.Type != world.ContactRemoved || e.Start.After(last) {
			continue
		}
		removed++
		if v, ok := m8[e.Culprit]; !ok || v != 0 {
			t.Errorf("M8 of AS%d, whose contacts were removed on %s: %v (measured %v), want 0", e.Culprit, e.Start.Format("2006-01-02"), v, ok)
		}
		if e.Start.Equal(last) {
			wantDrop[charge{e.Culprit, e.Culprit}] = true
		}
	}
	for asn, v := range m8 {
		if v == 0 && m8Before[asn] == 1 {
			gotDrop[charge{asn, asn}] = true
		}
	}
	if removed == 0 {
		t.Error("the world removed no contacts")
	}
	precisionRecall(t, "M8 drops", wantDrop, gotDrop)
	t.Logf("%d tested ASes, %d spoofable, %d M5C charges, %d contact removals (%d on the last day)",
		len(tested), m5Spoofable, len(want), removed, len(wantDrop))
}

func precisionRecall[K comparable](t *testing.T, what string, want, got map[K]bool) {
	t.Helper()
	found, correct := 0, 0
	for k := range want {
		if got[k] {
			found++
		} else {
			t.Logf("%s: missed %v", what, k)
		}
	}
	for k := range got {
		if want[k] {
			correct++
		} else {
			t.Logf("%s: false %v", what, k)
		}
	}
	precision, recall := 1.0, 1.0
	if len(got) > 0 {
		precision = float64(correct) / float64(len(got))
	}
	if len(want) > 0 {
		recall = float64(found) / float64(len(want))
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("%s: precision %.3f, recall %.3f over %d expected, %d reported; both must be at least 0.95", what, precision, recall, len(want), len(got))
	}
}

func readEvents(t *testing.T, path string) []world.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []world.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e world.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
