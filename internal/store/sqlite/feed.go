package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/manrs/manrs/internal/store"
)

// The reads of a collection's log, both by its primary key.
const (
	queryFeed     = `SELECT date_added, id, type, spec_version, version, object FROM feed_objects WHERE collection = ? ORDER BY date_added`
	queryFeedLast = `SELECT max(date_added) FROM feed_objects WHERE collection = ?`
)

// AppendFeed appends entries to a feed collection's log in one
// transaction.
func (s *Store) AppendFeed(ctx context.Context, collection string, entries []store.FeedEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := s.appendFeed(ctx, collection, entries); err != nil {
		return fmt.Errorf("sqlite: append to feed %s: %w", collection, err)
	}
	return nil
}

func (s *Store) appendFeed(ctx context.Context, collection string, entries []store.FeedEntry) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, queryFeedLast, collection).Scan(&last); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO feed_objects (collection, date_added, id, type, spec_version, version, object)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range entries {
		e := &entries[i]
		if e.DateAdded.IsZero() || e.Version.IsZero() {
			return fmt.Errorf("entry %s: no date added or version", e.ID)
		}
		added, err := instant(e.DateAdded)
		if err != nil {
			return fmt.Errorf("entry %s: date added: %w", e.ID, err)
		}
		version, err := instant(e.Version)
		if err != nil {
			return fmt.Errorf("entry %s: version: %w", e.ID, err)
		}
		if a := added.(int64); last.Valid && a <= last.Int64 {
			return fmt.Errorf("entry %s: date added %s is not after the last, %s", e.ID,
				e.DateAdded.UTC().Format(time.RFC3339Nano), time.Unix(0, last.Int64).UTC().Format(time.RFC3339Nano))
		}
		if e.ID == "" || e.Type == "" || !json.Valid(e.Object) {
			return fmt.Errorf("entry %q: no type or id, or not JSON", e.ID)
		}
		if _, err := stmt.ExecContext(ctx, collection, added, e.ID, e.Type, e.SpecVersion, version, e.Object); err != nil {
			return fmt.Errorf("entry %s: %w", e.ID, err)
		}
		last = sql.NullInt64{Int64: added.(int64), Valid: true}
	}
	return tx.Commit()
}

// Feed returns a feed collection's log, in order of date added.
func (s *Store) Feed(ctx context.Context, collection string) ([]store.FeedEntry, error) {
	rows, err := s.db.QueryContext(ctx, queryFeed, collection)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feed %s: %w", collection, err)
	}
	defer rows.Close()
	var out []store.FeedEntry
	for rows.Next() {
		var (
			e              store.FeedEntry
			added, version int64
		)
		if err := rows.Scan(&added, &e.ID, &e.Type, &e.SpecVersion, &version, &e.Object); err != nil {
			return nil, fmt.Errorf("sqlite: scan feed %s: %w", collection, err)
		}
		e.DateAdded, e.Version = time.Unix(0, added).UTC(), time.Unix(0, version).UTC()
		if !json.Valid(e.Object) {
			return nil, corrupt("feed_objects", collection+" "+e.ID, "object", errors.New("not JSON"))
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read feed %s: %w", collection, err)
	}
	return out, nil
}
