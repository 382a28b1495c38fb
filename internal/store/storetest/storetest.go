package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// Run runs the suite. open returns a new, empty store for each subtest;
// Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		f    func(*testing.T, store.Store)
	}{
		{"PutDayRoundTrip", testRoundTrip},
		{"ReplaceDay", testReplaceDay},
		{"Days", testDays},
		{"NotFound", testNotFound},
		{"IncidentsQuery", testIncidentsQuery},
		{"Measurements", testMeasurements},
		{"MetricOn", testMetricOn},
		{"Feed", testFeed},
		{"FeedPrune", testFeedPrune},
		{"Prefixes", testPrefixes},
		{"Verdicts", testVerdicts},
		{"Lapses", testLapses},
		{"Disputes", testDisputes},
		{"DisputesSurviveReobservation", testDisputesReobserved},
		{"Times", testTimes},
		{"ConcurrentReads", testConcurrentReads},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			tc.f(t, s)
		})
	}
}

var ctx = context.Background()

func put(t *testing.T, s store.Store, d *incident.Day) {
	t.Helper()
	if err := s.PutDay(ctx, d); err != nil {
		t.Fatalf("PutDay %s: %v", d.Date.Format(time.DateOnly), err)
	}
}

// check fails t unless got equals want, once normalised: times compared at
// second precision, each required to be in UTC; empty and nil slices
// alike.
func check(t *testing.T, what string, got, want any) {
	t.Helper()
	var bad []string
	g := normalise(reflect.ValueOf(got), what, &bad)
	w := normalise(reflect.ValueOf(want), what, nil)
	for _, b := range bad {
		t.Errorf("%s", b)
	}
	if !reflect.DeepEqual(g.Interface(), w.Interface()) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		wj, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, gj, wj)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// normalise returns a copy of v with times truncated to the second and in
// UTC, and empty slices nil; a time not in UTC is reported to bad.
func normalise(v reflect.Value, path string, bad *[]string) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch {
	case v.Type() == timeType:
		tm := v.Interface().(time.Time)
		if bad != nil && !tm.IsZero() && tm.Location() != time.UTC {
			*bad = append(*bad, fmt.Sprintf("%s: time %s is not in UTC", path, tm))
		}
		out.Set(reflect.ValueOf(tm.UTC().Truncate(time.Second)))
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			out.Set(normalise(v.Elem(), path, bad).Addr())
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				out.Set(v) // netip values: compared as they are
				return out
			}
		}
		for i := range v.NumField() {
			out.Field(i).Set(normalise(v.Field(i), path+"."+v.Type().Field(i).Name, bad))
		}
	case v.Kind() == reflect.Slice:
		if v.Len() > 0 {
			out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
			for i := range v.Len() {
				out.Index(i).Set(normalise(v.Index(i), fmt.Sprintf("%s[%d]", path, i), bad))
			}
		}
	case v.Kind() == reflect.Map:
		if v.Len() > 0 {
			out.Set(reflect.MakeMap(v.Type()))
			for it := v.MapRange(); it.Next(); {
				out.SetMapIndex(it.Key(), normalise(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()), bad))
			}
		}
	default:
		out.Set(v)
	}
	return out
}

func testRoundTrip(t *testing.T, s store.Store) {
	d := MakeDay(Day1, "a")
	put(t, s, d)

	got, err := s.Day(ctx, Day1)
	if err != nil {
		t.Fatalf("Day: %v", err)
	}
	check(t, "Day", got, wantDay(d))
	if got.ASes != nil || got.Incidents != nil || got.Measurements != nil || got.Prefixes != nil {
		t.Errorf("Day returned bulk data: %+v", got)
	}

	asns, err := s.ASes(ctx, Day1)
	if err != nil {
		t.Fatalf("ASes: %v", err)
	}
	check(t, "ASes", asns, wantASes(d))

	ins, err := s.Incidents(ctx, store.Query{WithAccepted: true})
	if err != nil {
		t.Fatalf("Incidents: %v", err)
	}
	check(t, "Incidents", ins, wantIncidents(d))

	for _, want := range wantIncidents(d) {
		in, err := s.Incident(ctx, want.ID)
		if err != nil {
			t.Fatalf("Incident %s: %v", want.ID, err)
		}
		check(t, "Incident "+want.ID, in, want)
	}

	for _, asn := range []bgp.ASN{64500, 64501, 4200000001, 64502, 64503} {
		ms, err := s.Measurements(ctx, asn, Day1, Day1)
		if err != nil {
			t.Fatalf("Measurements %s: %v", asn, err)
		}
		check(t, "Measurements "+asn.String(), ms, wantMeasurements(d, asn))

		ps, err := s.Prefixes(ctx, asn, Day1)
		if err != nil {
			t.Fatalf("Prefixes %s: %v", asn, err)
		}
		check(t, "Prefixes "+asn.String(), ps, wantPrefixes(d, asn))
	}
	if len(wantPrefixes(d, 64500)) != 5 {
		t.Fatal("fixture lost its prefixes")
	}

	days, err := s.Days(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatalf("Days: %v", err)
	}
	check(t, "Days", days, []*incident.Day{wantDay(d)})
}

