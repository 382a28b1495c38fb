package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// dayRows is a day encoded for its tables, ready to insert.
type dayRows struct {
	date            int64
	partial         int64
	reasons, inputs []byte
	asns            []byte
	incidents       []incidentRow
	measurements    []incident.Measurement // sorted by AS and metric; the caller's if it was

	prefixASNs []bgp.ASN
	prefixData [][]byte // of prefixASNs[i]
	observed   int64
}

type incidentRow struct {
	id                 string
	metric             string
	asn, culprit       int64
	start, end         any
	continued, ongoing int64
	peers              int64
	reason             string
	prefixes, evidence []byte
	detail             []byte
}

// encodeDay checks d and encodes it; it does not touch the database.
func encodeDay(d *incident.Day) (*dayRows, error) {
	if d.Date.IsZero() {
		return nil, errors.New("day has no date")
	}
	r := &dayRows{date: dateKey(d.Date), partial: boolInt(d.Partial), observed: time.Now().UnixNano()}
	var err error
	if r.reasons, err = json.Marshal(d.Reasons); err != nil {
		return nil, fmt.Errorf("encode reasons: %w", err)
	}
	if r.inputs, err = json.Marshal(d.Inputs); err != nil {
		return nil, fmt.Errorf("encode inputs: %w", err)
	}

	asns := slices.Clone(d.ASes)
	slices.Sort(asns)
	asns = slices.Compact(asns)
	r.asns = appendASNs(make([]byte, 0, 4*len(asns)), asns)

	r.incidents = make([]incidentRow, len(d.Incidents))
	for i := range d.Incidents {
		if err := encodeIncident(&r.incidents[i], &d.Incidents[i]); err != nil {
			return nil, fmt.Errorf("incident %d (%s): %w", i, d.Incidents[i].ID, err)
		}
	}

	r.measurements = d.Measurements
	for i := range r.measurements {
		m := &r.measurements[i]
		switch {
		case !m.Metric.Measured():
			return nil, fmt.Errorf("measurement of %s: %q is not a measured metric", m.ASN, m.Metric)
		case math.IsNaN(m.Value):
			return nil, fmt.Errorf("measurement of %s %s: value is NaN", m.ASN, m.Metric)
		}
	}
	// Rows in key order are appended to the table's B-tree; detectors
	// usually give them in that order already.
	byKey := func(a, b incident.Measurement) int {
		if a.ASN != b.ASN {
			return cmp.Compare(a.ASN, b.ASN)
		}
		return cmp.Compare(a.Metric, b.Metric)
	}
	if !slices.IsSortedFunc(r.measurements, byKey) {
		r.measurements = slices.Clone(r.measurements)
		slices.SortFunc(r.measurements, byKey)
	}
	for i := 1; i < len(r.measurements); i++ {
		if m := &r.measurements[i]; byKey(*m, r.measurements[i-1]) == 0 {
			return nil, fmt.Errorf("measurement of %s %s: given twice", m.ASN, m.Metric)
		}
	}

	for asn, ps := range d.Prefixes {
		if len(ps) > 0 {
			r.prefixASNs = append(r.prefixASNs, asn)
		}
	}
	slices.Sort(r.prefixASNs)
	size := 0
	for _, asn := range r.prefixASNs {
		size += 8 * len(d.Prefixes[asn])
	}
	buf := make([]byte, 0, size)
	r.prefixData = make([][]byte, len(r.prefixASNs))
	var scratch []incident.PrefixStatus
	byPrefix := func(a, b incident.PrefixStatus) int {
		return store.ComparePrefixes(a.Prefix.Masked(), b.Prefix.Masked())
	}
	for i, asn := range r.prefixASNs {
		sorted := d.Prefixes[asn]
		if !slices.IsSortedFunc(sorted, byPrefix) {
			scratch = append(scratch[:0], sorted...)
			slices.SortStableFunc(scratch, byPrefix)
			sorted = scratch
		}
		start := len(buf)
		if buf, err = appendPrefixes(buf, sorted); err != nil {
			return nil, fmt.Errorf("prefixes of %s: %w", asn, err)
		}
		r.prefixData[i] = buf[start:len(buf):len(buf)]
	}
	return r, nil
}

