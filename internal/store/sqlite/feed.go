package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/store"
)

// The reads of a collection that AddFeed makes, by the indexes.
const (
	// queryFeedLast: the last date added, of the entries there or of
	// those pruned.
	queryFeedLast = `SELECT max(last) FROM (SELECT max(date_added) AS last FROM feed_objects WHERE collection = ?1
		UNION ALL SELECT last_added FROM feed_marks WHERE collection = ?1)`
	// queryFeedHeld: does the collection hold the object version ?4 of
	// id ?2, or any version when ?3 (versioned) is 0?
	queryFeedHeld = `SELECT 1 FROM feed_objects WHERE collection = ?1 AND id = ?2 AND (?3 = 0 OR version = ?4) LIMIT 1`
	queryFeedHas  = `SELECT 1 FROM feed_objects WHERE collection = ? AND id = ? LIMIT 1`
	// queryFeedSpecs: the latest STIX version an object has, and the
	// range of its versions of that STIX version.
	queryFeedSpecs = `SELECT spec_version, min(version), max(version) FROM feed_objects WHERE collection = ? AND id = ?
		GROUP BY spec_version ORDER BY spec_version DESC LIMIT 1`
)

// AddFeed adds object versions to a feed collection in one transaction.
func (s *Store) AddFeed(ctx context.Context, collection string, day time.Time, objs []store.FeedObject, now time.Time) ([]store.FeedEntry, error) {
	for i := range objs {
		o := &objs[i]
		if o.ID == "" || o.Type == "" || o.SpecVersion == "" || !json.Valid(o.Object) {
			return nil, fmt.Errorf("sqlite: add to feed %s: object %d (%q): no id, type or spec version, or not JSON", collection, i, o.ID)
		}
		if _, err := instant(o.Version); err != nil {
			return nil, fmt.Errorf("sqlite: add to feed %s: object %s: version: %w", collection, o.ID, err)
		}
	}
	if _, err := instant(now); err != nil || now.IsZero() {
		return nil, fmt.Errorf("sqlite: add to feed %s: bad time %s", collection, now)
	}
	added, err := s.addFeed(ctx, collection, day, objs, now)
	if err != nil {
		return nil, fmt.Errorf("sqlite: add to feed %s: %w", collection, err)
	}
	return added, nil
}

