package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// latestDispute is the state of an incident's latest dispute, NULL when
// it has none.
const latestDispute = `(SELECT d.state FROM disputes d WHERE d.incident_id = i.id ORDER BY d.id DESC LIMIT 1)`

const selectIncident = `SELECT i.id, i.date, i.metric, i.asn, i.culprit, i.start_ns, i.end_ns, i.continued, i.ongoing,
	i.peers, i.reason, i.prefixes, i.evidence, i.detail, ` + latestDispute + ` FROM incidents i`

// incidentsSQL builds the query of q and its arguments.
func incidentsSQL(q store.Query) (string, []any) {
	var where []string
	var args []any
	if q.ASN != 0 {
		where = append(where, "i.asn = ?")
		args = append(args, int64(q.ASN))
	}
	if q.Metric != "" {
		where = append(where, "i.metric = ?")
		args = append(args, string(q.Metric))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		lo, hi := bounds(q.From, q.To)
		where = append(where, "i.date BETWEEN ? AND ?")
		args = append(args, lo, hi)
	}
	if !q.WithAccepted {
		where = append(where, "coalesce("+latestDispute+", '') <> '"+store.DisputeAccepted+"'")
	}
	var b strings.Builder
	b.WriteString(selectIncident)
	if len(where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY i.date, i.metric, i.asn, i.start_ns, i.id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	return b.String(), args
}

// Incidents returns the incidents matching q, by date then metric, AS and
// start.
func (s *Store) Incidents(ctx context.Context, q store.Query) ([]store.Incident, error) {
	if q.Limit < 0 {
		return nil, fmt.Errorf("sqlite: incidents: negative limit %d", q.Limit)
	}
	query, args := incidentsSQL(q)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: incidents: %w", err)
	}
	defer rows.Close()
	var out []store.Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read incidents: %w", err)
	}
	return out, nil
}

// Incident returns one incident by ID.
func (s *Store) Incident(ctx context.Context, id string) (store.Incident, error) {
	rows, err := s.db.QueryContext(ctx, selectIncident+" WHERE i.id = ?", id)
	if err != nil {
		return store.Incident{}, fmt.Errorf("sqlite: incident %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return store.Incident{}, fmt.Errorf("sqlite: incident %s: %w", id, err)
		}
		return store.Incident{}, fmt.Errorf("sqlite: incident %s: %w", id, store.ErrNotFound)
	}
	return scanIncident(rows)
}

func scanIncident(rows *sql.Rows) (store.Incident, error) {
	var (
		out                       store.Incident
		in                        = &out.Incident
		date, asn, culprit        int64
		continued, ongoing, peers int64
		start, end                sql.NullInt64
		metric                    string
		prefixes, evidence        []byte
		detail                    []byte
		dispute                   sql.NullString
	)
	if err := rows.Scan(&in.ID, &date, &metric, &asn, &culprit, &start, &end, &continued, &ongoing,
		&peers, &in.Reason, &prefixes, &evidence, &detail, &dispute); err != nil {
		return out, fmt.Errorf("sqlite: scan incidents: %w", err)
	}
	const table = "incidents"
	key := in.ID
	var err error
	if out.Date, err = decodeDate(table, key, date); err != nil {
		return out, err
	}
	in.Metric = incident.Metric(metric)
	if !in.Metric.Valid() || !in.Metric.IsIncident() {
		return out, corrupt(table, key, "metric", fmt.Errorf("%q is not an incident metric", metric))
	}
	a, err := decodeASN(table, key, "asn", asn)
	if err != nil {
		return out, err
	}
	c, err := decodeASN(table, key, "culprit", culprit)
	if err != nil {
		return out, err
	}
	in.ASN, in.Culprit = bgp.ASN(a), bgp.ASN(c)
	in.Start, in.End = decodeInstant(start), decodeInstant(end)
	if in.Continued, err = decodeBool(table, key, "continued", continued); err != nil {
		return out, err
	}
	if in.Ongoing, err = decodeBool(table, key, "ongoing", ongoing); err != nil {
		return out, err
	}
	in.Peers = int(peers)
	if err := json.Unmarshal(prefixes, &in.Prefixes); err != nil {
		return out, corrupt(table, key, "prefixes", err)
	}
	if err := json.Unmarshal(evidence, &in.Evidence); err != nil {
		return out, corrupt(table, key, "evidence", err)
	}
	if len(detail) == 0 {
		in.Detail = legacyDetail(in.Metric, in.Prefixes, in.Reason)
	} else if err := json.Unmarshal(detail, &in.Detail); err != nil {
		return out, corrupt(table, key, "detail", err)
	}
	switch dispute.String {
	case "", store.DisputeOpen, store.DisputeAccepted, store.DisputeRejected:
		out.Dispute = dispute.String
	default:
		return out, corrupt("disputes", "of incident "+key, "state", fmt.Errorf("unknown state %q", dispute.String))
	}
	return out, nil
}

