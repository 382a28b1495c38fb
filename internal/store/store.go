// Package store keeps what the observatory measured: each observed day
// with its inputs, incidents, measurements and the prefixes behind M7;
// the verdicts and lapses computed from them; and the dispute trail of
// incidents. It is the only package that talks to a database.
//
// Store is the interface every backend implements; storetest holds the
// conformance suite each must pass. The embedded backend is SQLite
// (modernc.org/sqlite, pure Go): one file in the data directory, schema
// migrations applied on open, one transaction per observed day, so a
// crash mid-ingest leaves the previous state whole.
//
// Nothing read from a store is trusted more than a file: a row that does
// not decode is an error naming the table and key.
package store

import (
	"cmp"
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
)

// ErrNotFound is returned when the day, incident or dispute asked for is
// not stored.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a dispute is not in the state an operation
// needs: reviewing a dispute that is not open, or opening one on an
// incident whose latest dispute is open or accepted.
var ErrConflict = errors.New("conflict")

// Store is a backend. Dates are UTC days (00:00): a date argument stands
// for its UTC calendar day, whatever its time of day, and dates and times
// come back in UTC. Every method is safe for concurrent use.
type Store interface {
	// PutDay stores an observed day, replacing all that was stored for
	// its date (incidents, measurements, prefixes, inputs) in one
	// transaction. Disputes are kept: they refer to incident IDs, which
	// are stable across re-observation. Verdicts and lapses of the date
	// are left as they are; the caller recomputes them.
	PutDay(ctx context.Context, d *incident.Day) error
	// Day returns the record of a day without its ASes, incidents,
	// measurements and prefixes (Day.ASes, Day.Incidents etc. are nil;
	// ASes returns the ASes).
	Day(ctx context.Context, date time.Time) (*incident.Day, error)
	// Days lists the stored days in [from, to], oldest first, as Day
	// does; a zero bound is open.
	Days(ctx context.Context, from, to time.Time) ([]*incident.Day, error)

	// Incidents returns the incidents matching q, by date then metric,
	// AS and start.
	Incidents(ctx context.Context, q Query) ([]Incident, error)
	// Incident returns one incident by ID.
	Incident(ctx context.Context, id string) (Incident, error)
	// Measurements returns the measurements of asn on the days in
	// [from, to], by date then metric.
	Measurements(ctx context.Context, asn bgp.ASN, from, to time.Time) ([]Measurement, error)
	// MetricOn returns the measurements of one metric for every AS on
	// date, by AS; none when the day is not stored.
	MetricOn(ctx context.Context, metric incident.Metric, date time.Time) ([]Measurement, error)
	// Prefixes returns the prefixes asn originated on date, sorted by
	// ComparePrefixes; ErrNotFound when the day is not stored.
	Prefixes(ctx context.Context, asn bgp.ASN, date time.Time) ([]incident.PrefixStatus, error)
	// ASes returns the ASes seen on date, sorted; ErrNotFound when the
	// day is not stored.
	ASes(ctx context.Context, date time.Time) ([]bgp.ASN, error)

	// PutVerdicts replaces the verdicts of one date and policy. The
	// Date and Policy of each verdict must be zero or equal those given.
	PutVerdicts(ctx context.Context, date time.Time, policy string, v []Verdict) error
	// Verdicts returns the verdicts of asn under policy on the days in
	// [from, to], oldest first; asn 0 means every AS.
	Verdicts(ctx context.Context, asn bgp.ASN, policy string, from, to time.Time) ([]Verdict, error)
	// PutLapses replaces the lapses of one date and policy, as
	// PutVerdicts does.
	PutLapses(ctx context.Context, date time.Time, policy string, l []Lapse) error
	// Lapses returns the lapses under policy on the days in [from, to],
	// by date then AS; asn 0 means every AS.
	Lapses(ctx context.Context, asn bgp.ASN, policy string, from, to time.Time) ([]Lapse, error)

	// OpenDispute opens a dispute of an incident; ErrNotFound when no
	// incident has that ID, ErrConflict when its latest dispute is open
	// or accepted (a rejected dispute may be followed by another).
	OpenDispute(ctx context.Context, incidentID, reason, by string, at time.Time) (Dispute, error)
	// ReviewDispute accepts or rejects an open dispute; ErrNotFound when
	// no dispute has that ID, ErrConflict when it is not open.
	ReviewDispute(ctx context.Context, disputeID int64, accept bool, note, by string, at time.Time) (Dispute, error)
	// Disputes returns the disputes of an incident, or of every incident
	// when incidentID is "", oldest first.
	Disputes(ctx context.Context, incidentID string) ([]Dispute, error)

	// AddFeed adds object versions to a feed collection (a TAXII
	// collection of internal/taxii) in one transaction, each with its own
	// date added: strictly after the collection's last, and not before
	// now. A version the collection holds (same id and version; for an
	// object without a version, same id) is left out. day, when not
	// zero, is the observed day the objects come from: it is recorded
	// as fed in the same transaction (FeedDays). It returns the entries
	// added.
	AddFeed(ctx context.Context, collection string, day time.Time, objs []FeedObject, now time.Time) ([]FeedEntry, error)
	// FeedDays returns the days recorded as fed to a collection, oldest
	// first.
	FeedDays(ctx context.Context, collection string) ([]time.Time, error)
	// FindFeed returns the entries of a collection that q selects, in
	// order of date added, at most q.Limit, and whether more follow.
	FindFeed(ctx context.Context, collection string, q FeedQuery) ([]FeedEntry, bool, error)
	// PruneFeed removes from a collection the entries added before
	// before, and returns how many it removed. The first, last and
	// latest versions of the objects that keep entries are worked out
	// again from those left. The days fed stay recorded: a day pruned is
	// not fed again.
	PruneFeed(ctx context.Context, collection string, before time.Time) (int, error)
	// HasFeedObject reports whether a collection holds a version of an
	// object.
	HasFeedObject(ctx context.Context, collection, id string) (bool, error)

	Close() error
}

