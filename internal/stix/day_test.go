package stix

import (
	"context"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store/sqlite"
)

// contactDay is a day with the M8 values given and the inputs given.
func contactDay(n int, m8 map[bgp.ASN]float64, inputs ...incident.Input) *incident.Day {
	d := &incident.Day{Date: day.AddDate(0, 0, n), Inputs: inputs}
	for a, v := range m8 {
		d.ASes = append(d.ASes, a)
		m := incident.Measurement{ASN: a, Metric: incident.M8, Value: v, Count: int(v)}
		if v > 0 {
			m.Detail = "PeeringDB NOC contact"
		}
		d.Measurements = append(d.Measurements, m)
	}
	slices.Sort(d.ASes)
	return d
}

var (
	pdbOK   = incident.Input{Kind: "peeringdb", Name: "peeringdb.json", Items: 10}
	pdbGone = incident.Input{Kind: "peeringdb", Name: "peeringdb.json", Err: "open peeringdb.json: no such file or directory"}
	irrOK   = incident.Input{Kind: "irr", Name: "ripe.db", Items: 10}
)

// TestContactsRemoved: an AS with M8 1 the day before and 0 on the day
// is an event, with what was registered; nothing is when the day before
// is missing or a source of M8 failed.
func TestContactsRemoved(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(d *incident.Day) {
		t.Helper()
		if err := st.PutDay(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// Day 0: 64500, 64501, 64502 have contacts. Day 1: 64501 lost them,
	// 64502 is not seen, 64503 is new without any. Day 2: PeeringDB
	// failed. Day 4: its day before (3) is not stored.
	put(contactDay(0, map[bgp.ASN]float64{64500: 1, 64501: 1, 64502: 1}, pdbOK, irrOK))
	put(contactDay(1, map[bgp.ASN]float64{64500: 1, 64501: 0, 64503: 0}, pdbOK, irrOK))
	put(contactDay(2, map[bgp.ASN]float64{64500: 0, 64501: 0, 64503: 0}, pdbGone, irrOK))
	put(contactDay(4, map[bgp.ASN]float64{64500: 0}, pdbOK, irrOK))

	got, err := ContactsRemoved(ctx, st, day.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ASN != 64501 || got[0].Detail != "PeeringDB NOC contact" {
		t.Errorf("day 1: %+v, want AS64501 with its contact", got)
	}
	for _, n := range []int{0, 2, 3, 4} {
		if got, err := ContactsRemoved(ctx, st, day.AddDate(0, 0, n)); err != nil || len(got) != 0 {
			t.Errorf("day %d: %+v, %v; want none", n, got, err)
		}
	}

	// The day's events hold it, as an event about the AS (its objects,
	// FromContactRemoved's, are validated by TestSchemas), and a
	// tenant's selection by AS applies to it.
	evs, err := DayEvents(ctx, st, day.AddDate(0, 0, 1), "minimum")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	ind := evs[0].Objects[0].(*Indicator)
	ev := ind.Extensions[ExtensionID].(*RoutingEvent)
	if ev.EventType != ContactRemoved || *ev.ChargedASN != 64501 || ev.Metric != "M8" || ind.Pattern != "[autonomous-system:number = 64501]" {
		t.Errorf("event %+v, pattern %s", ev, ind.Pattern)
	}
	for _, c := range []struct {
		keep Keep
		n    int
	}{{Touches([]bgp.ASN{64501}, nil), 1}, {Touches([]bgp.ASN{64500}, nil), 0}} {
		if got := Select(evs, c.keep); (len(got) > 0) != (c.n > 0) {
			t.Errorf("selected %d objects, want those of %d events", len(got), c.n)
		}
	}
}