// queryMeasurements reads the measurements of one AS over a range of
// days: one search of the primary key (date, asn, metric) per stored day,
// so that the table needs no second index, and a day is written in key
// order.
const queryMeasurements = `SELECT date, metric, value, count, detail FROM measurements
	WHERE date IN (SELECT date FROM days WHERE date BETWEEN ? AND ?) AND asn = ? ORDER BY date, metric`

// Measurements returns the measurements of asn on the days in [from, to],
// by date then metric.
func (s *Store) Measurements(ctx context.Context, asn bgp.ASN, from, to time.Time) ([]store.Measurement, error) {
	lo, hi := bounds(from, to)
	rows, err := s.db.QueryContext(ctx, queryMeasurements, lo, hi, int64(asn))
	if err != nil {
		return nil, fmt.Errorf("sqlite: measurements of %s: %w", asn, err)
	}
	defer rows.Close()
	var out []store.Measurement
	for rows.Next() {
		var (
			m      = store.Measurement{Measurement: incident.Measurement{ASN: asn}}
			date   int64
			metric string
			count  int64
		)
		if err := rows.Scan(&date, &metric, &m.Value, &count, &m.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: scan measurements: %w", err)
		}
		key := keyDate(date) + " " + asn.String() + " " + metric
		if m.Date, err = decodeDate("measurements", key, date); err != nil {
			return nil, err
		}
		m.Metric = incident.Metric(metric)
		if !m.Metric.Measured() {
			return nil, corrupt("measurements", key, "metric", errors.New("not a measured metric"))
		}
		m.Count = int(count)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read measurements: %w", err)
	}
	return out, nil
}

// queryMetricOn reads one metric of every AS on a day: the primary key
// (date, asn, metric) narrows the search to the day, in AS order; the
// metric is filtered within it.
const queryMetricOn = `SELECT asn, value, count, detail FROM measurements WHERE date = ? AND metric = ? ORDER BY asn`

// MetricOn returns the measurements of one metric for every AS on date,
// by AS.
func (s *Store) MetricOn(ctx context.Context, metric incident.Metric, date time.Time) ([]store.Measurement, error) {
	lo, _ := bounds(date, date)
	rows, err := s.db.QueryContext(ctx, queryMetricOn, lo, string(metric))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s on %s: %w", metric, keyDate(lo), err)
	}
	defer rows.Close()
	var out []store.Measurement
	for rows.Next() {
		var (
			m          = store.Measurement{Measurement: incident.Measurement{Metric: metric}}
			asn, count int64
		)
		if err := rows.Scan(&asn, &m.Value, &count, &m.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: scan measurements: %w", err)
		}
		key := keyDate(lo) + " AS" + fmt.Sprint(asn) + " " + string(metric)
		a, err := decodeASN("measurements", key, "asn", asn)
		if err != nil {
			return nil, err
		}
		m.ASN, m.Count = bgp.ASN(a), int(count)
		if m.Date, err = decodeDate("measurements", key, lo); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read measurements: %w", err)
	}
	return out, nil
}