func (s *Store) addFeed(ctx context.Context, collection string, day time.Time, objs []store.FeedObject, now time.Time) ([]store.FeedEntry, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var lastNS sql.NullInt64
	if err := tx.QueryRowContext(ctx, queryFeedLast, collection).Scan(&lastNS); err != nil {
		return nil, err
	}
	held, err := tx.PrepareContext(ctx, queryFeedHeld)
	if err != nil {
		return nil, err
	}
	defer held.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO feed_objects (collection, date_added, id, type, spec_version, version, versioned,
		spec_latest, is_first, is_last, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer ins.Close()
	specs, err := tx.PrepareContext(ctx, queryFeedSpecs)
	if err != nil {
		return nil, err
	}
	defer specs.Close()
	last := time.Time{}
	if lastNS.Valid {
		last = time.Unix(0, lastNS.Int64).UTC()
	}
	// Dates added have the microseconds a TAXII timestamp shows.
	at := now.UTC().Truncate(time.Microsecond)
	var out []store.FeedEntry
	for _, o := range objs {
		versioned := int64(0)
		var version int64
		if !o.Version.IsZero() {
			versioned, version = 1, o.Version.UnixNano()
		}
		var one int
		switch err := held.QueryRowContext(ctx, collection, o.ID, versioned, version).Scan(&one); {
		case err == nil:
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
		if !at.After(last) {
			at = last.Add(time.Microsecond)
		}
		last = at
		e := store.FeedEntry{FeedObject: o, DateAdded: at}
		if versioned == 0 {
			e.Version, version = at, at.UnixNano()
		}
		isLatest, isFirst, isLast, err := feedFlags(ctx, tx, specs, collection, o.ID, o.SpecVersion, version)
		if err != nil {
			return nil, fmt.Errorf("object %s: %w", o.ID, err)
		}
		if _, err := ins.ExecContext(ctx, collection, at.UnixNano(), o.ID, o.Type, o.SpecVersion, version, versioned,
			isLatest, isFirst, isLast, o.Object); err != nil {
			return nil, fmt.Errorf("object %s: %w", o.ID, err)
		}
		out = append(out, e)
	}
	if len(out) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_marks (collection, last_added) VALUES (?1, ?2)
			ON CONFLICT (collection) DO UPDATE SET last_added = max(last_added, ?2)`, collection, last.UnixNano()); err != nil {
			return nil, fmt.Errorf("record the last date added: %w", err)
		}
	}
	if !day.IsZero() {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO feed_days (collection, date) VALUES (?, ?)", collection, dateKey(day)); err != nil {
			return nil, fmt.Errorf("record day: %w", err)
		}
	}
	return out, tx.Commit()
}

// FeedDays returns the days fed to a collection, oldest first.
func (s *Store) FeedDays(ctx context.Context, collection string) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT date FROM feed_days WHERE collection = ? ORDER BY date", collection)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feed days of %s: %w", collection, err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("sqlite: scan feed days: %w", err)
		}
		d, err := decodeDate("feed_days", collection, k)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read feed days of %s: %w", collection, err)
	}
	return out, nil
}

// feedFlags returns the spec_latest, is_first and is_last of a new
// version of an object, and clears them on the object's rows they pass
// to it: a newer STIX version takes all three from every older row; in
// the latest STIX version, a version after the last takes is_last, one
// before the first is_first.
func feedFlags(ctx context.Context, tx *sql.Tx, specs *sql.Stmt, collection, id, spec string, version int64) (latest, first, last bool, err error) {
	var (
		cur        sql.NullString
		minV, maxV sql.NullInt64
	)
	if err := specs.QueryRowContext(ctx, collection, id).Scan(&cur, &minV, &maxV); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, false, false, err
	}
	switch {
	case !cur.Valid || spec > cur.String:
		if cur.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE feed_objects SET spec_latest = 0, is_first = 0, is_last = 0
				WHERE collection = ? AND id = ?`, collection, id); err != nil {
				return false, false, false, err
			}
		}
		return true, true, true, nil
	case spec < cur.String:
		return false, false, false, nil
	}
	first, last = version < minV.Int64, version > maxV.Int64
	for _, c := range []struct {
		on   bool
		flag string
	}{{first, "is_first"}, {last, "is_last"}} {
		if c.on {
			if _, err := tx.ExecContext(ctx, "UPDATE feed_objects SET "+c.flag+" = 0 WHERE collection = ? AND id = ? AND spec_version = ?",
				collection, id, spec); err != nil {
				return false, false, false, err
			}
		}
	}
	return true, first, last, nil
}

// PruneFeed removes the entries of a collection added before before, in
// one transaction, and sets the flags of the objects that keep entries
// from what is left of them.
func (s *Store) PruneFeed(ctx context.Context, collection string, before time.Time) (int, error) {
	if before.IsZero() {
		return 0, nil
	}
	n, err := s.pruneFeed(ctx, collection, before.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune feed %s: %w", collection, err)
	}
	return n, nil
}