// FeedObject is one object version to add to a feed collection.
type FeedObject struct {
	ID          string
	Type        string
	SpecVersion string
	// Version is the object's modified (or created) time; zero for an
	// object that has none (a STIX cyber-observable), whose version is
	// then its date added and of which a collection holds one.
	Version time.Time
	// Object is the object's JSON.
	Object []byte
}

// FeedEntry is one object version in a feed collection: what a TAXII
// server must keep so that an object's date added never changes (TAXII
// 2.1 section 3.4.1).
type FeedEntry struct {
	FeedObject
	DateAdded time.Time
}

// FeedQuery selects entries of a feed collection, as the filters of
// TAXII 2.1 section 3.5 do.
type FeedQuery struct {
	// After leaves out entries added at or before it (added_after, and
	// the paging cursor).
	After time.Time
	// IDs and Types, when not nil, list the accepted ones.
	IDs, Types []string
	// SpecVersions, when not nil, lists the accepted STIX versions;
	// nil accepts each object's latest only.
	SpecVersions []string
	// The versions: every one (All), or those that are an object's
	// first or last (among the versions of accepted STIX versions), or
	// listed in Versions. None of them set selects nothing.
	All, First, Last bool
	Versions         []time.Time
	// Limit is the most entries returned (positive).
	Limit int
	// Bodies asks for each entry's Object; without it Object is nil.
	Bodies bool
}

// Query selects incidents. Zero fields do not restrict.
type Query struct {
	ASN      bgp.ASN
	Metric   incident.Metric
	From, To time.Time // dates, inclusive
	// WithAccepted keeps incidents whose dispute was accepted; they are
	// left out by default, as scores leave them out.
	WithAccepted bool
	Limit        int
}

// Incident is a stored incident with its day and dispute state.
type Incident struct {
	incident.Incident
	Date time.Time `json:"date"`
	// Dispute is the state of its latest dispute: "", "open",
	// "accepted" or "rejected".
	Dispute string `json:"dispute,omitempty"`
}

// Measurement is a stored measurement with its day.
type Measurement struct {
	incident.Measurement
	Date time.Time `json:"date"`
}

// Verdict is the conformance of one AS on one day under one policy, as
// the observatory computed it. Detail is the observatory's JSON (scores
// per metric and action, bands); the store keeps it as it is.
type Verdict struct {
	Date       time.Time `json:"date"`
	ASN        bgp.ASN   `json:"asn"`
	Policy     string    `json:"policy"`
	Conformant bool      `json:"conformant"`
	Detail     []byte    `json:"detail,omitempty"`
}

// Lapse is a change of conformance of one AS between one day and the
// day before: lapsed (Conformant false) or restored.
type Lapse struct {
	Date       time.Time `json:"date"`
	ASN        bgp.ASN   `json:"asn"`
	Policy     string    `json:"policy"`
	Conformant bool      `json:"conformant"`
	// Detail is the observatory's JSON evidence: what changed.
	Detail []byte `json:"detail,omitempty"`
}

// Dispute states.
const (
	DisputeOpen     = "open"
	DisputeAccepted = "accepted"
	DisputeRejected = "rejected"
)

// Dispute is the trail of one dispute of an incident.
type Dispute struct {
	ID         int64     `json:"id"`
	IncidentID string    `json:"incident_id"`
	State      string    `json:"state"`
	Reason     string    `json:"reason"`
	OpenedBy   string    `json:"opened_by"`
	Opened     time.Time `json:"opened"`
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	Reviewed   time.Time `json:"reviewed,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// ComparePrefixes is the order of prefixes that Prefixes returns: IPv4
// before IPv6, then by address, then by length, so that a prefix comes
// just before the more specifics it covers (netip.Prefix.Compare orders
// by length first).
func ComparePrefixes(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}