func testReplaceDay(t *testing.T, s store.Store) {
	a1, a2 := MakeDay(Date(0), "a"), MakeDay(Date(1), "a")
	put(t, s, a1)
	put(t, s, a2)
	b1 := MakeDay(Date(0), "b")
	put(t, s, b1)

	for _, c := range []struct {
		date time.Time
		d    *incident.Day
	}{{Date(0), b1}, {Date(1), a2}} {
		name := c.date.Format(time.DateOnly)
		got, err := s.Day(ctx, c.date)
		if err != nil {
			t.Fatalf("Day %s: %v", name, err)
		}
		check(t, "Day "+name, got, wantDay(c.d))
		ins, err := s.Incidents(ctx, store.Query{From: c.date, To: c.date})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "Incidents "+name, ins, wantIncidents(c.d))
		asns, err := s.ASes(ctx, c.date)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "ASes "+name, asns, wantASes(c.d))
		for _, asn := range []bgp.ASN{64500, 64501, 64503, 4200000001} {
			ms, err := s.Measurements(ctx, asn, c.date, c.date)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "Measurements "+name+" "+asn.String(), ms, wantMeasurements(c.d, asn))
			ps, err := s.Prefixes(ctx, asn, c.date)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "Prefixes "+name+" "+asn.String(), ps, wantPrefixes(c.d, asn))
		}
	}
	// The incident only version a had is gone, by ID too.
	for _, in := range a1.Incidents {
		if in.Metric != incident.M4 {
			continue
		}
		if _, err := s.Incident(ctx, in.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Incident %s of the replaced day: %v, want ErrNotFound", in.ID, err)
		}
	}
	days, err := s.Days(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Days", days, []*incident.Day{wantDay(b1), wantDay(a2)})
}