func (s *Store) pruneFeed(ctx context.Context, collection string, before int64) (int, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// The objects losing entries, before they do.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS feed_pruned (id TEXT PRIMARY KEY) WITHOUT ROWID`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.feed_pruned`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO temp.feed_pruned (id)
		SELECT id FROM feed_objects WHERE collection = ? AND date_added < ?`, collection, before); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM feed_objects WHERE collection = ? AND date_added < ?`, collection, before)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE feed_objects AS f SET
			spec_latest = (f.spec_version = (SELECT max(g.spec_version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id)),
			is_first = (f.spec_version = (SELECT max(g.spec_version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id)
				AND f.version = (SELECT min(g.version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id AND g.spec_version = f.spec_version)),
			is_last = (f.spec_version = (SELECT max(g.spec_version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id)
				AND f.version = (SELECT max(g.version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id AND g.spec_version = f.spec_version))
			WHERE f.collection = ? AND f.id IN (SELECT id FROM temp.feed_pruned)`, collection); err != nil {
			return 0, fmt.Errorf("flags: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.feed_pruned`); err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// HasFeedObject reports whether a collection holds a version of an
// object.
func (s *Store) HasFeedObject(ctx context.Context, collection, id string) (bool, error) {
	var one int
	switch err := s.db.QueryRowContext(ctx, queryFeedHas, collection, id).Scan(&one); {
	case err == nil:
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	default:
		return false, fmt.Errorf("sqlite: feed %s: %w", collection, err)
	}
}

// feedSQL builds the query of FindFeed: the collection's entries after
// q.After in order of date added, through the covering index
// feed_objects_added, each filter a condition on the row. Only listed
// STIX versions make the first/last conditions look at the object's
// other versions, through feed_objects_id; by default the row's flags
// tell.
func feedSQL(collection string, q store.FeedQuery) (string, []any) {
	cols := "f.date_added, f.id, f.type, f.spec_version, f.version"
	if q.Bodies {
		cols += ", f.object"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %s FROM feed_objects f WHERE f.collection = ? AND f.date_added > ?", cols)
	after := int64(-1 << 63)
	if !q.After.IsZero() {
		after = q.After.UnixNano()
	}
	args := []any{collection, after}
	in := func(col string, vals []string) {
		b.WriteString(" AND " + col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if q.IDs != nil {
		in("f.id", q.IDs)
	}
	if q.Types != nil {
		in("f.type", q.Types)
	}
	// specOK is the condition on another version g of the object: of an
	// accepted STIX version.
	var specOK string
	var specArgs []any
	if q.SpecVersions != nil {
		in("f.spec_version", q.SpecVersions)
		specOK = "g.spec_version IN (" + strings.TrimSuffix(strings.Repeat("?,", len(q.SpecVersions)), ",") + ")"
		for _, v := range q.SpecVersions {
			specArgs = append(specArgs, v)
		}
	} else {
		b.WriteString(" AND f.spec_latest = 1")
	}
	if !q.All {
		var or []string
		if len(q.Versions) > 0 {
			or = append(or, "f.version IN ("+strings.TrimSuffix(strings.Repeat("?,", len(q.Versions)), ",")+")")
			for _, v := range q.Versions {
				args = append(args, v.UnixNano())
			}
		}
		for _, c := range []struct {
			on        bool
			agg, flag string
		}{{q.First, "min", "is_first"}, {q.Last, "max", "is_last"}} {
			switch {
			case !c.on:
			case q.SpecVersions == nil:
				// The flags are of the latest STIX version.
				or = append(or, "f."+c.flag+" = 1")
			default:
				or = append(or, "f.version = (SELECT "+c.agg+"(g.version) FROM feed_objects g WHERE g.collection = f.collection AND g.id = f.id AND "+specOK+")")
				args = append(args, specArgs...)
			}
		}
		if len(or) == 0 {
			or = []string{"0"}
		}
		b.WriteString(" AND (" + strings.Join(or, " OR ") + ")")
	}
	b.WriteString(" ORDER BY f.date_added LIMIT ?")
	args = append(args, q.Limit+1)
	return b.String(), args
}

// FindFeed returns the entries of a collection that q selects.
func (s *Store) FindFeed(ctx context.Context, collection string, q store.FeedQuery) ([]store.FeedEntry, bool, error) {
	if q.Limit < 1 {
		return nil, false, fmt.Errorf("sqlite: feed %s: limit %d: want a positive one", collection, q.Limit)
	}
	query, args := feedSQL(collection, q)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: feed %s: %w", collection, err)
	}
	defer rows.Close()
	out := make([]store.FeedEntry, 0, min(q.Limit, 256))
	more := false
	for rows.Next() {
		if len(out) == q.Limit {
			more = true
			break
		}
		var (
			e              store.FeedEntry
			added, version int64
		)
		dst := []any{&added, &e.ID, &e.Type, &e.SpecVersion, &version}
		if q.Bodies {
			dst = append(dst, &e.Object)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, false, fmt.Errorf("sqlite: scan feed %s: %w", collection, err)
		}
		e.DateAdded, e.Version = time.Unix(0, added).UTC(), time.Unix(0, version).UTC()
		if q.Bodies && !json.Valid(e.Object) {
			return nil, false, corrupt("feed_objects", collection+" "+e.ID, "object", errors.New("not JSON"))
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("sqlite: read feed %s: %w", collection, err)
	}
	return out, more, nil
}