func encodeIncident(r *incidentRow, in *incident.Incident) error {
	if in.ID == "" {
		return errors.New("no ID")
	}
	if !in.Metric.Valid() || !in.Metric.IsIncident() {
		return fmt.Errorf("%q is not an incident metric", in.Metric)
	}
	var err error
	if r.start, err = instant(in.Start); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if r.end, err = instant(in.End); err != nil {
		return fmt.Errorf("end: %w", err)
	}
	for _, p := range in.Prefixes {
		if !p.IsValid() {
			return fmt.Errorf("invalid prefix %q", p)
		}
	}
	if r.prefixes, err = json.Marshal(in.Prefixes); err != nil {
		return fmt.Errorf("encode prefixes: %w", err)
	}
	ev := in.Evidence
	if ev != nil {
		ev = slices.Clone(ev)
		for i := range ev {
			ev[i].Seen = ev[i].Seen.UTC()
		}
	}
	if r.evidence, err = json.Marshal(ev); err != nil {
		return fmt.Errorf("encode evidence: %w", err)
	}
	if r.detail, err = json.Marshal(&in.Detail); err != nil {
		return fmt.Errorf("encode detail: %w", err)
	}
	r.id = in.ID
	r.metric = string(in.Metric)
	r.asn, r.culprit = int64(in.ASN), int64(in.Culprit)
	r.continued, r.ongoing = boolInt(in.Continued), boolInt(in.Ongoing)
	r.peers = int64(in.Peers)
	r.reason = in.Reason
	return nil
}

// PutDay stores d, replacing what was stored for its date, in one
// transaction.
func (s *Store) PutDay(ctx context.Context, d *incident.Day) error {
	r, err := encodeDay(d)
	if err != nil {
		return fmt.Errorf("sqlite: put day %s: %w", d.Date.UTC().Format(time.DateOnly), err)
	}
	if err := s.putDay(ctx, r); err != nil {
		return fmt.Errorf("sqlite: put day %s: %w", keyDate(r.date), err)
	}
	return nil
}