func testDays(t *testing.T, s store.Store) {
	var ds []*incident.Day
	for _, n := range []int{2, 0, 4} { // stored out of order
		d := MakeDay(Date(n), "a")
		put(t, s, d)
		ds = append(ds, d)
	}
	d0, d2, d4 := wantDay(ds[1]), wantDay(ds[0]), wantDay(ds[2])
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     []*incident.Day
	}{
		{"open", time.Time{}, time.Time{}, []*incident.Day{d0, d2, d4}},
		{"from", Date(1), time.Time{}, []*incident.Day{d2, d4}},
		{"from inclusive", Date(2), time.Time{}, []*incident.Day{d2, d4}},
		{"to", time.Time{}, Date(2), []*incident.Day{d0, d2}},
		{"one day", Date(2), Date(2), []*incident.Day{d2}},
		{"closed", Date(0), Date(3), []*incident.Day{d0, d2}},
		{"none", Date(5), Date(9), nil},
		{"inverted", Date(4), Date(0), nil},
	} {
		got, err := s.Days(ctx, c.from, c.to)
		if err != nil {
			t.Fatalf("Days %s: %v", c.name, err)
		}
		check(t, "Days "+c.name, got, c.want)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	put(t, s, MakeDay(Day1, "a"))
	if _, err := s.Day(ctx, Date(1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Day of an unstored date: %v, want ErrNotFound", err)
	}
	if _, err := s.ASes(ctx, Date(1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ASes of an unstored date: %v, want ErrNotFound", err)
	}
	if _, err := s.Prefixes(ctx, 64500, Date(1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Prefixes of an unstored date: %v, want ErrNotFound", err)
	}
	if _, err := s.Incident(ctx, "0123456789abcdef0123"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Incident of an unknown ID: %v, want ErrNotFound", err)
	}
	if ps, err := s.Prefixes(ctx, 64502, Day1); err != nil || len(ps) != 0 {
		t.Errorf("Prefixes of an AS with none: %v, %v", ps, err)
	}
	if ms, err := s.Measurements(ctx, 64502, Day1, Day1); err != nil || len(ms) != 0 {
		t.Errorf("Measurements of an AS with none: %v, %v", ms, err)
	}
	if ins, err := s.Incidents(ctx, store.Query{ASN: 64599}); err != nil || len(ins) != 0 {
		t.Errorf("Incidents of an AS with none: %v, %v", ins, err)
	}
}

func testIncidentsQuery(t *testing.T, s store.Store) {
	days := []*incident.Day{MakeDay(Date(0), "a"), MakeDay(Date(1), "b"), MakeDay(Date(2), "a")}
	var all []store.Incident
	for _, d := range days {
		put(t, s, d)
		all = append(all, wantIncidents(d)...)
	}
	sortIncidents(all)
	filter := func(f func(store.Incident) bool) []store.Incident {
		var out []store.Incident
		for _, in := range all {
			if f(in) {
				out = append(out, in)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		q    store.Query
		want []store.Incident
	}{
		{"all", store.Query{}, all},
		{"ASN", store.Query{ASN: 64500}, filter(func(in store.Incident) bool { return in.ASN == 64500 })},
		{"culprit is not ASN", store.Query{ASN: 64501}, filter(func(in store.Incident) bool { return in.ASN == 64501 })},
		{"metric", store.Query{Metric: incident.M2C}, filter(func(in store.Incident) bool { return in.Metric == incident.M2C })},
		{"from", store.Query{From: Date(1)}, filter(func(in store.Incident) bool { return !in.Date.Before(Date(1)) })},
		{"to", store.Query{To: Date(1)}, filter(func(in store.Incident) bool { return !in.Date.After(Date(1)) })},
		{"one day", store.Query{From: Date(1), To: Date(1)}, wantIncidents(days[1])},
		{"ASN, metric and days", store.Query{ASN: 64500, Metric: incident.M2, From: Date(1), To: Date(2)},
			filter(func(in store.Incident) bool {
				return in.ASN == 64500 && in.Metric == incident.M2 && !in.Date.Before(Date(1))
			})},
		{"limit", store.Query{Limit: 5}, all[:5]},
		{"limit past the end", store.Query{Limit: 1000}, all},
		{"limit with filter", store.Query{ASN: 64500, Limit: 2}, filter(func(in store.Incident) bool { return in.ASN == 64500 })[:2]},
		{"no match", store.Query{ASN: 64500, Metric: incident.M1}, nil},
	} {
		got, err := s.Incidents(ctx, c.q)
		if err != nil {
			t.Fatalf("Incidents %s: %v", c.name, err)
		}
		check(t, "Incidents "+c.name, got, c.want)
	}
	if len(all) != 12 {
		t.Fatalf("fixture has %d incidents", len(all))
	}
}

func testMeasurements(t *testing.T, s store.Store) {
	days := []*incident.Day{MakeDay(Date(0), "a"), MakeDay(Date(1), "b"), MakeDay(Date(3), "a")}
	for _, d := range days {
		put(t, s, d)
	}
	cat := func(ds ...*incident.Day) []store.Measurement {
		var out []store.Measurement
		for _, d := range ds {
			out = append(out, wantMeasurements(d, 64500)...)
		}
		return out
	}
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     []store.Measurement
	}{
		{"open", time.Time{}, time.Time{}, cat(days...)},
		{"from", Date(1), time.Time{}, cat(days[1:]...)},
		{"to", time.Time{}, Date(2), cat(days[:2]...)},
		{"one day", Date(3), Date(3), cat(days[2])},
		{"gap", Date(2), Date(2), nil},
	} {
		got, err := s.Measurements(ctx, 64500, c.from, c.to)
		if err != nil {
			t.Fatalf("Measurements %s: %v", c.name, err)
		}
		check(t, "Measurements "+c.name, got, c.want)
	}
}

func testMetricOn(t *testing.T, s store.Store) {
	a, b := MakeDay(Date(0), "a"), MakeDay(Date(1), "b")
	put(t, s, a)
	put(t, s, b)
	for _, d := range []*incident.Day{a, b} {
		for _, m := range []incident.Metric{incident.M8, incident.M7IRR, incident.M6} {
			var want []store.Measurement
			for _, x := range d.Measurements {
				if x.Metric == m {
					want = append(want, store.Measurement{Measurement: x, Date: d.Date})
				}
			}
			slices.SortFunc(want, func(x, y store.Measurement) int { return cmp.Compare(x.ASN, y.ASN) })
			got, err := s.MetricOn(ctx, m, d.Date.Add(5*time.Hour))
			if err != nil {
				t.Fatalf("MetricOn %s: %v", m, err)
			}
			check(t, "MetricOn "+string(m)+" "+d.Date.Format(time.DateOnly), got, want)
		}
	}
	if got, err := s.MetricOn(ctx, incident.M8, Date(2)); err != nil || len(got) != 0 {
		t.Errorf("MetricOn of a day not stored: %v, %v", got, err)
	}
}

func testFeed(t *testing.T, s store.Store) {
	t0 := time.Date(2026, 10, 1, 12, 0, 0, 123456789, time.UTC)
	v1, v2 := t0.Add(-2*time.Hour).Truncate(time.Millisecond), t0.Add(-time.Hour).Truncate(time.Millisecond)
	obj := func(id, typ, spec string, v time.Time) store.FeedObject {
		return store.FeedObject{ID: id, Type: typ, SpecVersion: spec, Version: v,
			Object: []byte(`{"type":"` + typ + `","id":"` + id + `"}`)}
	}
	a1, a2 := obj("indicator--a", "indicator", "2.1", v1), obj("indicator--a", "indicator", "2.1", v2)
	b := obj("note--b", "note", "2.1", v2.Add(time.Minute))
	c := obj("ipv4-addr--c", "ipv4-addr", "2.1", time.Time{})
	d20, d21 := obj("indicator--d", "indicator", "2.0", v1), obj("indicator--d", "indicator", "2.1", v2)
	d20old := obj("indicator--d", "indicator", "2.0", v1.Add(-time.Hour))

	add := func(col string, now time.Time, want int, objs ...store.FeedObject) []store.FeedEntry {
		t.Helper()
		got, err := s.AddFeed(ctx, col, time.Time{}, objs, now)
		if err != nil {
			t.Fatalf("AddFeed: %v", err)
		}
		if len(got) != want {
			t.Fatalf("AddFeed added %d, want %d: %+v", len(got), want, got)
		}
		return got
	}
	first := add("col", t0, 4, a1, a2, b, c)
	// Versions held are left out, an object without a version by its
	// id; a clock behind the last date added does not go back.
	again := add("col", t0.Add(-time.Hour), 3, a1, c, obj("ipv4-addr--c", "ipv4-addr", "2.1", time.Time{}), d20, d21, d20old)
	add("other", t0, 1, a1)
	all := append(first, again...)
	for i, e := range all {
		if i > 0 && !e.DateAdded.After(all[i-1].DateAdded) {
			t.Fatalf("entry %d added %s, not after %s", i, e.DateAdded, all[i-1].DateAdded)
		}
		if e.DateAdded.Nanosecond()%1000 != 0 {
			t.Errorf("date added %s has more than microseconds", e.DateAdded)
		}
	}
	if !first[3].Version.Equal(first[3].DateAdded) || first[0].DateAdded.Before(t0.Truncate(time.Microsecond)) {
		t.Errorf("entries %+v", first)
	}
	A1, A2, B, C, D20, D21, D20old := all[0], all[1], all[2], all[3], all[4], all[5], all[6]

	ids := func(es []store.FeedEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s@%s", e.ID, e.Version.Format("15:04:05")))
		}
		return out
	}
	for _, c := range []struct {
		name string
		q    store.FeedQuery
		want []store.FeedEntry
		more bool
	}{
		{"last", store.FeedQuery{Last: true}, []store.FeedEntry{A2, B, C, D21}, false},
		{"all", store.FeedQuery{All: true}, []store.FeedEntry{A1, A2, B, C, D21}, false},
		{"first", store.FeedQuery{First: true}, []store.FeedEntry{A1, B, C, D21}, false},
		{"first and last", store.FeedQuery{First: true, Last: true}, []store.FeedEntry{A1, A2, B, C, D21}, false},
		{"a version", store.FeedQuery{Versions: []time.Time{v1}}, []store.FeedEntry{A1}, false},
		{"nothing", store.FeedQuery{}, nil, false},
		{"ids", store.FeedQuery{All: true, IDs: []string{"indicator--a", "ipv4-addr--c"}}, []store.FeedEntry{A1, A2, C}, false},
		{"types", store.FeedQuery{Last: true, Types: []string{"note", "ipv4-addr"}}, []store.FeedEntry{B, C}, false},
		{"after", store.FeedQuery{Last: true, After: A2.DateAdded}, []store.FeedEntry{B, C, D21}, false},
		{"limit", store.FeedQuery{All: true, Limit: 2}, []store.FeedEntry{A1, A2}, true},
		{"limit, next page", store.FeedQuery{All: true, Limit: 2, After: A2.DateAdded}, []store.FeedEntry{B, C}, true},
		{"limit, last page", store.FeedQuery{All: true, Limit: 3, After: C.DateAdded}, []store.FeedEntry{D21}, false},
		{"spec 2.0, last", store.FeedQuery{Last: true, SpecVersions: []string{"2.0"}}, []store.FeedEntry{D20}, false},
		{"spec 2.0, first", store.FeedQuery{First: true, SpecVersions: []string{"2.0"}}, []store.FeedEntry{D20old}, false},
		{"both specs, last", store.FeedQuery{Last: true, SpecVersions: []string{"2.0", "2.1"}, IDs: []string{"indicator--d"}}, []store.FeedEntry{D21}, false},
	} {
		if c.q.Limit == 0 {
			c.q.Limit = 100
		}
		got, more, err := s.FindFeed(ctx, "col", c.q)
		if err != nil {
			t.Fatalf("FindFeed %s: %v", c.name, err)
		}
		if !reflect.DeepEqual(ids(got), ids(c.want)) || more != c.more {
			t.Errorf("FindFeed %s: %v (more %v), want %v (more %v)", c.name, ids(got), more, ids(c.want), c.more)
			continue
		}
		for i, e := range got {
			w := c.want[i]
			if !e.DateAdded.Equal(w.DateAdded) || e.Type != w.Type || e.SpecVersion != w.SpecVersion || e.Object != nil {
				t.Errorf("FindFeed %s: entry %+v, want %+v without its object", c.name, e, w)
			}
		}
	}
	// Versions out of order: the first and last are by version, not by
	// date added.
	x1, x2, x3 := obj("indicator--x", "indicator", "2.1", v1), obj("indicator--x", "indicator", "2.1", v2), obj("indicator--x", "indicator", "2.1", v2.Add(time.Hour))
	xs := add("order", t0, 3, x2, x1, x3)
	X2, X1, X3 := xs[0], xs[1], xs[2]
	for _, c := range []struct {
		name string
		q    store.FeedQuery
		want []store.FeedEntry
	}{
		{"first", store.FeedQuery{First: true}, []store.FeedEntry{X1}},
		{"last", store.FeedQuery{Last: true}, []store.FeedEntry{X3}},
		{"first and last", store.FeedQuery{First: true, Last: true}, []store.FeedEntry{X1, X3}},
		{"all", store.FeedQuery{All: true}, []store.FeedEntry{X2, X1, X3}},
		{"last of 2.1", store.FeedQuery{Last: true, SpecVersions: []string{"2.1"}}, []store.FeedEntry{X3}},
		{"first of 2.1", store.FeedQuery{First: true, SpecVersions: []string{"2.1"}}, []store.FeedEntry{X1}},
	} {
		c.q.Limit = 10
		got, _, err := s.FindFeed(ctx, "order", c.q)
		if err != nil || !reflect.DeepEqual(ids(got), ids(c.want)) {
			t.Errorf("FindFeed out of order, %s: %v (%v), want %v", c.name, ids(got), err, ids(c.want))
		}
	}

	got, _, err := s.FindFeed(ctx, "col", store.FeedQuery{All: true, Limit: 100, Bodies: true, IDs: []string{"note--b"}})
	if err != nil || len(got) != 1 || string(got[0].Object) != string(b.Object) {
		t.Errorf("FindFeed with bodies: %+v, %v", got, err)
	}
	if got, _, err := s.FindFeed(ctx, "none", store.FeedQuery{All: true, Limit: 10}); err != nil || len(got) != 0 {
		t.Errorf("FindFeed of an empty collection: %v, %v", got, err)
	}
	if _, _, err := s.FindFeed(ctx, "col", store.FeedQuery{All: true}); err == nil {
		t.Error("FindFeed took a limit of 0")
	}
	for _, h := range []struct {
		col, id string
		want    bool
	}{{"col", "indicator--a", true}, {"col", "ipv4-addr--c", true}, {"col", "indicator--z", false}, {"other", "note--b", false}} {
		if got, err := s.HasFeedObject(ctx, h.col, h.id); err != nil || got != h.want {
			t.Errorf("HasFeedObject %s %s: %v, %v", h.col, h.id, got, err)
		}
	}
	// What is not an object is refused, and nothing of the call kept.
	bad := obj("note--x", "note", "2.1", v1)
	bad.Object = []byte("{")
	if _, err := s.AddFeed(ctx, "col", Date(5), []store.FeedObject{obj("note--y", "note", "2.1", v1), bad}, t0); err == nil {
		t.Error("AddFeed took an object that is not JSON")
	}
	if ok, _ := s.HasFeedObject(ctx, "col", "note--y"); ok {
		t.Error("a refused AddFeed kept an object")
	}
	// Days fed are recorded with the objects, once each, even when they
	// add nothing.
	for _, d := range []time.Time{Date(2), Date(0).Add(7 * time.Hour), Date(2)} {
		if _, err := s.AddFeed(ctx, "days", d, []store.FeedObject{a1}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if days, err := s.FeedDays(ctx, "days"); err != nil || !reflect.DeepEqual(days, []time.Time{Date(0), Date(2)}) {
		t.Errorf("FeedDays: %v, %v", days, err)
	}
	if days, err := s.FeedDays(ctx, "col"); err != nil || len(days) != 0 {
		t.Errorf("FeedDays of a collection fed no day: %v, %v", days, err)
	}
}

func testFeedPrune(t *testing.T, s store.Store) {
	t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	v := func(h int) time.Time { return time.Date(2026, 9, 30, h, 0, 0, 0, time.UTC) }
	obj := func(id, spec string, version time.Time) store.FeedObject {
		return store.FeedObject{ID: id, Type: "indicator", SpecVersion: spec, Version: version, Object: []byte(`{"id":"` + id + `"}`)}
	}
	add := func(now time.Time, day time.Time, objs ...store.FeedObject) []store.FeedEntry {
		t.Helper()
		es, err := s.AddFeed(ctx, "c", day, objs, now)
		if err != nil || len(es) != len(objs) {
			t.Fatalf("AddFeed: %d of %d, %v", len(es), len(objs), err)
		}
		return es
	}
	// Day 0: x in versions 2 and 3, z in STIX 2.1. Day 1: x in version
	// 1 (older, added later), y, z in STIX 2.0 (older, added later).
	add(t0, Date(0), obj("indicator--x", "2.1", v(2)), obj("indicator--x", "2.1", v(3)), obj("indicator--z", "2.1", v(2)))
	late := add(t0.Add(24*time.Hour), Date(1), obj("indicator--x", "2.1", v(1)), obj("indicator--y", "2.1", v(1)), obj("indicator--z", "2.0", v(1)))
	n, err := s.PruneFeed(ctx, "c", t0.Add(time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("PruneFeed: %d, %v; want 3", n, err)
	}
	ids := func(q store.FeedQuery) []string {
		t.Helper()
		q.Limit = 10
		es, _, err := s.FindFeed(ctx, "c", q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.ID+"@"+e.SpecVersion+"@"+e.Version.Format("15"))
		}
		return out
	}
	// What is left decides: x's version 1 is now its first and last,
	// z's STIX 2.0 version its latest.
	all := []string{"indicator--x@2.1@01", "indicator--y@2.1@01", "indicator--z@2.0@01"}
	for _, c := range []struct {
		name string
		q    store.FeedQuery
		want []string
	}{
		{"all", store.FeedQuery{All: true}, all},
		{"last", store.FeedQuery{Last: true}, all},
		{"first", store.FeedQuery{First: true}, all},
		{"spec 2.1", store.FeedQuery{All: true, SpecVersions: []string{"2.1"}}, all[:2]},
	} {
		if got := ids(c.q); !reflect.DeepEqual(got, c.want) {
			t.Errorf("after pruning, %s: %v, want %v", c.name, got, c.want)
		}
	}
	if n, err := s.PruneFeed(ctx, "c", t0.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("PruneFeed again: %d, %v", n, err)
	}
	if days, err := s.FeedDays(ctx, "c"); err != nil || len(days) != 2 {
		t.Errorf("FeedDays after pruning: %v, %v; both days stay recorded", days, err)
	}
	// Pruning everything leaves an empty collection whose dates added
	// still only go forward.
	if n, err := s.PruneFeed(ctx, "c", late[2].DateAdded.Add(time.Microsecond)); err != nil || n != 3 {
		t.Errorf("PruneFeed of all: %d, %v", n, err)
	}
	es := add(t0, time.Time{}, obj("indicator--w", "2.1", v(1)))
	if !es[0].DateAdded.After(late[2].DateAdded) {
		t.Errorf("added %s after pruning, not after the last ever added (%s)", es[0].DateAdded, late[2].DateAdded)
	}
}

func testPrefixes(t *testing.T, s store.Store) {
	a, b := MakeDay(Date(0), "a"), MakeDay(Date(1), "b")
	put(t, s, a)
	put(t, s, b)
	for _, c := range []struct {
		d   *incident.Day
		asn bgp.ASN
	}{{a, 64500}, {a, 64501}, {a, 4200000001}, {b, 64500}, {b, 64503}, {b, 64501}} {
		got, err := s.Prefixes(ctx, c.asn, c.d.Date)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("Prefixes %s %s", c.d.Date.Format(time.DateOnly), c.asn)
		check(t, name, got, wantPrefixes(c.d, c.asn))
	}
	// Sorted by address (not by length first, as netip orders them), and
	// every field (RPKI state, IRR, peers) kept.
	got, _ := s.Prefixes(ctx, 64500, Date(0))
	want := []incident.PrefixStatus{
		{Prefix: pfx("10.0.0.0/8"), RPKI: incident.Invalid, IRR: true, Peers: 0},
		{Prefix: pfx("192.0.2.0/24"), RPKI: incident.Valid, IRR: true, Peers: 311},
		{Prefix: pfx("198.51.100.128/25"), RPKI: incident.Invalid, Peers: 1},
		{Prefix: pfx("203.0.113.0/24"), RPKI: incident.Valid, Peers: 3},
		{Prefix: pfx("2001:db8::/32"), RPKI: incident.NotFound, Peers: 40},
	}
	check(t, "Prefixes of AS64500, literally", got, want)
}

// conformance is a verdict or a lapse, so that one test covers both.
type conformance struct {
	Date       time.Time
	ASN        bgp.ASN
	Policy     string
	Conformant bool
	Detail     []byte
}

type conformanceAPI struct {
	put func(date time.Time, policy string, c []conformance) error
	get func(asn bgp.ASN, policy string, from, to time.Time) ([]conformance, error)
}

func testVerdicts(t *testing.T, s store.Store) {
	testConformance(t, conformanceAPI{
		put: func(date time.Time, policy string, c []conformance) error {
			v := make([]store.Verdict, len(c))
			for i, x := range c {
				v[i] = store.Verdict(x)
			}
			return s.PutVerdicts(ctx, date, policy, v)
		},
		get: func(asn bgp.ASN, policy string, from, to time.Time) ([]conformance, error) {
			v, err := s.Verdicts(ctx, asn, policy, from, to)
			var out []conformance
			for _, x := range v {
				out = append(out, conformance(x))
			}
			return out, err
		},
	})
}

func testLapses(t *testing.T, s store.Store) {
	testConformance(t, conformanceAPI{
		put: func(date time.Time, policy string, c []conformance) error {
			l := make([]store.Lapse, len(c))
			for i, x := range c {
				l[i] = store.Lapse(x)
			}
			return s.PutLapses(ctx, date, policy, l)
		},
		get: func(asn bgp.ASN, policy string, from, to time.Time) ([]conformance, error) {
			l, err := s.Lapses(ctx, asn, policy, from, to)
			var out []conformance
			for _, x := range l {
				out = append(out, conformance(x))
			}
			return out, err
		},
	})
}

func testConformance(t *testing.T, api conformanceAPI) {
	const p, q = "manrs-2025", "strict"
	detail := []byte(`{"score":{"M1":1,"M7RPKI":0.5},"band":"ready"}`)
	must := func(date time.Time, policy string, c ...conformance) {
		t.Helper()
		if err := api.put(date, policy, c); err != nil {
			t.Fatalf("put %s %s: %v", date.Format(time.DateOnly), policy, err)
		}
	}
	// Dates and policies of the elements may be left zero.
	must(Date(0), p, conformance{ASN: 64501, Conformant: false}, conformance{ASN: 64500, Conformant: true, Detail: detail})
	must(Date(1), p, conformance{Date: Date(1), Policy: p, ASN: 64500, Conformant: false, Detail: []byte(`{}`)},
		conformance{ASN: 4200000001, Conformant: true})
	must(Date(0), q, conformance{ASN: 64500, Conformant: false})

	v := func(n int, policy string, asn bgp.ASN, ok bool, detail string) conformance {
		c := conformance{Date: Date(n), ASN: asn, Policy: policy, Conformant: ok}
		if detail != "" {
			c.Detail = []byte(detail)
		}
		return c
	}
	for _, c := range []struct {
		name     string
		asn      bgp.ASN
		policy   string
		from, to time.Time
		want     []conformance
	}{
		{"all", 0, p, time.Time{}, time.Time{}, []conformance{
			v(0, p, 64500, true, string(detail)), v(0, p, 64501, false, ""),
			v(1, p, 64500, false, "{}"), v(1, p, 4200000001, true, "")}},
		{"one AS", 64500, p, time.Time{}, time.Time{}, []conformance{v(0, p, 64500, true, string(detail)), v(1, p, 64500, false, "{}")}},
		{"one AS from", 64500, p, Date(1), time.Time{}, []conformance{v(1, p, 64500, false, "{}")}},
		{"all to", 0, p, time.Time{}, Date(0), []conformance{v(0, p, 64500, true, string(detail)), v(0, p, 64501, false, "")}},
		{"other policy", 0, q, time.Time{}, time.Time{}, []conformance{v(0, q, 64500, false, "")}},
		{"unknown policy", 0, "none", time.Time{}, time.Time{}, nil},
		{"unknown AS", 64599, p, time.Time{}, time.Time{}, nil},
	} {
		got, err := api.get(c.asn, c.policy, c.from, c.to)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		check(t, c.name, got, c.want)
	}

	// Replacing one date and policy leaves the others.
	must(Date(0), p, conformance{ASN: 64503, Conformant: true})
	got, err := api.get(0, p, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "after replacement", got, []conformance{v(0, p, 64503, true, ""), v(1, p, 64500, false, "{}"), v(1, p, 4200000001, true, "")})
	got, err = api.get(0, q, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "other policy after replacement", got, []conformance{v(0, q, 64500, false, "")})
	// Replacing with nothing empties it.
	must(Date(1), p)
	got, err = api.get(0, p, Date(1), Date(1))
	if err != nil || len(got) != 0 {
		t.Errorf("after emptying: %v, %v", got, err)
	}

	if err := api.put(Date(2), p, []conformance{{Date: Date(3), ASN: 64500}}); err == nil {
		t.Error("an element of another date was accepted")
	}
	if err := api.put(Date(2), p, []conformance{{Policy: q, ASN: 64500}}); err == nil {
		t.Error("an element of another policy was accepted")
	}
}

func testDisputes(t *testing.T, s store.Store) {
	d := MakeDay(Day1, "a")
	put(t, s, d)
	all := wantIncidents(d)
	x, y := all[0], all[1]
	t1 := time.Date(2026, 10, 5, 9, 30, 0, 0, time.UTC)
	t2 := t1.Add(26 * time.Hour)

	if _, err := s.OpenDispute(ctx, "no-such-incident", "r", "alice", t1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("OpenDispute of an unknown incident: %v, want ErrNotFound", err)
	}

	dx, err := s.OpenDispute(ctx, x.ID, "the prefix is ours", "alice@example.net", t1)
	if err != nil {
		t.Fatalf("OpenDispute: %v", err)
	}
	check(t, "opened dispute", dx, store.Dispute{ID: dx.ID, IncidentID: x.ID, State: store.DisputeOpen,
		Reason: "the prefix is ours", OpenedBy: "alice@example.net", Opened: t1})
	if _, err := s.OpenDispute(ctx, x.ID, "again", "alice", t1); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second open dispute: %v, want ErrConflict", err)
	}
	// An open dispute does not hide the incident.
	x.Dispute = store.DisputeOpen
	if got, err := s.Incident(ctx, x.ID); err != nil || got.Dispute != store.DisputeOpen {
		t.Errorf("Incident with an open dispute: %q, %v", got.Dispute, err)
	}
	ins, err := s.Incidents(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Incidents with an open dispute", ins, append([]store.Incident{x}, all[1:]...))

	rx, err := s.ReviewDispute(ctx, dx.ID, true, "ROA was late", "bob", t2)
	if err != nil {
		t.Fatalf("ReviewDispute: %v", err)
	}
	wantX := store.Dispute{ID: dx.ID, IncidentID: x.ID, State: store.DisputeAccepted, Reason: "the prefix is ours",
		OpenedBy: "alice@example.net", Opened: t1, ReviewedBy: "bob", Reviewed: t2, Note: "ROA was late"}
	check(t, "accepted dispute", rx, wantX)

	// Accepted: gone from Incidents unless WithAccepted, whatever the
	// other filters.
	x.Dispute = store.DisputeAccepted
	for _, q := range []store.Query{{}, {ASN: x.ASN}, {Metric: x.Metric}, {From: Day1, To: Day1}, {Limit: 1}} {
		ins, err := s.Incidents(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range ins {
			if in.ID == x.ID {
				t.Errorf("Incidents %+v returned the accepted incident", q)
			}
		}
	}
	if ins, err := s.Incidents(ctx, store.Query{Limit: 1}); err != nil || len(ins) != 1 || ins[0].ID != y.ID {
		t.Errorf("Incidents with limit 1 after acceptance: %v, %v; want %s", ins, err, y.ID)
	}
	ins, err = s.Incidents(ctx, store.Query{WithAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Incidents WithAccepted", ins, append([]store.Incident{x}, all[1:]...))
	got, err := s.Incident(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Incident accepted", got, x)

	if _, err := s.ReviewDispute(ctx, dx.ID, false, "changed my mind", "carol", t2); !errors.Is(err, store.ErrConflict) {
		t.Errorf("reviewing an accepted dispute: %v, want ErrConflict", err)
	}
	if _, err := s.ReviewDispute(ctx, dx.ID+1000, true, "", "bob", t2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reviewing an unknown dispute: %v, want ErrNotFound", err)
	}
	if _, err := s.OpenDispute(ctx, x.ID, "more", "alice", t2); !errors.Is(err, store.ErrConflict) {
		t.Errorf("disputing an accepted incident: %v, want ErrConflict", err)
	}

	// Rejected: the incident stays; another dispute may follow.
	dy, err := s.OpenDispute(ctx, y.ID, "not a customer", "dave", t1)
	if err != nil {
		t.Fatal(err)
	}
	ry, err := s.ReviewDispute(ctx, dy.ID, false, "it is", "bob", t2)
	if err != nil {
		t.Fatal(err)
	}
	if ry.State != store.DisputeRejected {
		t.Errorf("rejected dispute is %q", ry.State)
	}
	if _, err := s.ReviewDispute(ctx, dy.ID, true, "", "bob", t2); !errors.Is(err, store.ErrConflict) {
		t.Errorf("reviewing a rejected dispute: %v, want ErrConflict", err)
	}
	y.Dispute = store.DisputeRejected
	if got, err := s.Incident(ctx, y.ID); err != nil || got.Dispute != store.DisputeRejected {
		t.Errorf("Incident with a rejected dispute: %q, %v", got.Dispute, err)
	}
	ins, err = s.Incidents(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Incidents after rejection", ins, append([]store.Incident{y}, all[2:]...))
	dy2, err := s.OpenDispute(ctx, y.ID, "new evidence", "dave", t2)
	if err != nil {
		t.Fatalf("a dispute after a rejected one: %v", err)
	}
	if got, _ := s.Incident(ctx, y.ID); got.Dispute != store.DisputeOpen {
		t.Errorf("latest dispute %q, want open", got.Dispute)
	}

	ds, err := s.Disputes(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Disputes", ds, []store.Dispute{wantX, ry, dy2})
	ds, err = s.Disputes(ctx, y.ID)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Disputes of one incident", ds, []store.Dispute{ry, dy2})
	if ds, err := s.Disputes(ctx, all[2].ID); err != nil || len(ds) != 0 {
		t.Errorf("Disputes of an undisputed incident: %v, %v", ds, err)
	}
	if !(dx.ID < dy.ID && dy.ID < dy2.ID) {
		t.Errorf("dispute IDs %d, %d, %d not increasing", dx.ID, dy.ID, dy2.ID)
	}
}

func testDisputesReobserved(t *testing.T, s store.Store) {
	a := MakeDay(Day1, "a")
	put(t, s, a)
	var x, gone incident.Incident // x is in both versions, gone only in a
	for _, in := range a.Incidents {
		switch in.Metric {
		case incident.M2:
			x = in
		case incident.M4:
			gone = in
		}
	}
	dx, err := s.OpenDispute(ctx, x.ID, "r", "alice", Date(2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewDispute(ctx, dx.ID, true, "", "bob", Date(3)); err != nil {
		t.Fatal(err)
	}
	dg, err := s.OpenDispute(ctx, gone.ID, "r", "alice", Date(2))
	if err != nil {
		t.Fatal(err)
	}

	for _, v := range []string{"a", "b"} {
		put(t, s, MakeDay(Day1, v)) // re-observed, same IDs
		ins, err := s.Incidents(ctx, store.Query{})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range ins {
			if in.ID == x.ID {
				t.Errorf("version %s: the accepted incident is back", v)
			}
		}
		got, err := s.Incident(ctx, x.ID)
		if err != nil || got.Dispute != store.DisputeAccepted {
			t.Errorf("version %s: Incident %s: dispute %q, %v", v, x.ID, got.Dispute, err)
		}
		ds, err := s.Disputes(ctx, "")
		if err != nil || len(ds) != 2 || ds[0].ID != dx.ID || ds[1].ID != dg.ID {
			t.Errorf("version %s: disputes %+v, %v", v, ds, err)
		}
	}
	// The incident of version a alone is gone; its dispute is kept.
	if _, err := s.Incident(ctx, gone.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("incident not re-observed: %v, want ErrNotFound", err)
	}
	if ds, err := s.Disputes(ctx, gone.ID); err != nil || len(ds) != 1 {
		t.Errorf("disputes of an incident not re-observed: %v, %v", ds, err)
	}
}

func testTimes(t *testing.T, s store.Store) {
	cest := time.FixedZone("CEST", 2*3600)
	// A date given as a time of day in another zone stands for its UTC
	// day: 2026-10-02 01:30 CEST is 2026-10-01 23:30 UTC.
	d := MakeDay(time.Date(2026, 10, 2, 1, 30, 0, 0, cest), "a")
	start := time.Date(2026, 10, 1, 14, 15, 16, 123456789, cest)
	d.Incidents = d.Incidents[:1]
	d.Incidents[0].Start = start
	d.Incidents[0].End = time.Time{} // zero stays zero
	d.Incidents[0].Evidence = []incident.Route{{Collector: "rrc00", Prefix: pfx("192.0.2.0/24"), Seen: start}}
	put(t, s, d)

	for _, date := range []time.Time{Day1, Day1.Add(23*time.Hour + 59*time.Minute), time.Date(2026, 10, 1, 12, 0, 0, 0, cest)} {
		got, err := s.Day(ctx, date)
		if err != nil {
			t.Fatalf("Day %s: %v", date, err)
		}
		if !got.Date.Equal(Day1) || got.Date.Location() != time.UTC {
			t.Errorf("Day %s: date %s, want %s", date, got.Date, Day1)
		}
	}
	if _, err := s.Day(ctx, Date(1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Day %s: %v, want ErrNotFound", Date(1), err)
	}
	in, err := s.Incident(ctx, d.Incidents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for what, tm := range map[string]time.Time{"start": in.Start, "evidence": in.Evidence[0].Seen} {
		if tm.Location() != time.UTC {
			t.Errorf("%s %s is not in UTC", what, tm)
		}
		if diff := tm.Sub(start); diff < 0 || diff >= time.Second {
			t.Errorf("%s %s, want %s at second precision or finer", what, tm, start)
		}
	}
	if !in.End.IsZero() {
		t.Errorf("zero end came back as %s", in.End)
	}
	if !in.Date.Equal(Day1) || in.Date.Location() != time.UTC {
		t.Errorf("incident date %s", in.Date)
	}
}

// testConcurrentReads reads while days are replaced: every read sees one
// whole version of the day, never a mixture or a half-written day.
func testConcurrentReads(t *testing.T, s store.Store) {
	asns := make([]bgp.ASN, 50)
	for i := range asns {
		asns[i] = bgp.ASN(64500 + i)
	}
	versions := map[string]*incident.Day{
		"v1": bigDay(Day1, "v1", 300, asns),
		"v2": bigDay(Day1, "v2", 200, asns[:40]),
	}
	put(t, s, versions["v1"])
	counts := map[string]int{"v1": 300, "v2": 200}

	var stop atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if err := readConsistent(s, counts, asns[r]); err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 6 {
		v := "v2"
		if i%2 == 1 {
			v = "v1"
		}
		if err := s.PutDay(ctx, versions[v]); err != nil {
			t.Errorf("PutDay %s: %v", v, err)
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	if reads.Load() == 0 {
		t.Error("no reads were made")
	}
}

func readConsistent(s store.Store, counts map[string]int, asn bgp.ASN) error {
	ins, err := s.Incidents(ctx, store.Query{From: Day1, To: Day1})
	if err != nil {
		return err
	}
	if len(ins) == 0 {
		return errors.New("no incidents")
	}
	v := ins[0].Reason
	if counts[v] != len(ins) {
		return fmt.Errorf("%d incidents of version %q", len(ins), v)
	}
	for _, in := range ins {
		if in.Reason != v {
			return fmt.Errorf("incidents of versions %q and %q at once", v, in.Reason)
		}
	}
	ms, err := s.Measurements(ctx, asn, Day1, Day1)
	if err != nil {
		return err
	}
	if len(ms) != 5 {
		return fmt.Errorf("%d measurements of %s", len(ms), asn)
	}
	for _, m := range ms {
		if m.Detail != ms[0].Detail {
			return fmt.Errorf("measurements of versions %q and %q at once", ms[0].Detail, m.Detail)
		}
	}
	d, err := s.Day(ctx, Day1)
	if err != nil {
		return err
	}
	if len(d.Reasons) != 1 || counts[d.Reasons[0]] == 0 {
		return fmt.Errorf("day reasons %q", d.Reasons)
	}
	asns, err := s.ASes(ctx, Day1)
	if err != nil {
		return err
	}
	if len(asns) != 50 && len(asns) != 40 {
		return fmt.Errorf("%d ASes", len(asns))
	}
	if _, err := s.Prefixes(ctx, asn, Day1); err != nil {
		return err
	}
	return nil
}
