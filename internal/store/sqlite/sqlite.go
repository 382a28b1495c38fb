package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/manrs/manrs/internal/store"
)

const (
	// BusyTimeout is how long a statement waits for a lock another
	// process holds before it fails.
	BusyTimeout = 10 * time.Second
	// CacheKiB is the most page cache each connection keeps, in KiB. A
	// day writes about 25 MB of pages; with SQLite's default of 2 MB the
	// transaction spills them to the WAL as it goes, and PutDay takes
	// about 15% more CPU.
	CacheKiB = 32 << 10
	// MaxConns caps the open connections (and so the page caches) of a
	// file store; readers beyond it wait.
	MaxConns = 8
)

// Memory is the path of a private in-memory database, for tests. It has
// one connection, so readers wait for a writer.
const Memory = ":memory:"

// Store is a store.Store in one SQLite file.
type Store struct {
	db *sql.DB
	// writeMu serialises this process's writers, so that they queue here
	// rather than in SQLite's busy handler; other processes meet the busy
	// timeout.
	writeMu sync.Mutex

	// stmts caches the prepared statements of the queries built per
	// request (feed pages), by their text: parsing a query costs as much
	// as running it.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// maxCachedStmts bounds the statement cache: the query texts of pages
// vary only with the number of values in their filters.
const maxCachedStmts = 64

// query runs a query through its cached prepared statement; once the
// cache is full, new query texts run unprepared. Cached statements are
// never closed before the store is, so none is closed under a caller.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s.stmtMu.Lock()
	st, ok := s.stmts[query]
	if !ok && len(s.stmts) < maxCachedStmts {
		var err error
		if st, err = s.db.PrepareContext(ctx, query); err != nil {
			s.stmtMu.Unlock()
			return nil, err
		}
		if s.stmts == nil {
			s.stmts = map[string]*sql.Stmt{}
		}
		s.stmts[query], ok = st, true
	}
	s.stmtMu.Unlock()
	if !ok {
		return s.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

var _ store.Store = (*Store)(nil)

// Open opens the store at path, creating it if need be, and brings its
// schema up to date. A file whose schema is newer than this program's is
// an error, as is a file of another program.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: open %s: a path may not contain '?'", path)
	}
	name := path
	if strings.HasPrefix(name, "file:") {
		name = "./" + name // a file name, not a URI
	}
	dsn := name + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=journal_mode(wal)"+
		"&_pragma=synchronous(normal)&_pragma=cache_size(%d)&_txlock=immediate",
		BusyTimeout.Milliseconds(), -CacheKiB)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if path == Memory {
		// Every connection to :memory: is a database of its own.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(MaxConns)
		db.SetMaxIdleConns(MaxConns)
	}
	s := &Store{db: db}
	if err := s.init(context.Background(), path); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	return s.db.Close()
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations) }

func (s *Store) init(ctx context.Context, path string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if path != Memory {
		var mode string
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return fmt.Errorf("read journal mode: %w", err)
		}
		if !strings.EqualFold(mode, "wal") {
			return fmt.Errorf("journal mode is %q, not wal", mode)
		}
	}
	return migrate(ctx, conn)
}

// schemaState reads the schema version and application ID.
func schemaState(ctx context.Context, conn *sql.Conn) (version, app int64, err error) {
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return 0, 0, fmt.Errorf("read application id: %w", err)
	}
	return version, app, nil
}

// checkSchema says whether a file of version and app can be used, and
// whether it needs migrations.
func checkSchema(version, app int64) (current bool, err error) {
	want := int64(len(migrations))
	switch {
	case app != 0 && app != applicationID:
		return false, fmt.Errorf("not a manrs store: application id %#x", app)
	case version > 0 && app != applicationID:
		return false, fmt.Errorf("not a manrs store: schema version %d without the manrs application id", version)
	case version > want:
		return false, fmt.Errorf("schema version %d is newer than this program's %d", version, want)
	}
	return version == want, nil
}

// migrate applies the migrations the database lacks, each in one
// transaction with its version number.
func migrate(ctx context.Context, conn *sql.Conn) error {
	version, app, err := schemaState(ctx, conn)
	if err != nil {
		return err
	}
	if current, err := checkSchema(version, app); err != nil || current {
		return err
	}
	for {
		// Take the write lock, then look again: another process may
		// have migrated meanwhile.
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		done, err := migrateOne(ctx, conn)
		if err != nil {
			if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("roll back: %w", rerr))
			}
			return err
		}
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("migrate: commit: %w", err)
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the next migration within the caller's transaction;
// done when there is none left.
func migrateOne(ctx context.Context, conn *sql.Conn) (done bool, err error) {
	version, app, err := schemaState(ctx, conn)
	if err != nil {
		return false, err
	}
	if current, err := checkSchema(version, app); err != nil || current {
		return true, err
	}
	if _, err := conn.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	stmt := fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", version+1, applicationID)
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", version+1, err)
	}
	return false, nil
}

// CorruptError reports a stored value that does not decode.
type CorruptError struct {
	Table  string
	Key    string // the row's key, as "2026-10-01 AS64500"
	Column string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("sqlite: %s %s: corrupt %s: %v", e.Table, e.Key, e.Column, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

func corrupt(table, key, column string, err error) error {
	return &CorruptError{Table: table, Key: key, Column: column, Err: err}
}

// dateKey is the stored form of a date: Unix seconds of 00:00 UTC of its
// UTC day.
func dateKey(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
}

// bounds are the stored forms of an inclusive date range; a zero bound is
// open.
func bounds(from, to time.Time) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if !from.IsZero() {
		lo = dateKey(from)
	}
	if !to.IsZero() {
		hi = dateKey(to)
	}
	return lo, hi
}

// keyDate formats a stored date for messages.
func keyDate(k int64) string { return time.Unix(k, 0).UTC().Format(time.DateOnly) }

// decodeDate decodes a stored date.
func decodeDate(table, key string, k int64) (time.Time, error) {
	if k%86400 != 0 {
		return time.Time{}, corrupt(table, key, "date", fmt.Errorf("%d is not a midnight", k))
	}
	return time.Unix(k, 0).UTC(), nil
}

var (
	minInstant = time.Unix(0, math.MinInt64)
	maxInstant = time.Unix(0, math.MaxInt64)
)

// instant is the stored form of a time: Unix nanoseconds, NULL for the
// zero time.
func instant(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minInstant) || t.After(maxInstant) {
		return nil, fmt.Errorf("time %s out of range %d-%d", t.UTC().Format(time.RFC3339), minInstant.Year(), maxInstant.Year())
	}
	return t.UnixNano(), nil
}

func decodeInstant(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(0, v.Int64).UTC()
}

// decodeBool decodes a stored boolean, 0 or 1.
func decodeBool(table, key, column string, v int64) (bool, error) {
	switch v {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, corrupt(table, key, column, fmt.Errorf("%d is not a boolean", v))
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// decodeASN decodes a stored ASN.
func decodeASN(table, key, column string, v int64) (uint32, error) {
	if v < 0 || v > math.MaxUint32 {
		return 0, corrupt(table, key, column, fmt.Errorf("%d out of range", v))
	}
	return uint32(v), nil
}
