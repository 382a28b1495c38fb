package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/store"
)

// Verdicts and lapses have one shape and two tables, verdicts and lapses.

// conformance is a verdict or a lapse.
type conformance struct {
	date       time.Time
	asn        bgp.ASN
	policy     string
	conformant bool
	detail     []byte
}

// PutVerdicts replaces the verdicts of one date and policy.
func (s *Store) PutVerdicts(ctx context.Context, date time.Time, policy string, v []store.Verdict) error {
	rows := make([]conformance, len(v))
	for i, x := range v {
		rows[i] = conformance{x.Date, x.ASN, x.Policy, x.Conformant, x.Detail}
	}
	return s.putConformance(ctx, "verdicts", date, policy, rows)
}

// PutLapses replaces the lapses of one date and policy.
func (s *Store) PutLapses(ctx context.Context, date time.Time, policy string, l []store.Lapse) error {
	rows := make([]conformance, len(l))
	for i, x := range l {
		rows[i] = conformance{x.Date, x.ASN, x.Policy, x.Conformant, x.Detail}
	}
	return s.putConformance(ctx, "lapses", date, policy, rows)
}

// Verdicts returns the verdicts of asn (every AS when 0) under policy on
// the days in [from, to], by date then AS.
func (s *Store) Verdicts(ctx context.Context, asn bgp.ASN, policy string, from, to time.Time) ([]store.Verdict, error) {
	rows, err := s.conformance(ctx, "verdicts", asn, policy, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]store.Verdict, len(rows))
	for i, r := range rows {
		out[i] = store.Verdict{Date: r.date, ASN: r.asn, Policy: r.policy, Conformant: r.conformant, Detail: r.detail}
	}
	return out, nil
}

// Lapses returns the lapses of asn (every AS when 0) under policy on the
// days in [from, to], by date then AS.
func (s *Store) Lapses(ctx context.Context, asn bgp.ASN, policy string, from, to time.Time) ([]store.Lapse, error) {
	rows, err := s.conformance(ctx, "lapses", asn, policy, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]store.Lapse, len(rows))
	for i, r := range rows {
		out[i] = store.Lapse{Date: r.date, ASN: r.asn, Policy: r.policy, Conformant: r.conformant, Detail: r.detail}
	}
	return out, nil
}

func (s *Store) putConformance(ctx context.Context, table string, date time.Time, policy string, rows []conformance) error {
	if err := s.putConformanceTx(ctx, table, date, policy, rows); err != nil {
		return fmt.Errorf("sqlite: put %s of %s under %q: %w", table, date.UTC().Format(time.DateOnly), policy, err)
	}
	return nil
}

func (s *Store) putConformanceTx(ctx context.Context, table string, date time.Time, policy string, rows []conformance) error {
	if date.IsZero() {
		return errors.New("no date")
	}
	if policy == "" {
		return errors.New("no policy")
	}
	k := dateKey(date)
	for _, r := range rows {
		if !r.date.IsZero() && dateKey(r.date) != k {
			return fmt.Errorf("%s: dated %s", r.asn, r.date.UTC().Format(time.DateOnly))
		}
		if r.policy != "" && r.policy != policy {
			return fmt.Errorf("%s: under policy %q", r.asn, r.policy)
		}
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE date = ? AND policy = ?", k, policy); err != nil {
		return fmt.Errorf("delete old: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" (date, policy, asn, conformant, detail) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, k, policy, int64(r.asn), boolInt(r.conformant), r.detail); err != nil {
			return fmt.Errorf("insert %s: %w", r.asn, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// conformanceSQL is the query of the rows in table of every AS, by the
// primary key (policy, date, asn), or of one, by the index (policy, asn,
// date): named, since without statistics SQLite prefers the key's date
// range, which spans every AS.
func conformanceSQL(table string, all bool) string {
	if all {
		return "SELECT date, asn, conformant, detail FROM " + table +
			" WHERE policy = ? AND date BETWEEN ? AND ? ORDER BY date, asn"
	}
	return "SELECT date, asn, conformant, detail FROM " + table + " INDEXED BY " + table + "_policy_asn_date" +
		" WHERE policy = ? AND date BETWEEN ? AND ? AND asn = ? ORDER BY date, asn"
}

func (s *Store) conformance(ctx context.Context, table string, asn bgp.ASN, policy string, from, to time.Time) ([]conformance, error) {
	lo, hi := bounds(from, to)
	args := []any{policy, lo, hi}
	if asn != 0 {
		args = append(args, int64(asn))
	}
	rows, err := s.db.QueryContext(ctx, conformanceSQL(table, asn == 0), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", table, err)
	}
	defer rows.Close()
	var out []conformance
	for rows.Next() {
		var (
			date, a, conformant int64
			r                   = conformance{policy: policy}
		)
		if err := rows.Scan(&date, &a, &conformant, &r.detail); err != nil {
			return nil, fmt.Errorf("sqlite: scan %s: %w", table, err)
		}
		key := fmt.Sprintf("%s %q AS%d", keyDate(date), policy, a)
		if r.date, err = decodeDate(table, key, date); err != nil {
			return nil, err
		}
		v, err := decodeASN(table, key, "asn", a)
		if err != nil {
			return nil, err
		}
		r.asn = bgp.ASN(v)
		if r.conformant, err = decodeBool(table, key, "conformant", conformant); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read %s: %w", table, err)
	}
	return out, nil
}
