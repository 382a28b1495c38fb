package deliver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"time"

	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
)

// Event is one routing-security event: an incident, a lapse or a
// restoration of conformance, with the STIX bundle that describes it.
type Event struct {
	// ID is the event's stable identifier: the incident ID, or the key
	// of a lapse (the routing-event extension's event_id).
	ID string `json:"id"`
	// Type is the routing-event extension's event_type.
	Type stix.EventType `json:"type"`
	// Date is the observed day, YYYY-MM-DD.
	Date string `json:"date"`
	// Name and Description are the indicator's.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Severity is the syslog severity (RFC 5424 section 6.2.1):
	// 4 (warning) for incidents and lapses, 5 (notice) for
	// restorations, 6 (informational) for test events.
	Severity int `json:"severity"`
	// Routing holds the routing fields (docs/feeds.md, routing-event
	// extension).
	Routing *stix.RoutingEvent `json:"routing"`
	// IndicatorID is the STIX identifier of the event's indicator.
	IndicatorID stix.ID `json:"indicator_id"`
	// Bundle holds the event's STIX objects, the producer and the
	// extension definition first.
	Bundle *stix.Bundle `json:"-"`
}

// Syslog severities used.
const (
	severityWarning = 4
	severityNotice  = 5
	severityInfo    = 6
)

// NewEvent returns the event of the objects of one incident or lapse
// (stix.FromIncident, stix.FromLapse): the first indicator names it. It
// is an error when there is none or it carries no routing-event
// extension.
func NewEvent(date time.Time, objs []stix.Object) (*Event, error) {
	for _, o := range objs {
		ind, ok := o.(*stix.Indicator)
		if !ok {
			continue
		}
		ev, ok := ind.Extensions[stix.ExtensionID].(*stix.RoutingEvent)
		if !ok || ev.EventID == "" {
			return nil, fmt.Errorf("deliver: indicator %s has no routing-event extension", ind.ID)
		}
		e := &Event{ID: ev.EventID, Type: ev.EventType, Date: date.UTC().Format("2006-01-02"), Name: ind.Name,
			Description: ind.Description, Severity: severityWarning, Routing: ev, IndicatorID: ind.ID,
			Bundle: stix.NewBundle("event|"+ev.EventID, objs)}
		if ev.EventType == stix.ConformanceRestoration {
			e.Severity = severityNotice
		}
		return e, nil
	}
	return nil, fmt.Errorf("deliver: no indicator among %d objects", len(objs))
}

// Selector picks the events of a tenant (stix.Touches); nil picks all.
type Selector = stix.Keep

// EventsOfDay returns the events of a stored day that sel picks
// (stix.DayEvents): incidents, contact removals, lapses and
// restorations.
func EventsOfDay(ctx context.Context, st store.Store, date time.Time, policy string, sel Selector) ([]*Event, error) {
	evs, err := stix.DayEvents(ctx, st, date, policy)
	if err != nil {
		return nil, err
	}
	return selectEvents(date, evs, sel)
}

// selectEvents returns the events of a day's that sel picks.
func selectEvents(date time.Time, evs []stix.DayEvent, sel Selector) ([]*Event, error) {
	var out []*Event
	for i := range evs {
		if !evs[i].Kept(sel) {
			continue
		}
		e, err := NewEvent(date, evs[i].Objects)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// TestEvent returns an event for checking a tenant's outputs (manrs feed
// test): a route leak in documentation address space (RFC 5737) by a
// documentation AS (RFC 5398), its ID unique to the tenant and time.
func TestEvent(tenant string, now time.Time) *Event {
	now = now.UTC()
	sum := sha256.Sum256([]byte(tenant + "|" + now.Format(time.RFC3339Nano)))
	in := store.Incident{Date: now.Truncate(24 * time.Hour)}
	in.ID = "test-" + hex.EncodeToString(sum[:10])
	in.Metric = "M1"
	in.ASN, in.Culprit = 64501, 64501
	in.Prefixes = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
	in.Reason = "test event of manrs feed test: route leak (RFC 7908 type 1) by AS64501"
	in.Detail.LeakType = 1
	in.Start, in.End = now.Add(-time.Minute), now
	in.Peers = 1
	e, err := NewEvent(now, stix.FromIncident(in))
	if err != nil {
		panic(err) // FromIncident always yields an indicator with the extension
	}
	e.Severity = severityInfo
	e.Name = "manrs feed test: " + e.Name
	return e
}
