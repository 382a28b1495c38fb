package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/manrs/manrs/internal/store"
)

// OpenDispute opens a dispute of an incident.
func (s *Store) OpenDispute(ctx context.Context, incidentID, reason, by string, at time.Time) (store.Dispute, error) {
	d, err := s.openDispute(ctx, incidentID, reason, by, at)
	if err != nil {
		return store.Dispute{}, fmt.Errorf("sqlite: open dispute of incident %s: %w", incidentID, err)
	}
	return d, nil
}

func (s *Store) openDispute(ctx context.Context, incidentID, reason, by string, at time.Time) (store.Dispute, error) {
	opened, err := disputeTime(at)
	if err != nil {
		return store.Dispute{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Dispute{}, err
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, "SELECT 1 FROM incidents WHERE id = ?", incidentID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Dispute{}, store.ErrNotFound
	}
	if err != nil {
		return store.Dispute{}, err
	}
	var latest string
	var latestID int64
	err = tx.QueryRowContext(ctx, "SELECT id, state FROM disputes WHERE incident_id = ? ORDER BY id DESC LIMIT 1",
		incidentID).Scan(&latestID, &latest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return store.Dispute{}, err
	case latest == store.DisputeOpen || latest == store.DisputeAccepted:
		return store.Dispute{}, fmt.Errorf("dispute %d is %s: %w", latestID, latest, store.ErrConflict)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO disputes (incident_id, state, reason, opened_by, opened, reviewed_by, note)
		VALUES (?, ?, ?, ?, ?, '', '')`, incidentID, store.DisputeOpen, reason, by, opened)
	if err != nil {
		return store.Dispute{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return store.Dispute{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Dispute{}, fmt.Errorf("commit: %w", err)
	}
	return store.Dispute{ID: id, IncidentID: incidentID, State: store.DisputeOpen, Reason: reason,
		OpenedBy: by, Opened: time.Unix(0, opened).UTC()}, nil
}

// ReviewDispute accepts or rejects an open dispute.
func (s *Store) ReviewDispute(ctx context.Context, disputeID int64, accept bool, note, by string, at time.Time) (store.Dispute, error) {
	d, err := s.reviewDispute(ctx, disputeID, accept, note, by, at)
	if err != nil {
		return store.Dispute{}, fmt.Errorf("sqlite: review dispute %d: %w", disputeID, err)
	}
	return d, nil
}

func (s *Store) reviewDispute(ctx context.Context, disputeID int64, accept bool, note, by string, at time.Time) (store.Dispute, error) {
	reviewed, err := disputeTime(at)
	if err != nil {
		return store.Dispute{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Dispute{}, err
	}
	defer tx.Rollback()
	ds, err := queryDisputes(ctx, tx, "WHERE id = ?", disputeID)
	if err != nil {
		return store.Dispute{}, err
	}
	if len(ds) == 0 {
		return store.Dispute{}, store.ErrNotFound
	}
	d := ds[0]
	if d.State != store.DisputeOpen {
		return store.Dispute{}, fmt.Errorf("it is %s: %w", d.State, store.ErrConflict)
	}
	d.State = store.DisputeRejected
	if accept {
		d.State = store.DisputeAccepted
	}
	d.ReviewedBy, d.Reviewed, d.Note = by, time.Unix(0, reviewed).UTC(), note
	if _, err := tx.ExecContext(ctx, "UPDATE disputes SET state = ?, reviewed_by = ?, reviewed = ?, note = ? WHERE id = ?",
		d.State, by, reviewed, note, disputeID); err != nil {
		return store.Dispute{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Dispute{}, fmt.Errorf("commit: %w", err)
	}
	return d, nil
}

// Disputes returns the disputes of an incident, or of every incident when
// incidentID is "", oldest first.
func (s *Store) Disputes(ctx context.Context, incidentID string) ([]store.Dispute, error) {
	var (
		ds  []store.Dispute
		err error
	)
	if incidentID == "" {
		ds, err = queryDisputes(ctx, s.db, "")
	} else {
		ds, err = queryDisputes(ctx, s.db, "WHERE incident_id = ?", incidentID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: disputes: %w", err)
	}
	return ds, nil
}

// disputeTime is the stored form of a dispute's time, which must be set.
func disputeTime(at time.Time) (int64, error) {
	if at.IsZero() {
		return 0, errors.New("no time")
	}
	v, err := instant(at)
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryDisputes(ctx context.Context, q querier, where string, args ...any) ([]store.Dispute, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, incident_id, state, reason, opened_by, opened, reviewed_by, reviewed, note
		FROM disputes `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Dispute
	for rows.Next() {
		var (
			d        store.Dispute
			opened   int64
			reviewed sql.NullInt64
		)
		if err := rows.Scan(&d.ID, &d.IncidentID, &d.State, &d.Reason, &d.OpenedBy, &opened, &d.ReviewedBy,
			&reviewed, &d.Note); err != nil {
			return nil, fmt.Errorf("scan disputes: %w", err)
		}
		switch d.State {
		case store.DisputeOpen, store.DisputeAccepted, store.DisputeRejected:
		default:
			return nil, corrupt("disputes", fmt.Sprint(d.ID), "state", fmt.Errorf("unknown state %q", d.State))
		}
		d.Opened = time.Unix(0, opened).UTC()
		d.Reviewed = decodeInstant(reviewed)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read disputes: %w", err)
	}
	return out, nil
}
