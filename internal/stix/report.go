package stix

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// MonthlyReport returns the report (STIX 2.1 section 4.16) that groups
// the objects of one tenant's month: every object given whose version
// falls in the month, and the observables and identities they refer to.
// Its identifier depends on the tenant and month only, so the report of
// the current month gets a new version (a later modified) as the month
// fills. ok is false when no object falls in the month.
func MonthlyReport(tenant string, month time.Time, objs []Object) (r *Report, ok bool) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	in := map[ID]bool{}
	var refs []ID
	last := from
	add := func(id ID) {
		if !in[id] {
			in[id] = true
			refs = append(refs, id)
		}
	}
	byID := map[ID]Object{}
	for _, o := range objs {
		byID[o.ObjectID()] = o
	}
	for _, o := range objs {
		v := o.Version()
		if v.IsZero() || v.Before(from) || !v.Before(to) || o.ObjectType() == "report" {
			continue
		}
		if v.After(last) {
			last = v
		}
		add(o.ObjectID())
		for _, ref := range o.Refs() {
			if _, known := byID[ref]; known {
				add(ref)
			}
		}
	}
	if len(refs) == 0 {
		return nil, false
	}
	slices.Sort(refs)
	name := fmt.Sprintf("Routing-security events for %s, %s", tenant, from.Format("January 2006"))
	return &Report{
		Common:      newCommon("report", NewID("report", "monthly|"+tenant+"|"+from.Format("2006-01")), from, last),
		Name:        name,
		Description: fmt.Sprintf("The routing-security events manrs published for %s in %s.", tenant, from.Format("January 2006")),
		ReportTypes: []string{"threat-report"},
		Published:   At(last),
		ObjectRefs:  refs,
	}, true
}

// NewBundle returns a bundle (STIX 2.1 section 8) of the objects with the
// shared producer and extension definition first, each object version
// once. Its identifier is derived from key.
func NewBundle(key string, objs []Object) *Bundle {
	b := &Bundle{Type: "bundle", ID: NewID("bundle", key)}
	b.Objects = Dedupe(append(Shared(), objs...))
	return b
}