func (s *Store) putDay(ctx context.Context, r *dayRows) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	for _, table := range []string{"incidents", "measurements", "prefixes", "day_ases"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE date = ?", r.date); err != nil {
			return fmt.Errorf("delete old %s: %w", table, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO days (date, partial, reasons, inputs, observed_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (date) DO UPDATE SET partial = excluded.partial, reasons = excluded.reasons,
		inputs = excluded.inputs, observed_at = excluded.observed_at`,
		r.date, r.partial, r.reasons, r.inputs, r.observed); err != nil {
		return fmt.Errorf("insert day: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO day_ases (date, asns) VALUES (?, ?)", r.date, r.asns); err != nil {
		return fmt.Errorf("insert ASes: %w", err)
	}

	if err := insertIncidents(ctx, tx, r); err != nil {
		return err
	}
	if err := insertMeasurements(ctx, tx, r); err != nil {
		return err
	}
	if err := insertPrefixes(ctx, tx, r); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func insertIncidents(ctx context.Context, tx *sql.Tx, r *dayRows) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO incidents (id, date, metric, asn, culprit, start_ns, end_ns,
		continued, ongoing, peers, reason, prefixes, evidence, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert incidents: %w", err)
	}
	defer stmt.Close()
	for i := range r.incidents {
		in := &r.incidents[i]
		if _, err := stmt.ExecContext(ctx, in.id, r.date, in.metric, in.asn, in.culprit, in.start, in.end,
			in.continued, in.ongoing, in.peers, in.reason, in.prefixes, in.evidence, in.detail); err != nil {
			return fmt.Errorf("insert incident %s: %w", in.id, err)
		}
	}
	return nil
}

func insertMeasurements(ctx context.Context, tx *sql.Tx, r *dayRows) error {
	ins := newBatchInsert(tx, "measurements", "date, asn, metric, value, count, detail")
	defer ins.close()
	// Boxed once, not once a row.
	date := any(r.date)
	metrics := make(map[incident.Metric]any, len(incident.Metrics))
	for _, m := range incident.Metrics {
		metrics[m] = string(m)
	}
	for i := range r.measurements {
		m := &r.measurements[i]
		if err := ins.add(ctx, date, int64(m.ASN), metrics[m.Metric], m.Value, int64(m.Count), m.Detail); err != nil {
			return fmt.Errorf("insert measurements: %w", err)
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("insert measurements: %w", err)
	}
	return nil
}

func insertPrefixes(ctx context.Context, tx *sql.Tx, r *dayRows) error {
	ins := newBatchInsert(tx, "prefixes", "date, asn, data")
	defer ins.close()
	date := any(r.date)
	for i, asn := range r.prefixASNs {
		if err := ins.add(ctx, date, int64(asn), r.prefixData[i]); err != nil {
			return fmt.Errorf("insert prefixes: %w", err)
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("insert prefixes: %w", err)
	}
	return nil
}

// batchRows is how many rows one INSERT statement of a batchInsert
// carries: fewer statements to step, far under SQLite's limit of 32766
// parameters.
const batchRows = 64

// batchInsert inserts rows batchRows at a time, with one prepared
// statement of batchRows rows and one for the rest.
type batchInsert struct {
	tx         *sql.Tx
	table      string
	cols       string
	ncols      int
	stmt       *sql.Stmt
	args       []any
	rows, done int
}

func newBatchInsert(tx *sql.Tx, table, cols string) *batchInsert {
	n := strings.Count(cols, ",") + 1
	return &batchInsert{tx: tx, table: table, cols: cols, ncols: n, args: make([]any, 0, n*batchRows)}
}

func (b *batchInsert) sql(rows int) string {
	var q strings.Builder
	q.WriteString("INSERT INTO " + b.table + " (" + b.cols + ") VALUES ")
	row := "(?" + strings.Repeat(", ?", b.ncols-1) + ")"
	for i := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	return q.String()
}

func (b *batchInsert) add(ctx context.Context, values ...any) error {
	b.args = append(b.args, values...)
	b.rows++
	if b.rows < batchRows {
		return nil
	}
	if b.stmt == nil {
		var err error
		if b.stmt, err = b.tx.PrepareContext(ctx, b.sql(batchRows)); err != nil {
			return err
		}
	}
	if _, err := b.stmt.ExecContext(ctx, b.args...); err != nil {
		return fmt.Errorf("rows %d-%d: %w", b.done, b.done+b.rows-1, err)
	}
	b.done += b.rows
	b.args, b.rows = b.args[:0], 0
	return nil
}

func (b *batchInsert) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.sql(b.rows), b.args...); err != nil {
		return fmt.Errorf("rows %d-%d: %w", b.done, b.done+b.rows-1, err)
	}
	b.done += b.rows
	b.args, b.rows = b.args[:0], 0
	return nil
}

func (b *batchInsert) close() {
	if b.stmt != nil {
		b.stmt.Close()
	}
}

const selectDay = `SELECT date, partial, reasons, inputs FROM days`

// Day returns the record of a day, without its ASes, incidents,
// measurements and prefixes.
func (s *Store) Day(ctx context.Context, date time.Time) (*incident.Day, error) {
	k := dateKey(date)
	rows, err := s.db.QueryContext(ctx, selectDay+" WHERE date = ?", k)
	if err != nil {
		return nil, fmt.Errorf("sqlite: day %s: %w", keyDate(k), err)
	}
	days, err := scanDays(rows)
	if err != nil {
		return nil, err
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("sqlite: day %s: %w", keyDate(k), store.ErrNotFound)
	}
	return days[0], nil
}

// Days lists the stored days in [from, to], oldest first.
func (s *Store) Days(ctx context.Context, from, to time.Time) ([]*incident.Day, error) {
	lo, hi := bounds(from, to)
	rows, err := s.db.QueryContext(ctx, selectDay+" WHERE date BETWEEN ? AND ? ORDER BY date", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sqlite: days: %w", err)
	}
	return scanDays(rows)
}

func scanDays(rows *sql.Rows) ([]*incident.Day, error) {
	defer rows.Close()
	var out []*incident.Day
	for rows.Next() {
		var k, partial int64
		var reasons, inputs []byte
		if err := rows.Scan(&k, &partial, &reasons, &inputs); err != nil {
			return nil, fmt.Errorf("sqlite: scan days: %w", err)
		}
		key := keyDate(k)
		date, err := decodeDate("days", key, k)
		if err != nil {
			return nil, err
		}
		d := &incident.Day{Date: date}
		if d.Partial, err = decodeBool("days", key, "partial", partial); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(reasons, &d.Reasons); err != nil {
			return nil, corrupt("days", key, "reasons", err)
		}
		if err := json.Unmarshal(inputs, &d.Inputs); err != nil {
			return nil, corrupt("days", key, "inputs", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read days: %w", err)
	}
	return out, nil
}

// ASes returns the ASes seen on date, sorted.
func (s *Store) ASes(ctx context.Context, date time.Time) ([]bgp.ASN, error) {
	k := dateKey(date)
	var b []byte
	err := s.db.QueryRowContext(ctx, "SELECT asns FROM day_ases WHERE date = ?", k).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: ASes of %s: %w", keyDate(k), store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: ASes of %s: %w", keyDate(k), err)
	}
	asns, err := decodeASNs(b)
	if err != nil {
		return nil, corrupt("day_ases", keyDate(k), "asns", err)
	}
	return asns, nil
}

// queryPrefixes reads the prefixes of one AS on one day, with whether the
// day is stored.
const queryPrefixes = `SELECT p.data FROM days d LEFT JOIN prefixes p ON p.date = d.date AND p.asn = ? WHERE d.date = ?`

// Prefixes returns the prefixes asn originated on date, sorted.
func (s *Store) Prefixes(ctx context.Context, asn bgp.ASN, date time.Time) ([]incident.PrefixStatus, error) {
	k := dateKey(date)
	var b []byte
	err := s.db.QueryRowContext(ctx, queryPrefixes, int64(asn), k).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: prefixes of %s on %s: %w", asn, keyDate(k), store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: prefixes of %s on %s: %w", asn, keyDate(k), err)
	}
	if b == nil {
		return nil, nil
	}
	ps, err := decodePrefixes(b)
	if err != nil {
		return nil, corrupt("prefixes", keyDate(k)+" "+asn.String(), "data", err)
	}
	return ps, nil
}
