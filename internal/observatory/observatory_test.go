package observatory

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
	"github.com/manrs/manrs/internal/world"
)

// ingestWorld generates a tiny world of several days and ingests them.
func ingestWorld(t *testing.T, days int) (store.Store, *config.Config, []*incident.Day) {
	t.Helper()
	dir := t.TempDir()
	sc, _ := world.ParseScale("tiny")
	if _, err := world.Generate(world.Options{Seed: 4, Scale: sc, Days: days, Out: dir, UpdateInterval: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "manrs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var out []*incident.Day
	for i := range days {
		d, err := Ingest(context.Background(), st, cfg, world.DefaultStart.AddDate(0, 0, i), Options{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return st, cfg, out
}

func TestIngestAndJudge(t *testing.T) {
	st, cfg, days := ingestWorld(t, 4)
	ctx := context.Background()
	o := &cfg.Observatory
	d0 := days[0]
	if d0.Partial {
		t.Errorf("a whole world's day is partial: %v", d0.Reasons)
	}
	if len(d0.ASes) < 50 || len(d0.Measurements) == 0 || len(d0.Prefixes) == 0 {
		t.Fatalf("day: %d ASes, %d measurements, %d prefix lists", len(d0.ASes), len(d0.Measurements), len(d0.Prefixes))
	}
	stored, err := st.Days(ctx, time.Time{}, time.Time{})
	if err != nil || len(stored) != 4 {
		t.Fatalf("%d days stored: %v", len(stored), err)
	}
	// Every AS seen has a verdict under every policy, each day.
	for _, name := range o.PolicyNames() {
		vs, err := st.Verdicts(ctx, 0, name, d0.Date, d0.Date)
		if err != nil || len(vs) != len(d0.ASes) {
			t.Errorf("policy %s: %d verdicts for %d ASes: %v", name, len(vs), len(d0.ASes), err)
		}
	}
	// Conformance over the 4 days agrees with the daily verdicts.
	before := d0.Date.AddDate(0, 0, 4)
	for _, asn := range d0.ASes[:10] {
		a, err := Conformance(ctx, st, o, asn, before, 4, "minimum")
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := st.Verdicts(ctx, asn, "minimum", d0.Date, before)
		all := len(vs) == 4 && !slices.ContainsFunc(vs, func(v store.Verdict) bool { return !v.Conformant })
		if a.Conformant != all || len(a.Evidence) != 4 {
			t.Errorf("%s: answer %v, verdicts %+v", asn, a.Conformant, vs)
		}
	}
	// A window reaching before the first day is never conformant.
	if a, _ := Conformance(ctx, st, o, d0.ASes[0], before, 10, "minimum"); a.Conformant {
		t.Error("conformant over days never observed")
	}
	if _, err := Conformance(ctx, st, o, d0.ASes[0], before, 4, "lenient"); err == nil {
		t.Error("an unknown policy answered")
	}
}

func TestDisputeRejudges(t *testing.T) {
	st, cfg, days := ingestWorld(t, 2)
	ctx := context.Background()
	o := &cfg.Observatory
	// An AS not conformant under "strict" only for filtering incidents.
	var target *incident.Incident
	for _, d := range days {
		for i := range d.Incidents {
			in := &d.Incidents[i]
			if in.Metric == incident.M2 || in.Metric == incident.M3 || in.Metric == incident.M4 {
				target = in
				break
			}
		}
		if target != nil {
			break
		}
	}
	if target == nil {
		t.Skip("no filtering incident in the world")
	}
	date := target.Start.UTC().Truncate(24 * time.Hour)
	before, err := ScoreStored(ctx, st, o, target.ASN, date, date)
	if err != nil {
		t.Fatal(err)
	}
	dsp, err := st.OpenDispute(ctx, target.ID, "our own anycast prefix", "noc@example.net", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReviewDispute(ctx, st, o, dsp.ID, true, "confirmed by ROA", "reviewer", time.Now()); err != nil {
		t.Fatal(err)
	}
	after, err := ScoreStored(ctx, st, o, target.ASN, date, date)
	if err != nil {
		t.Fatal(err)
	}
	count := func(s Score) int {
		n := 0
		for _, m := range s.Metrics {
			if m.Metric == target.Metric {
				n = m.Incidents
			}
		}
		return n
	}
	if count(after) >= count(before) {
		t.Errorf("%s incidents of %s: %d before the dispute, %d after", target.Metric, target.ASN, count(before), count(after))
	}
	ins, _ := st.Incidents(ctx, store.Query{ASN: target.ASN, From: date, To: date, WithAccepted: true})
	if !slices.ContainsFunc(ins, func(in store.Incident) bool { return in.ID == target.ID && in.Dispute == store.DisputeAccepted }) {
		t.Error("the disputed incident left the trail")
	}
}

func TestScoreAS(t *testing.T) {
	o := config.DefaultObservatory()
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	asn := bgp.ASN(64500)
	ins := []incident.Incident{
		{ID: "a", Metric: incident.M2, ASN: asn, Start: day, End: day.Add(10 * time.Minute)},
		{ID: "b", Metric: incident.M2, ASN: asn, Start: day.Add(5 * time.Minute), End: day.Add(20 * time.Minute)}, // merges with a
		{ID: "c", Metric: incident.M1, ASN: asn, Start: day, End: day.Add(24 * time.Hour)},                        // not scored
	}
	ms := []incident.Measurement{
		{ASN: asn, Metric: incident.M7IRR, Value: 1}, {ASN: asn, Metric: incident.M7RPKI, Value: -3},
		{ASN: asn, Metric: incident.M8, Value: 1},
	}
	s := ScoreAS(&o, asn, day, day, ins, ms)
	f := s.Action("filtering")
	if f.Score == nil || *f.Score < 0.66 || *f.Score > 0.67 || f.Band != config.Aspiring {
		t.Errorf("filtering %+v (one merged short M2 incident: 1/(1+0.5))", f)
	}
	if g := s.Action("global-validation"); g.Score == nil || *g.Score != 0.5 || g.Band != config.Aspiring {
		t.Errorf("global validation %+v (mean of 1 and M7RPKI clamped to 0)", g)
	}
	if a := s.Action("anti-spoofing"); a.Band != config.NoData {
		t.Errorf("anti-spoofing %+v without Spoofer data", a)
	}
	ok, failed := Conformant(o.Policies["minimum"], &s)
	if !ok {
		t.Errorf("minimum: failed %v", failed)
	}
	ok, failed = Conformant(o.Policies["strict"], &s)
	if ok || !slices.Contains(failed, "anti-spoofing") || !slices.Contains(failed, "filtering") {
		t.Errorf("strict: %v %v", ok, failed)
	}
}