// Dedupe returns the objects with each identifier and version once, in
// their first order: events share observables and collector peers.
func Dedupe(objs []Object) []Object {
	type key struct {
		id ID
		v  time.Time
	}
	seen := map[key]bool{}
	out := objs[:0:0]
	for _, o := range objs {
		k := key{o.ObjectID(), o.Version()}
		if !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	return out
}

// Keep selects the events to publish (a tenant's, see Touches): by the
// AS charged, the AS that caused it and the prefixes involved (none for
// events about an AS).
type Keep func(asn, culprit bgp.ASN, prefixes []netip.Prefix) bool

// DayEvent is one event of a stored day: its objects, the indicator
// first, and what a Keep selects it by.
type DayEvent struct {
	// ASN is the AS charged, Culprit the AS that caused it; Prefixes
	// are those involved, none for an event about an AS.
	ASN, Culprit bgp.ASN
	Prefixes     []netip.Prefix
	Objects      []Object
}

// Kept reports whether keep selects the event; a nil keep selects all.
func (e *DayEvent) Kept(keep Keep) bool { return keep == nil || keep(e.ASN, e.Culprit, e.Prefixes) }

// DayEvents returns the events of a stored day: every incident, leaving
// out those whose dispute was accepted; every AS whose contact
// information disappeared since the day before (ContactsRemoved); every
// lapse and restoration under policy. The events of a day serve every
// collection and tenant: read them once and select with Kept.
func DayEvents(ctx context.Context, st store.Store, date time.Time, policy string) ([]DayEvent, error) {
	ins, err := st.Incidents(ctx, store.Query{From: date, To: date})
	if err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	out := make([]DayEvent, 0, len(ins))
	for _, in := range ins {
		out = append(out, DayEvent{ASN: in.ASN, Culprit: in.Culprit, Prefixes: in.Prefixes, Objects: FromIncident(in)})
	}
	removed, err := ContactsRemoved(ctx, st, date)
	if err != nil {
		return nil, err
	}
	for _, m := range removed {
		out = append(out, DayEvent{ASN: m.ASN, Culprit: m.ASN, Objects: FromContactRemoved(m.ASN, date, m.Detail)})
	}
	lapses, err := st.Lapses(ctx, 0, policy, date, date)
	if err != nil {
		return nil, fmt.Errorf("read lapses: %w", err)
	}
	for _, l := range lapses {
		objs, err := FromLapse(l)
		if err != nil {
			return nil, err
		}
		out = append(out, DayEvent{ASN: l.ASN, Culprit: l.ASN, Objects: objs})
	}
	return out, nil
}

// Select returns the objects of the events keep selects, without
// duplicates.
func Select(evs []DayEvent, keep Keep) []Object {
	var out []Object
	for i := range evs {
		if evs[i].Kept(keep) {
			out = append(out, evs[i].Objects...)
		}
	}
	return Dedupe(out)
}

// FromDay returns the objects of the events of a stored day that keep
// selects (DayEvents, Select).
func FromDay(ctx context.Context, st store.Store, date time.Time, policy string, keep Keep) ([]Object, error) {
	evs, err := DayEvents(ctx, st, date, policy)
	if err != nil {
		return nil, err
	}
	return Select(evs, keep), nil
}

// contactSources are the input kinds M8 is measured from.
var contactSources = []string{"peeringdb", "irr"}

// ContactsRemoved returns, for each AS that had contact information on
// the day before date (M8 1) and has none on date (M8 0), its M8
// measurement of the day before, which names what was registered. It
// returns none when the day before is not stored, or when a source of
// M8 (PeeringDB, IRR) failed on date or was read the day before and not
// on date: a missing dump must not read as every contact removed.
func ContactsRemoved(ctx context.Context, st store.Store, date time.Time) ([]store.Measurement, error) {
	date = date.UTC().Truncate(24 * time.Hour)
	prev := date.AddDate(0, 0, -1)
	days, err := st.Days(ctx, prev, date)
	if err != nil {
		return nil, fmt.Errorf("read days: %w", err)
	}
	if len(days) != 2 {
		return nil, nil
	}
	for _, kind := range contactSources {
		if readOK(days[0], kind) && !readOK(days[1], kind) {
			return nil, nil
		}
	}
	before, err := st.MetricOn(ctx, incident.M8, prev)
	if err != nil {
		return nil, fmt.Errorf("read M8 of %s: %w", prev.Format("2006-01-02"), err)
	}
	now, err := st.MetricOn(ctx, incident.M8, date)
	if err != nil {
		return nil, fmt.Errorf("read M8 of %s: %w", date.Format("2006-01-02"), err)
	}
	var out []store.Measurement
	i := 0
	for _, m := range now {
		for i < len(before) && before[i].ASN < m.ASN {
			i++
		}
		if i < len(before) && before[i].ASN == m.ASN && before[i].Value > 0 && m.Value == 0 {
			out = append(out, before[i])
		}
	}
	return out, nil
}

// readOK reports whether a day read some input of a kind, and none of
// that kind failed.
func readOK(d *incident.Day, kind string) bool {
	read := false
	for _, in := range d.Inputs {
		if in.Kind != kind {
			continue
		}
		if in.Err != "" {
			return false
		}
		read = true
	}
	return read
}

// Touches returns a selector for FromDay of the events that concern a
// tenant: charged to or caused by one of its ASes, or involving a prefix
// that overlaps one of its prefixes (a hijack of its space, a leak of its
// routes).
func Touches(asns []bgp.ASN, prefixes []netip.Prefix) Keep {
	return func(a, culprit bgp.ASN, ps []netip.Prefix) bool {
		if slices.Contains(asns, a) || slices.Contains(asns, culprit) {
			return true
		}
		for _, p := range ps {
			for _, q := range prefixes {
				if p.Overlaps(q) {
					return true
				}
			}
		}
		return false
	}
}
